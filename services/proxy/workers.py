"""``tolka proxy --workers N``: the monitored items shared among N processes, one target in this process.

One asyncua client saturates one core at a few thousand data changes per second, mostly decoding
publish responses. So each worker process runs its own :class:`Proxy` — its own connection to the
source, subscribing to its share of the source variables (whole source nodes, dealt round-robin),
with the same reconnection and fault handling — and sends what it translates through a pipe, in
batches, to this process, which writes it into the one target (the served model, or the server given
with ``--write-to``). A client write on the served model goes to the worker that owns the variable,
which carries it back to the source. Counters are the sum of the workers'.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import Iterable
from dataclasses import fields
from multiprocessing.connection import Connection
from typing import Any

from asyncua import ua

from services.logs import JsonFormatter, configure_logging
from services.proxy.counters import Counters
from services.proxy.plan import Plan, plan_routes
from services.proxy.runtime import Proxy
from services.proxy.targets import ServedTarget, Target, coerce
from translator.translation.spec import spec_from_dict

__all__ = ["PipeTarget", "ShardedProxy", "shares"]

_SUMMED = ("received", "translated", "failed", "dropped", "written_back", "reconnects", "writes_refused")
"""The counters that add up over the workers."""


def _logs() -> tuple[str, str]:
    """The log format and component this process logs in (JSON when its root logger's handler
    formats JSON, as ``--log-format json`` makes it), for the workers to log alike."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, JsonFormatter):
            return "json", handler.formatter.component
    return "text", "proxy"


def shares(plan: Plan, workers: int) -> list[list[int]]:
    """The rule indexes of each worker: whole source nodes dealt round-robin."""
    sources = sorted({r.source_id for r in plan.routes})
    owner = {source: k % workers for k, source in enumerate(sources)}
    out: list[list[int]] = [[] for _ in range(workers)]
    for route in plan.routes:
        out[owner[route.source_id]].append(route.rule)
    return out


class PipeTarget:
    """A worker's target: values go to the main process in batches (one send per burst)."""

    def __init__(self, connection: Connection, types: dict[str, ua.VariantType]) -> None:
        self.connection = connection
        self.types = types
        self._pending: list[tuple[str, ua.DataValue]] = []

    async def start(self, ids: Iterable[str]) -> None:
        return None

    async def write(self, key: str, value: ua.DataValue) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
        self._pending.append((key, value))

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            self.connection.send(("values", batch))

    async def stop(self) -> None:
        self._flush()


def _worker(
    connection: Connection,
    document: dict[str, Any],
    rules: list[int],
    source: str,
    options: dict[str, Any],
    types: dict[str, int],
    logs: tuple[str, str] = ("text", "proxy"),
) -> None:
    """A worker process: run a Proxy over ``rules`` of the translator, into the pipe; ``logs``: the
    log format and component of the main process."""
    # a spawned process starts with no logging set up: say things as the main process does
    configure_logging(*logs)
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    asyncio.run(_work(connection, document, set(rules), source, options, types))


async def _work(
    connection: Connection,
    document: dict[str, Any],
    rules: set[int],
    source: str,
    options: dict[str, Any],
    types: dict[str, int],
) -> None:
    plan = plan_routes(spec_from_dict(document))
    mine = Plan(tuple(r for r in plan.routes if r.rule in rules))
    target = PipeTarget(connection, {k: ua.VariantType(v) for k, v in types.items()})
    proxy = Proxy(mine, source, target, **options)
    stop, ready = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()
    pending: set[asyncio.Task[None]] = set()

    def incoming() -> None:
        try:
            message = connection.recv()
        except EOFError:  # the main process is gone
            stop.set()
            return
        if message[0] == "stop":
            stop.set()
        elif message[0] == "write_back":
            task = loop.create_task(proxy.write_back(message[1], message[2], message[3]))
            pending.add(task)
            task.add_done_callback(pending.discard)

    loop.add_reader(connection.fileno(), incoming)

    async def report() -> None:
        await ready.wait()
        connection.send(("ready", None))
        while True:
            connection.send(("counters", proxy.counters.as_dict()))
            await asyncio.sleep(0.25)

    reporter = asyncio.create_task(report())
    try:
        await proxy.run(stop, ready)
    finally:
        reporter.cancel()
        loop.remove_reader(connection.fileno())
        with contextlib.suppress(OSError):
            connection.send(("counters", proxy.counters.as_dict()))
            connection.send(("done", None))


