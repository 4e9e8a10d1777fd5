"""Where an MQTT broker is and how to reach it, shared by the bridge, the proxy and the gateway.

:class:`BrokerUrl` (``mqtt://`` or ``mqtts://``), :class:`Tls` (the broker's CA, a client certificate),
:func:`check_topic` (a topic one may publish to) and :func:`new_client` (an aiomqtt client, its id fresh
unless given, with a Last Will).
A value that cannot work raises :class:`MqttSettingsError` naming the option it came from:

>>> BrokerUrl.parse("mqtts://broker.plant:8883")
BrokerUrl(scheme='mqtts', host='broker.plant', port=8883)
"""

from __future__ import annotations

import socket
import ssl
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiomqtt

from translator.errors import TolkaError

__all__ = ["DEFAULT_PORTS", "BrokerUrl", "MqttSettingsError", "Tls", "check_topic", "client_id", "new_client"]

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


class MqttSettingsError(TolkaError):
    """An MQTT setting that cannot work: ``option`` names it, ``value`` is what was given."""

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
            MqttSettingsError: another scheme, no host, a bad port, a path, a query or credentials.
        """
        parts = urlsplit(text.strip())
        if parts.scheme not in DEFAULT_PORTS:
            known = ", ".join(f"{s}://" for s in DEFAULT_PORTS)
            raise MqttSettingsError(
                f"{text!r} is not an MQTT broker URL: it must start with {known} (e.g. mqtt://127.0.0.1:1883)",
                option=option,
                value=text,
            )
        if parts.username is not None or parts.password is not None:
            raise MqttSettingsError(
                f"{text!r} carries credentials: give them with --username and --password (or "
                "TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD) instead",
                option=option,
                value=text,
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise MqttSettingsError(
                f"{text!r} has a path or query; an MQTT broker URL is scheme://host:port only",
                option=option,
                value=text,
            )
        try:
            port = parts.port
        except ValueError:
            raise MqttSettingsError(
                f"{text!r} has a bad port (a number from 1 to 65535)", option=option, value=text
            ) from None
        if not parts.hostname:
            raise MqttSettingsError(f"{text!r} names no host", option=option, value=text)
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
            MqttSettingsError: a file that is missing or not a certificate / key.
        """
        for option, path in (("--ca-file", self.ca_file), ("--cert-file", self.cert_file)):
            if path is not None and not path.is_file():
                raise MqttSettingsError(f"{str(path)!r} is not a file", option=option, value=path)
        if self.key_file is not None and self.cert_file is None:
            raise MqttSettingsError("a key needs its certificate (--cert-file)", option="--key-file")
        try:
            context = ssl.create_default_context(cafile=self.ca_file)
        except ssl.SSLError as exc:
            raise MqttSettingsError(
                f"{str(self.ca_file)!r} holds no CA certificate: {exc.reason}", option="--ca-file"
            ) from None
        if self.cert_file is not None:
            try:
                context.load_cert_chain(self.cert_file, self.key_file)
            except (ssl.SSLError, OSError) as exc:
                raise MqttSettingsError(
                    f"cannot load the client certificate {str(self.cert_file)!r}"
                    + (f" with the key {str(self.key_file)!r}" if self.key_file else "")
                    + f": {exc}",
                    option="--cert-file",
                ) from None
        return context


def check_topic(topic: str, option: str) -> str:
    """A topic to publish to: not empty, no wildcards, not a ``$`` system topic."""
    if not topic or "\0" in topic:
        raise MqttSettingsError("an empty topic", option=option, value=topic)
    if "+" in topic or "#" in topic:
        raise MqttSettingsError(
            f"{topic!r} has a wildcard (+ or #); one publishes to a plain topic", option=option, value=topic
        )
    if topic.startswith("$"):
        raise MqttSettingsError(f"{topic!r} is a broker system topic ($...)", option=option, value=topic)
    return topic


def client_id(prefix: str) -> str:
    """A fresh client id: ``prefix`` and 12 random hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_client(
    broker: BrokerUrl,
    prefix: str,
    username: str | None,
    password: str | None,
    tls: ssl.SSLContext | None,
    *,
    identifier: str | None = None,
    will: aiomqtt.Will | None = None,
) -> aiomqtt.Client:
    """A client of ``broker``, Nagle off (each publish goes now); its id ``identifier``, else a fresh
    one starting ``prefix``; ``will``: its Last Will (see :mod:`services.mqtt.status`)."""
    return aiomqtt.Client(
        broker.host,
        broker.port,
        identifier=identifier or client_id(prefix),
        username=username,
        password=password,
        tls_context=tls,
        will=will,
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
