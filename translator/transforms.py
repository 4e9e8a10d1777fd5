"""Graph transforms that make a second model out of a real one, with the true correspondence known.

Real models of the same thing differ in how they name (case styles, abbreviations, vendor prefixes,
synonyms, other languages), what they include (dropped and extra nodes), how they group (flatter or
deeper hierarchies), and which units and datatypes they use. Each transform here reproduces one of
those differences on a copy of a graph — it never changes its input — and keeps ``truth``, the map
from the original's own node ids to the transformed graph's ids. Composed and seeded, they give the
training pairs of the learned matcher and held-out test pairs (:func:`make_pair`).

Example:
    >>> import random
    >>> pair = make_pair(graph, random.Random(0))  # doctest: +SKIP
    >>> pair.truth[some_own_id] in pair.target  # doctest: +SKIP
    True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from translator.graph import Node, NodeKind, SchemaGraph
from translator.lexical import datatype_class
from translator.tokens import ABBREVIATIONS, split_name
from translator.units import dimension

__all__ = [
    "DEFAULT",
    "MODERATE",
    "AddNodes",
    "ChangeDatatypes",
    "ChangeUnits",
    "Compose",
    "DropNodes",
    "Flatten",
    "Nest",
    "Overlap",
    "Pair",
    "Reidentify",
    "Rename",
    "Tag",
    "Transform",
    "make_pair",
]


@dataclass
class Pair:
    """A source graph, a transformed target graph, and the true correspondence (source id → target id)."""

    source: SchemaGraph
    target: SchemaGraph
    truth: dict[str, str] = field(default_factory=dict)


Transform = Callable[[Pair, random.Random], Pair]
"""A transform takes a pair (its target is what gets changed) and returns a new pair."""

_CONTAINMENT = frozenset({"HasComponent", "HasProperty", "Organizes", "HasOrderedComponent", "child"})
_ABBREVIATE = {long: short for short, long in ABBREVIATIONS.items() if " " not in long and len(short) >= 2}
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
_VENDOR_PREFIXES = ("VND_", "X", "ACME_", "p_", "Sys", "M1_")
_FILLER = ("Aux", "Spare", "Reserve", "Diag", "Internal", "Debug", "Cfg", "Tmp", "Calc", "Misc")


def _copy(graph: SchemaGraph) -> SchemaGraph:
    out = SchemaGraph(graph.name, sources=graph.sources, namespaces=graph.namespaces)
    out.add_nodes(graph.nodes())
    out.add_edges(graph.edges())
    return out


def _own_ids(graph: SchemaGraph) -> list[str]:
    return sorted(n.id for n in graph.own_nodes())


def _style(words: Sequence[str], style: str) -> str:
    if style == "snake":
        return "_".join(words)
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:]) if words else ""
    return "".join(w.capitalize() for w in words)  # Pascal


@dataclass(frozen=True)
class Rename:
    """Rename a share of the own nodes: case style, abbreviations, a vendor prefix, a dropped
    qualifier (``RegularAuthor`` → ``Author``), swapped word order (``PcChair`` → ``ChairPc``), or a
    synonym / another language's label when the node has one. A renamed node loses its
    description with probability ``drop_description``: real models rarely share their prose."""

    share: float = 0.7
    drop_description: float = 0.5

    def _words(self, node: Node, rng: random.Random) -> list[str]:
        words = [_ABBREVIATE.get(w, w) if rng.random() < 0.5 else w for w in split_name(node.name)]
        if len(words) >= 2 and rng.random() < 0.2:
            del words[0]  # the qualifier goes, the head word stays
        elif len(words) >= 2 and rng.random() < 0.15:
            words = words[-1:] + words[:-1]
        return words

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        prefix = rng.choice(_VENDOR_PREFIXES) if rng.random() < 0.5 else ""
        style = rng.choice(("snake", "upper", "camel", "pascal"))
        for node_id in _own_ids(target):
            if rng.random() >= self.share:
                continue
            node = target[node_id]
            others = [t for _, t in node.labels if t and t not in (node.name, node.label)] + list(
                node.synonyms
            )
            if others and rng.random() < 0.3:
                name = rng.choice(sorted(others))
            else:
                words = self._words(node, rng)
                name = prefix + _style(words, style) if words else node.name
            kept = rng.random() >= self.drop_description
            target.add_node(
                node.replace(
                    name=name,
                    label=name,
                    labels=(("", name),),
                    synonyms=(),
                    description=node.description if kept else "",
                    descriptions=node.descriptions if kept else (),
                )
            )
        return Pair(pair.source, target, dict(pair.truth))


_ISA_LETTERS = {
    "[temperature]": "T",
    "[length]^-1 [mass] [time]^-2": "P",
    "[length]^3 [time]^-1": "F",
    "[length]": "L",
    "[time]^-1": "S",
    "[current]": "I",
    "[length]^2 [mass] [time]^-3": "J",
    "[time]": "K",
    "": "Z",
}
"""ISA-5.1 first letters by measured quantity: temperature, pressure, flow, level, speed, current,
power, time, position/ratio (dimensionless)."""


@dataclass(frozen=True)
class Tag:
    """Give a share of the own variables legacy PLC tag names (ISA-5.1 style: ``TT_102`` for a
    temperature transmitter, ``XS_112`` for a status), keeping description and unit: what a
    controller's tag list looks like next to a typed information model. Applied to a whole model
    with probability ``chance``."""

    chance: float = 0.3
    share: float = 0.8

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        if rng.random() >= self.chance:
            return pair
        target = _copy(pair.target)
        number = rng.randrange(100, 900)
        for node_id in _own_ids(target):
            node = target[node_id]
            if node.kind not in (NodeKind.VARIABLE, NodeKind.FIELD) or rng.random() >= self.share:
                continue
            quantity = dimension(node.unit) if node.unit else None
            letter = _ISA_LETTERS.get(quantity, "X") if quantity is not None else "X"
            function = "S" if datatype_class(node.datatype) == "bool" else rng.choice("TTTIC")
            number += 1
            name = f"{letter}{function}{rng.choice(('_', '-', ''))}{number}"
            target.add_node(node.replace(name=name, label=name, labels=(("", name),), synonyms=()))
        return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class DropNodes:
    """Drop a share of the own leaf nodes (no contained children; their edges go too); they leave
    the truth."""

    share: float = 0.1

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        leaves = [
            i for i in _own_ids(target) if not any(e.relation in _CONTAINMENT for e in target.out_edges(i))
        ]
        dropped = {i for i in leaves if rng.random() < self.share}
        for node_id in sorted(dropped):
            target.remove_node(node_id)
        truth = {s: t for s, t in pair.truth.items() if t not in dropped}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Overlap:
    """Two models of one domain share only part of their content: drop a share (drawn between
    ``low`` and ``high`` per pair) of the matched own nodes, half of them from the source and half
    from the target, so that both sides keep nodes without a counterpart — the usual case between
    real models, where a confident-looking pair is often no pair at all."""

    low: float = 0.0
    high: float = 0.6

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        share = rng.uniform(self.low, self.high)
        source, target = _copy(pair.source), _copy(pair.target)
        truth = {}
        for s, t in sorted(pair.truth.items()):
            draw = rng.random()
            if draw < share / 2:
                source.remove_node(s)
            elif draw < share:
                target.remove_node(t)
            else:
                truth[s] = t
        return Pair(source, target, truth)


@dataclass(frozen=True)
class AddNodes:
    """Add distractor nodes (names the source never had) under random own parents."""

    share: float = 0.1

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        parents = [
            i for i in _own_ids(target) if any(e.relation in _CONTAINMENT for e in target.out_edges(i))
        ]
        if not parents:
            return Pair(pair.source, target, dict(pair.truth))
        count = max(1, int(self.share * len(parents)))
        for k in range(count):
            parent = target[rng.choice(parents)]
            name = f"{rng.choice(_FILLER)}{rng.choice(_FILLER)}{k}"
            node_id = f"{parent.id}/added-{k}"
            kind = NodeKind.FIELD if parent.kind in (NodeKind.OBJECT, NodeKind.FIELD) else NodeKind.VARIABLE
            target.add_node(
                Node(node_id, kind, name, label=name, path=f"{parent.path}/{name}", source=parent.source)
            )
            relation = next(e.relation for e in target.out_edges(parent.id) if e.relation in _CONTAINMENT)
            target.add_edge(parent.id, node_id, relation)
        return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class Flatten:
    """Remove a share of the own intermediate grouping nodes; their children move up one level."""

    share: float = 0.3

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        removed: set[str] = set()
        for node_id in _own_ids(target):
            parents = [e for e in target.in_edges(node_id) if e.relation in _CONTAINMENT]
            children = [e for e in target.out_edges(node_id) if e.relation in _CONTAINMENT]
            if not parents or not children or rng.random() >= self.share:
                continue
            grandparent = parents[0].source
            for child in children:
                target.add_edge(grandparent, child.target, child.relation)
            target.remove_node(node_id)
            removed.add(node_id)
        truth = {s: t for s, t in pair.truth.items() if t not in removed}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Nest:
    """Insert a new folder between a share of the own parents and their children."""

    share: float = 0.2

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        for k, node_id in enumerate(_own_ids(target)):
            children = [e for e in target.out_edges(node_id) if e.relation in _CONTAINMENT]
            if len(children) < 2 or rng.random() >= self.share:
                continue
            parent = target[node_id]
            folder_id = f"{node_id}/folder-{k}"
            name = rng.choice(("Parameters", "Values", "Signals", "Data", "Group"))
            target.add_node(Node(folder_id, NodeKind.OBJECT, name, label=name, source=parent.source))
            target.add_edge(node_id, folder_id, "Organizes" if parent.kind is not NodeKind.FIELD else "child")
            for child in children[: len(children) // 2 + 1]:
                target.remove_edge(child.source, child.target, child.relation)
                target.add_edge(folder_id, child.target, child.relation)
        return Pair(pair.source, target, dict(pair.truth))


def _swap(pair: Pair, rng: random.Random, share: float, field: str, table: dict[str, str]) -> Pair:
    """Replace a share of the own nodes' ``field`` values found in ``table`` by their swap."""
    target = _copy(pair.target)
    for node_id in _own_ids(target):
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


