"""An OPC UA node as a graph `Node`: the one rule both OPC UA adapters follow, so a live server and
its NodeSet2 file give every node the same fields.

The node's own attributes (kind, BrowseName, texts, DataType, ValueRank) come with the facets the
adapter gathered from the rest of the model: the type each variable has (a PropertyType variable is a
property), its modelling rule, EngineeringUnits, EURange, enumeration and browse path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.opcua.ns0 import PROPERTY_TYPE
from adapters.texts import choose_text
from translator.graph.model import LocalText, Node, NodeKind

__all__ = ["Facets", "opcua_node"]


@dataclass(frozen=True, slots=True)
class Facets:
    """What the rest of the model says about its nodes, by node id.

    Attributes:
        type_of: each instance's TypeDefinition; modelling: ModellingRule names;
        units: ``(UNECE code, label)`` from EngineeringUnits; ranges: EURange ``(low, high)``;
        enums: enumeration texts (of a variable, or of a data type); paths: browse paths;
        name_of: the BrowseName of any id (for the datatype's name); language: preferred locale.
    """

    type_of: dict[str, str]
    modelling: dict[str, str]
    units: dict[str, tuple[str, str]]
    ranges: dict[str, tuple[float, float]]
    enums: dict[str, tuple[str, ...]]
    paths: dict[str, str]
    name_of: Callable[[str], str]
    language: str


def opcua_node(
    node_id: str,
    kind: NodeKind,
    name: str,
    labels: tuple[LocalText, ...],
    descriptions: tuple[LocalText, ...],
    datatype: str,
    value_rank: int | None,
    *,
    source: str,
    own: bool,
    facets: Facets,
) -> Node:
    """The graph node of one OPC UA node."""
    if kind is NodeKind.VARIABLE and facets.type_of.get(node_id) == PROPERTY_TYPE:
        kind = NodeKind.PROPERTY
    unit_code, unit_label = facets.units.get(node_id, ("", ""))
    low_high = facets.ranges.get(node_id)
    return Node(
        id=node_id,
        kind=kind,
        name=name,
        label=choose_text(labels, facets.language) or name,
        description=choose_text(descriptions, facets.language),
        datatype=facets.name_of(datatype) if datatype else "",
        unit=unit_code,
        path=facets.paths.get(node_id, ""),
        source=source,
        own=own,
        labels=labels,
        descriptions=descriptions,
        unit_label=unit_label,
        value_rank=value_rank,
        modelling_rule=facets.modelling.get(node_id, ""),
        enum_values=facets.enums.get(node_id) or facets.enums.get(datatype, ()),
        minimum=low_high[0] if low_high else None,
        maximum=low_high[1] if low_high else None,
    )
