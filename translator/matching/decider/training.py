"""Training the decider on labelled pairs of models (:func:`fit_decider`).

Every labelled pair gives an :class:`Example`: the feature rows of its candidate pairs
(:mod:`translator.matching.decider.features`) and a label for each — 1 when the reference holds the
pair, 0 when it does not, and -1 (left out) when a partial reference says nothing about either
entity. Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``, a fixed recipe:
:data:`RECIPE`) learn the probability of a correspondence, never falling as evidence for the pair
rises (:func:`~translator.matching.decider.features.monotone`). The threshold is chosen out of fold
*within the training pairs*: the pairs are split into groups (pairs sharing a model share one), the
trees are fitted without each group and predict it, and the threshold with the best micro F1 of
those predictions (of the examples that calibrate, :attr:`Example.calibrates`) — after the
decider's assignment (:func:`translator.matching.decider.assign.assign`) — is kept. So nothing of
a pair that is later scored out of fold chooses anything.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from translator.alignment.model import Alignment
from translator.errors import TolkaError
from translator.matching.decider.assign import assign
from translator.matching.decider.features import FEATURES, PairFeatures, masked_probability, monotone
from translator.matching.decider.model import Decider
from translator.matching.decider.trees import TreeEnsemble, from_sklearn
from translator.matching.entities import EntityText
from translator.matching.extract import one_to_one

__all__ = ["GRID", "RECIPE", "Example", "counts", "counts_by_threshold", "fit_decider", "labelled_example"]

RECIPE: dict[str, Any] = {
    "max_iter": 200,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "l2_regularization": 1.0,
}
"""The trees' settings (fixed, never chosen on the labelled pairs)."""
GRID = tuple(round(0.05 + 0.025 * k, 3) for k in range(37))
"""Thresholds the training chooses from."""
INNER_GROUPS = 4
"""Groups of the inner cross-validation that chooses the threshold."""


@dataclass(frozen=True)
class Example:
    """One labelled pair of models, as the decider sees it."""

    name: str
    group: Hashable
    features: PairFeatures
    labels: np.ndarray
    source: Sequence[EntityText]
    target: Sequence[EntityText]
    reference_size: int
    calibrates: bool = True
    """Whether the example's inner predictions choose the threshold. The renderings of ontologies in
    other languages (:mod:`translator.matching.decider.translated`) teach the trees only: one
    dictionary renders and reads them back, so their true pairs score higher than a human
    translation's would, and out of fold they pulled the threshold of every other family."""


def labelled_example(
    name: str,
    group: Hashable,
    features: PairFeatures,
    source: Sequence[EntityText],
    target: Sequence[EntityText],
    reference: Alignment,
    *,
    partial: bool = False,
    original_ids: Mapping[str, str] | None = None,
) -> Example:
    """Label the candidate pairs of ``features`` by ``reference``; ``original_ids`` maps re-identified
    source ids back to the reference's; with ``partial``, pairs touching no reference entity get -1."""
    back = original_ids or {}
    truth = {(c.subject_id, c.object_id) for c in reference.equivalences()}
    subjects, objects = {a for a, _ in truth}, {b for _, b in truth}
    labels = np.zeros(len(features.rows), dtype=np.int8)
    for k, (i, j) in enumerate(zip(features.rows, features.cols, strict=True)):
        a, b = back.get(source[i].id, source[i].id), target[j].id
        if (a, b) in truth:
            labels[k] = 1
        elif partial and a not in subjects and b not in objects:
            labels[k] = -1
    return Example(name, group, features, labels, source, target, len(truth))


def counts(example: Example, probability: np.ndarray, threshold: float) -> tuple[int, int, int]:
    """True positives, false positives and false negatives of the decider's assignment on ``example``
    (pairs labelled -1 are not counted)."""
    return counts_by_threshold(example, probability, (threshold,))[threshold]


