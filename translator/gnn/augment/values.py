"""Transforms of the values nodes describe: other units of the same quantity (:class:`ChangeUnits`) and
neighbouring datatypes (:class:`ChangeDatatypes`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from translator.gnn.augment.transform import Pair, copy_graph, own_ids

__all__ = ["ChangeDatatypes", "ChangeUnits"]

_UNIT_SWAPS = {
    "CEL": "FAH", "FAH": "CEL", "KEL": "CEL", "BAR": "PS", "PS": "BAR", "KPA": "BAR", "PAL": "KPA",
    "MQH": "G2", "G2": "MQH", "L2": "MQH", "RPM": "HTZ", "HTZ": "RPM", "MTR": "INH", "INH": "MTR",
    "MMT": "INH", "KWT": "BHP", "BHP": "KWT", "SEC": "HUR", "HUR": "SEC", "MIN": "SEC",
}  # fmt: skip
_DATATYPE_SWAPS = {
    "Double": "Float", "Float": "Double", "Int32": "Int64", "Int64": "Int32", "UInt32": "UInt64",
    "Int16": "Int32", "number": "integer", "integer": "number", "xsd:float": "xsd:double",
    "xsd:double": "xsd:float", "xsd:int": "xsd:integer", "xsd:integer": "xsd:int",
}  # fmt: skip


def _swap(pair: Pair, rng: random.Random, share: float, field: str, table: dict[str, str]) -> Pair:
    """Replace a share of the own nodes' ``field`` values found in ``table`` by their swap."""
    target = copy_graph(pair.target)
    for node_id in own_ids(target):
        node = target[node_id]
        other = table.get(getattr(node, field))
        if other and rng.random() < share:
            changes = {field: other, "unit_label": other} if field == "unit" else {field: other}
            target.add_node(node.replace(**changes))
    return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class ChangeUnits:
    """Give a share of the own nodes with units another unit of the same quantity (°C → °F, ...)."""

    share: float = 0.5

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        return _swap(pair, rng, self.share, "unit", _UNIT_SWAPS)


@dataclass(frozen=True)
class ChangeDatatypes:
    """Give a share of the own nodes a neighbouring datatype (Double → Float, Int32 → Int64, ...)."""

    share: float = 0.3

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        return _swap(pair, rng, self.share, "datatype", _DATATYPE_SWAPS)
