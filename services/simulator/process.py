"""The physical process: pump skids with a tank, a pump, an outlet valve and a heater.

Each skid (unit) is stepped at a fine internal rate (``dt``, 0.1 s by default) by explicit Euler:

- **Pump**: a state machine Stopped (0) / Running (1) / Fault (2). A stopped pump starts at random
  (an operator) or on low tank level; a running pump stops at random or on high level (overfill
  protection) and trips on a fault now and then; a fault resets to Stopped after 20–60 s. While
  running, the speed follows a setpoint (changed now and then) with a ramp; otherwise it coasts down.
  Every start counts (``starts``); running time accumulates (``run_hours``).
- **Hydraulics**: the pump fills the tank, ``inflow ∝ speed``; the outlet valve (a position that
  moves at a limited rate to a new target now and then) drains it, ``outflow ∝ valve·√level``. The
  level integrates ``(inflow − outflow) / area`` and stays in ``[0, max_level]`` (flows are cut, not
  the level, so the mass balance holds exactly). Discharge pressure is pump head ``∝ speed²`` minus a
  flow loss plus the static head of the tank; suction pressure falls with flow. Motor current is an
  idle part plus a load ``∝ speed²``.
- **Heat**: a thermostat with hysteresis switches the heater (full power or off) on the tank
  temperature, which relaxes (first order) towards the inlet temperature plus the heating, faster
  with more inflow; the heater outlet temperature lags the tank temperature plus the heater's rise.
- Conductivity wanders (mean-reverting random walk); ``volume`` and ``heater_energy`` are derived.

Random numbers come from ``numpy.random.Generator(PCG64(...))`` seeded by ``(seed, unit)`` only, so a
seed gives the same trace, and adding units does not change the first ones.

Example:
    >>> trace = simulate_process(ProcessParams(duration=60.0), seed=1)
    >>> trace.signals["level"].shape
    (1, 601)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["SIGNALS", "ProcessParams", "Trace", "simulate_process", "unit_rng"]

SIGNALS: Final = (
    "level", "inflow", "outflow", "tank_temperature", "outlet_temperature", "inlet_temperature",
    "pressure", "suction_pressure", "speed", "current", "valve", "heater_power", "heater_on", "state",
    "fault", "run_hours", "starts", "volume", "heater_energy", "conductivity",
)  # fmt: skip
"""The signals of one unit, in process units: m, m³/h, °C, bar, rpm, A, %, kW, h, m³, kWh, µS/cm."""

STOPPED, RUNNING, FAULT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ProcessParams:
    """The process's size and behaviour (defaults give lively 10-minute recordings).

    Attributes:
        duration: simulated seconds; dt: the internal step (s); units: number of skids.
        area: tank cross-section (m²); max_level: tank height (m); high_level / low_level: the
            levels at which the pump is stopped / started automatically.
        max_flow: pump flow at nominal speed (m³/h); nominal_speed: rpm; valve_coefficient: outflow
            (m³/h) at a fully open valve and 1 m of level.
        heater_power: kW when on; heater_gain: K of temperature rise per kW at no inflow;
            thermostat: the on and off temperatures (°C); tank_tau / outlet_tau: time constants (s).
        mean_run / mean_stop / mean_fault / mean_setpoint / mean_valve: mean seconds between
            operator stops, operator starts, faults, speed setpoint changes and valve moves.
    """

    duration: float = 600.0
    dt: float = 0.1
    units: int = 1
    area: float = 1.5
    max_level: float = 3.0
    high_level: float = 2.6
    low_level: float = 0.6
    max_flow: float = 22.0
    nominal_speed: float = 1750.0
    valve_coefficient: float = 18.0
    heater_power: float = 45.0
    heater_gain: float = 1.8
    thermostat: tuple[float, float] = (50.0, 56.0)
    tank_tau: float = 120.0
    outlet_tau: float = 20.0
    mean_run: float = 300.0
    mean_stop: float = 45.0
    mean_fault: float = 500.0
    mean_setpoint: float = 90.0
    mean_valve: float = 75.0


@dataclass(frozen=True, slots=True)
class Trace:
    """The simulated signals of one seed: ``signals[name][unit, step]`` at ``times[step]`` (seconds)."""

    params: ProcessParams
    times: npt.NDArray[np.float64]
    seed: int = 0
    signals: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)

    def at(self, name: str, unit: int, time: float) -> float:
        """The signal's value at the step nearest ``time``."""
        step = min(max(round(time / self.params.dt), 0), len(self.times) - 1)
        return float(self.signals[name][unit, step])


