"""Coherent alignments: class correspondences that, together with the two models' hierarchies, make
a class unsatisfiable or collapse a proper sub-class chain — found and repaired as LogMap
(Jiménez-Ruiz and Cuenca Grau, ISWC 2011) and ALCOMO (Meilicke) do, with general logic only.

A *class pair* is a correspondence between two classes, read as an equivalence. On each side, ⊑ is
the reflexive, transitive closure of ``rdfs:subClassOf`` and ``owl:equivalentClass``, and two classes
are *disjoint* when a class at or above one is declared ``owl:disjointWith`` a class at or above the
other while the model itself puts no class below both
(:class:`~translator.matching.hierarchy.ClassHierarchy`). Two class pairs X→Y and X'→Y' conflict when

- **disjoint**: Y and Y' are disjoint while X and X' have a common sub-class — X = X' (one class
  mapped to two disjoint ones), X ⊑ X', X' ⊑ X, or a class C ⊑ X and C ⊑ X' — or the same with the
  sides swapped. Merged, the two models make that sub-class a sub-class of two disjoint classes:
  it is unsatisfiable. The sub-class must be satisfiable in its own model, so that the alignment
  is what makes it unsatisfiable.
- **crossing**: X ⊑ X' strictly (not X' ⊑ X) while Y' ⊑ Y strictly, or the other way round.
  Merged, the models stay satisfiable but X ≡ X': a proper sub-class chain collapses, which
  LogMap's conservativity principle counts as a violation. Only strict crossings count, so a class
  and its sub-class mapped to one class, or two mappings to siblings, are not conflicts.

A class that its own model already leaves unsatisfiable (two of its super-classes are declared
disjoint) takes part in no conflict: the model, not the alignment, is at fault there, and such a
class's place in the hierarchy says little. (The RDF adapter reads ``X rdfs:subClassOf (A or B)``
as ``X ⊑ A`` and ``X ⊑ B``, which can make a class look unsatisfiable, or place it under a class it
is not under.)

Only pairs of correspondences are checked: a conflict that needs three correspondences, or reasoning
beyond named sub-classes and disjointness (restrictions, unions, ``owl:AllDisjointClasses``, which the
RDF adapter does not keep), is not found. That keeps the check cheap and every removal explained by
one other correspondence.

The repair (:func:`repair`) removes the correspondences of least total score that leave no
conflict, as ALCOMO's optimal mode and LogMap's diagnoses aim to: the conflicts form a graph whose
nodes are the correspondences, and the repair takes a light cover of its edges. Greedily, the
correspondence whose score is least per conflict it still takes part in goes first (ties: the
lower-ranked one, ranked as seeds first, then by falling score, then by ids); then every removed
correspondence that conflicts with no kept one any more comes back, the highest-ranked first. Of
two correspondences that only conflict with each other the lower-scored one goes, as in a greedy
repair that takes correspondences by falling score; but one wrong correspondence that conflicts
with many right ones (``Base``→``Base`` between a model of physical quantities and one of chemistry,
whose ``Base`` classes sit under disjoint roots) goes, rather than all of them. A seed never goes,
and every removal names the highest-ranked kept correspondence it conflicts with. Correspondences
that are not class pairs pass untouched, and models without the axioms (OPC UA nodesets, JSON
schemas carry no ``rdfs:subClassOf`` or ``owl:disjointWith`` edges) have nothing to repair.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from translator.graph.model import NodeKind, SchemaGraph
from translator.matching.hierarchy import ClassHierarchy

__all__ = ["Removal", "entity_name", "repair"]

Pair = tuple[str, str]
"""A correspondence's (source id, target id)."""


@dataclass(frozen=True, slots=True)
class Removal:
    """A correspondence that a repair removed, and why.

    Attributes:
        subject_id: id of the source-model node.
        object_id: id of the target-model node.
        score: its score when it was removed.
        kind: ``disjoint`` or ``crossing`` (this module), ``domain`` or ``range``
            (:mod:`translator.matching.consistency`).
        conflicting: the correspondence (source id, target id) that was kept and that it conflicts with.
        reason: a sentence naming both, e.g. ``disjoint: Author→Author conflicts with Person→Document
            because Author and Document are disjoint and Author ⊑ Person``.
    """

    subject_id: str
    object_id: str
    score: float
    kind: str
    conflicting: Pair
    reason: str

    @property
    def pair(self) -> Pair:
        """``(subject_id, object_id)``."""
        return self.subject_id, self.object_id


