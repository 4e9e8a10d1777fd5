"""Graph transforms that make a second model out of a real one, with the true correspondence known.

Real models of the same thing differ in how they name (case styles, abbreviations, vendor prefixes,
synonyms, other languages), what they include (dropped and extra nodes), how they group (flatter or
deeper hierarchies), and which units and datatypes they use. Each transform here reproduces one of
those differences on a copy of a graph — it never changes its input — and keeps ``truth``, the map
from the original's own node ids to the transformed graph's ids. Composed and seeded, they give the
training pairs of the learned matcher and held-out test pairs (:func:`make_pair`).

No leaks: what a transform renames, it renames everywhere the old name is written — the node's name,
label, other labels and synonyms, the last segment of its browse path and that segment in every
descendant's path, and mentions of the name in its descriptions — and what it removes or regroups,
it removes from the paths too. Paths are rebuilt from the graph itself: a node hangs under the node
that sits at its path's prefix (the adapters' browse paths and class paths), so the text the GNN
reads (name, labels, parent path segments, description) never carries the answer.

Example:
    >>> import random
    >>> pair = make_pair(graph, random.Random(0))  # doctest: +SKIP
    >>> pair.truth[some_own_id] in pair.target  # doctest: +SKIP
    True
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import ABBREVIATIONS, split_name
from translator.translation.units import dimension

__all__ = [
    "DEFAULT",
    "MODERATE",
    "AddNodes",
    "Augmentation",
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
    "make_pair",
]


@dataclass
class Pair:
    """A source graph, a transformed target graph, and the true correspondence (source id → target id)."""

    source: SchemaGraph
    target: SchemaGraph
    truth: dict[str, str] = field(default_factory=dict)


Augmentation = Callable[[Pair, random.Random], Pair]
"""An augmentation takes a pair (its target is what gets changed) and returns a new pair."""

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


# -- paths: where each node hangs, rebuilt after renames, removals and regrouping ---------------


def _segment(name: str) -> str:
    """A name as a path segment, escaped as in RFC 6901 (``~`` → ``~0``, ``/`` → ``~1``)."""
    return name.replace("~", "~0").replace("/", "~1")


class _PathTree:
    """Where each node's path hangs: on the node at its path's prefix (its path parent) or, when no
    node is there, on that prefix as plain text. Nodes whose path has no ``/`` are not in the tree.

    Built from a graph whose paths are consistent; after nodes are renamed, removed or moved,
    :meth:`rebuild` writes the paths of those nodes and of everything below them again, from the
    parents' paths and the nodes' (new) names. Several nodes at one prefix (two BrowseNames alike):
    the one linked to the node by an edge, then the first by id."""

    def __init__(self, graph: SchemaGraph) -> None:
        at: dict[str, list[str]] = {}
        for node in graph.nodes():
            at.setdefault(node.path, []).append(node.id)
        self.parent: dict[str, str] = {}
        self.head: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.moved: set[str] = set()
        for node in graph.nodes():
            if "/" not in node.path:
                continue
            prefix = node.path.rpartition("/")[0]
            candidates = at.get(prefix, ())
            if len(candidates) > 1:
                linked = {e.source for e in graph.in_edges(node.id)}
                linked |= {e.target for e in graph.out_edges(node.id)}
                candidates = sorted(c for c in candidates if c in linked) or sorted(candidates)
            if candidates:
                self.parent[node.id] = candidates[0]
                self.children.setdefault(candidates[0], []).append(node.id)
            else:
                self.head[node.id] = prefix

    def hang(self, node_id: str, parent: str | None, head: str = "") -> None:
        """Hang a node under ``parent`` (or, when None, under the plain prefix ``head``)."""
        old = self.parent.pop(node_id, None)
        if old is not None:
            self.children[old].remove(node_id)
        self.head.pop(node_id, None)
        if parent is None:
            self.head[node_id] = head
        else:
            self.parent[node_id] = parent
            self.children.setdefault(parent, []).append(node_id)
        self.moved.add(node_id)

    def remove(self, node_id: str, moved: Iterable[str] = (), to: str | None = None) -> None:
        """Take a node out: its children in ``moved`` hang under ``to``, its other children where it
        hung itself."""
        moved = set(moved)
        up, head = self.parent.pop(node_id, None), self.head.pop(node_id, "")
        if up is not None:
            self.children[up].remove(node_id)
        for child in list(self.children.pop(node_id, ())):
            del self.parent[child]
            if child in moved and to is not None:
                self.hang(child, to)
            else:
                self.hang(child, up, head)
        self.moved.discard(node_id)

    def rebuild(self, graph: SchemaGraph, renamed: Iterable[str] = ()) -> None:
        """Write the paths of the ``renamed`` and moved nodes and of everything below them again: the
        parent's path, then the node's segment (its new name when it was renamed, else its path's
        last segment as it was)."""
        renamed = set(renamed)
        stale: set[str] = set()
        stack = [n for n in (*renamed, *self.moved) if n in self.parent or n in self.head]
        while stack:
            node_id = stack.pop()
            if node_id not in stale:
                stale.add(node_id)
                stack.extend(self.children.get(node_id, ()))
        paths: dict[str, str] = {}

        def path_of(node_id: str) -> str:
            if node_id not in stale:
                return graph[node_id].path
            done = paths.get(node_id)
            if done is None:
                node = graph[node_id]
                last = _segment(node.name) if node_id in renamed else node.path.rpartition("/")[2]
                up = self.parent.get(node_id)
                done = paths[node_id] = f"{path_of(up) if up is not None else self.head[node_id]}/{last}"
            return done

        for node_id in sorted(stale):
            path = path_of(node_id)
            node = graph[node_id]
            if path != node.path:
                graph.add_node(node.replace(path=path))
        self.moved.clear()


def _remove(graph: SchemaGraph, node_ids: Iterable[str]) -> None:
    """Remove nodes; what hung under them on their paths hangs where they hung."""
    tree = _PathTree(graph)
    for node_id in sorted(set(node_ids)):
        graph.remove_node(node_id)
        tree.remove(node_id)
    tree.rebuild(graph)


# -- names in prose: a renamed node's descriptions must not spell its old name -----------------

_WORD = re.compile(r"[0-9A-Za-z]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
"""The word pieces of :func:`translator.graph.names.split_name`."""


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    """The lower-cased words of ``text`` as :func:`split_name` splits them, with their character
    spans in ``text`` (accents folded one character at a time, so spans stay right)."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        ascii_char = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        folded.append(ascii_char)
        origin.extend([i] * len(ascii_char))
    flat = "".join(folded)
    spans = []
    for chunk in _WORD.finditer(flat):
        for piece in _CAMEL.finditer(chunk.group()):
            start, end = chunk.start() + piece.start(), chunk.start() + piece.end()
            spans.append((piece.group().lower(), origin[start], origin[end - 1] + 1))
    return spans


