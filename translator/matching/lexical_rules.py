"""The lexical matcher's set-level rules: they look at the whole candidate set rather than one pair,
and only at entities with no same-name counterpart on the other side.

- *specialisation*: when the nearest counterpart of a class or relation is the other name with
  modifiers added (``Regular_author`` / ``Author``, ``hasConferenceMember`` / ``hasMember``), and
  that pair is the one with the fewest added modifiers for both entities (mutual, no tie), it scores
  ``SPECIALISATION``. A relation's leading verb must agree (``assignReviewer`` is no
  ``hasReviewer``); attributes never take part, since their modifier picks another value
  (``FirstName`` is no ``Name``). With WordNet, a relation whose first word can only be a verb has
  that verb as its head, so the verb with its object specialises the verb (``submitPaper`` /
  ``submit``).
- *renaming*: names equal up to words the two models systematically name differently
  (``Accepted_contribution`` / ``AcceptedPaper`` when ``Rejected_…`` and ``Submitted_…`` agree too;
  :mod:`translator.matching.vocabulary`) score ``RENAMED``.
- *acronyms*: names equal once a run of two to four words of one is written as its initials
  (``ProgramCommitteeChair`` / ``Chair_PC``) score ``ACRONYM`` when that pair is the only such pair
  of both entities and neither entity has a synonym pair (below): a dictionary's word beats a guessed
  expansion (``Ar`` is WordNet's argon, not the initials of ``AromaticRing``).
- *synonyms*: names of the same kind of entity whose words differ only in WordNet synonyms
  (``Chairman`` / ``Chair``, ``has_the_last_name`` / ``hasSurname``: a word or a collocation for
  another that shares one of its most frequent senses, :mod:`translator.matching.text.wordnet`) score
  ``SYNONYM`` when that pair is the only such pair of both entities. Such pairs need not share a
  character n-gram, so each name is also looked up with one word replaced by each of its synonyms
  (:mod:`translator.matching.blocking`). Without a WordNet database this rule is off.
- *qualified*: a class named by the other's name (or a synonym of it) followed by the name of a
  superclass both have (``PressureSensor`` ⊑ ``Sensor`` / ``Pressure`` ⊑ ``Sensor``) scores
  ``QUALIFIED`` when that pair is the only such pair of both classes and neither has a synonym pair
  (:mod:`translator.matching.qualified`). Where one side has the bare name too (``Argon`` beside
  ``ArgonAtom``), the name finds it, and the decider's assignment adds the qualified form
  (:mod:`translator.matching.decider.assign`): two pairs of one class at one score would read as
  doubt about both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence

from translator.matching.entities import GROUPS, EntityText
from translator.matching.qualified import QUALIFIED, Words, qualified_pairs
from translator.matching.similarity import INVERSE_MARKER, soft_overlap, token_similar
from translator.matching.text.synonyms import synonymous
from translator.matching.text.wordnet import WordNet
from translator.matching.vocabulary import substitution, token_translations

__all__ = ["ACRONYM", "RENAMED", "RULES", "SPECIALISATION", "SYNONYM", "pair_level_boosts"]

SPECIALISATION = 0.8
"""Score of a name whose nearest counterpart is the other with modifiers added, when neither has a
same-name counterpart (``Regular_author`` / ``Author``, ``Conference_fees`` / ``Fee``)."""
RENAMED = 0.85
"""Score of two names equal up to a word the two models systematically name differently."""
ACRONYM = 0.85
"""Score of two names equal once a run of words of one is written as its initials (``Program
Committee Chair`` / ``Chair PC``), when neither has a same-name counterpart."""
SYNONYM = 0.85
"""Score of two names equal up to words WordNet gives as synonyms in their most frequent senses
(``Chairman`` / ``Chair``), when neither has a same-name counterpart: a curated lexicon's word, as
strong as a rename the pair of models shows several times."""
RULES = ("specialisation", "renaming", "acronyms", "synonyms", "qualified")
"""The set-level rules of the module docstring; each can be switched off (``MatchOptions.rules``), so
that which are on can be chosen by cross-validation (benchmarks/pairs.py)."""
_SPECIALISABLE = frozenset({"concept", "relation"})
"""Groups whose names may drop a modifier: a class or relation with a modifier is usually the only
one of its kind, an attribute's modifier picks a different value (``FirstName`` is no ``Name``)."""


