"""Reading an input file whole, with a size limit, and clear errors for what is not there; parsing
JSON input with every failure (bad syntax, bad UTF-8, nesting too deep, a number too long) a
ParseError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from translator.errors import InputError, InputTooLargeError, ParseError

__all__ = ["parse_json", "read_input"]


def read_input(path: Path, max_bytes: int, *, what: str = "model file") -> bytes:
    """Read a whole file, refusing missing files, folders and files over ``max_bytes``.

    Args:
        path: the file.
        max_bytes: the limit; a file over it raises InputTooLargeError and is not read.
        what: what the file should be, for the message when a folder is given.
    """
    source = str(path)
    try:
        if path.is_dir():
            raise InputError(f"is a folder; expected a {what}", source=source)
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(source=source, size=size, limit=max_bytes)
        with path.open("rb") as fh:
            data = fh.read(size + 1)  # a file still growing past its stat()ed size is caught below
            if size < len(data) <= max_bytes:
                data += fh.read(max_bytes + 1 - len(data))
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except PermissionError:
        raise InputError("permission denied", source=source) from None
    if len(data) > max_bytes:
        raise InputTooLargeError(source=source, size=len(data), limit=max_bytes)
    return data


def parse_json(data: bytes | str, source: str, *, what: str = "JSON", line: int | None = None) -> Any:
    """Parse one JSON document; malformed, non-UTF-8, too deeply nested or over-long-number input
    raises ParseError naming ``source`` and the line (``line`` when the document is one line of a
    JSON Lines file)."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        where = exc.lineno if line is None else line
        raise ParseError(
            f"malformed {what}: {exc.msg} (column {exc.colno})", source=source, line=where
        ) from None
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text: {exc.reason}", source=source, line=line) from None
    except RecursionError:
        raise ParseError(f"malformed {what}: nested too deeply", source=source, line=line) from None
    except ValueError as exc:  # an integer longer than sys.get_int_max_str_digits()
        raise ParseError(f"malformed {what}: {exc}", source=source, line=line) from None
