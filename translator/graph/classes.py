"""Classes of values and relations that every model's nodes and edges fall into, whatever their
standard calls them: the matchers compare them, the GNN embeds them, the compiler checks them.

Example:
    >>> datatype_class("xsd:dateTime"), datatype_class("Int32"), relation_class("rdfs:subClassOf")
    ('time', 'number', 'is-a')
"""

from __future__ import annotations

__all__ = ["GENERAL_FIRST", "RELATION_CLASSES", "datatype_class", "relation_class", "upward"]

RELATION_CLASSES = {
    "rdfs:subClassOf": "is-a",
    "rdfs:subPropertyOf": "is-a",
    "HasSubtype": "is-a",
    "extends": "is-a",
    "owl:equivalentClass": "same",
    "HasComponent": "part",
    "HasProperty": "part",
    "HasOrderedComponent": "part",
    "HasAddIn": "part",
    "Organizes": "part",
    "child": "part",
    "rdfs:domain": "domain",
    "rdfs:range": "range",
    "owl:onProperty": "restriction",
    "owl:someValuesFrom": "restriction-target",
    "owl:allValuesFrom": "restriction-target",
    "owl:inverseOf": "inverse",
    "HasTypeDefinition": "type",
    "rdf:type": "type",
    "ref": "type",
}
"""Relations of different models that play the same role."""

GENERAL_FIRST = frozenset({"HasSubtype"})
"""Is-a relations written from the general to the specific: OPC UA's ``HasSubtype`` goes from the
supertype to the subtype, where ``rdfs:subClassOf`` and a JSON Schema's ``extends`` go from the
subclass to its superclass (see :func:`upward`)."""


def upward(relation: str) -> bool:
    """Whether an edge of ``relation`` runs as its role's edges run in an ontology: an is-a edge from
    the specific to the general (every relation but those of :data:`GENERAL_FIRST`).

    >>> upward("rdfs:subClassOf"), upward("HasSubtype"), upward("HasComponent")
    (True, False, True)
    """
    return relation not in GENERAL_FIRST


def datatype_class(datatype: str) -> str:
    """``bool``, ``number``, ``text``, ``time`` or "" (unknown) for any model's datatype name."""
    d = datatype.lower()
    if not d or d.startswith("array"):
        return ""
    if "bool" in d:
        return "bool"
    if "date" in d or "time" in d or "duration" in d:
        return "time"
    if any(k in d for k in ("int", "float", "double", "decimal", "number", "byte", "long", "short", "real")):
        return "number"
    if any(k in d for k in ("string", "text", "char", "literal", "anyuri")):
        return "text"
    return ""


def relation_class(relation: str) -> str:
    """The role class of a relation name (the name itself when unknown)."""
    return RELATION_CLASSES.get(relation, relation)
