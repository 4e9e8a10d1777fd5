"""Adapters: every source format into one `SchemaGraph`.

``load(source, format=None, **options)`` picks the adapter from the registry (by format name, file
suffix or content) and returns the graph. Adapters never import torch; format libraries (rdflib,
lxml) are imported only when a file of theirs is loaded.
"""

from adapters.options import DEFAULT_MAX_BYTES, LoadOptions, SourceFile
from adapters.registry import FORMATS, detect_format, get_adapter, load, load_paths

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "LoadOptions",
    "SourceFile",
    "detect_format",
    "get_adapter",
    "load",
    "load_paths",
]
