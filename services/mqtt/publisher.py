"""Publishing translations to MQTT as OPC UA PubSub JSON (``tolka proxy --mqtt-publish``, the gateway).

:class:`PubSubPublisher` is one DataSetWriter of a Publisher (OPC 10000-14 v1.05; the messages are made
by :class:`~translator.translation.codecs.pubsub_frames.DataSetWriter`). It collects values offered by
field name (:meth:`PubSubPublisher.offer`, safe to call from the data path: it never waits) and
publishes once per publishing interval (``interval``): a key frame (``ua-keyframe``, every field) first
and every ``key_frame_count``-th interval, in between a delta frame (``ua-deltaframe``) of the fields
that changed, nothing when nothing did (6.2.4.3). Each field is a DataValue with ``Value``,
``SourceTimestamp`` and ``StatusCode`` when not good. Before its first data message, and whenever the
fields change (a new field, another type), it publishes the DataSet's metadata (``ua-metadata``,
7.2.5.5.2: each field's name, BuiltInType, DataType and engineering units) *retained* on the metadata
topic (7.3.4.7.4, RETAIN true), so a subscriber that comes later gets it at once. It reconnects with
jittered exponential backoff (:class:`services.backoff.Backoff`) when the broker goes away; values
offered meanwhile are kept (the latest per field), and after a reconnection the metadata and a key frame
go out first, so a consumer sees the current state, not every step.

Both publishers keep one client id for their life (``client_id``, default ``tolka-publish-<random>``
and ``tolka-gateway-<random>``) and announce themselves on a retained status topic (``status_topic``,
default ``tolka/status/<client id>``): ``online`` on every connection, ``offline`` on a clean stop, and
``offline`` as the connection's Last Will when it dies (:mod:`services.mqtt.status`). ``connected``
says whether a connection is up now; ``reconnects`` counts the times it came back.

:class:`MessagePublisher` publishes whole messages (the gateway's translations); :func:`as_pubsub`
makes a translation a key frame of a DataSetWriter (``MessageId`` and ``SequenceNumber`` included).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import aiomqtt
import orjson

from services.backoff import Backoff, wait_unless_stopped
from services.mqtt.broker import BrokerUrl, Tls, new_client
from services.mqtt.broker import client_id as fresh_id
from services.mqtt.status import OFFLINE, ONLINE, announce, last_will, status_topic_for
from translator.instances.series import flatten
from translator.translation.codecs.plain import pointer_tokens
from translator.translation.codecs.pubsub_frames import KEY_FRAME, DataSetWriter, FieldSpec
from translator.translation.values import iso_millis

__all__ = ["MessagePublisher", "PubSubPublisher", "as_pubsub", "field_name", "metadata_topic_for"]

log = logging.getLogger("tolka.mqtt")


def field_name(address: str) -> str:
    """A DataSet field name for a target field's address: a JSON Pointer's tokens joined with dots
    (``/Skid_01/PLC/SC_107`` → ``Skid_01.PLC.SC_107``, as Tolka names PubSub fields), else as it is."""
    return ".".join(pointer_tokens(address)) if address.startswith("/") else address


def metadata_topic_for(data_topic: str, writer: DataSetWriter) -> str:
    """Where the metadata of ``writer`` goes by default, next to its data: for a data topic of the
    spec's tree (``<Prefix>/<Encoding>/data/...``, OPC 10000-14 7.3.4.7.3) the spec's metadata topic
    ``<Prefix>/<Encoding>/metadata/<PublisherId>/<WriterGroup>/<DataSetWriter>`` (7.3.4.7.4), else
    ``<data topic>/metadata``.

    >>> metadata_topic_for("opcua/json/data/p1/g1", DataSetWriter("p1", group_name="g1", writer_name="w1"))
    'opcua/json/metadata/p1/g1/w1'
    >>> metadata_topic_for("tolka/proxy", DataSetWriter("p1"))
    'tolka/proxy/metadata'
    """
    levels = data_topic.split("/")
    if len(levels) >= 3 and levels[2] == "data":
        return "/".join([*levels[:2], "metadata", writer.publisher_id, writer.group_name, writer.writer_name])
    return f"{data_topic}/metadata"


class PubSubPublisher:
    """Publish offered values to ``topic`` on ``broker`` as PubSub JSON, once per ``interval`` seconds.

    Args:
        publisher_id, writer_id, writer_name, group_name, dataset_name: the names of the messages.
        fields: the DataSet's fields when they are known before their values (their order is the
            payload's); others join as they are offered.
        types: the fields' built-in types when only known later (an OPC UA server's variables once it
            runs): asked before each publication for the fields of unknown type.
        key_frame_count: a key frame every that many intervals (1: only key frames).
        metadata_topic: where the retained metadata goes (default :func:`metadata_topic_for`).
        client_id: the MQTT client id (default ``tolka-publish-<random>``, kept across reconnections).
        status_topic: where ``online`` / ``offline`` go, retained (default ``tolka/status/<client id>``).

    Attributes:
        published: data messages published so far; values: values they carried; key_frames: how many
            of them were key frames; metadata_published: metadata messages published; connected: whether
            the broker is connected now; reconnects: times it came back after a lost connection.
    """

    def __init__(
        self,
        broker: BrokerUrl,
        topic: str,
        *,
        publisher_id: str = "tolka",
        writer_id: int = 1,
        writer_name: str = "",
        group_name: str = "tolka",
        dataset_name: str = "",
        fields: Sequence[FieldSpec] = (),
        types: Callable[[], Mapping[str, int]] | None = None,
        key_frame_count: int = 10,
        metadata_topic: str | None = None,
        qos: int = 1,
        interval: float = 0.1,
        username: str | None = None,
        password: str | None = None,
        tls: Tls | None = None,
        client_id: str | None = None,
        status_topic: str | None = None,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.writer = DataSetWriter(
            publisher_id,
            writer_id,
            writer_name=writer_name,
            group_name=group_name,
            dataset_name=dataset_name,
            key_frame_count=key_frame_count,
            fields=fields,
        )
        self.metadata_topic = metadata_topic or metadata_topic_for(topic, self.writer)
        self.types = types
        self.qos = qos
        self.interval = interval
        self.username = username
        self.password = password
        self.tls_context = (tls or Tls()).context() if (tls is not None or broker.tls) else None
        self.client_id = client_id or fresh_id("tolka-publish")
        self.status_topic = status_topic or status_topic_for(self.client_id)
        self.published = 0
        self.values = 0
        self.key_frames = 0
        self.metadata_published = 0
        self.connected = False
        self.reconnects = 0

    @property
    def publisher_id(self) -> str:
        return self.writer.publisher_id

    def offer(
        self,
        field: str,
        value: Any,
        source_time: dt.datetime | None = None,
        status: int = 0,
        built_in_type: int | None = None,
    ) -> None:
        """Set ``field``'s latest value (it replaces one not yet published); ``built_in_type`` is its
        OPC UA built-in type when known."""
        self.writer.set(field, value, source_time, status, built_in_type)

    def _learn_types(self) -> None:
        if self.types is None or all(f.built_in_type for f in self.writer.fields):
            return
        known = self.types()
        for spec in self.writer.fields:
            kind = known.get(spec.name)
            if not spec.built_in_type and kind:
                self.writer.declare(replace(spec, built_in_type=int(kind)))

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set (what changed by then is published before it returns)."""
        backoff, before = Backoff(0.5, 10.0), False
        while not stop.is_set():
            try:
                async with new_client(
                    self.broker, "tolka-publish", self.username, self.password, self.tls_context,
                    identifier=self.client_id, will=last_will(self.status_topic),
                ) as client:  # fmt: skip
                    self.connected, self.reconnects, before = True, self.reconnects + int(before), True
                    backoff.reset()
                    await announce(client, self.status_topic, ONLINE)
                    await self._publish_until(client, stop)
                    await announce(client, self.status_topic, OFFLINE)
                    return
            except aiomqtt.MqttError as exc:
                self.writer.resync()  # whatever was under way: the metadata and a key frame next time
                delay = backoff.next()
                log.warning("MQTT broker %s: %s; retrying in %.1f s", self.broker, exc, delay)
                await wait_unless_stopped(stop, delay)
            finally:
                self.connected = False

    async def _publish_until(self, client: aiomqtt.Client, stop: asyncio.Event) -> None:
        self.writer.resync()  # a new connection: metadata and a key frame first
        while True:
            await self._publish_interval(client)
            if stop.is_set():
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    async def _publish_interval(self, client: aiomqtt.Client) -> None:
        """One publishing interval: the metadata when it changed, then the interval's data message. The
        first metadata waits for the first data message: by then the fields' types are known."""
        self._learn_types()
        message = self.writer.tick()
        if self.writer.metadata_due and (message is not None or self.metadata_published):
            metadata = orjson.dumps(self.writer.metadata())
            await client.publish(self.metadata_topic, metadata, qos=self.qos, retain=True)
            self.metadata_published += 1
        if message is not None:
            await client.publish(self.topic, orjson.dumps(message), qos=self.qos)
            dataset = message["Messages"][0]
            self.published += 1
            self.values += len(dataset["Payload"])
            self.key_frames += dataset["MessageType"] == KEY_FRAME