class ShardedProxy:
    """N worker processes feeding one ``target`` in this process.

    Args:
        document: the translator file (each worker compiles it itself).
        options: keyword arguments of each worker's :class:`Proxy`.
    """

    def __init__(
        self, plan: Plan, document: dict[str, Any], source: str, target: Target, workers: int, **options: Any
    ) -> None:
        self.plan = plan
        self.document = document
        self.source = source
        self.target = target
        self.workers = workers
        self.options = options
        self._counters: list[Counters] = [Counters() for _ in range(workers)]
        self._connections: list[Connection] = []
        self._owner: dict[str, int] = {}

    @property
    def states(self) -> list[str]:
        """Each worker's connection state (``connecting``, ``connected``, ``disconnected``)."""
        return [c.state for c in self._counters]

    @property
    def counters(self) -> Counters:
        """The workers' counters summed (the last change and its lag: the latest worker's); connected
        only when every worker is."""
        total = Counters()
        for name in _SUMMED:
            setattr(total, name, sum(getattr(c, name) for c in self._counters))
        latest = max(self._counters, key=lambda c: c.last_change)
        total.last_change, total.lag = latest.last_change, latest.lag
        states = {c.state for c in self._counters}
        total.state = (
            states.pop() if len(states) == 1 else "disconnected" if "disconnected" in states else "connecting"
        )
        total.gaps = [gap for c in self._counters for gap in c.gaps]
        return total

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Start the target and the workers, write what they send, until ``stop``."""
        ids = {r.target_id for r in self.plan.routes} | {c.target_id for c in self.plan.constants}
        await self.target.start(ids)
        for constant in self.plan.constants:
            variant = coerce(constant.value, self.target.types[constant.target_id])
            await self.target.write(constant.target_id, ua.DataValue(variant))
        context = multiprocessing.get_context("spawn")
        types = {k: int(v) for k, v in self.target.types.items()}
        queue: asyncio.Queue[tuple[str, ua.DataValue]] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        processes, started = [], set[int]()
        for k, rules in enumerate(shares(self.plan, self.workers)):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_worker,
                args=(theirs, self.document, rules, self.source, self.options, types, _logs()),
                name=f"tolka-proxy-{k}",
                daemon=True,
            )
            process.start()
            theirs.close()
            processes.append(process)
            self._connections.append(mine)
            by_rule = {r.rule: r for r in self.plan.routes}
            self._owner.update({by_rule[i].target_id: k for i in rules})
            loop.add_reader(mine.fileno(), self._incoming, k, mine, queue, started, ready)
        if isinstance(self.target, ServedTarget):
            self.target.on_client_write = self._write_back
        writer = asyncio.create_task(self._write(queue))
        try:
            await stop.wait()
        finally:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.send(("stop", None))
            for process in processes:
                await asyncio.to_thread(process.join, 15)
                if process.is_alive():
                    process.terminate()
            for connection in self._connections:
                loop.remove_reader(connection.fileno())
            await asyncio.sleep(0)
            while not queue.empty():  # what the workers sent before they stopped
                key, value = queue.get_nowait()
                await self.target.write(key, value)
            writer.cancel()
            await self.target.stop()

    def _incoming(
        self,
        k: int,
        connection: Connection,
        queue: asyncio.Queue[tuple[str, ua.DataValue]],
        started: set[int],
        ready: asyncio.Event | None,
    ) -> None:
        try:
            kind, payload = connection.recv()
        except (EOFError, OSError):
            asyncio.get_running_loop().remove_reader(connection.fileno())
            return
        if kind == "values":
            for item in payload:
                queue.put_nowait(item)
        elif kind == "counters":
            counters = Counters(**{f.name: payload[f.name] for f in fields(Counters)})
            self._counters[k] = counters
        elif kind == "ready":
            started.add(k)
            if ready is not None and len(started) == self.workers:
                ready.set()

    async def _write(self, queue: asyncio.Queue[tuple[str, ua.DataValue]]) -> None:
        while True:
            key, value = await queue.get()
            await self.target.write(key, value)

    async def _write_back(self, target_id: str, value: ua.DataValue, user: str) -> None:
        owner = self._owner.get(target_id)
        if owner is not None:
            self._connections[owner].send(("write_back", target_id, value, user))
