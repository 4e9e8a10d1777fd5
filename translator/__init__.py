"""The core of Tolka, in the order data flows through it.

- `translator.graph`: `SchemaGraph`, the one graph form every model becomes, and its file;
- `translator.matching` (with `translator.gnn` and `translator.instances`): two graphs → an `Alignment`;
- `translator.alignment`: the `Alignment`, its SSSOM and Alignment RDF files, and its scores;
- `translator.translation`: an alignment → a translator file → a `Translator` that rewrites messages.

This package imports neither `adapters` nor `services`. The names below are its public API; each is
imported when first used, so ``import translator`` stays cheap (a gateway that only translates never
loads the matcher or torch).

Example:
    >>> import translator
    >>> translator.Alignment("urn:a", "urn:b").correspondences
    []
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from translator.alignment.formats import read_alignment, write_alignment
    from translator.alignment.metrics import Evaluation, evaluate
    from translator.alignment.model import Alignment, Correspondence, Status
    from translator.errors import (
        GraphFileError,
        InputError,
        InputTooLargeError,
        MissingModelError,
        ModelContentError,
        ParseError,
        TolkaError,
        UnknownFormatError,
        UnsafeInputError,
    )
    from translator.graph.file import load_graph, save_graph
    from translator.graph.model import Edge, LocalText, Node, NodeKind, SchemaGraph
    from translator.instances.learning import LearnOptions, learn
    from translator.matching.matcher import MatchOptions, match
    from translator.translation.compiled import Translator
    from translator.translation.compiler import compile_alignment
    from translator.translation.spec import (
        MessageFormat,
        Rule,
        Side,
        TranslatorSpec,
        read_translator,
        write_translator,
    )

_WHERE = {
    "translator.graph.model": ("Edge", "LocalText", "Node", "NodeKind", "SchemaGraph"),
    "translator.graph.file": ("load_graph", "save_graph"),
    "translator.errors": (
        "GraphFileError", "InputError", "InputTooLargeError", "MissingModelError", "ModelContentError",
        "ParseError", "TolkaError", "UnknownFormatError", "UnsafeInputError",
    ),
    "translator.matching.matcher": ("MatchOptions", "match"),
    "translator.instances.learning": ("LearnOptions", "learn"),
    "translator.alignment.model": ("Alignment", "Correspondence", "Status"),
    "translator.alignment.formats": ("read_alignment", "write_alignment"),
    "translator.alignment.metrics": ("Evaluation", "evaluate"),
    "translator.translation.spec": (
        "MessageFormat", "Rule", "Side", "TranslatorSpec", "read_translator", "write_translator",
    ),
    "translator.translation.compiler": ("compile_alignment",),
    "translator.translation.compiled": ("Translator",),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "Alignment",
    "Correspondence",
    "Edge",
    "Evaluation",
    "GraphFileError",
    "InputError",
    "InputTooLargeError",
    "LearnOptions",
    "LocalText",
    "MatchOptions",
    "MessageFormat",
    "MissingModelError",
    "ModelContentError",
    "Node",
    "NodeKind",
    "ParseError",
    "Rule",
    "SchemaGraph",
    "Side",
    "Status",
    "TolkaError",
    "Translator",
    "TranslatorSpec",
    "UnknownFormatError",
    "UnsafeInputError",
    "compile_alignment",
    "evaluate",
    "learn",
    "load_graph",
    "match",
    "read_alignment",
    "read_translator",
    "save_graph",
    "write_alignment",
    "write_translator",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'translator' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