def entity_name(graph: SchemaGraph, node_id: str) -> str:
    """A short name of a node for messages: its label (the RDF adapter gives it the local name when
    there is no ``rdfs:label``), else its name, else its id."""
    node = graph.get(node_id)
    if node is None:
        return node_id
    return node.label or node.name or node_id


class _Side:
    """One model: its graph, its class hierarchy and, per class, the classes near it."""

    def __init__(self, graph: SchemaGraph) -> None:
        self.graph = graph
        self.hierarchy = ClassHierarchy(graph)
        self._near: dict[str, frozenset[str]] = {}

    def name(self, node_id: str) -> str:
        return entity_name(self.graph, node_id)

    def near(self, node: str) -> frozenset[str]:
        """The classes that share a sub-class with ``node``: the super-classes of its sub-classes
        (its super-classes and sub-classes among them). Only these can take part in a conflict with it."""
        found = self._near.get(node)
        if found is None:
            h = self.hierarchy
            found = self._near[node] = frozenset().union(*(h.ancestors(d) for d in h.descendants(node)))
        return found

    def common(self, x: str, x2: str) -> str | None:
        """How ``x`` and ``x2`` have a common sub-class that their model leaves satisfiable, in words,
        or None."""
        below = [c for c in self.hierarchy.shared_subclasses(x, x2) if self.hierarchy.satisfiable(c)]
        if not below:
            return None
        if x == x2:
            return f"{self.name(x)} maps to both"
        if x in below:
            return f"{self.name(x)} ⊑ {self.name(x2)}"
        if x2 in below:
            return f"{self.name(x2)} ⊑ {self.name(x)}"
        shared = below[0]
        return f"{self.name(shared)} ⊑ {self.name(x)} and {self.name(shared)} ⊑ {self.name(x2)}"

    def checked(self, node_id: str) -> bool:
        """Whether ``node_id`` is a class that its model leaves satisfiable (only such take part)."""
        node = self.graph.get(node_id)
        return node is not None and node.kind is NodeKind.CLASS and self.hierarchy.satisfiable(node_id)

    def disjoint(self, y: str, y2: str) -> str | None:
        """That ``y`` and ``y2`` are disjoint, in words (with the declaration when it is above them),
        or None."""
        witness = self.hierarchy.disjointness(y, y2)
        if witness is None:
            return None
        said = f"{self.name(y)} and {self.name(y2)} are disjoint"
        if witness in ((y, y2), (y2, y)):
            return said
        return f"{said} ({self.name(witness[0])} disjointWith {self.name(witness[1])})"


def _conflict(first: Pair, second: Pair, left: _Side, right: _Side) -> tuple[str, str] | None:
    """The kind (``disjoint``, ``crossing``) of the conflict between the class pairs ``first`` and
    ``second`` (see the module docstring) and why, phrased from ``first``'s side; None when they agree."""
    (x, y), (x2, y2) = first, second
    apart = right.disjoint(y, y2)
    common = left.common(x, x2) if apart is not None else None
    if common is None:
        apart = left.disjoint(x, x2)
        common = right.common(y, y2) if apart is not None else None
    if common is not None:
        return "disjoint", f"{apart} and {common}"
    lh, rh = left.hierarchy, right.hierarchy
    for (a, a2), (b, b2) in (((x, x2), (y2, y)), ((x2, x), (y, y2))):
        if lh.strictly_below(a, a2) and rh.strictly_below(b, b2):
            return "crossing", (
                f"{left.name(a)} ⊑ {left.name(a2)} but {right.name(b)} ⊑ {right.name(b2)}, "
                f"which would make {left.name(a)} ≡ {left.name(a2)}"
            )
    return None


