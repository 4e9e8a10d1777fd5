"""The records of an export to OPC UA, and the state the planning builds them in.

:mod:`adapters.opcua.export_plan` (structure: nodes, references, parents, types) and
:mod:`adapters.opcua.export_values` (data types, enumerations, units) fill one `PlanState` with
`PlannedNode` records; :mod:`adapters.opcua.nodeset_write` writes the resulting `ExportPlan`. Ids in
these records are expanded (``nsu=<uri>;<id>``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from adapters.opcua.nodeid import UA_NAMESPACE, expanded_node_id, split_expanded
from adapters.opcua.ns0 import base_type_id, ua_id
from translator.graph.model import LocalText, NodeKind, SchemaGraph
from translator.translation.units import UneceUnit

__all__ = [
    "EnumField",
    "ExportPlan",
    "Link",
    "NodeClass",
    "PlanState",
    "PlannedNode",
    "RangeValue",
    "Reference",
    "Value",
    "local_namespace",
]


class NodeClass(StrEnum):
    """The OPC UA node classes a NodeSet2 file writes (``UA<class>`` elements)."""

    DATA_TYPE = "DataType"
    REFERENCE_TYPE = "ReferenceType"
    OBJECT_TYPE = "ObjectType"
    VARIABLE_TYPE = "VariableType"
    OBJECT = "Object"
    VARIABLE = "Variable"
    METHOD = "Method"
    VIEW = "View"


TYPES = frozenset(
    {NodeClass.DATA_TYPE, NodeClass.REFERENCE_TYPE, NodeClass.OBJECT_TYPE, NodeClass.VARIABLE_TYPE}
)
HAS_COMPONENT, HAS_PROPERTY, ORGANIZES, HAS_ORDERED_COMPONENT = ua_id(47), ua_id(46), ua_id(35), ua_id(49)
HAS_SUBTYPE, HAS_TYPE_DEFINITION, HAS_MODELLING_RULE = ua_id(45), ua_id(40), ua_id(37)
OBJECTS_FOLDER, VIEWS_FOLDER = ua_id(85), ua_id(87)
ENUMERATION, LOCALIZED_TEXT, EU_INFORMATION, RANGE, ENUM_VALUE_TYPE = (
    ua_id(29), ua_id(21), ua_id(887), ua_id(884), ua_id(7594)
)  # fmt: skip
OPTIONAL, MANDATORY = ua_id(80), ua_id(78)
DEFAULT_SUPERTYPE = {
    NodeClass.OBJECT_TYPE: ua_id(58),  # BaseObjectType
    NodeClass.VARIABLE_TYPE: ua_id(63),  # BaseDataVariableType
    NodeClass.DATA_TYPE: ua_id(24),  # BaseDataType
    NodeClass.REFERENCE_TYPE: ua_id(32),  # NonHierarchicalReferences
}
BASE_OBJECT_TYPE, BASE_DATA_VARIABLE_TYPE, PROPERTY_TYPE = ua_id(58), ua_id(63), ua_id(68)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
BASE_NAMES = frozenset(
    [(name, NodeKind.PROPERTY) for name in (
        "EngineeringUnits", "EURange", "InstrumentRange", "EnumStrings", "EnumValues", "ValuePrecision",
        "Definition", "NodeVersion", "InputArguments", "OutputArguments", "TrueState", "FalseState",
        "OptionSetValues",
    )]
    + [(name, NodeKind.OBJECT) for name in ("Default Binary", "Default XML", "Default JSON")]
)  # fmt: skip
"""Properties and encodings the base model names: their BrowseNames are in namespace 0 whatever model
has them (a graph keeps names without their namespace)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference written on a node: its ReferenceType, the other node, and the direction."""

    type: str
    target: str
    forward: bool = True


@dataclass(frozen=True, slots=True)
class RangeValue:
    """An EURange value."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class EnumField:
    """One value of an enumeration: its name and integer value."""

    name: str
    value: int


Value = UneceUnit | RangeValue | tuple[str, ...] | tuple[EnumField, ...]
"""A property value: EngineeringUnits (a table row; a code-less one has ``unit_id`` -1), EURange,
EnumStrings (texts) or EnumValues (fields)."""


