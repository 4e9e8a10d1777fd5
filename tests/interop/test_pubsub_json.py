"""What Tolka publishes as OPC UA PubSub JSON, read by decoders Tolka did not write.

The stream goes through a real Mosquitto broker; ``node/pubsub-decode.mjs`` reads it with node-opcua's
decoders (the OPC UA 1.05 message structures of node-opcua-types, decoded by node-opcua-json), and the
JSON Schema written from the tables of OPC 10000-14 (:mod:`tests.interop.pubsub_json_schema`) checks
every message. Both first read the spec's own examples (:mod:`tests.interop.pubsub_examples`), so that
what they say of Tolka's messages counts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import threading
from collections.abc import Iterable
from typing import Any

import jsonschema
import orjson
import paho.mqtt.client as mqtt
import pytest

from services.mqtt.broker import BrokerUrl
from services.mqtt.publisher import MessagePublisher, PubSubPublisher
from tests.interop.nodeopcua import NODE_DIR, require_node
from tests.interop.pubsub_examples import SPEC_DATA, SPEC_METADATA
from tests.interop.pubsub_json_schema import SCHEMA
from tests.servers import Mosquitto
from tests.services.bridge.conftest import Collector
from translator.translation.codecs.pubsub_frames import FieldSpec
from translator.translation.codecs.pubsub_values import BuiltInType
from translator.translation.compiled import Translator
from translator.translation.spec import MessageFormat, Rule, Side, TranslatorSpec
from translator.translation.units import unece_table

pytestmark = pytest.mark.anyio

DECODER = NODE_DIR / "pubsub-decode.mjs"
DATA = "opcua/json/data/tolka-test/tolka/skid"
METADATA = "opcua/json/metadata/tolka-test/tolka/skid"  # the spec's metadata topic (7.3.4.7.4)
KEY_FRAME_COUNT = 4
T0 = dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def node_decode(messages: Iterable[tuple[str, bytes, bool]]) -> list[dict[str, Any]]:
    """What node-opcua reads in each (topic, payload, retain), in order."""
    lines = "".join(
        json.dumps({"topic": topic, "retain": retain, "payload": payload.decode()}) + "\n"
        for topic, payload, retain in messages
    )
    done = subprocess.run(
        [require_node(), str(DECODER)], input=lines, capture_output=True, text=True, timeout=60, cwd=NODE_DIR
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def schema_errors(message: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(message)]


def test_node_opcua_reads_the_spec_examples() -> None:
    metadata, data = node_decode(
        [("spec", SPEC_METADATA.encode(), True), ("spec", SPEC_DATA.encode(), False)]
    )
    assert metadata["problems"] == []
    assert [(f["name"], f["builtInType"], f["dataType"]) for f in metadata["fields"]] == [
        ("Active", 1, "ns=0;i=1"),
        ("Temperature", 11, "ns=0;i=11"),
        ("Counter", 7, "ns=0;i=7"),
    ]
    assert (data["messageId"], data["publisherId"]) == ("9279c0b3-da88-45a4-af74-451cebf82db0", "MyPublisher")
    first = data["messages"][0]
    assert (first["dataSetWriterId"], first["sequenceNumber"], first["minorVersion"]) == (
        101,
        68468,
        672341762,
    )
    assert first["timestamp"] == "2021-09-27T18:45:19.555Z"
    assert {name: (f["dataType"], f["value"]) for name, f in first["fields"].items()} == {
        "Active": ("Boolean", True),
        "Temperature": ("Double", 25.5),
        "Counter": ("UInt32", 0),
    }
    assert data["messages"][1]["status"] == 1073741824
    assert data["problems"] == [  # what the fixture leaves out, and no more
        "Messages/0/Payload/AdditionalInfo: a field the metadata does not name",
        "Messages/1: no metadata of PublisherId MyPublisher, DataSetWriterId 102 yet",
        "Messages/2: no metadata of PublisherId MyPublisher, DataSetWriterId 103 yet",
    ]


def test_node_opcua_finds_what_is_wrong() -> None:
    """The decoder harness fails messages, so its silence about Tolka's says something."""
    meta = json.loads(SPEC_METADATA)
    data = json.loads(SPEC_DATA)
    data["Messages"][0]["Payload"]["Temperature"] = "warm"  # not a Double
    data["Messages"][0]["SequenceNumber"] = -1
    del data["MessageId"]
    _, decoded = node_decode([("spec", orjson.dumps(meta), True), ("spec", orjson.dumps(data), False)])
    problems = "\n".join(decoded["problems"])
    assert '"warm" is not a Double' in problems
    assert "SequenceNumber: -1 is not a UInt32" in problems
    assert "no MessageId" in problems


