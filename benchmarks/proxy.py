"""OPC UA proxy benchmark: ``tolka proxy`` between a source server and a client, against a direct client.

Run from the repository root (asyncua and psutil come with the ``dev`` extra)::

    python benchmarks/proxy.py [--quick] [--workers 1,2] [--write-results]

Three separate programs on 127.0.0.1, started by this script and stopped at the end, also on errors
(asked to quit, then terminated, then their process group killed — a proxy's worker processes are in
its group; the script checks that none of them, workers included, is left and that the ports are free):

* **the source**: this script with ``--role source``, an asyncua server with ``--variables`` (100)
  Double variables, ten under each of several objects (``Skid01.T01`` …), that changes them at the rate
  the script commands. Change ``k`` (1, 2, 3, … over the whole run) writes the value ``k`` into variable
  ``k mod N`` with ``SourceTimestamp`` = ``time.time()`` at the write, straight into the address space
  (``Server.write_attribute_value``, as a device driver would). Writes are paced evenly: every
  millisecond, as many as are due, but never more than 20 ms worth at once, so an overloaded source
  writes less than asked (reported) instead of stalling its server for seconds;
* **the proxy**: ``tolka proxy --source … --translator … --serve opc.tcp://127.0.0.1:PORT/tolka
  --target-model … --publishing-interval P --queue-size Q --allow-anonymous --source-security None
  --serve-security None`` (security ``None`` asked for on both sides: the benchmark measures translation,
  not encryption; a temporary ``--data-dir``), as a user runs it, with a generated translator file (variable
  ``k`` → target variable ``k``, °C → °F by a ``unit`` transform, with ``source_id``/``target_id``) and a
  generated NodeSet2 file of the target model (``Line01.TT_001`` …, Double) that it serves. It runs with
  ``--workers N`` for each N of ``--workers`` (1 and 2), one proxy after the other, each a new process with
  a new served port: with 1 it is one process; with N > 1 it starts N worker processes that share the source
  variables round-robin, each with its own connection to the source, and send what they translate through
  pipes to the main process, which writes it into the one served model;
* **the reading client**: this script with ``--role client``, an asyncua client with one subscription
  (publishing interval P, ``MaxNotificationsPerPublish`` 0) and a monitored item per variable (sampling
  interval 0, queue size Q), read through asyncua's async iterator with an unbounded queue. For every
  change it records the value, the variable, the status, the ``SourceTimestamp`` and the arrival time
  (``time.time()`` when it takes the change). From the value it recovers ``k`` (°F → °C on the served
  model), so it counts lost changes (``k`` never seen), duplicates (seen twice), misrouted ones (``k`` on
  another variable than ``k mod N``) and notifications with a status other than Good (the proxy marks
  values Uncertain while it has lost the source; not counted as changes). Latency = arrival − source
  timestamp: through the proxy it spans the source's publishing interval, the proxy (decode, translate,
  write into the served model) and the served model's publishing interval.

**The floor** (*direct*) is the same client subscribed straight to the source server's variables, same
publishing interval and queue size, while no proxy runs: the best any client of that source gets.

Measured, per path (direct, then the proxy with each number of workers): a 1 s warm-up; 100 and 1,000
changes/s, each held ``--seconds`` (4; quick 1.5) under each of ``--phases`` (3; quick 2) subscriptions
of the client made one after the other — the delay a change waits in the proxy for the served model's
publishing timer depends on where that timer stands against the source's, which is fixed for the life of
a subscription, so one subscription would show one arbitrary phase; the latency percentiles pool all of
them, and each one's median is shown. Then a search for the **maximum sustainable rate**: doubling from
2,000/s until a step fails, then ``--bisections`` (3; quick 1) geometric bisections, each step
``--search-seconds`` (5; quick 2). A step is sustained when nothing is lost, the source wrote at ≥ 97 %
of the rate asked, and the lag does not grow: the median latency of the step's last fifth of changes is
within one publishing interval + 25 ms of its first fifth's. After each step the client waits until the
last change has arrived (or nothing has arrived for a while), and after a failed step until the backlog
has drained, so a backlog does not leak into the next step. Reported: delivered changes/s (distinct
changes / (last arrival − first source timestamp)), latency p50/p99/max, the counts above, and the CPU
each process used during the step (% of one core, psutil; the proxy's is its main process and all its
child processes — the workers — together, with the workers' share shown apart), with what all other
processes of the machine used meanwhile (it is shared: a busy neighbour takes cores from the processes
measured). The proxy's own counters (received, translated, dropped, reconnects; summed over its workers)
from its last log line are shown at the end.

Why it is fair, and what it is not: the client, its settings and the source are the same on both paths;
only the proxy is added. Both subscriptions use the same publishing interval and queue size (the proxy's
``--queue-size`` is set to the client's; its default is 100). The client uses a 30 s watchdog instead of
asyncua's 1 s, so that an overloaded step cannot make the measuring client drop its connection. All
processes share this machine's cores (``nproc`` is in the record: on 2 cores the proxy path runs three
busy Python processes — four with 2 workers — where the direct path runs two, which is part of what the
proxy costs here, and what limits what a second worker can bring). Loopback only: no network latency.
The paths run one after the other, not interleaved (starting a proxy takes seconds), on a shared, noisy
machine: rates found by the search are good to about ±10 %.

Goals (issue 7), checked for each number of workers: the proxy's maximum sustainable rate ≥ 0.7 × the
direct subscription's; at 1,000 changes/s, the proxy's p99 latency ≤ the direct p99 + one publishing
interval + 20 ms; no loss at rates up to the sustainable rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
import os
import queue
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import psutil
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## OPC UA proxy (benchmarks/proxy.py)"
PACKAGES = ("asyncua", "pint", "psutil")
SOURCE_NS = "urn:tolka:bench:proxy:source"
TARGET_NS = "urn:tolka:bench:proxy:target"
PER_OBJECT = 10
FAH_SCALE, FAH_OFFSET = 1.8, 32.0
"""°C → °F, what the translator's unit transform does; the client inverts it to recover ``k``."""
GOAL_THROUGHPUT = 0.7
"""Issue 7: the proxy's sustained throughput at least 0.7 times the direct subscription's."""
GOAL_P99_EXTRA = 0.020
"""Issue 7: at 1,000/s, the proxy's p99 at most the direct p99 + one publishing interval + 20 ms."""
LAG_GROWTH_EXTRA = 0.025
SOURCE_SHORTFALL = 0.97
FIRST_SEARCH_RATE = 2000.0
DIRECT = "direct"
_STARTED = time.perf_counter()


