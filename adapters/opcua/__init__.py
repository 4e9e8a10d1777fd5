"""OPC UA adapters: NodeSet2 files (:mod:`.nodeset`) and live servers (:mod:`.live`); and the way
back, any model written as a NodeSet2 file (:func:`.nodeset_write.export_nodeset`).

Importing this package does not import asyncua; :mod:`adapters.opcua.live` does.
"""

from adapters.opcua.endpoint import EndpointError, LiveOptions, is_endpoint, parse_endpoint
from adapters.opcua.nodeid import UA_NAMESPACE, NodeIdResolver, expanded_node_id

__all__ = [
    "UA_NAMESPACE",
    "EndpointError",
    "LiveOptions",
    "NodeIdResolver",
    "expanded_node_id",
    "is_endpoint",
    "parse_endpoint",
]
