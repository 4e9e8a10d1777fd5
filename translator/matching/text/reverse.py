"""English words into another language, by reading a FreeDict dictionary backwards: the foreign
headwords whose first senses give the English word (``reviewer`` → ``Rezensent``, ``Gutachter``, …).

Used to render an English ontology in another language for the decider's synthetic cross-lingual
pairs (:mod:`translator.matching.decider.translated`); the matcher itself only reads dictionaries
forwards. Building the index reads every entry once (the German dictionary: 520,000 headwords,
about 10 s), so it is built for the words one needs only.
"""

from __future__ import annotations

from collections.abc import Iterable

from translator.graph.names import normalize
from translator.matching.text.compounds import FUNCTION_WORDS
from translator.matching.text.freedict import Dictionary

__all__ = ["SENSES", "foreign_function_words", "foreign_words"]

SENSES = 2
"""How many senses of an entry, and translations of a sense, count: an English word that a headword
gives only in its fifth sense is no good rendering of it."""


def foreign_words(
    dictionary: Dictionary, english: Iterable[str], limit: int = 3
) -> dict[str, tuple[str, ...]]:
    """For each of the ``english`` words (normalised, one word each), up to ``limit`` one-word headwords
    of ``dictionary`` that translate to it, best first: the word given first in an earlier sense, then
    the shorter headword (a base form before its inflections). Words no headword gives are left out."""
    wanted = {w for w in (normalize(e) for e in english) if w and " " not in w}
    found: dict[str, list[tuple[int, int, int, str]]] = {}
    for order, (head, senses) in enumerate(dictionary.headwords()):
        if " " in head or "-" in head or not head.isalpha():
            continue
        for s, sense in enumerate(senses[:SENSES]):
            for r, item in enumerate(sense[:SENSES]):
                word = normalize(item)
                if word in wanted:
                    found.setdefault(word, []).append((s + r, len(head), order, head))
    out = {}
    for word, heads in found.items():
        ranked = dict.fromkeys(h for *_, h in sorted(heads))
        out[word] = tuple(ranked)[:limit]
    return out


def foreign_function_words(lang: str) -> dict[str, str]:
    """English function words that names keep (``of``, ``by``, ``not``) in ``lang``: the inverse of
    :data:`~translator.matching.text.compounds.FUNCTION_WORDS` (its first foreign word for each)."""
    out: dict[str, str] = {}
    for foreign, english in FUNCTION_WORDS.get(lang, {}).items():
        for word in english:
            out.setdefault(word, foreign)
    return out
