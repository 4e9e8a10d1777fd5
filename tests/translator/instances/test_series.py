"""Reading JSON Lines streams into per-field time series."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.translator.instances.conftest import Plant
from translator.errors import InputError, ParseError
from translator.instances.series import (
    Kind,
    flatten,
    message_format,
    parse_time,
    read_series,
    read_stream,
    series_from_messages,
)
from translator.translation.spec import MessageFormat


def test_parse_time() -> None:
    assert parse_time("1970-01-01T00:00:01.500Z") == 1.5
    assert parse_time("1970-01-01T01:00:00+01:00") == 0.0
    assert parse_time("1970-01-01T00:00:02") == 2.0
    assert parse_time(12.5) == 12.5
    assert parse_time(True) is None
    assert parse_time("OFF") is None


def test_pubsub_message_gives_payload_fields_and_timestamp() -> None:
    message = {
        "MessageType": "ua-data",
        "Messages": [
            {"Timestamp": "1970-01-01T00:00:03Z", "Payload": {"A.B": {"Value": 1.5}, "A.C": {"Value": True}}}
        ],
    }
    assert flatten(message) == (3.0, {"A.B": 1.5, "A.C": True})


def test_plain_message_gives_json_pointers_and_detected_time() -> None:
    message = {"ts": "1970-01-01T00:00:04Z", "S/1": {"PLC": {"x": 2, "state": "RUN"}}}
    assert flatten(message) == (4.0, {"/S~11/PLC/x": 2, "/S~11/PLC/state": "RUN"})
    assert flatten({"when": 7, "x": 1}, time_field="/when") == (7.0, {"/x": 1})


def test_kinds_kept_apart_and_sorted_by_time() -> None:
    streams = series_from_messages(
        [
            {"t": 2, "n": 3.5, "b": False, "s": "B"},
            {"t": 1, "n": 1, "b": True, "s": "A"},
            {"t": 3, "n": "oops", "b": True, "s": "A"},
        ]
    )
    assert streams["/n"].kind is Kind.NUMBER
    assert streams["/n"].times.tolist() == [1.0, 2.0]  # the string sample is not a number
    assert streams["/n"].values.tolist() == [1.0, 3.5]
    assert streams["/b"].kind is Kind.BOOLEAN
    assert streams["/b"].values.tolist() == [1.0, 0.0, 1.0]
    assert streams["/s"].kind is Kind.STRING
    assert streams["/s"].values.tolist() == ["A", "B", "A"]


def test_no_time_is_an_error() -> None:
    with pytest.raises(InputError, match="no message has a time"):
        series_from_messages([{"x": 1}])


def test_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps({"ts": 0, "x": 1}) + "\n\n{oops\n")
    with pytest.raises(ParseError) as caught:
        read_series(path)
    assert caught.value.line == 3
    assert caught.value.source == str(path)


def test_simulated_streams(plant: Plant) -> None:
    speed = plant.a["PumpSkid1.Pump.Speed"]
    assert len(speed) == 601
    assert speed.times[1] - speed.times[0] == 1.0
    assert plant.a["PumpSkid1.Pump.Fault"].kind is Kind.BOOLEAN
    assert plant.a["PumpSkid1.Pump.Fault"].constant
    state = plant.b["/Skid_01/PLC/DigitalInputs/XS_112"]
    assert state.kind is Kind.NUMBER
    assert len(state) == 301
    assert "/ts" not in plant.b


def test_senml_packs_give_resolved_names_and_times(tmp_path: Path) -> None:
    packs = [
        [
            {"bn": "skid1.", "bt": 100.0, "n": "speed", "v": 980.0, "u": "RPM"},
            {"n": "state", "vs": "RUN", "t": 0.5},
        ],
        [{"bn": "skid1.", "bt": 101.0, "n": "speed", "v": 990.0}, {"n": "state", "vs": "OFF"}],
    ]
    path = tmp_path / "senml.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in packs) + "\n")
    stream = read_stream(path)
    assert stream.format.type == "senml"
    assert stream.messages == 2
    assert stream.series["skid1.speed"].times.tolist() == [100.0, 101.0]
    assert stream.series["skid1.speed"].values.tolist() == [980.0, 990.0]
    assert stream.series["skid1.state"].values.tolist() == ["RUN", "OFF"]


def test_message_format_detection() -> None:
    pubsub = {"MessageType": "ua-data", "Messages": [{"DataSetWriterId": 7, "Payload": {"x": {"Value": 1}}}]}
    assert message_format(pubsub) == MessageFormat("opcua-pubsub-json", dataset_writer_id=7)
    assert message_format({"ts": "2025-01-01T00:00:00Z", "a": {"b": 1}}) == MessageFormat(
        "json", timestamp="/ts"
    )
    assert message_format({"when": 5, "a": 1}, "/when") == MessageFormat("json", timestamp="/when")
    assert message_format([{"n": "x", "v": 1}]) == MessageFormat("senml")


def test_empty_or_missing_stream_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="holds no message"):
        read_stream(empty)
    with pytest.raises(InputError, match="cannot read the stream") as caught:
        read_stream(tmp_path / "missing.jsonl")
    assert caught.value.source == str(tmp_path / "missing.jsonl")
    scalar = tmp_path / "scalar.jsonl"
    scalar.write_text("42\n")
    with pytest.raises(ParseError, match="not a JSON object or SenML pack"):
        read_stream(scalar)
