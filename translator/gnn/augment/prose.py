"""Names in prose: a renamed node's descriptions must not spell its old name.

:func:`renamed_node` gives a node its new name everywhere the node itself writes it — name, label, other
labels, synonyms — and in its descriptions, where :func:`hide_name` replaces every mention of the old
name (its words in order, in any case style).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from translator.graph.model import Node
from translator.graph.names import split_name

__all__ = ["hide_name", "renamed_node"]

_WORD = re.compile(r"[0-9A-Za-z]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
"""The word pieces of :func:`translator.graph.names.split_name`."""


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    """The lower-cased words of ``text`` as :func:`split_name` splits them, with their character
    spans in ``text`` (accents folded one character at a time, so spans stay right)."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        ascii_char = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
        folded.append(ascii_char)
        origin.extend([i] * len(ascii_char))
    flat = "".join(folded)
    spans = []
    for chunk in _WORD.finditer(flat):
        for piece in _CAMEL.finditer(chunk.group()):
            start, end = chunk.start() + piece.start(), chunk.start() + piece.end()
            spans.append((piece.group().lower(), origin[start], origin[end - 1] + 1))
    return spans


def _occurs(words: Sequence[str], within: Sequence[str]) -> bool:
    n = len(words)
    return any(tuple(within[i : i + n]) == tuple(words) for i in range(len(within) - n + 1))


def hide_name(text: str, old: str, new: str) -> str:
    """``text`` with every mention of the name ``old`` — its words in order, in any case style
    (``InletValve``, ``inlet valve``, ``INLET_VALVE``) — replaced by ``new``; "" if a mention is left
    after that. A one-word name is left alone (one word in prose is meaning, not a name), and so is
    a text when ``new`` itself contains ``old``'s words."""
    words = split_name(old)
    if not text or len(words) < 2 or _occurs(words, split_name(new)):
        return text
    spans = _word_spans(text)
    found = [w for w, _, _ in spans]
    n = len(words)
    out, last, i = [], 0, 0
    while i <= len(spans) - n:
        if tuple(found[i : i + n]) == words:
            out += [text[last : spans[i][1]], new]
            last, i = spans[i + n - 1][2], i + n
        else:
            i += 1
    if not out:
        return text
    rewritten = "".join([*out, text[last:]])
    return "" if _occurs(words, split_name(rewritten)) else rewritten


def renamed_node(node: Node, name: str, *, keep_descriptions: bool = True) -> Node:
    """``node`` under a new name: one label (the name), no synonyms, its descriptions kept (with
    the old name in them replaced) or dropped."""
    old = node.name
    description = hide_name(node.description, old, name) if keep_descriptions else ""
    hidden = ((locale, hide_name(text, old, name)) for locale, text in node.descriptions)
    descriptions = tuple((locale, text) for locale, text in hidden if text) if keep_descriptions else ()
    return node.replace(
        name=name,
        label=name,
        labels=(("", name),),
        synonyms=(),
        description=description,
        descriptions=descriptions,
    )