def _occurs(words: Sequence[str], within: Sequence[str]) -> bool:
    n = len(words)
    return any(tuple(within[i : i + n]) == tuple(words) for i in range(len(within) - n + 1))


def _hide_name(text: str, old: str, new: str) -> str:
    """``text`` with every mention of the name ``old`` — its words in order, in any case style
    (``InletValve``, ``inlet valve``, ``INLET_VALVE``) — replaced by ``new``; "" if a mention is left
    after that. A one-word name is left alone (one word in prose is meaning, not a name), and so is
    a text when ``new`` itself contains ``old``'s words."""
    words = split_name(old)
    if not text or len(words) < 2 or _occurs(words, split_name(new)):
        return text
    spans = _word_spans(text)
    found = [w for w, _, _ in spans]
    n = len(words)
    out, last, i = [], 0, 0
    while i <= len(spans) - n:
        if tuple(found[i : i + n]) == words:
            out += [text[last : spans[i][1]], new]
            last, i = spans[i + n - 1][2], i + n
        else:
            i += 1
    if not out:
        return text
    rewritten = "".join([*out, text[last:]])
    return "" if _occurs(words, split_name(rewritten)) else rewritten


def _renamed(node: Node, name: str, *, keep_descriptions: bool = True) -> Node:
    """``node`` under a new name: one label (the name), no synonyms, its descriptions kept (with
    the old name in them replaced) or dropped."""
    old = node.name
    description = _hide_name(node.description, old, name) if keep_descriptions else ""
    hidden = ((locale, _hide_name(text, old, name)) for locale, text in node.descriptions)
    descriptions = tuple((locale, text) for locale, text in hidden if text) if keep_descriptions else ()
    return node.replace(
        name=name,
        label=name,
        labels=(("", name),),
        synonyms=(),
        description=description,
        descriptions=descriptions,
    )


