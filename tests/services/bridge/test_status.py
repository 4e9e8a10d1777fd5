"""Every connection Tolka makes to a broker says ``online`` on its retained status topic, and its Last Will
says ``offline`` when it dies: a bridge killed with SIGKILL, the proxy's and the gateway's publishers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from tests.paths import ROOT
from tests.polling import eventually, wait_until
from tests.servers import Mosquitto, free_port
from tests.services.bridge.conftest import Bridge, Collector
from tests.services.proxy.test_proxy import SPEC, vendor_a
from translator.translation.spec import write_translator


def retained(broker: Mosquitto, topic: str) -> tuple[bytes, bool]:
    """What a subscriber that comes now gets first on ``topic``: the payload, and whether it was retained."""
    got: list[mqtt.MQTTMessage] = []
    arrived = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="late-reader", protocol=mqtt.MQTTv5)
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(topic, 1)
    client.on_message = lambda c, u, message: (got.append(message), arrived.set())
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        assert arrived.wait(10), f"nothing retained on {topic}"
    finally:
        client.disconnect()
        client.loop_stop()
    return bytes(got[0].payload), bool(got[0].retain)


def said(collector: Collector, topic: str, *payloads: bytes) -> bool:
    return collector.on(topic) == list(payloads)


def test_a_killed_bridge_is_declared_offline_by_its_last_will(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    topic = "tolka/status/will-1"  # the default: tolka/status/<client id>
    collector = Collector(broker, "tolka/status/+", client_id="status-watch")
    try:
        bridge = Bridge(
            tmp_path / "bridge.log", broker, translator_file,
            "--subscribe", "plant/a/+", "--publish", "plant/b", "--client-id", "will-1",
        )  # fmt: skip
        bridge.wait_ready()
        assert wait_until(lambda: said(collector, topic, b"online")), collector.arrived()
        assert retained(broker, topic) == (b"online", True)
        bridge.kill()  # SIGKILL: no DISCONNECT, no last word of its own
        assert wait_until(lambda: said(collector, topic, b"online", b"offline")), collector.arrived()
    finally:
        collector.close()
    assert retained(broker, topic) == (b"offline", True)  # a monitor that comes later knows too


def test_a_bridge_stopped_cleanly_says_offline_itself_on_its_own_status_topic(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    collector = Collector(broker, "site/bridges/#", client_id="status-watch")
    try:
        bridge = Bridge(
            tmp_path / "bridge.log", broker, translator_file,
            "--subscribe", "plant/a/+", "--publish", "plant/b", "--status-topic", "site/bridges/ab",
        )  # fmt: skip
        bridge.wait_ready()
        assert wait_until(lambda: said(collector, "site/bridges/ab", b"online")), collector.arrived()
        bridge.stop()
        collector.flush()
        assert collector.on("site/bridges/ab") == [b"online", b"offline"]
    finally:
        collector.close()
    assert retained(broker, "site/bridges/ab") == (b"offline", True)


def test_a_status_topic_the_bridge_reads_is_refused(translator_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "bridge", "--broker", "mqtt://127.0.0.1:1",
         "--translator", str(translator_file), "--subscribe", "tolka/#", "--publish", "out/b"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--status-topic: 'tolka/status/tolka-bridge-solo-" in done.stderr
    assert "matches the --subscribe filter 'tolka/#'" in done.stderr


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_proxys_publisher_has_a_last_will_too(tmp_path: Path, broker: Mosquitto) -> None:
    source_port = free_port()
    source = await vendor_a(source_port)
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    topic = "site/status/proxy-1"
    collector = Collector(broker, topic, client_id="proxy-status-watch")
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", f"opc.tcp://127.0.0.1:{source_port}", "--translator", str(translator),
        "--serve", f"opc.tcp://127.0.0.1:{free_port()}/tolka", "--allow-anonymous", "--data-dir", str(tmp_path),
        "--source-security", "None", "--serve-security", "None",
        "--mqtt-publish", broker.url, "--mqtt-topic", "plant/b/proxy", "--mqtt-status-topic", topic,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE, text=True)
    try:
        online = await eventually(lambda: process.poll() is not None or said(collector, topic, b"online"), 40)
        assert online, collector.arrived()
        assert process.poll() is None, process.communicate()[1]
        process.kill()
        await asyncio.to_thread(process.communicate)
        assert await eventually(lambda: said(collector, topic, b"online", b"offline")), collector.arrived()
    finally:
        if process.poll() is None:
            process.kill()
            await asyncio.to_thread(process.communicate)
        collector.close()
        await source.stop()


GATEWAY_PUBLISHER = """
import asyncio, sys
from services.mqtt import BrokerUrl, MessagePublisher

async def main() -> None:
    publisher = MessagePublisher(BrokerUrl.parse(sys.argv[1]), "plant/b/gateway", status_topic=sys.argv[2])
    await publisher.run(asyncio.Event())

asyncio.run(main())
"""


def test_the_gateways_publisher_says_online_and_its_will_says_offline(broker: Mosquitto) -> None:
    topic = "site/status/gateway-1"
    collector = Collector(broker, topic, client_id="gateway-status-watch")
    process = subprocess.Popen(
        [sys.executable, "-c", GATEWAY_PUBLISHER, broker.url, topic],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        online = wait_until(lambda: process.poll() is not None or said(collector, topic, b"online"), 30)
        assert online, collector.arrived()
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(signal.SIGKILL)
        process.communicate()
        assert wait_until(lambda: said(collector, topic, b"online", b"offline")), collector.arrived()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        collector.close()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_publishers_stopped_cleanly_say_offline_and_keep_one_client_id(broker: Mosquitto) -> None:
    from services.mqtt import BrokerUrl, MessagePublisher, PubSubPublisher

    collector = Collector(broker, "tolka/status/+", client_id="publishers-watch")
    url = BrokerUrl.parse(broker.url)
    gateway, proxy = MessagePublisher(url, "plant/b/g"), PubSubPublisher(url, "plant/b/p")
    assert gateway.status_topic == f"tolka/status/{gateway.client_id}"
    assert gateway.client_id.startswith("tolka-gateway-")
    assert proxy.client_id.startswith("tolka-publish-")
    try:
        stop = asyncio.Event()
        running = [asyncio.create_task(gateway.run(stop)), asyncio.create_task(proxy.run(stop))]
        assert await eventually(lambda: gateway.connected and proxy.connected, 20)
        for publisher in (gateway, proxy):
            assert await eventually(lambda p=publisher: said(collector, p.status_topic, b"online"))
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), 30)
        assert not gateway.connected
        assert not proxy.connected
        await asyncio.to_thread(collector.flush)
        for publisher in (gateway, proxy):
            assert collector.on(publisher.status_topic) == [b"online", b"offline"]
    finally:
        collector.close()