def repair(
    source: SchemaGraph,
    target: SchemaGraph,
    chosen: Iterable[tuple[str, str, float]],
    *,
    keep: Collection[Pair] = (),
) -> tuple[list[tuple[str, str, float]], list[Removal]]:
    """``chosen`` correspondences (source id, target id, score) without those the repair removes, in
    their order, and the removals, highest-ranked first; ``keep`` are the accepted seeds, never
    removed. See the module docstring.

    Example:
        >>> from translator.graph.model import Node
        >>> def model(name, disjoint):
        ...     g = SchemaGraph(name)
        ...     g.add_nodes(Node(c, NodeKind.CLASS, c) for c in ("Person", "Author", "Paper"))
        ...     g.add_edge("Author", "Person", "rdfs:subClassOf")
        ...     if disjoint:
        ...         g.add_edge("Paper", "Person", "owl:disjointWith")
        ...     return g
        >>> kept, removed = repair(model("a", False), model("b", True), [("Person", "Person", 0.9),
        ...                                                               ("Author", "Paper", 0.8)])
        >>> kept
        [('Person', 'Person', 0.9)]
        >>> print(removed[0].reason.replace(" because", "\\nbecause"))
        disjoint: Author→Paper conflicts with Person→Person
        because Paper and Person are disjoint and Author ⊑ Person
    """
    items = list(chosen)
    left, right = _Side(source), _Side(target)
    if left.hierarchy.empty and right.hierarchy.empty:
        return items, []
    seeds = set(keep)
    order = sorted(
        range(len(items)),
        key=lambda k: ((items[k][0], items[k][1]) not in seeds, -items[k][2], items[k][0], items[k][1]),
    )
    rank = {k: position for position, k in enumerate(order)}
    conflicts = _conflict_graph(items, order, seeds, left, right)
    removed = _light_cover(items, conflicts, rank, seeds)
    for k in sorted(removed, key=rank.__getitem__):  # back when nothing kept conflicts with it any more
        if not any(other not in removed for other in conflicts[k]):
            removed.discard(k)
    removals = {}
    for k in sorted(removed, key=rank.__getitem__):
        a, b, score = items[k]
        other = min((o for o in conflicts[k] if o not in removed), key=rank.__getitem__)
        removals[k] = _removal((a, b), score, items[other][:2], left, right)
    kept = [item for k, item in enumerate(items) if k not in removals]
    return kept, [removals[k] for k in sorted(removals, key=rank.__getitem__)]


def _conflict_graph(
    items: list[tuple[str, str, float]], order: list[int], seeds: set[Pair], left: _Side, right: _Side
) -> dict[int, set[int]]:
    """Index of a class pair in ``items`` → the indices of the class pairs it conflicts with (two seeds
    never conflict: neither may go)."""
    conflicts: dict[int, set[int]] = {}
    by_source: dict[str, list[int]] = {}
    by_target: dict[str, list[int]] = {}
    for k in order:
        a, b, _ = items[k]
        if not (left.checked(a) and right.checked(b)):
            continue
        near = {q for s in left.near(a) for q in by_source.get(s, ())}
        near.update(q for t in right.near(b) for q in by_target.get(t, ()))
        mine = conflicts.setdefault(k, set())
        for other in near:
            both_seeds = (a, b) in seeds and items[other][:2] in seeds
            if not both_seeds and _conflict((a, b), items[other][:2], left, right) is not None:
                mine.add(other)
                conflicts[other].add(k)
        by_source.setdefault(a, []).append(k)
        by_target.setdefault(b, []).append(k)
    return conflicts


def _light_cover(
    items: list[tuple[str, str, float]],
    conflicts: dict[int, set[int]],
    rank: dict[int, int],
    seeds: set[Pair],
) -> set[int]:
    """Class pairs to remove so that no conflict is left, chosen greedily by least score per conflict
    still open (seeds never)."""
    open_ = {k: set(others) for k, others in conflicts.items() if others}

    def entry(k: int) -> tuple[float, int, int, int]:
        return max(items[k][2], 0.0) / len(open_[k]), -rank[k], k, len(open_[k])

    heap = [entry(k) for k in open_ if items[k][:2] not in seeds]
    heapq.heapify(heap)
    removed: set[int] = set()
    while heap:
        *_, k, degree = heapq.heappop(heap)
        if k not in open_ or len(open_[k]) != degree:  # gone, or an entry from before a neighbour went
            continue
        removed.add(k)
        for other in open_.pop(k):
            open_[other].discard(k)
            if not open_[other]:
                del open_[other]
            elif items[other][:2] not in seeds:
                heapq.heappush(heap, entry(other))
    return removed


def _removal(pair: Pair, score: float, other: Pair, left: _Side, right: _Side) -> Removal:
    """The removal of ``pair`` for its conflict with the kept class pair ``other``."""
    (a, b), found = pair, _conflict(pair, other, left, right) or _conflict(other, pair, left, right)
    if found is None:
        raise RuntimeError(f"{pair} and {other} do not conflict")  # the conflict graph says they do
    kind, why = found
    said = f"{left.name(a)}→{right.name(b)} conflicts with {left.name(other[0])}→{right.name(other[1])}"
    return Removal(a, b, score, kind, other, f"{kind}: {said} because {why}")
