"""A DataSetWriter's messages: key frames, delta frames, metadata and their versions (OPC 10000-14 7.2.5)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from translator.translation.codecs.pubsub_frames import (
    DELTA_FRAME,
    KEY_FRAME,
    DataSetWriter,
    FieldSpec,
    MessageIds,
)
from translator.translation.codecs.pubsub_values import (
    BuiltInType,
    built_in_type_of,
    data_value,
    version_time,
)
from translator.translation.units import unece_table

T0 = dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def dataset(message: dict[str, Any] | None) -> dict[str, Any]:
    assert message is not None
    assert message["MessageType"] == "ua-data"
    (only,) = message["Messages"]
    return only  # type: ignore[no-any-return]


def kinds(writer: DataSetWriter, ticks: int, change: bool = False) -> list[str | None]:
    """The MessageType of each of ``ticks`` intervals (None: nothing sent); ``change``: a new value each."""
    out: list[str | None] = []
    for k in range(ticks):
        if change:
            writer.set("a", float(k))
        message = writer.tick()
        out.append(None if message is None else dataset(message)["MessageType"])
    return out


def test_a_key_frame_first_and_every_key_frame_count_intervals() -> None:
    writer = DataSetWriter("p", key_frame_count=3, run="r")
    assert writer.tick() is None  # nothing known yet: nothing to send, the key frame still due
    writer.set("a", 1.0)
    assert kinds(writer, 7) == [KEY_FRAME, None, None, KEY_FRAME, None, None, KEY_FRAME]
    assert kinds(writer, 6, change=True) == [DELTA_FRAME, DELTA_FRAME, KEY_FRAME] * 2


def test_delta_frames_carry_only_what_changed_and_key_frames_everything() -> None:
    writer = DataSetWriter("p", key_frame_count=4, fields=[FieldSpec("a"), FieldSpec("b"), FieldSpec("c")])
    writer.set("b", 2.0)
    writer.set("a", 1.0)
    key = dataset(writer.tick())
    assert key["MessageType"] == KEY_FRAME
    assert list(key["Payload"]) == ["a", "b", "c"]  # every field, in the metadata's order (6.2.3.2.1)
    assert key["Payload"]["c"] == {"StatusCode": {"Code": 0x80320000, "Symbol": "BadWaitingForInitialData"}}
    writer.set("a", 1.0)  # the same value again: no change
    assert writer.tick() is None
    writer.set("c", "x")
    writer.set("a", 1.5)
    delta = dataset(writer.tick())
    assert delta["MessageType"] == DELTA_FRAME
    assert delta["Payload"] == {"a": {"Value": 1.5}, "c": {"Value": "x"}}
    assert [f.name for f in writer.fields] == ["a", "b", "c"]


def test_key_frame_count_one_sends_only_key_frames() -> None:
    writer = DataSetWriter("p", key_frame_count=1)
    writer.set("a", 1.0)
    assert kinds(writer, 3) == [KEY_FRAME] * 3
    assert kinds(writer, 2, change=True) == [KEY_FRAME] * 2


def test_headers_sequence_numbers_and_message_ids() -> None:
    clock = Clock()
    writer = DataSetWriter(
        "plant", 7, writer_name="w", group_name="g", key_frame_count=2, run="r1", clock=clock
    )
    writer.set("a", 1.0, T0, 0x40000000)
    first = writer.tick()
    assert first is not None
    assert {k: v for k, v in first.items() if k != "Messages"} == {
        "MessageId": "plant-r1-1",
        "MessageType": "ua-data",
        "PublisherId": "plant",
        "WriterGroupName": "g",
    }
    header = {k: v for k, v in dataset(first).items() if k != "Payload"}
    version = version_time(T0)
    assert header == {
        "DataSetWriterId": 7,
        "DataSetWriterName": "w",
        "SequenceNumber": 1,
        "MetaDataVersion": {"MajorVersion": version, "MinorVersion": version},
        "Timestamp": "2026-11-01T10:00:00.000Z",
        "MessageType": KEY_FRAME,
    }
    assert dataset(first)["Payload"]["a"] == {
        "Value": 1.0,
        "SourceTimestamp": "2026-11-01T10:00:00.000Z",
        "StatusCode": {"Code": 0x40000000},
    }
    writer.set("a", 2.0)
    second = writer.tick()
    assert second is not None
    assert (second["MessageId"], dataset(second)["SequenceNumber"]) == ("plant-r1-2", 2)
    assert writer.metadata()["MessageId"] == "plant-r1-3"  # one MessageId sequence per publisher
    ids = MessageIds("plant")
    assert ids().startswith("plant-")
    assert ids() != ids()
    assert MessageIds("plant").prefix != MessageIds("plant").prefix  # a new run, new MessageIds


def test_metadata_describes_the_fields() -> None:
    clock = Clock()
    writer = DataSetWriter(
        "plant",
        3,
        writer_name="w",
        group_name="g",
        dataset_name="Skid",
        fields=[FieldSpec("T", BuiltInType.FLOAT, unit="CEL", description="outlet")],
        clock=clock,
    )
    writer.set("On", True)
    writer.set("N", 2**40)
    writer.set("Mode", "RUN")
    writer.set("Levels", [1.5, 2.5])
    metadata = writer.metadata()
    version = version_time(T0)
    assert {k: v for k, v in metadata.items() if k != "MetaData"} == {
        "MessageId": metadata["MessageId"],
        "MessageType": "ua-metadata",
        "PublisherId": "plant",
        "DataSetWriterId": 3,
        "WriterGroupName": "g",
        "DataSetWriterName": "w",
        "Timestamp": "2026-11-01T10:00:00.000Z",
    }
    meta = metadata["MetaData"]
    assert meta["Name"] == "Skid"
    fields = {f["Name"]: f for f in meta["Fields"]}
    assert list(fields) == ["T", "On", "N", "Mode", "Levels"]
    assert [(f["BuiltInType"], f["DataType"], f["ValueRank"]) for f in meta["Fields"]] == [
        (10, "i=10", -1),
        (1, "i=1", -1),
        (8, "i=8", -1),  # beyond Int32: Int64
        (12, "i=12", -1),
        (11, "i=11", 1),
    ]
    celsius = unece_table()["CEL"]
    assert fields["T"]["Description"] == {"Text": "outlet"}
    assert fields["T"]["Properties"] == [
        {
            "Key": {"Name": "EngineeringUnits"},
            "Value": {
                "UaType": 22,
                "Value": {
                    "UaTypeId": "i=887",
                    "NamespaceUri": "http://www.opcfoundation.org/UA/units/un/cefact",
                    "UnitId": celsius.unit_id,
                    "DisplayName": {"Text": celsius.symbol},
                    "Description": {"Text": celsius.name},
                },
            },
        }
    ]
    assert celsius.unit_id == int.from_bytes(b"CEL", "big")  # OPC 10000-8: the code's letters
    assert "Properties" not in fields["On"]
    unknown = DataSetWriter("p", fields=[FieldSpec("x", unit="http://qudt.org/vocab/unit/DEG_C")])
    assert "Properties" not in unknown.metadata()["MetaData"]["Fields"][0]  # not a code OPC UA knows
    for field in meta["Fields"]:
        assert field["FieldFlags"] == 0
        assert field["MaxStringLength"] == 0
        assert uuid.UUID(field["DataSetFieldId"])
    again = DataSetWriter("plant", 3, writer_name="w", group_name="g")
    again.set("On", False)
    assert again.metadata()["MetaData"]["Fields"][0]["DataSetFieldId"] == fields["On"]["DataSetFieldId"]
    assert meta["ConfigurationVersion"]["MajorVersion"] == version
    payload = dataset(writer.tick())["Payload"]
    assert payload["N"] == {"Value": str(2**40)}  # Int64 is JSON text (OPC 10000-6 5.4.2.3)


def test_the_metadata_version_follows_the_changes() -> None:
    clock = Clock()
    writer = DataSetWriter("p", fields=[FieldSpec("a", BuiltInType.DOUBLE)], clock=clock)
    start = version_time(T0)
    assert writer.version == (start, start)
    assert writer.metadata_due
    writer.metadata()
    assert not writer.metadata_due
    writer.set("a", 2)  # an integral value of a Double field stays Double: no change
    writer.set("a", 2.5)
    assert not writer.metadata_due
    assert writer.version == (start, start)
    clock.now = T0 + dt.timedelta(seconds=5)
    writer.set("b", True)  # a field added at the end: MinorVersion only (6.2.3.2.6)
    assert writer.metadata_due
    assert writer.version == (start, start + 5)
    writer.set("b", "yes")  # its DataType changes: MajorVersion (and MinorVersion with it)
    assert writer.version == (start + 6, start + 6)  # a VersionTime never repeats, even within a second
    assert dataset(writer.tick())["MetaDataVersion"] == {"MajorVersion": start + 6, "MinorVersion": start + 6}
    writer.metadata()
    writer.set("b", None, status=0x80000000)  # no value: nothing new about the type
    assert not writer.metadata_due
    writer.resync()
    assert writer.metadata_due
    assert dataset(writer.tick())["MessageType"] == KEY_FRAME


def test_a_whole_message_is_a_key_frame() -> None:
    writer = DataSetWriter("gw")
    first = writer.key_frame({"x": 1.5, "y": "on"}, "2026-11-01T10:00:00Z")
    assert dataset(first)["MessageType"] == KEY_FRAME
    assert dataset(first)["Payload"] == {
        "x": {"Value": 1.5, "SourceTimestamp": "2026-11-01T10:00:00Z"},
        "y": {"Value": "on", "SourceTimestamp": "2026-11-01T10:00:00Z"},
    }
    second = writer.key_frame({"x": 2.5})
    assert dataset(second)["SequenceNumber"] == 2
    assert second["MessageId"] != first["MessageId"]
    assert dataset(second)["Payload"] == {"x": {"Value": 2.5}}


def test_types_and_values() -> None:
    assert built_in_type_of(True) == (BuiltInType.BOOLEAN, -1)
    assert built_in_type_of(5) == (BuiltInType.INT32, -1)
    assert built_in_type_of(5, BuiltInType.UINT16) == (BuiltInType.UINT16, -1)
    assert built_in_type_of(2.5, BuiltInType.FLOAT) == (BuiltInType.FLOAT, -1)
    assert built_in_type_of(T0) == (BuiltInType.DATETIME, -1)
    assert built_in_type_of({"x": 1}) == (BuiltInType.EXTENSIONOBJECT, -1)
    assert built_in_type_of([None, "a"]) == (BuiltInType.STRING, 1)
    assert built_in_type_of(None) == (BuiltInType.VARIANT, -1)
    assert data_value(b"\x00\x01\x02", built_in_type=BuiltInType.BYTESTRING) == {"Value": "AAEC"}
    assert data_value(T0) == {"Value": "2026-11-01T10:00:00.000Z"}
    assert data_value([2**40], built_in_type=BuiltInType.UINT64) == {"Value": [str(2**40)]}
    assert data_value(None, status=0x80000000) == {"StatusCode": {"Code": 0x80000000}}
    assert version_time(dt.datetime(2000, 1, 1, 0, 1, tzinfo=dt.UTC)) == 60


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="UInt16"):
        DataSetWriter("p", 70_000)
    with pytest.raises(ValueError, match="KeyFrameCount 0"):
        DataSetWriter("p", key_frame_count=0)