def proxy_path(workers: int) -> str:
    """The name of the proxy path with ``workers`` workers, as the tables show it."""
    return f"proxy, {workers} worker" + ("s" if workers > 1 else "")


def say(text: str) -> None:
    """A progress line, with the seconds since the script started."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {text}", flush=True)


# --------------------------------------------------------------------------------------------
# The models and the translator
# --------------------------------------------------------------------------------------------


def source_ids(n: int) -> list[str]:
    """The source variables' identifiers (without namespace): ``s=Skid01.T01`` …"""
    return [f"s=Skid{k // PER_OBJECT + 1:02d}.T{k % PER_OBJECT + 1:02d}" for k in range(n)]


def target_ids(n: int) -> list[str]:
    """The target variables' identifiers: ``s=Line01.TT_001`` …"""
    return [f"s=Line{k // PER_OBJECT + 1:02d}.TT_{k + 1:03d}" for k in range(n)]


def target_nodeset(n: int) -> str:
    """A NodeSet2 document of the target model: ``ceil(n / 10)`` objects under Objects, n Double variables."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd" '
        'xmlns:uax="http://opcfoundation.org/UA/2008/02/Types.xsd">',
        f"  <NamespaceUris><Uri>{TARGET_NS}</Uri></NamespaceUris>",
        "  <Aliases>",
        '    <Alias Alias="Double">i=11</Alias>',
        '    <Alias Alias="Organizes">i=35</Alias>',
        '    <Alias Alias="HasTypeDefinition">i=40</Alias>',
        '    <Alias Alias="HasComponent">i=47</Alias>',
        "  </Aliases>",
    ]
    ids = target_ids(n)
    for line in range(math.ceil(n / PER_OBJECT)):
        name = f"Line{line + 1:02d}"
        parts += [
            f'  <UAObject NodeId="ns=1;s={name}" BrowseName="1:{name}">',
            f"    <DisplayName>{name}</DisplayName>",
            "    <References>",
            '      <Reference ReferenceType="HasTypeDefinition">i=58</Reference>',
            '      <Reference ReferenceType="Organizes" IsForward="false">i=85</Reference>',
            "    </References>",
            "  </UAObject>",
        ]
        for identifier in ids[line * PER_OBJECT : (line + 1) * PER_OBJECT]:
            browse = identifier.split(".")[-1]
            parts += [
                f'  <UAVariable NodeId="ns=1;{identifier}" BrowseName="1:{browse}" '
                f'ParentNodeId="ns=1;s={name}" DataType="Double" AccessLevel="1" UserAccessLevel="1">',
                f"    <DisplayName>{browse}</DisplayName>",
                "    <References>",
                '      <Reference ReferenceType="HasTypeDefinition">i=63</Reference>',
                f'      <Reference ReferenceType="HasComponent" IsForward="false">ns=1;s={name}</Reference>',
                "    </References>",
                "    <Value><uax:Double>0</uax:Double></Value>",
                "  </UAVariable>",
            ]
    parts.append("</UANodeSet>")
    return "\n".join(parts) + "\n"


def write_translator_file(n: int, nodeset: Path, path: Path) -> int:
    """The translator file: source variable k → target variable k, °C → °F; returns the routes planned."""
    from services.proxy.plan import plan_routes
    from translator.translation.spec import MessageFormat, Rule, Side, TranslatorSpec, Unit, write_translator

    rules = tuple(
        Rule(
            f"/{t.removeprefix('s=').replace('.', '/')}",
            (s.removeprefix("s="),),
            (Unit("CEL", "FAH"),),
            source_id=f"nsu={SOURCE_NS};{s}",
            target_id=f"nsu={TARGET_NS};{t}",
        )
        for s, t in zip(source_ids(n), target_ids(n), strict=True)
    )
    spec = TranslatorSpec(
        Side("urn:tolka:bench:proxy:source-model", MessageFormat("opcua-pubsub-json")),
        Side(str(nodeset), MessageFormat("json")),
        rules,
    )
    write_translator(spec, path)
    plan = plan_routes(spec)
    route = plan.routes[0].forward
    if abs(route(100.0) - (100.0 * FAH_SCALE + FAH_OFFSET)) > 1e-9:
        raise AssertionError(f"the translator does not convert °C to °F as expected: 100 → {route(100.0)}")
    return len(plan.routes)


# --------------------------------------------------------------------------------------------
# Child roles: the source server and the reading client (this script, --role ...)
# --------------------------------------------------------------------------------------------


def _answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _commands() -> asyncio.StreamReader:
    """Commands from the orchestrating process: one JSON object per line on stdin."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def source_role(port: int, n: int) -> None:
    """Serve n variables at ``port``; on ``{"op": "run", "rate", "seconds"}`` change them at that rate."""
    from asyncua import ua
    from asyncua.server.server import Server

    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}")
    server.set_server_name("Tolka benchmark source")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    idx = await server.register_namespace(SOURCE_NS)
    nodes: list[ua.NodeId] = []
    objects: dict[str, Any] = {}
    for identifier in source_ids(n):
        name = identifier.removeprefix("s=").split(".")[0]
        if name not in objects:
            objects[name] = await server.nodes.objects.add_object(ua.NodeId(name, idx), f"{idx}:{name}")
        variable = await objects[name].add_variable(
            ua.NodeId(identifier.removeprefix("s="), idx),
            f"{idx}:{identifier.split('.')[-1]}",
            ua.Variant(0.0, ua.VariantType.Double),
        )
        nodes.append(variable.nodeid)
    await server.start()
    commands = await _commands()
    _answer({"ready": True})
    k = 0
    try:
        while line := await commands.readline():
            command = json.loads(line)
            if command["op"] == "quit":
                break
            rate, seconds = float(command["rate"]), float(command["seconds"])
            total = max(1, round(rate * seconds))
            first, done = k + 1, 0
            started = time.perf_counter()
            burst = (
                math.ceil(rate * 0.005) + 1
            )  # at most 5 ms of changes per tick: the server stays responsive
            while done < total:
                due = min(total, int((time.perf_counter() - started) * rate) + 1, done + burst)
                while done < due:
                    k += 1
                    stamp = dt.datetime.fromtimestamp(time.time(), dt.UTC)
                    await server.write_attribute_value(
                        nodes[k % n],
                        ua.DataValue(
                            ua.Variant(float(k), ua.VariantType.Double),
                            SourceTimestamp=stamp,
                            ServerTimestamp=stamp,
                        ),
                    )
                    done += 1
                await asyncio.sleep(0.001)
            elapsed = time.perf_counter() - started
            _answer({"first": first, "last": k, "seconds": elapsed, "rate": total / elapsed})
    finally:
        await server.stop()


