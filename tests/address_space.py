"""What an OPC UA server serves of a model, as plain data that two servers can be compared by."""

from __future__ import annotations

from collections.abc import Callable

from asyncua import ua
from asyncua.common.node import Node

__all__ = ["START_POINTS", "ServedNode", "browse_model"]

START_POINTS = (85, 58, 29, 24)
"""Objects, BaseObjectType, Enumeration, BaseDataType: where a model's instances and types hang."""

ServedNode = tuple[str, str, str, int | None]
"""(BrowseName, NodeClass, DataType, EngineeringUnits UnitId) of one served node."""


async def browse_model(get_node: Callable[[ua.NodeId], Node], namespace: int) -> dict[str, ServedNode]:
    """Every node of ``namespace`` reachable from `START_POINTS` over forward hierarchical references,
    by NodeId: its BrowseName, NodeClass, DataType ("" for no variable) and, for an EngineeringUnits
    property, the UnitId it holds (None otherwise). ``get_node`` is a server's or a client's."""
    out: dict[str, ServedNode] = {}
    todo = [get_node(ua.NodeId(ua.Int32(n))) for n in START_POINTS]
    while todo:
        for child in await todo.pop().get_children():
            key = child.nodeid.to_string()
            if child.nodeid.NamespaceIndex != namespace or key in out:
                continue
            node_class = await child.read_node_class()
            browse_name = await child.read_browse_name()
            name = browse_name.to_string()
            data_type, unit = "", None
            if node_class == ua.NodeClass.Variable:
                data_type = (await child.read_data_type()).to_string()
                if browse_name == ua.QualifiedName("EngineeringUnits", 0):
                    unit = (await child.read_value()).UnitId
            out[key] = (name, node_class.name, data_type, unit)
            todo.append(child)
    return out