@dataclass(frozen=True)
class Reidentify:
    """Give every own node of the target a new, meaningless id in shuffled order (ids must not leak
    the answer), and rewrite edges and truth accordingly."""

    prefix: str = "urn:tolka:copy:"

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        old = pair.target
        own = _own_ids(old)
        numbers = list(range(len(own)))
        rng.shuffle(numbers)
        new_id = {node_id: f"{self.prefix}{n}" for node_id, n in zip(own, numbers, strict=True)}
        target = SchemaGraph(f"{old.name} (transformed)", sources=old.sources, namespaces=[self.prefix])
        nodes = [n.replace(id=new_id[n.id]) if n.id in new_id else n for n in old.nodes()]
        rng.shuffle(nodes)
        target.add_nodes(nodes)
        target.add_edges(
            (new_id.get(e.source, e.source), new_id.get(e.target, e.target), e.relation) for e in old.edges()
        )
        truth = {s: new_id[t] for s, t in pair.truth.items() if t in new_id}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Compose:
    """Apply transforms in order."""

    transforms: tuple[Transform, ...]

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        for transform in self.transforms:
            pair = transform(pair, rng)
        return pair


DEFAULT = Compose(
    (
        Overlap(),
        Rename(),
        Tag(),
        ChangeUnits(),
        ChangeDatatypes(),
        DropNodes(),
        AddNodes(),
        Flatten(),
        Nest(),
        Reidentify(),
    )
)
"""Every kind of difference, then fresh ids: what the learned matcher trains on. ``Overlap`` makes
both sides keep nodes without a counterpart (up to 60 % of them), so that the calibration learns
that a confident-looking pair can be no pair at all."""

MODERATE = Compose(
    (Rename(), ChangeUnits(), ChangeDatatypes(), DropNodes(), AddNodes(), Flatten(), Nest(), Reidentify())
)
"""The differences the matcher's quality goal names — renaming, 10 % of the leaves dropped,
distractors added, hierarchies regrouped, units and datatypes changed, order shuffled — at moderate
strength, with no loss of overlap beyond the dropped leaves."""


def make_pair(graph: SchemaGraph, rng: random.Random, transform: Transform = DEFAULT) -> Pair:
    """A training or test pair: the graph, a transformed copy, and the true correspondence."""
    start = Pair(graph, graph, {n.id: n.id for n in graph.own_nodes()})
    return transform(start, rng)
