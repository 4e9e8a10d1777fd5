"""The sample-message adapter: a schema graph inferred from example messages.

Reads one or more files of messages — a JSON document (one message, or an array of messages),
JSON Lines (one message per line), SenML packs (RFC 8428, JSON), OPC UA PubSub JSON network
messages (OPC 10000-14, ``"MessageType": "ua-data"``) — and infers their fields: JSON Pointer path,
datatype, the enumeration of values seen (for strings, booleans and integers with few values),
the value range, and for SenML the unit. Field ids are ``<source name>#<JSON Pointer>`` where the
source name is the file name (or ``--source-name``); SenML records are addressed by their resolved
name (``bn`` + ``n``), OPC UA PubSub fields by their Payload field name; ``*`` in a path stands for
every index of an array.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.jsonschema import load_json_document
from adapters.options import LoadOptions, SourceFile
from adapters.safety import parse_json, read_input
from adapters.texts import escape_segment
from translator.errors import ModelContentError, ParseError
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.translation.units import SENML_UNITS

__all__ = ["SENML_UNITS", "SamplesAdapter", "infer_graph", "iter_messages", "message_kind", "senml_records"]

MAX_ENUM = 16
"""A field with at most this many distinct values (strings, booleans, integers) lists them."""


_SENML_KEYS = {"bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class SamplesAdapter:
    """Infers a schema graph from sample messages (JSON, JSON Lines, SenML, OPC UA PubSub JSON)."""

    name = "samples"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Infer one graph from the messages of all files."""
        source = options.source_name or files[0].path.name
        messages: list[Any] = []
        for f in files:
            messages.extend(iter_messages(f.path, options))
        if not messages:
            raise ModelContentError("no messages found", source=str(files[0].path))
        graph = infer_graph(messages, source)
        graph.sources = [str(f.path) for f in files]
        return graph


def iter_messages(path: Path, options: LoadOptions) -> Iterator[Any]:
    """The messages of a file: a JSON document, or JSON Lines when the suffix or content says so."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _json_lines(path, options)
        return
    try:
        doc = load_json_document(path, options)
    except ParseError as first:
        try:
            yield from _json_lines(path, options)  # several JSON values, one per line
        except ParseError:
            raise first from None
        return
    if isinstance(doc, list) and not _is_senml(doc):
        yield from doc
    else:
        yield doc


def message_kind(path: Path, options: LoadOptions) -> str:
    """``senml``, ``opcua-pubsub-json`` or ``json``: what the file's first message is."""
    for message in iter_messages(path, options):
        if _is_senml(message):
            return "senml"
        if isinstance(message, dict) and message.get("MessageType") == "ua-data":
            return "opcua-pubsub-json"
        return "json"
    return "json"


def _json_lines(path: Path, options: LoadOptions) -> Iterator[Any]:
    for number, line in enumerate(read_input(path, options.max_bytes).splitlines(), start=1):
        if line.strip():
            yield parse_json(line, str(path), what="JSON line", line=number)


def _is_senml(doc: Any) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(r, dict) and r.keys() <= _SENML_KEYS for r in doc)
        and any("n" in r or "bn" in r for r in doc)
    )


def senml_records(pack: list[dict[str, Any]]) -> Iterator[tuple[str, str, Any, float | None]]:
    """Resolved SenML records: (name, unit, value, time) with base name, unit, value and time applied."""
    base_name, base_unit, base_time, base_value, base_sum = "", "", 0.0, 0.0, 0.0
    for record in pack:
        base_name = str(record.get("bn", base_name))
        base_unit = str(record.get("bu", base_unit))
        base_time = float(record.get("bt", base_time))
        base_value = float(record.get("bv", base_value))
        base_sum = float(record.get("bs", base_sum))
        name = base_name + str(record.get("n", ""))
        if not name:
            continue
        unit = str(record.get("u", base_unit))
        if "v" in record:
            value: Any = base_value + float(record["v"])
        elif "vs" in record:
            value = record["vs"]
        elif "vb" in record:
            value = bool(record["vb"])
        elif "vd" in record:
            value = record["vd"]
        elif "s" in record:
            value = base_sum + float(record["s"])
        else:
            value = None
        time = base_time + float(record["t"]) if "t" in record else (base_time or None)
        yield name, unit, value, time


