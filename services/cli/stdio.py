"""``-`` for standard input or output, wherever a command reads or writes a file."""

from __future__ import annotations

import sys
from pathlib import Path

from translator.files import write_atomic

__all__ = ["STDIO", "is_stdio", "where", "write_output"]

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
