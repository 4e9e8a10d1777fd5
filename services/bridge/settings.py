"""What a bridge needs to know: the broker's address, credentials and TLS, and its topics.

Everything is checked once, before the first connection, and a bad value raises
:class:`BridgeSettingsError` naming the option and the value (the broker's URL, TLS and the topics
published to are checked by :mod:`services.mqtt.broker`, whose :class:`MqttSettingsError` it extends).
The publish and dead-letter topics may name the subscription's wildcards (``{1}``, ``{line}``: see
:mod:`services.bridge.topics`); the status topic (``tolka/status/<client id>`` by default) carries the
bridge's ``online`` / ``offline`` (:mod:`services.mqtt.status`):

>>> shared_filter("plant/a/#", "tolka")
'$share/tolka/plant/a/#'
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from services.bridge.topics import Subscription, TopicTemplate, filters_overlap
from services.mqtt.broker import BrokerUrl, MqttSettingsError, Tls, check_topic
from services.mqtt.status import status_topic_for

__all__ = [
    "BridgeSettings",
    "BridgeSettingsError",
    "Tls",
    "check_filter",
    "shared_filter",
    "topic_matches",
]


class BridgeSettingsError(MqttSettingsError):
    """A bridge setting that cannot work: ``option`` names it, ``value`` is what was given."""


def check_filter(topic_filter: str, option: str = "--subscribe") -> str:
    """A topic filter to subscribe to: ``+`` a whole level, ``#`` only as the last level."""
    if not topic_filter or "\0" in topic_filter:
        raise BridgeSettingsError("an empty topic filter", option=option, value=topic_filter)
    if topic_filter.startswith("$share/"):
        raise BridgeSettingsError(
            f"{topic_filter!r}: give the plain filter and the group with --group", option=option
        )
    levels = topic_filter.split("/")
    for k, level in enumerate(levels):
        bad_plus = "+" in level and level != "+"
        bad_hash = "#" in level and (level != "#" or k != len(levels) - 1)
        if bad_plus or bad_hash:
            raise BridgeSettingsError(
                f"{topic_filter!r}: level {k + 1} ({level!r}) misuses a wildcard (+ stands for a whole "
                "level, # only for the last)",
                option=option,
                value=topic_filter,
            )
    return topic_filter


def shared_filter(topic_filter: str, group: str | None) -> str:
    """The filter to subscribe to: ``$share/GROUP/FILTER`` with a group, else the filter itself."""
    if group is None:
        return topic_filter
    if not group or any(c in group for c in "/+#\0"):
        raise BridgeSettingsError(
            f"{group!r} cannot name a shared subscription group (no /, + or #)", option="--group", value=group
        )
    return f"$share/{group}/{topic_filter}"


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether ``topic`` matches ``topic_filter`` (MQTT wildcard rules)."""
    want, have = topic_filter.split("/"), topic.split("/")
    for k, level in enumerate(want):
        if level == "#":
            return True
        if k >= len(have) or (level != "+" and level != have[k]):
            return False
    return len(want) == len(have)


@dataclass(frozen=True, slots=True)
class BridgeSettings:
    """One bridge instance.

    Attributes:
        broker: where the broker is. subscribe: the topic filter read, as given (its wildcards may have
        names: ``plant/{line}/+/a``). publish: where translations go (it may name the wildcards:
        ``plant/{line}/{2}/b``). dead_letter: where messages that cannot be translated go, with the
        error (the same placeholders allowed).
        group: the shared subscription group that instances split the stream in (None: read it all).
        qos: 0 or 1, for reading and publishing. client_id: the MQTT client id (stable across
        restarts when given, so the broker keeps the session). persistent: whether the client id was
        given. session_expiry: seconds the broker keeps the session of a lost connection.
        username, password, tls: how to log in (tls None: plain TCP; an mqtts:// URL always has TLS).
        batch: messages translated and published together (and the most unacknowledged at once).
        status_topic: where the bridge says ``online`` (retained) and its Last Will ``offline``.
    """

    broker: BrokerUrl
    subscribe: str
    publish: str
    dead_letter: str
    group: str | None = None
    qos: int = 1
    client_id: str = ""
    persistent: bool = False
    session_expiry: int = 3600
    username: str | None = None
    password: str | None = None
    tls: Tls | None = None
    batch: int = 100
    status_topic: str = ""

    @classmethod
    def build(
        cls,
        broker: str,
        subscribe: str,
        publish: str,
        *,
        dead_letter: str | None = None,
        group: str | None = None,
        qos: int = 1,
        client_id: str | None = None,
        session_expiry: int = 3600,
        username: str | None = None,
        password: str | None = None,
        tls: Tls | None = None,
        batch: int = 100,
        status_topic: str | None = None,
    ) -> BridgeSettings:
        """Check every value and fill in the defaults (dead letters: ``<publish>/dead-letter``; client
        id: ``tolka-bridge-<group>-<random>``, kept for the process's life; status topic:
        ``tolka/status/<client id>``).

        Raises:
            BridgeSettingsError: the first value that cannot work.
        """
        url = BrokerUrl.parse(broker)
        wildcards = Subscription.parse(subscribe)
        check_filter(wildcards.filter)
        shared_filter(wildcards.filter, group)
        dead = dead_letter or f"{publish}/dead-letter"
        for option, topic in (("--publish", publish), ("--dead-letter", dead)):
            template = TopicTemplate.parse(topic, wildcards, option)
            if filters_overlap(wildcards.filter, template.as_filter):
                what = "matches" if template.fixed is not None else "can make topics that match"
                raise BridgeSettingsError(
                    f"{topic!r} {what} the --subscribe filter {subscribe!r}: the bridge would read "
                    "its own output",
                    option=option,
                    value=topic,
                )
        if qos not in (0, 1):
            raise BridgeSettingsError(f"{qos} is not 0 or 1", option="--qos", value=qos)
        if client_id is not None and (not client_id or len(client_id.encode()) > 65535):
            raise BridgeSettingsError("an empty or overlong client id", option="--client-id", value=client_id)
        if password is not None and username is None:
            raise BridgeSettingsError("a password needs a --username", option="--password")
        if url.tls and tls is None:
            tls = Tls()
        generated = f"tolka-bridge-{group or 'solo'}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        status = check_topic(status_topic or status_topic_for(client_id or generated), "--status-topic")
        if topic_matches(wildcards.filter, status):
            raise BridgeSettingsError(
                f"{status!r} matches the --subscribe filter {subscribe!r}: the bridge would read its own "
                "status; give another --status-topic",
                option="--status-topic",
                value=status,
            )
        return cls(
            broker=url,
            subscribe=subscribe,
            publish=publish,
            dead_letter=dead,
            group=group,
            qos=qos,
            client_id=client_id or generated,
            persistent=client_id is not None,
            session_expiry=session_expiry,
            username=username,
            password=password,
            tls=tls,
            batch=batch,
            status_topic=status,
        )

    @property
    def wildcards(self) -> Subscription:
        """The subscription's wildcards, numbered and named (the placeholders topics may use)."""
        return Subscription.parse(self.subscribe)

    @property
    def subscription(self) -> str:
        """The filter the bridge subscribes to (a shared one with a group), names as ``+``."""
        return shared_filter(self.wildcards.filter, self.group)
