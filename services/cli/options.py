"""Options shared by every command that loads models, and the one function that loads them.

A model is files, or the URL of a live OPC UA server (``opc.tcp://host:port[/path]``). Commands
take model arguments as text, not as paths, so that a URL reaches `load_model` unchanged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.opcua.endpoint import EndpointError, LiveOptions, is_endpoint
from adapters.options import DEFAULT_MAX_BYTES, LoadOptions
from translator.errors import InputError
from translator.graph import SchemaGraph

if TYPE_CHECKING:
    from adapters.opcua.live import BrowseStats

__all__ = [
    "FormatOption",
    "LanguageOption",
    "MaxSizeOption",
    "ModelsDirOption",
    "TranslatorFileOption",
    "load_model",
    "open_model",
    "parse_size",
]

ModelsDirOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--models-dir",
        "-m",
        help="Folder searched recursively for required OPC UA models and owl:imports (repeatable).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Force the input format (nodeset, rdfxml, turtle, ntriples, n3, jsonld, jsonschema, samples, "
        "graph) instead of detecting it from the suffix and content.",
        show_default=False,
    ),
]
MaxSizeOption = Annotated[
    str,
    typer.Option(
        "--max-size", help="Refuse input files larger than this (bytes, or with K, M, G).", show_default=True
    ),
]
LanguageOption = Annotated[
    str, typer.Option("--language", help="Preferred locale of labels and descriptions (en matches en-US).")
]
TranslatorFileOption = Annotated[
    Path, typer.Option("--translator", help="The translator file (tolka compile).", show_default=False)
]
DEFAULT_MAX_SIZE = f"{DEFAULT_MAX_BYTES // (1024 * 1024)}M"
_SIZE = re.compile(r"^\s*(\d+)\s*([kKmMgG]?)[iI]?[bB]?\s*$")


def parse_size(text: str) -> int:
    """``256M`` → 268435456; plain numbers are bytes."""
    match = _SIZE.match(text)
    if match is None:
        raise InputError(f"--max-size {text!r} is not a size (examples: 1000000, 512K, 256M, 1G)")
    scale = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match[2].lower()]
    return int(match[1]) * scale


def open_model(
    sources: Sequence[str | Path],
    *,
    models_dirs: list[Path] | None = None,
    format: str | None = None,
    max_size: str = DEFAULT_MAX_SIZE,
    language: str = "en",
    individuals: bool = False,
) -> tuple[SchemaGraph, BrowseStats | None]:
    """Load files as one model, or browse a live server, with the options of the command line.

    Returns the graph and, for a live server, the figures of the browse (None for files).
    """
    urls = [str(s) for s in sources if is_endpoint(s)]
    if urls:
        if len(sources) > 1:
            raise EndpointError(str(urls[0]), "a live server is a model of its own: give its URL alone")
        if format is not None:
            raise InputError("--format applies to files, not to a live server", source=urls[0])
        from adapters.opcua.live import load_endpoint

        # asyncua logs its own warnings (session timeouts, security); failures come back as EndpointError
        logging.getLogger("asyncua").setLevel(logging.CRITICAL)
        model = load_endpoint(urls[0], LiveOptions(language=language))
        return model.graph, model.stats
    from adapters.registry import load_paths

    for folder in models_dirs or []:
        if not folder.is_dir():
            raise InputError("--models-dir is not a folder", source=str(folder))
    options = LoadOptions(
        models_dirs=tuple(models_dirs or ()),
        max_bytes=parse_size(max_size),
        language=language,
        individuals=individuals,
    )
    return load_paths([Path(s) for s in sources], options, format=format), None


def load_model(
    sources: Sequence[str | Path],
    *,
    models_dirs: list[Path] | None = None,
    format: str | None = None,
    max_size: str = DEFAULT_MAX_SIZE,
    language: str = "en",
    individuals: bool = False,
) -> SchemaGraph:
    """Load files as one model, or browse a live server's URL; see `open_model`."""
    graph, _ = open_model(
        sources,
        models_dirs=models_dirs,
        format=format,
        max_size=max_size,
        language=language,
        individuals=individuals,
    )
    return graph
