"""What a bridge needs to know: the broker's address, credentials and TLS, and its topics.

Everything is checked once, before the first connection, and a bad value raises
:class:`BridgeSettingsError` naming the option and the value:

>>> BrokerUrl.parse("mqtts://broker.plant:8883")
BrokerUrl(scheme='mqtts', host='broker.plant', port=8883)
>>> shared_filter("plant/a/#", "tolka")
'$share/tolka/plant/a/#'
"""

from __future__ import annotations

import os
import ssl
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from translator.errors import TolkaError

__all__ = [
    "BridgeSettings",
    "BridgeSettingsError",
    "BrokerUrl",
    "Tls",
    "check_filter",
    "check_topic",
    "shared_filter",
    "topic_matches",
]

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


class BridgeSettingsError(TolkaError):
    """A bridge setting that cannot work: ``option`` names it, ``value`` is what was given."""

    def __init__(self, message: str, *, option: str, value: object = None) -> None:
        self.option = option
        self.value = value
        super().__init__(f"{option}: {message}")


@dataclass(frozen=True, slots=True)
class BrokerUrl:
    """``mqtt://host[:port]`` (plain TCP, default port 1883) or ``mqtts://host[:port]`` (TLS, 8883)."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, text: str, option: str = "--broker") -> BrokerUrl:
        """Read a broker URL; user names and passwords belong in their own options, not in the URL.

        Raises:
            BridgeSettingsError: another scheme, no host, a bad port, a path, a query or credentials.
        """
        parts = urlsplit(text.strip())
        if parts.scheme not in DEFAULT_PORTS:
            known = ", ".join(f"{s}://" for s in DEFAULT_PORTS)
            raise BridgeSettingsError(
                f"{text!r} is not an MQTT broker URL: it must start with {known} (e.g. mqtt://127.0.0.1:1883)",
                option=option,
                value=text,
            )
        if parts.username is not None or parts.password is not None:
            raise BridgeSettingsError(
                f"{text!r} carries credentials: give them with --username and --password (or "
                "TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD) instead",
                option=option,
                value=text,
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise BridgeSettingsError(
                f"{text!r} has a path or query; an MQTT broker URL is scheme://host:port only",
                option=option,
                value=text,
            )
        try:
            port = parts.port
        except ValueError:
            raise BridgeSettingsError(
                f"{text!r} has a bad port (a number from 1 to 65535)", option=option, value=text
            ) from None
        if not parts.hostname:
            raise BridgeSettingsError(f"{text!r} names no host", option=option, value=text)
        return cls(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme])

    @property
    def tls(self) -> bool:
        return self.scheme == "mqtts"

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Tls:
    """TLS to the broker: the CA that signed its certificate (default: the system's), and a client
    certificate and key when the broker asks for one."""

    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None

    def context(self) -> ssl.SSLContext:
        """The SSL context; verifies the broker's certificate and host name.

        Raises:
            BridgeSettingsError: a file that is missing or not a certificate / key.
        """
        for option, path in (("--ca-file", self.ca_file), ("--cert-file", self.cert_file)):
            if path is not None and not path.is_file():
                raise BridgeSettingsError(f"{str(path)!r} is not a file", option=option, value=path)
        if self.key_file is not None and self.cert_file is None:
            raise BridgeSettingsError("a key needs its certificate (--cert-file)", option="--key-file")
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
        except ssl.SSLError as exc:
            raise BridgeSettingsError(
                f"{str(self.ca_file)!r} holds no CA certificate: {exc.reason}", option="--ca-file"
            ) from None
        if self.cert_file is not None:
            try:
                context.load_cert_chain(self.cert_file, self.key_file)
            except (ssl.SSLError, OSError) as exc:
                raise BridgeSettingsError(
                    f"cannot load the client certificate {str(self.cert_file)!r}"
                    + (f" with the key {str(self.key_file)!r}" if self.key_file else "")
                    + f": {exc}",
                    option="--cert-file",
                ) from None
        return context


def check_topic(topic: str, option: str) -> str:
    """A topic to publish to: not empty, no wildcards, not a ``$`` system topic."""
    if not topic or "\0" in topic:
        raise BridgeSettingsError("an empty topic", option=option, value=topic)
    if "+" in topic or "#" in topic:
        raise BridgeSettingsError(
            f"{topic!r} has a wildcard (+ or #); one publishes to a plain topic", option=option, value=topic
        )
    if topic.startswith("$"):
        raise BridgeSettingsError(f"{topic!r} is a broker system topic ($...)", option=option, value=topic)
    return topic


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
