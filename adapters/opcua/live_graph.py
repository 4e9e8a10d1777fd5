"""The graph of a browsed OPC UA server: a `Crawl` of :mod:`adapters.opcua.crawl` into one
`SchemaGraph`, by the rules of the NodeSet2 adapter (see the module docstring of
:mod:`adapters.opcua.live`, which browses and calls `build_graph`).

Units, ranges and enumerations come from the values the crawl read: ``EngineeringUnits``
(EUInformation), ``EURange``, ``EnumStrings``/``EnumValues`` and data type definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asyncua import ua

from adapters.opcua.crawl import Crawl, LiveNode
from adapters.opcua.nodeid import split_expanded
from adapters.opcua.nodes import Facets, opcua_node
from adapters.opcua.ns0 import ROOT, base_name, base_node
from adapters.opcua.paths import Links, browse_paths, containment_relations, read_links
from adapters.opcua.values import CEFACT_NAMESPACE, unece_code
from translator.graph.model import NodeKind, SchemaGraph

__all__ = ["build_graph"]

DATATYPE_RELATION = "DataType"
_KINDS = {
    int(ua.NodeClass.Object): NodeKind.OBJECT,
    int(ua.NodeClass.Variable): NodeKind.VARIABLE,
    int(ua.NodeClass.Method): NodeKind.METHOD,
    int(ua.NodeClass.ObjectType): NodeKind.OBJECT_TYPE,
    int(ua.NodeClass.VariableType): NodeKind.VARIABLE_TYPE,
    int(ua.NodeClass.DataType): NodeKind.DATA_TYPE,
    int(ua.NodeClass.ReferenceType): NodeKind.REFERENCE_TYPE,
    int(ua.NodeClass.View): NodeKind.VIEW,
}


# -- values --------------------------------------------------------------------------------------


def _unit(value: Any) -> tuple[str, str] | None:
    """(UNECE code, display name) of an EUInformation value, as `adapters.opcua.values` reads a file."""
    unit_id = getattr(value, "UnitId", None)
    if not isinstance(unit_id, int):
        return None
    namespace = getattr(value, "NamespaceUri", None) or ""
    label = getattr(getattr(value, "DisplayName", None), "Text", None) or ""
    code = unece_code(unit_id) if (not namespace or namespace.rstrip("/") == CEFACT_NAMESPACE) else ""
    return code, label


def _range(value: Any) -> tuple[float, float] | None:
    try:
        return float(value.Low), float(value.High)
    except (AttributeError, TypeError, ValueError):
        return None


def _enum(name: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    if name == "EnumStrings":
        return tuple(f"{getattr(text, 'Text', None) or ''}={i}" for i, text in enumerate(value))
    return tuple(
        f"{getattr(getattr(item, 'DisplayName', None), 'Text', None) or ''}={getattr(item, 'Value', '')}"
        for item in value
    )


def _definition(value: Any) -> tuple[str, ...]:
    """Enumeration fields of a DataTypeDefinition as ``Name=Value`` (structures have none)."""
    fields = getattr(value, "Fields", None) or ()
    return tuple(f"{f.Name}={f.Value}" for f in fields if hasattr(f, "Value") and f.Value is not None)


# -- the graph -----------------------------------------------------------------------------------


def build_graph(crawl: Crawl, url: str, language: str = "en") -> SchemaGraph:
    """Assemble a browsed server into a SchemaGraph; see the module docstring."""
    failed = [n for n in crawl.nodes.values() if n.failed]
    nodes: dict[str, LiveNode] = {k: n for k, n in crawl.nodes.items() if not n.failed}
    refs = [r for r in crawl.references if r[0] in nodes and r[1] in nodes]

    def name_of(node_id: str) -> str:
        node = nodes.get(node_id)
        if node is not None and node.name:
            return node.name
        return crawl.reference_names.get(node_id) or base_name(node_id) or node_id

    links = _links(nodes, refs, name_of)
    seeds = {ROOT: ""} if ROOT in nodes else {}
    for node_id, node in nodes.items():
        known = base_node(node_id) if not node.own else None
        if known is not None and (known.path or node_id == ROOT):
            seeds[node_id] = known.path
    paths = browse_paths(nodes.keys(), links.children, name_of, seeds)
    units, ranges, enums = _values(nodes, links)

    graph = _empty_graph(crawl, nodes, failed, url)
    facets = Facets(links.type_of, links.modelling, units, ranges, enums, paths, name_of, language)
    graph.add_nodes(
        opcua_node(
            k,
            _KINDS.get(n.node_class, NodeKind.UNKNOWN),
            n.name,
            n.labels,
            n.descriptions,
            n.datatype,
            n.value_rank,
            source=split_expanded(k)[0],
            own=n.own,
            facets=facets,
        )
        for k, n in sorted(nodes.items())
    )
    edges = links.edges
    edges.extend(
        (n, nodes[n].datatype, DATATYPE_RELATION) for n in sorted(nodes) if nodes[n].datatype in nodes
    )
    graph.add_edges(edges)
    return graph


def _links(
    nodes: dict[str, LiveNode], refs: list[tuple[str, str, str]], name_of: Callable[[str], str]
) -> Links:
    """Read the references (each named after its reference type's BrowseName) into `Links`."""
    relation_of = {rt: name_of(rt) for rt in {rt for _, _, rt in refs}}
    reference_type = int(ua.NodeClass.ReferenceType)
    containment = containment_relations(
        (nodes[s].name, nodes[t].name)
        for s, t, rt in refs
        if relation_of[rt] == "HasSubtype"
        and nodes[s].node_class == reference_type
        and nodes[t].node_class == reference_type
    )
    return read_links(refs, relation_of, containment, name_of)


def _values(
    nodes: dict[str, LiveNode], links: Links
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[float, float]], dict[str, tuple[str, ...]]]:
    """The units, ranges and enumerations of the nodes, from the values of their properties (and
    the definitions of data types)."""
    units: dict[str, tuple[str, str]] = {}
    ranges: dict[str, tuple[float, float]] = {}
    enums: dict[str, tuple[str, ...]] = {}
    for node_id, node in nodes.items():
        parent = links.property_of.get(node_id) or links.parent_of.get(node_id)
        if node.value is None or not parent:
            continue
        if node.name == "EngineeringUnits":
            unit = _unit(node.value)
            if unit is not None:
                units[parent] = unit
        elif node.name == "EURange":
            low_high = _range(node.value)
            if low_high is not None:
                ranges[parent] = low_high
        elif node.name in ("EnumStrings", "EnumValues"):
            values = _enum(node.name, node.value)
            if values:
                enums[parent] = values
    for node_id, node in nodes.items():
        if node.definition is not None:
            values = _definition(node.definition)
            if values:
                enums.setdefault(node_id, values)
    return units, ranges, enums


def _empty_graph(crawl: Crawl, nodes: dict[str, LiveNode], failed: list[LiveNode], url: str) -> SchemaGraph:
    """The graph of the server, named after its first own namespace, with the browse's warnings."""
    own_namespaces = {split_expanded(k)[0] for k, n in nodes.items() if n.own}
    namespaces = [uri for uri in crawl.own_namespaces if uri in own_namespaces]
    graph = SchemaGraph(namespaces[0] if namespaces else url, sources=[url], namespaces=namespaces)
    graph.warnings.extend(crawl.warnings)
    if failed:
        graph.warnings.append(
            f"{len(failed)} nodes could not be read and were left out "
            f"(first: {failed[0].id}: {failed[0].failed})"
        )
    if not namespaces:
        graph.warnings.append("no nodes of the server's own namespaces were found from the Objects folder")
    return graph
