"""Instance-based evidence: which field of one stream explains which field of another, and how.

:func:`score_pairs` aligns the two streams (the clock lag estimated by cross-correlation unless
given), then scores every candidate pair of varying fields: continuous numbers by the absolute
Pearson correlation of the resampled values, with the fitted affine transform (snapped to a unit
conversion when one fits) and its residual; discrete fields (states, flags, strings, small whole
numbers) by normalised mutual information, with a value map, a boolean copy/inversion, or an exact
affine transform when the map is one. Constant fields are reported, never scored.
:func:`mutual_best` keeps, per source field, its best target when that target's best source is it.

Example:
    >>> evidence = score_pairs(read_series("vendor_a.jsonl"), read_series("vendor_b.jsonl"))  # doctest: +SKIP
    >>> [(p.source, p.target) for p in mutual_best(evidence.pairs)]  # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from translator.instances.align import common_grid, discrete, estimate_lag, resample, shifted
from translator.instances.fit import (
    COMMON_UNITS,
    AffineFit,
    BooleanFit,
    ValueMapFit,
    fit_affine,
    fit_boolean,
    fit_value_map,
    plain_value,
)
from translator.instances.series import Kind, Series

__all__ = [
    "Evidence",
    "Fit",
    "PairEvidence",
    "apply",
    "distribution_distance",
    "mutual_best",
    "normalised_mutual_information",
    "score_pairs",
]

Fit = AffineFit | ValueMapFit | BooleanFit
"""What turns a source field's values into the target field's."""


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """One candidate pair: ``score`` in [0, 1] (|Pearson| or normalised mutual information), the
    fitted ``transform`` and its ``residual`` (relative RMS error for numbers, the share of samples
    mapped wrongly for discrete values), and ``distance``, how far the transformed source values'
    distribution lies from the target's regardless of time (the Wasserstein distance relative to
    the target's range for numbers, the total variation distance for discrete values)."""

    source: str
    target: str
    score: float
    transform: Fit
    residual: float
    method: str
    distance: float = 0.0

    @property
    def exact(self) -> bool:
        """The transform is exact: a snapped affine (unit conversion or copy), a value map or a
        flag; an unsnapped least-squares line is not."""
        return not isinstance(self.transform, AffineFit) or self.transform.snapped


@dataclass(frozen=True, slots=True)
class Evidence:
    """Every scored pair (best first), the lag used (``t_target = t_source + lag``) and the
    constant fields of each side, left unscored."""

    pairs: tuple[PairEvidence, ...]
    lag: float
    constant_source: tuple[str, ...]
    constant_target: tuple[str, ...]


