"""The OPC UA NodeSet2 adapter: files and their required models into one SchemaGraph.

The loaded files' nodes are the model's own; the models they require (``<RequiredModel>``, found
by :class:`~adapters.opcua.models.ModelIndex` in the files' folders and ``--models-dir`` folders)
are loaded as context. Every reference becomes an edge named after its reference type's
BrowseName, in its forward direction; variables also get a ``DataType`` edge to their data type.
Units come from ``EngineeringUnits`` properties, ranges from ``EURange``/``InstrumentRange``,
enumerations from ``EnumStrings``/``EnumValues`` and data type definitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.opcua.models import ModelIndex, NodeSetHeader, RequiredModel, read_header, version_key
from adapters.opcua.nodeid import UA_NAMESPACE, split_expanded
from adapters.opcua.nodes import Facets, opcua_node
from adapters.opcua.nodeset_parse import ParsedNodeSet, RawNode, parse_nodeset
from adapters.opcua.ns0 import (
    ROOT,
    base_name,
    base_node,
)
from adapters.opcua.paths import Links, browse_paths, containment_relations, read_links
from adapters.options import LoadOptions, SourceFile
from adapters.safety import read_input
from translator.errors import MissingModelError, ModelContentError
from translator.graph.model import NodeKind, SchemaGraph

__all__ = ["NodeSetAdapter", "load_nodesets"]

DATATYPE_RELATION = "DataType"


class NodeSetAdapter:
    """Loads OPC UA NodeSet2 XML files (``.xml``; ``<UANodeSet>`` root)."""

    name = "nodeset"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Load the files as one model, with their required models as context."""
        return load_nodesets([f.path for f in files], options)


@dataclass(slots=True)
class _Entry:
    raw: RawNode
    own: bool
    source: str


def _read(path: Path, options: LoadOptions) -> tuple[ParsedNodeSet, NodeSetHeader]:
    parsed = parse_nodeset(read_input(path, options.max_bytes), str(path))
    header = read_header(path)
    if header is None:  # parse_nodeset accepted it, so only a race could get here
        raise ModelContentError("not a NodeSet2 file", source=str(path))
    return parsed, header


def _resolve_required(
    own: list[tuple[ParsedNodeSet, NodeSetHeader]], options: LoadOptions, warnings: list[str]
) -> tuple[list[ParsedNodeSet], bool]:
    """Load every required model (transitively); returns them and whether the base model is missing."""
    index = ModelIndex(flat=[h.path.parent for _, h in own], recursive=options.models_dirs)
    provided = {uri for _, h in own for uri in h.model_uris}
    loaded_paths = {h.path.resolve() for _, h in own}
    queue: list[tuple[RequiredModel, str]] = [(r, str(h.path)) for _, h in own for r in h.required]
    context: list[ParsedNodeSet] = []
    base_missing = False
    while queue:
        req, required_by = queue.pop(0)
        if req.uri in provided:
            continue
        header = index.find(req)
        if header is None:
            if req.uri == UA_NAMESPACE:
                base_missing = True
                provided.add(req.uri)
                warnings.append(
                    "base model http://opcfoundation.org/UA/ (Opc.Ua.NodeSet2.xml) not found; the base "
                    "nodes this model uses come from Tolka's built-in table (add --models-dir for all of it)"
                )
                continue
            raise MissingModelError(req.uri, required_by=required_by, searched=index.searched)
        provided.update(header.model_uris)
        if header.path.resolve() in loaded_paths:
            continue
        loaded_paths.add(header.path.resolve())
        found = next((m for m in header.models if m.uri == req.uri), None)
        if req.version and found and found.version and version_key(found.version) < version_key(req.version):
            warnings.append(
                f"{required_by} requires {req.uri} version {req.version}; using older {found.version} "
                f"from {header.path}"
            )
        parsed, _ = _read(header.path, options)
        context.append(parsed)
        index.add_folder(header.path.parent)
        queue.extend((r, str(header.path)) for r in header.required)
    return context, base_missing


def _containment(
    entries: dict[str, _Entry], refs: Iterable[tuple[str, str, str]], name_of: _Namer
) -> set[str]:
    """Names of reference types along which nodes are contained (standard ones and their subtypes)."""
    pairs = []
    for s, t, rt in refs:
        if name_of(rt) == "HasSubtype":
            src, dst = entries.get(s), entries.get(t)
            if (
                src
                and dst
                and src.raw.kind is NodeKind.REFERENCE_TYPE
                and dst.raw.kind is NodeKind.REFERENCE_TYPE
            ):
                pairs.append((src.raw.name, dst.raw.name))
    return containment_relations(pairs)


class _Namer:
    """BrowseName of any id: a loaded node, an alias, the standard table, else the id itself."""

    def __init__(self, entries: dict[str, _Entry], alias_names: dict[str, str]) -> None:
        self.entries = entries
        self.alias_names = alias_names
        self.memo: dict[str, str] = {}

    def __call__(self, node_id: str) -> str:
        name = self.memo.get(node_id)
        if name is None:
            entry = self.entries.get(node_id)
            name = (
                entry.raw.name
                if entry is not None and entry.raw.name
                else self.alias_names.get(node_id) or base_name(node_id) or node_id
            )
            self.memo[node_id] = name
        return name


