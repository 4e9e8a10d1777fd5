"""The OPC UA proxy: subscribe on the source, translate each data change, write it to the target.

One client connects to the source server and subscribes to every source variable the plan routes
(in chunks of at most 1,000 monitored items, queue size > 1, so bursts within a publishing interval
are kept). One task reads the subscription's changes (asyncua's iterator, unbounded: nothing is dropped,
and no task is made per change), applies the route's transforms and writes value, source timestamp and
status code to the target — in the order the changes arrived. A change that cannot be translated (or
whose value the target refuses) is counted and logged, and the target then reads ``BadOutOfRange``
(``BadTypeMismatch`` for a value of the wrong type) until a value translates again: its last value
is no longer the machine's.

Status codes tell the truth: a target the source has not fed yet reads ``BadWaitingForInitialData``
(set by the served target, and written for a source value that is null with a Good status); while
the source cannot be reached before a target had a value, it reads ``BadNoCommunication``. When the
source goes away the target's values keep their last value with the status
``UncertainLastUsableValue`` and their last source timestamp (targets that never had a value:
``BadNoCommunication``); the proxy reconnects with exponential backoff with full jitter
(:class:`services.backoff.Backoff`: up to 0.5 s, doubling to ``max_backoff``), re-reads every source
value, resubscribes, and logs the gap. It exits only when told to stop. With a served target, a client
write the served target accepted (write-back on, the model and the user's role allow it) is translated
back and written to the source with a source timestamp, and logged on ``tolka.proxy.writes``. The
counters say what went through, and when the last subscribed change did and how late after its source
timestamp (``last_change``, ``lag``: :mod:`services.proxy.metrics` serves them).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import DataChangeEvent, StatusChangeEvent, Subscription
from asyncua.common.ua_utils import data_type_to_variant_type
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaError

from adapters.opcua.connect import refusal, secure_client
from adapters.opcua.pki import Pki, PkiError
from adapters.opcua.security import ClientSecurity, SecurityError
from services.backoff import Backoff
from services.proxy.counters import Counters
from services.proxy.plan import Plan, Route
from services.proxy.targets import ServedTarget, Target, coerce, resolve_ids
from translator.translation.values import iso_millis

__all__ = ["Proxy"]

log = logging.getLogger("tolka.proxy")
audit = logging.getLogger("tolka.proxy.writes")
"""One line per client write carried to the source (user, target, value): at INFO, always on."""
audit.setLevel(logging.INFO)

CHUNK = 1000
"""Monitored items created per request (asyncua drops the connection on ~10,000 in one call)."""
_TRANSFORM_ERRORS = (TypeError, ValueError, KeyError, ArithmeticError)


def _status(code: int) -> ua.StatusCode:
    return ua.StatusCode(ua.UInt32(code))


def _no_communication() -> ua.DataValue:
    status = _status(StatusCodes.BadNoCommunication)
    return ua.DataValue(ua.Variant(None), status, ServerTimestamp=ua.DateTime.now(dt.UTC))


def _now() -> str:
    return iso_millis(dt.datetime.now(dt.UTC))


class Proxy:
    """Run ``plan`` from the source server at ``source_url`` into ``target``.

    Args:
        publishing_interval: the subscription's publishing interval (ms).
        sampling_interval: the monitored items' sampling interval (ms; 0: every change).
        queue_size: each monitored item's queue on the server.
        max_backoff: longest wait between reconnection attempts (s).
        security: how to connect to the source: policy, user, PKI (default: the most secure endpoint
            the source offers, anonymous).
    """

    def __init__(
        self,
        plan: Plan,
        source_url: str,
        target: Target,
        *,
        publishing_interval: float = 50.0,
        sampling_interval: float = 0.0,
        queue_size: int = 100,
        timeout: float = 4.0,
        max_backoff: float = 10.0,
        security: ClientSecurity | None = None,
    ) -> None:
        self.plan = plan
        self.source_url = source_url
        self.target = target
        self.publishing_interval = publishing_interval
        self.sampling_interval = sampling_interval
        self.queue_size = queue_size
        self.timeout = timeout
        self.max_backoff = max_backoff
        self.security = security or ClientSecurity()
        self._pki: Pki | None = None
        self.counters = Counters()
        self._routes: dict[ua.NodeId, list[Route]] = {}
        self._source_ids: dict[str, ua.NodeId] = {}
        self._source_types: dict[str, ua.VariantType] = {}
        self._back: dict[str, Route] = {r.target_id: r for r in plan.routes if r.backward is not None}
        self._client: Client | None = None
        self._subscription: Subscription | None = None
        self._last: dict[str, ua.DataValue] = {}
        self._lost = asyncio.Event()
        self._refused = 0
        self.on_translated: Callable[[Route, ua.DataValue], None] | None = None
        """Called with each translated value once the target has it (``--mqtt-publish``); it must
        not wait."""

    # the data path ---------------------------------------------------------------------------

    async def _consume(self, subscription: Subscription) -> None:
        """Translate the subscription's changes in order until it closes; a bad status is a lost source."""
        async for event in subscription:
            if isinstance(event, DataChangeEvent):
                value = event.data.monitored_item.Value
                await self._received(event.node.nodeid, value)
                self._mark_change(value.SourceTimestamp)
            elif isinstance(event, StatusChangeEvent) and not event.notification.Status.is_good():
                self._lost.set()

    def _mark_change(self, stamp: dt.datetime | None) -> None:
        """A change from the subscription went through: when, and how long after its source time."""
        now = self.counters.last_change = time.time()
        if stamp is not None:
            aware = stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)
            self.counters.lag = now - aware.timestamp()

    async def _received(self, node: ua.NodeId, value: ua.DataValue) -> None:
        self.counters.received += 1
        for route in self._routes.get(node, ()):
            await self._forward(route, value)

    async def _forward(self, route: Route, value: ua.DataValue) -> None:
        raw = None if value.Value is None else value.Value.Value
        try:
            result = None if raw is None else route.forward(raw)
            variant = coerce(result, self.target.types[route.target_id])
        except _TRANSFORM_ERRORS as exc:
            self.counters.failed += 1
            if self.counters.failed <= 10:
                log.warning(
                    "rule %d: %r from %s cannot be translated: %s", route.rule, raw, route.source_id, exc
                )
            await self._untranslatable(route.target_id, value, exc)
            return
        status = value.StatusCode
        if raw is None and (status is None or status.is_good()):  # no value, yet "Good": there is no data
            status = _status(StatusCodes.BadWaitingForInitialData)
        translated = ua.DataValue(
            variant,
            StatusCode=status,
            SourceTimestamp=value.SourceTimestamp,
            ServerTimestamp=ua.DateTime.now(dt.UTC),
        )
        if result is not None:
            self._last[route.target_id] = translated
        try:
            await self.target.write(route.target_id, translated)
        except Exception as exc:  # the target refused it or went away: count it, go on with the rest
            self.counters.dropped += 1
            if self.counters.dropped <= 10:
                log.warning("the target refused %s = %r: %s", route.target_id, result, exc)
            if isinstance(exc, _TRANSFORM_ERRORS):  # refused the value (not an enumeration's name, ...)
                await self._untranslatable(route.target_id, value, exc)
            return
        self.counters.translated += 1
        if self.on_translated is not None:
            self.on_translated(route, translated)

    async def write_back(self, target_id: str, value: ua.DataValue, user: str = "anonymous") -> None:
        """``user`` wrote ``target_id`` on the served model (the target accepted it): carry it back to
        the source, with the client's source timestamp or now, and log it."""
        route, client = self._back.get(target_id), self._client
        if route is None or route.backward is None or value.Value is None:
            return
        stamp = value.SourceTimestamp or ua.DateTime.now(dt.UTC)
        try:
            if client is None:
                raise ConnectionError(f"the source {self.source_url} is not connected")
            back = coerce(route.backward(value.Value.Value), self._source_types[route.source_id])
            await client.get_node(self._source_ids[route.source_id]).write_value(
                ua.DataValue(back, SourceTimestamp=stamp)
            )
            self.counters.written_back += 1
            audit.info(
                "write by %s: %s = %r, to the source %s = %r at %s",
                user, target_id, value.Value.Value, route.source_id, back.Value, iso_millis(stamp),
            )  # fmt: skip
        except Exception as exc:  # the source refused it, or it went away: show the source's value again
            self.counters.writes_refused += 1
            log.warning("write by %s to %s not carried back to the source: %s", user, target_id, exc)
            last = self._last.get(target_id)
            if last is not None:
                await self._put(target_id, last)

    async def _untranslatable(self, target_id: str, value: ua.DataValue, exc: Exception) -> None:
        """The source's current value has no translation: the target's last one is no longer the
        machine's, so it reads Bad (BadTypeMismatch for a value of the wrong type, else BadOutOfRange)
        with the source's timestamp until a value translates again — never Good with stale data."""
        self._last.pop(target_id, None)
        code = StatusCodes.BadTypeMismatch if isinstance(exc, TypeError) else StatusCodes.BadOutOfRange
        await self._put(
            target_id, ua.DataValue(StatusCode=_status(code), SourceTimestamp=value.SourceTimestamp)
        )

    async def _put(self, target_id: str, value: ua.DataValue) -> None:
        """Write a value the proxy made itself (a status, a last value); a refusal is logged, not raised."""
        try:
            await self.target.write(target_id, value)
        except Exception as exc:  # a remote target may refuse a value without a value: say so a few times
            self._refused += 1
            if self._refused <= 10:
                log.warning("the target refused %s for %s: %s", value.StatusCode, target_id, exc)

    async def _mark_uncertain(self) -> None:
        """The source is gone: last values are uncertain (their source timestamps kept); targets that
        never had one have no communication."""
        uncertain = _status(StatusCodes.UncertainLastUsableValue)
        now = ua.DateTime.now(dt.UTC)
        for target_id in self._targets():
            last = self._last.get(target_id)
            if last is None:
                await self._put(target_id, _no_communication())
                continue
            held = ua.DataValue(
                last.Value, uncertain, SourceTimestamp=last.SourceTimestamp, ServerTimestamp=now
            )
            await self._put(target_id, held)

    async def _mark_unreachable(self) -> None:
        """The source cannot be reached: targets without a value yet have no communication."""
        for target_id in self._targets():
            if target_id not in self._last:
                await self._put(target_id, _no_communication())

    def _targets(self) -> list[str]:
        return list(dict.fromkeys(r.target_id for r in self.plan.routes))

    # the source connection -------------------------------------------------------------------

    async def _connect(self) -> Client:
        # asyncua's watchdog gives up on a server that is slow to answer for a second: under load
        # that is not a lost connection
        client = Client(self.source_url, timeout=self.timeout, watchdog_intervall=max(self.timeout, 5.0))

        async def lost(exc: Exception) -> None:
            self._lost.set()

        client.connection_lost_callback = lost
        self._pki = await secure_client(client, self.source_url, self.security)
        await client.connect()
        namespaces = await client.get_namespace_array()
        self._source_ids = resolve_ids(
            [r.source_id for r in self.plan.routes], namespaces, f"the source server {self.source_url}"
        )
        self._routes = {}
        for route in self.plan.routes:
            self._routes.setdefault(self._source_ids[route.source_id], []).append(route)
        for source_id in {r.source_id for r in self._back.values()}:
            data_type = await client.get_node(self._source_ids[source_id]).read_data_type()
            self._source_types[source_id] = await data_type_to_variant_type(client.get_node(data_type))
        return client

    async def _subscribe(self, client: Client) -> asyncio.Task[None]:
        """Read every source value, subscribe to the changes; the task that consumes them."""
        nodes = [client.get_node(n) for n in self._routes]
        # current values first, so the target is complete before the first change arrives
        for start in range(0, len(nodes), CHUNK):
            chunk = nodes[start : start + CHUNK]
            values = await client.read_attributes(chunk, AttributeIds.Value)
            for node, value in zip(chunk, values, strict=True):
                await self._received(node.nodeid, value)
        params = ua.CreateSubscriptionParameters(
            RequestedPublishingInterval=self.publishing_interval,
            RequestedLifetimeCount=10_000,
            RequestedMaxKeepAliveCount=100,
            MaxNotificationsPerPublish=0,
            PublishingEnabled=True,
        )
        subscription = self._subscription = await client.create_subscription(params, queue_maxsize=0)
        for start in range(0, len(nodes), CHUNK):
            await subscription.subscribe_data_change(
                nodes[start : start + CHUNK],
                queuesize=self.queue_size,
                sampling_interval=ua.Double(self.sampling_interval),
            )
        return asyncio.create_task(self._consume(subscription), name="tolka-proxy-changes")

    def _reconnected(self, lost_at: str) -> str:
        """Count the source as connected, and the gap since ``lost_at`` (if any) as over; ""."""
        if lost_at:
            self.counters.reconnects += 1
            self.counters.gaps.append((lost_at, _now()))
            log.warning("source %s back; no data from %s to %s", self.source_url, lost_at, _now())
        self.counters.state = "connected"
        return ""

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Run until ``stop`` is set; ``ready`` is set once the first subscription is up.

        Raises:
            ProxyError: the target cannot start or lacks a node; the source lacks one on first contact.
        """
        await self._start_target()
        consumer: asyncio.Task[None] | None = None
        backoff = Backoff(min(0.5, self.max_backoff), self.max_backoff)
        lost_at, first, said = "", True, ""
        try:
            while not stop.is_set():
                try:
                    self._lost.clear()
                    self._client = await self._connect()
                    # counted before the first value it serves reads Good again
                    lost_at = self._reconnected(lost_at)
                    consumer = await self._subscribe(self._client)
                except _UNREACHABLE as exc:
                    if self.counters.state == "connected":  # lost again while reading the values
                        self.counters.state, lost_at = "disconnected", _now()
                        await self._mark_uncertain()
                    # a refused certificate (either way) is said once, in one line, and retried: it
                    # may be trusted on the other side while the proxy waits
                    why = refusal(exc, self._pki if self.security.secure else None) or str(exc) or repr(exc)
                    if first or why != said:
                        log.warning("source %s unreachable (%s); retrying", self.source_url, why)
                        said = why
                    if first:
                        await self._mark_unreachable()
                        first = False
                    await self._close_client()
                    await backoff.wait(stop)
                    continue
                first, said = False, ""
                backoff.reset()
                if ready is not None:
                    ready.set()
                await _first(stop.wait(), self._lost.wait())
                if stop.is_set():
                    break
                lost_at = _now()
                self.counters.state = "disconnected"
                log.warning(
                    "lost the source %s; serving last values as uncertain, reconnecting", self.source_url
                )
                await self._close_client()
                await _drain(consumer)
                consumer = None
                await self._mark_uncertain()
        finally:
            await self._close_client()
            await _drain(consumer)
            await self.target.stop()

    async def _start_target(self) -> None:
        """Start the target, take its clients' writes (a served one), and write the constants."""
        await self.target.start(
            {r.target_id for r in self.plan.routes} | {c.target_id for c in self.plan.constants}
        )
        if isinstance(self.target, ServedTarget):
            self.target.on_client_write = self.write_back
        for constant in self.plan.constants:
            variant = coerce(constant.value, self.target.types[constant.target_id])
            await self.target.write(constant.target_id, ua.DataValue(variant))

    async def _close_client(self) -> None:
        """Disconnect from the source, then end the subscription's iteration: the consumer goes on with
        the changes already received and stops after the last (:func:`_drain`)."""
        client, self._client = self._client, None
        subscription, self._subscription = self._subscription, None
        if client is not None:
            with contextlib.suppress(Exception):  # it is gone already
                await asyncio.wait_for(client.disconnect(), self.timeout)
        if subscription is not None:
            # its session is closed (the server dropped it with the session): asyncua only cleans up
            # here, and ends the iteration after the changes queued so far
            with contextlib.suppress(Exception):
                await asyncio.wait_for(subscription.delete(), self.timeout)


_UNREACHABLE = (TimeoutError, OSError, UaError, ConnectionError, AssertionError, SecurityError, PkiError)
"""What connecting to the source may raise that a later attempt may not (asyncua raises AssertionError
when a server closes the channel it refused)."""


async def _drain(consumer: asyncio.Task[None] | None, seconds: float = 2.0) -> None:
    """Let the consumer write what the subscription had received (closing it ends the iteration
    after the last queued change), then stop it."""
    if consumer is None:
        return
    with contextlib.suppress(TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(asyncio.shield(consumer), seconds)
    consumer.cancel()


async def _first(*waits: Any) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
