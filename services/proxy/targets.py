"""Where the OPC UA proxy writes translated values: a served copy of the target model, or a remote server.

:class:`ServedTarget` hosts an embedded asyncua server whose address space is the target model
(imported from its NodeSet2 file), writes values straight into that address space, and gives clients
write access only to variables a reverse rule can carry back to the source (the others answer
``BadUserAccessDenied``). :class:`RemoteTarget` writes into an existing server over a client
connection. Both resolve the translator's ``nsu=<uri>;<id>`` node ids through their own namespace
array and know the variant type of every target variable, so a value is written with the type the
target declares.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.callback import CallbackType, ServerItemCallback
from asyncua.common.node import Node
from asyncua.common.ua_utils import data_type_to_variant_type
from asyncua.server.server import Server
from asyncua.ua.attribute_ids import AttributeIds

from adapters.opcua.nodeid import split_expanded
from services.proxy.built import build_address_space
from services.proxy.security import Credentials, Security
from translator.errors import TolkaError
from translator.graph import SchemaGraph

__all__ = ["ProxyError", "RemoteTarget", "ServedTarget", "Target", "coerce", "resolve_ids", "variant_types"]

log = logging.getLogger("tolka.proxy")

_INTEGERS = {
    ua.VariantType.SByte, ua.VariantType.Byte, ua.VariantType.Int16, ua.VariantType.UInt16,
    ua.VariantType.Int32, ua.VariantType.UInt32, ua.VariantType.Int64, ua.VariantType.UInt64,
}  # fmt: skip


class ProxyError(TolkaError):
    """The proxy cannot start: a node the translator names is not on the server, a server is unreachable."""


class Target(Protocol):
    """Where translated values go: the variant type of each target variable, and a write."""

    types: dict[str, ua.VariantType]

    async def start(self, ids: Iterable[str]) -> None: ...

    async def write(self, key: str, value: ua.DataValue) -> None: ...

    async def stop(self) -> None: ...


def resolve_ids(ids: Iterable[str], namespaces: list[str], where: str) -> dict[str, ua.NodeId]:
    """``nsu=<uri>;<id>`` strings → NodeIds of a server with namespace array ``namespaces``.

    Raises:
        ProxyError: a namespace the server does not have (names it and the server).
    """
    out = {}
    for expanded in ids:
        uri, identifier = split_expanded(expanded)
        if uri not in namespaces:
            raise ProxyError(f"{where} has no namespace {uri} (needed for {expanded}); it has {namespaces}")
        out[expanded] = ua.NodeId.from_string(f"ns={namespaces.index(uri)};{identifier}")
    return out


def coerce(value: Any, variant: ua.VariantType) -> ua.Variant:
    """``value`` as a Variant of the target's type (an rpm computed as 1500.0 into an Int32 is 1500)."""
    if value is None:
        return ua.Variant(None, ua.VariantType.Null)
    if variant == ua.VariantType.Variant:
        return ua.Variant(value)
    if variant in _INTEGERS:
        value = round(value) if isinstance(value, float) else int(value)
    elif variant in (ua.VariantType.Double, ua.VariantType.Float):
        value = float(value)
    elif variant == ua.VariantType.Boolean:
        value = bool(value)
    elif variant == ua.VariantType.String:
        value = str(value)
    return ua.Variant(value, variant)


async def variant_types(
    nodes: dict[str, ua.NodeId], get_node: Callable[[ua.NodeId], Node]
) -> dict[str, ua.VariantType]:
    """The variant type each variable's DataType stands for (enumerations are Int32)."""
    out = {}
    for key, node in nodes.items():
        data_type = await get_node(node).read_data_type()
        try:
            out[key] = await data_type_to_variant_type(get_node(data_type))
        except Exception:  # a structure or an unknown type: the value decides
            out[key] = ua.VariantType.Variant
    return out


