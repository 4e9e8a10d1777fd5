"""Reading one RDF file safely into an rdflib `Graph`: size-limited, RDF/XML checked for external
entities and JSON-LD for remote contexts before rdflib sees them, and every rdflib failure turned into
a `ParseError` that names the file and, where rdflib says it, the line.

:mod:`adapters.rdf` loads the files of a model (and their ``owl:imports``) with it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.parser import InputSource

from adapters.options import LoadOptions
from adapters.safety import check_xml_safety, parse_json, read_input
from translator.errors import ParseError, UnsafeInputError
from translator.translation.values import short_repr

__all__ = ["RDF_SYNTAX", "WholeLines", "ontology_iris", "parse_rdf"]

RDF_SYNTAX = {"rdfxml": "xml", "turtle": "turtle", "ntriples": "nt", "n3": "n3", "jsonld": "json-ld"}
"""Tolka format name → rdflib parser name."""

_LINE = re.compile(r"line (\d+)")


def parse_rdf(path: Path, fmt: str, options: LoadOptions) -> Graph:
    """The triples of one file in Tolka format ``fmt`` (a key of `RDF_SYNTAX`).

    Raises:
        InputError: the file is missing, a folder or too large.
        UnsafeInputError: RDF/XML with a DTD or entities, JSON-LD naming a remote context.
        ParseError: malformed content (names the file and the line when rdflib gives one).
    """
    data = read_input(path, options.max_bytes)
    if fmt == "rdfxml":
        check_xml_safety(data, str(path))
    elif fmt == "jsonld":
        _check_jsonld_contexts(parse_json(data, str(path), what="jsonld"), str(path))
    graph = Graph()
    try:
        if fmt == "ntriples":
            source = InputSource(path.resolve().as_uri())
            source.setCharacterStream(WholeLines(data))
            graph.parse(source, format=RDF_SYNTAX[fmt])
        else:
            graph.parse(data=data, format=RDF_SYNTAX[fmt], publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types; every one is a parse error here
        why = getattr(exc, "_why", None) or getattr(exc, "why", None)
        text = str(why or exc).strip()
        message = text.splitlines()[0] if text else type(exc).__name__
        line = None
        if m := _LINE.search(str(exc)):
            line = int(m[1])
        elif hasattr(exc, "getLineNumber"):
            line = exc.getLineNumber()
        elif isinstance(lineno := getattr(exc, "lineno", None), int):
            line = lineno
        raise ParseError(f"malformed {fmt}: {message}", source=str(path), line=line) from None
    return graph


class WholeLines(io.TextIOBase):
    """UTF-8 text whose ``read(n)`` returns whole lines: at least ``n`` characters where the text has
    them, up to the end of a line. rdflib's N-Triples parser reads 2,048 characters at a time and
    looks for a line's end from the start of what it holds after every read, so a long line costs
    time quadratic in its length (a literal of 800 kB took 3.7 s, one of 8 MB had not finished after
    90 s); given whole lines it finds each end at once (0.13 s for the 8 MB one). Line ends are read
    as N-Triples has them (CR, LF or CR LF; it allows neither inside a term), and a byte order mark
    that some editors write first is read as none."""

    encoding = "utf-8"

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=None)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            return self._text.read()
        chunk = self._text.read(max(size, 1))
        if chunk and not chunk.endswith("\n"):  # line ends read as "\n" (newline=None)
            chunk += self._text.readline()
        return chunk

    def close(self) -> None:
        self._text.close()
        super().close()


def _check_jsonld_contexts(doc: object, source: str) -> None:
    """Refuse JSON-LD that names a remote context (``"@context": "http://..."``, ``file:`` URLs, or
    ``@import``): rdflib would fetch it, reading a local file or the network."""
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                contexts = value if key == "@context" and isinstance(value, list) else [value]
                if key == "@import" or (key == "@context" and any(isinstance(c, str) for c in contexts)):
                    raise UnsafeInputError(
                        f"remote JSON-LD context {short_repr(value)} refused (only inline contexts are read)",
                        source=source,
                    )
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def ontology_iris(graph: Graph) -> list[str]:
    """The IRIs of the ``owl:Ontology`` resources a graph declares, sorted."""
    return sorted(str(s) for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
