"""Topics that keep the device: ``--publish plant/{1}/{2}/b`` takes the levels of the topic a message came
on — checked before anything connects, and end to end through a real Mosquitto."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import orjson
import pytest

from services.bridge.settings import BridgeSettings, BridgeSettingsError
from services.bridge.topics import Subscription, TopicTemplate, filters_overlap
from services.mqtt.broker import MqttSettingsError
from tests.servers import Mosquitto
from tests.services.bridge.conftest import TOLKA, Bridge, Collector, Publisher, message, number


def test_numbered_and_named_wildcards_give_the_levels_of_the_incoming_topic() -> None:
    numbered = Subscription.parse("plant/+/+/a")
    assert (numbered.filter, numbered.levels, dict(numbered.names)) == ("plant/+/+/a", (1, 2), {})
    template = TopicTemplate.parse("plant/{1}/{2}/b", numbered)
    assert template.render("plant/line1/press7/a") == "plant/line1/press7/b"
    assert template.render("plant/line2/press9/a") == "plant/line2/press9/b"
    assert template.as_filter == "plant/+/+/b"
    named = Subscription.parse("plant/{line}/{machine}/a")
    assert (named.filter, dict(named.names)) == ("plant/+/+/a", {"line": 1, "machine": 2})
    mixed = TopicTemplate.parse("out/{machine}-{1}/{{raw}}", named)  # anywhere in a level; {{ is a brace
    assert mixed.render("plant/l1/p7/a") == "out/p7-l1/{raw}"
    assert mixed.as_filter == "out/+/{raw}"
    deep = Subscription.parse("site/+/{cell}/#")
    assert TopicTemplate.parse("b/{cell}/{1}", deep).render("site/s1/c4/x/y") == "b/c4/s1"


def test_a_topic_without_placeholders_is_published_to_as_it_is() -> None:
    template = TopicTemplate.parse("plant/b", Subscription.parse("plant/a/+"))
    assert template.fixed == "plant/b"
    assert template.render("plant/a/anything") == "plant/b"


@pytest.mark.parametrize(
    ("subscribe", "publish", "says"),
    [
        (
            "plant/+/+/a",
            "plant/{3}/b",
            "names {3}, but the --subscribe filter 'plant/+/+/a' has 2 + wildcards",
        ),
        ("plant/a/#", "plant/{1}/b", "names {1}, but the --subscribe filter 'plant/a/#' has no + wildcard"),
        (
            "plant/{line}/{machine}/a",
            "plant/{line}/{cell}/b",
            "names {cell}, which the --subscribe filter 'plant/{line}/{machine}/a' does not have "
            "(it has {1}, {2}, {line}, {machine})",
        ),
        ("plant/+/a", "plant/{}/b", "an empty placeholder {}"),
        ("plant/+/a", "plant/{1!r}/b", "a placeholder is {n} or {name} alone"),
        ("plant/+/a", "plant/{1/b", "a literal brace is written {{ or }}"),
    ],
)
def test_a_placeholder_the_subscription_lacks_is_named(subscribe: str, publish: str, says: str) -> None:
    with pytest.raises(MqttSettingsError, match=r"^--publish: ") as caught:
        BridgeSettings.build("mqtt://127.0.0.1", subscribe, publish)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("subscribe", "says"),
    [
        ("plant/{1}/a", "level 2 ('{1}') is no named wildcard"),
        ("plant/x{line}/a", "level 2 ('x{line}') is no named wildcard"),
        ("plant/{line}/{line}", "names {line} twice"),
    ],
)
def test_a_named_wildcard_is_a_whole_level_with_a_name(subscribe: str, says: str) -> None:
    with pytest.raises(MqttSettingsError, match=r"^--subscribe: ") as caught:
        BridgeSettings.build("mqtt://127.0.0.1", subscribe, "out/b")
    assert says in str(caught.value)


def test_templates_that_could_feed_the_subscription_are_refused() -> None:
    with pytest.raises(BridgeSettingsError, match="can make topics that match the --subscribe filter"):
        BridgeSettings.build("mqtt://127.0.0.1", "plant/+/+", "plant/{1}/{2}")
    with pytest.raises(BridgeSettingsError, match=re.escape("--dead-letter: 'plant/{1}/x'")):
        BridgeSettings.build("mqtt://127.0.0.1", "plant/+/x", "out/{1}", dead_letter="plant/{1}/x")
    assert not filters_overlap("plant/+/+/a", "plant/+/+/b")
    assert filters_overlap("plant/+/+/a", "plant/+/+/+")
    assert filters_overlap("plant/#", "plant")
    assert not filters_overlap("plant/+", "plant")


def test_placeholders_keep_shared_subscriptions_and_the_dead_letter_default() -> None:
    settings = BridgeSettings.build(
        "mqtt://127.0.0.1", "plant/{line}/{machine}/a", "plant/{line}/{machine}/b", group="g"
    )
    assert settings.subscription == "$share/g/plant/+/+/a"
    assert settings.dead_letter == "plant/{line}/{machine}/b/dead-letter"


def test_the_command_names_a_missing_placeholder_before_connecting(translator_file: Path) -> None:
    done = subprocess.run(
        [TOLKA, "bridge", "--broker", "mqtt://127.0.0.1:1", "--translator", str(translator_file),
         "--subscribe", "plant/{line}/{machine}/a", "--publish", "plant/{line}/{press}/b"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("tolka: error: --publish: 'plant/{line}/{press}/b' names {press}")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("options", "dead"),
    [
        (["--subscribe", "plant/+/+/a", "--publish", "plant/{1}/{2}/b"], "plant/line2/press9/b/dead-letter"),
        (
            ["--subscribe", "plant/{line}/{machine}/a", "--publish", "plant/{line}/{machine}/b",
             "--group", "keep", "--dead-letter", "dead/{machine}/{line}"],
            "dead/press9/line2",
        ),
    ],
    ids=["numbered", "named-shared"],
)  # fmt: skip
def test_messages_arrive_on_the_topic_of_their_own_device(
    tmp_path: Path, broker: Mosquitto, translator_file: Path, options: list[str], dead: str
) -> None:
    collector = Collector(broker, "plant/+/+/b", "+/+/+/b/dead-letter", "dead/#", client_id="devices")
    try:
        bridge = Bridge(
            tmp_path / "bridge.log", broker, translator_file, *options, "--client-id", "devices-1"
        )
        try:
            bridge.wait_ready()
            publisher = Publisher(broker)
            publisher.publish("plant/line1/press7/a", message(7))
            publisher.publish("plant/line2/press9/a", message(9))
            publisher.publish("plant/line2/press9/a", b"{broken")
            publisher.publish("plant/line1/press7/a", message(70))
            publisher.wait_acknowledged()
            publisher.close()
            collector.wait_for("plant/line1/press7/b", 2)
            collector.wait_for("plant/line2/press9/b", 1)
            collector.wait_for(dead, 1)
        finally:
            text = bridge.stop()
        collector.flush()
        arrived = collector.arrived()
    finally:
        collector.close()
    translated = [(topic, number(payload)) for topic, payload in arrived if not topic.endswith(dead)]
    assert sorted(translated) == [
        ("plant/line1/press7/b", 7), ("plant/line1/press7/b", 70), ("plant/line2/press9/b", 9),
    ], text  # fmt: skip
    letters = [orjson.loads(payload) for topic, payload in arrived if topic == dead]
    assert [(letter["topic"], letter["payload"]) for letter in letters] == [
        ("plant/line2/press9/a", "{broken")
    ]
    assert re.search(r"stopped: 4 received, 3 translated \([\d,]+/s\), 1 dead-lettered", text), text
