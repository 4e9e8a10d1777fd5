"""Properties that describe a node rather than being content of their own: OPC UA's standard
properties of variables, data types and methods (OPC 10000-3 §5.6 and 10000-8 §5.3 — engineering
units, ranges, precision, enumeration strings, method arguments, ...). Such a property belongs to
its parent: it corresponds to the same-named property of the parent's counterpart, never to one of
some other node's, so the decider never joins it to a namesake's partner
(:mod:`translator.matching.decider.assign`)."""

from __future__ import annotations

from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import normalize
from translator.matching.entities import EntityText

__all__ = ["METADATA_PROPERTIES", "is_metadata", "is_metadata_node", "metadata_parents"]

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
