"""A served address space built from a model's graph, for targets that are no NodeSet2 file.

A JSON Schema, sample messages or a browsed server become OPC UA nodes under Objects: containers as
objects, value fields and variables as variables of the type their datatype names, in the graph's
containment order. A node whose id is an ExpandedNodeId (``nsu=<uri>;<id>``) keeps it (its namespace
registered); any other id (``skid.json#/temperature``) is a string NodeId in the namespace of the
graph's name. (asyncua adds children one by one, in time growing with the siblings already there:
fine for a machine's model, slow for tens of thousands of siblings under one parent.)
"""

from __future__ import annotations

from typing import Any

from asyncua import ua
from asyncua.server.server import Server

from adapters.opcua.nodeid import split_expanded
from adapters.opcua.values import CEFACT_NAMESPACE
from translator.graph import Node, NodeKind, SchemaGraph
from translator.units import unece_table

__all__ = ["build_address_space", "variant_of"]

_CONTAINMENT = frozenset({"child", "HasComponent", "HasProperty", "Organizes", "HasOrderedComponent"})
_VARIABLE_KINDS = frozenset({NodeKind.VARIABLE, NodeKind.PROPERTY, NodeKind.DATATYPE_PROPERTY})
_CONTAINER_KINDS = frozenset({NodeKind.OBJECT, NodeKind.FIELD, NodeKind.CLASS, NodeKind.INDIVIDUAL})
_VARIANTS = {
    "double": ua.VariantType.Double, "number": ua.VariantType.Double, "xsd:double": ua.VariantType.Double,
    "xsd:decimal": ua.VariantType.Double, "float": ua.VariantType.Float, "xsd:float": ua.VariantType.Float,
    "integer": ua.VariantType.Int64, "int64": ua.VariantType.Int64, "xsd:long": ua.VariantType.Int64,
    "int32": ua.VariantType.Int32, "xsd:int": ua.VariantType.Int32, "xsd:integer": ua.VariantType.Int64,
    "int16": ua.VariantType.Int16, "uint32": ua.VariantType.UInt32, "uint16": ua.VariantType.UInt16,
    "byte": ua.VariantType.Byte, "boolean": ua.VariantType.Boolean, "xsd:boolean": ua.VariantType.Boolean,
    "string": ua.VariantType.String, "xsd:string": ua.VariantType.String,
    "localizedtext": ua.VariantType.LocalizedText, "datetime": ua.VariantType.DateTime,
    "utctime": ua.VariantType.DateTime, "xsd:datetime": ua.VariantType.DateTime,
}  # fmt: skip
_INTEGERS = frozenset(
    {ua.VariantType.Int64, ua.VariantType.Int32, ua.VariantType.Int16, ua.VariantType.UInt32,
     ua.VariantType.UInt16, ua.VariantType.Byte}
)  # fmt: skip
_ZERO: dict[ua.VariantType, Any] = {
    ua.VariantType.Boolean: False, ua.VariantType.String: "", ua.VariantType.Float: 0.0,
    ua.VariantType.Double: 0.0,
}  # fmt: skip


def variant_of(node: Node) -> ua.VariantType | None:
    """The variant type of a value node's datatype; None for a container (object, array, unknown)."""
    kind = _VARIANTS.get(node.datatype.lower())
    if kind is None and node.kind in _VARIABLE_KINDS:
        return ua.VariantType.Variant  # a value of a type this table does not name: the value decides
    return kind


def _is_value(node: Node) -> bool:
    return node.kind in _VARIABLE_KINDS or (node.kind is NodeKind.FIELD and variant_of(node) is not None)


async def build_address_space(server: Server, graph: SchemaGraph) -> dict[str, ua.NodeId]:
    """Add the graph's own objects and value nodes to ``server`` (before it starts); their NodeIds by id."""
    parent_of: dict[str, str] = {}
    for edge in graph.edges():
        source, target, relation = edge
        if relation in _CONTAINMENT and target not in parent_of:
            parent_of[target] = source
    own = [n for n in graph.own_nodes() if _is_value(n) or n.kind in _CONTAINER_KINDS]
    wanted = {n.id for n in own}
    namespaces: dict[str, int] = {}

    async def namespace(uri: str) -> int:
        if uri not in namespaces:
            namespaces[uri] = await server.register_namespace(uri)
        return namespaces[uri]

    def depth(node: Node) -> int:
        steps, current = 0, node.id
        while current in parent_of and parent_of[current] in wanted and steps < 1000:
            current, steps = parent_of[current], steps + 1
        return steps

    made: dict[str, ua.NodeId] = {}
    for node in sorted(own, key=lambda n: (depth(n), n.id)):
        if node.id.startswith("nsu="):
            uri, identifier = split_expanded(node.id)
            node_id = ua.NodeId.from_string(f"ns={await namespace(uri)};{identifier}")
        else:
            node_id = ua.NodeId(
                ua.String(node.id), ua.Int16(await namespace(graph.name or "urn:tolka:served"))
            )
        parent_id = made.get(parent_of.get(node.id, ""))
        parent = server.get_node(parent_id) if parent_id is not None else server.nodes.objects
        name = ua.QualifiedName(node.name or node.id, node_id.NamespaceIndex)
        if _is_value(node):
            variant = variant_of(node) or ua.VariantType.Variant
            if variant in _ZERO:
                value = ua.Variant(_ZERO[variant], variant)
            elif variant in _INTEGERS:
                value = ua.Variant(0, variant)
            else:  # no value until the first write: its type then decides
                value = ua.Variant(None)
            variable = await parent.add_variable(node_id, name, value)
            await _engineering_units(variable, node.unit or "")
        else:
            await parent.add_object(node_id, name)
        made[node.id] = node_id
    return made


async def _engineering_units(variable: Any, unit: str) -> None:
    """The variable's EngineeringUnits property (OPC 10000-8, 5.6.3): the UNECE code's UnitId,
    symbol and name from the OPC Foundation's table; none for a unit that is not a UNECE code."""
    known = unece_table().get(unit)
    if known is None:
        return
    info = ua.EUInformation(
        NamespaceUri=CEFACT_NAMESPACE,
        UnitId=known.unit_id,
        DisplayName=ua.LocalizedText(known.symbol),
        Description=ua.LocalizedText(known.name),
    )
    own = variable.nodeid
    await variable.add_property(
        ua.NodeId(ua.String(f"{own.Identifier}.EngineeringUnits"), own.NamespaceIndex),
        ua.QualifiedName("EngineeringUnits", 0),
        info,
        datatype=ua.NodeId.from_string("i=887"),  # EUInformation
    )
