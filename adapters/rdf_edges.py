"""The edges of an RDF model's entities: which triples become ``(relation, target)`` edges.

``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``owl:inverseOf``, ``owl:equivalentClass``,
``owl:equivalentProperty`` and ``owl:disjointWith`` to named resources; for a ``subClassOf``
restriction, ``owl:onProperty`` and ``owl:someValuesFrom`` / ``owl:allValuesFrom`` (``owl:onClass``
counts as ``someValuesFrom``) from the restricted class; ``rdfs:domain`` and ``rdfs:range`` (not to
literal datatypes), with unions and intersections expanded to their named members; and ``rdf:type``
from an individual to its classes. A ``subClassOf`` an anonymous class is a sub-class of the named
members of an intersection only: ``Organizer ⊑ Organization ⊔ Committee_member`` makes an organizer
neither an organization nor a committee member.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from adapters.rdf_nodes import LANGUAGE_NAMESPACES
from translator.graph.model import NodeKind

__all__ = ["entity_edges"]

_PLAIN_EDGES = {
    RDFS.subClassOf: "rdfs:subClassOf",
    RDFS.subPropertyOf: "rdfs:subPropertyOf",
    OWL.inverseOf: "owl:inverseOf",
    OWL.equivalentClass: "owl:equivalentClass",
    OWL.equivalentProperty: "owl:equivalentProperty",
    OWL.disjointWith: "owl:disjointWith",
}
_RESTRICTION_TARGETS = {
    OWL.someValuesFrom: "owl:someValuesFrom",
    OWL.allValuesFrom: "owl:allValuesFrom",
    OWL.onClass: "owl:someValuesFrom",
}


def _members(
    graph: Graph, node: URIRef | BNode, operators: tuple[URIRef, ...] = (OWL.unionOf, OWL.intersectionOf)
) -> list[URIRef]:
    """A named class, or the named members of a blank node's ``operators`` (union, intersection)."""
    if isinstance(node, URIRef):
        return [node]
    out: list[URIRef] = []
    for predicate in operators:
        for head in graph.objects(node, predicate):
            out.extend(m for m in Collection(graph, head) if isinstance(m, URIRef))
    return out


def entity_edges(graph: Graph, subject: URIRef, kinds: dict[URIRef, NodeKind]) -> list[tuple[str, URIRef]]:
    """The ``(relation, target)`` edges of one entity (see the module docstring); ``kinds`` are the
    model's entities, to tell an individual and the classes it may be typed with."""
    out: list[tuple[str, URIRef]] = []
    for predicate, relation in _PLAIN_EDGES.items():
        for obj in graph.objects(subject, predicate):
            if isinstance(obj, URIRef):
                out.append((relation, obj))
            elif predicate == RDFS.subClassOf and isinstance(obj, BNode):
                for prop in graph.objects(obj, OWL.onProperty):
                    if isinstance(prop, URIRef):
                        out.append(("owl:onProperty", prop))
                for target_pred, relation_name in _RESTRICTION_TARGETS.items():
                    for target in graph.objects(obj, target_pred):
                        out.extend((relation_name, m) for m in _members(graph, target))  # type: ignore[arg-type]
                out.extend(("rdfs:subClassOf", m) for m in _members(graph, obj, (OWL.intersectionOf,)))
    for predicate, relation in ((RDFS.domain, "rdfs:domain"), (RDFS.range, "rdfs:range")):
        for obj in graph.objects(subject, predicate):
            for member in _members(graph, obj):  # type: ignore[arg-type]
                if relation == "rdfs:range" and (str(member).startswith(str(XSD)) or member == RDFS.Literal):
                    continue
                out.append((relation, member))
    if kinds.get(subject) is NodeKind.INDIVIDUAL:
        out.extend(
            ("rdf:type", c)
            for c in graph.objects(subject, RDF.type)
            if isinstance(c, URIRef) and (c in kinds or not str(c).startswith(LANGUAGE_NAMESPACES))
        )
    return out
