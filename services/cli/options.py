"""Options shared by every command that loads models, and the one function that loads them.

A model is files, or the URL of a live OPC UA server (``opc.tcp://host:port[/path]``). Commands
take model arguments as text, not as paths, so that a URL reaches `load_model` unchanged.

One argument may name several files of one model (`model_files`): a comma-separated list whose
items are files or quoted glob patterns Tolka expands itself, so ``tolka match SOURCE TARGET``
keeps one argument per side::

    tolka match ssnx/ssn.owl 'sosa-2024/*.ttl,ssn-2017-draft/ssn.ttl' --out ssnx-ssn.sssom.tsv

A file that exists under the exact name given is taken as it is, commas and brackets included.
"""

from __future__ import annotations

import glob
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.opcua.endpoint import EndpointError, LiveOptions, is_endpoint
from adapters.opcua.security import ClientSecurity
from adapters.options import DEFAULT_MAX_BYTES, LoadOptions
from translator.errors import InputError
from translator.graph.model import SchemaGraph

if TYPE_CHECKING:
    from adapters.opcua.live import BrowseStats

__all__ = [
    "MODEL_HELP",
    "FormatOption",
    "IndividualsOption",
    "LanguageOption",
    "Loading",
    "MaxSizeOption",
    "ModelsDirOption",
    "TranslatorFileOption",
    "load_model",
    "model_files",
    "model_name",
    "open_model",
    "parse_size",
]

MODEL_HELP = (
    "a file, several files of one model as a comma-separated list and/or a quoted glob "
    "('sosa/*.ttl'), or an opc.tcp:// URL"
)
"""How a model argument is written, for the --help of every command that takes one."""

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
IndividualsOption = Annotated[
    bool,
    typer.Option(
        "--individuals",
        help="Also load RDF individuals (instances: units, equipment) as entities. A model that "
        "declares no class or property of its own loads its individuals without it.",
    ),
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


_GLOB = re.compile(r"[*?\[]")


def _is_file(path: str, *, folder: bool = False) -> bool:
    try:
        return Path(path).is_dir() if folder else Path(path).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def model_files(spec: str) -> list[str]:
    """The files (or the one URL) a model argument names, in order, each once.

    ``spec`` is a file, an ``opc.tcp://`` URL, or a comma-separated list of files and glob patterns
    (``*``, ``?``, ``[...]``, ``**`` for any depth; ``~`` is the home folder), each pattern's matches
    sorted. A missing file, a folder or a pattern that matches nothing is an InputError naming it.

    Example:
        >>> model_files("sosa/*.ttl,ssn.ttl")  # doctest: +SKIP
        ['sosa/sosa-common.ttl', 'sosa/sosa-observation.ttl', 'sosa/sosa.ttl', 'ssn.ttl']
    """
    if is_endpoint(spec) or _is_file(spec):
        return [spec]
    items = [item.strip() for item in spec.split(",")]
    if not any(items):
        raise InputError("no model file given")
    files: list[str] = []
    for item in filter(None, items):
        path = os.path.expanduser(item)
        if _is_file(path):
            files.append(path)
        elif _is_file(path, folder=True):
            raise InputError(
                f"is a folder; give the model's files, for example '{Path(item) / '*.ttl'}'", source=item
            )
        elif _GLOB.search(path):
            found = sorted(f for f in glob.glob(path, recursive=True) if _is_file(f))
            if not found:
                raise InputError("no file matches this pattern", source=item)
            files.extend(found)
        else:
            raise InputError("file not found", source=item)
    return list(dict.fromkeys(files))


def model_name(spec: str, translator: Path | None = None) -> str:
    """How a translator file names a model: a URL as given, files as normalised paths joined by commas,
    relative to the folder of the ``translator`` file when given (so that the file and its models
    can move together; readers resolve them with `translator.translation.spec.resolve_model`)."""
    if is_endpoint(spec):
        return spec.strip()
    files = [Path(f) for f in model_files(spec)]
    if translator is not None:
        folder = translator.resolve().parent
        files = [Path(os.path.relpath(f.resolve(), folder)) for f in files]
    return ",".join(str(f) for f in files)


def open_model(
    sources: Sequence[str | Path],
    *,
    models_dirs: list[Path] | None = None,
    format: str | None = None,
    max_size: str = DEFAULT_MAX_SIZE,
    language: str = "en",
    individuals: bool = False,
    security: ClientSecurity | None = None,
) -> tuple[SchemaGraph, BrowseStats | None]:
    """Load files as one model, or browse a live server, with the options of the command line.

    A source given as text may name several files (`model_files`); a Path is one file. Returns the
    graph and, for a live server, the figures of the browse (None for files). ``security`` is how a
    live server is connected to (default: its most secure endpoint, anonymous).
    """
    sources = [f for s in sources for f in (model_files(s) if isinstance(s, str) else [s])]
    urls = [str(s) for s in sources if is_endpoint(s)]
    if urls:
        if len(sources) > 1:
            raise EndpointError(str(urls[0]), "a live server is a model of its own: give its URL alone")
        if format is not None:
            raise InputError("--format applies to files, not to a live server", source=urls[0])
        from adapters.opcua.live import load_endpoint

        # asyncua logs its own warnings (session timeouts, security); failures come back as EndpointError
        logging.getLogger("asyncua").setLevel(logging.CRITICAL)
        live = LiveOptions(language=language, security=security or ClientSecurity())
        model = load_endpoint(urls[0], live)
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
    security: ClientSecurity | None = None,
) -> SchemaGraph:
    """Load files as one model, or browse a live server's URL; see `open_model`."""
    graph, _ = open_model(
        sources,
        models_dirs=models_dirs,
        format=format,
        max_size=max_size,
        language=language,
        individuals=individuals,
        security=security,
    )
    return graph


@dataclass(frozen=True, slots=True)
class Loading:
    """How a command loads its models: ``--models-dir``, ``--max-size``, ``--individuals`` and the
    security of a live server (the ``--source-…`` options)."""

    models_dirs: list[Path] | None = None
    max_size: str = DEFAULT_MAX_SIZE
    individuals: bool = False
    security: ClientSecurity | None = None

    def load(self, spec: str | Path) -> SchemaGraph:
        """The model ``spec`` names (files or a live server's URL), see `open_model`."""
        return load_model(
            [spec],
            models_dirs=self.models_dirs,
            max_size=self.max_size,
            individuals=self.individuals,
            security=self.security,
        )
