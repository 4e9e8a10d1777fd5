"""The served address space of a target model that is no NodeSet2 file: its NodeSet2 export, imported.

A JSON Schema, sample messages, an ontology or a browsed server is served exactly as
``tolka export MODEL --format nodeset`` writes it: :func:`adapters.opcua.nodeset_write.export_nodeset`
writes the document in memory and the embedded server imports it like any NodeSet2 file, so there is
one way a graph becomes OPC UA nodes, not two. The export's table of NodeIds maps the translator's
target ids (graph ids) to the served nodes: a node whose id is an ExpandedNodeId keeps it, any other
(``skid.json#/temperature``) is the string NodeId of its id in the graph's namespace (its name when
that is a URI, see :func:`adapters.opcua.export_model.local_namespace`).
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncua import ua
from asyncua.server.server import Server

from adapters.opcua.export_model import NodeClass
from adapters.opcua.nodeid import split_expanded
from adapters.opcua.nodeset_write import NodeSetExport, export_nodeset
from translator.graph.model import SchemaGraph

__all__ = ["ServedModel", "build_address_space"]


@dataclass(frozen=True, slots=True)
class ServedModel:
    """A graph's export, imported into a server.

    Attributes:
        nodes: graph id → served NodeId of every node the export wrote.
        variables: the graph ids served as variables (what a rule may write).
        imported: every node the import added (the export's own, and those it adds: units, enumerations).
        enumerations: graph id of a variable of an enumeration → the enumeration's values by name.
        export: the document served.
    """

    nodes: dict[str, ua.NodeId]
    variables: frozenset[str]
    imported: list[ua.NodeId]
    enumerations: dict[str, dict[str, int]]
    export: NodeSetExport


async def build_address_space(server: Server, graph: SchemaGraph) -> ServedModel:
    """Import ``graph``'s NodeSet2 export into ``server`` (before it starts).

    Raises:
        Exception: whatever asyncua's importer raises for a document it cannot take.
    """
    export = export_nodeset(graph)
    for uri in export.namespaces:  # in the document's order: a client sees them as the file says
        await server.register_namespace(uri)
    # structures of an OPC UA model come without their fields (a graph does not hold them): no code
    # is generated for data types, which the proxy does not need (it writes values, not structures)
    imported = await server.import_xml(xmlstring=export.xml.decode("utf-8"), auto_load_definitions=False)
    namespaces = await server.get_namespace_array()
    nodes = {}
    for graph_id, expanded in export.ids.items():
        uri, identifier = split_expanded(expanded)
        nodes[graph_id] = ua.NodeId.from_string(f"ns={namespaces.index(uri)};{identifier}")
    classes = {node.graph_id: node.node_class for node in export.plan.nodes if node.graph_id}
    variables = frozenset(k for k, c in classes.items() if c is NodeClass.VARIABLE)
    return ServedModel(nodes, variables, imported, export.plan.enumerations, export)
