"""Ontologies rendered in another language with the truth known, so that the decider learns what a
cross-lingual correspondence looks like (MultiFarm's German conference ontologies against the English
ones) from models that have no labelled partner in another language.

:func:`translated_view` relabels every own class and property of an English ontology word by word
through a FreeDict dictionary read backwards (:mod:`translator.matching.text.reverse`): each content
word becomes one of the headwords that translate to it (the first most often, as a translator would
pick the usual word, another sometimes, as translators differ), ``of``/``by``/``not`` become the
language's function words, other stopwords go, and a word no headword gives stays as it is (names,
acronyms). German joins two nouns into a compound half of the time (``Konferenzbeitrag``); French and
Spanish put a two-noun name the other way round with ``de`` (``chair de conference``). The labels are
tagged with the language, the names are opaque ids (as MultiFarm's) or the translated label, and the
descriptions are dropped. The edges stay, so the structure is the ontology's. Nothing of the matcher's
forward reading is used to choose a rendering, so the round trip (German back into English) carries
the dictionary's real ambiguity.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import STOPWORDS, tokens
from translator.matching.text.compounds import FUNCTION_WORDS

__all__ = ["COVERAGE", "ROMANCE", "english_words", "translated_view"]

COVERAGE = 0.5
"""Share of an ontology's content words the dictionary must render for a view to be made: below it
the view would be mostly English, no cross-lingual example."""
ROMANCE = frozenset({"fr", "es", "it", "pt"})
"""Languages whose noun phrases put the head first (``comité de programme``)."""
_PICK = (0.6, 0.25, 0.15)
_KINDS = frozenset({NodeKind.CLASS, NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY})
_FUNCTION = frozenset(w for table in FUNCTION_WORDS.values() for english in table.values() for w in english)


def _text(node: Node) -> str:
    return node.label or node.name


def english_words(ontologies: Iterable[SchemaGraph]) -> set[str]:
    """The content words of the classes and properties of ``ontologies`` (what to look up)."""
    return {
        w
        for graph in ontologies
        for node in graph.own_nodes()
        if node.kind in _KINDS
        for w in tokens(_text(node))
        if w not in STOPWORDS and w not in _FUNCTION
    }


def _render(
    text: str,
    lang: str,
    words: Mapping[str, tuple[str, ...]],
    function: Mapping[str, str],
    rng: random.Random,
) -> tuple[str, int, int]:
    """``text`` in ``lang``, and how many content words it had and how many were rendered."""
    out: list[tuple[str, bool]] = []  # (word, a translated noun)
    content = rendered = 0
    for word in tokens(text):
        if word in function:
            out.append((function[word], False))
        elif word in STOPWORDS:
            continue
        else:
            content += 1
            choices = words.get(word, ())
            if choices:
                rendered += 1
                pick = rng.choices(choices, weights=_PICK[: len(choices)])[0]
                out.append((pick, pick[:1].isupper()))
            else:
                out.append((word, False))
    if lang in ROMANCE and len(out) == 2 and "de" in function.values():
        out = [out[1], (function.get("of", "de"), False), out[0]]
    parts: list[str] = []
    k = 0
    while k < len(out):
        word, noun = out[k]
        if lang == "de" and noun and k + 1 < len(out) and out[k + 1][1] and rng.random() < 0.5:
            parts.append(word + out[k + 1][0].lower())
            k += 2
            continue
        parts.append(word)
        k += 1
    return " ".join(parts), content, rendered


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.split()) or text


def translated_view(
    ontology: SchemaGraph,
    lang: str,
    words: Mapping[str, tuple[str, ...]],
    function: Mapping[str, str],
    rng: random.Random,
) -> tuple[SchemaGraph, dict[str, str]] | None:
    """``ontology``'s own classes and properties labelled in ``lang`` (see the module docstring), and
    the truth (view id → ontology id); None when the dictionary renders less than :data:`COVERAGE` of
    its words.

    Args:
        words: English word → headwords in ``lang``, best first
            (:func:`~translator.matching.text.reverse.foreign_words`).
        function: English function word → its word in ``lang``
            (:func:`~translator.matching.text.reverse.foreign_function_words`).
    """
    base = f"urn:tolka:translated:{lang}:{rng.getrandbits(32):08x}#"
    opaque = rng.random() < 0.5
    view = SchemaGraph(f"{ontology.name} in {lang}")
    truth: dict[str, str] = {}
    ids: dict[str, str] = {}
    content = rendered = 0
    for node in sorted(ontology.own_nodes(), key=lambda n: n.id):
        if node.kind not in _KINDS or not _text(node):
            continue
        label, c, r = _render(_text(node), lang, words, function, rng)
        content, rendered = content + c, rendered + r
        name = f"c-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}" if opaque else _camel(label)
        vid = f"{base}{name}"
        while vid in view:
            vid += "_"
        view.add_node(
            Node(vid, node.kind, name, label=label, datatype=node.datatype, labels=((lang, label),))
        )
        ids[node.id] = vid
        truth[vid] = node.id
    if not content or rendered / content < COVERAGE:
        return None
    for edge in ontology.edges():
        if edge.source not in ids and edge.target not in ids:
            continue
        for end in (edge.source, edge.target):
            if end not in ids and end not in view:
                view.add_node(ontology[end])
        view.add_edge(ids.get(edge.source, edge.source), ids.get(edge.target, edge.target), edge.relation)
    return view, truth
