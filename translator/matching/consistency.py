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
``owl:equivalentClass``. Only the RDF/OWL vocabulary carries ends, so other models (OPC UA
nodesets, JSON schemas) are never affected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from translator.graph.model import NodeKind, SchemaGraph

__all__ = ["conflicting_relations"]

_DOMAIN, _RANGE = "rdfs:domain", "rdfs:range"
_OPPOSITE = {_DOMAIN: _RANGE, _RANGE: _DOMAIN}


class _Model:
    """The ends of the relations and the class hierarchy of one graph."""

    def __init__(self, graph: SchemaGraph) -> None:
        self.ends: dict[tuple[str, str], set[str]] = {}
        self.parents: dict[str, set[str]] = {}
        inverses: dict[str, set[str]] = {}
        for edge in graph.edges():
            if edge.relation in _OPPOSITE:
                self.ends.setdefault((edge.source, edge.relation), set()).add(edge.target)
            elif edge.relation == "rdfs:subClassOf":
                self.parents.setdefault(edge.source, set()).add(edge.target)
            elif edge.relation == "owl:equivalentClass":
                self.parents.setdefault(edge.source, set()).add(edge.target)
                self.parents.setdefault(edge.target, set()).add(edge.source)
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
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, node: str) -> frozenset[str]:
        """The class and all its super-classes."""
        found = self._ancestors.get(node)
        if found is None:
            seen, todo = {node}, [node]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._ancestors[node] = frozenset(seen)
        return found

    def related(self, a: str, b: str) -> bool:
        """Whether one class is the other or one of its sub-classes."""
        return a in self.ancestors(b) or b in self.ancestors(a)


def _end_conflicts(
    left: set[str],
    right: set[str],
    source: _Model,
    target: _Model,
    forward: Mapping[str, str],
    backward: Mapping[str, str],
) -> bool:
    """Whether the end classes ``left`` (source) and ``right`` (target) conflict."""
    if not left or not right:
        return False
    images = [forward[d] for d in left if d in forward]
    preimages = [backward[e] for e in right if e in backward]
    if not images and not preimages:
        return False
    return not (
        any(target.related(image, e) for image in images for e in right)
        or any(source.related(image, d) for image in preimages for d in left)
    )


def conflicting_relations(
    source: SchemaGraph, target: SchemaGraph, pairs: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The relation pairs among the one-to-one ``pairs`` (source id, target id) whose domain or range
    conflicts with the class pairs among them; see the module docstring.

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
    """
    chosen = list(pairs)
    left, right = _Model(source), _Model(target)
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for a, b in chosen:
        node_a, node_b = source.get(a), target.get(b)
        if node_a is not None and node_b is not None and node_a.kind is node_b.kind is NodeKind.CLASS:
            forward[a] = b
            backward[b] = a

    def conflicts(a: str, b: str) -> bool:
        return any(
            _end_conflicts(
                left.ends.get((a, end), set()),
                right.ends.get((b, end), set()),
                left,
                right,
                forward,
                backward,
            )
            for end in _OPPOSITE
        )

    return {(a, b) for a, b in chosen if conflicts(a, b)}