@dataclass
class _Arrival:
    value: float
    variable: int
    stamp: float  # source timestamp, seconds since the epoch
    arrived: float
    good: bool  # the status code is Good (the proxy marks values Uncertain while the source is away)


def _epoch(stamp: dt.datetime | None) -> float:
    if stamp is None:
        return math.nan
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()


def _counter(value: float, scale: float, offset: float) -> int:
    """The change number ``k`` a received value stands for (-1 for none)."""
    return -1 if math.isnan(value) else round((value - offset) / scale)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of sorted ``values``, nearest rank; NaN when empty."""
    if not values:
        return math.nan
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def summarise(
    arrivals: Sequence[_Arrival], first: int, last: int, n: int, scale: float, offset: float
) -> dict[str, Any]:
    """What the client saw of changes ``first``..``last``: counts, latencies, lag trend, throughput."""
    seen: dict[int, _Arrival] = {}
    duplicates = misrouted = not_good = 0
    for a in arrivals:
        k = _counter(a.value, scale, offset)
        if not first <= k <= last:
            continue  # an earlier step's straggler, or the initial value
        if not a.good:
            not_good += 1  # a status change of a value already delivered, not a new change
            continue
        if k in seen:
            duplicates += 1
            continue
        seen[k] = a
        if a.variable != k % n:
            misrouted += 1
    latencies = sorted(a.arrived - a.stamp for a in seen.values())
    fifth = max(1, (last - first + 1) // 5)
    early = sorted(a.arrived - a.stamp for k, a in seen.items() if k < first + fifth)
    late = sorted(a.arrived - a.stamp for k, a in seen.items() if k > last - fifth)
    span = (max(a.arrived for a in seen.values()) - min(a.stamp for a in seen.values())) if seen else 0.0
    return {
        "expected": last - first + 1,
        "received": len(seen),
        "lost": last - first + 1 - len(seen),
        "duplicates": duplicates,
        "misrouted": misrouted,
        "not_good": not_good,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else math.nan,
        "early_p50": percentile(early, 0.5),
        "late_p50": percentile(late, 0.5),
        "throughput": len(seen) / span if span > 0 else 0.0,
        "span": span,
        "latencies": [round(x, 6) for x in latencies],
    }


class _Reader:
    """The client's subscription: records every data change; can be made anew (a new publishing phase)."""

    def __init__(self, client: Any, nodes: list[Any], interval: float, queue_size: int) -> None:
        self.client, self.nodes = client, nodes
        self.interval, self.queue_size = interval, queue_size
        self.variable_of = {node.nodeid: j for j, node in enumerate(nodes)}
        self.arrivals: list[_Arrival] = []
        self.count = 0
        self.subscription: Any = None
        self.consumer: asyncio.Task[None] | None = None

    async def subscribe(self) -> None:
        from asyncua import ua

        params = ua.CreateSubscriptionParameters(
            RequestedPublishingInterval=self.interval,
            RequestedLifetimeCount=10_000,
            RequestedMaxKeepAliveCount=100,
            MaxNotificationsPerPublish=0,
            PublishingEnabled=True,
        )
        # the async iterator with an unbounded queue (0): nothing is dropped on the client's side
        self.subscription = await self.client.create_subscription(params, None, queue_maxsize=0)
        self.consumer = asyncio.create_task(self._consume(self.subscription))
        for start in range(0, len(self.nodes), 1000):
            await self.subscription.subscribe_data_change(
                self.nodes[start : start + 1000], queuesize=self.queue_size, sampling_interval=0.0
            )

    async def unsubscribe(self) -> None:
        if self.consumer is not None:
            self.consumer.cancel()
        if self.subscription is not None:
            with contextlib.suppress(Exception):
                await self.subscription.delete()

    async def _consume(self, subscription: Any) -> None:
        from asyncua.common.subscription import DataChangeEvent

        arrivals, variable_of = self.arrivals, self.variable_of
        async for event in subscription:
            if isinstance(event, DataChangeEvent):
                arrived = time.time()
                value = event.data.monitored_item.Value
                arrivals.append(
                    _Arrival(
                        math.nan if event.value is None else float(event.value),
                        variable_of.get(event.node.nodeid, -1),
                        _epoch(None if value is None else value.SourceTimestamp),
                        arrived,
                        value is None or value.StatusCode is None or value.StatusCode.is_good(),
                    )
                )
                self.count += 1

    async def drain(self, last: int, quiet: float, limit: float, scale: float, offset: float) -> float:
        """Wait until change ``last`` has arrived (and a straggling publish after it), or for ``quiet``
        seconds without any arrival, at most ``limit`` seconds; returns the seconds waited."""
        started = time.monotonic()
        progress, progress_at, done_at = self.count, started, None
        while time.monotonic() - started < limit:
            await asyncio.sleep(0.02)
            now = time.monotonic()
            if self.count != progress:
                progress, progress_at = self.count, now
            if (
                done_at is None
                and last >= 0
                and any(_counter(a.value, scale, offset) >= last for a in self.arrivals[-200:])
            ):
                done_at = now
            if done_at is not None and now - done_at > 2 * self.interval / 1000 + 0.1:
                break
            if now - progress_at > quiet:
                break
        return time.monotonic() - started


