"""Semantic verification: relation correspondences that contradict the class correspondences.

A correspondence between two relations (object or datatype properties) says that they relate the
same kinds of things, and the alignment's own class correspondences can contradict that. cmt's
``writtenBy`` runs from ``Review`` to ``Reviewer``, edas's ``isWrittenBy`` from ``Paper`` to
``Author``: when ``Reviewer`` maps to a class that is neither ``Author`` nor above or below it, the
two relations do not relate the same things, however alike their names. The same holds for the
``date`` of a ``Conference`` and the ``date`` of a ``Deadline``.

Each end of a relation (domain, range) is a set of classes: its declared ``rdfs:domain``
(``rdfs:range``) and the declared range (domain) of its ``owl:inverseOf``. An end of a relation pair
*agrees* when a class of one side's end is mapped to a class of the other side's end or to a super-
or sub-class of one (a relation may be declared on a more general class); it *conflicts* when it
does not agree although a class of either end is mapped; an end declared on one side only, or with
no class mapped, says nothing. A relation pair conflicts when either of its ends does. Class pairs
are the correspondences between two classes; the hierarchy is ``rdfs:subClassOf`` and
``owl:equivalentClass`` (:mod:`translator.matching.hierarchy`). Only the RDF/OWL vocabulary carries
ends, so other models (OPC UA nodesets, JSON schemas) are never affected. :func:`relation_conflicts`
says for each conflicting pair which end and which class pair it conflicts with, in a sentence
that the match's removal report (:mod:`translator.matching.decision`) shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from translator.graph.model import NodeKind, SchemaGraph
from translator.matching.coherence import entity_name
from translator.matching.hierarchy import ClassHierarchy

__all__ = ["RelationConflict", "conflicting_relations", "relation_conflicts"]

_DOMAIN, _RANGE = "rdfs:domain", "rdfs:range"
_OPPOSITE = {_DOMAIN: _RANGE, _RANGE: _DOMAIN}


class _Model:
    """The ends of the relations and the class hierarchy of one graph."""

    def __init__(self, graph: SchemaGraph) -> None:
        self.graph = graph
        self.hierarchy = ClassHierarchy(graph)
        self.ends: dict[tuple[str, str], set[str]] = {}
        inverses: dict[str, set[str]] = {}
        for edge in graph.edges():
            if edge.relation in _OPPOSITE:
                self.ends.setdefault((edge.source, edge.relation), set()).add(edge.target)
            elif edge.relation == "owl:inverseOf":
                inverses.setdefault(edge.source, set()).add(edge.target)
                inverses.setdefault(edge.target, set()).add(edge.source)
        inherited = {
            (relation, end): {c for other in others for c in self.ends.get((other, opposite), ())}
            for relation, others in inverses.items()
            for end, opposite in _OPPOSITE.items()
        }
        for key, classes in inherited.items():
            if classes:
                self.ends.setdefault(key, set()).update(classes)

    def related(self, a: str, b: str) -> bool:
        """Whether one class is the other or one of its sub-classes."""
        return self.hierarchy.related(a, b)

    def names(self, classes: set[str]) -> str:
        """The classes' names, sorted, joined by commas."""
        return ", ".join(sorted(entity_name(self.graph, c) for c in classes))


@dataclass(frozen=True, slots=True)
class RelationConflict:
    """Why a relation pair contradicts the class pairs.

    Attributes:
        end: ``domain`` or ``range``, the end that conflicts.
        classes: the class pair (source id, target id) it conflicts with.
        reason: a sentence naming the relation pair, the class pair and why.
    """

    end: str
    classes: tuple[str, str]
    reason: str


def _end_conflict(
    end: str,
    relations: tuple[str, str],
    left: set[str],
    right: set[str],
    source: _Model,
    target: _Model,
    forward: Mapping[str, str],
    backward: Mapping[str, str],
) -> RelationConflict | None:
    """How the ``end`` classes ``left`` (of the source relation) and ``right`` (of the target relation)
    conflict, or None when they do not."""
    if not left or not right:
        return None
    images = sorted((d, forward[d]) for d in left if d in forward)
    preimages = sorted((backward[e], e) for e in right if e in backward)
    if not images and not preimages:
        return None
    if any(target.related(b, e) for _, b in images for e in right) or any(
        source.related(a, d) for a, _ in preimages for d in left
    ):
        return None
    name = end.removeprefix("rdfs:")
    r, s = entity_name(source.graph, relations[0]), entity_name(target.graph, relations[1])
    a, b = images[0] if images else preimages[0]
    a_name, b_name = entity_name(source.graph, a), entity_name(target.graph, b)
    if images:
        why = f"{a_name} is in the {name} of {r}, and {b_name} is neither in the {name} of {s}"
        why += f" ({target.names(right)}) nor above or below a class in it"
    else:
        why = f"{b_name} is in the {name} of {s}, and {a_name} is neither in the {name} of {r}"
        why += f" ({source.names(left)}) nor above or below a class in it"
    return RelationConflict(name, (a, b), f"{name}: {r}→{s} conflicts with {a_name}→{b_name} because {why}")


def relation_conflicts(
    source: SchemaGraph, target: SchemaGraph, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], RelationConflict]:
    """The relation pairs among the one-to-one ``pairs`` (source id, target id) whose domain or range
    conflicts with the class pairs among them (see the module docstring), each with how:
    ``range: writtenBy→isWrittenBy conflicts with Reviewer→Reviewer because ...``."""
    chosen = list(pairs)
    left, right = _Model(source), _Model(target)
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for a, b in chosen:
        node_a, node_b = source.get(a), target.get(b)
        if node_a is not None and node_b is not None and node_a.kind is node_b.kind is NodeKind.CLASS:
            forward[a] = b
            backward[b] = a
    found: dict[tuple[str, str], RelationConflict] = {}
    for a, b in chosen:
        for end in _OPPOSITE:
            conflict = _end_conflict(
                end,
                (a, b),
                left.ends.get((a, end), set()),
                right.ends.get((b, end), set()),
                left,
                right,
                forward,
                backward,
            )
            if conflict is not None:
                found[(a, b)] = conflict
                break
    return found


def conflicting_relations(
    source: SchemaGraph, target: SchemaGraph, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The relation pairs among the one-to-one ``pairs`` (source id, target id) whose domain or range
    conflicts with the class pairs among them; see the module docstring and :func:`relation_conflicts`.

    Example:
        >>> from translator.graph.model import Node
        >>> def model(name, domain):
        ...     g = SchemaGraph(name)
        ...     g.add_nodes([Node(domain, NodeKind.CLASS, domain), Node("Person", NodeKind.CLASS, "Person"),
        ...                  Node("date", NodeKind.DATATYPE_PROPERTY, "date")])
        ...     g.add_edge("date", domain, "rdfs:domain")
        ...     return g
        >>> a, b = model("a", "Conference"), model("b", "Deadline")
        >>> conflicting_relations(a, b, [("date", "date"), ("Person", "Person")])
        set()
        >>> b.add_node(Node("Conference", NodeKind.CLASS, "Conference"))
        >>> conflicting_relations(a, b, [("date", "date"), ("Conference", "Conference")])
        {('date', 'date')}
        >>> found = relation_conflicts(a, b, [("date", "date"), ("Conference", "Conference")])
        >>> found[("date", "date")].end, found[("date", "date")].classes
        ('domain', ('Conference', 'Conference'))
    """
    return set(relation_conflicts(source, target, pairs))
