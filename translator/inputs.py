"""Reading an input file whole, with a size limit, and clear errors for what is not there."""

from __future__ import annotations

from pathlib import Path

from translator.errors import InputError, InputTooLargeError

__all__ = ["read_input"]


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
