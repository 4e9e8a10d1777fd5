"""OPC UA proxies run by the gateway (``/proxies``): each a :class:`~services.proxy.runtime.Proxy` task
on the app's event loop, with its counters on ``/metrics``.

A proxy started here serves its translator's target model, taken from the stored upload (its NodeSet2
file and the required ones, imported in order), or writes into an existing server. Proxies live in
the worker process that started them and stop with it; they are not kept in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from adapters.opcua.security import ClientSecurity
from services.gateway.store import NotFoundError, Store, new_id, now
from services.proxy.build import ProxySettings, build_proxy
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity
from services.proxy.workers import ShardedProxy
from translator.graph.file import graph_from_dict
from translator.graph.model import SchemaGraph
from translator.translation.spec import TranslatorSpec, spec_from_dict

__all__ = ["ProxyConfig", "ProxyRegistry", "RunningProxy"]


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    """What a proxy does: from ``source`` through ``translator`` to ``serve`` or ``write_to``, with one
    identity per side: ``source_security`` for the source connection, ``served`` for the served
    endpoint (its policies and users), ``target_security`` for the server ``write_to`` writes into."""

    translator: str
    source: str
    serve: str = ""
    write_to: str = ""
    source_security: ClientSecurity = field(default_factory=ClientSecurity)
    served: ServedSecurity | None = None
    target_security: ClientSecurity = field(default_factory=ClientSecurity)
    publishing_interval: float = 50.0
    write_back: tuple[str, ...] = ()


@dataclass
class RunningProxy:
    """A proxy task and what it was asked to do."""

    id: str
    config: ProxyConfig
    proxy: Proxy | ShardedProxy
    task: asyncio.Task[None]
    stop: asyncio.Event
    started: str
    folder: tempfile.TemporaryDirectory[str] | None = None
    error: str = ""

    @property
    def state(self) -> str:
        if self.task.done():
            return "failed" if self.error else "stopped"
        return self.proxy.counters.state


@dataclass
class ProxyRegistry:
    """The proxies of this process."""

    store: Store
    pki: Path
    running: dict[str, RunningProxy] = field(default_factory=dict)

    def _served_model(
        self, translator_id: str
    ) -> tuple[Path | SchemaGraph, list[Path], tempfile.TemporaryDirectory[str] | None]:
        """What to serve: the target model's stored NodeSet2 files, written to a temporary folder
        (main, required), or — for a model that is no NodeSet2 file — its graph."""
        record = self.store.get_translator(translator_id)
        target = self.store.get_model(self.store.get_alignment(record.alignment).target)
        if target.format != "nodeset":
            return graph_from_dict(self.store.model_graph(target.id), source=target.id), [], None
        folder = tempfile.TemporaryDirectory(prefix="tolka-proxy-")
        paths = []
        for k, (role, content) in enumerate(self.store.model_files(target.id)):
            path = Path(folder.name) / f"{k}-{role}.xml"
            path.write_bytes(content)
            paths.append(path)
        return paths[0], paths[1:], folder

    async def start(self, config: ProxyConfig) -> RunningProxy:
        """Start a proxy; it connects (and reconnects) on its own.

        Raises:
            NotFoundError: no such translator.
            TolkaError: the translator routes no node, a bad security setting, write-back for a target
                no invertible rule feeds.
        """
        record = self.store.get_translator(config.translator)
        spec = spec_from_dict(record.document, source=config.translator)
        main, required, folder = (
            (None, [], None) if config.write_to else self._served_model(config.translator)
        )
        try:
            built = build_proxy(self._settings(config, spec, main, required))
        except BaseException:
            if folder is not None:
                folder.cleanup()
            raise
        stop, ready = asyncio.Event(), asyncio.Event()
        proxy_id = new_id("p")
        task = asyncio.create_task(built.run(stop, ready), name=f"tolka-proxy-{proxy_id}")
        running = RunningProxy(proxy_id, config, built.proxy, task, stop, now(), folder)
        task.add_done_callback(lambda t: self._finished(running, t))
        self.running[proxy_id] = running
        return running

    def _settings(
        self, config: ProxyConfig, spec: TranslatorSpec, main: Path | SchemaGraph | None, required: list[Path]
    ) -> ProxySettings:
        """The proxy's settings: the request's, the served model from the store, this process's PKI."""
        return ProxySettings(
            spec,
            config.source,
            serve=config.serve,
            served_model=main,
            required=tuple(required),
            served_security=None
            if config.served is None
            else dataclasses.replace(config.served, pki=self.pki),
            write_to=config.write_to,
            source_security=config.source_security.with_pki(self.pki),
            target_security=config.target_security.with_pki(self.pki),
            write_back=config.write_back,
            publishing_interval=config.publishing_interval,
        )

    @staticmethod
    def _finished(running: RunningProxy, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            running.error = str(task.exception())

    def get(self, proxy_id: str) -> RunningProxy:
        found = self.running.get(proxy_id)
        if found is None:
            raise NotFoundError("proxy", proxy_id)
        return found

    async def stop(self, proxy_id: str) -> None:
        """Stop a proxy and forget it."""
        running = self.get(proxy_id)
        running.stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(running.task, 30)
        if running.folder is not None:
            running.folder.cleanup()
        del self.running[proxy_id]

    async def stop_all(self) -> None:
        for proxy_id in list(self.running):
            await self.stop(proxy_id)


class ProxyCollector(Collector):
    """The counters of every running proxy, for ``/metrics``."""

    def __init__(self, registry: ProxyRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Any]:
        changes = CounterMetricFamily(
            "tolka_proxy_changes", "Data changes by proxy and fate", labels=["proxy", "fate"]
        )
        connected = GaugeMetricFamily(
            "tolka_proxy_connected", "1 while the proxy's source is connected", labels=["proxy"]
        )
        reconnects = CounterMetricFamily(
            "tolka_proxy_reconnects", "Times the source came back", labels=["proxy"]
        )
        for proxy_id, running in self.registry.running.items():
            c = running.proxy.counters
            for fate in ("received", "translated", "failed", "dropped", "written_back"):
                changes.add_metric([proxy_id, fate], getattr(c, fate))
            connected.add_metric([proxy_id], 1.0 if running.state == "connected" else 0.0)
            reconnects.add_metric([proxy_id], c.reconnects)
        yield from (changes, connected, reconnects)
