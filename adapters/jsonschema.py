"""The JSON Schema adapter (draft-07, 2019-09 and 2020-12) into a SchemaGraph.

Every schema object reached from the root through ``properties``, ``items``/``prefixItems``,
``additionalProperties``, ``definitions``/``$defs`` and the combinators ``allOf``/``anyOf``/``oneOf``
is a node whose id is ``<$id or file name>#<JSON Pointer to it>`` (RFC 6901 escaping; a trailing
``#`` of ``$id`` dropped). Combinators and array ``items`` are transparent: the properties they
declare become children of the object or array that holds them. Edges: ``child`` (object →
property), ``ref`` (a ``$ref`` to a local definition) and ``extends`` (``allOf`` with a ``$ref``, as
subclassing). A node's ``path`` is where its value sits in a message (``/pump/speed``; ``*`` stands
for every array index); inside definitions it starts at the definition (``/Submodel/idShort``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.options import LoadOptions, SourceFile
from adapters.safety import parse_json, read_input
from adapters.texts import escape_segment
from translator.errors import ModelContentError
from translator.graph.model import Node, NodeKind, SchemaGraph

__all__ = ["JsonSchemaAdapter", "load_json_document", "load_jsonschema", "schema_graph"]

UNIT_KEYWORDS = ("unit", "x-unit", "units", "x-units", "unitCode", "x-unece")
_COMBINATORS = ("allOf", "anyOf", "oneOf")
_DEFINITIONS = ("definitions", "$defs")
_MAX_DEPTH = 64


class JsonSchemaAdapter:
    """Loads JSON Schema documents; each file is one schema, several files merge into one model."""

    name = "jsonschema"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Load the schemas as one model."""
        return load_jsonschema([f.path for f in files], options)


def load_json_document(path: Path, options: LoadOptions) -> Any:
    """Read and parse one JSON file, refusing oversized files; bad JSON names file and line."""
    return parse_json(read_input(path, options.max_bytes), str(path))


def _pointer(parts: Sequence[str]) -> str:
    return "".join("/" + escape_segment(p) for p in parts)


def _resolve_pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for raw in pointer.split("/")[1:] if pointer else ():
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise KeyError(pointer)
    return node


def _is_object(schema: Any) -> bool:
    """An object schema, directly or through a combinator (``allOf`` of objects)."""
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in schema:
        return True
    return any(c in schema and kind is None for c in _COMBINATORS)


