"""Publishing translated values to MQTT as OPC UA PubSub JSON (``tolka proxy --mqtt-publish``).

:class:`PubSubPublisher` collects values offered by field name (:meth:`PubSubPublisher.offer`, safe
to call from the data path: it never waits) and publishes, every ``interval``, one OPC UA PubSub JSON
network message (Part 14, JSON mapping: ``MessageType`` ``ua-data``, one DataSetMessage whose
``Payload`` maps each field to a DataValue with ``Value``, ``SourceTimestamp`` and ``StatusCode``
when not good) holding the latest value of every field that changed since the last one. It
reconnects with backoff when the broker goes away; values offered meanwhile are kept (the latest
per field) and published when it is back, so a consumer sees the current state, not every step.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
import socket
import ssl
import uuid
from typing import Any

import aiomqtt
import orjson

from services.bridge.settings import BrokerUrl, Tls
from translator.codecs.plain import pointer_tokens
from translator.instances.series import flatten
from translator.values import iso_millis

__all__ = ["MessagePublisher", "PubSubPublisher", "as_pubsub", "field_name"]

log = logging.getLogger("tolka.mqtt")


def field_name(address: str) -> str:
    """A DataSet field name for a target field's address: a JSON Pointer's tokens joined with dots
    (``/Skid_01/PLC/SC_107`` → ``Skid_01.PLC.SC_107``, as Tolka names PubSub fields), else as it is."""
    return ".".join(pointer_tokens(address)) if address.startswith("/") else address


def _client(
    broker: BrokerUrl, prefix: str, username: str | None, password: str | None, tls: ssl.SSLContext | None
) -> aiomqtt.Client:
    """A client of ``broker`` with a fresh id starting ``prefix``, Nagle off (each publish goes now)."""
    return aiomqtt.Client(
        broker.host,
        broker.port,
        identifier=f"{prefix}-{uuid.uuid4().hex[:12]}",
        username=username,
        password=password,
        tls_context=tls,
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )


class PubSubPublisher:
    """Publish offered values to ``topic`` on ``broker`` as PubSub JSON, every ``interval`` seconds.

    Attributes:
        published: network messages published so far; values: values they carried.
    """

    def __init__(
        self,
        broker: BrokerUrl,
        topic: str,
        *,
        publisher_id: str = "tolka",
        writer_id: int = 1,
        qos: int = 1,
        interval: float = 0.1,
        username: str | None = None,
        password: str | None = None,
        tls: Tls | None = None,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.publisher_id = publisher_id
        self.writer_id = writer_id
        self.qos = qos
        self.interval = interval
        self.username = username
        self.password = password
        self.tls_context = (tls or Tls()).context() if (tls is not None or broker.tls) else None
        self.published = 0
        self.values = 0
        self._pending: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Event()
        self._sequence = 0

    def offer(self, field: str, value: Any, source_time: dt.datetime | None = None, status: int = 0) -> None:
        """Queue ``field``'s latest value (it replaces one not yet published)."""
        entry: dict[str, Any] = {"Value": value}
        if source_time is not None:
            entry["SourceTimestamp"] = iso_millis(source_time)
        if status:
            entry["StatusCode"] = {"Code": status}
        self._pending[field] = entry
        self._changed.set()

    def _message(self, payload: dict[str, dict[str, Any]]) -> bytes:
        self._sequence += 1
        now = iso_millis(dt.datetime.now(dt.UTC))
        return orjson.dumps(
            {
                "MessageId": f"{self.publisher_id}-{self._sequence}",
                "MessageType": "ua-data",
                "PublisherId": self.publisher_id,
                "Messages": [
                    {
                        "DataSetWriterId": self.writer_id,
                        "SequenceNumber": self._sequence,
                        "Timestamp": now,
                        "Payload": payload,
                    }
                ],
            }
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set (what is pending then is published before it returns)."""
        backoff = 0.5
        while not stop.is_set():
            try:
                async with _client(
                    self.broker, "tolka-publish", self.username, self.password, self.tls_context
                ) as client:
                    backoff = 0.5
                    await self._publish_until(client, stop)
                    return
            except aiomqtt.MqttError as exc:
                log.warning("MQTT broker %s: %s; retrying in %.1f s", self.broker, exc, backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 10.0)

    async def _publish_until(self, client: aiomqtt.Client, stop: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), self.interval)
            if self._pending:
                payload, self._pending = self._pending, {}
                self._changed.clear()
                try:
                    await client.publish(self.topic, self._message(payload), qos=self.qos)
                except aiomqtt.MqttError:
                    self._pending = payload | self._pending  # kept for the next connection
                    raise
                self.published += 1
                self.values += len(payload)
            if stop.is_set() and not self._pending:
                return
            await asyncio.sleep(self.interval)


def as_pubsub(message: Any, publisher_id: str = "tolka") -> Any:
    """A translated message as an OPC UA PubSub JSON network message: as it is when it is one,
    else its leaf fields (dotted names, SenML records by name) as one DataSetMessage's payload with
    the message's time."""
    if isinstance(message, dict) and message.get("MessageType") == "ua-data":
        return message
    seconds, fields = flatten(message)
    stamp = iso_millis(dt.datetime.fromtimestamp(seconds, dt.UTC)) if seconds is not None else None
    payload = {field_name(name): {"Value": value} for name, value in fields.items()}
    dataset: dict[str, Any] = {"DataSetWriterId": 1, "Payload": payload}
    if stamp is not None:
        dataset["Timestamp"] = stamp
    return {"MessageType": "ua-data", "PublisherId": publisher_id, "Messages": [dataset]}


class MessagePublisher:
    """Publish whole messages to ``topic`` on ``broker``, each as it was offered, in order.

    :meth:`offer` never waits: up to ``limit`` messages wait for the broker (while it is away, say);
    past that the oldest are dropped, counted in ``dropped`` and logged, never silently.
    """

    def __init__(
        self,
        broker: BrokerUrl,
        topic: str,
        *,
        qos: int = 1,
        limit: int = 100_000,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.qos = qos
        self.username = username
        self.password = password
        self.tls_context = Tls().context() if broker.tls else None
        self.published = 0
        self.dropped = 0
        self._queue: collections.deque[bytes] = collections.deque(maxlen=limit)
        self._ready = asyncio.Event()

    def offer(self, payload: bytes) -> None:
        """Queue one message's bytes for publishing."""
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
            if self.dropped in (1, 10, 100, 1000) or self.dropped % 10_000 == 0:
                log.warning("MQTT broker %s too slow or away: %d messages dropped", self.broker, self.dropped)
        self._queue.append(payload)
        self._ready.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set and the queue is empty (or the broker stays away)."""
        backoff = 0.5
        while not (stop.is_set() and not self._queue):
            try:
                async with _client(
                    self.broker, "tolka-gateway", self.username, self.password, self.tls_context
                ) as client:
                    backoff = 0.5
                    while not (stop.is_set() and not self._queue):
                        if not self._queue:
                            self._ready.clear()
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._ready.wait(), 0.2)
                            continue
                        await client.publish(self.topic, self._queue[0], qos=self.qos)
                        self._queue.popleft()
                        self.published += 1
            except aiomqtt.MqttError as exc:
                if stop.is_set():
                    log.warning(
                        "MQTT broker %s away at shutdown: %d messages not published",
                        self.broker,
                        len(self._queue),
                    )
                    return
                log.warning("MQTT broker %s: %s; retrying in %.1f s", self.broker, exc, backoff)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 10.0)
