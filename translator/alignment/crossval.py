"""Choosing settings by cross-validation over labelled pairs: the out-of-fold protocol.

A matching figure counts only if nothing in it was chosen on the pairs it reports. Everything a
configuration chooses (threshold, weights, nudges, which method, which model) is one *setting*; a
run scores every setting on every pair (true positives, false positives, false negatives) into a
table, and this module decides, for every pair, which setting it is reported with:

- **out of fold**: pairs are grouped into folds so that pairs sharing a model fall together
  (:func:`fold_groups`); for each fold the setting with the best micro F1 over the *other* folds'
  pairs is chosen (:func:`choose`, which is only ever handed those pairs' rows) and the fold's pairs
  are reported with it. This is leave-one-group-out cross-validation, as scikit-learn's
  ``LeaveOneGroupOut``.
- **in sample**: one setting, best over all pairs, the reported ones included — shown beside the
  out-of-fold figure so the gap is visible, never instead of it.

Ties go to the setting listed first, so a configuration lists its shipped default first.

Example:
    >>> table = {"t=0.7": {"a": (8, 2, 2), "b": (1, 9, 9)}, "t=0.9": {"a": (5, 0, 5), "b": (5, 0, 5)}}
    >>> out_of_fold(table, {"a": 0, "b": 1})
    {'a': 't=0.9', 'b': 't=0.7'}
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence

from translator.alignment.metrics import Scores
from translator.errors import TolkaError

__all__ = ["Counts", "choose", "fold_groups", "in_sample", "micro", "micro_f1", "out_of_fold"]

Counts = tuple[int, int, int]
"""True positives, false positives and false negatives of one pair under one setting."""


def micro(counts: Iterable[Counts]) -> Scores:
    """Precision, recall and F1 of the summed counts."""
    tp = fp = fn = 0
    for a, b, c in counts:
        tp, fp, fn = tp + a, fp + b, fn + c
    return Scores.from_counts(tp, fp, fn)


def micro_f1(counts: Iterable[Counts]) -> float:
    """F1 of the summed counts (0 when nothing was found or expected)."""
    return micro(counts).f1


def choose(table: Mapping[str, Mapping[str, Counts]], pairs: Collection[str]) -> str:
    """The setting of ``table`` (setting → pair → counts) with the best micro F1 over ``pairs``;
    ties go to the setting listed first."""
    if not table:
        raise TolkaError("no settings to choose from")
    if not pairs:
        raise TolkaError("no pairs to choose a setting on")
    best, best_f1 = "", -1.0
    for setting, row in table.items():
        missing = [p for p in pairs if p not in row]
        if missing:
            raise TolkaError(f"setting {setting!r} has no result for pairs {', '.join(sorted(missing))}")
        f1 = micro_f1(row[p] for p in pairs)
        if f1 > best_f1:
            best, best_f1 = setting, f1
    return best


def out_of_fold(table: Mapping[str, Mapping[str, Counts]], groups: Mapping[str, Hashable]) -> dict[str, str]:
    """For every pair of ``groups`` (pair → fold), the setting chosen on the pairs of the other folds.

    The choice for a fold is made on a copy of ``table`` that holds no row of that fold's pairs, so
    nothing of a held-out pair can reach it."""
    folds: dict[Hashable, list[str]] = {}
    for pair, group in groups.items():
        folds.setdefault(group, []).append(pair)
    if len(folds) < 2:
        raise TolkaError("cross-validation needs pairs from at least two folds")
    chosen: dict[str, str] = {}
    for held_out in folds.values():
        training = [p for p in groups if p not in held_out]
        visible = {s: {p: row[p] for p in training if p in row} for s, row in table.items()}
        setting = choose(visible, training)
        chosen.update((p, setting) for p in held_out)
    return chosen


def in_sample(table: Mapping[str, Mapping[str, Counts]], pairs: Collection[str]) -> str:
    """The one setting best over all ``pairs``, the reported ones included."""
    return choose(table, pairs)


def fold_groups(
    models: Mapping[str, Sequence[Hashable]], same: Mapping[Hashable, Iterable[Hashable]] | None = None
) -> dict[str, int]:
    """Fold numbers for pairs (pair → its models' keys) so that pairs sharing a model share a fold.

    ``same`` lists further keys that count as the same model as a key (a translation, a copy under
    other IRIs). Folds are numbered 0, 1, ... in the order of their first pair."""
    parent: dict[Hashable, Hashable] = {}

    def find(key: Hashable) -> Hashable:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: Hashable, b: Hashable) -> None:
        parent[find(a)] = find(b)

    for pair, keys in models.items():
        union(("pair", pair), ("pair", pair))
        for key in keys:
            union(("pair", pair), ("model", key))
    for key, others in (same or {}).items():
        for other in others:
            union(("model", key), ("model", other))
    numbers: dict[Hashable, int] = {}
    out: dict[str, int] = {}
    for pair in models:
        root = find(("pair", pair))
        out[pair] = numbers.setdefault(root, len(numbers))
    return out
