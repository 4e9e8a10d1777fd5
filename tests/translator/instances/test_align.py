"""Resampling onto a common grid and recovering a constant clock lag."""

from __future__ import annotations

import numpy as np
import pytest

from tests.translator.instances.conftest import Plant
from translator.instances.align import common_grid, discrete, estimate_lag, resample
from translator.instances.series import Kind, Series


def _number(name: str, times: np.ndarray, values: np.ndarray) -> Series:
    return Series(name, Kind.NUMBER, times.astype(np.float64), values.astype(np.float64))


def test_resample_linear_and_previous_value() -> None:
    grid = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    smooth = _number("x", np.array([0.0, 1.0, 2.0]), np.array([0.0, 10.5, 21.0]))
    states = _number("s", np.array([0.0, 1.0, 2.0]), np.array([10.0, 20.0, 90.0]))
    assert not discrete(smooth)
    assert discrete(states)
    assert resample(smooth, grid).tolist() == [0.0, 5.25, 10.5, 15.75, 21.0]
    assert resample(states, grid).tolist() == [10.0, 10.0, 20.0, 20.0, 90.0]


def test_common_grid_covers_the_overlap_at_the_coarser_rate() -> None:
    a = {"x": _number("x", np.arange(0.0, 100.0, 1.0), np.arange(100.0) * 0.5)}
    b = {"y": _number("y", np.arange(10.0, 200.0, 2.0), np.arange(95.0) * 0.5)}
    grid = common_grid(a, b)
    assert grid[0] == 10.0
    assert grid[-1] == 98.0
    assert grid[1] - grid[0] == 2.0


@pytest.mark.parametrize("lag", [3.0, -3.0, 7.4])
def test_lag_of_a_shifted_series_is_recovered(lag: float) -> None:
    rng = np.random.default_rng(1)
    fine = np.arange(0.0, 600.0, 0.1)
    signal = np.cumsum(rng.normal(size=len(fine)))  # a random walk: no periodicity to confuse
    other = np.cumsum(rng.normal(size=len(fine)))
    a_times = np.arange(0.0, 590.0, 1.0)
    b_times = np.arange(0.0, 590.0, 2.0) + rng.uniform(-0.2, 0.2, 295)
    first = {
        "s": _number("s", a_times, np.interp(a_times, fine, signal)),
        "o": _number("o", a_times, np.interp(a_times, fine, other)),
    }
    # the second stream's clock reads t + lag when the first reads t
    second = {
        "s2": _number("s2", b_times + lag, 1.8 * np.interp(b_times, fine, signal) + 32.0),
        "n": _number("n", b_times + lag, rng.normal(size=len(b_times))),
    }
    assert estimate_lag(first, second, max_lag=15.0) == pytest.approx(lag, abs=0.5)


def test_lag_of_the_simulated_plant(plant: Plant) -> None:
    assert estimate_lag(plant.a, plant.b) == pytest.approx(2.0, abs=0.5)
