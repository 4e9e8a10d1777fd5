"""The OPC UA address space a model becomes: any `SchemaGraph` as OPC UA nodes and references.

`plan_export` decides, for a graph's own nodes, what :mod:`adapters.opcua.nodeset_write` writes as a
NodeSet2 file (and the proxy serves, from that file):

* **NodeIds.** A node whose id is an ExpandedNodeId (``nsu=<uri>;<id>``, OPC UA models) keeps it. Any
  other node (``urn:tolka:test:pump#/properties/pump``, an IRI) becomes the string NodeId ``s=<its id>``
  in the graph's namespace: the graph's name when it is a URI (a schema's ``$id``, an ontology IRI),
  else ``urn:tolka:model:<name>`` (`local_namespace`). Nodes the export adds take their owner's id
  and a suffix (``s=<id>.EngineeringUnits``, ``.EnumStrings``, ``.Enumeration``).
* **Node classes.** Objects, individuals and fields that hold members (``object``, ``array<object>``)
  are Objects; variables, properties, datatype properties and value fields are Variables;
  object types, OWL classes and JSON Schema object definitions are ObjectTypes; data types are
  DataTypes; variable types, methods, reference types and views are what they say. An OWL object
  property becomes an Object in its domain class, typed by its range class.
* **References.** OPC UA references (``HasComponent``, ``HasTypeDefinition``, …) are kept; the other
  models' relations are mapped: ``child`` → HasComponent (HasProperty for a property), a JSON
  Schema ``$ref`` → HasTypeDefinition or the variable's DataType, ``extends``/``rdfs:subClassOf`` →
  HasSubtype (one supertype: OPC UA has single inheritance), ``rdfs:domain`` → HasComponent from the
  class, ``rdfs:range``/``rdf:type`` → HasTypeDefinition. Relations without an OPC UA counterpart
  (``owl:disjointWith``, ``owl:onProperty``, …) are reported, not written. A type without a
  supertype gets its base type (HasSubtype from BaseObjectType, Enumeration, …); an instance without a
  type definition BaseObjectType, BaseDataVariableType or PropertyType. The other models' nodes
  without a parent go under Objects (Organizes), and the members of their types that the model gives
  no modelling rule are Optional; an OPC UA model's nodes stay where the model has them.
* **DataTypes.** A variable's DataType is its ``DataType`` edge, its ``$ref`` to a data type, or its
  datatype name (:func:`adapters.opcua.datatypes.datatype_of`); BaseDataType for a name Tolka does
  not know (reported).
* **Enumerations.** A data type with enumeration values is a subtype of Enumeration with a
  Definition and an ``EnumStrings`` property (``EnumValues`` when the values are not 0, 1, 2, …);
  a variable with text values of its own (a JSON Schema ``enum`` of strings, the strings sample
  messages showed) gets such a DataType of its own, ``<name>Enumeration``; other values of a
  variable's own (numbers, date-times) are reported, not written. An OPC UA model's enumerations keep
  their Definition; its option sets and structures are written without one (a graph does not hold
  their fields: reported).
* **Units.** A variable with a unit that is a UNECE common code Tolka knows (`unece_table`, or a QUDT
  unit of one) has an ``EngineeringUnits`` property: an EUInformation with its UnitId, symbol and name.
  ``EURange`` properties of OPC UA models keep their range.

Context nodes (from imported or required models) are not written; references to OPC UA context
nodes stay, and their namespaces become required models. Values other than units, ranges and
enumerations are not in a graph: variables are written without a value, read-only. Everything
that cannot be expressed is listed in :attr:`ExportPlan.notes`.

The records (`PlannedNode`, `ExportPlan`) and the state the planning fills live in
:mod:`adapters.opcua.export_model`; references in :mod:`adapters.opcua.export_references`; data
types, enumerations and units in :mod:`adapters.opcua.export_values`; parents, type definitions,
modelling rules and the file order in :mod:`adapters.opcua.export_hierarchy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from adapters.opcua.datatypes import BASE_DATA_TYPE, datatype_of, is_container_datatype
from adapters.opcua.export_hierarchy import complete_nodes, hierarchical_references, place_references
from adapters.opcua.export_model import (
    BASE_NAMES,
    EnumField,
    ExportPlan,
    NodeClass,
    PlannedNode,
    PlanState,
    local_namespace,
)
from adapters.opcua.export_references import choose_types, plan_references
from adapters.opcua.export_values import plan_values
from adapters.opcua.nodeid import UA_NAMESPACE, split_expanded
from adapters.opcua.ns0 import CONTAINMENT_REFERENCES
from translator.graph.model import LocalText, Node, NodeKind, SchemaGraph

__all__ = ["ExportPlan", "local_namespace", "plan_export"]

_CLASS_OF_KIND = {
    NodeKind.OBJECT: NodeClass.OBJECT, NodeKind.INDIVIDUAL: NodeClass.OBJECT,
    NodeKind.VARIABLE: NodeClass.VARIABLE, NodeKind.PROPERTY: NodeClass.VARIABLE,
    NodeKind.DATATYPE_PROPERTY: NodeClass.VARIABLE, NodeKind.OBJECT_TYPE: NodeClass.OBJECT_TYPE,
    NodeKind.CLASS: NodeClass.OBJECT_TYPE, NodeKind.VARIABLE_TYPE: NodeClass.VARIABLE_TYPE,
    NodeKind.METHOD: NodeClass.METHOD, NodeKind.REFERENCE_TYPE: NodeClass.REFERENCE_TYPE,
    NodeKind.VIEW: NodeClass.VIEW, NodeKind.DATA_TYPE: NodeClass.DATA_TYPE,
}  # fmt: skip
_NO_NODE = {
    NodeKind.UNIT: "a unit is no node in OPC UA (units are the EngineeringUnits of variables)",
    NodeKind.ENUM_VALUE: "an enumeration value is no node in OPC UA (it is a field of its DataType)",
    NodeKind.ANNOTATION_PROPERTY: "an annotation property has no OPC UA counterpart",
    NodeKind.UNKNOWN: "a node of unknown kind has no OPC UA node class",
}

_MEMBER_RELATIONS = frozenset({"child"}) | (CONTAINMENT_REFERENCES - {"HasSubtype"})
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Planner(PlanState):
    def class_of(self, node: Node, members: set[str]) -> NodeClass | None:
        kind = node.kind
        if kind is NodeKind.FIELD:
            holds = is_container_datatype(node.datatype) or (node.datatype == "" and node.id in members)
            return NodeClass.OBJECT if holds else NodeClass.VARIABLE
        if kind is NodeKind.DATA_TYPE and not node.id.startswith("nsu="):
            if node.id in members and not node.enum_values:  # a JSON Schema array of objects
                return NodeClass.OBJECT_TYPE
            if not node.enum_values and datatype_of(node.datatype).node_id == BASE_DATA_TYPE:
                self.note(
                    "a data type that names no base type (a union, or no type at all) is no DataType of "
                    "its own: what refers to it is BaseDataType",
                    node.id,
                )
                return None
            return NodeClass.DATA_TYPE
        if kind is NodeKind.OBJECT_PROPERTY:
            domains = [e.target for e in self.graph.out_edges(node.id) if e.relation == "rdfs:domain"]
            if not any((d := self.graph.get(t)) is not None and d.own for t in domains):
                self.note("an object property without a domain class of the model has no place", node.id)
                return None
            return NodeClass.OBJECT
        found = _CLASS_OF_KIND.get(kind)
        if found is None:
            self.note(_NO_NODE.get(kind, f"a {kind.value} has no OPC UA node class"), node.id)
        return found

    def select(self) -> None:
        members = {e.source for e in self.graph.edges() if e.relation in _MEMBER_RELATIONS}
        members |= {e.target for e in self.graph.edges() if e.relation == "rdfs:domain"}
        for node in sorted(self.graph.own_nodes(), key=lambda n: n.id):
            self.left_out.add(node.id)  # until it is written
            node_class = self.class_of(node, members)
            if node_class is None:
                continue
            if _XML_INVALID.search(node.id + node.name):
                self.note("its id or name holds characters XML cannot carry", repr(node.id))
                continue
            node_id = self.expanded(node.id)
            uri, _ = split_expanded(node_id)
            if uri == UA_NAMESPACE:
                self.note("nodes of the base namespace are the base model's, not written", node.id)
                continue
            self.left_out.discard(node.id)
            name = node.name or node.id
            labels = tuple(t for t in node.labels if t[1]) or ((("", node.label or name)),)
            descriptions = tuple(t for t in node.descriptions if t[1])
            if not descriptions and node.description:
                descriptions = (("", node.description),)
            browse_ns = UA_NAMESPACE if (name, node.kind) in BASE_NAMES else uri
            self.ids[node.id] = node_id
            self.nodes[node_id] = PlannedNode(
                node_id, node_class, name, browse_ns, labels, descriptions, graph_id=node.id
            )
            if node_class in (NodeClass.DATA_TYPE, NodeClass.OBJECT_TYPE):
                self.names_used.add((uri, name))
        for ref_type in sorted(self.graph.nodes(), key=lambda n: n.id):
            is_type = ref_type.kind is NodeKind.REFERENCE_TYPE and ref_type.id.startswith("nsu=")
            if is_type and (ref_type.own or ref_type.name not in self.type_names):
                self.type_names[ref_type.name] = ref_type.id

    def plan(self) -> ExportPlan:
        self.select()
        plan_references(self)
        plan_values(self)  # before the supertypes are chosen: enumerations add theirs
        choose_types(self)
        hierarchical = hierarchical_references(self)
        complete_nodes(self, hierarchical)
        nodes = place_references(self, hierarchical)
        self.sanitise(nodes)
        own = sorted({split_expanded(n)[0] for n in self.nodes}, key=lambda u: (u != self.model_uri(), u))
        required = sorted(self.required - set(own))
        return ExportPlan(
            own[0] if own else self.local,
            tuple(own),
            tuple(required),
            tuple(nodes),
            dict(sorted(self.ids.items())),
            dict(sorted(self.enumerations.items())),
            tuple(_format_note(reason, items) for reason, items in self.notes.items()),
        )

    def model_uri(self) -> str:
        owned = [split_expanded(n)[0] for n in self.ids.values()]
        for uri in self.graph.namespaces:
            if uri in owned:
                return uri
        return self.local if self.local in owned or not owned else min(owned)

    def sanitise(self, nodes: Iterable[PlannedNode]) -> None:
        """Texts with characters XML cannot carry get U+FFFD in their place (and a note)."""
        for planned in nodes:
            texts = (*planned.display_names, *planned.descriptions)
            if any(_XML_INVALID.search(text) for _, text in texts):
                planned.display_names = _clean(planned.display_names)
                planned.descriptions = _clean(planned.descriptions)
                self.note("characters XML cannot carry replaced by U+FFFD in its texts", planned.node_id)
            if planned.definition and any(_XML_INVALID.search(f.name) for f in planned.definition):
                planned.definition = tuple(
                    EnumField(_XML_INVALID.sub("\ufffd", f.name), f.value) for f in planned.definition
                )
                self.note("characters XML cannot carry replaced by U+FFFD in its values", planned.node_id)
            if isinstance(planned.value, tuple) and planned.value and isinstance(planned.value[0], str):
                planned.value = tuple(_XML_INVALID.sub("\ufffd", str(v)) for v in planned.value)
            elif isinstance(planned.value, tuple):
                planned.value = tuple(
                    EnumField(_XML_INVALID.sub("\ufffd", f.name), f.value)
                    for f in planned.value
                    if isinstance(f, EnumField)
                )


def _clean(texts: tuple[LocalText, ...]) -> tuple[LocalText, ...]:
    return tuple((locale, _XML_INVALID.sub("\ufffd", text)) for locale, text in texts)


def _format_note(reason: str, items: list[str]) -> str:
    shown = ", ".join(items[:3]) + (f", … ({len(items)} in all)" if len(items) > 3 else "")
    return f"{reason}: {shown}"


def plan_export(graph: SchemaGraph) -> ExportPlan:
    """The address space ``graph`` becomes (see the module docstring). Deterministic: the same graph
    gives the same plan, whatever the order its nodes and edges were added in."""
    return _Planner(graph).plan()