def unit_rng(seed: int, purpose: int, unit: int) -> np.random.Generator:
    """The random generator of one unit for one purpose (0 process, 1 vendor A, 2 vendor B)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, purpose, unit])))


def simulate_process(params: ProcessParams, seed: int = 0) -> Trace:
    """Step every unit for ``params.duration`` seconds; the trace has ``duration / dt + 1`` steps."""
    steps = round(params.duration / params.dt) + 1
    times = np.arange(steps, dtype=np.float64) * params.dt
    signals = {name: np.empty((params.units, steps), dtype=np.float64) for name in SIGNALS}
    for unit in range(params.units):
        rows = _simulate_unit(params, steps, unit_rng(seed, 0, unit))
        for name in SIGNALS:
            signals[name][unit] = rows[name]
    return Trace(params, times, seed, signals)


def _chance(mean_seconds: float, dt: float) -> float:
    """The probability per step of an event happening on average every ``mean_seconds``."""
    return 1.0 - math.exp(-dt / mean_seconds)


def _simulate_unit(p: ProcessParams, steps: int, rng: np.random.Generator) -> dict[str, list[float]]:
    dt = p.dt
    draws = rng.random((steps, 8)).tolist()
    normals = rng.standard_normal(steps).tolist()
    chances = _Chances.of(p)
    heater_on_at, heater_off_at = p.thermostat
    phase = float(rng.uniform(0.0, 2 * math.pi))

    level = float(rng.uniform(0.8, 1.8))
    state = RUNNING if rng.random() < 0.5 else STOPPED
    setpoint = float(rng.uniform(1000.0, p.nominal_speed))
    speed = setpoint if state == RUNNING else 0.0
    valve = valve_target = float(rng.uniform(20.0, 90.0))
    tank_t = float(rng.uniform(heater_on_at, heater_off_at))
    heater = bool(rng.random() < 0.5)
    outlet_t = tank_t
    conductivity = float(rng.uniform(350.0, 650.0))
    starts = float(rng.integers(10, 500))
    run_hours = float(rng.uniform(100.0, 5000.0))
    energy = 0.0
    fault_left = 0.0
    rows: dict[str, list[float]] = {name: [] for name in SIGNALS}

    for k in range(steps):
        u = draws[k]
        t = k * dt
        state, setpoint, starts, fault_left = _pump(p, chances, u, level, state, setpoint, starts, fault_left)
        target = setpoint if state == RUNNING else 0.0
        rate = 150.0 if state == RUNNING else 400.0
        speed += max(-rate * dt, min(rate * dt, target - speed))
        if state == RUNNING:
            run_hours += dt / 3600.0
        # the outlet valve
        if u[5] < chances.valve:
            valve_target = 10.0 + 90.0 * u[6]
        valve += max(-4.0 * dt, min(4.0 * dt, valve_target - valve))
        inflow, outflow, level = _flows(p, speed, valve, level)
        relative = speed / p.nominal_speed
        pressure = max(0.0, 4.6 * relative * relative - 0.002 * inflow * inflow) + 0.0981 * level
        suction = max(0.0, 1.4 - 0.0012 * inflow * inflow)
        current = 3.0 + 25.0 * relative * relative if speed > 1.0 else 0.0
        heater, power, inlet_t, tank_t, outlet_t = _heat(p, t, phase, inflow, heater, tank_t, outlet_t)
        energy += power * dt / 3600.0
        conductivity += 0.02 * (500.0 - conductivity) * dt + 2.0 * math.sqrt(dt) * normals[k]

        for name, value in (
            ("level", level), ("inflow", inflow), ("outflow", outflow), ("tank_temperature", tank_t),
            ("outlet_temperature", outlet_t), ("inlet_temperature", inlet_t), ("pressure", pressure),
            ("suction_pressure", suction), ("speed", speed), ("current", current), ("valve", valve),
            ("heater_power", power), ("heater_on", float(heater)), ("state", float(state)),
            ("fault", float(state == FAULT)), ("run_hours", run_hours), ("starts", starts),
            ("volume", level * p.area), ("heater_energy", energy), ("conductivity", conductivity),
        ):  # fmt: skip
            rows[name].append(value)
    return rows


class _Chances(NamedTuple):
    """The probabilities per step of the random events (see `ProcessParams`'s ``mean_*``)."""

    start: float
    stop: float
    fault: float
    setpoint: float
    valve: float

    @classmethod
    def of(cls, p: ProcessParams) -> _Chances:
        dt = p.dt
        return cls(
            start=_chance(p.mean_stop, dt),
            stop=_chance(p.mean_run, dt),
            fault=_chance(p.mean_fault, dt),
            setpoint=_chance(p.mean_setpoint, dt),
            valve=_chance(p.mean_valve, dt),
        )


def _pump(
    p: ProcessParams,
    chances: _Chances,
    u: list[float],
    level: float,
    state: int,
    setpoint: float,
    starts: float,
    fault_left: float,
) -> tuple[int, float, float, float]:
    """One step of the pump's state machine: the new state, speed setpoint, starts and fault time left."""
    if state == RUNNING:
        if u[0] < chances.fault:
            state, fault_left = FAULT, 20.0 + 40.0 * u[1]
        elif level >= p.high_level or u[2] < chances.stop:
            state = STOPPED
        elif u[3] < chances.setpoint:
            setpoint = 900.0 + (p.nominal_speed - 900.0) * u[4]
    elif state == STOPPED:
        if level <= p.low_level or (u[2] < chances.start and level < p.high_level - 0.3):
            state, starts = RUNNING, starts + 1.0
            setpoint = 900.0 + (p.nominal_speed - 900.0) * u[4]
    else:
        fault_left -= p.dt
        if fault_left <= 0.0:
            state = STOPPED
    return state, setpoint, starts, fault_left


def _flows(p: ProcessParams, speed: float, valve: float, level: float) -> tuple[float, float, float]:
    """One step of the hydraulics: inflow, outflow and the new level. Flows are cut so that the level
    stays in [0, max_level] and the balance holds."""
    dt = p.dt
    relative = speed / p.nominal_speed
    inflow = p.max_flow * relative
    outflow = p.valve_coefficient * valve / 100.0 * math.sqrt(level)
    change = (inflow - outflow) / 3600.0 / p.area * dt
    if level + change < 0.0:
        outflow = inflow + level * p.area * 3600.0 / dt
    elif level + change > p.max_level:
        inflow = outflow + (p.max_level - level) * p.area * 3600.0 / dt
    level += (inflow - outflow) / 3600.0 / p.area * dt
    level = min(max(level, 0.0), p.max_level)
    return inflow, outflow, level


def _heat(
    p: ProcessParams, t: float, phase: float, inflow: float, heater: bool, tank_t: float, outlet_t: float
) -> tuple[bool, float, float, float, float]:
    """One step of the heat: thermostat with hysteresis, first-order tank and outlet temperatures.
    Returns the heater's state and power, the inlet, tank and outlet temperatures."""
    heater_on_at, heater_off_at = p.thermostat
    dt = p.dt
    if tank_t < heater_on_at:
        heater = True
    elif tank_t > heater_off_at:
        heater = False
    power = p.heater_power if heater else 0.0
    inlet_t = 15.0 + 3.0 * math.sin(2 * math.pi * t / 1800.0 + phase)
    mixing = 1.0 + inflow / 20.0
    tank_t += (p.heater_gain * power - (tank_t - inlet_t) * mixing) / p.tank_tau * dt
    outlet_t += (tank_t + 0.15 * power - outlet_t) / p.outlet_tau * dt
    return heater, power, inlet_t, tank_t, outlet_t
