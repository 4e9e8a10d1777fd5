"""``tolka serve --mqtt-status-topic`` (TOLKA_MQTT_STATUS_TOPIC): the gateway's MQTT publisher says
``online`` there, retained, when it connects and ``offline`` when the service stops, through a real
Mosquitto; a topic one cannot publish to is refused before the gateway serves."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.polling import wait_until
from tests.servers import Gateway, Mosquitto, free_port, stop_gateway, tolka_process
from tests.services.bridge.conftest import Collector
from tests.services.bridge.test_status import retained, said
from tests.services.simulated import run

TOPIC = "site/status/gateway-1"


def test_serve_says_online_on_its_status_topic_and_offline_when_it_stops(
    broker: Mosquitto, tmp_path: Path
) -> None:
    collector = Collector(broker, TOPIC, client_id="serve-status-watch")
    port = free_port()
    process = tolka_process(
        "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
        "--mqtt-publish", broker.url, "--mqtt-topic", "plant/b/gateway", "--mqtt-status-topic", TOPIC,
    )  # fmt: skip
    gateway = Gateway(process, port)
    try:
        online = wait_until(lambda: process.poll() is not None or said(collector, TOPIC, b"online"), 60)
        assert process.poll() is None, process.communicate()[0]
        assert online, collector.arrived()
        assert retained(broker, TOPIC) == (b"online", True)  # a monitor that comes later sees it too
        output = stop_gateway(gateway)
        assert process.returncode in (0, -signal.SIGTERM), output
        collector.flush()  # everything the broker took before this is in
        assert collector.on(TOPIC) == [b"online", b"offline"], output
        assert retained(broker, TOPIC) == (b"offline", True)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        collector.close()


def test_a_status_topic_with_a_wildcard_is_refused_before_serving(tmp_path: Path) -> None:
    done = run(
        "serve", "--data-dir", str(tmp_path), "--mqtt-publish", "mqtt://127.0.0.1:1883",
        "--mqtt-status-topic", "tolka/status/+",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--mqtt-status-topic" in done.stderr
    assert "wildcard" in done.stderr
