"""Uploaded model files → a loaded graph, with the same adapters and safe parsers as ``tolka inspect``.

Uploaded bytes are written into a fresh temporary folder under names the gateway chooses (``model``
plus the file's suffix, ``required/<n>`` plus theirs): a client's file name is never a path. The
client's base file name is kept only as the model's ``source_name`` (the ids of JSON documents
without ``$id`` and of sample messages use it) and for display.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.options import LoadOptions
from adapters.registry import detect_format, load_paths
from translator.errors import InputError, MissingModelError, TolkaError
from translator.graph.model import SchemaGraph

__all__ = ["LoadedModel", "Upload", "load_upload", "safe_name"]

_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: the name the client gave it and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """What loading an upload gave: the graph and the format that read the main file."""

    graph: SchemaGraph
    format: str


def safe_name(filename: str) -> str:
    """The base name of a client's file name (no folders, no control characters), for display and ids."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base if base not in ("", ".", "..") else "upload"


def _suffix(filename: str) -> str:
    match = _SUFFIX.search(safe_name(filename))
    return match[0].lower() if match else ""


def load_upload(main: Upload, required: Sequence[Upload], max_bytes: int) -> LoadedModel:
    """Load ``main`` as one model, finding its required models among ``required``.

    Raises:
        InputError: an empty or oversized file; and every error ``tolka inspect`` gives for the content
            (ParseError, UnsafeInputError, UnknownFormatError, MissingModelError, ...).
    """
    for upload in (main, *required):
        if not upload.content:
            raise InputError("the file is empty", source=safe_name(upload.filename))
        if len(upload.content) > max_bytes:
            raise InputError(
                f"the file is {len(upload.content):,} bytes, over the limit of {max_bytes:,} bytes",
                source=safe_name(upload.filename),
            )
    with tempfile.TemporaryDirectory(prefix="tolka-upload-") as folder:
        root = Path(folder)
        path = root / f"model{_suffix(main.filename)}"
        path.write_bytes(main.content)
        others = root / "required"
        others.mkdir()
        for k, upload in enumerate(required):
            (others / f"{k}{_suffix(upload.filename)}").write_bytes(upload.content)
        options = LoadOptions(
            models_dirs=(others,), max_bytes=max_bytes, source_name=safe_name(main.filename)
        )
        try:
            format_name = detect_format(path)
            graph = load_paths([path], options)
        except MissingModelError as exc:
            raise _renamed(exc, path, main.filename, _missing(exc, main.filename, len(required))) from None
        except TolkaError as exc:
            raise _renamed(exc, path, main.filename) from None
    return LoadedModel(graph, format_name)


def _missing(exc: MissingModelError, filename: str, uploaded: int) -> str:
    return (
        f"{safe_name(filename)}: required model {exc.uri} not found among the {uploaded} file(s) uploaded "
        "in the 'required' field: add its NodeSet2 file there"
    )


def _renamed(exc: TolkaError, path: Path, filename: str, message: str | None = None) -> TolkaError:
    """The error with the temporary path replaced by the client's file name (or with ``message``)."""
    message = message or str(exc).replace(str(path), safe_name(filename))
    error = type(exc).__new__(type(exc))
    error.__dict__.update(exc.__dict__)
    error.args = (message,)
    if getattr(error, "source", None) == str(path):
        error.__dict__["source"] = safe_name(filename)
    return error
