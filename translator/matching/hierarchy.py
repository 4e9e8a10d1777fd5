"""The class hierarchy of one model, as its graph's edges carry it: ``rdfs:subClassOf`` (sub → super),
``owl:equivalentClass`` (read as sub-class both ways) and ``owl:disjointWith``.

Only the RDF/OWL vocabulary has these relations (the RDF adapter keeps them between named classes),
so the hierarchy of an OPC UA nodeset or a JSON schema is empty and nothing that reads it affects
such models. Both the domain/range verification (:mod:`translator.matching.consistency`) and the
coherence repair (:mod:`translator.matching.coherence`) read the hierarchy from here, so that they
agree on what is a sub-class of what.

Example:
    >>> from translator.graph.model import Node, NodeKind, SchemaGraph
    >>> g = SchemaGraph("conference")
    >>> g.add_nodes(Node(c, NodeKind.CLASS, c) for c in ("Person", "Author", "Paper", "Document"))
    >>> g.add_edges([("Author", "Person", "rdfs:subClassOf"), ("Paper", "Document", "rdfs:subClassOf"),
    ...              ("Document", "Person", "owl:disjointWith")])
    >>> h = ClassHierarchy(g)
    >>> sorted(h.ancestors("Author")), h.related("Person", "Author"), h.disjointness("Author", "Paper")
    (['Author', 'Person'], True, ('Person', 'Document'))
"""

from __future__ import annotations

from collections.abc import Mapping

from translator.graph.model import SchemaGraph

__all__ = ["DISJOINT", "EQUIVALENT", "SUBCLASS", "ClassHierarchy", "closure"]

SUBCLASS = "rdfs:subClassOf"
EQUIVALENT = "owl:equivalentClass"
DISJOINT = "owl:disjointWith"


def closure(start: str, links: Mapping[str, set[str]]) -> frozenset[str]:
    """``start`` and everything reachable from it through ``links``."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in links.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


class ClassHierarchy:
    """Sub-classes, super-classes and declared disjointness of the classes of one graph.

    Attributes:
        parents: class → its direct super-classes (equivalent classes are each other's parents).
        children: class → its direct sub-classes.
        disjoint: class → the classes declared disjoint with it (both ways).
    """

    def __init__(self, graph: SchemaGraph) -> None:
        self.parents: dict[str, set[str]] = {}
        self.children: dict[str, set[str]] = {}
        self.disjoint: dict[str, set[str]] = {}
        for edge in graph.edges():
            if edge.relation == SUBCLASS:
                self._link(edge.source, edge.target)
            elif edge.relation == EQUIVALENT:
                self._link(edge.source, edge.target)
                self._link(edge.target, edge.source)
            elif edge.relation == DISJOINT and edge.source != edge.target:
                self.disjoint.setdefault(edge.source, set()).add(edge.target)
                self.disjoint.setdefault(edge.target, set()).add(edge.source)
        self._ancestors: dict[str, frozenset[str]] = {}
        self._descendants: dict[str, frozenset[str]] = {}
        self._satisfiable: dict[str, bool] = {}

    def _link(self, sub: str, sup: str) -> None:
        self.parents.setdefault(sub, set()).add(sup)
        self.children.setdefault(sup, set()).add(sub)

    @property
    def empty(self) -> bool:
        """Whether the graph declares no sub-class, equivalence or disjointness at all."""
        return not self.parents and not self.disjoint

    def ancestors(self, node: str) -> frozenset[str]:
        """The class and all its super-classes."""
        found = self._ancestors.get(node)
        if found is None:
            found = self._ancestors[node] = closure(node, self.parents)
        return found

    def descendants(self, node: str) -> frozenset[str]:
        """The class and all its sub-classes."""
        found = self._descendants.get(node)
        if found is None:
            found = self._descendants[node] = closure(node, self.children)
        return found

    def related(self, a: str, b: str) -> bool:
        """Whether one class is the other or one of its sub-classes."""
        return a in self.ancestors(b) or b in self.ancestors(a)

    def strictly_below(self, a: str, b: str) -> bool:
        """Whether ``a`` is a sub-class of ``b`` and not equivalent to it."""
        return b in self.ancestors(a) and a not in self.ancestors(b)

    def shared_subclasses(self, a: str, b: str) -> list[str]:
        """The classes below both ``a`` and ``b`` (``a`` itself when it is below ``b``), sorted by id."""
        return sorted(self.descendants(a) & self.descendants(b))

    def satisfiable(self, node: str) -> bool:
        """Whether no two classes at or above ``node`` are declared disjoint (else the model itself
        leaves ``node`` no instances)."""
        found = self._satisfiable.get(node)
        if found is None:
            above = self.ancestors(node)
            found = self._satisfiable[node] = not any(
                e in above for d in above for e in self.disjoint.get(d, ())
            )
        return found

    def disjointness(self, a: str, b: str) -> tuple[str, str] | None:
        """Why ``a`` and ``b`` are disjoint: a super-class of ``a`` (or ``a``) declared disjoint with a
        super-class of ``b`` (or ``b``), the first such pair by id; None when there is none, or when the
        model itself puts a class below both or makes ``a`` or ``b`` unsatisfiable (then the model, not
        a correspondence, is incoherent)."""
        if not self.disjoint:
            return None
        above_b = self.ancestors(b)
        witnesses = [(d, e) for d in self.ancestors(a) for e in self.disjoint.get(d, ()) if e in above_b]
        if not witnesses or not (self.satisfiable(a) and self.satisfiable(b)) or self.shared_subclasses(a, b):
            return None
        return min(witnesses)
