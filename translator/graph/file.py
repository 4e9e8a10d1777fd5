"""The SchemaGraph JSON file: a loaded model saved and reloaded exactly.

Layout (``format`` and ``version`` identify it; nodes sorted by id, edges sorted)::

    {
      "format": "tolka-schema-graph",
      "version": 1,
      "name": "...", "sources": [...], "namespaces": [...], "warnings": [...],
      "nodes": [{"id": "...", "kind": "variable", "name": "...", ...}, ...],
      "edges": [["<source id>", "<target id>", "<relation>"], ...]
    }

A node object holds ``id``, ``kind`` and ``name`` always, and every other `Node` field only when it
differs from its default; ``labels``/``descriptions`` are lists of ``[locale, text]`` pairs.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from translator.errors import GraphFileError, ParseError
from translator.files import write_atomic
from translator.graph.model import Node, NodeKind, SchemaGraph

__all__ = ["FORMAT", "VERSION", "graph_from_dict", "graph_json", "graph_to_dict", "load_graph", "save_graph"]

FORMAT = "tolka-schema-graph"
VERSION = 1

_FIELDS = {f.name: f for f in dataclasses.fields(Node)}
_DEFAULTS = {name: f.default for name, f in _FIELDS.items() if f.default is not dataclasses.MISSING}
_PAIR_FIELDS = ("labels", "descriptions")
_TUPLE_FIELDS = ("synonyms", "enum_values")


def _node_to_dict(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node.id, "kind": node.kind.value, "name": node.name}
    for name, default in _DEFAULTS.items():
        value = getattr(node, name)
        if value != default:
            out[name] = [list(p) for p in value] if name in _PAIR_FIELDS else value
    return out


def _node_from_dict(raw: Any, where: str) -> Node:
    if not isinstance(raw, dict):
        raise GraphFileError(f"{where}: a node must be an object", source=where)
    unknown = set(raw) - set(_FIELDS)
    if unknown:
        raise GraphFileError(f"{where}: unknown node fields {sorted(unknown)}", source=where)
    try:
        values = dict(raw)
        values["kind"] = NodeKind(raw["kind"])
        for name in _PAIR_FIELDS:
            if name in values:
                values[name] = tuple((str(loc), str(text)) for loc, text in values[name])
        for name in _TUPLE_FIELDS:
            if name in values:
                values[name] = tuple(str(v) for v in values[name])
        return Node(**values)
    except (KeyError, ValueError, TypeError) as exc:
        raise GraphFileError(f"{where}: bad node {raw.get('id', '?')!r}: {exc}", source=where) from None


def graph_to_dict(graph: SchemaGraph) -> dict[str, Any]:
    """The JSON-ready dictionary of a graph (sorted, so equal graphs give equal dictionaries)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": graph.name,
        "sources": list(graph.sources),
        "namespaces": list(graph.namespaces),
        "warnings": list(graph.warnings),
        "nodes": [_node_to_dict(n) for n in sorted(graph.nodes(), key=lambda n: n.id)],
        "edges": sorted([list(e) for e in graph.edges()]),
    }


def graph_from_dict(data: Any, *, source: str = "<graph>") -> SchemaGraph:
    """Rebuild a graph from :func:`graph_to_dict` output; refuses anything else with GraphFileError."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GraphFileError(f'not a Tolka graph file (expected "format": "{FORMAT}")', source=source)
    if data.get("version") != VERSION:
        raise GraphFileError(
            f"graph file version {data.get('version')!r} is not supported (this Tolka reads {VERSION})",
            source=source,
        )
    graph = SchemaGraph(
        str(data.get("name", "")),
        sources=data.get("sources", []),
        namespaces=data.get("namespaces", []),
    )
    graph.warnings.extend(data.get("warnings", []))
    for i, raw in enumerate(data.get("nodes", [])):
        graph.add_node(_node_from_dict(raw, f"{source}#/nodes/{i}"))
    for i, edge in enumerate(data.get("edges", [])):
        if not (isinstance(edge, list) and len(edge) == 3 and all(isinstance(v, str) for v in edge)):
            raise GraphFileError(f"edge {i} must be [source, target, relation]", source=source)
        try:
            graph.add_edge(*edge)
        except Exception as exc:
            raise GraphFileError(f"edge {i}: {exc}", source=source) from None
    return graph


def graph_json(graph: SchemaGraph) -> bytes:
    """The bytes of a graph file (UTF-8 JSON, one space indent)."""
    return (json.dumps(graph_to_dict(graph), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def save_graph(graph: SchemaGraph, path: Path) -> None:
    """Write a graph file atomically: a crash never leaves a half-written file at ``path``."""
    write_atomic(path, graph_json(graph))


def load_graph(path: Path) -> SchemaGraph:
    """Read a graph file written by :func:`save_graph`."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    return graph_from_dict(data, source=str(path))
