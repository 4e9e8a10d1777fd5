"""Fixtures of the bridge tests: a real broker, a compiled translator, bridge processes, MQTT clients."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from tests.paths import VENDOR_A, VENDOR_B
from tests.services.bridge.broker import Mosquitto, mosquitto_binary
from translator.alignment.formats import write_alignment
from translator.alignment.model import Alignment, Correspondence

TOLKA = str(Path(sys.executable).with_name("tolka"))
A = "nsu=http://tolka.dev/demo/VendorA/;i="
B = "nsu=http://tolka.dev/demo/VendorB/;i="
SPEED = "PumpSkid1.Pump.Speed"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    server = Mosquitto(mosquitto_binary(), tmp_path / "broker")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def translator_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Vendor A's pump speed (rpm) and heater temperature (°C), as OPC UA PubSub JSON, into vendor B's
    plain JSON (Hz, °F): compiled by ``tolka compile`` from the demo models."""
    folder = tmp_path_factory.mktemp("translator")
    mapping = folder / "a-b.sssom.tsv"
    write_alignment(
        Alignment("A", "B", [Correspondence(A + "6061", B + "6020"), Correspondence(A + "6082", B + "6008")]),
        mapping,
    )
    out = folder / "a-b.json"
    done = subprocess.run(
        [
            TOLKA,
            "compile",
            str(mapping),
            "--source",
            str(VENDOR_A),
            "--target",
            str(VENDOR_B),
            "-o",
            str(out),
            "--target-format",
            "json",  # vendor B's model is a NodeSet (PubSub JSON by default): its plain JSON is asked for
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return out


def message(n: int, speed: object | None = None) -> bytes:
    """Message ``n`` of the numbered stream: vendor A's pump at ``n`` rpm."""
    payload = {
        SPEED: {"Value": float(n) if speed is None else speed, "SourceTimestamp": "2026-11-01T10:00:00Z"},
        "PumpSkid1.Heater.OutletTemperature": {"Value": 20.0},
    }
    return orjson.dumps({"MessageId": str(n), "MessageType": "ua-data", "Messages": [{"Payload": payload}]})


def number(translated: bytes) -> int:
    """The ``n`` of a translated message (vendor B's SC_107 is the speed in Hz)."""
    return round(orjson.loads(translated)["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] * 60)


class Bridges:
    """``tolka bridge`` processes of one group, each with its own stable client id and log file."""

    def __init__(
        self, folder: Path, broker: Mosquitto, translator: Path, count: int, group: str = "tolka"
    ) -> None:
        self.logs = [folder / f"bridge-{k}.log" for k in range(count)]
        self.processes = [
            subprocess.Popen(
                [
                    TOLKA, "bridge", "--broker", broker.url, "--translator", str(translator),
                    "--subscribe", "plant/a/+", "--publish", "plant/b", "--group", group,
                    "--client-id", f"{group}-{k}", "--qos", "1", "--report-every", "1",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log.open("wb"),
            )
            for k, log in enumerate(self.logs)
        ]  # fmt: skip

    def wait_ready(self, timeout: float = 30.0) -> None:
        until = time.monotonic() + timeout
        while not all("tolka: bridging" in log.read_text() for log in self.logs):
            for process, log in zip(self.processes, self.logs, strict=True):
                assert process.poll() is None, f"a bridge exited early: {log.read_text()}"
            assert time.monotonic() < until, "bridges not ready: " + " | ".join(
                f.read_text() for f in self.logs
            )
            time.sleep(0.05)

    def wait_reconnected(self, timeout: float = 30.0) -> None:
        until = time.monotonic() + timeout
        while not all(
            "tolka: broker" in log.read_text() and " back (session" in log.read_text() for log in self.logs
        ):
            assert time.monotonic() < until, "bridges not back: " + " | ".join(
                f.read_text() for f in self.logs
            )
            time.sleep(0.02)

    def stop(self) -> list[dict[str, int]]:
        """SIGTERM each; their final counters."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        counts = []
        for process, log in zip(self.processes, self.logs, strict=True):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(f"a bridge did not stop on SIGTERM: {log.read_text()}")
            text = log.read_text()
            assert process.returncode == 0, text
            final = [line for line in text.splitlines() if "tolka: stopped;" in line]
            assert final, text
            counts.append(
                {
                    name: int(value.replace(",", ""))
                    for value, name in re.findall(r"([\d,]+) ([a-z-]+)", final[-1])
                }
            )
        return counts


class Collector:
    """A persistent-session QoS 1 subscriber (paho-mqtt, its own thread) keeping what arrives."""

    def __init__(self, broker: Mosquitto, *topics: str, client_id: str = "collector") -> None:
        self.received: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self.subscribed = threading.Event()
        self.client = _client(client_id)
        self.client.on_message = self._message
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe([(t, 1) for t in topics])
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.connect("127.0.0.1", broker.port, clean_start=False, properties=_session())
        self.client.loop_start()
        assert self.subscribed.wait(10), "the collector could not subscribe"

    def _message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.received.append((msg.topic, bytes(msg.payload)))

    def on(self, topic: str) -> list[bytes]:
        with self._lock:
            return [payload for t, payload in self.received if t == topic]

    def arrived(self) -> list[tuple[str, bytes]]:
        """Everything received so far, (topic, payload) in the order it arrived."""
        with self._lock:
            return list(self.received)

    def wait_for(self, topic: str, count: int, quiet: float = 10.0) -> list[bytes]:
        """What arrived on ``topic`` once ``count`` messages have, or nothing new for ``quiet`` s."""
        last, since = -1, time.monotonic()
        while True:
            got = self.on(topic)
            if len(got) >= count:
                time.sleep(0.3)  # a duplicate still under way arrives too
                return self.on(topic)
            if len(got) != last:
                last, since = len(got), time.monotonic()
            elif time.monotonic() - since > quiet:
                return got
            time.sleep(0.05)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _client(client_id: str) -> mqtt.Client:
    return mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, reconnect_on_failure=True
    )


def _session() -> Properties:
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = 3600
    return properties


class Publisher:
    """A QoS 1 publisher (paho-mqtt, its own thread); paho sends again what the broker has not
    acknowledged when it reconnects, and :meth:`wait_acknowledged` waits for every acknowledgement."""

    def __init__(self, broker: Mosquitto, client_id: str = "publisher") -> None:
        self.client = _client(client_id)
        self.client.reconnect_delay_set(0.1, 1)
        self.client.max_inflight_messages_set(100)
        connected = threading.Event()
        self.acknowledged: set[int] = set()
        self.client.on_connect = lambda *args: connected.set()
        self.client.on_publish = lambda client, userdata, mid, rc, properties: self.acknowledged.add(mid)
        self.client.connect("127.0.0.1", broker.port, clean_start=False, properties=_session())
        self.client.loop_start()
        assert connected.wait(10), "the publisher could not connect"
        self.sent: list[int] = []

    def publish(self, topic: str, payload: bytes) -> None:
        self.sent.append(self.client.publish(topic, payload, qos=1).mid)

    def wait_acknowledged(self, timeout: float = 60.0) -> None:
        until = time.monotonic() + timeout
        while not self.acknowledged.issuperset(self.sent):
            assert time.monotonic() < until, (
                f"the broker acknowledged {len(self.acknowledged)} of {len(self.sent)} messages"
            )
            time.sleep(0.05)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