def _head(words: tuple[str, ...]) -> str:
    """The head word of a name: the last, or the one before ``of`` (``Deadline_of_acceptance``)."""
    if INVERSE_MARKER in words[1:]:
        return words[words.index(INVERSE_MARKER, 1) - 1]
    return words[-1]


def _verb_head(wordnet: WordNet, words: tuple[str, ...]) -> str:
    """The head of a relation's name: its first word when that can only be a verb (``submitPaper``
    is a submitting, whose object is the paper), else :func:`_head`."""
    return words[0] if wordnet.only_verb(words[0]) else _head(words)


def _extra_modifiers(
    a: Sequence[tuple[str, ...]],
    b: Sequence[tuple[str, ...]],
    head: Callable[[tuple[str, ...]], str] = _head,
) -> int | None:
    """How many modifiers the longer name adds when the shorter one is contained in it with the same
    head word (``Author`` / ``Regular_author``: 1); None when no variants relate so."""
    best: int | None = None
    for xt in a:
        for yt in b:
            x, y = frozenset(xt), frozenset(yt)
            if not x or not y or len(x) == len(y):
                continue
            (small, small_set), (large, large_set) = sorted(((xt, x), (yt, y)), key=lambda v: len(v[1]))
            if soft_overlap(small_set, large_set) == len(small_set) and token_similar(
                head(small), head(large)
            ):
                extra = len(large_set) - len(small_set)
                best = extra if best is None else min(best, extra)
    return best


def _unique_minima(values: dict[tuple[int, int], int], side: int) -> set[tuple[int, int]]:
    """The pairs holding the single lowest value among the pairs of their ``side`` entity."""
    by_entity: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for pair, value in values.items():
        by_entity.setdefault(pair[side], []).append((value, pair))
    out = set()
    for options in by_entity.values():
        options.sort()
        if len(options) == 1 or options[0][0] < options[1][0]:
            out.add(options[0][1])
    return out


def _specialisations(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    eligible: Iterable[tuple[int, int]],
    wordnet: WordNet | None = None,
) -> set[tuple[int, int]]:
    """Pairs where one name is the other with modifiers added and the nearest such pair of both.
    With WordNet, a relation named by a verb and its object specialises the one named by the verb
    (``submitPaper`` / ``submit``)."""
    relation_head = _head if wordnet is None else functools.partial(_verb_head, wordnet)
    extra = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        group = GROUPS.get(a.kind)
        if group not in _SPECIALISABLE or group != GROUPS.get(b.kind):
            continue
        if group == "relation" and not a.lead_words & b.lead_words:
            continue  # assignReviewer is no hasReviewer: a relation's verb must agree
        head = relation_head if group == "relation" else _head
        count = _extra_modifiers(left[i].token_sets, right[j].token_sets, head)
        if count is not None:
            extra[(i, j)] = count
    return _unique_minima(extra, 0) & _unique_minima(extra, 1)