@dataclass(frozen=True)
class Rename:
    """Rename a share of the own nodes: case style, abbreviations, a vendor prefix, a dropped
    qualifier (``RegularAuthor`` → ``Author``), swapped word order (``PcChair`` → ``ChairPc``), or a
    synonym / another language's label when the node has one. A renamed node loses its
    description with probability ``drop_description``: real models rarely share their prose; a kept
    description has the old name replaced by the new. Paths follow the new names."""

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
        tree = _PathTree(target)
        renamed = []
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
            target.add_node(_renamed(node, name, keep_descriptions=kept))
            renamed.append(node_id)
        tree.rebuild(target, renamed)
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
    temperature transmitter, ``XS_112`` for a status), keeping description (the old name in it
    replaced by the tag) and unit: what a controller's tag list looks like next to a typed
    information model. Applied to a whole model with probability ``chance``."""

    chance: float = 0.3
    share: float = 0.8

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        if rng.random() >= self.chance:
            return pair
        target = _copy(pair.target)
        tree = _PathTree(target)
        renamed = []
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
            target.add_node(_renamed(node, name))
            renamed.append(node_id)
        tree.rebuild(target, renamed)
        return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class DropNodes:
    """Drop a share of the own leaf nodes (no contained children; their edges go too, and nodes
    whose path went through them, subtypes for instance, hang one level up); they leave the truth."""

    share: float = 0.1

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        leaves = [
            i for i in _own_ids(target) if not any(e.relation in _CONTAINMENT for e in target.out_edges(i))
        ]
        dropped = {i for i in leaves if rng.random() < self.share}
        _remove(target, dropped)
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
        gone: tuple[list[str], list[str]] = ([], [])
        for s, t in sorted(pair.truth.items()):
            draw = rng.random()
            if draw < share / 2:
                gone[0].append(s)
            elif draw < share:
                gone[1].append(t)
            else:
                truth[s] = t
        _remove(source, gone[0])
        _remove(target, gone[1])
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
    """Remove a share of the own intermediate grouping nodes; their children move up one level, in
    the containment and in their paths."""

    share: float = 0.3

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        tree = _PathTree(target)
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
            tree.remove(node_id, moved=(c.target for c in children), to=grandparent)
            removed.add(node_id)
        tree.rebuild(target)
        truth = {s: t for s, t in pair.truth.items() if t not in removed}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Nest:
    """Insert a new folder between a share of the own parents and their children (their paths go
    through it)."""

    share: float = 0.2

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = _copy(pair.target)
        tree = _PathTree(target)
        for k, node_id in enumerate(_own_ids(target)):
            children = [e for e in target.out_edges(node_id) if e.relation in _CONTAINMENT]
            if len(children) < 2 or rng.random() >= self.share:
                continue
            parent = target[node_id]
            folder_id = f"{node_id}/folder-{k}"
            name = rng.choice(("Parameters", "Values", "Signals", "Data", "Group"))
            path = f"{parent.path}/{_segment(name)}"
            folder = Node(folder_id, NodeKind.OBJECT, name, label=name, path=path, source=parent.source)
            target.add_node(folder)
            target.add_edge(node_id, folder_id, "Organizes" if parent.kind is not NodeKind.FIELD else "child")
            tree.hang(folder_id, node_id)
            for child in children[: len(children) // 2 + 1]:
                target.remove_edge(child.source, child.target, child.relation)
                target.add_edge(folder_id, child.target, child.relation)
                if tree.parent.get(child.target) == node_id:
                    tree.hang(child.target, folder_id)
        tree.rebuild(target)
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

    transforms: tuple[Augmentation, ...]

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


def make_pair(graph: SchemaGraph, rng: random.Random, transform: Augmentation = DEFAULT) -> Pair:
    """A training or test pair: the graph, a transformed copy, and the true correspondence."""
    start = Pair(graph, graph, {n.id: n.id for n in graph.own_nodes()})
    return transform(start, rng)