def test_the_schema_reads_the_spec_examples_and_refuses_what_is_wrong() -> None:
    assert schema_errors(json.loads(SPEC_METADATA)) == []
    assert schema_errors(json.loads(SPEC_DATA)) == []
    data = json.loads(SPEC_DATA)
    del data["MessageId"]
    assert schema_errors(data)
    data = json.loads(SPEC_DATA)
    data["Messages"][0]["MessageType"] = "ua-frame"
    assert schema_errors(data)
    data = json.loads(SPEC_DATA)
    data["Messages"][0]["MessageType"] = "ua-keepalive"  # a keep-alive has no Payload
    assert schema_errors(data)
    data = json.loads(SPEC_DATA)
    data["Messages"][0]["DataSetWriterId"] = 70_000
    assert schema_errors(data)
    meta = json.loads(SPEC_METADATA)
    meta["MetaData"]["Fields"][0]["DataSetFieldId"] = "not a guid"
    assert schema_errors(meta)


def retained(broker: Mosquitto, topic: str) -> list[tuple[bytes, bool]]:
    """What a subscriber that comes now gets on ``topic`` at once (the retained message)."""
    got: list[tuple[bytes, bool]] = []
    arrived = threading.Event()

    def on_message(client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        got.append((bytes(msg.payload), bool(msg.retain)))
        arrived.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="late-subscriber")
    client.on_message = on_message
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(topic, qos=1)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        assert arrived.wait(10), f"nothing retained on {topic}"
    finally:
        client.disconnect()
        client.loop_stop()
    return got


async def test_a_stream_tolka_publishes_is_read_by_node_opcua(broker: Mosquitto) -> None:
    collector = Collector(broker, DATA, METADATA, client_id="pubsub-json-collector")
    publisher = PubSubPublisher(
        BrokerUrl.parse(broker.url),
        DATA,
        publisher_id="tolka-test",
        writer_id=3,
        writer_name="skid",
        dataset_name="Skid",
        fields=[FieldSpec("Speed", BuiltInType.DOUBLE, unit="HTZ"), FieldSpec("Running"), FieldSpec("Count")],
        types=lambda: {"Running": BuiltInType.BOOLEAN, "Count": BuiltInType.INT64},
        key_frame_count=KEY_FRAME_COUNT,
        interval=0.02,
    )
    assert publisher.metadata_topic == METADATA
    stop = asyncio.Event()
    task = asyncio.create_task(publisher.run(stop))
    offered: dict[str, Any] = {}
    try:
        for k in range(60):
            offered["Speed"] = 10.0 + k
            publisher.offer("Speed", offered["Speed"], T0 + dt.timedelta(seconds=k))
            if k % 3 == 0:
                offered["Running"] = k % 2 == 0
                publisher.offer("Running", offered["Running"], built_in_type=BuiltInType.BOOLEAN)
            if k % 2 == 0:
                offered["Count"] = 2**40 + k
                publisher.offer("Count", offered["Count"], built_in_type=BuiltInType.INT64)
            if k >= 30:  # a field added on the way: the metadata's MinorVersion changes
                offered["Mode"] = "RUN" if k % 4 else "STOP"
                publisher.offer("Mode", offered["Mode"])
            await asyncio.sleep(0.01)  # a stream over time, not a burst: several publishing intervals
        stop.set()
        await asyncio.wait_for(task, 30)
        collector.wait_for(DATA, publisher.published)
        late = retained(broker, METADATA)
    finally:
        collector.close()
    stream = [(topic, payload, topic == METADATA) for topic, payload in collector.arrived()]
    assert sum(1 for t, _, _ in stream if t == DATA) == publisher.published
    assert sum(1 for t, _, _ in stream if t == METADATA) == publisher.metadata_published >= 2

    raw = [orjson.loads(payload) for _, payload, _ in stream]
    for message in raw:
        assert schema_errors(message) == [], message
    ids = [m["MessageId"] for m in raw]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tolka-test-") for i in ids)
    for message in raw:
        if message["MessageType"] == "ua-metadata":  # mandatory since 1.05.03 (Table 188)
            assert {"WriterGroupName", "DataSetWriterName", "Timestamp"} <= set(message)

    decoded = node_decode(stream)
    assert [d["problems"] for d in decoded] == [[] for _ in decoded]
    assert decoded[0]["kind"] == "metadata"  # the metadata before the first data message
    assert all(d["workarounds"] for d in decoded if d["kind"] == "metadata")  # EUInformation: see the script

    metadata: dict[str, Any] = {}
    state: dict[str, Any] = {}
    sequence, since_key, key_frames, deltas = 0, 0, 0, 0
    versions = []
    for message in decoded:
        if message["kind"] == "metadata":
            assert (message["publisherId"], message["dataSetWriterId"]) == ("tolka-test", 3)
            assert (message["writerGroupName"], message["dataSetWriterName"], message["name"]) == (
                "tolka",
                "skid",
                "Skid",
            )
            metadata = {f["name"]: f for f in message["fields"]}
            versions.append(message["configurationVersion"])
            continue
        assert message["kind"] == "data"
        assert (message["messageType"], message["publisherId"], message["writerGroupName"]) == (
            "ua-data",
            "tolka-test",
            "tolka",
        )
        (dataset,) = message["messages"]
        assert dataset["dataSetWriterId"] == 3
        assert dataset["sequenceNumber"] == sequence + 1  # one more per DataSetMessage
        sequence = dataset["sequenceNumber"]
        assert dataset["metaDataVersion"] == versions[-1]  # the metadata published before it
        fields = dataset["fields"]
        if dataset["messageType"] == "ua-keyframe":
            assert list(fields) == list(metadata)  # every field, in the metadata's order
            key_frames += 1
            since_key = 0
        else:
            assert dataset["messageType"] == "ua-deltaframe"
            assert key_frames, "a delta frame before the first key frame"
            assert fields, "an empty delta frame"
            for name, field in fields.items():  # only what changed
                assert field != state.get(name), f"{name} did not change"
            deltas += 1
            since_key += 1
            assert since_key < KEY_FRAME_COUNT
        state |= {name: f for name, f in fields.items() if f["value"] is not None}
    assert key_frames >= 2
    assert deltas >= 1
    assert len(versions) >= 2
    assert versions[-1]["majorVersion"] == versions[0]["majorVersion"]  # a field added: minor only
    assert versions[-1]["minorVersion"] > versions[0]["minorVersion"]

    # the last state a subscriber holds is what was offered last, typed as the metadata says
    assert {name: f["value"] for name, f in state.items()} == {
        "Speed": offered["Speed"],
        "Running": offered["Running"],
        "Count": str(offered["Count"]),  # an Int64: node-opcua reads the JSON text as a 64-bit integer
        "Mode": offered["Mode"],
    }
    assert {name: f["dataType"] for name, f in state.items()} == {
        "Speed": "Double",
        "Running": "Boolean",
        "Count": "Int64",
        "Mode": "String",
    }
    assert state["Speed"]["sourceTimestamp"] == "2026-11-01T10:00:59.000Z"
    hertz = unece_table()["HTZ"]
    assert metadata["Speed"]["engineeringUnits"] == {
        "namespaceUri": "http://www.opcfoundation.org/UA/units/un/cefact",
        "unitId": hertz.unit_id,
        "displayName": hertz.symbol,
    }
    assert metadata["Mode"]["engineeringUnits"] is None
    assert [m["dataType"] for m in metadata.values()] == ["ns=0;i=11", "ns=0;i=1", "ns=0;i=8", "ns=0;i=12"]

    # a subscriber that comes later gets the metadata at once: published retained (7.3.4.7.2)
    [(payload, flag)] = late
    assert flag
    assert payload == [p for t, p, _ in stream if t == METADATA][-1]


