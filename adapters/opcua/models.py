"""Finding the NodeSet2 files of required models by their ``<Models>`` header.

A NodeSet2 file declares the models it defines and the models it needs::

    <Models>
      <Model ModelUri="http://opcfoundation.org/UA/DI/" Version="1.04.0" PublicationDate="...">
        <RequiredModel ModelUri="http://opcfoundation.org/UA/" Version="1.05.02" .../>
      </Model>
    </Models>

Only the start of each candidate file is read, up to ``</Models>``; what a file declares is cached
per (path, size, modification time), so a folder is scanned once per process.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ModelIndex",
    "ModelInfo",
    "NodeSetHeader",
    "RequiredModel",
    "clear_header_cache",
    "read_header",
    "version_key",
]

_CHUNK = 16 * 1024
_MAX_HEADER = 2 * 1024 * 1024
_ATTR = re.compile(r"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_URI = re.compile(r"<(?:\w+:)?Uri>\s*([^<]*?)\s*</(?:\w+:)?Uri>")
_NAMESPACE_URIS = re.compile(r"<(?:\w+:)?NamespaceUris>(.*?)</(?:\w+:)?NamespaceUris>", re.S)
_MODELS = re.compile(r"<(?:\w+:)?Models>(.*?)</(?:\w+:)?Models>", re.S)
_MODEL_SPLIT = re.compile(r"<(?:\w+:)?Model\b")
_REQUIRED = re.compile(r"<(?:\w+:)?RequiredModel\b([^>]*)>")
_END_MARKERS = (b"</Models>", b"<Aliases", b"<UAObject", b"<UAVariable", b"<UADataType", b"<UAReferenceType")


@dataclass(frozen=True, slots=True)
class RequiredModel:
    """A ``<RequiredModel>`` entry."""

    uri: str
    version: str = ""
    publication_date: str = ""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A ``<Model>`` entry: a model the file defines, and what it requires."""

    uri: str
    version: str = ""
    publication_date: str = ""
    required: tuple[RequiredModel, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeSetHeader:
    """What the start of a NodeSet2 file says."""

    path: Path
    namespaces: tuple[str, ...]
    models: tuple[ModelInfo, ...]

    @property
    def model_uris(self) -> tuple[str, ...]:
        """URIs of the models defined in the file (the first namespace when there is no header)."""
        if self.models:
            return tuple(m.uri for m in self.models)
        return self.namespaces[:1]

    @property
    def required(self) -> tuple[RequiredModel, ...]:
        """Every model this file requires (other namespaces it uses when it has no Models header)."""
        if self.models:
            seen: dict[str, RequiredModel] = {}
            for model in self.models:
                for req in model.required:
                    seen.setdefault(req.uri, req)
            return tuple(seen.values())
        return tuple(RequiredModel(uri) for uri in self.namespaces[1:])


def _attrs(text: str) -> dict[str, str]:
    return {
        m[1].split(":")[-1]: html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(text)
    }


def _parse_header(path: Path, head: str) -> NodeSetHeader:
    ns_match = _NAMESPACE_URIS.search(head)
    namespaces = tuple(html.unescape(u) for u in _URI.findall(ns_match[1])) if ns_match else ()
    models: list[ModelInfo] = []
    models_match = _MODELS.search(head)
    if models_match:
        for part in _MODEL_SPLIT.split(models_match[1])[1:]:
            tag_end = part.find(">")
            attrs = _attrs(part[:tag_end])
            required = tuple(
                RequiredModel(a.get("ModelUri", ""), a.get("Version", ""), a.get("PublicationDate", ""))
                for a in (_attrs(m) for m in _REQUIRED.findall(part[tag_end:]))
                if a.get("ModelUri")
            )
            if attrs.get("ModelUri"):
                models.append(
                    ModelInfo(
                        attrs["ModelUri"],
                        attrs.get("Version", ""),
                        attrs.get("PublicationDate", ""),
                        required,
                    )
                )
    return NodeSetHeader(path, namespaces, tuple(models))


_CACHE: dict[tuple[str, int, int], NodeSetHeader | None] = {}


def clear_header_cache() -> None:
    """Forget every header read so far (for benchmarks measuring a cold start)."""
    _CACHE.clear()


def read_header(path: Path) -> NodeSetHeader | None:
    """Read the header of a NodeSet2 file; None when the file is not a NodeSet2 file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _CACHE:
        return _CACHE[key]
    header: NodeSetHeader | None = None
    try:
        with path.open("rb") as fh:
            head = b""
            while len(head) < _MAX_HEADER:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                head += chunk
                if any(marker in head for marker in _END_MARKERS):
                    break
    except OSError:
        head = b""
    if b"<UANodeSet" in head:
        header = _parse_header(path, head.decode("utf-8", errors="replace"))
    _CACHE[key] = header
    return header


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", version) if p)


def _norm(uri: str) -> str:
    return uri.rstrip("/").lower()


class ModelIndex:
    """The NodeSet2 files in some folders, by the model URIs they define.

    Args:
        flat: folders searched without their subfolders (the loaded file's own folder).
        recursive: folders searched with all their subfolders (``--models-dir``).
    """

    def __init__(self, flat: Iterable[Path] = (), recursive: Iterable[Path] = ()) -> None:
        self.flat = list(dict.fromkeys(p.resolve() for p in flat))
        self.recursive = list(dict.fromkeys(p.resolve() for p in recursive))
        self._by_uri: dict[str, list[tuple[NodeSetHeader, ModelInfo]]] | None = None

    @property
    def searched(self) -> tuple[str, ...]:
        """The folders searched, for error messages."""
        return tuple(str(p) for p in (*self.flat, *self.recursive))

    def add_folder(self, folder: Path) -> None:
        """Also search this folder (not its subfolders)."""
        folder = folder.resolve()
        if folder not in self.flat and folder not in self.recursive:
            self.flat.append(folder)
            self._by_uri = None

    def _files(self) -> list[Path]:
        files: list[Path] = []
        for folder in self.flat:
            if folder.is_dir():
                files.extend(p for p in sorted(folder.iterdir()) if p.suffix.lower() == ".xml")
        for folder in self.recursive:
            if folder.is_dir():
                files.extend(sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".xml"))
        return list(dict.fromkeys(files))

    def _index(self) -> dict[str, list[tuple[NodeSetHeader, ModelInfo]]]:
        if self._by_uri is None:
            by_uri: dict[str, list[tuple[NodeSetHeader, ModelInfo]]] = {}
            for path in self._files():
                header = read_header(path)
                if header is None:
                    continue
                infos = header.models or tuple(ModelInfo(uri) for uri in header.namespaces[:1])
                for info in infos:
                    by_uri.setdefault(_norm(info.uri), []).append((header, info))
            self._by_uri = by_uri
        return self._by_uri

    def find(self, required: RequiredModel) -> NodeSetHeader | None:
        """The best file for a required model: the exact version, else the newest; None if absent."""
        found = self._index().get(_norm(required.uri), [])
        if not found:
            return None
        exact_uri = [c for c in found if c[1].uri == required.uri] or found
        exact = [c for c in exact_uri if required.version and c[1].version == required.version]
        pool: Sequence[tuple[NodeSetHeader, ModelInfo]] = exact or exact_uri
        return max(pool, key=lambda c: (version_key(c[1].version), c[1].publication_date))[0]
