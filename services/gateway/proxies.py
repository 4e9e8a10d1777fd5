"""OPC UA proxies run by the gateway (``/proxies``): what one does (:class:`ProxyConfig`), how that is
kept in the store (:func:`config_to_dict`, :func:`config_from_dict`), and the :class:`ProxyRunner` that
runs them, each a :class:`~services.proxy.runtime.Proxy` task on its process's event loop.

A proxy started here serves its translator's target model, taken from the stored upload (its NodeSet2
file and the required ones, imported in order), or writes into an existing server. Only the supervisor
(:mod:`services.gateway.supervisor`, one process whatever the number of workers) runs proxies; the
worker that answers ``POST /proxies`` only checks that the proxy can be built (:meth:`ProxyRunner.check`,
the same assembly, nothing connects or listens) before it stores it, so bad input is refused there and
then, and the store never holds a proxy that cannot start for a reason known up front.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.opcua.security import ClientSecurity
from services.gateway.store import NotFoundError, Store, now
from services.proxy.build import BuiltProxy, ProxySettings, build_proxy
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity, ServedUser
from services.proxy.workers import ShardedProxy
from translator.graph.file import graph_from_dict
from translator.graph.model import SchemaGraph
from translator.translation.spec import spec_from_dict

__all__ = ["ProxyConfig", "ProxyRunner", "RunningProxy", "config_from_dict", "config_to_dict"]


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


def config_to_dict(config: ProxyConfig) -> dict[str, Any]:
    """``config`` as the store keeps it (JSON), passwords included; :func:`config_from_dict` reads it.

    The PKI folders are not kept: the supervisor's process gives its own (DATA_DIR/pki).
    """
    served = config.served
    return {
        "version": 1,
        "translator": config.translator,
        "source": config.source,
        "serve": config.serve,
        "write_to": config.write_to,
        "source_security": _client_to_dict(config.source_security),
        "served": None
        if served is None
        else {
            "endpoints": [list(e) for e in served.endpoints],
            "users": [{"username": u.username, "password": u.password, "role": u.role} for u in served.users],
            "allow_anonymous": served.allow_anonymous,
            "allow_insecure_password": served.allow_insecure_password,
        },
        "target_security": _client_to_dict(config.target_security),
        "publishing_interval": config.publishing_interval,
        "write_back": list(config.write_back),
    }


def config_from_dict(document: dict[str, Any]) -> ProxyConfig:
    """The :class:`ProxyConfig` :func:`config_to_dict` wrote.

    Raises:
        SecurityError: a security setting that cannot work (as when it was first given).
    """
    served = document["served"]
    return ProxyConfig(
        document["translator"],
        document["source"],
        document["serve"],
        document["write_to"],
        source_security=ClientSecurity(**document["source_security"]),
        served=None
        if served is None
        else ServedSecurity(
            tuple((policy, mode) for policy, mode in served["endpoints"]),
            users=tuple(ServedUser(**u) for u in served["users"]),
            allow_anonymous=served["allow_anonymous"],
            allow_insecure_password=served["allow_insecure_password"],
        ),
        target_security=ClientSecurity(**document["target_security"]),
        publishing_interval=float(document["publishing_interval"]),
        write_back=tuple(document["write_back"]),
    )


def _client_to_dict(security: ClientSecurity) -> dict[str, Any]:
    return {
        "policy": security.policy,
        "mode": security.mode,
        "username": security.username,
        "password": security.password,
        "allow_insecure_password": security.allow_insecure_password,
    }


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
class ProxyRunner:
    """The proxies this process runs (the supervisor's), by id; ``pki``: the installation's PKI folder."""

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

    def _build(self, config: ProxyConfig) -> tuple[BuiltProxy, tempfile.TemporaryDirectory[str] | None]:
        """The proxy ``config`` asks for, assembled (nothing connects yet), and the temporary folder of
        its served model's files (the caller cleans it up).

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
            settings = ProxySettings(
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
            return build_proxy(settings), folder
        except BaseException:
            if folder is not None:
                folder.cleanup()
            raise

    def check(self, config: ProxyConfig) -> None:
        """Whether the proxy ``config`` asks for can be built: raises what :meth:`start` would, starts
        nothing.

        Raises:
            NotFoundError: no such translator.
            TolkaError: the translator routes no node, a bad security setting, write-back for a target
                no invertible rule feeds.
        """
        _, folder = self._build(config)
        if folder is not None:
            folder.cleanup()

    def start(self, proxy_id: str, config: ProxyConfig) -> RunningProxy:
        """Start the proxy ``proxy_id``; it connects (and reconnects) on its own.

        Raises:
            NotFoundError: no such translator.
            TolkaError: as :meth:`check`.
        """
        built, folder = self._build(config)
        stop = asyncio.Event()
        task = asyncio.create_task(built.run(stop), name=f"tolka-proxy-{proxy_id}")
        running = RunningProxy(proxy_id, config, built.proxy, task, stop, now(), folder)
        task.add_done_callback(lambda t: self._finished(running, t))
        self.running[proxy_id] = running
        return running

    @staticmethod
    def _finished(running: RunningProxy, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            running.error = str(task.exception()) or repr(task.exception())

    def get(self, proxy_id: str) -> RunningProxy:
        found = self.running.get(proxy_id)
        if found is None:
            raise NotFoundError("proxy", proxy_id)
        return found

    async def stop(self, proxy_id: str) -> RunningProxy:
        """Stop a proxy (its served endpoint closes) and forget it; what it was."""
        running = self.get(proxy_id)
        running.stop.set()
        await asyncio.wait([running.task], timeout=30)
        if not running.task.done():  # it did not stop within 30 s: cancel it
            running.task.cancel()
            await asyncio.wait([running.task], timeout=5)
        if running.folder is not None:
            running.folder.cleanup()
        del self.running[proxy_id]
        return running

    async def stop_all(self) -> list[RunningProxy]:
        """Stop every proxy; what they were."""
        return [await self.stop(proxy_id) for proxy_id in list(self.running)]