def _renamed(
    left: Sequence[EntityText], right: Sequence[EntityText], eligible: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs equal up to a word the two models systematically name differently
    (:func:`translator.matching.vocabulary.token_translations`)."""
    translations = token_translations(
        ((i, j), a, b) for i, j in eligible for a in left[i].token_sets for b in right[j].token_sets
    )
    out = set()
    for i, j in eligible:
        for a in left[i].token_sets:
            for b in right[j].token_sets:
                sub = substitution(a, b)
                if sub is not None and translations.get(sub[0]) == sub[1]:
                    out.add((i, j))
    return out


def _synonyms(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    eligible: Iterable[tuple[int, int]],
    wordnet: WordNet,
) -> set[tuple[int, int]]:
    """Pairs of entities of one group whose names differ only in WordNet synonyms, when that pair
    is the only such pair of both entities (:func:`translator.matching.text.synonyms.synonymous`)."""
    found: dict[tuple[int, int], int] = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        if GROUPS.get(a.kind) != GROUPS.get(b.kind):
            continue
        if any(synonymous(x, y, wordnet) for x in a.token_sets for y in b.token_sets):
            found[(i, j)] = 0
    return _unique_minima(found, 0) & _unique_minima(found, 1)


@functools.lru_cache(maxsize=1 << 16)
def _acronym_forms(words: tuple[str, ...]) -> frozenset[frozenset[str]]:
    """The word sets of a name with one run of 2–4 words written as its initials
    (``program committee chair`` → ``{pc, chair}``); cached, as each name meets many others."""
    out: set[frozenset[str]] = set()
    for size in range(2, min(4, len(words)) + 1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if all(len(w) > 1 for w in run):
                short = "".join(w[0] for w in run)
                out.add(frozenset((*words[:start], short, *words[start + size :])))
    return frozenset(out)


def _acronyms(
    left: Sequence[EntityText], right: Sequence[EntityText], eligible: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs of one group whose names are equal once a run of words of one is written as its
    initials, as the other writes it (``ProgramCommitteeChair`` / ``Chair_PC``), when that pair is
    the only such pair of both entities."""
    found: dict[tuple[int, int], int] = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        if GROUPS.get(a.kind) != GROUPS.get(b.kind):
            continue
        for x in a.token_sets:
            for y in b.token_sets:
                if frozenset(y) in _acronym_forms(x) or frozenset(x) in _acronym_forms(y):
                    found[(i, j)] = 0
    return _unique_minima(found, 0) & _unique_minima(found, 1)


def pair_level_boosts(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    scored: dict[tuple[int, int], tuple[float, float, bool]],
    wordnet: WordNet | None = None,
    rules: Collection[str] = RULES,
    parents: tuple[Sequence[tuple[Words, ...]], Sequence[tuple[Words, ...]]] | None = None,
) -> dict[tuple[int, int], float]:
    """Scores (before the pair factor) that the whole candidate set justifies for some pairs, by
    the set-level ``rules`` that are on; ``parents``: the words of each entity's superclasses'
    names, both sides (:func:`translator.matching.qualified.parent_words`), for the *qualified*
    rule (off without them).

    Only entities without a same-name counterpart on the other side take part: ``Author`` never
    maps to ``Regular_author`` while the other model has an ``Author`` of its own.
    """
    exact_left = {i for (i, _), (_, _, same) in scored.items() if same}
    exact_right = {j for (_, j), (_, _, same) in scored.items() if same}
    eligible = [(i, j) for i, j in scored if i not in exact_left and j not in exact_right]
    boosts: dict[tuple[int, int], float] = {}
    found: list[tuple[str, float, Iterable[tuple[int, int]]]] = []
    if "specialisation" in rules:
        found.append(("specialisation", SPECIALISATION, _specialisations(left, right, eligible, wordnet)))
    if "renaming" in rules:
        found.append(("renaming", RENAMED, _renamed(left, right, eligible)))
    synonyms = set()
    if "synonyms" in rules and wordnet is not None:
        synonyms = _synonyms(left, right, eligible, wordnet)
    # a dictionary's word beats a guessed expansion or a qualified name: entities with a synonym
    # pair take no part in those rules
    worded = {i for i, _ in synonyms}, {j for _, j in synonyms}
    unworded = [(i, j) for i, j in eligible if i not in worded[0] and j not in worded[1]]
    if "acronyms" in rules:
        found.append(("acronyms", ACRONYM, _acronyms(left, right, unworded)))
    found.append(("synonyms", SYNONYM, synonyms))
    if "qualified" in rules and parents is not None:
        qualified = qualified_pairs(left, right, parents, unworded, wordnet)
        found.append(("qualified", QUALIFIED, _unique_minima(qualified, 0) & _unique_minima(qualified, 1)))
    for _, value, pairs in found:
        for pair in pairs:
            boosts[pair] = max(boosts.get(pair, 0.0), value)
    return boosts