@dataclass(slots=True)
class _Field:
    name: str
    parent: str
    types: set[str] = field(default_factory=set)
    values: dict[str, None] = field(default_factory=dict)
    many_values: bool = False
    low: float = math.inf
    high: float = -math.inf
    unit: str = ""
    times: bool = True
    container: bool = False

    def see(self, value: Any) -> None:
        if isinstance(value, bool):
            self.types.add("boolean")
        elif isinstance(value, int):
            self.types.add("integer")
        elif isinstance(value, float):
            self.types.add("number")
        elif isinstance(value, str):
            self.types.add("string")
            self.times = self.times and bool(_ISO_TIME.match(value))
        elif value is None:
            return
        else:
            self.types.add("object" if isinstance(value, dict) else "array")
            self.container = True
            return
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            self.low = min(self.low, float(value))
            self.high = max(self.high, float(value))
        if not isinstance(value, float) and not self.many_values:
            self.values[json.dumps(value) if not isinstance(value, str) else value] = None
            if len(self.values) > MAX_ENUM:
                self.many_values = True
                self.values.clear()

    def datatype(self) -> str:
        types = self.types - {"object", "array"} if self.container else self.types
        if types == {"integer", "number"}:
            return "number"
        text = "|".join(sorted(types))
        return "string(date-time)" if text == "string" and self.times else text


class _Inference:
    def __init__(self) -> None:
        self.fields: dict[str, _Field] = {}

    def field_at(self, path: str, name: str, parent: str) -> _Field:
        found = self.fields.get(path)
        if found is None:
            found = self.fields[path] = _Field(name, parent)
        return found

    def walk(self, value: Any, path: str, depth: int = 0) -> None:
        if depth > 64:
            raise ModelContentError(f"message nested deeper than 64 levels at {path}")
        if isinstance(value, dict):
            for key, inner in value.items():
                child = f"{path}/{escape_segment(str(key))}"
                self.field_at(child, str(key), path).see(inner)
                self.walk(inner, child, depth + 1)
        elif isinstance(value, list):
            for inner in value:
                child = f"{path}/*"
                self.field_at(child, "*", path).see(inner)
                self.walk(inner, child, depth + 1)

    def message(self, message: Any) -> None:
        if _is_senml(message):
            for name, unit, value, _ in senml_records(message):
                short = re.split(r"[:/]", name.rstrip(":/"))[-1] or name
                f = self.field_at("/" + escape_segment(name), short, "")
                f.see(value)
                f.unit = f.unit or unit
        elif isinstance(message, dict) and message.get("MessageType") == "ua-data":
            for dataset in message.get("Messages") or []:
                payload = dataset.get("Payload") if isinstance(dataset, dict) else None
                for key, inner in (payload or {}).items():
                    value = inner.get("Value") if isinstance(inner, dict) and "Value" in inner else inner
                    if isinstance(value, dict) and "Body" in value:  # a Variant {Type, Body}
                        value = value["Body"]
                    self.field_at("/" + escape_segment(str(key)), str(key), "").see(value)
        else:
            self.walk(message, "")


def infer_graph(messages: Sequence[Any], source: str) -> SchemaGraph:
    """Infer a schema graph from parsed messages (see the module docstring)."""
    inference = _Inference()
    for message in messages:
        inference.message(message)
    graph = SchemaGraph(source, namespaces=[source])
    root = f"{source}#"
    graph.add_node(Node(id=root, kind=NodeKind.OBJECT, name=source, label=source, source=source))
    for path in sorted(inference.fields):
        f = inference.fields[path]
        unit = SENML_UNITS.get(f.unit, f.unit)
        graph.add_node(
            Node(
                id=f"{source}#{path}",
                kind=NodeKind.OBJECT
                if f.container and not (f.types - {"object", "array"})
                else NodeKind.FIELD,
                name=f.name,
                label=f.name,
                datatype=f.datatype(),
                unit=unit,
                path=path,
                source=source,
                unit_label=f.unit,
                value_rank=1 if "array" in f.types else None,
                enum_values=tuple(f.values)
                if f.values and not f.many_values and "number" not in f.types
                else (),
                minimum=f.low if math.isfinite(f.low) else None,
                maximum=f.high if math.isfinite(f.high) else None,
            )
        )
    for path in sorted(inference.fields):
        graph.add_edge(f"{source}#{inference.fields[path].parent}", f"{source}#{path}", "child")
    return graph
