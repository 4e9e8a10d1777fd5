"""Fitting value transforms: unit conversions, value maps, flags."""

from __future__ import annotations

import numpy as np
import pytest

from tests.translator.instances.conftest import Plant
from translator.instances.align import common_grid, resample, shifted
from translator.instances.fit import AffineFit, fit_affine, fit_boolean, fit_value_map
from translator.translation.units import conversion


def _aligned(plant: Plant, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    source, target = plant.a[a], shifted(plant.b[b], 2.0)
    grid = common_grid({a: source}, {b: target})
    return resample(source, grid), resample(target, grid)


@pytest.mark.parametrize(
    ("a", "b", "units"),
    [
        ("PumpSkid1.Tank.Temperature", "/Skid_01/PLC/AnalogInputs/TT_102", ("CEL", "FAH")),
        ("PumpSkid1.Pump.Speed", "/Skid_01/PLC/AnalogInputs/SC_107", ("RPM", "HTZ")),
        ("PumpSkid1.Pump.DischargePressure", "/Skid_01/PLC/AnalogInputs/PT_104", ("BAR", "PS")),
        ("PumpSkid1.Heater.Power", "/Skid_01/PLC/AnalogInputs/JT_111", ("KWT", "BHP")),
        ("PumpSkid1.Pump.RunHours", "/Skid_01/PLC/Counters/KQ_115", ("HUR", "SEC")),
    ],
)
def test_unit_conversion_recovered_exactly_from_simulated_pairs(
    plant: Plant, a: str, b: str, units: tuple[str, str]
) -> None:
    x, y = _aligned(plant, a, b)
    fit = fit_affine(x, y)  # the common units, not told which
    assert (fit.scale, fit.offset) == conversion(*units)
    assert fit.snapped
    if units != ("RPM", "HTZ"):  # 1/60 is also SEC→MIN; told the units, it is RPM→HTZ
        assert fit.units == units
    assert fit_affine(x, y, units=units).units == units


def test_celsius_to_fahrenheit_snaps_to_fah() -> None:
    fit = fit_affine([0.0, 20.0, 37.0, 100.0], [32.0, 68.0, 98.6, 212.0])
    assert fit == AffineFit(1.8, 32.0, fit.residual, fit.r2, ("CEL", "FAH"))
    assert fit.residual < 1e-12


def test_copy_snaps_to_identity_and_unrelated_line_does_not_snap() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, 300)
    copy = fit_affine(x, x + rng.normal(0, 0.5, 300))
    assert copy.identity
    assert (copy.scale, copy.offset) == (1.0, 0.0)
    line = fit_affine(x, 2.5 * x - 7.0 + rng.normal(0, 0.5, 300))
    assert not line.snapped
    assert line.scale == pytest.approx(2.5, rel=0.01)
    assert line.offset == pytest.approx(-7.0, abs=0.5)
    assert line.r2 > 0.99


def test_value_map_recovered_for_the_pump_state(plant: Plant) -> None:
    x, y = _aligned(plant, "PumpSkid1.Pump.State", "/Skid_01/PLC/DigitalInputs/XS_112")
    fit = fit_value_map(x, y)
    assert fit.pairs == ((0, 10), (1, 20))  # seed 0 never trips the pump
    assert fit.accuracy > 0.95


def test_value_map_majority_and_strings() -> None:
    states = ["Stopped", "Running", "Running", "Fault", "Stopped", "Running"]
    codes = ["OFF", "RUN", "RUN", "TRIP", "RUN", "RUN"]  # one sample caught mid-transition
    fit = fit_value_map(states, codes)
    assert dict(fit.pairs) == {"Stopped": "OFF", "Running": "RUN", "Fault": "TRIP"}
    assert fit.accuracy == pytest.approx(5 / 6)
    numbers = fit_value_map(np.array([0.0, 1.0, 2.0, 2.0]), np.array([10.0, 20.0, 90.0, 90.0]))
    assert numbers.pairs == ((0, 10), (1, 20), (2, 90))


def test_boolean_identity_and_inversion() -> None:
    flags = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    assert fit_boolean(flags, flags).inverted is False
    inverted = fit_boolean(flags, 1 - flags)
    assert inverted.inverted is True
    assert inverted.accuracy == 1.0


def test_a_known_unit_keeps_only_its_own_conversions() -> None:
    """A flow in m³/h proportional to a speed in Hz: with no units known, kW → hp (×1.341) fits the
    ratio by chance; knowing the source is in m³/h leaves no conversion that fits, so the honest
    least-squares line remains."""
    rng = np.random.default_rng(3)
    x = rng.uniform(5.0, 15.0, 300)
    y = 1.341 * x + rng.normal(0.0, 0.01, 300)
    assert fit_affine(x, y).units == ("KWT", "BHP")
    constrained = fit_affine(x, y, source_unit="MQH")
    assert constrained.units is None
    assert not constrained.snapped
    gallons = fit_affine(x, x * 4.402867539302475, target_unit="G2")
    assert gallons.units == ("MQH", "G2")