class _Written(ua.DataValue):
    """A DataValue the proxy never changes once written. asyncua's server deep-copies each value it
    hands to a monitored item, in case the writer changes it later — about 40 µs a value, most of
    the proxy's time; for this one the copy is the value itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Written:
        return self


class ServedTarget:
    """An embedded server at ``endpoint`` serving the target model: its ``nodeset`` file imported, or
    (for a model that is no NodeSet2 file) an address space built from its graph.

    Args:
        writable: the target ids a client may write (their reverse rule carries the write back).
        security: the endpoint's message security (default none).
        credentials: the user clients log in as; allow_anonymous: whether clients may also come
            without one (they may not by default).
        required: NodeSet2 files of the models the target model builds on (other than ns 0),
            imported before it in this order.
    """

    def __init__(
        self,
        endpoint: str,
        nodeset: Path | SchemaGraph,
        writable: Iterable[str] = (),
        *,
        security: Security | None = None,
        credentials: Credentials | None = None,
        allow_anonymous: bool = False,
        required: Sequence[Path] = (),
    ) -> None:
        self.endpoint = endpoint
        self.nodeset = nodeset
        self.required = tuple(required)
        self.writable = set(writable)
        self.security = security or Security()
        self.credentials = credentials or Credentials()
        self.allow_anonymous = allow_anonymous
        self.server = Server()  # anonymous clients are plain users: access levels hold for them
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}
        self.on_client_write: Callable[[str, ua.DataValue], Awaitable[None]] | None = None
        self._by_node: dict[ua.NodeId, str] = {}

    async def start(self, ids: Iterable[str]) -> None:
        """Import the model, resolve ``ids``, set access levels, and start serving.

        Raises:
            ProxyError: the model file cannot be imported, or lacks a node the translator names.
        """
        server = self.server
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name("Tolka proxy")
        await self.security.serve(server, self.credentials, self.allow_anonymous)
        if isinstance(self.nodeset, SchemaGraph):  # no NodeSet2 file: build it from the graph
            made = await build_address_space(server, self.nodeset)
            missing = sorted(set(ids) - set(made))
            if missing:
                raise ProxyError(f"the served model {self.nodeset.name} has no value node {missing[0]}")
            self.nodes = {key: made[key] for key in ids}
        else:
            try:
                for model in (*self.required, self.nodeset):  # the models it builds on first
                    await server.import_xml(str(model))
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                raise ProxyError(f"{self.nodeset}: cannot serve this model: {reason}") from None
            namespaces = await server.get_namespace_array()
            self.nodes = resolve_ids(ids, namespaces, f"the served model {self.nodeset.name}")
        self.types = await variant_types(self.nodes, server.get_node)
        for key, node in self.nodes.items():
            level = ua.AccessLevel.CurrentRead.mask | (
                ua.AccessLevel.CurrentWrite.mask if key in self.writable else 0
            )
            for attribute in (AttributeIds.AccessLevel, AttributeIds.UserAccessLevel):
                await server.write_attribute_value(
                    node, ua.DataValue(ua.Variant(level, ua.VariantType.Byte)), attribute
                )
        self._by_node = {node: key for key, node in self.nodes.items()}
        await server.start()
        server.subscribe_server_callback(CallbackType.PostWrite, self._written)

    async def _written(self, event: ServerItemCallback, _: Any) -> None:
        if not event.is_external or self.on_client_write is None:
            return
        for request, status in zip(event.request_params.NodesToWrite, event.response_params, strict=False):
            key = self._by_node.get(request.NodeId)
            if key is not None and request.AttributeId == AttributeIds.Value and status.is_good():
                await self.on_client_write(key, request.Value)

    async def write(self, key: str, value: ua.DataValue) -> None:
        """Put a value into the served model (no client write callback fires)."""
        written = _Written(
            value.Value, value.StatusCode, value.SourceTimestamp, value.ServerTimestamp,
            value.SourcePicoseconds, value.ServerPicoseconds,
        )  # fmt: skip
        await self.server.write_attribute_value(self.nodes[key], written)

    async def stop(self) -> None:
        await self.server.stop()


class RemoteTarget:
    """An existing target server at ``url``, written over a client connection."""

    def __init__(
        self,
        url: str,
        timeout: float = 4.0,
        security: Security | None = None,
        credentials: Credentials | None = None,
    ) -> None:
        self.url = url
        self.client = Client(url, timeout=timeout)
        self.security = security or Security()
        self.credentials = credentials or Credentials()
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}

    async def start(self, ids: Iterable[str]) -> None:
        try:
            await self.security.connect(self.client, self.credentials)
            await self.client.connect()
        except Exception as exc:
            raise ProxyError(
                f"cannot connect to the target {self.url}: {type(exc).__name__}: {exc}"
            ) from None
        namespaces = await self.client.get_namespace_array()
        self.nodes = resolve_ids(ids, namespaces, f"the target server {self.url}")
        self.types = await variant_types(self.nodes, self.client.get_node)

    async def write(self, key: str, value: ua.DataValue) -> None:
        await self.client.get_node(self.nodes[key]).write_value(value)

    async def stop(self) -> None:
        await self.client.disconnect()
