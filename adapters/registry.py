"""Which adapter reads which file: a lazy registry keyed by format name, a suffix table, and sniffing.

Formats (``--format`` names):

=============  =====================================================  ==========================
name           what                                                   picked for
=============  =====================================================  ==========================
``nodeset``    OPC UA NodeSet2 XML                                    ``.xml`` with <UANodeSet>
``rdfxml``     RDF/XML, OWL in RDF/XML                                ``.rdf .owl``, ``.xml`` with <rdf:RDF>
``turtle``     Turtle (also ``.owl`` files written in Turtle)         ``.ttl``
``ntriples``   N-Triples                                              ``.nt``
``n3``         Notation3                                              ``.n3``
``jsonld``     JSON-LD                                                ``.jsonld``, JSON with @context
``jsonschema`` JSON Schema (draft-07, 2019-09, 2020-12)               JSON with $schema / schema keywords
``samples``    sample messages: JSON, JSON Lines, SenML               ``.jsonl .ndjson .senml``, other JSON
``graph``      a SchemaGraph saved by ``tolka inspect --save``        JSON with "format": "tolka-schema-graph"
=============  =====================================================  ==========================

An adapter module is imported only when a file needs it (rdflib is not imported to read a nodeset).

``load`` also takes the URL of a live OPC UA server (``opc.tcp://host:port[/path]``) in place of
files: the live adapter (:mod:`adapters.opcua.live`, async) browses it; asyncua is imported only then.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from adapters.gcpause import gc_paused
from adapters.opcua.endpoint import EndpointError, LiveOptions, is_endpoint
from adapters.opcua.security import ClientSecurity
from adapters.options import LoadOptions, SourceFile
from translator.errors import InputError, UnknownFormatError
from translator.graph.model import SchemaGraph

__all__ = [
    "FORMATS",
    "Adapter",
    "FormatSpec",
    "SourceFile",
    "detect_format",
    "get_adapter",
    "load",
    "load_paths",
    "message_format",
]


class Adapter(Protocol):
    """What every file adapter provides."""

    name: str

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Load the files (all of formats this adapter reads) as one model."""
        ...


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """A format name and where its adapter lives (``module:attribute``, imported lazily)."""

    name: str
    adapter: str
    description: str


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("nodeset", "adapters.opcua.nodeset:NodeSetAdapter", "OPC UA NodeSet2 XML"),
        FormatSpec("rdfxml", "adapters.rdf:RdfAdapter", "RDF/XML (OWL)"),
        FormatSpec("turtle", "adapters.rdf:RdfAdapter", "Turtle"),
        FormatSpec("ntriples", "adapters.rdf:RdfAdapter", "N-Triples"),
        FormatSpec("n3", "adapters.rdf:RdfAdapter", "Notation3"),
        FormatSpec("jsonld", "adapters.rdf:RdfAdapter", "JSON-LD"),
        FormatSpec("jsonschema", "adapters.jsonschema:JsonSchemaAdapter", "JSON Schema"),
        FormatSpec("samples", "adapters.samples:SamplesAdapter", "sample JSON / JSON Lines / SenML messages"),
        FormatSpec("graph", "adapters.graphfile:GraphFileAdapter", "saved Tolka SchemaGraph JSON"),
    )
}

_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".n3": "n3",
    ".rdf": "rdfxml",
    ".jsonld": "jsonld",
    ".jsonl": "samples",
    ".ndjson": "samples",
    ".senml": "samples",
}
_SNIFFED = {".xml", ".owl", ".json", ""}
_HEAD = 64 * 1024
_SCHEMA_KEYS = {"$schema", "definitions", "$defs", "properties", "allOf", "oneOf", "anyOf", "items", "$ref"}
_TURTLE = re.compile(rb"^\s*(@prefix|@base|PREFIX|BASE)\b", re.M | re.I)


def _known() -> str:
    return ", ".join(FORMATS)


def get_adapter(name: str) -> Adapter:
    """The adapter of a format name; an unknown name lists the known ones."""
    spec = FORMATS.get(name)
    if spec is None:
        raise UnknownFormatError(f"unknown format {name!r}; known formats: {_known()}", known=tuple(FORMATS))
    module_name, _, attr = spec.adapter.partition(":")
    adapter: Adapter = getattr(importlib.import_module(module_name), attr)()
    return adapter


def _sniff_json(text: str) -> str | None:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return "samples"  # JSON Lines, or malformed JSON: the samples adapter reports where
    if isinstance(doc, dict):
        if doc.get("format") == "tolka-schema-graph":
            return "graph"
        if "@context" in doc or "@graph" in doc:
            return "jsonld"
        if (
            "$schema" in doc
            or ("type" in doc and _SCHEMA_KEYS & doc.keys())
            or {"definitions", "$defs"} & doc.keys()
        ):
            return "jsonschema"
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "@context" in doc[0]:
        return "jsonld"
    return "samples"


