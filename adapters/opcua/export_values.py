"""What an export to OPC UA says of values: DataTypes, enumerations, engineering units, ranges.

The rules are in :mod:`adapters.opcua.export_plan`'s docstring ("DataTypes", "Enumerations",
"Units"); this module applies them to the nodes that planning selected (`plan_values`).
"""

from __future__ import annotations

from adapters.opcua.datatypes import datatype_of
from adapters.opcua.export_model import (
    DEFAULT_SUPERTYPE,
    ENUM_VALUE_TYPE,
    ENUMERATION,
    EU_INFORMATION,
    HAS_SUBTYPE,
    LOCALIZED_TEXT,
    RANGE,
    EnumField,
    NodeClass,
    PlannedNode,
    PlanState,
    RangeValue,
)
from adapters.opcua.nodeid import split_expanded
from adapters.opcua.ns0 import ua_id
from translator.graph.model import Node
from translator.translation.units import UneceUnit, as_unece, unece_table

__all__ = ["plan_values"]

_BOOLEAN = ua_id(1)
_STRUCTURE = ua_id(22)
_NOT_ENUMERATED = (
    "its allowed values are not written (an OPC UA enumeration names integers; a variable's own is made of "
    "text values only)"
)


def _enum_fields(node: Node, integers: bool) -> tuple[EnumField, ...] | None:
    """A node's enumeration values as fields: ``Name=Value`` of OPC UA models, integers named by
    themselves (``integers``; None when one is no integer), or texts numbered 0, 1, …"""
    values = node.enum_values
    if node.id.startswith("nsu="):  # OPC UA models give Name=Value
        pairs = [v.rpartition("=") for v in values]
        if all(sep and number.lstrip("-").isdigit() for _, sep, number in pairs):
            return tuple(EnumField(name, int(number)) for name, _, number in pairs)
    if integers:
        if all(v.strip().lstrip("-").isdigit() for v in values):
            return tuple(EnumField(v, int(v)) for v in values)
        return None
    return tuple(EnumField(v, k) for k, v in enumerate(values))


def _enumerate(
    state: PlanState, planned: PlannedNode, fields: tuple[EnumField, ...], *, add: bool = True
) -> None:
    """Give a DataType its Definition and its EnumStrings (values 0, 1, …) or EnumValues property
    (``add`` False: only fill the one the model has)."""
    planned.definition = fields
    consecutive = [f.value for f in fields] == list(range(len(fields)))
    strings, values = (state.property_child(planned.node_id, n) for n in ("EnumStrings", "EnumValues"))
    if not add and strings is None and values is None:
        return
    if consecutive and values is None:
        state.added_property(planned, "EnumStrings", LOCALIZED_TEXT, 1).value = tuple(f.name for f in fields)
    else:
        state.added_property(planned, "EnumValues", ENUM_VALUE_TYPE, 1).value = fields


def plan_values(state: PlanState) -> None:
    """Give the selected data types their enumerations and supertypes, and the variables their
    DataType, ValueRank, EngineeringUnits and EURange (see :mod:`adapters.opcua.export_plan`)."""
    for graph_id, node_id in sorted(state.ids.items()):
        planned = state.nodes[node_id]
        node = state.graph[graph_id]
        if planned.node_class is NodeClass.DATA_TYPE:
            _data_type(state, node, planned)
        elif planned.node_class in (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE):
            _variable(state, node, planned)


def _base_types(state: PlanState, graph_id: str) -> set[str]:
    """The supertypes of a data type of an OPC UA model, as its graph has them (transitively)."""
    found: set[str] = set()
    todo = [graph_id]
    while todo:
        for edge in state.graph.in_edges(todo.pop()):
            if edge.relation == "HasSubtype" and edge.source not in found:
                found.add(edge.source)
                todo.append(edge.source)
    return found


def _data_type(state: PlanState, node: Node, planned: PlannedNode) -> None:
    if node.id.startswith("nsu="):  # an OPC UA model's own: its supertype is in the graph
        bases = _base_types(state, node.id)
        fields = _enum_fields(node, integers=False) if node.enum_values else None
        if ENUMERATION in bases and fields:
            _enumerate(state, planned, fields, add=False)
        elif not bases and fields:  # no supertype in the graph: an enumeration by its values
            _enumerate(state, planned, fields)
            state.supertypes.setdefault(node.id, []).append(ENUMERATION)
        elif node.enum_values:
            state.note("an option set's Definition is not in the graph: written without it", node.id)
        elif _STRUCTURE in bases:
            state.note("a structure's fields are not in the graph: written without a Definition", node.id)
        return
    meaning = datatype_of(node.datatype)
    if node.enum_values:
        fields = _enum_fields(node, meaning.is_integer)
        if fields is not None and meaning.node_id != _BOOLEAN:
            _enumerate(state, planned, fields)
            state.supertypes.setdefault(node.id, []).append(ENUMERATION)
            return
        state.note(_NOT_ENUMERATED, node.id)
    if meaning.known and meaning.node_id != DEFAULT_SUPERTYPE[NodeClass.DATA_TYPE]:
        state.supertypes.setdefault(node.id, []).append(meaning.node_id)


def _variable(state: PlanState, node: Node, planned: PlannedNode) -> None:
    meaning = datatype_of(node.datatype)
    planned.value_rank = node.value_rank if node.value_rank is not None else meaning.value_rank
    data_type = state.datatypes.get(node.id)
    if data_type is None and node.enum_values and meaning.node_id != _BOOLEAN:
        fields = _enum_fields(node, integers=False)
        if meaning.is_text or not node.datatype:  # a variable's own enumeration: of texts
            uri, _ = split_expanded(planned.node_id)
            name = state.unique_name(uri, f"{node.name or 'Value'}Enumeration")
            own = PlannedNode(
                state.suffixed(planned.node_id, "Enumeration"),
                NodeClass.DATA_TYPE,
                name,
                uri,
                (("", name),),
            )
            state.add(own)
            _enumerate(state, own, fields or ())
            state.link(ENUMERATION, HAS_SUBTYPE, own.node_id)
            data_type = own.node_id
        else:
            state.note(_NOT_ENUMERATED, node.id)
    if data_type is None:
        if not meaning.known:
            state.note(f"datatype {node.datatype!r} has no OPC UA counterpart: BaseDataType", node.id)
        data_type = meaning.node_id
    planned.data_type = data_type
    enum = state.nodes.get(data_type)
    if enum is not None and enum.definition:
        state.enumerations[node.id] = {f.name: f.value for f in enum.definition}
    if planned.node_class is NodeClass.VARIABLE:
        _units(state, node, planned)


def _units(state: PlanState, node: Node, planned: PlannedNode) -> None:
    existing = state.property_child(planned.node_id, "EngineeringUnits")
    code = as_unece(node.unit) if node.unit else None
    if node.unit and code is None:
        state.note(f"unit {node.unit!r} is no UNECE common code Tolka knows: no EngineeringUnits", node.id)
    if code is not None:
        state.added_property(planned, "EngineeringUnits", EU_INFORMATION).value = unece_table()[code]
    elif existing is not None:
        label = node.unit_label or node.unit
        existing.data_type = EU_INFORMATION
        existing.value = UneceUnit("", -1, label, "") if label else None
    eu_range = state.property_child(planned.node_id, "EURange")
    if eu_range is not None and node.minimum is not None and node.maximum is not None:
        eu_range.data_type = RANGE
        eu_range.value = RangeValue(node.minimum, node.maximum)