def counts_by_threshold(
    example: Example, probability: np.ndarray, thresholds: Sequence[float]
) -> dict[float, tuple[int, int, int]]:
    """:func:`counts` at each of ``thresholds``, the greedy one-to-one step done once."""
    f = example.features
    matrix = sparse.csr_matrix(
        (probability, (f.rows, f.cols)), shape=(len(example.source), len(example.target))
    )
    label = {(int(i), int(j)): int(y) for i, j, y in zip(f.rows, f.cols, example.labels, strict=True)}
    lower = one_to_one(matrix, min(thresholds), method="greedy")
    out = {}
    for threshold in thresholds:
        tp = fp = 0
        for i, j, _ in assign(matrix, example.source, example.target, threshold, lower=lower):
            y = label.get((i, j), 0)
            tp, fp = tp + (y == 1), fp + (y == 0)
        out[threshold] = (tp, fp, example.reference_size - tp)
    return out


def _f1(rows: Sequence[tuple[int, int, int]]) -> float:
    tp, fp, fn = (sum(r[k] for r in rows) for k in range(3))
    return 2 * tp / max(1, 2 * tp + fp + fn)


def _fit(examples: Sequence[Example], columns: np.ndarray, seed: int) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.concatenate([e.features.matrix[e.labels >= 0][:, columns] for e in examples])
    y = np.concatenate([e.labels[e.labels >= 0] for e in examples])
    if len(set(y.tolist())) < 2:
        raise TolkaError("the decider needs true and false candidate pairs to learn from")
    model = HistGradientBoostingClassifier(
        **RECIPE, monotonic_cst=monotone([FEATURES[c] for c in columns]), random_state=seed
    ).fit(x, y)
    return from_sklearn(model)


def _inner_probabilities(examples: Sequence[Example], columns: np.ndarray, seed: int) -> list[np.ndarray]:
    """Each example's probabilities from trees fitted without its inner group."""
    groups = sorted({repr(e.group) for e in examples})
    bucket = {g: k % INNER_GROUPS for k, g in enumerate(groups)}
    out: list[np.ndarray | None] = [None] * len(examples)
    for b in sorted(set(bucket.values())):
        held = [k for k, e in enumerate(examples) if bucket[repr(e.group)] == b]
        trees = _fit([e for k, e in enumerate(examples) if k not in held], columns, seed)
        for k in held:
            matrix = examples[k].features.matrix
            out[k] = masked_probability(trees, matrix, columns)
    return [p if p is not None else np.zeros(0) for p in out]


def fit_decider(
    examples: Sequence[Example],
    *,
    features: Sequence[str] = FEATURES,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Decider:
    """Train a decider on ``examples``: trees on all of them, the threshold chosen on inner
    out-of-fold predictions (see the module docstring; with one group only, on in-sample ones)."""
    if not examples:
        raise TolkaError("no labelled pairs to train the decider on")
    report = progress or (lambda message: None)
    columns = np.asarray([FEATURES.index(f) for f in features], dtype=np.int64)
    if len({repr(e.group) for e in examples}) >= 2:
        report("choosing the threshold out of fold")
        inner = _inner_probabilities(examples, columns, seed)
        how = (
            f"inner cross-validation over {min(INNER_GROUPS, len({repr(e.group) for e in examples}))} groups"
        )
    else:
        inner = []
        how = "in sample (one group)"
    report("fitting the trees")
    trees = _fit(examples, columns, seed)
    if not inner:
        inner = [masked_probability(trees, e.features.matrix, columns) for e in examples]
    table = [counts_by_threshold(e, p, GRID) for e, p in zip(examples, inner, strict=True) if e.calibrates]
    if not table:
        raise TolkaError("no example to choose the threshold on: give labelled pairs, not only renderings")
    scored = {t: _f1([row[t] for row in table]) for t in GRID}
    threshold = max(GRID, key=lambda t: (scored[t], -abs(t - 0.5)))
    record = {
        "pairs": [e.name for e in examples],
        "candidates": int(sum(len(e.labels) for e in examples)),
        "true_candidates": int(sum(int((e.labels == 1).sum()) for e in examples)),
        "recipe": RECIPE,
        "monotone": {f: c for f, c in zip(features, monotone(features), strict=True) if c},
        "seed": seed,
        "threshold": {"value": threshold, "how": how, "micro_f1": round(scored[threshold], 4)},
    }
    return Decider(tuple(features), trees, threshold, record)