def load_nodesets(paths: Sequence[Path], options: LoadOptions) -> SchemaGraph:
    """Load NodeSet2 files as one model; see the module docstring."""
    warnings: list[str] = []
    own = [_read(p, options) for p in paths]
    context, _ = _resolve_required(own, options, warnings)
    entries, alias_names, refs = _gather(own, context)
    name_of = _Namer(entries, alias_names)
    seeds = _add_referenced(entries, refs, name_of)
    links = _links(entries, refs, name_of)
    paths_by_id = browse_paths(entries, links.children, name_of, seeds)
    units, ranges, enums = _values(entries, links.property_of)

    graph = SchemaGraph(
        own[0][0].model_uri if own else "",
        sources=[str(p) for p in paths],
        namespaces=list(dict.fromkeys(p.model_uri for p, _ in own)),
    )
    graph.warnings.extend(warnings)
    facets = Facets(
        links.type_of, links.modelling, units, ranges, enums, paths_by_id, name_of, options.language
    )
    nodes = []
    for node_id in sorted(entries):
        entry = entries[node_id]
        raw = entry.raw
        nodes.append(
            opcua_node(
                node_id,
                raw.kind,
                raw.name,
                raw.labels,
                raw.descriptions,
                raw.datatype,
                raw.value_rank,
                source=entry.source,
                own=entry.own,
                facets=facets,
            )
        )
    graph.add_nodes(nodes)
    edges = links.edges
    edges.extend(
        (n, entries[n].raw.datatype, DATATYPE_RELATION) for n in sorted(entries) if entries[n].raw.datatype
    )
    graph.add_edges(edges)
    return graph


def _gather(
    own: list[tuple[ParsedNodeSet, NodeSetHeader]], context: list[ParsedNodeSet]
) -> tuple[dict[str, _Entry], dict[str, str], list[tuple[str, str, str]]]:
    """The nodes of the files and their required models by id (the first file to define one wins),
    the alias names, and the references (each once)."""
    entries: dict[str, _Entry] = {}
    alias_names: dict[str, str] = {}
    refs: list[tuple[str, str, str]] = []
    for parsed, is_own in [*((p, True) for p, _ in own), *((p, False) for p in context)]:
        for raw in parsed.nodes:
            entries.setdefault(raw.id, _Entry(raw, is_own, parsed.model_uri))
        refs.extend(parsed.references)
        for node_id, alias in parsed.alias_names.items():
            alias_names.setdefault(node_id, alias)
    refs = list(dict.fromkeys(refs))  # a reference is usually written on both of its nodes
    return entries, alias_names, refs


def _add_referenced(
    entries: dict[str, _Entry], refs: list[tuple[str, str, str]], name_of: _Namer
) -> dict[str, str]:
    """Add a context entry for every node referenced but not loaded (a base node of the standard
    table, else of unknown kind); returns the seeds of the browse paths (the base nodes' paths)."""
    referenced = {x for s, t, _ in refs for x in (s, t)}
    referenced.update(e.raw.datatype for e in list(entries.values()) if e.raw.datatype)
    seeds = {ROOT: ""} if ROOT in entries else {}
    for node_id in sorted(referenced - entries.keys()):
        uri, _ = split_expanded(node_id)
        known = base_node(node_id)
        kind = known.kind if known is not None else NodeKind.UNKNOWN
        entries[node_id] = _Entry(RawNode(node_id, kind, name_of(node_id), 0), False, uri)
        if known is not None and (known.path or node_id == ROOT):
            seeds[node_id] = known.path
    return seeds


def _links(entries: dict[str, _Entry], refs: list[tuple[str, str, str]], name_of: _Namer) -> Links:
    """Read the references (each named after its reference type's BrowseName) into `Links`."""
    relation_of = {rt: name_of(rt) for rt in {rt for _, _, rt in refs}}
    return read_links(refs, relation_of, _containment(entries, refs, name_of), name_of)


def _values(
    entries: dict[str, _Entry], property_of: dict[str, str]
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[float, float]], dict[str, tuple[str, ...]]]:
    """The units, ranges and enumerations of the nodes, from their properties' values (and the
    definitions of data types)."""
    units: dict[str, tuple[str, str]] = {}
    ranges: dict[str, tuple[float, float]] = {}
    enums: dict[str, tuple[str, ...]] = {}
    for node_id, entry in entries.items():
        raw = entry.raw
        parent = property_of.get(node_id) or raw.parent
        if raw.eu is not None and parent:
            units[parent] = (raw.eu.code, raw.eu.label)
        if raw.range is not None and parent and raw.name == "EURange":
            ranges[parent] = raw.range
        if raw.enum and raw.value_kind.startswith("enum") and parent:
            enums[parent] = raw.enum
        elif raw.enum and raw.kind is NodeKind.DATA_TYPE:
            enums.setdefault(node_id, raw.enum)
    return units, ranges, enums
