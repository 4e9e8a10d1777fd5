"""Recording a live server's traffic: every change of its model's fields, as OPC UA PubSub JSON.

:class:`Recorder` subscribes to every value field of a browsed model (sampling every change) and
keeps each change with its SourceTimestamp. :meth:`Recorder.messages` groups the changes by
timestamp into PubSub JSON network messages (key frames: every field at its latest value), fields
named by address (``PumpSkid1.Pump.Speed``), the form ``tolka learn`` reads and ``tolka translate``
translates; :meth:`Recorder.stream` reads them into series.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.subscription import DataChangeNotif, Subscription
from asyncua.ua.uaerrors import UaError

from adapters.opcua.connect import secure_client
from adapters.opcua.security import ClientSecurity
from services.demo.plant import DOTTED
from services.proxy.targets import resolve_ids
from translator.graph.model import SchemaGraph
from translator.instances.series import Stream, stream_from_messages
from translator.translation.compiler import field_addresses
from translator.translation.values import iso_millis

__all__ = ["Recorder"]


def _plain(value: Any) -> Any:
    return (
        value.value if hasattr(value, "value") and not isinstance(value, bool | int | float | str) else value
    )


class Recorder:
    """Every change of ``graph``'s value fields on the server at ``url``, while recording."""

    def __init__(self, url: str, graph: SchemaGraph, publisher: str, security: ClientSecurity) -> None:
        self.url = url
        self.security = security
        self.publisher = publisher
        self.fields = {node.id: address for address, node in field_addresses(graph, DOTTED).items()}
        self.changes: list[tuple[dt.datetime, str, Any]] = []
        self.recording = False
        self._client: Client | None = None
        self._subscription: Subscription | None = None
        self._names: dict[ua.NodeId, str] = {}

    async def start(self) -> None:
        """Connect and subscribe; changes are kept from :meth:`begin` on."""
        client = Client(self.url, timeout=10)
        await secure_client(client, self.url, self.security)
        await client.connect()
        self._client = client
        namespaces = await client.get_namespace_array()
        nodes = resolve_ids(self.fields, namespaces, self.url)
        self._names = {node: self.fields[key] for key, node in nodes.items()}
        self._subscription = await client.create_subscription(100, self)
        await self._subscription.subscribe_data_change(
            [client.get_node(node) for node in nodes.values()], queuesize=200, sampling_interval=ua.Double(0)
        )

    def begin(self) -> None:
        """Keep changes from now on (the current values included, as the first message)."""
        self.changes.clear()
        self.recording = True

    def end(self) -> None:
        self.recording = False

    def datachange_notification(self, node: Any, value: Any, data: DataChangeNotif) -> None:
        """asyncua's subscription handler: keep the change."""
        if not self.recording:
            return
        stamp = data.monitored_item.Value.SourceTimestamp or data.monitored_item.Value.ServerTimestamp
        name = self._names.get(node.nodeid)
        if stamp is not None and name is not None:
            self.changes.append((stamp, name, _plain(value)))

    def messages(self) -> list[dict[str, Any]]:
        """The changes as PubSub JSON network messages, one per timestamp, in time order; like a
        publisher's key frames, each carries every recorded field at its latest value (from the first
        moment all of them have one)."""
        grouped: dict[dt.datetime, dict[str, Any]] = defaultdict(dict)
        for stamp, name, value in self.changes:
            grouped[stamp][name] = value
        out: list[dict[str, Any]] = []
        latest: dict[str, Any] = {}
        every = {name for _, name, _ in self.changes}
        for stamp in sorted(grouped):
            latest.update(grouped[stamp])
            if len(latest) < len(every):  # key frames start once every field has a value
                continue
            number, iso = len(out), iso_millis(stamp)
            payload = {name: {"Value": value, "SourceTimestamp": iso} for name, value in latest.items()}
            out.append(
                {
                    "MessageId": f"{self.publisher}-{number}",
                    "MessageType": "ua-data",
                    "PublisherId": self.publisher,
                    "Messages": [{"DataSetWriterId": 1, "Timestamp": iso, "Payload": payload}],
                }
            )
        return out

    def stream(self) -> Stream:
        """The recording read as ``tolka learn`` reads a stream."""
        return stream_from_messages(self.messages(), source=self.url)

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(OSError, UaError, TimeoutError):
                await client.disconnect()
