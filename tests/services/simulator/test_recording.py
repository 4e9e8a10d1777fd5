"""A recording: reproducible files, schemas Tolka loads, and a truth that really maps A onto B."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapters.options import LoadOptions
from adapters.registry import load_paths
from services.simulator import (
    FILES,
    QUANTITIES,
    Encoding,
    Recording,
    SimulationConfig,
    simulate,
    write_recording,
)
from services.simulator.vendors import START, a_field, b_pointer
from translator.alignment.formats import read_alignment
from translator.errors import InputError
from translator.translation.codecs.plain import pointer_tokens
from translator.translation.compiled import Translator
from translator.translation.spec import read_translator
from translator.translation.units import conversion

CONFIG = SimulationConfig(seed=11, units=2, noise=0.01, rate_a=1.0, rate_b=0.5, lag=3.0)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recording, Path]:
    out = tmp_path_factory.mktemp("sim")
    recording = simulate(CONFIG)
    write_recording(recording, out)
    return recording, out


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    config = SimulationConfig(seed=4, duration=120.0)
    for name, cfg in (("one", config), ("two", config), ("other", SimulationConfig(seed=5, duration=120.0))):
        write_recording(simulate(cfg), tmp_path / name)
    for file in FILES:
        assert (tmp_path / "one" / file).read_bytes() == (tmp_path / "two" / file).read_bytes(), file
    for file in ("vendor_a.jsonl", "vendor_b.jsonl"):
        assert (tmp_path / "one" / file).read_bytes() != (tmp_path / "other" / file).read_bytes()


def test_streams_have_the_promised_shape(recorded: tuple[Recording, Path]) -> None:
    _, out = recorded
    a_lines = (out / "vendor_a.jsonl").read_bytes().splitlines()
    b_lines = (out / "vendor_b.jsonl").read_bytes().splitlines()
    assert len(a_lines) == 601
    assert len(b_lines) == 301
    a, b = orjson.loads(a_lines[10]), orjson.loads(b_lines[10])
    assert a["MessageType"] == "ua-data"
    dataset = a["Messages"][0]
    assert dataset["DataSetWriterId"] == 1
    assert dataset["Timestamp"] == "2025-01-01T00:00:10.000Z"
    assert dataset["Payload"]["PumpSkid2.Pump.State"]["Value"] in (0, 1, 2)
    assert dataset["Payload"]["PumpSkid1.Tank.Volume"]["SourceTimestamp"] == dataset["Timestamp"]
    assert "PumpSkid1.Tank.Conductivity" not in dataset["Payload"]  # B only
    plc = b["Skid_02"]["PLC"]
    assert plc["DigitalInputs"]["XS_112"] in (10, 20, 90)
    assert plc["DigitalInputs"]["XS_114"] in (0, 1)
    assert "AT_117" in plc["AnalogInputs"]
    assert "PT_118" in plc["AnalogInputs"]
    # B's clock: the grid of its rate, shifted by the lag, within the jitter
    for k, line in enumerate(b_lines):
        seconds = _seconds(orjson.loads(line)["ts"]) - CONFIG.lag
        assert abs(seconds - k / CONFIG.rate_b) <= CONFIG.jitter / CONFIG.rate_b + 1e-3


def _seconds(stamp: str) -> float:
    return (dt.datetime.fromisoformat(stamp) - START).total_seconds()


def _get(message: Any, pointer: str) -> Any:
    for token in pointer_tokens(pointer):
        message = message[token]
    return message


def test_truth_translator_maps_stream_a_onto_stream_b(recorded: tuple[Recording, Path]) -> None:
    _, out = recorded
    translator = Translator(read_translator(out / "truth.translator.json"))
    a_lines = (out / "vendor_a.jsonl").read_bytes().splitlines()
    translated = [orjson.loads(translator.translate_json(line)) for line in a_lines]
    assert translated[5]["ts"] == "2025-01-01T00:00:05.000Z"  # A's time: B's minus the lag
    b_messages = [orjson.loads(line) for line in (out / "vendor_b.jsonl").read_bytes().splitlines()]
    compared = 0
    for quantity in (q for q in QUANTITIES if q.shared):
        scale = abs(conversion(quantity.unit, quantity.b_unit)[0]) if quantity.unit else 1.0
        sigma = math.sqrt(2) * CONFIG.noise * quantity.span * scale
        for unit in range(CONFIG.units):
            pointer = b_pointer(unit, quantity)
            errors = []
            for b in b_messages:
                k = min(max(round((_seconds(b["ts"]) - CONFIG.lag) * CONFIG.rate_a), 0), len(translated) - 1)
                window = [
                    _get(translated[j], pointer) for j in range(max(k - 1, 0), min(k + 2, len(translated)))
                ]
                expected, actual = _get(translated[k], pointer), _get(b, pointer)
                if quantity.encoding in (Encoding.STATE, Encoding.FLAG, Encoding.INTEGER):
                    assert actual in window, (pointer, b["ts"], actual, window)
                    if len(set(window)) == 1:
                        assert actual == expected
                    continue
                change = max(abs(v - expected) for v in window)
                tolerance = 3 * sigma + change + 10.0**-quantity.b_decimals
                assert abs(actual - expected) <= tolerance, (pointer, b["ts"], actual, expected, tolerance)
                errors.append(abs(actual - expected))
                compared += 1
            if errors and sigma > 0:
                errors.sort()
                assert errors[len(errors) // 2] < 2 * sigma, pointer  # typically within the noise

    assert compared > 1000


def test_lag_is_real(recorded: tuple[Recording, Path]) -> None:
    """Ignoring B's clock offset makes the pump states disagree somewhere: the lag is in the data."""
    recording, _ = recorded
    codes = {0: 10, 1: 20, 2: 90}
    state = next(q for q in QUANTITIES if q.key == "state")
    mismatches = 0
    a_times = [_seconds(m["Messages"][0]["Timestamp"]) for m in recording.a_messages]
    for b in recording.b_messages:
        for unit in range(CONFIG.units):
            k = min(round(_seconds(b["ts"]) * CONFIG.rate_a), len(a_times) - 1)  # lag ignored
            a_state = recording.a_messages[k]["Messages"][0]["Payload"][a_field(unit, state)]["Value"]
            mismatches += codes[a_state] != _get(b, b_pointer(unit, state))
    assert mismatches > 0