def as_pubsub(message: Any, writer: DataSetWriter) -> Any:
    """A translated message as an OPC UA PubSub JSON network message: as it is when it is one (a
    translator writing PubSub JSON makes key frames with a ``MessageId``), else a key frame of
    ``writer`` holding its leaf fields (dotted names, SenML records by name) as DataValues whose
    ``SourceTimestamp`` is the message's time."""
    if isinstance(message, dict) and message.get("MessageType") == "ua-data":
        return message
    seconds, fields = flatten(message)
    stamp = iso_millis(dt.datetime.fromtimestamp(seconds, dt.UTC)) if seconds is not None else None
    return writer.key_frame({field_name(name): value for name, value in fields.items()}, stamp)


class MessagePublisher:
    """Publish whole messages to ``topic`` on ``broker``, each as it was offered, in order.

    :meth:`offer_translation` publishes a translation as PubSub JSON: a key frame of ``writer`` (see
    :func:`as_pubsub`), after the writer's metadata (retained on ``metadata_topic``, default
    ``<topic>/metadata``) when its fields changed; the metadata goes again after each reconnection.
    :meth:`offer` and :meth:`offer_translation` never wait: up to ``limit`` messages wait for the broker
    (while it is away, say); past that the oldest are dropped, counted in ``dropped`` and logged, never
    silently. ``client_id`` (default ``tolka-gateway-<random>``) and ``status_topic`` (default
    ``tolka/status/<client id>``) as :class:`PubSubPublisher`'s.
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
        publisher_id: str = "tolka",
        metadata_topic: str | None = None,
        client_id: str | None = None,
        status_topic: str | None = None,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.writer = DataSetWriter(publisher_id, group_name="gateway", writer_name="translations")
        self.metadata_topic = metadata_topic or metadata_topic_for(topic, self.writer)
        self.qos = qos
        self.username = username
        self.password = password
        self.tls_context = Tls().context() if broker.tls else None
        self.client_id = client_id or fresh_id("tolka-gateway")
        self.status_topic = status_topic or status_topic_for(self.client_id)
        self.published = 0
        self.metadata_published = 0
        self.dropped = 0
        self.connected = False
        self.reconnects = 0
        self._queue: collections.deque[tuple[str, bytes, bool]] = collections.deque(maxlen=limit)
        self._ready = asyncio.Event()

    def offer(self, payload: bytes) -> None:
        """Queue one message's bytes for publishing."""
        self._append((self.topic, payload, False))

    def offer_translation(self, message: Any, data: bytes | None = None) -> None:
        """Queue a translated message as PubSub JSON (:func:`as_pubsub`); ``data``: its JSON bytes when
        already made (used as they are when the message is PubSub JSON already)."""
        wrapped = as_pubsub(message, self.writer)
        if wrapped is message:
            self.offer(data if data is not None else orjson.dumps(message))
            return
        if self.writer.metadata_due:
            self._append((self.metadata_topic, orjson.dumps(self.writer.metadata()), True))
        self.offer(orjson.dumps(wrapped))

    def _append(self, item: tuple[str, bytes, bool]) -> None:
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
            if self.dropped in (1, 10, 100, 1000) or self.dropped % 10_000 == 0:
                log.warning("MQTT broker %s too slow or away: %d messages dropped", self.broker, self.dropped)
        self._queue.append(item)
        self._ready.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until ``stop`` is set and the queue is empty (or the broker stays away)."""
        backoff, again = Backoff(0.5, 10.0), False
        while not (stop.is_set() and not self._queue):
            try:
                async with new_client(
                    self.broker, "tolka-gateway", self.username, self.password, self.tls_context,
                    identifier=self.client_id, will=last_will(self.status_topic),
                ) as client:  # fmt: skip
                    self.connected, self.reconnects = True, self.reconnects + int(again)
                    backoff.reset()
                    await announce(client, self.status_topic, ONLINE)
                    if again and self.writer.fields:  # a broker that restarted may have lost the metadata
                        self._queue.appendleft(
                            (self.metadata_topic, orjson.dumps(self.writer.metadata()), True)
                        )
                    again = True
                    while not (stop.is_set() and not self._queue):
                        if not self._queue:
                            self._ready.clear()
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(self._ready.wait(), 0.2)
                            continue
                        topic, payload, retain = self._queue[0]
                        await client.publish(topic, payload, qos=self.qos, retain=retain)
                        self._queue.popleft()
                        if retain:
                            self.metadata_published += 1
                        else:
                            self.published += 1
                    await announce(client, self.status_topic, OFFLINE)
            except aiomqtt.MqttError as exc:
                if stop.is_set():
                    log.warning(
                        "MQTT broker %s away at shutdown: %d messages not published",
                        self.broker,
                        len(self._queue),
                    )
                    return
                delay = backoff.next()
                log.warning("MQTT broker %s: %s; retrying in %.1f s", self.broker, exc, delay)
                await wait_unless_stopped(stop, delay)
            finally:
                self.connected = False