async def client_role(
    url: str, namespace: str, ids: list[str], interval: float, queue_size: int, scale: float, offset: float
) -> None:
    """Subscribe to ``ids`` at ``url`` and answer commands: ``collect`` (what arrived of a range of
    changes), ``resubscribe`` (a new subscription: a new phase against the server's publishing timer)."""
    from asyncua import ua
    from asyncua.client.client import Client

    # a long watchdog: asyncua probes the server every watchdog_intervall with that timeout and drops the
    # connection when one probe is late, which an overloaded step would otherwise cause
    client = Client(url, timeout=10, watchdog_intervall=30.0)
    await client.connect()
    try:
        idx = await client.get_namespace_index(namespace)
        nodes = [client.get_node(ua.NodeId.from_string(f"ns={idx};{i}")) for i in ids]
        reader = _Reader(client, nodes, interval, queue_size)
        await reader.subscribe()
        commands = await _commands()
        _answer({"ready": True})
        while line := await commands.readline():
            command = json.loads(line)
            if command["op"] == "quit":
                break
            if command["op"] == "resubscribe":
                await reader.unsubscribe()
                await reader.subscribe()
                _answer({"ready": True})
                continue
            first, last = int(command["first"]), int(command["last"])
            waited = await reader.drain(last, float(command["quiet"]), float(command["limit"]), scale, offset)
            batch, reader.arrivals[:] = list(reader.arrivals), []
            result = summarise(batch, first, last, len(ids), scale, offset)
            result["drain"] = waited
            _answer(result)
        await reader.unsubscribe()
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(), 10)


# --------------------------------------------------------------------------------------------
# The orchestrator's side of the processes
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class Child:
    """One child process in its own process group, stderr to a log file, optionally talking JSON lines."""

    def __init__(self, name: str, command: list[str], log_path: Path, talks: bool = True) -> None:
        self.name = name
        self.log_path = log_path
        self._log = log_path.open("wb")
        self._lines: queue.Queue[str | None] = queue.Queue()
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOLKA_")}
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE if talks else subprocess.DEVNULL,
            stdout=subprocess.PIPE if talks else subprocess.DEVNULL,
            stderr=self._log,
            text=True,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self._ps = psutil.Process(self.pid)
        self.descendants: dict[int, psutil.Process] = {}
        """Every child process (recursively) seen so far: the proxy's workers; checked at the clean-up."""
        if talks:
            threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def answer(self, timeout: float) -> dict[str, Any]:
        """The child's next JSON line."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(
                f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}"
            ) from None
        if line is None:
            self.process.wait(timeout=10)
            raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def cpu(self) -> tuple[float, float]:
        """CPU seconds (user + system) used so far by the process, and by its child processes (recursively:
        the proxy's workers, and multiprocessing's resource tracker) together."""
        own = math.nan
        with contextlib.suppress(psutil.Error):
            times = self._ps.cpu_times()
            own = float(times.user + times.system)
        kids: list[psutil.Process] = []
        with contextlib.suppress(psutil.Error):
            kids = self._ps.children(recursive=True)
        theirs = 0.0
        for kid in kids:
            self.descendants.setdefault(kid.pid, kid)
            with contextlib.suppress(psutil.Error):
                times = kid.cpu_times()
                theirs += float(times.user + times.system)
        return own, theirs

    def describe_descendants(self) -> str:
        """The child processes seen so far: pid and the tail of their command line."""
        self.cpu()
        out = []
        for pid, kid in sorted(self.descendants.items()):
            with contextlib.suppress(psutil.Error):
                out.append(f"{pid} ({' '.join(kid.cmdline())[-60:]})")
        return "; ".join(out) or "none"

    def stop(self, graceful: signal.Signals | None = None, timeout: float = 20.0) -> None:
        """Ask it to quit (``quit`` on stdin, or ``graceful``), then terminate, then kill its group."""
        process = self.process
        if process.poll() is None:
            self.cpu()  # note its child processes, to check they end too
            with contextlib.suppress(OSError, ValueError):
                if graceful is not None:
                    process.send_signal(graceful)
                elif process.stdin is not None:
                    self.send({"op": "quit"})
                    process.stdin.close()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop on its own: terminating it")
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    say(f"{self.name} did not stop on SIGTERM: killing it")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # stragglers of its own group (a proxy's workers), if any
        # its child processes (a proxy's workers): given a few seconds to go, then killed (any that left
        # the group)
        _, alive = psutil.wait_procs([kid for kid in self.descendants.values() if _alive(kid)], timeout=5)
        for kid in alive:
            say(f"{self.name}: child process {kid.pid} still ran: killing it")
            with contextlib.suppress(psutil.Error):
                kid.kill()
        psutil.wait_procs(alive, timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        with contextlib.suppress(OSError, ValueError):
            if process.stdin is not None:
                process.stdin.close()
        self._log.close()

    def running(self) -> list[int]:
        """The pids of this process and of its child processes seen so far that still run."""
        return [p.pid for p in (self._ps, *self.descendants.values()) if _alive(p)]


def _alive(process: psutil.Process) -> bool:
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def machine_busy() -> float:
    """CPU seconds all processes of the machine have used (user, system, …: all but idle and iowait)."""
    times = psutil.cpu_times()
    not_used = times.idle + getattr(times, "iowait", 0.0) + getattr(times, "steal", 0.0)  # steal: hypervisor
    counted_twice = getattr(times, "guest", 0.0) + getattr(times, "guest_nice", 0.0)  # in user already
    return float(sum(times) - not_used - counted_twice)


def own_cpu() -> float:
    """CPU seconds this (orchestrating) process has used."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


@contextlib.contextmanager
def stopped_on_error(child: Child, graceful: signal.Signals | None = None) -> Iterator[None]:
    """Stop ``child`` (and its child processes) if it fails to start: it is not in the clean-up's list yet."""
    try:
        yield
    except BaseException:
        child.stop(graceful, timeout=10)
        raise


