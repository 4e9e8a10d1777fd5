"""Names that begin with their model's own name: ``Conference_document`` in the ontology
``http://conference`` is that model's ``document``.

A model often qualifies some of its names with what the whole model is about — the conference
ontology's ``Conference_fees``, ``Conference_participant``, a plant model's ``PlantArea`` — where
another model of the same domain just says ``Fee``, ``Participant``, ``Area``. Within the model the
prefix repeats what its namespace already says, so the name without it is a further name of the
entity (the original name stays one too). It is the ontology counterpart of the specification
prefix of OPC UA's types (``AASSubmodelType``, :mod:`translator.matching.conventions`), and read
the same way, from the model itself: the last segment of the model's namespace that a node's id
begins with (``conference`` for ``http://conference#Conference_document``), without a file
extension (``linklings.owl``) or a trailing language tag (``conference_en``, as OAEI MultiFarm
names its translations). A namespace without a word in its last segment
(``https://admin-shell.io/aas/3/0/``) names no prefix.

A model that follows OPC UA's naming convention is left to
:func:`~translator.matching.conventions.convention_names`: there the namespace names the
specification (``MachineTool``), and a name without it would often be a bare ``Type``.
"""

from __future__ import annotations

import re

from translator.graph.model import Node, SchemaGraph
from translator.graph.names import tokens
from translator.matching.conventions import follows_type_convention

__all__ = ["model_name", "model_prefix_names"]

_EXTENSION = re.compile(r"\.(owl|ttl|rdf|xml|n3|nt|jsonld|json)$", re.IGNORECASE)
_LANGUAGE_TAG = re.compile(r"^[a-z]{2}$")


def model_name(namespace: str) -> tuple[str, ...]:
    """The tokens of the model a namespace names: its last segment, without a file extension or a
    trailing two-letter language tag; () when that segment has no word in it.

    >>> model_name("http://conference_en"), model_name("http://linklings.owl")
    (('conference',), ('linkling',))
    >>> model_name("https://admin-shell.io/aas/3/0/")
    ()
    """
    segment = _EXTENSION.sub("", namespace.rstrip("/#").rsplit("/", 1)[-1])
    words = tokens(segment)
    if len(words) > 1 and _LANGUAGE_TAG.match(words[-1]):
        words = words[:-1]
    return words if any(w.isalpha() and len(w) > 1 for w in words) else ()


def _without(text: str, prefix: tuple[str, ...]) -> str:
    """``text`` without ``prefix``, when words are left (an opaque id's hex digits are none)."""
    words = tokens(text)
    rest = words[len(prefix) :]
    if rest and words[: len(prefix)] == prefix and all(w.isalpha() for w in rest):
        return " ".join(rest)
    return ""


def _own_texts(node: Node) -> list[str]:
    return [node.name, node.label, *(text for _, text in node.labels)]


def model_prefix_names(graph: SchemaGraph) -> dict[str, tuple[str, ...]]:
    """More names of ``graph``'s own nodes, by node id: each name or label that begins with the
    model name (:func:`model_name`) of the longest of ``graph``'s namespaces that the node's id
    begins with, without it, when words are left (``EMMO_1a4c…`` leaves no word after ``emmo``);
    none for a model that follows OPC UA's naming convention (see the module docstring).

    >>> from translator.graph.model import NodeKind
    >>> g = SchemaGraph("http://conference", namespaces=["http://conference"])
    >>> g.add_node(Node("http://conference#Conference_fees", NodeKind.CLASS, "Conference_fees"))
    >>> g.add_node(Node("http://conference#Conference", NodeKind.CLASS, "Conference"))
    >>> model_prefix_names(g)
    {'http://conference#Conference_fees': ('fee',)}
    """
    if follows_type_convention(graph):
        return {}
    longest_first = sorted((ns for ns in graph.namespaces if ns), key=len, reverse=True)
    prefixes = {ns: model_name(ns) for ns in longest_first}
    out: dict[str, tuple[str, ...]] = {}
    for node in graph.own_nodes():
        namespace = next((ns for ns in longest_first if node.id.startswith(ns)), None)
        prefix = prefixes[namespace] if namespace is not None else ()
        if not prefix:
            continue
        names = dict.fromkeys(rest for text in _own_texts(node) if text and (rest := _without(text, prefix)))
        if names:
            out[node.id] = tuple(names)
    return out
