"""An existing OPC UA server as the proxy's target: translated values written over a client connection
(``tolka proxy --write-to``), with the target's own node ids and variant types."""

from __future__ import annotations

from collections.abc import Iterable

from asyncua import ua
from asyncua.client.client import Client

from adapters.opcua.connect import refusal, secure_client
from adapters.opcua.security import ClientSecurity
from services.proxy.targets import ProxyError, resolve_ids, variant_types

__all__ = ["RemoteTarget"]


class RemoteTarget:
    """An existing target server at ``url``, written over a client connection."""

    def __init__(
        self,
        url: str,
        timeout: float = 4.0,
        security: ClientSecurity | None = None,
    ) -> None:
        self.url = url
        self.client = Client(url, timeout=timeout)
        self.security = security or ClientSecurity()
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}

    async def start(self, ids: Iterable[str]) -> None:
        pki = None
        try:
            pki = await secure_client(self.client, self.url, self.security)
            await self.client.connect()
        except Exception as exc:
            why = refusal(exc, pki if self.security.secure else None) or f"{type(exc).__name__}: {exc}"
            raise ProxyError(f"cannot connect to the target {self.url}: {why}") from None
        namespaces = await self.client.get_namespace_array()
        self.nodes = resolve_ids(ids, namespaces, f"the target server {self.url}")
        self.types = await variant_types(self.nodes, self.client.get_node)

    async def write(self, key: str, value: ua.DataValue) -> None:
        await self.client.get_node(self.nodes[key]).write_value(value)

    async def stop(self) -> None:
        await self.client.disconnect()
