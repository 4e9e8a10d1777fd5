"""The simulated process: deterministic per seed, and physically sane."""

from __future__ import annotations

import numpy as np
import pytest

from services.simulator.process import FAULT, RUNNING, STOPPED, ProcessParams, Trace, simulate_process


@pytest.fixture(scope="module")
def trace() -> Trace:
    return simulate_process(ProcessParams(units=3), seed=0)


def test_same_seed_same_trace_other_seed_other_trace() -> None:
    params = ProcessParams(duration=120.0)
    one, two, other = simulate_process(params, 5), simulate_process(params, 5), simulate_process(params, 6)
    for name in one.signals:
        np.testing.assert_array_equal(one.signals[name], two.signals[name])
    assert not np.array_equal(one.signals["level"], other.signals["level"])


def test_adding_units_keeps_the_first_ones(trace: Trace) -> None:
    alone = simulate_process(ProcessParams(), seed=0)
    np.testing.assert_array_equal(alone.signals["speed"][0], trace.signals["speed"][0])


def test_level_stays_in_the_tank(trace: Trace) -> None:
    level = trace.signals["level"]
    assert level.min() >= 0.0
    assert level.max() <= trace.params.max_level
    assert level.max() - level.min() > 0.2  # it moves enough to be recognised


def test_mass_balance(trace: Trace) -> None:
    p = trace.params
    for unit in range(p.units):
        net = (trace.signals["inflow"][unit] - trace.signals["outflow"][unit]) / 3600.0 / p.area * p.dt
        level = trace.signals["level"][unit]
        np.testing.assert_allclose(level[1:] - level[0], np.cumsum(net[1:]), atol=1e-9)
        np.testing.assert_allclose(trace.signals["volume"][unit], level * p.area)


def test_pump_states_counters_and_current(trace: Trace) -> None:
    state = trace.signals["state"]
    assert set(np.unique(state)) == {STOPPED, RUNNING, FAULT}  # faults happen in a 3-skid 10-minute run
    for unit in range(trace.params.units):
        s = state[unit]
        started = np.count_nonzero((s[:-1] == STOPPED) & (s[1:] == RUNNING))
        starts = trace.signals["starts"][unit]
        assert starts[-1] - starts[0] == started
        hours = np.diff(trace.signals["run_hours"][unit])
        np.testing.assert_allclose(hours[s[1:] == RUNNING], trace.params.dt / 3600.0)
        assert np.all(hours[s[1:] != RUNNING] == 0.0)
        np.testing.assert_array_equal(trace.signals["fault"][unit], s == FAULT)
        speed, current = trace.signals["speed"][unit], trace.signals["current"][unit]
        moving = speed > 1.0
        relative = speed[moving] / trace.params.nominal_speed
        np.testing.assert_allclose(current[moving], 3.0 + 25.0 * relative**2)
        assert np.all(current[~moving] == 0.0)
        assert np.all(speed[s == FAULT][10:] < speed.max())  # it coasts down on a trip


def test_speed_ramps_are_limited(trace: Trace) -> None:
    step = np.abs(np.diff(trace.signals["speed"], axis=1))
    assert step.max() <= 400.0 * trace.params.dt + 1e-9


def _best_lag(cause: np.ndarray, effect: np.ndarray, steps: int) -> int:
    """The delay (in steps) at which ``effect`` correlates best with ``cause``."""
    cause, effect = cause - cause.mean(), effect - effect.mean()
    return int(np.argmax([np.dot(cause[: len(cause) - d], effect[d:]) for d in range(steps)]))


def test_temperature_lags_heater_power(trace: Trace) -> None:
    tested = 0
    for unit in range(trace.params.units):
        power = trace.signals["heater_power"][unit]
        tank = trace.signals["tank_temperature"][unit]
        outlet = trace.signals["outlet_temperature"][unit]
        for i in np.flatnonzero(np.diff(power) > 0) + 1:
            if i < 100 or i + 100 >= len(power) or not power[i : i + 100].all():
                continue
            tested += 1
            assert tank[i - 10] > tank[i - 1]  # cooling while the heater was off
            assert tank[i + 100] > tank[i]  # warming once it is on
            assert tank[i] < trace.params.thermostat[0] + 0.1  # it switched at the thermostat's low mark
            before, after = outlet[i] - outlet[i - 100], outlet[i + 100] - outlet[i]
            assert after > before  # the outlet turns upwards ...
            assert outlet[i + 1] - outlet[i] < 0.1 * abs(after - before)  # ... gradually, not in a jump
        tank_lag, outlet_lag = _best_lag(power, tank, 600), _best_lag(power, outlet, 600)
        assert 0 < tank_lag <= outlet_lag  # both follow the power late; the outlet later still
    assert tested >= 5
