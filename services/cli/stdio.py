"""``-`` for standard input or output, wherever a command reads or writes a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from services.cli.errors import fail
from translator.errors import InputTooLargeError
from translator.files import write_atomic

if TYPE_CHECKING:
    from translator.alignment.model import Alignment
    from translator.instances.series import Stream

__all__ = [
    "STDIO",
    "at_most_one",
    "check_report",
    "is_stdio",
    "read_alignment_at",
    "read_stream_at",
    "where",
    "write_output",
]

STDIN = "<stdin>"

STDIO = "-"


def is_stdio(path: Path | str | None) -> bool:
    """Whether ``path`` means standard input/output: not given, or ``-``."""
    return path is None or str(path) == STDIO


def where(path: Path | None) -> str:
    """How a message names the output: the file, or ``standard output``."""
    return "standard output" if is_stdio(path) else str(path)


def write_output(data: bytes, path: Path | None) -> None:
    """``data`` to ``path`` atomically, or to standard output when it is not given or ``-``."""
    if is_stdio(path):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        assert path is not None
        write_atomic(path, data)


def at_most_one(what: str, **paths: Path | str | None) -> None:
    """Refuse two options that both say ``-`` (one standard input or output to share).

    Raises:
        typer.Exit: naming the options, as ``fail`` does.
    """
    dashes = [name for name, path in paths.items() if path is not None and str(path) == STDIO]
    if len(dashes) > 1:
        raise fail(f"only one of {', '.join(dashes)} can be '-' ({what})")


def check_report(report: Path | None) -> None:
    """Refuse a ``--report`` file that cannot be written, before any work is done (``-`` can)."""
    if report is not None and not is_stdio(report):
        from services.report import check_writable

        check_writable(report)


def _stdin_bytes(max_bytes: int, what: str) -> bytes:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLargeError(source=f"{STDIN} ({what})", size=len(data), limit=max_bytes)
    return data


def read_alignment_at(path: Path, max_bytes: int | None = None) -> Alignment:
    """The alignment file at ``path``, or on standard input for ``-`` (SSSOM TSV or Alignment RDF/XML,
    told apart by content)."""
    from translator.alignment.formats import DEFAULT_MAX_BYTES, parse_alignment, read_alignment

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if str(path) == STDIO:
        return parse_alignment(_stdin_bytes(limit, "the alignment"), STDIN)
    return read_alignment(path, max_bytes=limit)


def read_stream_at(path: Path, time_field: str | None) -> Stream:
    """The JSON Lines recording at ``path``, or on standard input for ``-``."""
    from translator.instances.series import parse_messages, read_stream, stream_from_messages

    if str(path) == STDIO:
        return stream_from_messages(parse_messages(sys.stdin, STDIN), time_field, source=STDIN)
    return read_stream(path, time_field)
