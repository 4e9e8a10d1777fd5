"""The MQTT bridge: read messages, translate them, publish the translations — at least once.

One connection to the broker. The bridge subscribes to its filter (a shared subscription
``$share/GROUP/FILTER`` when it has a group, so that the instances of one group split the stream),
takes the messages that have arrived — up to ``batch`` at once — translates each with the compiled
translator, publishes the translations (and the dead letters of messages that could not be
translated) and waits for the broker's acknowledgements; only then does it acknowledge the messages
it read, in the order it read them. A broker restart or a lost connection between the two leaves
the messages unacknowledged, and the broker sends them again after the reconnection: nothing is
lost, at the cost of a possible duplicate. A redelivery (DUP flag) of a message this instance has
already published is acknowledged without publishing it again, and counted.

The session is persistent (MQTT 5 session expiry, clean start off): across reconnections always, and
across restarts of the process when its client id is given. The bridge reconnects with exponential
backoff with full jitter (:class:`services.backoff.Backoff`: up to 0.5 s, doubling to ``max_backoff``),
so the instances of a group do not all knock at once when their broker comes back. On every
connection it says ``online`` (retained) on its status topic, whose Last Will says ``offline``; on
stop it unsubscribes, finishes what it has received, says ``offline`` and disconnects, so no message
is left waiting for it.

The publish and dead-letter topics may take levels of the topic a message came on (``plant/{1}/b``:
:mod:`services.bridge.topics`).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import socket
import time
from collections.abc import Sequence

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from services.backoff import Backoff
from services.bridge.client import AckingClient, Delivery
from services.bridge.counters import Counters
from services.bridge.letters import dead_letter
from services.bridge.settings import BridgeSettings
from services.bridge.topics import TopicTemplate
from services.mqtt.status import OFFLINE, ONLINE, announce, last_will, status_topic_for
from translator.errors import TolkaError
from translator.translation.compiled import Translator

__all__ = ["Bridge", "BridgeError"]

log = logging.getLogger("tolka.bridge")

GENERATED_ID_EXPIRY = 60
"""Session expiry (s) of a generated client id: enough to ride out a broker restart; the process
cannot come back to its session after it ends, so a longer one would only hold messages for nobody."""
REMEMBERED = 100_000
"""Published messages remembered to spot redeliveries of them."""
_FATAL_CONNACK = {"Bad user name or password", "Not authorized", "Client identifier not valid", "Banned"}


class BridgeError(TolkaError):
    """The broker refused the bridge for good (credentials, client id, TLS certificate)."""

    def __init__(self, message: str, *, broker: str) -> None:
        self.broker = broker
        super().__init__(f"{broker}: {message}")


class Bridge:
    """Translate the messages of ``settings.subscribe`` with ``translator`` to ``settings.publish``.

    Args:
        settings: the broker, topics, group, QoS and credentials.
        translator: the compiled translator (its source format is what arrives, its target what leaves).
        max_backoff: longest wait between reconnection attempts (s).
        timeout: how long a connection attempt or a publication may take (s).
    """

    def __init__(
        self,
        settings: BridgeSettings,
        translator: Translator,
        *,
        max_backoff: float = 10.0,
        timeout: float = 10.0,
    ) -> None:
        self.settings = settings
        self.translator = translator
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.counters = Counters()
        self._published: set[int] = set()
        self._order: collections.deque[int] = collections.deque()
        self._tls = settings.tls.context() if settings.tls is not None else None
        wildcards = settings.wildcards
        self._publish = TopicTemplate.parse(settings.publish, wildcards, "--publish")
        self._dead_letter = TopicTemplate.parse(settings.dead_letter, wildcards, "--dead-letter")
        self.status_topic = settings.status_topic or status_topic_for(settings.client_id)
        """Where the bridge says ``online`` and its Last Will ``offline`` (retained)."""

    def _client(self) -> AckingClient:
        s = self.settings
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = s.session_expiry if s.persistent else GENERATED_ID_EXPIRY
        # flow control: the broker sends at most two batches the bridge has not acknowledged, so a
        # bridge that falls behind holds a bounded backlog (the rest waits, persisted, in the broker)
        properties.ReceiveMaximum = 2 * s.batch
        client = AckingClient(
            s.broker.host,
            s.broker.port,
            identifier=s.client_id,
            username=s.username,
            password=s.password,
            protocol=aiomqtt.ProtocolVersion.V5,
            clean_start=False,
            properties=properties,
            will=last_will(self.status_topic),
            tls_context=self._tls,
            timeout=self.timeout,
            max_inflight_messages=s.batch,
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            logger=log,
        )
        client.pending_calls_threshold = 2 * s.batch + 10
        return client

    # the data path ---------------------------------------------------------------------------

    async def _handle(self, client: AckingClient, batch: Sequence[Delivery]) -> None:
        """Translate and publish ``batch``, then acknowledge it (nothing is acknowledged if a
        publication fails: the broker sends those messages again)."""
        s, c = self.settings, self.counters
        c.last_received = time.time()
        outgoing: list[tuple[str, bytes] | None] = []
        translated: list[bool] = []
        keys: list[int] = []
        for delivery in batch:
            c.received += 1
            payload, topic = delivery.payload, delivery.topic.value
            key = hash((topic, payload))
            keys.append(key)
            if delivery.dup:
                c.redelivered += 1
                if key in self._published:
                    outgoing.append(None)
                    translated.append(False)
                    continue
            try:
                outgoing.append((self._publish.render(topic), self.translator.translate_json(payload)))
                translated.append(True)
            except TolkaError as exc:
                c.failed += 1
                letter = dead_letter(exc, bytes(payload), topic, s.client_id)
                outgoing.append((self._dead_letter.render(topic), letter))
                translated.append(False)
        await client.publish_all([out for out in outgoing if out is not None], s.qos)
        for delivery, out, ok, key in zip(batch, outgoing, translated, keys, strict=True):
            if out is None:
                c.duplicates += 1
            elif ok:
                c.translated += 1
                self._remember(key)
            else:
                c.dead_lettered += 1
                self._remember(key)
            client.ack(delivery)

    def _remember(self, key: int) -> None:
        if key in self._published:
            return
        self._published.add(key)
        self._order.append(key)
        if len(self._order) > REMEMBERED:
            self._published.discard(self._order.popleft())

    async def _serve(self, client: AckingClient, stop: asyncio.Event) -> None:
        """Handle batches until ``stop`` is set (a batch under way is finished)."""
        messages = client.messages
        while not stop.is_set():
            waiter = asyncio.ensure_future(anext(messages))
            stopper = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait((waiter, stopper), return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopper.cancel()
            if not waiter.done():
                waiter.cancel()
                break
            batch = [_delivery(waiter.result())]
            while len(messages) and len(batch) < self.settings.batch:
                batch.append(_delivery(await anext(messages)))
            await self._handle(client, batch)

    async def _finish(self, client: AckingClient, quiet: float = 0.3, longest: float = 5.0) -> None:
        """After unsubscribing: handle what the broker still sends until it is quiet."""
        messages = client.messages
        loop = asyncio.get_running_loop()
        until = loop.time() + longest
        while loop.time() < until:
            try:
                first = await asyncio.wait_for(anext(messages), quiet)
            except TimeoutError:
                return
            batch = [_delivery(first)]
            while len(messages) and len(batch) < self.settings.batch:
                batch.append(_delivery(await anext(messages)))
            await self._handle(client, batch)

    # the connection --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Run until ``stop`` is set; ``ready`` is set once the first subscription is up.

        Raises:
            BridgeError: the broker refused the credentials or the client id, or its TLS certificate.
        """
        s, c = self.settings, self.counters
        backoff, connected_before = Backoff(min(0.5, self.max_backoff), self.max_backoff), False
        while not stop.is_set():
            client = self._client()
            try:
                async with client:
                    await announce(client, self.status_topic, ONLINE)
                    # again on a resumed session too: harmless when the broker kept the subscription
                    await client.subscribe(s.subscription, qos=s.qos)
                    if connected_before:
                        # said once the subscription is acknowledged: a broker may drop what is
                        # published to a shared subscription while no member has it
                        c.reconnects += 1
                        log.warning("broker %s back (session %s), subscribed", s.broker, _kept(client))
                    c.state, connected_before = "connected", True
                    backoff.reset()
                    if ready is not None:
                        ready.set()
                    await self._serve(client, stop)
                    c.state = "stopping"
                    await client.unsubscribe(s.subscription)
                    await self._finish(client)
                    await announce(client, self.status_topic, OFFLINE)
            except aiomqtt.MqttError as exc:
                _raise_if_fatal(exc, str(s.broker))
                if c.state == "connected":
                    log.warning("lost the broker %s (%s); reconnecting", s.broker, exc)
                elif not connected_before and c.state == "connecting":
                    log.warning("broker %s unreachable (%s); retrying", s.broker, exc)
                c.state = "disconnected" if connected_before else "connecting"
                await backoff.wait(stop)
                continue
            break
        c.state = "stopped"


def _delivery(message: aiomqtt.Message) -> Delivery:
    assert isinstance(message, Delivery)  # AckingClient yields nothing else
    return message


def _kept(client: AckingClient) -> str:
    return "kept" if client.session_present else "new: the broker had lost it"


def _raise_if_fatal(exc: aiomqtt.MqttError, broker: str) -> None:
    reason = str(getattr(exc, "rc", "")) if isinstance(exc, aiomqtt.MqttCodeError) else ""
    if reason in _FATAL_CONNACK:
        raise BridgeError(f"the broker refused the connection: {reason}", broker=broker) from None
    if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "WRONG_VERSION_NUMBER" in str(exc):
        raise BridgeError(f"TLS failed: {exc}", broker=broker) from None
