"""Options every adapter accepts, gathered in one frozen record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MAX_BYTES", "LoadOptions", "SourceFile"]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Largest input file read by default (256 MiB); the biggest real nodeset is about 5 MB."""


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to load a model.

    Attributes:
        models_dirs: folders searched (recursively) for required OPC UA models and owl:imports,
            after the loaded file's own folder.
        max_bytes: refuse input files larger than this.
        language: preferred locale for the chosen label and description (``en`` matches ``en-US``).
        individuals: also load RDF individuals (off by default: schemas, not data, are matched;
            a model that declares no class or property of its own loads its individuals anyway).
        source_name: the name used in ids of JSON documents without ``$id`` and of sample
            messages; by default the file name.
    """

    models_dirs: tuple[Path, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    language: str = "en"
    individuals: bool = False
    source_name: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to load and the name of its format (see `adapters.registry.FORMATS`)."""

    path: Path
    format: str
