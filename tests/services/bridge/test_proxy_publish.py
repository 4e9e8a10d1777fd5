"""``tolka proxy --mqtt-publish``: what the proxy translates also goes to MQTT as OPC UA PubSub JSON."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from asyncua import ua

from tests.paths import ROOT
from tests.polling import eventually
from tests.servers import Mosquitto, free_port
from tests.services.bridge.conftest import Collector
from tests.services.proxy.test_proxy import SPEC, SPEED, node, vendor_a
from translator.translation.spec import write_translator
from translator.translation.units import unece_table

pytestmark = pytest.mark.anyio

TOPIC = "plant/b/translated"
METADATA = f"{TOPIC}/metadata"  # the default: next to the data topic


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _speed_values(collector: Collector) -> list[float]:
    """The SC_107 values of the PubSub messages received so far."""
    values = []
    for payload in collector.on(TOPIC):
        message = orjson.loads(payload)
        assert message["MessageType"] == "ua-data"
        for dataset in message["Messages"]:
            field = dataset["Payload"].get("SC_107")  # the rule's target /SC_107, as a field name
            if field is not None:
                assert "SourceTimestamp" in field
                values.append(field["Value"])
    return values


async def test_the_proxy_publishes_what_it_translates(broker: Mosquitto, tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    collector = Collector(broker, TOPIC, METADATA, client_id="proxy-publish-collector")
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", f"opc.tcp://127.0.0.1:{source_port}", "--translator", str(translator),
        "--serve", f"opc.tcp://127.0.0.1:{served_port}/tolka", "--allow-anonymous", "--data-dir", str(tmp_path),
        "--source-security", "None", "--serve-security", "None",
        "--mqtt-publish", f"mqtt://127.0.0.1:{broker.port}", "--mqtt-topic", TOPIC,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE, text=True)
    try:
        speed = await node(source, SPEED)

        async def published(rpm: float) -> bool:
            """Write ``rpm`` (again and again until the proxy has subscribed); whether it came through."""
            assert process.poll() is None, process.communicate()[1]
            await speed.write_value(ua.DataValue(ua.Variant(rpm, ua.VariantType.Double)))
            return rpm / 60 in [pytest.approx(v) for v in _speed_values(collector)]

        for rpm in (1200.0, 3000.0):
            assert await eventually(functools.partial(published, rpm), timeout=30, interval=0.1), (
                f"{rpm} rpm never came through: {_speed_values(collector)}"
            )
        assert pytest.approx(20.0) in _speed_values(collector)
        assert pytest.approx(50.0) in _speed_values(collector)
    finally:
        process.send_signal(signal.SIGINT)
        errors = await asyncio.to_thread(lambda: process.communicate(timeout=30)[1])
        collector.close()
        await source.stop()
    assert process.returncode == 0, errors
    assert "MQTT messages" in errors
    # OPC 10000-14 7.2.5: the metadata first, then a key frame with every field, then delta frames
    stream = [(topic, orjson.loads(payload)) for topic, payload in collector.arrived()]
    assert stream[0][0] == METADATA
    metadata = stream[0][1]
    assert (metadata["MessageType"], metadata["PublisherId"]) == ("ua-metadata", "tolka-proxy")
    fields = {f["Name"]: f for f in metadata["MetaData"]["Fields"]}
    assert list(fields) == ["SC_107", "TT_103"]
    assert [(f["BuiltInType"], f["DataType"]) for f in fields.values()] == [(11, "i=11")] * 2  # the model's
    units = fields["SC_107"]["Properties"][0]
    assert units["Key"] == {"Name": "EngineeringUnits"}
    assert units["Value"]["Value"]["UnitId"] == unece_table()["HTZ"].unit_id  # from the rule's conversion
    data = [message for topic, message in stream if topic == TOPIC]
    datasets = [message["Messages"][0] for message in data]
    assert datasets[0]["MessageType"] == "ua-keyframe"
    assert set(datasets[0]["Payload"]) == {"SC_107", "TT_103"}
    assert {d["MessageType"] for d in datasets} <= {"ua-keyframe", "ua-deltaframe"}
    assert [d["SequenceNumber"] for d in datasets] == list(range(1, len(datasets) + 1))
    assert len({message["MessageId"] for message in data}) == len(data)
    assert all(d["MetaDataVersion"] == metadata["MetaData"]["ConfigurationVersion"] for d in datasets)


def test_mqtt_publish_refuses_a_bad_broker_url(tmp_path: Path) -> None:
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    done = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "proxy", "--source", "opc.tcp://127.0.0.1:1",
         "--translator", str(translator), "--allow-anonymous", "--mqtt-publish", "http://broker"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--mqtt-publish" in done.stderr


def test_the_metadata_needs_a_topic_of_its_own(tmp_path: Path) -> None:
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    done = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "proxy", "--source", "opc.tcp://127.0.0.1:1",
         "--translator", str(translator), "--allow-anonymous", "--mqtt-publish", "mqtt://127.0.0.1:1",
         "--mqtt-metadata-topic", "tolka/proxy"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--mqtt-metadata-topic" in done.stderr
