"""Fixtures of the bridge tests: a compiled translator, bridge processes, MQTT clients; the broker is
``tests/conftest.py``'s."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt import publish
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from tests.paths import VENDOR_A, VENDOR_B
from tests.polling import wait_until
from tests.servers import Mosquitto
from translator.alignment.formats import write_alignment
from translator.alignment.model import Alignment, Correspondence

TOLKA = str(Path(sys.executable).with_name("tolka"))
A = "nsu=http://tolka.dev/demo/VendorA/;i="
B = "nsu=http://tolka.dev/demo/VendorB/;i="
SPEED = "PumpSkid1.Pump.Speed"


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

    def _exited(self) -> bool:
        return any(process.poll() is not None for process in self.processes)

    def _texts(self) -> str:
        return " | ".join(log.read_text() for log in self.logs)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Until every bridge has subscribed (it says ``tolka: bridging``)."""
        ready = wait_until(
            lambda: self._exited() or all("tolka: bridging" in log.read_text() for log in self.logs), timeout
        )
        assert not self._exited(), f"a bridge exited early: {self._texts()}"
        assert ready, f"bridges not ready: {self._texts()}"

    def wait_reconnected(self, timeout: float = 30.0) -> None:
        """Until every bridge says it has its broker back."""
        back = wait_until(
            lambda: all(
                "tolka: broker" in log.read_text() and " back (session" in log.read_text()
                for log in self.logs
            ),
            timeout,
            interval=0.02,
        )
        assert back, f"bridges not back: {self._texts()}"

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


class Bridge:
    """One ``tolka bridge`` process on ``broker`` with ``options`` (topics and the rest), its standard
    error in ``log``."""

    def __init__(self, log: Path, broker: Mosquitto, translator: Path, *options: str) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [TOLKA, "bridge", "--broker", broker.url, "--translator", str(translator), *options],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )

    def text(self) -> str:
        return self.log.read_text()

    def wait_ready(self, ready: Callable[[str], bool] = lambda text: "tolka: bridging" in text) -> None:
        """Until ``ready`` holds for what it said (default: it says it is bridging)."""
        said = wait_until(lambda: self.process.poll() is not None or ready(self.text()), 30)
        assert self.process.poll() is None, f"the bridge exited early: {self.text()}"
        assert said, f"the bridge is not ready: {self.text()}"

    def stop(self) -> str:
        """SIGTERM; what it said, once it has exited cleanly."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the bridge did not stop on SIGTERM: {self.text()}")
        assert self.process.returncode == 0, self.text()
        return self.text()

    def kill(self) -> None:
        """SIGKILL: the process dies without a word to the broker."""
        self.process.kill()
        self.process.wait()


class Collector:
    """A persistent-session QoS 1 subscriber (paho-mqtt, its own thread) keeping what arrives."""

    def __init__(self, broker: Mosquitto, *topics: str, client_id: str = "collector") -> None:
        self.received: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._port = broker.port
        self._client_id = client_id
        self._flush_topic = f"tolka-test/flush/{client_id}"
        self._markers: dict[bytes, threading.Event] = {}
        self.subscribed = threading.Event()
        self.client = _client(client_id)
        self.client.on_message = self._message
        self.client.on_connect = lambda c, u, f, rc, p: c.subscribe(
            [(t, 1) for t in (*topics, self._flush_topic)]
        )
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.client.connect("127.0.0.1", broker.port, clean_start=False, properties=_session())
        self.client.loop_start()
        assert self.subscribed.wait(10), "the collector could not subscribe"

    def _message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            if msg.topic == self._flush_topic:
                marker = self._markers.get(bytes(msg.payload))
                if marker is not None:
                    marker.set()
                return
            self.received.append((msg.topic, bytes(msg.payload)))

    def on(self, topic: str) -> list[bytes]:
        with self._lock:
            return [payload for t, payload in self.received if t == topic]

    def arrived(self) -> list[tuple[str, bytes]]:
        """Everything received so far, (topic, payload) in the order it arrived."""
        with self._lock:
            return list(self.received)

    def flush(self, timeout: float = 30.0) -> None:
        """Return once everything the broker accepted for this collector before the call has arrived.

        A marker published now (QoS 1, by a client of its own) to the collector's own topic comes
        after every message the broker accepted before it: Mosquitto hands a subscriber its messages
        in the order it accepted them. Once the publishers have stopped, what the collector holds
        after a flush is all there will be, a duplicate included — no waiting "a little longer".
        """
        marker = uuid.uuid4().hex.encode()
        arrived = threading.Event()
        with self._lock:
            self._markers[marker] = arrived
        publish.single(
            self._flush_topic, marker, qos=1, hostname="127.0.0.1", port=self._port,
            client_id=f"{self._client_id}-flush", protocol=mqtt.MQTTv5,
        )  # fmt: skip
        assert arrived.wait(timeout), f"the collector's flush marker did not come back within {timeout} s"

    def wait_for(self, topic: str, count: int, quiet: float = 10.0) -> list[bytes]:
        """What arrived on ``topic`` once ``count`` messages have — then :meth:`flush`ed, so a duplicate
        the broker already holds is in too — or what had when nothing new came for ``quiet`` s."""
        last, since = -1, time.monotonic()
        while (got := len(self.on(topic))) < count:
            if got != last:
                last, since = got, time.monotonic()
            elif time.monotonic() - since > quiet:  # the caller's assertion says what is missing
                return self.on(topic)
            time.sleep(0.05)
        self.flush()
        return self.on(topic)

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
        assert wait_until(lambda: self.acknowledged.issuperset(self.sent), timeout), (
            f"the broker acknowledged {len(self.acknowledged)} of {len(self.sent)} messages"
        )

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