def test_schemas_load_and_hold_the_truth_ids(recorded: tuple[Recording, Path]) -> None:
    _, out = recorded
    a = load_paths([out / "vendor_a.schema.json"], LoadOptions())
    b = load_paths([out / "vendor_b.schema.json"], LoadOptions())
    alignment = read_alignment(out / "truth.sssom.tsv")
    shared = [q for q in QUANTITIES if q.shared]
    assert len(alignment) == CONFIG.units * len(shared)
    for c in alignment:
        source, target = a.get(c.subject_id), b.get(c.object_id)
        assert source is not None, c
        assert target is not None, c
        assert source.kind.value == "field"
        assert target.kind.value == "field"
    speed = a.get(
        "http://tolka.dev/simulator/vendor_a.schema.json#/properties/PumpSkid1/properties/Pump/properties/Speed"
    )
    assert speed is not None
    assert speed.unit == "RPM"
    assert speed.path == "/PumpSkid1/Pump/Speed"
    level = b.get(
        "http://tolka.dev/simulator/vendor_b.schema.json#/properties/Skid_01/properties/PLC/properties/AnalogInputs/properties/LT_101"
    )
    assert level is not None
    assert level.unit == "INH"
    state = b.get(next(c.object_id for c in alignment if c.object_id.endswith("XS_112")))
    assert state is not None
    assert state.enum_values == ("10", "20", "90")
    # one-sided fields are in their schema only
    assert any(n.name == "Volume" for n in a.nodes())
    assert not any(n.name == "Volume" for n in b.nodes())
    assert any(n.name == "AT_117" for n in b.nodes())
    assert not any(n.name == "AT_117" for n in a.nodes())


def test_drop_leaves_quantities_out() -> None:
    recording = simulate(SimulationConfig(duration=10.0, drop=("level", "conductivity")))
    payload = recording.a_messages[0]["Messages"][0]["Payload"]
    assert "PumpSkid1.Tank.Level" not in payload
    assert "PumpSkid1.Pump.Speed" in payload
    assert "LT_101" not in recording.b_messages[0]["Skid_01"]["PLC"]["AnalogInputs"]
    assert "AT_117" not in recording.b_messages[0]["Skid_01"]["PLC"]["AnalogInputs"]
    assert all("LT_101" not in rule.target for rule in recording.translator.rules)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (SimulationConfig(units=0), "--units 0"),
        (SimulationConfig(noise=-0.1), "--noise -0.1"),
        (SimulationConfig(rate_a=0.0), "--rate-a 0"),
        (SimulationConfig(rate_b=50.0), "--rate-b 50 is out of range (above 0 to 10)"),
        (SimulationConfig(jitter=0.7), "--jitter"),
        (SimulationConfig(lag=math.nan), "--lag nan"),
        (SimulationConfig(drop=("colour",)), "'colour' is not a simulated quantity; known: level"),
    ],
)
def test_bad_parameters_are_refused(config: SimulationConfig, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        simulate(config)
