"""OPC UA adapters: NodeSet2 files (and, later, live servers)."""

from adapters.opcua.nodeid import UA_NAMESPACE, NodeIdResolver, expanded_node_id

__all__ = ["UA_NAMESPACE", "NodeIdResolver", "expanded_node_id"]