def _datatype(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "|".join(str(k) for k in kind if k != "null")
    if kind is None and "enum" in schema:
        values = schema["enum"]
        kind = "string" if all(isinstance(v, str) for v in values) else ""
    if kind == "array" and isinstance(schema.get("items"), dict):
        inner = _datatype(schema["items"])
        kind = f"array<{inner}>" if inner else "array"
    text = str(kind or "")
    if schema.get("format"):
        text = f"{text}({schema['format']})"
    return text


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class _Walker:
    doc: dict[str, Any]
    base: str
    source: str
    graph: SchemaGraph
    warnings: list[str] = field(default_factory=list)
    refs: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(from id, $ref text, relation, pointer of the $ref) — resolved after the walk."""

    def node_id(self, parts: Sequence[str]) -> str:
        return f"{self.base}#{_pointer(parts)}"

    def add(self, parts: Sequence[str], schema: dict[str, Any], kind: NodeKind, name: str, path: str) -> str:
        node_id = self.node_id(parts)
        title = schema.get("title")
        description = schema.get("description")
        unit = next((str(schema[k]) for k in UNIT_KEYWORDS if k in schema), "")
        enum = schema.get("enum")
        if enum is None and "const" in schema:
            enum = [schema["const"]]
        minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
        maximum = schema.get("maximum", schema.get("exclusiveMaximum"))
        self.graph.add_node(
            Node(
                id=node_id,
                kind=kind,
                name=name,
                label=title if isinstance(title, str) else name,
                description=description if isinstance(description, str) else "",
                datatype=_datatype(schema),
                unit=unit,
                path=path,
                source=self.source,
                labels=(("", title),) if isinstance(title, str) else (),
                descriptions=(("", description),) if isinstance(description, str) else (),
                unit_label=unit,
                value_rank=1 if schema.get("type") == "array" else None,
                enum_values=tuple(_text(v) for v in enum) if isinstance(enum, list) else (),
                minimum=float(minimum)
                if isinstance(minimum, int | float) and not isinstance(minimum, bool)
                else None,
                maximum=float(maximum)
                if isinstance(maximum, int | float) and not isinstance(maximum, bool)
                else None,
            )
        )
        return node_id

    def members(
        self, owner: str, parts: list[str], schema: Any, path: str, depth: int, *, is_def: bool
    ) -> None:
        """Children of ``owner`` declared by ``schema`` (its properties, items, combinators)."""
        if not isinstance(schema, dict):
            return
        if depth > _MAX_DEPTH:
            raise ModelContentError(
                f"schema nested deeper than {_MAX_DEPTH} levels at {_pointer(parts)}", source=self.source
            )
        if "$ref" in schema:
            self.refs.append((owner, str(schema["$ref"]), "extends" if is_def else "ref", _pointer(parts)))
        props = schema.get("properties")
        if isinstance(props, dict):
            for key in props:
                self.property(
                    owner,
                    [*parts, "properties", key],
                    props[key],
                    key,
                    f"{path}/{escape_segment(key)}",
                    depth,
                )
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            self.property(owner, [*parts, "additionalProperties"], extra, "*", f"{path}/*", depth)
        items = schema.get("items")
        if isinstance(items, dict):
            self.members(owner, [*parts, "items"], items, f"{path}/*", depth + 1, is_def=False)
        for tuple_key in ("prefixItems", "items"):
            listed = schema.get(tuple_key)
            if isinstance(listed, list):
                for i, item in enumerate(listed):
                    self.property(owner, [*parts, tuple_key, str(i)], item, str(i), f"{path}/{i}", depth)
        for combinator in _COMBINATORS:
            options = schema.get(combinator)
            if isinstance(options, list):
                for i, option in enumerate(options):
                    self.members(owner, [*parts, combinator, str(i)], option, path, depth + 1, is_def=is_def)

    def property(self, parent: str, parts: list[str], schema: Any, name: str, path: str, depth: int) -> None:
        if not isinstance(schema, dict):
            return
        kind = NodeKind.OBJECT if _is_object(schema) or self.refers_to_object(schema) else NodeKind.FIELD
        node_id = self.add(parts, schema, kind, name, path)
        self.graph.add_edge(parent, node_id, "child")
        self.members(node_id, parts, schema, path, depth + 1, is_def=False)

    def refers_to_object(self, schema: dict[str, Any]) -> bool:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return False
        try:
            return _is_object(_resolve_pointer(self.doc, ref[1:]))
        except KeyError:
            return False

    def walk(self) -> None:
        root_name = self.doc.get("title") if isinstance(self.doc.get("title"), str) else self.source
        root = self.add([], self.doc, NodeKind.OBJECT, str(root_name), "")
        for key in _DEFINITIONS:
            defs = self.doc.get(key)
            if isinstance(defs, dict):
                for name, schema in defs.items():
                    if not isinstance(schema, dict):
                        continue
                    kind = NodeKind.OBJECT_TYPE if _is_object(schema) else NodeKind.DATA_TYPE
                    def_id = self.add([key, name], schema, kind, name, "/" + escape_segment(name))
                    self.members(def_id, [key, name], schema, "/" + escape_segment(name), 1, is_def=True)
        self.members(root, [], self.doc, "", 0, is_def=False)
        for owner, ref, relation, where in self.refs:
            if not ref.startswith("#"):
                self.warnings.append(
                    f"{self.source}{where}: remote $ref {ref!r} not followed (local refs only)"
                )
                continue
            pointer = ref[1:]
            try:
                _resolve_pointer(self.doc, pointer)
            except KeyError:
                raise ModelContentError(
                    f"$ref {ref!r} at {where or '/'} points to nothing", source=self.source
                ) from None
            target = f"{self.base}#{pointer}"
            if target in self.graph and target != owner:
                self.graph.add_edge(owner, target, relation)


def schema_graph(doc: Any, *, base: str, graph: SchemaGraph | None = None) -> SchemaGraph:
    """Build (or extend) a graph from a parsed JSON Schema document whose ids start with ``base``."""
    if not isinstance(doc, dict):
        raise ModelContentError("a JSON Schema must be a JSON object", source=base)
    graph = graph if graph is not None else SchemaGraph(base, namespaces=[base])
    walker = _Walker(doc, base, base, graph)
    walker.walk()
    graph.warnings.extend(walker.warnings)
    return graph


def load_jsonschema(paths: Sequence[Path], options: LoadOptions) -> SchemaGraph:
    """Load JSON Schema files as one model."""
    graph: SchemaGraph | None = None
    for path in paths:
        doc = load_json_document(path, options)
        schema_id = doc.get("$id") if isinstance(doc, dict) else None
        base = schema_id.rstrip("#") if isinstance(schema_id, str) and schema_id.strip("#") else None
        base = base or options.source_name or path.name
        if graph is None:
            graph = SchemaGraph(base, sources=[str(path)], namespaces=[base])
        else:
            graph.sources.append(str(path))
            graph.namespaces.append(base)
        try:
            schema_graph(doc, base=base, graph=graph)
        except ModelContentError as exc:
            raise ModelContentError(exc.reason, source=str(path), line=exc.line) from None
    assert graph is not None
    return graph
