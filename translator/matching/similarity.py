"""How similar two entities' names are: each blocked candidate pair is scored by the best of exact
equality, token Dice (spelling variants of long words counted as equal) and n-gram cosine, and
weighed by :func:`~translator.matching.entities.pair_factor`; two relations of which exactly one is
named as the inverse (``authorOf`` / ``hasAuthor``) are weighed down."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from difflib import SequenceMatcher

from translator.matching.entities import GROUPS, EntityText, pair_factor

__all__ = [
    "ALIAS",
    "HEAD_MATCH",
    "INVERSE",
    "INVERSE_MARKER",
    "dice",
    "same_name",
    "score_pairs",
    "soft_overlap",
    "token_similar",
]

ALIAS = 0.95
"""Score of two names equal only through an alias of one (a name without its model's own name:
``Conference_fees`` as ``fee``, :mod:`translator.matching.model_prefix`): below a name given in full."""
HEAD_MATCH = 0.8
"""Score of a name contained in the other with the same head word (``Author`` / ``Regular_author``)."""
INVERSE = 0.8
"""Factor of two relations of which exactly one is named as the inverse (``authorOf`` / ``hasAuthor``)."""
INVERSE_MARKER = "of"


@functools.lru_cache(maxsize=100_000)
def token_similar(a: str, b: str) -> bool:
    """Same token, or a spelling variant of a long one (organisation / organization)."""
    if a == b:
        return True
    if len(a) != len(b) or len(a) < 6:
        return False
    matcher = SequenceMatcher(None, a, b)
    # quick_ratio (shared letters, order aside) bounds ratio from above and costs far less
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


def soft_overlap(x: frozenset[str], y: frozenset[str]) -> int:
    """How many tokens of ``x`` have a similar token (:func:`token_similar`) in ``y``."""
    return sum(1 for t in x if any(token_similar(t, u) for u in y))


@functools.lru_cache(maxsize=1 << 18)
def dice(a: tuple[tuple[str, ...], ...], b: tuple[tuple[str, ...], ...]) -> float:
    """Best token Dice over the variants; a name contained in the other with the same head word
    (``Author`` in ``Regular_author``) counts as a near match. Cached: the candidate stage and the
    decider's features ask it of the same pairs of names."""
    best = 0.0
    for xt in a:
        x = frozenset(xt)
        for yt in b:
            y = frozenset(yt)
            if not x or not y:
                continue
            overlap = min(soft_overlap(x, y), soft_overlap(y, x))
            best = max(best, 2 * overlap / (len(x) + len(y)))
            small, large = (xt, yt) if len(x) <= len(y) else (yt, xt)
            if overlap == len(set(small)) and token_similar(small[-1], large[-1]):
                best = max(best, HEAD_MATCH)
    return best


def _direction_factor(a: EntityText, b: EntityText) -> float:
    """``INVERSE`` for two relations of which exactly one is named as the inverse (``authorOf`` /
    ``hasAuthor``, ``partOf`` / ``hasPart``), else 1."""
    if GROUPS.get(a.kind) != "relation" or GROUPS.get(b.kind) != "relation":
        return 1.0
    a_of = any(INVERSE_MARKER in t for t in a.token_sets)
    b_of = any(INVERSE_MARKER in t for t in b.token_sets)
    return INVERSE if a_of != b_of else 1.0


def same_name(a: EntityText, b: EntityText) -> bool:
    """Whether two entities share a name variant, spaces aside (``Start Count`` / ``StartCount``)."""
    return bool({v.replace(" ", "") for v in a.variants} & {v.replace(" ", "") for v in b.variants})


def _given_name(a: EntityText, b: EntityText) -> bool:
    """Whether two entities share a variant that neither has only as an alias
    (:attr:`~translator.matching.entities.EntityText.aliases`), spaces aside."""
    return bool(
        {v.replace(" ", "") for v in a.variants if v not in a.aliases}
        & {v.replace(" ", "") for v in b.variants if v not in b.aliases}
    )


def score_pairs(
    left: Sequence[EntityText], right: Sequence[EntityText], pairs: dict[tuple[int, int], float]
) -> dict[tuple[int, int], tuple[float, float, bool]]:
    """``(score, factor, same name)`` of every compatible blocked pair; the score includes the factor.
    A name shared only through an alias (a name without its model's own name) scores
    :data:`ALIAS`, so that a name given in full outranks it (the conference ontology's
    ``Conference_proceedings`` is ``Conference_Proceedings`` before it is ``Proceedings``)."""
    scored: dict[tuple[int, int], tuple[float, float, bool]] = {}
    for (i, j), cosine in pairs.items():
        ea, eb = left[i], right[j]
        factor = pair_factor(ea, eb) * _direction_factor(ea, eb)
        if factor <= 0:
            continue
        same = same_name(ea, eb)
        exact = 0.0
        if same:
            exact = 1.0 if not (ea.aliases or eb.aliases) or _given_name(ea, eb) else ALIAS
        score = max(exact, 0.5 * cosine + 0.5 * dice(ea.token_sets, eb.token_sets))
        scored[(i, j)] = (score * factor, factor, same)
    return scored
