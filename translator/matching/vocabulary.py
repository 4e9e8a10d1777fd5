"""Pair-level vocabulary: the words one model systematically uses where the other uses others.

Two models written by different people (vendors, teams) often agree on the structure of their names
and differ in one recurring word: one says ``Accepted_contribution``, ``Rejected_contribution``,
``Submitted_contribution`` where the other says ``AcceptedPaper``, ``RejectedPaper``,
``SubmittedPaper``; one vendor writes ``Drum_Level``, ``Drum_Pressure`` where the other writes
``Vessel_Level``, ``Vessel_Pressure``. No lexicon knows every such rename, but the pair of models
shows it: every candidate pair whose token sequences share a prefix or a suffix and differ in one
run of words casts a vote for that substitution (``contribution`` → ``paper``, or ``paid
applicant`` → ``registered participant`` from ``Early_paid_applicant`` /
``Early-Registered_Participant`` and ``Late_…``). A substitution is accepted for this pair of
models when several distinct name pairs vote for it and it is the clear favourite of both its
sides (a single coincidence such as ``Conference_chair`` / ``Conference_member`` never has the
votes, and words with two equally supported renames get none). The caller scores the voting pairs
as renamed equals; a translation never leaves the pair of models it was mined from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

__all__ = ["MIN_VOTES", "Words", "substitution", "token_translations"]

MIN_VOTES = 2
"""Distinct name pairs that must agree before a word substitution is believed."""


Words = tuple[str, ...]


def substitution(a: Words, b: Words) -> tuple[Words, Words] | None:
    """The words that differ between two token sequences that share a prefix or a suffix.

    >>> substitution(("accepted", "contribution"), ("accepted", "paper"))
    (('contribution',), ('paper',))
    >>> substitution(("early", "paid", "applicant"), ("early", "registered", "participant"))
    (('paid', 'applicant'), ('registered', 'participant'))
    >>> substitution(("paper",), ("contribution",)) is None  # no context to agree on
    True
    """
    shortest = min(len(a), len(b))
    prefix = 0
    while prefix < shortest and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    x, y = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
    if not x or not y or prefix + suffix == 0:
        return None
    return x, y


def _clear_favourites(votes: dict[tuple[Words, Words], int], side: int) -> set[tuple[Words, Words]]:
    """Substitutions with strictly more votes than any other of the same words on ``side``."""
    by_word: dict[Words, list[tuple[int, tuple[Words, Words]]]] = defaultdict(list)
    for sub, count in votes.items():
        by_word[sub[side]].append((count, sub))
    out = set()
    for options in by_word.values():
        options.sort(reverse=True)
        if len(options) == 1 or options[0][0] > options[1][0]:
            out.add(options[0][1])
    return out


def token_translations(
    pairs: Iterable[tuple[Hashable, Words, Words]], *, min_votes: int = MIN_VOTES
) -> dict[Words, Words]:
    """Word substitutions that a pair of models makes systematically.

    Args:
        pairs: ``(pair key, source tokens, target tokens)`` for the candidate name pairs; the key
            identifies the entity pair, so that several name variants of one pair vote once.
        min_votes: distinct entity pairs that must vote for a substitution.

    Returns:
        ``{source words: target words}`` for every substitution with at least ``min_votes`` votes
        that is the clear favourite of both its words.

    >>> token_translations([
    ...     (1, ("accepted", "contribution"), ("accepted", "paper")),
    ...     (2, ("rejected", "contribution"), ("rejected", "paper")),
    ...     (3, ("conference", "chair"), ("conference", "member")),
    ... ])
    {('contribution',): ('paper',)}
    """
    voters: dict[tuple[Words, Words], set[Hashable]] = defaultdict(set)
    for key, a, b in pairs:
        sub = substitution(a, b)
        if sub is not None:
            voters[sub].add(key)
    votes = {sub: len(keys) for sub, keys in voters.items()}
    accepted = _clear_favourites(votes, 0) & _clear_favourites(votes, 1)
    return {x: y for x, y in sorted(accepted) if votes[(x, y)] >= min_votes}
