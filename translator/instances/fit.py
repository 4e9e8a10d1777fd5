"""Value transforms fitted to aligned pairs of samples, with their residuals.

Numbers: a least-squares affine ``y = scale * x + offset``, snapped to an exact unit conversion
(computed by pint through :func:`translator.translation.units.conversion`) or to the identity when one fits
about as well; discrete values: the majority target value per source value; booleans: identity or
inversion.

Example:
    >>> x = np.linspace(0.0, 100.0, 50)
    >>> fit = fit_affine(x, 1.8 * x + 32.0, units=("CEL", "FAH", "BAR"))
    >>> fit.units, fit.scale, fit.offset
    (('CEL', 'FAH'), 1.8, 32.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from translator.errors import UnitError
from translator.translation.units import conversion

__all__ = [
    "COMMON_UNITS",
    "AffineFit",
    "BooleanFit",
    "ValueMapFit",
    "fit_affine",
    "fit_boolean",
    "fit_value_map",
    "plain_value",
    "unit_candidates",
]

COMMON_UNITS: Final = (
    "CEL", "FAH", "KEL", "BAR", "PS", "KPA", "PAL", "MQH", "G2", "L2", "RPM", "HTZ",
    "KWT", "BHP", "MTR", "INH", "FOT", "HUR", "SEC", "MIN", "P1",
)  # fmt: skip
"""UNECE codes tried when no units are known: temperature, pressure, flow, speed, power, length,
time and percent in the units plants commonly use."""


@dataclass(frozen=True, slots=True)
class AffineFit:
    """``y = scale * x + offset``; ``units`` the (source, target) UNECE codes when snapped to their
    exact conversion, ``identity`` when snapped to a copy; ``residual`` the RMS error relative to
    y's range, ``r2`` the coefficient of determination of the (snapped) transform."""

    scale: float
    offset: float
    residual: float
    r2: float
    units: tuple[str, str] | None = None
    identity: bool = False

    @property
    def snapped(self) -> bool:
        """An exact conversion (units or identity) rather than the least-squares line."""
        return self.identity or self.units is not None


@dataclass(frozen=True, slots=True)
class ValueMapFit:
    """Source value → the target value seen most often with it; ``accuracy`` the share of samples
    the map reproduces."""

    pairs: tuple[tuple[Any, Any], ...]
    accuracy: float


@dataclass(frozen=True, slots=True)
class BooleanFit:
    """A flag copied (``inverted`` False) or negated; ``accuracy`` the share of samples agreeing."""

    inverted: bool
    accuracy: float


def _quality(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], scale: float, offset: float
) -> tuple[float, float]:
    """RMS error relative to y's range, and R², of ``y ≈ scale * x + offset``."""
    error = y - (scale * x + offset)
    span = float(np.ptp(y)) or 1.0
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(error**2)) / total if total > 0 else (1.0 if not np.any(error) else 0.0)
    return float(np.sqrt(np.mean(error**2))) / span, r2


def unit_candidates(units: Sequence[str] = COMMON_UNITS) -> list[tuple[str, str, float, float]]:
    """Every ordered pair of distinct, convertible ``units`` with its (scale, offset)."""
    result = []
    for source, target in permutations(dict.fromkeys(units), 2):
        try:
            scale, offset = conversion(source, target)
        except UnitError:
            continue
        result.append((source, target, scale, offset))
    return result


def fit_affine(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    units: Sequence[str] = COMMON_UNITS,
    tolerance: float = 0.03,
    slack: float = 1.5,
    *,
    source_unit: str | None = None,
    target_unit: str | None = None,
) -> AffineFit:
    """The least-squares line through ``(x, y)``, snapped to an exact conversion when one fits.

    Both sides carry noise, so the least-squares slope of y on x is biased towards 0 and the inverse
    of x on y's away from it; the true slope lies between them. A candidate (the identity, or a
    conversion between two of ``units``) fits when its scale lies in that bracket widened by
    ``tolerance`` (relative), its line through the means misses its exact offset by at most
    ``tolerance`` of y's range, and its residual is at most ``slack`` times the least-squares one
    (plus ``tolerance``/100 of the range, for exact data). The best-fitting candidate wins;
    conversions with equal factors (RPM→HTZ, SEC→MIN) tie and the first in ``units``' order wins,
    so pass the fields' known units to decide. A known ``source_unit`` or ``target_unit`` keeps
    only the conversions from or to it (a flow in m³/h is never "converted" from kW).
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if len(xs) < 2 or np.ptp(xs) == 0:
        return AffineFit(0.0, float(ys.mean()) if len(ys) else 0.0, 0.0, 0.0)
    scale, offset = (float(v) for v in np.polyfit(xs, ys, 1))
    residual, r2 = _quality(xs, ys, scale, offset)
    span = float(np.ptp(ys)) or 1.0
    dx, dy = xs - xs.mean(), ys - ys.mean()
    sxy = float(np.sum(dx * dy))
    inverse = float(np.sum(dy**2)) / sxy if sxy != 0 else scale
    low, high = sorted((scale, inverse))
    low, high = low - tolerance * abs(low), high + tolerance * abs(high)
    best: AffineFit | None = None
    conversions = [
        c for c in unit_candidates(units) if source_unit in (None, c[0]) and target_unit in (None, c[1])
    ]
    candidates = [(None, None, 1.0, 0.0), *conversions]
    for source, target, exact_scale, exact_offset in candidates:
        if not low <= exact_scale <= high:
            continue
        if abs(float(ys.mean()) - exact_scale * float(xs.mean()) - exact_offset) > tolerance * span:
            continue
        fit_residual, fit_r2 = _quality(xs, ys, exact_scale, exact_offset)
        if fit_residual > slack * residual + tolerance / 100:
            continue
        if best is None or fit_residual < best.residual:
            pair = (source, target) if source is not None and target is not None else None
            best = AffineFit(exact_scale, exact_offset, fit_residual, fit_r2, pair, pair is None)
    return best or AffineFit(scale, offset, residual, r2)


def fit_value_map(x: Sequence[Any] | npt.NDArray[Any], y: Sequence[Any] | npt.NDArray[Any]) -> ValueMapFit:
    """Each source value → its most frequent target value (ties: the smallest), sorted by source
    value; numbers that are whole become ints."""
    joint = Counter(zip((plain_value(v) for v in x), (plain_value(v) for v in y), strict=True))
    best: dict[Any, tuple[int, Any]] = {}
    for (source, target), count in sorted(joint.items(), key=lambda item: (-item[1], repr(item[0][1]))):
        best.setdefault(source, (count, target))
    total = sum(joint.values())
    pairs = tuple(sorted(((s, t) for s, (_, t) in best.items()), key=lambda p: (isinstance(p[0], str), p[0])))
    accuracy = sum(count for count, _ in best.values()) / total if total else 0.0
    return ValueMapFit(pairs, accuracy)


def fit_boolean(x: npt.ArrayLike, y: npt.ArrayLike) -> BooleanFit:
    """Whether flag ``y`` copies flag ``x`` or negates it (values as truthy/falsy)."""
    xs = np.asarray(x, dtype=np.float64) != 0
    ys = np.asarray(y, dtype=np.float64) != 0
    agree = float(np.mean(xs == ys)) if len(xs) else 0.0
    return BooleanFit(agree < 0.5, max(agree, 1.0 - agree))


def plain_value(value: Any) -> Any:
    """A NumPy scalar as a Python one, and a whole float as an int (how value maps key values)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
