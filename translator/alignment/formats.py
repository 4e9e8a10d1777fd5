"""Reading and writing an `Alignment` file in either format, chosen by suffix or content.

=================  ==========================  =========================================
format             read from                   written to
=================  ==========================  =========================================
``sssom``          ``.tsv`` (``.sssom.tsv``)   any other suffix
``rdf``            ``.rdf`` ``.xml``           ``.rdf`` ``.xml``
=================  ==========================  =========================================

Any other suffix is read by content: a document starting with ``<`` is Alignment API RDF/XML,
anything else SSSOM TSV. Writing is atomic: a temporary file beside the target, then
``os.replace``, so a failed write leaves an existing file as it was.

Example:
    >>> import tempfile, pathlib
    >>> from translator.alignment.model import Correspondence
    >>> a = Alignment("urn:a", "urn:b", [Correspondence("urn:a#x", "urn:b#y")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.rdf"
    >>> write_alignment(a, path)
    >>> read_alignment(path).correspondences == a.correspondences
    True
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from translator.alignment.model import Alignment
from translator.alignment.rdf import format_alignment_rdf, parse_alignment_rdf
from translator.alignment.sssom_read import parse_sssom
from translator.alignment.sssom_write import format_sssom
from translator.errors import ParseError, UnknownFormatError
from translator.files import write_atomic
from translator.inputs import read_input

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "alignment_format",
    "format_alignment",
    "parse_alignment",
    "read_alignment",
    "write_alignment",
]

FORMATS = ("sssom", "rdf")
"""The alignment formats, by name."""
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Alignment files larger than this are refused unless the caller raises the limit."""

_RDF_SUFFIXES = (".rdf", ".xml")


def alignment_format(path: Path, data: bytes | None = None, format: str | None = None) -> str:
    """The format of ``path``: ``format`` when given, else by suffix, else by content (``data``).

    Raises:
        UnknownFormatError: ``format`` is not one of :data:`FORMATS`.
    """
    if format is not None:
        if format not in FORMATS:
            raise UnknownFormatError(
                f"unknown alignment format {format!r}; known formats: {', '.join(FORMATS)}",
                source=str(path),
                known=FORMATS,
            )
        return format
    suffix = path.suffix.lower()
    if suffix in _RDF_SUFFIXES:
        return "rdf"
    if suffix == ".tsv" or data is None:
        return "sssom"
    head = data.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
    return "rdf" if head == b"<" else "sssom"


def read_alignment(
    path: str | os.PathLike[str], *, format: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Alignment:
    """Read an alignment file (SSSOM TSV or Alignment API RDF/XML).

    Args:
        path: the file.
        format: ``sssom`` or ``rdf`` to skip detection.
        max_bytes: refuse larger files.

    Raises:
        InputError: missing file, a folder, or a file over ``max_bytes``.
        ParseError: malformed content, naming the file and line.
        UnsafeInputError: XML external entities or entity bombs.
        UnknownFormatError: an unknown ``format`` name.
    """
    path = Path(path)
    return parse_alignment(read_input(path, max_bytes, what="alignment file"), str(path), format=format)


def parse_alignment(data: bytes, source: str, *, format: str | None = None) -> Alignment:
    """An alignment from its bytes (SSSOM TSV or Alignment RDF/XML, told apart by ``source``'s suffix
    or the content); see `read_alignment`."""
    if alignment_format(Path(source), data, format) == "rdf":
        return parse_alignment_rdf(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError("not UTF-8 text", source=source, line=line) from None
    return parse_sssom(text, source)


def write_alignment(
    alignment: Alignment,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    rejected: str | None = None,
) -> None:
    """Write ``alignment`` atomically: RDF/XML for ``.rdf``/``.xml`` (or ``format="rdf"``), else SSSOM
    TSV; ``rejected`` as in `format_alignment`."""
    path = Path(path)
    write_atomic(path, format_alignment(alignment, path, format=format, rejected=rejected))


def format_alignment(
    alignment: Alignment, path: Path | None = None, *, format: str | None = None, rejected: str | None = None
) -> bytes:
    """The bytes `write_alignment` writes: RDF/XML when ``path`` or ``format`` says so, else SSSOM TSV.

    ``rejected`` (``keep`` or ``omit``) says what becomes of rejected correspondences; by default SSSOM
    keeps them as negated mappings and RDF/XML, which cannot say "not", leaves them out.
    """
    if alignment_format(path or Path("alignment.sssom.tsv"), None, format) == "rdf":
        return format_alignment_rdf(alignment, rejected=rejected or "omit")
    return format_sssom(alignment, rejected=rejected or "keep").encode("utf-8")