def role_command(role: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--role", role, *args]


def start_source(port: int, n: int, workdir: Path) -> Child:
    source = Child(
        "the source server",
        role_command("source", "--port", str(port), "--variables", str(n)),
        workdir / "source.log",
    )
    with stopped_on_error(source):
        source.answer(timeout=120)
    return source


def start_client(
    url: str, namespace: str, ids: list[str], args: argparse.Namespace, workdir: Path, direct: bool,
    workers: int = 0,
) -> Child:  # fmt: skip
    ids_file = workdir / ("ids-direct.json" if direct else "ids-served.json")
    ids_file.write_text(json.dumps(ids))
    scale, offset = (1.0, 0.0) if direct else (FAH_SCALE, FAH_OFFSET)
    command = role_command(
        "client", "--url", url, "--namespace", namespace, "--ids", str(ids_file),
        "--publishing-interval", str(args.publishing_interval), "--queue-size", str(args.queue_size),
        "--scale", str(scale), "--offset", str(offset),
    )  # fmt: skip
    client = Child(
        "the direct client" if direct else f"the served-model client ({proxy_path(workers)})",
        command,
        workdir / ("client-direct.log" if direct else f"client-served-{workers}w.log"),
    )
    with stopped_on_error(client):
        client.answer(timeout=120)
    return client


def start_proxy(source_url: str, serve_url: str, translator: Path, nodeset: Path, args: argparse.Namespace,
                workdir: Path, workers: int) -> tuple[Child, list[str]]:  # fmt: skip
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", source_url, "--translator", str(translator), "--serve", serve_url,
        "--target-model", str(nodeset), "--publishing-interval", str(args.publishing_interval),
        "--queue-size", str(args.queue_size), "--report-every", "3600", "--allow-anonymous",
        "--source-security", "None", "--serve-security", "None",
        "--data-dir", str(workdir / "tolka-data"), "--workers", str(workers),
    ]  # fmt: skip
    proxy = Child(
        f"tolka proxy ({proxy_path(workers)})", command, workdir / f"proxy-{workers}w.log", talks=False
    )
    deadline = time.monotonic() + 120
    with stopped_on_error(proxy, signal.SIGINT):
        while time.monotonic() < deadline:
            if proxy.process.poll() is not None:
                raise RuntimeError(f"{proxy.name} exited ({proxy.process.returncode}):\n{proxy.log_tail()}")
            if "tolka: proxying" in proxy.log_path.read_text(errors="replace"):
                return proxy, command
            time.sleep(0.2)
        raise RuntimeError(f"{proxy.name} was not ready within 120 s:\n{proxy.log_tail()}")


# --------------------------------------------------------------------------------------------
# Steps, the search, and the series of one path
# --------------------------------------------------------------------------------------------


def pool(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The client's summaries of one rate's phases (subscriptions) as one: counts summed, latencies pooled,
    the lag growth of the worst phase; ``phase_p50``/``phase_p99`` list each phase's percentiles."""
    latencies = sorted(x for part in parts for x in part["latencies"])
    growth = [part["late_p50"] - part["early_p50"] for part in parts]
    span = sum(part["span"] for part in parts)
    received = sum(part["received"] for part in parts)
    out: dict[str, Any] = {
        key: sum(part[key] for part in parts)
        for key in ("expected", "received", "lost", "duplicates", "misrouted", "not_good")
    }
    out |= {
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else math.nan,
        "lag_growth": math.nan if any(math.isnan(g) for g in growth) else max(growth),
        "throughput": received / span if span > 0 else 0.0,
        "phase_p50": [part["p50"] for part in parts],
        "phase_p99": [part["p99"] for part in parts],
    }
    return out


@dataclass
class Step:
    """One rate held on one path (over one or more subscriptions of the client), and what the client saw."""

    path: str
    label: str
    rate: float
    seconds: float
    written_rate: float
    seen: dict[str, Any]
    cpu: dict[str, float]
    interval: float

    def problems(self) -> list[str]:
        """Why the rate was not sustained; empty when it was."""
        out = []
        if self.seen["lost"]:
            out.append(f"{self.seen['lost']:,} lost")
        if self.written_rate < SOURCE_SHORTFALL * self.rate:
            out.append(f"source wrote only {self.written_rate:,.0f}/s")
        growth = self.seen["lag_growth"]
        if not growth <= self.interval + LAG_GROWTH_EXTRA:  # NaN (nothing arrived) fails too
            out.append(
                "no change of its first or last fifth arrived"
                if math.isnan(growth)
                else f"lag grew by {growth * 1000:,.0f} ms"
            )
        return out

    @property
    def sustained(self) -> bool:
        return not self.problems()


@dataclass
class Rig:
    """The running processes of one path."""

    source: Child
    client: Child
    proxy: Child | None = None

    def processes(self) -> dict[str, Child]:
        out = {"source": self.source, "client": self.client}
        if self.proxy is not None:
            out["proxy"] = self.proxy
        return out


def run_step(
    rig: Rig, path: str, label: str, rate: float, seconds: float, args: argparse.Namespace, phases: int = 1
) -> Step:
    """Change the source at ``rate`` for ``seconds`` under each of ``phases`` subscriptions of the client
    (a new one each time), collecting what the client saw after each."""
    interval = args.publishing_interval / 1000
    before = cpu_snapshot(rig)
    wall = time.monotonic()
    parts, written, elapsed = [], 0, 0.0
    for phase in range(phases):
        if phase:
            rig.client.send({"op": "resubscribe"})
            rig.client.answer(timeout=60)
        rig.source.send({"op": "run", "rate": rate, "seconds": seconds})
        done = rig.source.answer(timeout=seconds * 4 + 60)
        written += done["last"] - done["first"] + 1
        elapsed += done["seconds"]
        rig.client.send(
            {"op": "collect", "first": done["first"], "last": done["last"], "quiet": max(3.0, 20 * interval),
             "limit": args.drain_limit}
        )  # fmt: skip
        parts.append(rig.client.answer(timeout=args.drain_limit + 60))
    wall = time.monotonic() - wall
    after = cpu_snapshot(rig)
    cpu = {name: (after[name] - before[name]) / wall for name in after}
    step = Step(path, label, rate, seconds * phases, written / elapsed, pool(parts), cpu, interval)
    seen = step.seen
    verdict = "sustained" if step.sustained else "NOT sustained: " + ", ".join(step.problems())
    say(
        f"  {path:17s} {label:>7s} {rate:>8,.0f}/s: delivered {seen['throughput']:>8,.0f}/s, "
        f"p50 {_ms(seen['p50'])} p99 {_ms(seen['p99'])} ms, lost {seen['lost']}, dup {seen['duplicates']}"
        + (f", proxy {_cpu(step, 'proxy')} % CPU" if "proxy" in cpu else "")
        + f", others {cpu['others'] * 100:.0f} % CPU — {verdict}"
    )
    if not step.sustained:
        settle(rig, args)
    return step


def cpu_snapshot(rig: Rig) -> dict[str, float]:
    """CPU seconds used so far by each process of the rig (the proxy's with its workers), by the rest of
    the machine (``others``) and, apart, by the proxy's workers (``proxy workers``)."""
    out, workers = {}, math.nan
    for name, child in rig.processes().items():
        own, theirs = child.cpu()
        out[name] = own + theirs
        if name == "proxy":
            workers = theirs
    out["others"] = machine_busy() - sum(out.values()) - own_cpu()
    if rig.proxy is not None:
        out["proxy workers"] = workers
    return out


def settle(rig: Rig, args: argparse.Namespace) -> None:
    """After an overloaded step: wait until nothing has arrived for 2 s (the backlog has drained)."""
    rig.client.send({"op": "collect", "first": 0, "last": -1, "quiet": 2.0, "limit": args.drain_limit * 2})
    rig.client.answer(timeout=args.drain_limit * 2 + 60)


def search(rig: Rig, path: str, args: argparse.Namespace) -> list[Step]:
    """Double the rate until a step fails, then bisect between the last sustained and the failed rate."""
    steps: list[Step] = []
    good, bad = 1000.0, None
    rate = FIRST_SEARCH_RATE
    while rate <= args.max_rate:
        step = run_step(rig, path, "search", rate, args.search_seconds, args)
        steps.append(step)
        if not step.sustained:
            bad = rate
            break
        good, rate = rate, rate * 2
    if bad is not None:
        for _ in range(args.bisections):
            rate = math.sqrt(good * bad)
            step = run_step(rig, path, "search", rate, args.search_seconds, args)
            steps.append(step)
            if step.sustained:
                good = rate
            else:
                bad = rate
    return steps


def run_series(rig: Rig, path: str, args: argparse.Namespace) -> list[Step]:
    """Warm-up, 100/s, 1,000/s (each over ``--phases`` subscriptions), and the search for the maximum."""
    run_step(rig, path, "warm-up", 200.0, 1.0, args)
    steps = [run_step(rig, path, "fixed", rate, args.seconds, args, args.phases) for rate in (100.0, 1000.0)]
    steps += search(rig, path, args)
    return steps


def best(steps: Sequence[Step]) -> Step | None:
    """The sustained step with the highest rate."""
    sustained = [s for s in steps if s.sustained]
    return max(sustained, key=lambda s: s.rate) if sustained else None


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:,.1f}"


