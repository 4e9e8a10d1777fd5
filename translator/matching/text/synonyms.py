"""Names that say the same thing in other words: word-level synonym substitution over WordNet.

Two names are synonymous when their token sequences can be cut into the same number of runs that
pair up in order, each pair equal (the same word, or inflections of one lemma: ``reviewed`` /
``review``) or synonyms by :meth:`translator.matching.text.wordnet.WordNet.are_synonyms`, and at least one
pair
is synonyms. A run is one word or a collocation of up to ``MAX_RUN`` words that is a WordNet lemma
of its own, so ``last name`` pairs with ``surname`` and ``conference chairman`` with
``conference chair``. Names arrive as the content tokens of :mod:`translator.graph.names`
(``has_the_last_name`` → ``last name``).

:func:`expansions` is the other direction, for blocking: a name with one run replaced by each of
its synonyms, to find counterparts that share no character n-gram with it (``speed`` /
``velocity``).
"""

from __future__ import annotations

import functools

from translator.graph.names import content_tokens
from translator.matching.text.wordnet import POS, WordNet

__all__ = ["MAX_RUN", "expansions", "synonymous"]

MAX_RUN = 3
"""Longest run of words compared as one WordNet lemma (``field of study``)."""

Words = tuple[str, ...]


@functools.lru_cache(maxsize=200_000)
def _same_word(wordnet: WordNet, a: str, b: str) -> bool:
    """The same word or inflections of one lemma (``reviewed`` / ``review``)."""
    if a == b:
        return True
    return any(set(wordnet.base_forms(a, pos)) & set(wordnet.base_forms(b, pos)) for pos in POS)


@functools.lru_cache(maxsize=200_000)
def _synonyms(wordnet: WordNet, a: str, b: str) -> bool:
    return wordnet.are_synonyms(a, b)


@functools.lru_cache(maxsize=100_000)
def _run_senses(wordnet: WordNet, words: Words) -> dict[tuple[str, int], frozenset[str]]:
    """The most frequent senses of every run of ``words`` (part of speech, synset offset) and the
    runs that have them."""
    out: dict[tuple[str, int], set[str]] = {}
    for start in range(len(words)):
        for length in range(1, min(MAX_RUN, len(words) - start) + 1):
            run = " ".join(words[start : start + length])
            for pos in POS:
                for offset in wordnet.first_senses(run, pos):
                    out.setdefault((pos, offset), set()).add(run)
    return {key: frozenset(runs) for key, runs in out.items()}


def _share_a_sense(a: Words, b: Words, wordnet: WordNet) -> bool:
    """Whether two different runs of the two names share a sense: the cheap test before the
    alignment of :func:`synonymous`."""
    x, y = _run_senses(wordnet, a), _run_senses(wordnet, b)
    return any(x[key] != y[key] or len(x[key]) > 1 for key in x.keys() & y.keys())


def synonymous(a: Words, b: Words, wordnet: WordNet) -> bool:
    """Whether two token sequences differ only in synonyms (see the module docstring).

    >>> synonymous(("last", "name"), ("surname",), wn)  # doctest: +SKIP
    True
    >>> synonymous(("chair",), ("chair",), wn)  # doctest: +SKIP
    False
    """
    if not a or not b or a == b or not _share_a_sense(a, b, wordnet):
        return False

    @functools.cache
    def reach(i: int, j: int) -> int:
        """0: a[i:] and b[j:] cannot pair up; 1: they pair, all equal; 2: they pair with a synonym."""
        if i == len(a) and j == len(b):
            return 1
        best = 0
        if i < len(a) and j < len(b) and _same_word(wordnet, a[i], b[j]):
            best = reach(i + 1, j + 1)
        if best == 2:
            return 2
        for x in range(1, min(MAX_RUN, len(a) - i) + 1):
            for y in range(1, min(MAX_RUN, len(b) - j) + 1):
                if reach(i + x, j + y) and _synonyms(wordnet, " ".join(a[i : i + x]), " ".join(b[j : j + y])):
                    return 2
        return best

    return reach(0, 0) == 2


@functools.lru_cache(maxsize=100_000)
def _replacements(wordnet: WordNet, run: str) -> tuple[Words, ...]:
    """The synonyms of a run of words, as content tokens."""
    out = {content_tokens(lemma.replace("_", " ")) for lemma in wordnet.synonyms(run)}
    return tuple(sorted(w for w in out if w))


def expansions(words: Words, wordnet: WordNet) -> set[Words]:
    """``words`` with one run replaced by each of its synonyms.

    >>> sorted(expansions(("conference", "chairman"), wn))  # doctest: +SKIP
    [('conference', 'chair'), ('conference', 'chairperson'), ('conference', 'chairwoman')]
    """
    out: set[Words] = set()
    for start in range(len(words)):
        for length in range(1, min(MAX_RUN, len(words) - start) + 1):
            for replacement in _replacements(wordnet, " ".join(words[start : start + length])):
                out.add(words[:start] + replacement + words[start + length :])
    out.discard(words)
    return out
