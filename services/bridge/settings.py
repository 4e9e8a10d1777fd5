"""What a bridge needs to know: the broker's address, credentials and TLS, and its topics.

Everything is checked once, before the first connection, and a bad value raises
:class:`BridgeSettingsError` naming the option and the value (the broker's URL, TLS and the topics
published to are checked by :mod:`services.mqtt.broker`, whose :class:`MqttSettingsError` it extends):

>>> shared_filter("plant/a/#", "tolka")
'$share/tolka/plant/a/#'
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from services.mqtt.broker import BrokerUrl, MqttSettingsError, Tls, check_topic

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
        broker: where the broker is. subscribe: the topic filter read. publish: where translations go.
        dead_letter: where messages that cannot be translated go, with the error.
        group: the shared subscription group that instances split the stream in (None: read it all).
        qos: 0 or 1, for reading and publishing. client_id: the MQTT client id (stable across
        restarts when given, so the broker keeps the session). persistent: whether the client id was
        given. session_expiry: seconds the broker keeps the session of a lost connection.
        username, password, tls: how to log in (tls None: plain TCP; an mqtts:// URL always has TLS).
        batch: messages translated and published together (and the most unacknowledged at once).
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
    ) -> BridgeSettings:
        """Check every value and fill in the defaults (dead letters: ``<publish>/dead-letter``; client
        id: ``tolka-bridge-<group>-<random>``, kept for the process's life).

        Raises:
            BridgeSettingsError: the first value that cannot work.
        """
        url = BrokerUrl.parse(broker)
        check_filter(subscribe)
        shared_filter(subscribe, group)
        check_topic(publish, "--publish")
        dead = check_topic(dead_letter or f"{publish}/dead-letter", "--dead-letter")
        for option, topic in (("--publish", publish), ("--dead-letter", dead)):
            if topic_matches(subscribe, topic):
                raise BridgeSettingsError(
                    f"{topic!r} matches the --subscribe filter {subscribe!r}: the bridge would read "
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
        )

    @property
    def subscription(self) -> str:
        """The filter the bridge subscribes to (a shared one with a group)."""
        return shared_filter(self.subscribe, self.group)