@dataclass(slots=True)
class PlannedNode:
    """One node of the file. Ids are expanded (``nsu=<uri>;<id>``)."""

    node_id: str
    node_class: NodeClass
    browse_name: str
    browse_namespace: str
    display_names: tuple[LocalText, ...]
    descriptions: tuple[LocalText, ...] = ()
    graph_id: str = ""
    """The graph node it stands for; "" for a node the export adds."""
    parent: str = ""
    references: list[Reference] = field(default_factory=list)
    data_type: str = ""
    value_rank: int = -1
    value: Value | None = None
    definition: tuple[EnumField, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """What a graph becomes (the rules: :mod:`adapters.opcua.export_plan`).

    Attributes:
        model_uri: the namespace of the model (its ``<Model ModelUri>``).
        own_namespaces: the namespaces of the written nodes, the model's first.
        required: namespaces of referenced nodes that other models define (never the base one).
        nodes: the nodes, in file order (each before its children).
        ids: graph id → expanded NodeId, for every written graph node.
        enumerations: graph id of a variable of an enumeration → its values by name.
        notes: what could not be expressed, one line per reason.
    """

    model_uri: str
    own_namespaces: tuple[str, ...]
    required: tuple[str, ...]
    nodes: tuple[PlannedNode, ...]
    ids: dict[str, str]
    enumerations: dict[str, dict[str, int]]
    notes: tuple[str, ...]


def local_namespace(graph: SchemaGraph) -> str:
    """The namespace of the graph's nodes that have no OPC UA id: its name when that is a URI,
    else ``urn:tolka:model:<name, percent-encoded>``."""
    name = graph.name.strip()
    if _URI.match(name):
        return name
    return "urn:tolka:model:" + quote(name or "unnamed", safe="")


@dataclass(slots=True)
class Link:
    """A reference to write: source, ReferenceType, target (expanded ids)."""

    source: str
    type: str
    target: str


class PlanState:
    """What the planning of one export has gathered so far (mutable; one per export)."""

    def __init__(self, graph: SchemaGraph) -> None:
        self.graph = graph
        self.local = local_namespace(graph)
        self.nodes: dict[str, PlannedNode] = {}  # expanded id → node
        self.ids: dict[str, str] = {}  # graph id → expanded id
        self.links: list[Link] = []
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.datatypes: dict[str, str] = {}  # graph id of a variable → expanded DataType id
        self.typedefs: dict[str, list[str]] = defaultdict(list)
        self.supertypes: dict[str, list[str]] = defaultdict(list)
        self.type_names: dict[str, str] = {}  # reference type name → expanded id
        self.required: set[str] = set()
        self.names_used: set[tuple[str, str]] = set()
        self.enumerations: dict[str, dict[str, int]] = {}
        self.left_out: set[str] = set()  # own graph nodes not written (each reported once)

    def note(self, reason: str, what: str) -> None:
        self.notes[reason].append(what)

    def expanded(self, graph_id: str) -> str:
        if graph_id.startswith("nsu="):
            try:
                split_expanded(graph_id)
                return graph_id
            except ValueError:
                pass
        return expanded_node_id(self.local, "s=" + graph_id)

    def address(self, graph_id: str) -> str | None:
        """Where a reference to a graph node points: a written node, or an OPC UA node of another model."""
        if graph_id in self.ids:
            return self.ids[graph_id]
        if graph_id.startswith("nsu=") and graph_id in self.graph:
            try:
                uri, _ = split_expanded(graph_id)
            except ValueError:
                return None
            if uri != UA_NAMESPACE:
                self.required.add(uri)
            return graph_id
        return None

    def add(self, planned: PlannedNode) -> None:
        node_id = planned.node_id
        while node_id in self.nodes:  # an added node's id taken by a node of the model: suffix it
            node_id += "~"
        planned.node_id = node_id
        self.nodes[node_id] = planned

    def reference_type(self, name: str) -> str | None:
        found = self.type_names.get(name) or base_type_id(name, NodeKind.REFERENCE_TYPE)
        return self.address(found) if found and found in self.graph else found

    def link(self, source: str, ref_type: str, target: str) -> None:
        self.links.append(Link(source, ref_type, target))

    def property_child(self, owner: str, name: str) -> PlannedNode | None:
        for link in self.links:
            if link.source == owner and link.type == HAS_PROPERTY:
                child = self.nodes.get(link.target)
                if child is not None and child.browse_name == name:
                    return child
        return None

    def added_property(
        self, owner: PlannedNode, name: str, data_type: str, value_rank: int = -1
    ) -> PlannedNode:
        node = self.property_child(owner.node_id, name)
        if node is None:
            node = PlannedNode(
                self.suffixed(owner.node_id, name),
                NodeClass.VARIABLE,
                name,
                UA_NAMESPACE,
                (("", name),),
            )
            self.add(node)
            self.link(owner.node_id, HAS_PROPERTY, node.node_id)
            self.link(node.node_id, HAS_TYPE_DEFINITION, PROPERTY_TYPE)
        node.data_type, node.value_rank = data_type, value_rank
        return node

    def unique_name(self, uri: str, name: str) -> str:
        candidate, k = name, 1
        while (uri, candidate) in self.names_used:
            k += 1
            candidate = f"{name}_{k}"
        self.names_used.add((uri, candidate))
        return candidate

    def suffixed(self, node_id: str, suffix: str) -> str:
        uri, identifier = split_expanded(node_id)
        return expanded_node_id(
            uri, f"s={identifier[2:] if identifier.startswith('s=') else identifier}.{suffix}"
        )
