"""The core of Tolka: the graph model, alignments, matchers, the translator compiler and runtime.

This package imports neither `adapters` nor `services`.
"""

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
from translator.graph.model import Edge, LocalText, Node, NodeKind, SchemaGraph

__all__ = [
    "Edge",
    "GraphFileError",
    "InputError",
    "InputTooLargeError",
    "LocalText",
    "MissingModelError",
    "ModelContentError",
    "Node",
    "NodeKind",
    "ParseError",
    "SchemaGraph",
    "TolkaError",
    "UnknownFormatError",
    "UnsafeInputError",
]
