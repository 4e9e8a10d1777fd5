"""Where the OPC UA proxy writes translated values: a served copy of the target model, or a remote server.

:class:`ServedTarget` hosts an embedded asyncua server whose address space is the target model
(imported from its NodeSet2 file, or from the NodeSet2 export of its graph), writes values straight
into that address space, and gives clients write access only where write-back is enabled, the target
model allows it and the user has the write role (other writes answer ``BadNotWritable`` or
``BadUserAccessDenied``). :class:`services.proxy.remote.RemoteTarget` writes into an existing server
over a client connection. Both resolve the translator's ``nsu=<uri>;<id>`` node ids through their
own namespace array and know the variant type of every target variable, so a value is written with
the type the target declares.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from asyncua import ua
from asyncua.common.callback import CallbackType, ServerItemCallback
from asyncua.common.node import Node
from asyncua.common.ua_utils import data_type_to_variant_type
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.server.server import Server
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes

from adapters.opcua.nodeid import split_expanded
from adapters.opcua.nodeset_parse import nodeset_namespaces
from services.proxy.built import build_address_space
from services.proxy.security import ServedSecurity
from translator.errors import TolkaError
from translator.graph.model import SchemaGraph

__all__ = ["ProxyError", "ServedTarget", "Target", "coerce", "resolve_ids", "stop_clock", "variant_types"]

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


async def stop_clock(server: Server) -> None:
    """Stop ``server``'s clock now, right before ``server.stop()``, which would otherwise wait for it.

    asyncua's server writes ServerStatus.CurrentTime from a task that sleeps a second between ticks, and
    ``Server.stop()`` waits, after it has closed every connection, for that task to wake up and see the
    stop: up to a second. The task only writes the time, so it is cancelled here instead.
    """
    internal = server.iserver
    clock = getattr(internal, "time_task", None)
    if clock is None:
        return
    internal.time_task = None  # stop() then has no clock left to wait for
    if not clock.done():
        clock.cancel()
        await asyncio.wait([clock])


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
    """``value`` as a Variant of the target's type (an rpm computed as 1500.0 into an Int32 is 1500,
    an ISO 8601 text into a DateTime a datetime; ValueError when it cannot be)."""
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
    elif variant == ua.VariantType.DateTime and isinstance(value, str):  # a JSON date-time
        value = dt.datetime.fromisoformat(value)
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
    (for a model that is no NodeSet2 file) its graph's NodeSet2 export imported, the file
    ``tolka export`` writes (:mod:`services.proxy.built`). A variable the export gave an enumeration
    of its own (a JSON Schema ``enum``) is written by name: the value's number is served.

    Served variables are read-only (AccessLevel and UserAccessLevel CurrentRead) except those in
    ``writable`` that the target model lets clients write (its AccessLevel has CurrentWrite; a model
    that is no NodeSet2 file declares no access levels, so ``writable`` alone decides). A client write
    to any other variable answers ``BadNotWritable``; a write by a user without the ``write`` role
    answers ``BadUserAccessDenied`` (and UserAccessLevel, read by that user, says CurrentRead). Nothing
    refused reaches :attr:`on_client_write`.

    Until a rule feeds it, a served variable reads ``BadWaitingForInitialData`` with no value; a
    variable of the model no rule feeds reads ``BadNotConnected`` with no value (properties such as
    EURange or EngineeringUnits keep the model's values).

    Args:
        writable: the target ids write-back is enabled for (their reverse rule carries the write back).
        security: the policies the endpoint offers, its users (each with a role, ``read`` or
            ``write``), whether anonymous clients may read, and the PKI that decides which client
            certificates are trusted (`ServedSecurity`; its defaults offer SignAndEncrypt only).
        required: NodeSet2 files of the models the target model builds on (other than ns 0),
            imported before it in this order.
    """

    def __init__(
        self,
        endpoint: str,
        nodeset: Path | SchemaGraph,
        writable: Iterable[str] = (),
        *,
        security: ServedSecurity,
        required: Sequence[Path] = (),
    ) -> None:
        self.endpoint = endpoint
        self.nodeset = nodeset
        self.required = tuple(required)
        self.writable = set(writable)
        self.security = security
        self.writers = security.writers
        self.server = Server()  # anonymous clients are plain users: access levels hold for them
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}
        self.enabled: set[str] = set()
        """The target ids clients with the write role may write (write-back on, and the model allows it)."""
        self.on_client_write: Callable[[str, ua.DataValue, str], Awaitable[None]] | None = None
        """Called with the target id, the written value and the user's name for each accepted write."""
        self._by_node: dict[ua.NodeId, str] = {}
        self._enabled_nodes: set[ua.NodeId] = set()
        self._enumerations: dict[str, dict[str, int]] = {}
        """Target id → values by name, for variables of an enumeration the graph's export made."""

    async def start(self, ids: Iterable[str]) -> None:
        """Import the model, resolve ``ids``, set access levels and initial status codes, and start serving.

        Raises:
            ProxyError: the model file cannot be imported, or lacks a node the translator names.
        """
        server = self.server
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name("Tolka proxy")
        await self.security.configure(server)
        model_nodes, declares_access = await self._import_model(ids)
        self.types = await variant_types(self.nodes, server.get_node)
        for key in self._enumerations:  # the translator gives their names: write() turns them to numbers
            self.types[key] = ua.VariantType.Variant
        self._enable_writes(declares_access)
        waiting = _status(StatusCodes.BadWaitingForInitialData)
        for key, node in self.nodes.items():
            await _set_access(server, node, write=key in self.enabled)
            await server.write_attribute_value(node, ua.DataValue(ua.Variant(None), StatusCode=waiting))
        await self._disconnected(model_nodes)
        self._by_node = {node: key for key, node in self.nodes.items()}
        self._enabled_nodes = {self.nodes[key] for key in self.enabled}
        self._guard_writes()
        await server.start()
        self.security.after_start(server)
        server.subscribe_server_callback(CallbackType.PostWrite, self._written)
        if self.enabled:
            server.subscribe_server_callback(CallbackType.PostRead, self._read_by)

    async def _import_model(self, ids: Iterable[str]) -> tuple[list[ua.NodeId], bool]:
        """Import the model and resolve ``ids`` to :attr:`nodes`; the nodes imported, and whether the
        model declares access levels (a NodeSet2 file does, a graph's export does not)."""
        server = self.server
        if isinstance(self.nodeset, SchemaGraph):  # no NodeSet2 file: serve the graph's NodeSet2 export
            try:
                served = await build_address_space(server, self.nodeset)
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                raise ProxyError(f"{self.nodeset.name}: cannot serve this model: {reason}") from None
            missing = sorted(set(ids) - served.variables)
            if missing:
                raise ProxyError(f"the served model {self.nodeset.name} has no value node {missing[0]}")
            self.nodes = {key: served.nodes[key] for key in ids}
            self._enumerations = {k: v for k, v in served.enumerations.items() if k in self.nodes}
            return served.imported, False
        try:
            # the model's namespaces first, in its order: a client sees them as the NodeSet says
            for uri in nodeset_namespaces(self.nodeset.read_bytes(), str(self.nodeset)):
                await server.register_namespace(uri)
            for model in self.required:  # the models it builds on first
                await server.import_xml(str(model))
            model_nodes: list[ua.NodeId] = await server.import_xml(str(self.nodeset))
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            raise ProxyError(f"{self.nodeset}: cannot serve this model: {reason}") from None
        namespaces = await server.get_namespace_array()
        self.nodes = resolve_ids(ids, namespaces, f"the served model {self.nodeset.name}")
        return model_nodes, True

    def _enable_writes(self, declares_access: bool) -> None:
        """:attr:`enabled`: the writable targets the model lets clients write (its AccessLevel)."""
        self.enabled = set()
        for key in sorted(self.writable & set(self.nodes)):
            allowed = not declares_access or _can_write(
                _read(self.server, self.nodes[key], AttributeIds.AccessLevel)
            )
            if allowed:
                self.enabled.add(key)
            else:
                log.warning(
                    "write-back for %s left off: the target model's AccessLevel does not allow writes", key
                )

    async def _disconnected(self, model_nodes: Iterable[ua.NodeId]) -> None:
        """The model's variables no rule feeds: read-only, ``BadNotConnected`` without a value (not a
        sample value or a zero that reads Good). Properties keep the model's value, read-only."""
        served = set(self.nodes.values())
        not_connected = _status(StatusCodes.BadNotConnected)
        for node_id in model_nodes:
            if node_id in served or _read(self.server, node_id, AttributeIds.AccessLevel) is None:
                continue  # served by a rule, or no variable
            await _set_access(self.server, node_id, write=False)
            definition = await self.server.get_node(node_id).read_type_definition()
            if definition != _PROPERTY_TYPE:
                value = ua.DataValue(ua.Variant(None), StatusCode=not_connected)
                await self.server.write_attribute_value(node_id, value)

    def _guard_writes(self) -> None:
        """Check each client write before asyncua does: the variable, then the user's role."""
        service = self.server.iserver.attribute_service
        original = service.write

        async def write(params: ua.WriteParameters, user: User = _ADMIN) -> list[ua.StatusCode]:
            if user.role == UserRole.Admin:  # the server itself
                return await original(params, user)
            results = []
            for item in params.NodesToWrite:
                refusal = self._refusal(item, user)
                if refusal is not None:
                    results.append(_status(refusal))
                    continue
                if item.AttributeId == AttributeIds.Value and item.Value.SourceTimestamp is None:
                    item.Value = dataclasses.replace(item.Value, SourceTimestamp=dt.datetime.now(dt.UTC))
                results.extend(await original(ua.WriteParameters(NodesToWrite=[item]), user))
            return results

        service.write = write  # type: ignore[method-assign]

    def _refusal(self, item: ua.WriteValue, user: User) -> int | None:
        """Why a client may not write ``item`` (a status code), None when it may."""
        if item.AttributeId != AttributeIds.Value:
            return None  # asyncua refuses every other attribute to clients
        key = self._by_node.get(item.NodeId)
        if key is None:  # a node of the model no rule feeds, or the server's own
            level = _read(self.server, item.NodeId, AttributeIds.AccessLevel)
            return StatusCodes.BadNotWritable if level is not None and not _can_write(level) else None
        if key not in self.enabled:
            return StatusCodes.BadNotWritable
        if user.name is None or user.name not in self.writers:
            return StatusCodes.BadUserAccessDenied
        return None

    async def _read_by(self, event: ServerItemCallback, _: Any) -> None:
        """UserAccessLevel as the reading user has it: CurrentRead only without the write role."""
        user = event.user
        if (
            user is None
            or user.role == UserRole.Admin
            or (user.name is not None and user.name in self.writers)
        ):
            return
        results = event.response_params
        for k, request in enumerate(event.request_params.NodesToRead):
            if request.AttributeId == AttributeIds.UserAccessLevel and request.NodeId in self._enabled_nodes:
                results[k] = ua.DataValue(ua.Variant(ua.AccessLevel.CurrentRead.mask, ua.VariantType.Byte))

    async def _written(self, event: ServerItemCallback, _: Any) -> None:
        if not event.is_external or self.on_client_write is None:
            return
        name = (event.user.name if event.user is not None else None) or "anonymous"
        for request, status in zip(event.request_params.NodesToWrite, event.response_params, strict=False):
            key = self._by_node.get(request.NodeId)
            if key in self.enabled and request.AttributeId == AttributeIds.Value and status.is_good():
                await self.on_client_write(key, self._named(key, request.Value), name)

    async def write(self, key: str, value: ua.DataValue) -> None:
        """Put a value into the served model (no client write callback fires).

        Raises:
            ValueError: a name that is not one of the values of the variable's enumeration.
        """
        names = self._enumerations.get(key)
        if names is not None and value.Value is not None and value.Value.Value is not None:
            value = dataclasses.replace(
                value, Value=ua.Variant(_enum_number(value.Value.Value, names), ua.VariantType.Int32)
            )
        written = _Written(
            value.Value, value.StatusCode, value.SourceTimestamp, value.ServerTimestamp,
            value.SourcePicoseconds, value.ServerPicoseconds,
        )  # fmt: skip
        await self.server.write_attribute_value(self.nodes[key], written)

    async def stop(self) -> None:
        await stop_clock(self.server)
        await self.server.stop()

    def _named(self, key: str, value: ua.DataValue) -> ua.DataValue:
        """A client's write of an enumeration the export made, with the value's name (what the rules
        carry back) in place of its number."""
        names = self._enumerations.get(key)
        number = value.Value.Value if value.Value is not None else None
        if names is None or not isinstance(number, int):
            return value
        found = next((name for name, n in names.items() if n == number), None)
        return value if found is None else dataclasses.replace(value, Value=ua.Variant(found))


