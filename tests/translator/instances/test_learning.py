"""``learn`` end to end on a simulated recording (seed 0, 10 minutes): fields, transforms, seeds."""

from __future__ import annotations

import pytest

from adapters.jsonschema import load_jsonschema
from adapters.options import LoadOptions
from tests.translator.instances.conftest import Plant
from translator.alignment.formats import read_alignment
from translator.alignment.model import Alignment, Correspondence, Status
from translator.graph.model import SchemaGraph
from translator.instances.learning import Learned, learn
from translator.instances.series import read_stream
from translator.translation.spec import Unit, ValueMap


@pytest.fixture(scope="module")
def models(plant: Plant) -> tuple[SchemaGraph, SchemaGraph]:
    a, b = (load_jsonschema([plant.folder / f"vendor_{v}.schema.json"], LoadOptions()) for v in "ab")
    return a, b


def _learn(plant: Plant, models: tuple[SchemaGraph, SchemaGraph], seeds: Alignment | None = None) -> Learned:
    return learn(
        models[0],
        models[1],
        read_stream(plant.folder / "vendor_a.jsonl"),
        read_stream(plant.folder / "vendor_b.jsonl"),
        source_model="vendor_a.schema.json",
        target_model="vendor_b.schema.json",
        seeds=seeds,
    )


@pytest.fixture(scope="module")
def learned(plant: Plant, models: tuple[SchemaGraph, SchemaGraph]) -> Learned:
    return _learn(plant, models)


def _truth(plant: Plant) -> set[tuple[str, str]]:
    return {c.pair for c in read_alignment(plant.folder / "truth.sssom.tsv").equivalences()}


def test_every_varying_field_is_matched_and_nothing_wrong(plant: Plant, learned: Learned) -> None:
    got = {c.pair for c in learned.alignment}
    truth = _truth(plant)
    assert got <= truth
    # the pump never faulted in this recording: its fault flag is constant on both sides
    missed = {s.rsplit("/", 1)[-1] for s, _ in truth - got}
    assert missed == {"Fault"}
    note = next(note for note in learned.notes if "Fault: constant in the recording" in note)
    assert "most likely " in note  # the engineer is told what to confirm
    assert "/XA_113 (p " in note
    assert learned.lag == pytest.approx(2.0, abs=0.15)


def test_fitted_transforms_become_rules(learned: Learned) -> None:
    rules = {rule.target: rule for rule in learned.spec.rules}
    assert rules["/Skid_01/PLC/AnalogInputs/TT_102"].transforms == (Unit("CEL", "FAH"),)
    assert rules["/Skid_01/PLC/AnalogInputs/PT_104"].transforms == (Unit("BAR", "PS"),)
    assert rules["/Skid_01/PLC/Counters/KQ_115"].transforms == (Unit("HUR", "SEC"),)
    assert rules["/Skid_01/PLC/AnalogInputs/IT_108"].transforms == ()
    # Fault (2 -> 90) never happened: completed from the two enumerations, the only pairing left
    assert rules["/Skid_01/PLC/DigitalInputs/XS_112"].transforms == (ValueMap(((0, 10), (1, 20), (2, 90))),)
    assert learned.spec.source.format.type == "opcua-pubsub-json"
    assert learned.spec.target.format.timestamp == "/ts"
    comments = {c.object_id.rsplit("/", 1)[-1]: c.comment for c in learned.alignment}
    assert comments["TT_102"].startswith("data: unit CEL -> FAH, residual")
    assert all(0.5 <= c.confidence <= 1.0 for c in learned.alignment)


def test_seeds_are_kept_and_rejections_respected(
    plant: Plant, models: tuple[SchemaGraph, SchemaGraph], learned: Learned
) -> None:
    by_target = {c.object_id.rsplit("/", 1)[-1]: c for c in learned.alignment}
    level, speed = by_target["LT_101"], by_target["SC_107"]
    fault = next(s for s, _ in _truth(plant) if s.endswith("/Fault"))
    xa = next(t for _, t in _truth(plant) if t.endswith("/XA_113"))
    seeds = Alignment(
        "a",
        "b",
        [
            Correspondence(fault, xa, status=Status.ACCEPTED),
            Correspondence(level.subject_id, level.object_id, status=Status.REJECTED),
        ],
    )
    again = _learn(plant, models, seeds)
    pairs = {c.pair: c for c in again.alignment}
    assert pairs[(fault, xa)].status is Status.ACCEPTED
    assert pairs[(fault, xa)].confidence == 1.0
    assert level.pair not in pairs
    assert speed.pair in pairs
