"""What Tolka knows of the base OPC UA namespace (``http://opcfoundation.org/UA/``) without its file.

When ``Opc.Ua.NodeSet2.xml`` is among the searched folders it is loaded as context like any other
required model. When it is not, the base nodes a model refers to become context nodes named from
asyncua's table of standard NodeIds (``i=2368`` → ``AnalogItemType``), and the standard root
folders get their standard browse paths, so ids, names and paths are the same either way.
"""

from __future__ import annotations

import functools

from adapters.opcua.nodeid import UA_NAMESPACE

__all__ = [
    "CONTAINMENT_REFERENCES",
    "NON_CONTAINMENT_HIERARCHICAL",
    "PROPERTY_TYPE",
    "ROOT_PATHS",
    "base_name",
    "ua_id",
]


def ua_id(numeric: int) -> str:
    """The expanded id of a base-namespace numeric node."""
    return f"nsu={UA_NAMESPACE};i={numeric}"


PROPERTY_TYPE = ua_id(68)
ENUMERATION = ua_id(29)

CONTAINMENT_REFERENCES = frozenset(
    {
        "HierarchicalReferences",
        "HasChild",
        "Aggregates",
        "HasComponent",
        "HasProperty",
        "HasOrderedComponent",
        "HasStructuredComponent",
        "HasAddIn",
        "HasSubtype",
        "Organizes",
    }
)
"""Reference types (by BrowseName) along which browse paths are built; their subtypes count too."""

NON_CONTAINMENT_HIERARCHICAL = frozenset({"HasEventSource", "HasNotifier"})
"""Hierarchical references that do not give a node its place (never used for paths)."""

ROOT_PATHS = {
    ua_id(84): "",
    ua_id(85): "/Objects",
    ua_id(86): "/Types",
    ua_id(87): "/Views",
    ua_id(88): "/Types/ObjectTypes",
    ua_id(89): "/Types/VariableTypes",
    ua_id(90): "/Types/DataTypes",
    ua_id(91): "/Types/ReferenceTypes",
    ua_id(3048): "/Types/EventTypes",
    ua_id(58): "/Types/ObjectTypes/BaseObjectType",
    ua_id(62): "/Types/VariableTypes/BaseVariableType",
    ua_id(24): "/Types/DataTypes/BaseDataType",
    ua_id(31): "/Types/ReferenceTypes/References",
}
"""Browse paths of the standard folders and root types, the seeds of every path computation."""


@functools.cache
def _names() -> dict[int, str]:
    from asyncua.ua.object_ids import ObjectIdNames

    return dict(ObjectIdNames)


def base_name(node_id: str) -> str | None:
    """The BrowseName of a base-namespace node from asyncua's standard table, or None.

    The table holds symbolic names (``ModellingRule_Mandatory``); the last part is the BrowseName.
    """
    prefix = f"nsu={UA_NAMESPACE};i="
    if not node_id.startswith(prefix) or not node_id[len(prefix) :].isdigit():
        return None
    symbolic = _names().get(int(node_id[len(prefix) :]))
    if symbolic is None:
        return None
    return symbolic.rsplit("_", 1)[-1] if "_" in symbolic else symbolic