def _cpu(step: Step, name: str) -> str:
    value = step.cpu.get(name)
    return "–" if value is None or math.isnan(value) else f"{value * 100:.0f}"


def _proxy_cpu(step: Step) -> str:
    """The proxy's CPU: main process and workers together, and the workers' share apart when it has any."""
    total, workers = step.cpu.get("proxy"), step.cpu.get("proxy workers")
    if total is None or math.isnan(total):
        return "–"
    if workers is None or math.isnan(workers) or workers < 0.005:
        return f"{total * 100:.0f}"
    return f"{total * 100:.0f} ({(total - workers) * 100:.0f} + {workers * 100:.0f})"


def step_row(step: Step, what: str) -> list[str]:
    s = step.seen
    by_phase = " / ".join(_ms(x) for x in s["phase_p50"]) if len(s["phase_p50"]) > 1 else "–"
    return [
        what, step.path, f"{step.rate:,.0f}", f"{step.written_rate:,.0f}", f"{s['throughput']:,.0f}",
        _ms(s["p50"]), by_phase, _ms(s["p99"]), _ms(s["max"]), f"{s['lost']:,}", f"{s['duplicates']:,}",
        f"{s['misrouted']:,}", f"{s['not_good']:,}", _cpu(step, "source"), _proxy_cpu(step),
        _cpu(step, "client"), _cpu(step, "others"),
    ]  # fmt: skip


def fixed(steps: Sequence[Step], rate: float) -> Step:
    """The step of a fixed rate."""
    return next(s for s in steps if s.label == "fixed" and s.rate == rate)


def main_table(series: dict[str, list[Step]]) -> str:
    header = [
        "rate", "path", "asked/s", "written/s", "delivered/s", "p50 ms", "p50 by subscription", "p99 ms",
        "max ms", "lost", "dup",
        "misrouted", "not Good", "CPU source %", "CPU proxy % (main + workers)", "CPU client %",
        "CPU others %",
    ]  # fmt: skip
    rows = []
    for rate in (100.0, 1000.0):
        for steps in series.values():
            rows.append(step_row(fixed(steps, rate), f"{rate:,.0f}/s"))
    for path, steps in series.items():
        top = best(steps)
        if top is not None:
            rows.append(step_row(top, "max sustained"))
        else:
            rows.append(["max sustained", path, *["–"] * (len(header) - 2)])
    return markdown_table(header, rows, [False, False, *[True] * (len(header) - 2)])


def search_lines(series: dict[str, list[Step]]) -> list[str]:
    lines = []
    for path, steps in series.items():
        parts = []
        for step in steps:
            if step.label != "search":
                continue
            mark = "ok" if step.sustained else "failed: " + ", ".join(step.problems())
            parts.append(f"{step.rate:,.0f}/s {mark}")
        lines.append(f"- {path}: " + "; ".join(parts))
    return lines


