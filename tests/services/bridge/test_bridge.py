"""``tolka bridge`` against a real Mosquitto: a group of instances shares a numbered stream, a broker
restart loses nothing, invalid messages go to the dead-letter topic with their error."""

from __future__ import annotations

import collections
import time
from pathlib import Path

import orjson

from tests.servers import Mosquitto
from tests.services.bridge.conftest import Bridges, Collector, Publisher, message, number

N = 10_000


def report(title: str, counts: list[dict[str, int]], numbers: list[int], seconds: float) -> None:
    seen = collections.Counter(numbers)
    duplicates = sum(k - 1 for k in seen.values() if k > 1)
    split = ", ".join(f"instance {k}: {c['translated']}" for k, c in enumerate(counts))
    print(
        f"\n{title}: {len(numbers)} translations of {N} messages in {seconds:.1f} s; {split}; "
        f"{duplicates} duplicates at the output; bridge counters: {counts}"
    )


def test_three_instances_in_a_group_translate_every_message_exactly_once(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    collector = Collector(broker, "plant/b", "plant/b/dead-letter")
    try:
        bridges = Bridges(tmp_path, broker, translator_file, 3)
        try:
            bridges.wait_ready()
            started = time.monotonic()
            publisher = Publisher(broker)
            for n in range(N):
                publisher.publish(f"plant/a/{n % 7}", message(n))
            publisher.wait_acknowledged()
            collector.wait_for("plant/b", N)
            seconds = time.monotonic() - started
            publisher.close()
        finally:
            counts = bridges.stop()
        collector.flush()  # the bridges have stopped: all they published is in, a duplicate too
        got = collector.on("plant/b")
    finally:
        collector.close()
    numbers = [number(payload) for payload in got]
    report("3 instances", counts, numbers, seconds)
    assert len(numbers) == N
    assert set(numbers) == set(range(N))
    assert sum(c["translated"] for c in counts) == N
    assert all(c["translated"] > 0 for c in counts), counts  # the group split the stream
    assert collector.on("plant/b/dead-letter") == []


def test_a_broker_restart_mid_stream_loses_nothing(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    collector = Collector(broker, "plant/b")
    try:
        bridges = Bridges(tmp_path, broker, translator_file, 3)
        try:
            bridges.wait_ready()
            started = time.monotonic()
            publisher = Publisher(broker)
            for n in range(N // 2):
                publisher.publish(f"plant/a/{n % 7}", message(n))
            # the broker has the first half; restart it while the bridges are still working through it
            publisher.wait_acknowledged()
            through = len(collector.on("plant/b"))
            broker.restart()
            print(
                f"\nbroker restarted with {N // 2 - through} of the first {N // 2} messages not yet through"
            )
            # Mosquitto 2.0.11 drops what is published to a shared subscription after a restart before
            # any member of the group is back (seen while writing this test): the second half waits
            bridges.wait_reconnected()
            for n in range(N // 2, N):
                publisher.publish(f"plant/a/{n % 7}", message(n))
            publisher.wait_acknowledged()
            collector.wait_for("plant/b", N)
            seconds = time.monotonic() - started
            publisher.close()
        finally:
            counts = bridges.stop()
        collector.flush()  # the bridges have stopped: all they published is in
        got = collector.on("plant/b")
    finally:
        collector.close()
    numbers = [number(payload) for payload in got]
    report("3 instances, broker restarted", counts, numbers, seconds)
    assert through < N // 2, "the restart came after the first half was through"
    missing = set(range(N)) - set(numbers)
    assert not missing, f"{len(missing)} lost, e.g. {sorted(missing)[:10]}"
    assert all(c["reconnects"] >= 1 for c in counts), counts


def test_invalid_messages_go_to_the_dead_letter_topic_with_their_error(
    tmp_path: Path, broker: Mosquitto, translator_file: Path
) -> None:
    collector = Collector(broker, "plant/b", "plant/b/dead-letter")
    bad = [message(1, speed="fast"), b"{broken", bytes([0xFF, 0xFE, 0x00]), b'{"MessageId": "x"}']
    try:
        bridges = Bridges(tmp_path, broker, translator_file, 1)
        try:
            bridges.wait_ready()
            publisher = Publisher(broker)
            for payload in [message(0), *bad, message(2)]:
                publisher.publish("plant/a/line1", payload)
            publisher.wait_acknowledged()
            collector.wait_for("plant/b/dead-letter", len(bad))
            collector.wait_for("plant/b", 2)
            publisher.close()
        finally:
            counts = bridges.stop()
        collector.flush()  # the bridge has stopped: all it published is in
        letters, good = collector.on("plant/b/dead-letter"), collector.on("plant/b")
    finally:
        collector.close()
    assert sorted(number(p) for p in good) == [0, 2]
    assert len(letters) == len(bad)
    decoded = [orjson.loads(letter) for letter in letters]
    by_payload = {d.get("payload", d.get("payload_base64")): d for d in decoded}
    fast = by_payload[message(1, speed="fast").decode()]
    assert fast["field"] == "PumpSkid1.Pump.Speed"
    assert "fast" in fast["error"]
    assert fast["topic"] == "plant/a/line1"
    assert fast["bridge"] == "tolka-0"
    assert "not JSON" in by_payload["{broken"]["error"]
    assert by_payload["//4A"]["error"]  # not UTF-8: the payload travels as base64
    assert all(d["error"] for d in decoded)
    assert counts[0]["dead-lettered"] == len(bad)
    assert counts[0]["translated"] == 2