def detect_format(path: Path, head: bytes | None = None) -> str:
    """The format name of a file, by suffix and, where the suffix is ambiguous, by content."""
    suffix = path.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix not in _SNIFFED:
        raise UnknownFormatError(
            f"{path}: no adapter for files ending in {suffix!r}; known formats: {_known()} "
            "(choose one with --format)",
            source=str(path),
            known=tuple(FORMATS),
        )
    if head is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEAD)
        except FileNotFoundError:
            raise InputError("file not found", source=str(path)) from None
        except IsADirectoryError:
            raise InputError("is a folder; expected a model file", source=str(path)) from None
    if b"<UANodeSet" in head:
        return "nodeset"
    if b"<rdf:RDF" in head or (
        b"http://www.w3.org/1999/02/22-rdf-syntax-ns#" in head and head.lstrip().startswith(b"<")
    ):
        return "rdfxml"
    if _TURTLE.search(head):
        return "turtle"
    if suffix in (".json", ""):
        found = _sniff_json(head.decode("utf-8", errors="replace")) if len(head) < _HEAD else None
        if found is None and len(head) >= _HEAD:
            found = _sniff_json(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found
    raise UnknownFormatError(
        f"{path}: cannot tell the format from its content; known formats: {_known()} "
        "(choose one with --format)",
        source=str(path),
        known=tuple(FORMATS),
    )


def load_paths(
    paths: Sequence[Path], options: LoadOptions | None = None, *, format: str | None = None
) -> SchemaGraph:
    """Load files as one model: each group of files of one adapter together, then merged.

    Args:
        paths: the files (for instance the modules of one ontology, or a nodeset and a companion).
        options: load options (``--models-dir``, size limit, language).
        format: force a format name for every file instead of detecting it.
    """
    if not paths:
        raise InputError("no files given")
    options = options or LoadOptions()
    groups: dict[str, list[SourceFile]] = {}
    for path in paths:
        name = format or detect_format(path)
        if name not in FORMATS:
            get_adapter(name)  # raises UnknownFormatError listing the known formats
        groups.setdefault(FORMATS[name].adapter, []).append(SourceFile(path, name))
    graph: SchemaGraph | None = None
    for files in groups.values():
        adapter = get_adapter(files[0].format)
        with gc_paused():
            loaded = adapter.load(files, options)
        if graph is None:
            graph = loaded
        else:
            graph.update(loaded)
    assert graph is not None
    return graph


def load(
    source: str | Path | Sequence[str | Path], format: str | None = None, **options: object
) -> SchemaGraph:
    """Load a model from one file, several files (one model) or a live OPC UA server's URL.

    Keyword options as in `LoadOptions`; a live server takes ``language`` and ``security`` (a
    `ClientSecurity`: default its most secure endpoint, anonymously, with the PKI in tolka-data/pki).

    Example:
        >>> from adapters import load
        >>> graph = load("ontologies/plant.ttl")  # doctest: +SKIP
        >>> live = load("opc.tcp://127.0.0.1:4840", security=ClientSecurity(policy="None"))  # doctest: +SKIP
    """
    sources = [source] if isinstance(source, str | Path) else list(source)
    security = options.pop("security", None) or ClientSecurity()
    if not isinstance(security, ClientSecurity):
        raise TypeError("security: expected a ClientSecurity")
    opts = LoadOptions(**options)  # type: ignore[arg-type]
    urls = [s for s in sources if is_endpoint(s)]
    if urls:
        if len(sources) > 1:
            raise EndpointError(str(urls[0]), "a live server is a model of its own: give its URL alone")
        from adapters.opcua.live import load_endpoint

        return load_endpoint(str(urls[0]), LiveOptions(language=opts.language, security=security)).graph
    return load_paths([Path(s) for s in sources], opts, format=format)


MESSAGE_FORMAT_KEYWORD = "x-message-format"
"""The JSON Schema annotation by which a schema names the message format it describes."""


def message_format(
    model: str | Path | Sequence[str | Path], options: LoadOptions | None = None, *, kind: str | None = None
) -> str:
    """The message format a model's own messages come in, as a translator's side names it:

    * OPC UA (a NodeSet2 file, a live server ``opc.tcp://``): ``opcua-pubsub-json``;
    * sample messages: ``senml`` for SenML packs, ``opcua-pubsub-json`` for PubSub JSON network
      messages, ``json`` for plain JSON (the first message decides);
    * a JSON Schema: ``json``, unless its root says otherwise with the annotation
      ``"x-message-format"`` (a schema of the fields of a PubSub DataSet says ``opcua-pubsub-json``);
    * models that describe no messages (ontologies, saved graphs): ``json``.

    ``kind`` is the model's format when it is known already (a stored upload); otherwise it is
    detected as `load` detects it.

    Raises:
        TolkaError: a file that cannot be read (as `load` would report it).
    """
    sources = [model] if isinstance(model, str | Path) else list(model)
    first = sources[0] if sources else None
    if kind in ("nodeset", "opcua-live") or (first is not None and is_endpoint(first)):
        return "opcua-pubsub-json"
    if first is None:
        return "json"
    path = Path(first)
    kind = kind or detect_format(path)
    if kind == "nodeset":
        return "opcua-pubsub-json"
    if kind == "samples":
        from adapters.samples import message_kind

        return message_kind(path, options or LoadOptions())
    if kind == "jsonschema":
        from adapters.safety import parse_json, read_input
        from translator.translation.spec import FORMATS as MESSAGE_FORMATS

        document = parse_json(read_input(path, (options or LoadOptions()).max_bytes), str(path))
        stated = document.get(MESSAGE_FORMAT_KEYWORD) if isinstance(document, dict) else None
        return stated if stated in MESSAGE_FORMATS else "json"
    return "json"