def goal_lines(series: dict[str, list[Step]], interval: float) -> list[str]:
    """The goals of issue 7 for each number of proxy workers, against the direct subscription."""
    lines = []
    top_direct = best(series[DIRECT])
    direct_1k = fixed(series[DIRECT], 1000.0)
    bound = direct_1k.seen["p99"] + interval + GOAL_P99_EXTRA
    tops: dict[str, Step | None] = {}
    for path, steps in series.items():
        if path == DIRECT:
            continue
        lines.append(f"- **{path}**:")
        top = tops[path] = best(steps)
        if top_direct is not None and top is not None:
            ratio = top.rate / top_direct.rate
            mark = "met" if ratio >= GOAL_THROUGHPUT else "**not met**"
            delivered = top.seen["throughput"] / top_direct.seen["throughput"]
            lines.append(
                f"  - Maximum sustainable rate: proxy {top.rate:,.0f}/s, direct {top_direct.rate:,.0f}/s: "
                f"proxy / direct = {ratio:.2f} (goal ≥ {GOAL_THROUGHPUT}: {mark}; delivered changes/s at "
                f"those rates: {delivered:.2f})"
            )
        else:
            lines.append(
                "  - Maximum sustainable rate: not found on this path or the direct one (see the search) — "
                "**not met**"
            )
        proxy_1k = fixed(steps, 1000.0)
        mark = "met" if proxy_1k.seen["p99"] <= bound else "**not met**"
        lines.append(
            f"  - p99 latency at 1,000/s: proxy {_ms(proxy_1k.seen['p99'])} ms ≤ direct "
            f"{_ms(direct_1k.seen['p99'])} + {interval * 1000:.0f} + {GOAL_P99_EXTRA * 1000:.0f} = "
            f"{_ms(bound)} ms: {mark}; "
            f"the proxy adds {_ms(proxy_1k.seen['p50'] - direct_1k.seen['p50'])} ms at p50, "
            f"{_ms(proxy_1k.seen['p99'] - direct_1k.seen['p99'])} ms at p99; its worst subscription's p99: "
            f"{_ms(max(proxy_1k.seen['phase_p99']))} ms"
        )
        limit = top.rate if top is not None else 0.0
        below = [s for s in steps if s.rate <= limit]
        lost = sum(s.seen["lost"] for s in below)
        dups = sum(s.seen["duplicates"] + s.seen["misrouted"] for s in below)
        mark = "met" if lost == 0 and below else "**not met**"
        lines.append(
            f"  - No loss below the sustainable rate: {lost:,} lost, {dups:,} duplicated or misrouted over "
            f"{sum(s.seen['expected'] for s in below):,} changes in the {len(below)} steps at ≤ "
            f"{limit:,.0f}/s: {mark}"
        )
    found = {path: top for path, top in tops.items() if top is not None}
    if len(found) > 1:
        (one, top_one), *rest = found.items()
        lines.append(
            "- Workers against each other (maximum sustainable rate): "
            + "; ".join(f"{path} / {one} = {top.rate / top_one.rate:.2f}" for path, top in rest)
            + f" (on {psutil.cpu_count()} cores)"
        )
    return lines


def others_line(series: dict[str, list[Step]]) -> str:
    """How much CPU the rest of the machine took during the measured steps."""
    shares = [s.cpu["others"] for steps in series.values() for s in steps if not math.isnan(s.cpu["others"])]
    if not shares:
        return ""
    return (
        f"Other processes on this machine used {sum(shares) / len(shares) * 100:.0f} % of one core on "
        f"average during the steps (up to {max(shares) * 100:.0f} %), out of {psutil.cpu_count()} cores."
    )


def report(series: dict[str, list[Step]], args: argparse.Namespace, counters: dict[str, str]) -> str:
    interval = args.publishing_interval / 1000
    parts = [
        f"{args.variables} Double variables; publishing interval {args.publishing_interval:g} ms and queue "
        f"size {args.queue_size} on both subscriptions; fixed rates held {args.seconds:g} s under each of "
        f"{args.phases} subscriptions of the client made one after the other (each meets the server's "
        f"publishing timer at another phase), search steps {args.search_seconds:g} s. *asked/s*: the rate "
        "commanded; *written/s*: what the source managed; *delivered/s*: distinct changes the client got / "
        "(last arrival − first source timestamp); latency: arrival at the client − source timestamp, over "
        "all changes of the step (all its subscriptions); *p50 by subscription*: each subscription's own; "
        "*not Good*: notifications with another status (not changes); CPU: % of one core over the step and "
        "its drain; *CPU proxy*: its main process and its child processes (the workers) together, in "
        "brackets main + workers when it has workers; *CPU others*: every other process of the machine but "
        "this script's — the machine is shared, and what others used was not available to the processes "
        "measured.",
        "",
        main_table(series),
        "",
        "Search for the maximum sustainable rate (no loss, source at ≥ 97 % of the rate, median latency of "
        "the last fifth within one publishing interval + 25 ms of the first fifth's):",
        "",
        *search_lines(series),
        "",
        others_line(series),
        "",
        "The proxy's last counter line (summed over its workers):",
        "",
        *(f"- {path}: `{line}`" for path, line in counters.items()),
        "",
        "### Goals (issue 7)",
        "",
        *goal_lines(series, interval),
    ]
    return "\n".join(parts)