def _enum_number(value: Any, names: dict[str, int]) -> int:
    """The number of an enumeration value given by name (or already as a number)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is no value of the enumeration ({', '.join(names)})")
    if isinstance(value, int):
        return value
    if value not in names:
        raise ValueError(f"{value!r} is not one of the enumeration's values ({', '.join(names)})")
    return names[value]


_ADMIN = User(role=UserRole.Admin)
_PROPERTY_TYPE = ua.NodeId(ua.Int32(68))
"""ns=0;i=68, PropertyType: the type definition of properties (EURange, EngineeringUnits, ...)."""


def _status(code: int) -> ua.StatusCode:
    return ua.StatusCode(ua.UInt32(code))


def _read(server: Server, node: ua.NodeId, attribute: int) -> int | None:
    """An access level attribute of ``node`` in ``server``'s address space, None when it has none."""
    value = server.iserver.aspace.read_attribute_value(node, attribute)
    if value.StatusCode is not None and not value.StatusCode.is_good():
        return None
    return None if value.Value is None or value.Value.Value is None else int(value.Value.Value)


def _can_write(level: int | None) -> bool:
    return level is not None and bool(level & ua.AccessLevel.CurrentWrite.mask)


async def _set_access(server: Server, node: ua.NodeId, *, write: bool) -> None:
    """AccessLevel and UserAccessLevel as served: CurrentRead, and CurrentWrite if ``write``."""
    level = ua.AccessLevel.CurrentRead.mask | (ua.AccessLevel.CurrentWrite.mask if write else 0)
    for attribute in (AttributeIds.AccessLevel, AttributeIds.UserAccessLevel):
        await server.write_attribute_value(
            node, ua.DataValue(ua.Variant(level, ua.VariantType.Byte)), attribute
        )
