"""Two streams on one time grid, and the constant lag between their clocks.

Continuous series are resampled linearly, discrete ones (states, flags, strings) by the previous
value (a sample holds until the next one). The lag is the shift of the second stream's clock
relative to the first's (``t_second = t_first + lag``) found by cross-correlation: for each
candidate lag in ``±max_lag`` the second stream's continuous fields are read at the grid shifted by
the lag, each field of the first stream keeps its best absolute Pearson correlation over the second
stream's fields, and the lag with the highest median of those best correlations wins (robust to the
many fields that match nothing). Correlations are taken on first differences, which have narrow
peaks where the levels of slow signals have broad ones.

Example:
    >>> grid = np.arange(0.0, 5.0)
    >>> resample(Series("x", Kind.NUMBER, np.array([0.0, 4.0]), np.array([0.5, 8.5])), grid).tolist()
    [0.5, 2.5, 4.5, 6.5, 8.5]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from translator.instances.series import Kind, Series

__all__ = ["DISCRETE_STATES", "common_grid", "discrete", "estimate_lag", "resample", "shifted"]

DISCRETE_STATES = 16
"""A whole-numbered field with at most this many distinct values is treated as discrete (states,
codes, small counts); more, and it is a measurement."""


def discrete(series: Series) -> bool:
    """Booleans, strings, and whole numbers with few distinct values (:data:`DISCRETE_STATES`)."""
    if series.kind is not Kind.NUMBER:
        return True
    return series.integral and len(np.unique(series.values)) <= DISCRETE_STATES


def _period(series: Series) -> float:
    steps = np.diff(series.times)
    steps = steps[steps > 0]
    return float(np.median(steps)) if len(steps) else 1.0


def common_grid(
    first: Mapping[str, Series], second: Mapping[str, Series], step: float | None = None, lag: float = 0.0
) -> npt.NDArray[np.float64]:
    """A regular grid over the time both streams cover (the second's times less ``lag``), at
    ``step`` or else the coarser of the two streams' median sampling periods."""
    if not first or not second:
        return np.empty(0, dtype=np.float64)
    start = max(min(s.times[0] for s in first.values()), min(s.times[0] for s in second.values()) - lag)
    stop = min(max(s.times[-1] for s in first.values()), max(s.times[-1] for s in second.values()) - lag)
    if step is None:
        step = max(
            np.median([_period(s) for s in first.values()]), np.median([_period(s) for s in second.values()])
        )
    if stop <= start or step <= 0:
        return np.empty(0, dtype=np.float64)
    return np.arange(start, stop + 1e-9, step, dtype=np.float64)


def resample(series: Series, grid: npt.NDArray[np.float64], lag: float = 0.0) -> npt.NDArray[Any]:
    """``series`` read at ``grid + lag``: linear for continuous series, previous value for discrete
    ones (before the first sample, the first value)."""
    times = grid + lag
    if not discrete(series):
        return np.interp(times, series.times, series.values.astype(np.float64))
    index = np.clip(np.searchsorted(series.times, times, side="right") - 1, 0, len(series.times) - 1)
    return series.values[index]


def shifted(series: Series, lag: float) -> Series:
    """``series`` with ``lag`` subtracted from its times (to the other stream's clock)."""
    return Series(series.name, series.kind, series.times - lag, series.values)


def _standardised(matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    centred = matrix - matrix.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    norms[norms == 0] = np.inf
    return np.asarray(centred / norms, dtype=np.float64)


def estimate_lag(
    first: Mapping[str, Series],
    second: Mapping[str, Series],
    max_lag: float = 30.0,
    resolution: float = 0.1,
) -> float:
    """The constant lag of ``second``'s clock behind ``first``'s (``t_second = t_first + lag``)
    within ``±max_lag``, to ``resolution`` seconds; 0.0 when no continuous fields vary."""
    a = {n: s for n, s in first.items() if not discrete(s) and not s.constant}
    b = {n: s for n, s in second.items() if not discrete(s) and not s.constant}
    grid = common_grid(a, b)
    if not a or not b or len(grid) < 4:
        return 0.0
    step = float(grid[1] - grid[0])
    margin = max_lag + step
    grid = grid[(grid >= grid[0] + margin) & (grid <= grid[-1] - margin)]
    if len(grid) < 4:
        return 0.0
    left = _standardised(np.diff(np.stack([resample(s, grid) for s in a.values()]), axis=1))
    lags = np.arange(-max_lag, max_lag + resolution / 2, resolution)
    scores = np.empty(len(lags))
    for i, lag in enumerate(lags):
        right = _standardised(np.diff(np.stack([resample(s, grid, float(lag)) for s in b.values()]), axis=1))
        best = np.abs(left @ right.T).max(axis=1)
        scores[i] = np.median(best)
    return float(np.round(lags[int(np.argmax(scores))], 6))
