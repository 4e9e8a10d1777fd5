"""Where each planned node hangs and in which order it is written, for
:mod:`adapters.opcua.export_plan`.

Every node gets a parent, a type definition and a modelling rule when the model gives none
(`complete_nodes`); then each link is written onto one node — the one parent of each node as an
inverse reference on it, every other link forward on its source when that is written — and the nodes
are put in file order, each before its children (`place_references`).
"""

from __future__ import annotations

from collections import defaultdict

from adapters.opcua.export_model import (
    BASE_DATA_VARIABLE_TYPE,
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
    Link,
    NodeClass,
    PlannedNode,
    PlanState,
    Reference,
)
from adapters.opcua.ns0 import base_type_id
from adapters.opcua.paths import containment_relations
from translator.graph.model import NodeKind

__all__ = ["complete_nodes", "hierarchical_references", "place_references"]


def hierarchical_references(state: PlanState) -> set[str]:
    """The expanded ids of the reference types along which nodes hang: the containment ones (with
    the graph's subtypes of them), HasEventSource and HasNotifier."""
    pairs = []
    for edge in state.graph.edges():
        if edge.relation == "HasSubtype":
            s, t = state.graph.get(edge.source), state.graph.get(edge.target)
            if s and t and s.kind is NodeKind.REFERENCE_TYPE and t.kind is NodeKind.REFERENCE_TYPE:
                pairs.append((s.name, t.name))
    names = containment_relations(pairs) | {"HasEventSource", "HasNotifier"}
    return {ref for name in names if (ref := state.reference_type(name)) is not None}


def complete_nodes(state: PlanState, hierarchical: set[str]) -> None:
    """Give every node what OPC UA requires and the model did not say: a parent (for a type its base
    type; for a node of a model other than OPC UA the Objects or Views folder), a type definition for
    an instance (BaseObjectType, PropertyType or BaseDataVariableType), and a modelling rule for each
    member of a type (the node's own, else Optional; Mandatory for a node the export adds)."""
    has_parent = {link.target for link in state.links if link.type in hierarchical}
    typed = {link.source for link in state.links if link.type == HAS_TYPE_DEFINITION}
    property_of = {link.target for link in state.links if link.type == HAS_PROPERTY}
    for node_id, planned in sorted(state.nodes.items()):
        node_class = planned.node_class
        if node_id not in has_parent:
            if node_class in TYPES:
                state.link(DEFAULT_SUPERTYPE[node_class], HAS_SUBTYPE, node_id)
            elif not planned.graph_id.startswith("nsu="):  # an OPC UA model's nodes stay where they are
                state.link(
                    VIEWS_FOLDER if node_class is NodeClass.VIEW else OBJECTS_FOLDER, ORGANIZES, node_id
                )
        if node_id not in typed and node_class in (NodeClass.OBJECT, NodeClass.VARIABLE):
            if node_class is NodeClass.OBJECT:
                definition = BASE_OBJECT_TYPE
            elif node_id in property_of:
                definition = PROPERTY_TYPE
            else:
                definition = BASE_DATA_VARIABLE_TYPE
            state.link(node_id, HAS_TYPE_DEFINITION, definition)
    _modelling_rules(state, hierarchical)


def _modelling_rules(state: PlanState, hierarchical: set[str]) -> None:
    children: dict[str, list[str]] = defaultdict(list)
    for link in state.links:
        if link.type in hierarchical and link.type != HAS_SUBTYPE and link.target in state.nodes:
            children[link.source].append(link.target)
    ruled = {link.source for link in state.links if link.type == HAS_MODELLING_RULE}
    queue = [
        n for n, p in state.nodes.items() if p.node_class in (NodeClass.OBJECT_TYPE, NodeClass.VARIABLE_TYPE)
    ]
    seen = set(queue)
    while queue:
        for child in sorted(children.get(queue.pop(), ())):
            if child in seen or state.nodes[child].node_class in TYPES:
                continue
            seen.add(child)
            queue.append(child)
            planned = state.nodes[child]
            if child in ruled or planned.graph_id.startswith("nsu="):
                continue  # an OPC UA model says where its rules are
            node = state.graph.get(planned.graph_id)
            rule = (
                base_type_id(node.modelling_rule, NodeKind.OBJECT) if node and node.modelling_rule else None
            )
            state.link(child, HAS_MODELLING_RULE, rule or (OPTIONAL if node else MANDATORY))


# -- references onto nodes, file order ---------------------------------------------------
def place_references(state: PlanState, hierarchical: set[str]) -> list[PlannedNode]:
    """Write each link onto a node: the one parent of each node as an inverse reference on it
    (and its ParentNodeId); for a node without a parent (a DataType's encoding), the first link to
    it, inverse on it; every other link forward on its source when that is written, else inverse
    on its target. Returns the nodes in file order."""
    priority = {HAS_SUBTYPE: 0, HAS_COMPONENT: 1, HAS_PROPERTY: 1, HAS_ORDERED_COMPONENT: 1, ORGANIZES: 3}
    parent_of: dict[str, Link] = {}
    for link in state.links:
        if link.type not in hierarchical or link.target not in state.nodes or link.source == link.target:
            continue
        rank = (link.source not in state.nodes, priority.get(link.type, 2), link.source)
        current = parent_of.get(link.target)
        if current is None or rank < (
            current.source not in state.nodes,
            priority.get(current.type, 2),
            current.source,
        ):
            parent_of[link.target] = link
    held: dict[str, Link] = {}  # a node without a parent (an encoding): the first link to it holds it
    for link in sorted(state.links, key=lambda k: (k.target, k.type, k.source)):
        if link.target in state.nodes and link.target not in parent_of and link.source != link.target:
            held.setdefault(link.target, link)
    seen: set[tuple[str, str, str]] = set()
    for link in state.links:
        key = (link.source, link.type, link.target)
        if key in seen:
            continue
        seen.add(key)
        if parent_of.get(link.target) is link:
            child = state.nodes[link.target]
            child.references.append(Reference(link.type, link.source, forward=False))
            if child.node_class not in TYPES:
                child.parent = link.source
        elif link.source in state.nodes and held.get(link.target) is not link:
            state.nodes[link.source].references.append(Reference(link.type, link.target))
        else:  # from a node of another model, or holding a node without a parent: on the target
            state.nodes[link.target].references.append(Reference(link.type, link.source, forward=False))
    for planned in state.nodes.values():
        planned.references.sort(key=lambda r: (r.forward, r.type, r.target))
    return _order(state, {t: link.source for t, link in parent_of.items()})


def _order(state: PlanState, parent: dict[str, str]) -> list[PlannedNode]:
    """Each node before its children: roots by class and id, then depth first."""
    klass = list(NodeClass)
    children: dict[str, list[str]] = defaultdict(list)
    for child, of in parent.items():
        if of in state.nodes:
            children[of].append(child)
    key = {n: (klass.index(p.node_class), n) for n, p in state.nodes.items()}
    roots = sorted((n for n in state.nodes if parent.get(n) not in state.nodes), key=key.__getitem__)
    out: list[PlannedNode] = []
    done: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        node_id = stack.pop()
        if node_id in done:
            continue
        done.add(node_id)
        out.append(state.nodes[node_id])
        stack.extend(sorted(children.get(node_id, ()), key=key.__getitem__, reverse=True))
    out.extend(state.nodes[n] for n in sorted(set(state.nodes) - done))  # a cycle of parents
    return out
