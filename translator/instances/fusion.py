"""Fusing instance evidence with the schema matcher's scores into calibrated probabilities.

Every candidate pair of fields — proposed by the schema matcher (its ``top_k`` best targets of each
source field) or by the data (a scored pair of varying fields) — gets a feature vector
(:data:`FEATURES`) and a probability of being a true correspondence from a logistic model:
``p = 1 / (1 + exp(-w · f))``. The features say what each kind of evidence can say:

- the schema score, whether the pair is the schema matcher's mutual best, and how alike the two
  descriptions are (:mod:`translator.instances.descriptions`): names and texts decide for fields
  that never changed during the recording, whose data features are all zero;
- when both fields varied: how well one explains the other (|Pearson| or normalised mutual
  information), whether the fitted transform is exact (a unit conversion, a copy, a value map, a
  flag), whether the pair is the data's mutual best, the residual and the distribution distance
  (data decides between look-alike names);
- when both varied but nothing in one explains the other: evidence against the pair;
- when exactly one of them varied: evidence against as well (two observations of one quantity do
  not differ in whether it changes);
- when the data is silent (neither varied, or one is not in its stream): the schema score and the
  description similarity again, so that names and texts can weigh more where they are all there is;
- what the models say the values are: the same kind (two flags — booleans or 0/1 enumerations —,
  two enumerations of as many values, two numbers whose units measure one quantity), or units of
  different quantities.

The weights are fitted by :func:`fit_weights` (L2-regularised logistic regression by Newton's
method) on labelled simulator recordings that are not the benchmark's: ``python benchmarks/learn.py
--calibrate`` prints :data:`DEFAULT_WEIGHTS` and the benchmark reports how well calibrated they are
on the evaluation seeds. :func:`select` then keeps a one-to-one set, most probable first, above a
threshold.

Example:
    >>> p = probability(features(Candidate("a", "b", schema=0.9, schema_best=True)))
    >>> 0.0 < p < 1.0
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from translator.instances.evidence import PairEvidence

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "Candidate",
    "Data",
    "features",
    "fit_weights",
    "probability",
    "select",
]

FEATURES: Final = (
    "bias",
    "schema",
    "schema_best",
    "description",
    "score",
    "exact",
    "data_best",
    "residual",
    "distance",
    "unexplained",
    "one_varies",
    "schema_alone",
    "description_alone",
    "same_kind",
    "units_clash",
)
"""The features of a candidate pair, in weight order."""

DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {
    "bias": -6.462,
    "schema": 1.197,
    "schema_best": 0.786,
    "description": 1.83,
    "score": 2.034,
    "exact": 2.375,
    "data_best": 5.575,
    "residual": -2.039,
    "distance": -1.947,
    "unexplained": -0.1,
    "one_varies": 0.115,
    "schema_alone": 0.169,
    "description_alone": 3.557,
    "same_kind": 1.84,
    "units_clash": -2.089,
}
"""Weights fitted by ``python benchmarks/learn.py --calibrate`` (simulator seeds 100-115, never an
evaluation seed)."""


class Data(StrEnum):
    """What the recordings say about a pair's two fields."""

    BOTH_VARY = "both vary"
    ONE_VARIES = "one varies"
    NONE = "no data"
    """Neither varied, or one is missing from its stream: only names can decide."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate pair of fields (node ids) and its evidence.

    Attributes:
        schema: the schema matcher's score (0 when it did not propose the pair).
        schema_best: the pair is the schema matcher's best for both fields.
        description: the TF-IDF cosine of the two fields' descriptions.
        evidence: the instance evidence, when both fields varied and one explains the other.
        data_best: the pair is the data's mutual best (:func:`translator.instances.mutual_best`).
        data: what the recordings say about the two fields.
        same_kind: the models give both fields the same kind of values (see the module doc).
        units_clash: the models give them units of different quantities.
    """

    source_id: str
    target_id: str
    schema: float = 0.0
    schema_best: bool = False
    description: float = 0.0
    evidence: PairEvidence | None = None
    data_best: bool = False
    data: Data = Data.NONE
    same_kind: bool = False
    units_clash: bool = False


def features(candidate: Candidate) -> npt.NDArray[np.float64]:
    """The candidate's feature vector, in :data:`FEATURES` order."""
    e = candidate.evidence
    varies = candidate.data is Data.BOTH_VARY
    return np.array(
        [
            1.0,
            candidate.schema,
            float(candidate.schema_best),
            candidate.description,
            e.score if e is not None else 0.0,
            float(e.exact) if e is not None else 0.0,
            float(candidate.data_best) if e is not None else 0.0,
            min(1.0, e.residual) if e is not None else 0.0,
            min(1.0, e.distance) if e is not None else 0.0,
            float(varies and e is None),
            float(candidate.data is Data.ONE_VARIES),
            candidate.schema if candidate.data is Data.NONE else 0.0,
            candidate.description if candidate.data is Data.NONE else 0.0,
            float(candidate.same_kind),
            float(candidate.units_clash),
        ],
        dtype=np.float64,
    )


def _vector(weights: Mapping[str, float]) -> npt.NDArray[np.float64]:
    return np.array([weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)


def probability(row: npt.NDArray[np.float64], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """The calibrated probability that a candidate with features ``row`` is a true correspondence."""
    return float(1.0 / (1.0 + np.exp(-float(row @ _vector(weights)))))


def fit_weights(
    rows: npt.NDArray[np.float64], labels: npt.NDArray[np.float64], l2: float = 1.0, steps: int = 50
) -> dict[str, float]:
    """Logistic regression weights for :data:`FEATURES` (the bias not regularised), by Newton's
    method on the labelled feature ``rows`` (1 = a true correspondence)."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return {name: round(float(value), 3) for name, value in zip(FEATURES, w, strict=True)}


def select(
    scored: Iterable[tuple[Candidate, float]],
    threshold: float = 0.5,
    taken_sources: Sequence[str] = (),
    taken_targets: Sequence[str] = (),
) -> list[tuple[Candidate, float]]:
    """A one-to-one subset of ``(candidate, probability)``: most probable first, at least
    ``threshold``, no field used twice (nor one already ``taken``)."""
    used_sources, used_targets = set(taken_sources), set(taken_targets)
    chosen = []
    ranked = sorted(scored, key=lambda cp: (-cp[1], cp[0].source_id, cp[0].target_id))
    for candidate, p in ranked:
        if p < threshold:
            break
        if candidate.source_id in used_sources or candidate.target_id in used_targets:
            continue
        used_sources.add(candidate.source_id)
        used_targets.add(candidate.target_id)
        chosen.append((candidate, p))
    return chosen
