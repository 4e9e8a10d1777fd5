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
* **Units.** A variable with a unit that is a UNECE common code (or a QUDT unit of one) has an
  ``EngineeringUnits`` property: an EUInformation with the UnitId of the OPC Foundation's table.
  ``EURange`` properties of OPC UA models keep their range.

Context nodes (from imported or required models) are not written; references to OPC UA context
nodes stay, and their namespaces become required models. Values other than units, ranges and
enumerations are not in a graph: variables are written without a value, read-only. Everything
that cannot be expressed is listed in :attr:`ExportPlan.notes`.

The records (`PlannedNode`, `ExportPlan`) and the state the planning fills live in
:mod:`adapters.opcua.export_model`; data types, enumerations and units in
:mod:`adapters.opcua.export_values`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from adapters.opcua.datatypes import BASE_DATA_TYPE, datatype_of, is_container_datatype
from adapters.opcua.export_model import (
    BASE_DATA_VARIABLE_TYPE,
    BASE_NAMES,
    BASE_OBJECT_TYPE,
    DEFAULT_SUPERTYPE,
    HAS_COMPONENT,
    HAS_MODELLING_RULE,
    HAS_ORDERED_COMPONENT,
    HAS_PROPERTY,
    HAS_SUBTYPE,
    HAS_TYPE_DEFINITION,
    MANDATORY,
    OBJECTS_FOLDER,
    OPTIONAL,
    ORGANIZES,
    PROPERTY_TYPE,
    TYPES,
    VIEWS_FOLDER,
    EnumField,
    ExportPlan,
    Link,
    NodeClass,
    PlannedNode,
    PlanState,
    Reference,
    local_namespace,
)
from adapters.opcua.export_values import plan_values
from adapters.opcua.nodeid import UA_NAMESPACE, split_expanded
from adapters.opcua.ns0 import CONTAINMENT_REFERENCES, base_type_id
from adapters.opcua.paths import containment_relations
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

