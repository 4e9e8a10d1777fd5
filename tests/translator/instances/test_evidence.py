"""Scoring candidate pairs of two streams and keeping the mutual best."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.simulator.recording import SimulationConfig, simulate, write_recording
from tests.translator.instances.conftest import Plant
from translator.instances.evidence import (
    PairEvidence,
    mutual_best,
    normalised_mutual_information,
    score_pairs,
)
from translator.instances.fit import AffineFit, BooleanFit, ValueMapFit
from translator.instances.series import read_series
from translator.translation.units import conversion


def test_normalised_mutual_information() -> None:
    x = np.array([0, 1, 2, 0, 1, 2] * 10)
    assert normalised_mutual_information(x, x * 10 + 5) == pytest.approx(1.0)
    assert normalised_mutual_information(x, np.zeros(60)) == 0.0
    rng = np.random.default_rng(0)
    assert normalised_mutual_information(rng.integers(0, 3, 5000), rng.integers(0, 3, 5000)) < 0.01


def test_mutual_best_drops_one_sided_choices() -> None:
    line = AffineFit(2.0, 0.0, 0.1, 0.9)
    pairs = [
        PairEvidence("a", "x", 0.9, line, 0.1, "correlation"),
        PairEvidence("b", "x", 0.95, line, 0.1, "correlation"),
        PairEvidence("b", "y", 0.5, line, 0.1, "correlation"),
    ]
    assert [(p.source, p.target) for p in mutual_best(pairs)] == [("b", "x")]


def _right(rule: dict[str, object], found: PairEvidence) -> bool:
    steps = rule.get("transform") or [{"op": "copy"}]
    step = steps[0]  # type: ignore[index]
    transform = found.transform
    match step["op"]:
        case "unit":
            return isinstance(transform, AffineFit) and (transform.scale, transform.offset) == conversion(
                step["from"], step["to"]
            )
        case "copy":
            return isinstance(transform, AffineFit) and transform.identity
        case "map":
            return isinstance(transform, ValueMapFit) and set(transform.pairs) <= {
                tuple(p) for p in step["pairs"]
            }
        case "cast":
            return isinstance(transform, BooleanFit) and not transform.inverted
    return False


def test_end_to_end_on_the_simulated_plant(plant: Plant) -> None:
    evidence = score_pairs(plant.a, plant.b)
    assert evidence.lag == pytest.approx(2.0, abs=0.5)
    # the pump never faults on seed 0: its flag is constant on both sides, flagged, not scored
    assert evidence.constant_source == ("PumpSkid1.Pump.Fault",)
    assert evidence.constant_target == ("/Skid_01/PLC/DigitalInputs/XA_113",)
    found = {p.source: p for p in mutual_best(evidence.pairs)}
    truth = {rule["source"]: rule for rule in plant.rules}
    assert len(truth) == 15
    right = [
        s
        for s, rule in truth.items()
        if s in found and found[s].target == rule["target"] and _right(rule, found[s])
    ]
    assert len(right) == 14  # all but the constant fault flag
    wrong = [(s, p.target) for s, p in found.items() if s not in right]
    assert wrong == []  # vendor A's Volume and Energy, which B lacks, are not forced onto B's fields


def test_full_pump_state_map_on_a_seed_that_trips(tmp_path: Path) -> None:
    write_recording(simulate(SimulationConfig(seed=1, duration=600.0)), tmp_path)
    evidence = score_pairs(read_series(tmp_path / "vendor_a.jsonl"), read_series(tmp_path / "vendor_b.jsonl"))
    found = {p.source: p for p in mutual_best(evidence.pairs)}
    state = found["PumpSkid1.Pump.State"]
    assert state.target == "/Skid_01/PLC/DigitalInputs/XS_112"
    assert isinstance(state.transform, ValueMapFit)
    assert state.transform.pairs == ((0, 10), (1, 20), (2, 90))
    fault = found["PumpSkid1.Pump.Fault"]
    assert fault.target == "/Skid_01/PLC/DigitalInputs/XA_113"
    assert fault.transform == BooleanFit(inverted=False, accuracy=fault.transform.accuracy)


def test_mutual_best_leaves_a_tie_undecided() -> None:
    """A state and a counter that each changed once explain the source state equally well: no best."""
    state = PairEvidence(
        "State", "XS_112", 1.0, ValueMapFit(((0, 10), (1, 20)), 1.0), 0.0, "mutual-information"
    )
    counter = PairEvidence(
        "State", "KC_116", 1.0, ValueMapFit(((0, 49), (1, 50)), 1.0), 0.0, "mutual-information"
    )
    assert mutual_best([state, counter]) == []
    clearer = PairEvidence(
        "State", "XS_112", 1.0, ValueMapFit(((0, 10), (1, 20)), 1.0), 0.0, "mutual-information"
    )
    weaker = PairEvidence(
        "State", "KC_116", 0.7, ValueMapFit(((0, 49), (1, 50)), 0.9), 0.1, "mutual-information"
    )
    assert mutual_best([clearer, weaker]) == [clearer]
