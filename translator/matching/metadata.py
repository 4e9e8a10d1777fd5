"""Properties that describe a node rather than being content of their own: OPC UA's standard
properties of variables, data types and methods (OPC 10000-3 §5.6 and 10000-8 §5.3 — engineering
units, ranges, precision, enumeration strings, method arguments, ...). Such a property belongs to
its parent: it corresponds to the same-named property of the parent's counterpart, never to one of
some other node's, so the decider never joins it to a namesake's partner
(:mod:`translator.matching.decider.assign`).

An ontology carries metadata of its own kind: the annotation properties of the standard metadata vocabularies
(Dublin Core, DCMI terms, Creative Commons, VANN, SKOS, OBO's ``oboInOwl`` and IAO) that an
ontology declares in order to use them (OWL 2 DL wants every annotation property declared) —
``dc:creator``, ``dcterms:license``, ``skos:definition``. They say who wrote the ontology or an
entity and under which licence; no alignment between two models' content holds them, and the same
``dc:creator`` declared by both versions of an ontology is one shared term, not a correspondence
(:func:`is_vocabulary_annotation`: the lexical matcher leaves them out unless asked)."""

from __future__ import annotations

from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import normalize
from translator.matching.entities import EntityText

__all__ = [
    "METADATA_PROPERTIES",
    "METADATA_VOCABULARIES",
    "is_metadata",
    "is_metadata_node",
    "is_vocabulary_annotation",
    "metadata_parents",
]

METADATA_PROPERTIES = frozenset(
    normalize(name)
    for name in (
        "EngineeringUnits",
        "EURange",
        "InstrumentRange",
        "ValuePrecision",
        "Definition",
        "TrueState",
        "FalseState",
        "EnumStrings",
        "EnumValues",
        "ValueAsText",
        "NodeVersion",
        "LocalTime",
        "AllowNulls",
        "MaxStringLength",
        "MaxArrayLength",
        "MaxByteStringLength",
        "DataTypeVersion",
        "DictionaryFragment",
        "InputArguments",
        "OutputArguments",
        "DefaultInstanceBrowseName",
    )
)
"""The standard property names, normalised as names are (:func:`translator.graph.names.normalize`)."""


METADATA_VOCABULARIES = (
    "http://purl.org/dc/elements/1.1/",  # Dublin Core
    "http://purl.org/dc/terms/",  # DCMI metadata terms
    "http://creativecommons.org/ns#",  # ccREL
    "http://purl.org/vocab/vann/",  # VANN: vocabulary annotations
    "http://www.w3.org/2004/02/skos/core#",  # SKOS labels and documentation
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.geneontology.org/formats/oboInOwl#",  # OBO's synonyms and cross-references
    "http://purl.obolibrary.org/obo/IAO_",  # IAO's definitions and editor notes
)
"""Namespaces of the standard metadata vocabularies, whose annotation properties describe an ontology
or its entities (see the module docstring)."""


def is_vocabulary_annotation(node: Node) -> bool:
    """Whether ``node`` is an annotation property of a standard metadata vocabulary
    (:data:`METADATA_VOCABULARIES`: ``dc:creator``, ``dcterms:license``, ``skos:definition``)."""
    return node.kind is NodeKind.ANNOTATION_PROPERTY and node.id.startswith(METADATA_VOCABULARIES)


def is_metadata(entity: EntityText) -> bool:
    """Whether ``entity`` is a standard property describing its parent (see the module docstring)."""
    return entity.kind is NodeKind.PROPERTY and bool(METADATA_PROPERTIES & set(entity.variants))


def is_metadata_node(node: Node) -> bool:
    """Whether ``node`` is a standard property describing its parent (see the module docstring)."""
    return node.kind is NodeKind.PROPERTY and normalize(node.name) in METADATA_PROPERTIES


def metadata_parents(graph: SchemaGraph) -> dict[str, str]:
    """The model's own standard properties (:func:`is_metadata_node`) → the node each describes (the
    source of its ``HasProperty`` reference)."""
    out: dict[str, str] = {}
    for node in graph.own_nodes():
        if is_metadata_node(node):
            parent = next((e.source for e in graph.in_edges(node.id) if e.relation == "HasProperty"), None)
            if parent is not None:
                out[node.id] = parent
    return out