async def test_translations_published_by_the_gateway_and_written_by_translators(broker: Mosquitto) -> None:
    topic = "plant/b/gateway"
    collector = Collector(broker, topic, f"{topic}/metadata", client_id="gateway-json-collector")
    publisher = MessagePublisher(BrokerUrl.parse(broker.url), topic)
    spec = TranslatorSpec(
        Side("a", MessageFormat("json")), Side("b", MessageFormat("json")), (Rule("/x", ("/x",)),)
    )
    to_json = Translator(spec)
    pubsub = MessageFormat("opcua-pubsub-json", dataset_writer_id=5, publisher_id="tolka-bridge")
    to_pubsub = Translator(TranslatorSpec(spec.source, Side("b", pubsub), (Rule("X", ("/x",)),)))
    stop = asyncio.Event()
    task = asyncio.create_task(publisher.run(stop))
    try:
        for k in range(1, 4):
            publisher.offer_translation(to_json.translate({"x": k * 1.5, "ts": "2026-11-01T10:00:00Z"}))
        written = [to_pubsub.translate({"x": k * 2.5}) for k in range(1, 3)]
        stop.set()
        await asyncio.wait_for(task, 30)
        collector.wait_for(topic, 3)
    finally:
        collector.close()
    stream = [(t, payload, t.endswith("/metadata")) for t, payload in collector.arrived()]
    assert [t for t, _, _ in stream] == [f"{topic}/metadata", topic, topic, topic]
    decoded = node_decode(stream)
    assert [d["problems"] for d in decoded] == [[] for _ in decoded]
    frames = [d["messages"][0] for d in decoded[1:]]
    assert [f["messageType"] for f in frames] == ["ua-keyframe"] * 3  # each translation: all its fields
    assert [f["sequenceNumber"] for f in frames] == [1, 2, 3]
    assert [f["fields"]["x"]["value"] for f in frames] == [1.5, 3.0, 4.5]
    assert len({d["messageId"] for d in decoded}) == 4
    for _, payload, _ in stream:
        assert schema_errors(orjson.loads(payload)) == []

    # a translator writing PubSub JSON (the bridge's output): key frames with a MessageId of its own
    lines = node_decode((topic, orjson.dumps(message), False) for message in written)
    for message, line in zip(written, lines, strict=True):
        assert schema_errors(message) == []
        assert line["messageId"] == message["MessageId"]
        assert line["messageId"].startswith("tolka-bridge-")
        assert line["messages"][0]["messageType"] == "ua-keyframe"
        assert line["messages"][0]["dataSetWriterId"] == 5
        assert line["problems"] == [  # no metadata: the bridge publishes none (the values are not read)
            "Messages/0: no metadata of PublisherId tolka-bridge, DataSetWriterId 5 yet"
        ]
    assert lines[0]["messageId"] != lines[1]["messageId"]
