"""The demo's live stage: each mapped field's values at the source, translated, and at the target.

:class:`LiveSampler` subscribes to the proxy's served model (as any OPC UA client would) and keeps the
latest translated value of each target variable and how long it took from the moment the plant wrote
the source value to its arrival at the client. :meth:`LiveSampler.sample` reads vendor A's and vendor
B's own values from their servers, sends vendor A's current values through the gateway as one PubSub
message, and returns one :class:`Row` per rule of the learned translator.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import DataChangeNotif
from asyncua.ua.uaerrors import UaError

from adapters.opcua.connect import secure_client
from adapters.opcua.security import ClientSecurity
from translator.errors import TolkaError
from translator.translation.values import iso_millis

if TYPE_CHECKING:
    from services.demo.run import Demo

__all__ = ["LiveSampler", "Row"]


@dataclass(frozen=True, slots=True)
class Row:
    """One mapped field: vendor A's field and value, the translated value in vendor B's model (from
    the proxy), vendor B's own value, and the units."""

    source: str
    target: str
    source_value: Any
    translated: Any
    target_value: Any
    source_unit: str
    unit: str


class LiveSampler:
    """Samples the demo's live traffic (module doc)."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        learned = demo.result.learned
        if learned is None or demo.playback is None:
            raise TolkaError("the live stage needs a learned translator and a running plant")
        self.rules = learned.spec.rules
        self.translated: dict[str, Any] = {}
        self.latencies: list[float] = []
        self._client: Client | None = None
        self._targets: dict[ua.NodeId, str] = {}
        self._counts: list[tuple[float, int]] = []

    async def start(self) -> None:
        client = Client(self.demo.served, timeout=10)
        # the viewer is Tolka too: it shares the PKI whose certificate the served endpoint presents
        await secure_client(client, self.demo.served, ClientSecurity(pki=self.demo.pki))
        await client.connect()
        self._client = client
        namespaces = await client.get_namespace_array()
        nodes = []
        for rule in self.rules:
            uri, identifier = rule.target_id.removeprefix("nsu=").split(";", 1)
            node = client.get_node(f"ns={namespaces.index(uri)};{identifier}")
            self._targets[node.nodeid] = rule.target_id
            nodes.append(node)
        subscription = await client.create_subscription(50, self)
        await subscription.subscribe_data_change(nodes, queuesize=10, sampling_interval=ua.Double(0))

    def datachange_notification(self, node: Any, value: Any, data: DataChangeNotif) -> None:
        """asyncua's subscription handler: keep the value and its latency."""
        key = self._targets.get(node.nodeid)
        if key is None:
            return
        self.translated[key] = value
        stamp = data.monitored_item.Value.SourceTimestamp
        playback = self.demo.playback
        if stamp is not None and playback is not None:
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.UTC)
            written = playback.written_at.get(round(stamp.timestamp(), 3))
            if written is not None:
                self.latencies.append(time.monotonic() - written)

    async def _value(self, server: Any, node_id: str) -> Any:
        uri, identifier = node_id.removeprefix("nsu=").split(";", 1)
        index = await server.get_namespace_index(uri)
        data_value = await server.get_node(f"ns={index};{identifier}").read_data_value()
        return data_value.Value.Value if data_value.Value is not None else None

    async def sample(self) -> list[Row]:
        """One row per rule, vendor A's values also sent through the gateway."""
        rows = []
        payload: dict[str, Any] = {}
        for rule in self.rules:
            source = await self._value(self.demo.a.server, rule.source_id)
            target = await self._value(self.demo.b.server, rule.target_id)
            payload[rule.sources[0]] = {"Value": source}
            translated = self.translated.get(rule.target_id)
            name = rule.sources[0].split(".", 1)[-1]
            rows.append(Row(name, rule.target, source, translated, target, rule.source_unit, rule.unit))
        translator = self.demo.result.gateway_translator
        if translator:
            now = iso_millis(dt.datetime.now(dt.UTC))
            dataset = {"DataSetWriterId": 1, "Timestamp": now, "Payload": payload}
            message = {"MessageType": "ua-data", "Messages": [dataset]}
            with contextlib.suppress(TolkaError):
                self.demo.gateway.translate(translator, message)
        return rows

    def rate(self, window: float = 10.0) -> float:
        """Values the proxy translated per second over the last ``window`` seconds."""
        proxy = self.demo.proxy
        now = time.monotonic()
        self._counts.append((now, proxy.counters.translated if proxy is not None else 0))
        self._counts = [(t, c) for t, c in self._counts if t >= now - window] or self._counts[-1:]
        (first, start), (last, end) = self._counts[0], self._counts[-1]
        return (end - start) / (last - first) if last > first else 0.0

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(OSError, UaError, TimeoutError):
                await client.disconnect()