_TYPED_BY = frozenset(
    {(NodeClass.OBJECT, NodeClass.OBJECT_TYPE), (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE)}
)
_MAPPED = frozenset(
    {"child", "ref", "extends", "rdfs:subClassOf", "rdfs:domain", "rdfs:range", "rdf:type", "DataType"}
)
_OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
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

    # -- references --------------------------------------------------------------------------
    def relations(self) -> None:
        unmapped: dict[str, int] = defaultdict(int)
        for edge in sorted(self.graph.edges()):
            s, t, relation = edge
            if (s not in self.ids and t not in self.ids) or s in self.left_out or t in self.left_out:
                continue  # between context nodes, or with a node left out (reported with it)
            if relation in _MAPPED:
                self.mapped(s, t, relation)
                continue
            ref_type = self.reference_type(relation)
            source, target = self.address(s), self.address(t)
            if ref_type is None:
                unmapped[relation] += 1
            elif source is None or target is None:
                self.note(f"a {relation} reference to a node outside the written model", f"{s} -> {t}")
            else:
                self.link(source, ref_type, target)
        if unmapped:
            counts = ", ".join(f"{relation} ×{count}" for relation, count in sorted(unmapped.items()))
            self.note("relations without an OPC UA counterpart, not written", counts)

    def mapped(self, s: str, t: str, relation: str) -> None:
        source, target = self.ids.get(s), self.ids.get(t)
        s_class = self.nodes[source].node_class if source else None
        t_class = self.nodes[target].node_class if target else None
        if relation == "DataType":
            found = self.address(t)
            if s_class in (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE) and found:
                self.datatypes.setdefault(s, found)
            return
        if relation == "rdfs:subClassOf" and t == _OWL_THING:
            return  # every class is a Thing: in OPC UA a BaseObjectType, its supertype when it has no other
        if source is None or target is None:
            self.note(f"a {relation} edge to a node outside the written model", f"{s} -> {t}")
            return
        if relation in ("child", "rdfs:domain"):
            parent, child = (source, target) if relation == "child" else (target, source)
            kind = self.graph[t if relation == "child" else s].kind
            self.link(parent, HAS_PROPERTY if kind is NodeKind.PROPERTY else HAS_COMPONENT, child)
        elif relation in ("extends", "rdfs:subClassOf") and s_class == t_class and s_class in TYPES:
            self.supertypes[s].append(target)
        elif t_class is NodeClass.DATA_TYPE and s_class is NodeClass.VARIABLE and relation == "ref":
            self.datatypes.setdefault(s, target)
        elif (s_class, t_class) in _TYPED_BY:
            self.typedefs[s].append(target)
        else:
            self.note(
                f"a {relation} edge from a {s_class} to a {t_class} has no OPC UA counterpart", f"{s} -> {t}"
            )

    def choose_types(self) -> None:
        """One type definition per instance and one supertype per type (OPC UA has single
        inheritance): the first by id that makes no cycle of subtypes; the others are reported."""
        for s, candidates in sorted(self.typedefs.items()):
            first, *rest = sorted(set(candidates))
            self.link(self.ids[s], HAS_TYPE_DEFINITION, first)
            for other in rest:
                self.note("an OPC UA instance has one type definition; left out", f"{s} -> {other}")
        chosen: dict[str, str] = {}

        def reaches(start: str, node: str) -> bool:
            current, steps = start, 0
            while current != node and current in chosen and steps <= len(chosen):
                current, steps = chosen[current], steps + 1
            return current == node

        for s, candidates in sorted(self.supertypes.items()):
            node = self.ids[s]
            options = sorted(set(candidates))
            supertype = next((o for o in options if not reaches(o, node)), None)
            if supertype is None:
                self.note("subtypes that form a cycle: the supertype is left out", f"{s} -> {options[0]}")
            else:
                chosen[node] = supertype
                self.link(supertype, HAS_SUBTYPE, node)
            for other in options:
                if other != supertype and (supertype is not None or other != options[0]):
                    self.note("an OPC UA type has one supertype; left out", f"{s} -> {other}")

    # -- what every node needs: a parent, a type, a modelling rule --------------------------
    def hierarchical(self) -> set[str]:
        pairs = []
        for edge in self.graph.edges():
            if edge.relation == "HasSubtype":
                s, t = self.graph.get(edge.source), self.graph.get(edge.target)
                if s and t and s.kind is NodeKind.REFERENCE_TYPE and t.kind is NodeKind.REFERENCE_TYPE:
                    pairs.append((s.name, t.name))
        names = containment_relations(pairs) | {"HasEventSource", "HasNotifier"}
        return {ref for name in names if (ref := self.reference_type(name)) is not None}

    def complete(self, hierarchical: set[str]) -> None:
        has_parent = {link.target for link in self.links if link.type in hierarchical}
        typed = {link.source for link in self.links if link.type == HAS_TYPE_DEFINITION}
        property_of = {link.target for link in self.links if link.type == HAS_PROPERTY}
        for node_id, planned in sorted(self.nodes.items()):
            node_class = planned.node_class
            if node_id not in has_parent:
                if node_class in TYPES:
                    self.link(DEFAULT_SUPERTYPE[node_class], HAS_SUBTYPE, node_id)
                elif not planned.graph_id.startswith("nsu="):  # an OPC UA model's nodes stay where they are
                    self.link(
                        VIEWS_FOLDER if node_class is NodeClass.VIEW else OBJECTS_FOLDER, ORGANIZES, node_id
                    )
            if node_id not in typed and node_class in (NodeClass.OBJECT, NodeClass.VARIABLE):
                if node_class is NodeClass.OBJECT:
                    definition = BASE_OBJECT_TYPE
                elif node_id in property_of:
                    definition = PROPERTY_TYPE
                else:
                    definition = BASE_DATA_VARIABLE_TYPE
                self.link(node_id, HAS_TYPE_DEFINITION, definition)
        self.modelling_rules(hierarchical)

    def modelling_rules(self, hierarchical: set[str]) -> None:
        children: dict[str, list[str]] = defaultdict(list)
        for link in self.links:
            if link.type in hierarchical and link.type != HAS_SUBTYPE and link.target in self.nodes:
                children[link.source].append(link.target)
        ruled = {link.source for link in self.links if link.type == HAS_MODELLING_RULE}
        queue = [
            n
            for n, p in self.nodes.items()
            if p.node_class in (NodeClass.OBJECT_TYPE, NodeClass.VARIABLE_TYPE)
        ]
        seen = set(queue)
        while queue:
            for child in sorted(children.get(queue.pop(), ())):
                if child in seen or self.nodes[child].node_class in TYPES:
                    continue
                seen.add(child)
                queue.append(child)
                planned = self.nodes[child]
                if child in ruled or planned.graph_id.startswith("nsu="):
                    continue  # an OPC UA model says where its rules are
                node = self.graph.get(planned.graph_id)
                rule = (
                    base_type_id(node.modelling_rule, NodeKind.OBJECT)
                    if node and node.modelling_rule
                    else None
                )
                self.link(child, HAS_MODELLING_RULE, rule or (OPTIONAL if node else MANDATORY))

    # -- references onto nodes, file order ---------------------------------------------------
    def place(self, hierarchical: set[str]) -> list[PlannedNode]:
        """Write each link onto a node: the one parent of each node as an inverse reference on it
        (and its ParentNodeId); for a node without a parent (a DataType's encoding), the first link to
        it, inverse on it; every other link forward on its source when that is written, else inverse
        on its target. Returns the nodes in file order."""
        priority = {HAS_SUBTYPE: 0, HAS_COMPONENT: 1, HAS_PROPERTY: 1, HAS_ORDERED_COMPONENT: 1, ORGANIZES: 3}
        parent_of: dict[str, Link] = {}
        for link in self.links:
            if link.type not in hierarchical or link.target not in self.nodes or link.source == link.target:
                continue
            rank = (link.source not in self.nodes, priority.get(link.type, 2), link.source)
            current = parent_of.get(link.target)
            if current is None or rank < (
                current.source not in self.nodes,
                priority.get(current.type, 2),
                current.source,
            ):
                parent_of[link.target] = link
        held: dict[str, Link] = {}  # a node without a parent (an encoding): the first link to it holds it
        for link in sorted(self.links, key=lambda k: (k.target, k.type, k.source)):
            if link.target in self.nodes and link.target not in parent_of and link.source != link.target:
                held.setdefault(link.target, link)
        seen: set[tuple[str, str, str]] = set()
        for link in self.links:
            key = (link.source, link.type, link.target)
            if key in seen:
                continue
            seen.add(key)
            if parent_of.get(link.target) is link:
                child = self.nodes[link.target]
                child.references.append(Reference(link.type, link.source, forward=False))
                if child.node_class not in TYPES:
                    child.parent = link.source
            elif link.source in self.nodes and held.get(link.target) is not link:
                self.nodes[link.source].references.append(Reference(link.type, link.target))
            else:  # from a node of another model, or holding a node without a parent: on the target
                self.nodes[link.target].references.append(Reference(link.type, link.source, forward=False))
        for planned in self.nodes.values():
            planned.references.sort(key=lambda r: (r.forward, r.type, r.target))
        return self.order({t: link.source for t, link in parent_of.items()})

    def order(self, parent: dict[str, str]) -> list[PlannedNode]:
        """Each node before its children: roots by class and id, then depth first."""
        klass = list(NodeClass)
        children: dict[str, list[str]] = defaultdict(list)
        for child, of in parent.items():
            if of in self.nodes:
                children[of].append(child)
        key = {n: (klass.index(p.node_class), n) for n, p in self.nodes.items()}
        roots = sorted((n for n in self.nodes if parent.get(n) not in self.nodes), key=key.__getitem__)
        out: list[PlannedNode] = []
        done: set[str] = set()
        stack = list(reversed(roots))
        while stack:
            node_id = stack.pop()
            if node_id in done:
                continue
            done.add(node_id)
            out.append(self.nodes[node_id])
            stack.extend(sorted(children.get(node_id, ()), key=key.__getitem__, reverse=True))
        out.extend(self.nodes[n] for n in sorted(set(self.nodes) - done))  # a cycle of parents
        return out

    def plan(self) -> ExportPlan:
        self.select()
        self.relations()
        plan_values(self)  # before the supertypes are chosen: enumerations add theirs
        self.choose_types()
        hierarchical = self.hierarchical()
        self.complete(hierarchical)
        nodes = self.place(hierarchical)
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