def section(info: dict[str, str], command: str, body: str, args: argparse.Namespace) -> str:
    """The Markdown section for RESULTS.md."""
    return "\n".join(
        [
            SECTION,
            "",
            *header_lines(info, command),
            "",
            "Three programs on 127.0.0.1 sharing the machine: an asyncua source server changing N variables "
            "at a commanded rate (each change a new counter value with its source timestamp), `tolka proxy` "
            "serving a generated target model (°C → °F per variable), and a reading client subscribed to "
            "the served model; the floor (*direct*) is the same client subscribed to the source with no "
            "proxy running. The proxy runs with "
            + " and ".join(f"`--workers {w}`" for w in args.workers)
            + " one after the other (1: one process; N > 1: N worker processes sharing the source "
            "variables, each with its own connection, feeding the main process that serves the model). "
            "See the docstring of "
            "`benchmarks/proxy.py` for the method and why the comparison is fair."
            + (" Quick run: short steps, one bisection, not for the record." if args.quick else ""),
            "",
            body,
        ]
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def worker_counts(text: str) -> tuple[int, ...]:
    """``--workers``: ``1,2`` → (1, 2)."""
    try:
        counts = tuple(dict.fromkeys(int(part) for part in text.split(",") if part.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not counts or min(counts) < 1 or max(counts) > 64:
        raise argparse.ArgumentTypeError(f"give numbers of workers from 1 to 64: {text!r}")
    return counts


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (short steps, one bisection)")
    parser.add_argument("--variables", type=int, default=100, help="variables on the source (default 100)")
    parser.add_argument(
        "--publishing-interval", type=float, default=50.0, help="ms, on both subscriptions (default 50)"
    )
    parser.add_argument("--queue-size", type=int, default=1000, help="per monitored item (default 1000)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="each fixed rate, per subscription (default 4; quick 1.5)"
    )
    parser.add_argument(
        "--phases",
        type=int,
        default=None,
        help="subscriptions per fixed rate, made anew (default 3; quick 2)",
    )
    parser.add_argument("--search-seconds", type=float, default=None, help="each search step (5; quick 2)")
    parser.add_argument("--bisections", type=int, default=None, help="search bisections (3; quick 1)")
    parser.add_argument("--max-rate", type=float, default=128_000.0, help="stop doubling here (changes/s)")
    parser.add_argument(
        "--workers",
        type=worker_counts,
        default=(1, 2),
        help="the proxy's numbers of workers to measure, comma-separated (default 1,2)",
    )
    parser.add_argument("--drain-limit", type=float, default=15.0, help="longest wait for a step's tail (s)")
    parser.add_argument("--log-dir", type=Path, help="keep the processes' logs here (default: discarded)")
    parser.add_argument(
        "--write-results", action="store_true", help=f"replace this benchmark's section of {RESULTS.name}"
    )
    # the child roles (this script started by itself)
    parser.add_argument("--role", choices=("source", "client"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--namespace", help=argparse.SUPPRESS)
    parser.add_argument("--ids", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 1.5 if args.quick else 4.0
    if args.phases is None:
        args.phases = 2 if args.quick else 3
    if args.search_seconds is None:
        args.search_seconds = 2.0 if args.quick else 5.0
    if args.bisections is None:
        args.bisections = 1 if args.quick else 3
    return args


def child_main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format=f"{args.role}: %(name)s: %(message)s")
    if args.role == "source":
        asyncio.run(source_role(args.port, args.variables))
    else:
        ids = json.loads(args.ids.read_text())
        asyncio.run(
            client_role(
                args.url,
                args.namespace,
                ids,
                args.publishing_interval,
                args.queue_size,
                args.scale,
                args.offset,
            )
        )
    return 0


def last_counters(proxy: Child) -> str:
    lines = [line for line in proxy.log_path.read_text(errors="replace").splitlines() if "stopped;" in line]
    return lines[-1].removeprefix("tolka: ") if lines else "(the proxy printed no final counters)"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role:
        return child_main(args)
    command = shlex.join(["python", "benchmarks/proxy.py", *(sys.argv[1:] if argv is None else argv)])
    info = run_info(PACKAGES, ("services/proxy", "benchmarks/proxy.py"))
    n = args.variables
    children: list[Child] = []
    ports: list[int] = []
    series: dict[str, list[Step]] = {}
    counters: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="tolka-proxy-bench-") as tmp:
        workdir = Path(tmp)
        if args.log_dir is not None:
            args.log_dir.mkdir(parents=True, exist_ok=True)
            workdir = args.log_dir
        nodeset, translator = workdir / "Bench.Target.NodeSet2.xml", workdir / "source-target.json"
        nodeset.write_text(target_nodeset(n), encoding="utf-8")
        routes = write_translator_file(n, nodeset, translator)
        if routes != n:
            raise AssertionError(f"the translator plans {routes} routes, not {n}")
        source_port = free_port()
        ports = [source_port]
        source_url = f"opc.tcp://127.0.0.1:{source_port}"
        try:
            say(f"Starting the source server ({n} variables) at {source_url} ...")
            source = start_source(source_port, n, workdir)
            children.append(source)

            say("Direct subscription (the floor) ...")
            client = start_client(source_url, SOURCE_NS, source_ids(n), args, workdir, direct=True)
            children.append(client)
            series[DIRECT] = run_series(Rig(source, client), DIRECT, args)
            client.stop()

            for workers in args.workers:
                path = proxy_path(workers)
                served_port = free_port()  # a new port for each proxy: nothing of the last one lingers
                ports.append(served_port)
                served_url = f"opc.tcp://127.0.0.1:{served_port}/tolka"
                say(f"Starting tolka proxy with {workers} worker(s), serving at {served_url} ...")
                proxy, proxy_command = start_proxy(
                    source_url, served_url, translator, nodeset, args, workdir, workers
                )
                children.append(proxy)
                say("  " + shlex.join(["tolka", *proxy_command[proxy_command.index("proxy") :]]))
                say(f"  pid {proxy.pid}; its child processes: {proxy.describe_descendants()}")
                client = start_client(served_url, TARGET_NS, target_ids(n), args, workdir, False, workers)
                children.append(client)
                series[path] = run_series(Rig(source, client, proxy), path, args)
                client.stop()
                proxy.stop(graceful=signal.SIGINT)
                counters[path] = last_counters(proxy)
                say(f"  stopped: {counters[path]}")
        finally:
            for child in reversed(children):
                child.stop(graceful=signal.SIGINT if child.name.startswith("tolka proxy") else None)
            left = [f"{c.name} (pids {', '.join(map(str, pids))})" for c in children if (pids := c.running())]
            total = len(children) + sum(len(c.descendants) for c in children)
            busy = [p for p in ports if port_in_use(p)]
            say(
                "Clean-up: "
                + (f"still running: {'; '.join(left)}" if left else f"all {total} processes ended")
                + (f"; ports still in use: {busy}" if busy else ", ports free")
            )
    body = report(series, args, counters)
    print()
    print(body)
    print(f"Run time: {time.perf_counter() - _STARTED:.1f} s")
    if args.write_results:
        write_section(section(info, command, body, args), RESULTS)
        print(f"\nwrote the proxy section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