def _codes(values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    _, codes = np.unique(np.asarray([repr(v) for v in values]), return_inverse=True)
    return np.asarray(codes, dtype=np.int64).ravel()


def normalised_mutual_information(
    x: Sequence[Any] | npt.NDArray[Any], y: Sequence[Any] | npt.NDArray[Any]
) -> float:
    """``I(X; Y) / sqrt(H(X) H(Y))`` of two aligned discrete sequences, in [0, 1]; 0 when either is
    constant."""
    a, b = _codes(np.asarray(x, dtype=object)), _codes(np.asarray(y, dtype=object))
    if len(a) == 0:
        return 0.0
    joint = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(joint, (a, b), 1.0)
    joint /= joint.sum()
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nonzero = joint > 0
    mi = float(np.sum(joint[nonzero] * np.log(joint[nonzero] / np.outer(pa, pb)[nonzero])))
    ha = -float(np.sum(pa[pa > 0] * np.log(pa[pa > 0])))
    hb = -float(np.sum(pb[pb > 0] * np.log(pb[pb > 0])))
    if ha <= 0 or hb <= 0:
        return 0.0
    return max(0.0, min(1.0, mi / float(np.sqrt(ha * hb))))


def _pearson(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    norm = float(np.sqrt(np.sum(dx**2) * np.sum(dy**2)))
    return float(np.sum(dx * dy)) / norm if norm > 0 else 0.0


def _units(source: str | None, target: str | None) -> tuple[str, ...]:
    """The units snapping tries: the pair's own when both are known, else the common ones with
    whichever is known."""
    if source and target:
        return (source, target)
    return tuple(dict.fromkeys([u for u in (source, target) if u] + list(COMMON_UNITS)))


def _discrete_transform(
    x: npt.NDArray[Any], y: npt.NDArray[Any], source: Series, target: Series
) -> tuple[Fit, float]:
    both_flags = {Kind.BOOLEAN} & {source.kind, target.kind} and len(set(x.tolist())) == len(
        set(y.tolist())
    ) == 2
    if both_flags and source.kind is not Kind.STRING and target.kind is not Kind.STRING:
        flag = fit_boolean(x, y)
        return flag, 1.0 - flag.accuracy
    mapping = fit_value_map(x, y)
    numbers = source.kind is Kind.NUMBER and target.kind is Kind.NUMBER and len(mapping.pairs) >= 2
    if numbers:
        xs = np.array([s for s, _ in mapping.pairs], dtype=np.float64)
        ys = np.array([t for _, t in mapping.pairs], dtype=np.float64)
        scale, offset = np.polyfit(xs, ys, 1)
        if np.allclose(scale * xs + offset, ys) and (len(xs) >= 3 or np.allclose(xs, ys)):
            if np.isclose(scale, 1.0) and np.isclose(offset, 0.0, atol=1e-9):
                return AffineFit(1.0, 0.0, 0.0, 1.0, None, True), 1.0 - mapping.accuracy
            line = AffineFit(float(scale), float(offset), 0.0, 1.0)
            return line, 1.0 - mapping.accuracy
    return mapping, 1.0 - mapping.accuracy


def apply(transform: Fit, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``transform`` applied to source ``values`` (unmapped discrete values stay as they are)."""
    if isinstance(transform, AffineFit):
        return transform.scale * values.astype(np.float64) + transform.offset
    if isinstance(transform, BooleanFit):
        flags = values.astype(np.float64) != 0
        return np.asarray(flags != transform.inverted, dtype=np.float64)
    mapping = dict(transform.pairs)
    return np.array([mapping.get(plain_value(v), v) for v in values], dtype=object)


def distribution_distance(x: npt.NDArray[Any], y: npt.NDArray[Any], continuous: bool) -> float:
    """How far the distribution of ``x`` lies from ``y``'s, in [0, 1]: the 1-Wasserstein distance
    relative to y's range (capped at 1) for continuous values, the total variation distance for
    discrete ones."""
    if len(x) == 0 or len(y) == 0:
        return 1.0
    if continuous:
        span = float(np.ptp(y.astype(np.float64))) or 1.0
        xs, ys = np.sort(x.astype(np.float64)), np.sort(y.astype(np.float64))
        quantiles = np.linspace(0.0, 1.0, min(len(xs), len(ys), 512))
        gap = np.mean(np.abs(np.quantile(xs, quantiles) - np.quantile(ys, quantiles)))
        return min(1.0, float(gap) / span)
    left = Counter(plain_value(v) for v in x)
    right = Counter(plain_value(v) for v in y)
    keys = set(left) | set(right)
    return 0.5 * sum(abs(left[k] / len(x) - right[k] / len(y)) for k in keys)


def score_pairs(
    source: Mapping[str, Series],
    target: Mapping[str, Series],
    *,
    lag: float | None = None,
    max_lag: float = 30.0,
    source_units: Mapping[str, str] | None = None,
    target_units: Mapping[str, str] | None = None,
    min_score: float = 0.1,
) -> Evidence:
    """Score every pair of a varying ``source`` field and a varying ``target`` field of the same
    nature (continuous or discrete); pairs scoring below ``min_score`` are dropped.

    Args:
        source, target: the two streams' series (:func:`translator.instances.series.read_series`).
        lag: the target clock's lag behind the source's; estimated within ``±max_lag`` when None.
        source_units, target_units: known UNECE units by field; unit snapping then tries only the
            pair's two units, or conversions from (to) the one known unit into (from) one of
            :data:`translator.instances.fit.COMMON_UNITS`.
    """
    if lag is None:
        lag = estimate_lag(source, target, max_lag)
    constant_source = tuple(sorted(n for n, s in source.items() if s.constant))
    constant_target = tuple(sorted(n for n, s in target.items() if s.constant))
    varying_source = {n: s for n, s in source.items() if not s.constant}
    varying_target = {n: shifted(s, lag) for n, s in target.items() if not s.constant}
    grid = common_grid(varying_source, varying_target)
    if len(grid) < 2:
        return Evidence((), lag, constant_source, constant_target)
    left = {n: resample(s, grid) for n, s in varying_source.items()}
    right = {n: resample(s, grid) for n, s in varying_target.items()}
    pairs = []
    for sname, sseries in varying_source.items():
        for tname, tseries in varying_target.items():
            if discrete(sseries) != discrete(tseries):
                continue
            x, y = left[sname], right[tname]
            if discrete(sseries):
                score = normalised_mutual_information(x, y)
                if score < min_score:
                    continue
                transform, residual = _discrete_transform(x, y, sseries, tseries)
                distance = distribution_distance(apply(transform, x), y, continuous=False)
                pairs.append(
                    PairEvidence(sname, tname, score, transform, residual, "mutual-information", distance)
                )
            else:
                score = abs(_pearson(x, y))
                if score < min_score:
                    continue
                known = (source_units or {}).get(sname), (target_units or {}).get(tname)
                fit = fit_affine(x, y, _units(*known), source_unit=known[0], target_unit=known[1])
                distance = distribution_distance(apply(fit, x), y, continuous=True)
                pairs.append(PairEvidence(sname, tname, score, fit, fit.residual, "correlation", distance))
    pairs.sort(key=lambda p: (-p.score, p.residual, p.source, p.target))
    return Evidence(tuple(pairs), lag, constant_source, constant_target)


def mutual_best(pairs: Sequence[PairEvidence]) -> list[PairEvidence]:
    """Per source field its best target, kept only when that target's best source is the same
    field; sorted by source. Best: an exact transform (:attr:`PairEvidence.exact`) before a mere
    least-squares line; among exact transforms the lower residual for numbers (how well the
    conversion explains the target) and the higher score for discrete values (a many-to-one map
    onto a coarser field, such as a state onto its fault flag, has no residual but less mutual
    information); among lines the higher score. A field whose two best candidates tie (a state and
    a counter that each changed once) has no best: the data cannot tell them apart."""

    def rank(pair: PairEvidence) -> tuple[bool, float, float]:
        if not pair.exact:
            return (True, -pair.score, pair.residual)
        if pair.method == "correlation":
            return (False, pair.residual, -pair.score)
        return (False, 1.0 - pair.score, pair.residual)

    by_source: dict[str, list[PairEvidence]] = {}
    by_target: dict[str, list[PairEvidence]] = {}
    for pair in pairs:
        by_source.setdefault(pair.source, []).append(pair)
        by_target.setdefault(pair.target, []).append(pair)

    def unique_best(group: list[PairEvidence]) -> PairEvidence | None:
        ranked = sorted(group, key=lambda p: (rank(p), p.source, p.target))
        if len(ranked) > 1 and np.allclose(rank(ranked[0]), rank(ranked[1]), rtol=0.0, atol=1e-9):
            return None  # the data cannot tell the two apart
        return ranked[0]

    best_target = {name: unique_best(group) for name, group in by_source.items()}
    best_source = {name: unique_best(group) for name, group in by_target.items()}
    return [p for _, p in sorted(best_target.items()) if p is not None and best_source[p.target] is p]
