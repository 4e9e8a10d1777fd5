"""``tolka bridge --metrics-port`` under load through a real Mosquitto: what ``/metrics`` shows is what was
sent, ``/health`` follows the broker down and back; ``--log-format json`` writes nothing but JSON."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from tests.polling import wait_until
from tests.servers import Mosquitto, free_port
from tests.services.bridge.conftest import Bridge, Collector, Publisher, message
from tests.services.scraping import health, scrape

GOOD, BAD = 3000, 150
UNTRANSLATABLE = {20 + 21 * k for k in range(BAD)}
"""The messages of the stream whose speed is a word, not a number: every 21st."""
COUNTED = (
    "tolka_bridge_messages_received_total",
    "tolka_bridge_messages_translated_total",
    "tolka_bridge_messages_dead_lettered_total",
    "tolka_bridge_messages_failed_total",
)


def test_the_counters_scraped_under_load_are_what_was_sent_and_health_follows_the_broker(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    collector = Collector(broker, "plant/b", "plant/b/dead-letter", client_id="metrics-collector")
    bridge = Bridge(
        tmp_path / "bridge.log", broker, translator_file,
        "--subscribe", "plant/a/+", "--publish", "plant/b", "--client-id", "metrics-1",
        "--metrics-port", str(port), "--report-every", "0.5",
    )  # fmt: skip
    try:
        bridge.wait_ready()
        assert wait_until(lambda: health(url)[0] == 200), bridge.text()
        _, document = health(url)
        assert document["status"] == "ok"
        assert document["broker"] == {
            "url": broker.url, "state": "connected", "connected": True,
            "client_id": "metrics-1", "status_topic": "tolka/status/metrics-1",
        }  # fmt: skip
        assert document["last_message_age_seconds"] is None  # nothing yet
        publisher = Publisher(broker)
        scrapes = []
        for n in range(GOOD + BAD):
            publisher.publish(f"plant/a/{n % 5}", message(n, "fast") if n in UNTRANSLATABLE else message(n))
            if n % 500 == 0:
                scrapes.append(scrape(url))  # while the stream flows
        publisher.wait_acknowledged()
        publisher.close()
        expected = {
            "tolka_bridge_messages_received_total": GOOD + BAD,
            "tolka_bridge_messages_translated_total": GOOD,
            "tolka_bridge_messages_dead_lettered_total": BAD,
            "tolka_bridge_messages_failed_total": BAD,
        }
        assert wait_until(lambda: {k: scrape(url).get(k) for k in COUNTED} == expected, 60), scrape(url)
        collector.wait_for("plant/b", GOOD)
        collector.wait_for("plant/b/dead-letter", BAD)
        final = scrape(url)
        series = [*scrapes, final]
        for earlier, later in itertools.pairwise(series):
            assert all(earlier[k] <= later[k] for k in COUNTED), (earlier, later)  # counters only grow
        assert final["tolka_bridge_duplicates_total"] == 0
        assert final["tolka_bridge_reconnects_total"] == 0
        assert final["tolka_bridge_broker_connected"] == 1
        assert final["tolka_bridge_state{state=connected}"] == 1
        assert final["tolka_bridge_state{state=disconnected}"] == 0
        assert final["tolka_bridge_last_message_timestamp_seconds"] > 0
        assert final["tolka_bridge_last_message_age_seconds"] >= 0
        info = [k for k in final if k.startswith("tolka_bridge_info{")]
        assert info == [
            f"tolka_bridge_info{{broker={broker.url},client_id=metrics-1,publish=plant/b,"
            "status_topic=tolka/status/metrics-1,subscription=plant/a/+}"
        ]
        assert final["process_resident_memory_bytes"] > 0
        assert len(collector.on("plant/b")) == GOOD
        assert len(collector.on("plant/b/dead-letter")) == BAD

        broker.stop()  # the broker goes down: the bridge is down with it
        assert wait_until(lambda: health(url)[0] == 503, 30), health(url)
        _, document = health(url)
        assert (document["status"], document["broker"]["connected"]) == ("down", False)
        assert document["broker"]["state"] == "disconnected"
        assert document["counters"]["received"] == GOOD + BAD
        assert scrape(url)["tolka_bridge_broker_connected"] == 0

        broker.start()  # and back
        assert wait_until(lambda: health(url)[0] == 200, 60), (health(url), bridge.text())
        assert health(url)[1]["status"] == "ok"
        assert wait_until(lambda: scrape(url)["tolka_bridge_reconnects_total"] == 1, 30), scrape(url)
        assert scrape(url)["tolka_bridge_broker_connected"] == 1
    finally:
        text = bridge.stop()
        collector.close()
    assert f"metrics at {url}/metrics, health at {url}/health" in text
    assert wait_until(lambda: health(url) == (0, {})), "still serving after the bridge stopped"


def test_json_logs_are_json_lines_with_the_counters(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    collector = Collector(broker, "plant/b", "plant/b/dead-letter", client_id="json-collector")
    bridge = Bridge(
        tmp_path / "bridge.log", broker, translator_file,
        "--subscribe", "plant/a/+", "--publish", "plant/b", "--client-id", "json-1",
        "--log-format", "json", "--report-every", "0.2",
    )  # fmt: skip
    try:
        bridge.wait_ready(lambda text: '"event": "ready"' in text)
        publisher = Publisher(broker)
        for payload in [message(1), message(2), b"{broken", message(3), message(4, speed="fast")]:
            publisher.publish("plant/a/line1", payload)
        publisher.wait_acknowledged()
        publisher.close()
        collector.wait_for("plant/b", 3)
        collector.wait_for("plant/b/dead-letter", 2)
        # a counter line after the messages, then the broker goes away and comes back: warnings in JSON too
        assert wait_until(lambda: '"dead_lettered": 2' in bridge.text()), bridge.text()
        broker.stop()
        broker.start()
        assert wait_until(lambda: "back (session" in bridge.text(), 60), bridge.text()
    finally:
        text = bridge.stop()
        collector.close()
    lines = text.splitlines()
    assert lines
    events = []
    for line in lines:
        event = json.loads(line)  # every line, or the test fails here naming it
        assert event["component"] == "bridge", line
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["time"]), line
        assert event["level"] in ("info", "warning"), line
        events.append(event)
    kinds = [event["event"] for event in events]
    assert kinds[0] == "ready"
    assert kinds[-1] == "stopped"
    assert "status" in kinds
    ready = events[0]
    assert (ready["client_id"], ready["subscription"], ready["publish"]) == ("json-1", "plant/a/+", "plant/b")
    assert ready["message"].startswith("bridging plant/a/+ to plant/b on ")
    assert ready["counters"]["state"] == "connected"
    warnings = [event for event in events if event["level"] == "warning"]
    assert any("back (session" in event["event"] for event in warnings), warnings
    counters = events[-1]["counters"]
    assert (counters["received"], counters["translated"]) == (5, 3)
    assert (counters["dead_lettered"], counters["failed"], counters["reconnects"]) == (2, 2, 1)
    assert counters["state"] == "stopped"
    assert events[-1]["message"].startswith("stopped; stopped: 5 received, 3 translated")
    assert isinstance(events[-1]["uptime_seconds"], float)
