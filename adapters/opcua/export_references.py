"""The relations of a graph as OPC UA references, for :mod:`adapters.opcua.export_plan`.

Edges between written nodes whose relation names a reference type (an OPC UA model's
``HasComponent``, ``Organizes``, ...) become links as they are; the other models' relations are
mapped (``child``, ``$ref``, ``extends``, ``rdfs:subClassOf``, ``rdfs:domain``, ``rdfs:range``,
``rdf:type``, ``DataType``; see the module docstring of :mod:`adapters.opcua.export_plan`). OPC UA
allows one type definition per instance and one supertype per type: `choose_types` keeps the first
by id that makes no cycle and reports the others.
"""

from __future__ import annotations

from collections import defaultdict

from adapters.opcua.export_model import (
    HAS_COMPONENT,
    HAS_PROPERTY,
    HAS_SUBTYPE,
    HAS_TYPE_DEFINITION,
    TYPES,
    NodeClass,
    PlanState,
)
from translator.graph.model import NodeKind

__all__ = ["choose_types", "plan_references"]

_TYPED_BY = frozenset(
    {(NodeClass.OBJECT, NodeClass.OBJECT_TYPE), (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE)}
)
_MAPPED = frozenset(
    {"child", "ref", "extends", "rdfs:subClassOf", "rdfs:domain", "rdfs:range", "rdf:type", "DataType"}
)
_OWL_THING = "http://www.w3.org/2002/07/owl#Thing"


def plan_references(state: PlanState) -> None:
    """Turn the edges between written nodes into links, or into type definitions, supertypes and
    DataTypes to choose from; relations without an OPC UA counterpart are counted in a note."""
    unmapped: dict[str, int] = defaultdict(int)
    for edge in sorted(state.graph.edges()):
        s, t, relation = edge
        if (s not in state.ids and t not in state.ids) or s in state.left_out or t in state.left_out:
            continue  # between context nodes, or with a node left out (reported with it)
        if relation in _MAPPED:
            _mapped(state, s, t, relation)
            continue
        ref_type = state.reference_type(relation)
        source, target = state.address(s), state.address(t)
        if ref_type is None:
            unmapped[relation] += 1
        elif source is None or target is None:
            state.note(f"a {relation} reference to a node outside the written model", f"{s} -> {t}")
        else:
            state.link(source, ref_type, target)
    if unmapped:
        counts = ", ".join(f"{relation} ×{count}" for relation, count in sorted(unmapped.items()))
        state.note("relations without an OPC UA counterpart, not written", counts)


def _mapped(state: PlanState, s: str, t: str, relation: str) -> None:
    source, target = state.ids.get(s), state.ids.get(t)
    s_class = state.nodes[source].node_class if source else None
    t_class = state.nodes[target].node_class if target else None
    if relation == "DataType":
        found = state.address(t)
        if s_class in (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE) and found:
            state.datatypes.setdefault(s, found)
        return
    if relation == "rdfs:subClassOf" and t == _OWL_THING:
        return  # every class is a Thing: in OPC UA a BaseObjectType, its supertype when it has no other
    if source is None or target is None:
        state.note(f"a {relation} edge to a node outside the written model", f"{s} -> {t}")
        return
    if relation in ("child", "rdfs:domain"):
        parent, child = (source, target) if relation == "child" else (target, source)
        kind = state.graph[t if relation == "child" else s].kind
        state.link(parent, HAS_PROPERTY if kind is NodeKind.PROPERTY else HAS_COMPONENT, child)
    elif relation in ("extends", "rdfs:subClassOf") and s_class == t_class and s_class in TYPES:
        state.supertypes[s].append(target)
    elif t_class is NodeClass.DATA_TYPE and s_class is NodeClass.VARIABLE and relation == "ref":
        state.datatypes.setdefault(s, target)
    elif (s_class, t_class) in _TYPED_BY:
        state.typedefs[s].append(target)
    else:
        state.note(
            f"a {relation} edge from a {s_class} to a {t_class} has no OPC UA counterpart", f"{s} -> {t}"
        )


def choose_types(state: PlanState) -> None:
    """One type definition per instance and one supertype per type (OPC UA has single
    inheritance): the first by id that makes no cycle of subtypes; the others are reported."""
    for s, candidates in sorted(state.typedefs.items()):
        first, *rest = sorted(set(candidates))
        state.link(state.ids[s], HAS_TYPE_DEFINITION, first)
        for other in rest:
            state.note("an OPC UA instance has one type definition; left out", f"{s} -> {other}")
    chosen: dict[str, str] = {}

    def reaches(start: str, node: str) -> bool:
        current, steps = start, 0
        while current != node and current in chosen and steps <= len(chosen):
            current, steps = chosen[current], steps + 1
        return current == node

    for s, candidates in sorted(state.supertypes.items()):
        node = state.ids[s]
        options = sorted(set(candidates))
        supertype = next((o for o in options if not reaches(o, node)), None)
        if supertype is None:
            state.note("subtypes that form a cycle: the supertype is left out", f"{s} -> {options[0]}")
        else:
            chosen[node] = supertype
            state.link(supertype, HAS_SUBTYPE, node)
        for other in options:
            if other != supertype and (supertype is not None or other != options[0]):
                state.note("an OPC UA type has one supertype; left out", f"{s} -> {other}")
