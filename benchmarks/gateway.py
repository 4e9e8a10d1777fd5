"""Gateway benchmark: Tolka's translators served by ``tolka serve`` (HTTP and WebSocket) against in process.

Run from the repository root (``httpx``, ``websockets`` and ``psutil`` come with the ``dev`` extra)::

    python benchmarks/gateway.py [--quick] [--write-results]

The script starts real ``tolka serve`` subprocesses on free ports of 127.0.0.1 with a temporary
``--data-dir`` (one with ``--workers 1``, one with ``--workers 2``, sharing that store), sets up what a
user would through the API — uploads the two shipped demo models
(``ontologies/demo/VendorA.PumpSkid.NodeSet2.xml`` → ``VendorB.LegacySkid.NodeSet2.xml``), matches them
in a job (``method`` ``auto``), compiles a translator (OPC UA PubSub JSON → JSON) — and stops both
servers at the end (SIGTERM, then SIGKILL of their process group if they do not exit). Messages are
OPC UA PubSub JSON network messages (``ua-data``, one DataSetMessage) with one DataValue per source field
of the translator's rules, values fitting each field (its data type and unit in the uploaded model, the
keys of a value map), distinct per message, with moving timestamps; every message is checked to
translate in process, and the servers' answers to be the in-process ones, before timing. Measured:

1. **Single messages, closed loop**: ``POST /translators/{id}/translate`` with one message per request
   from ``httpx.AsyncClient`` (HTTP/1.1 keep-alive, ``--connections`` (8) connections each sending its
   next request when the previous answer has arrived): requests/s, p50 and p99 latency, and the CPU time
   the server processes spent per request (``psutil``).
2. The same with **wrk** (C, 1 thread, the same connections, a Lua script cycling through 200 of the
   messages) when ``wrk`` is installed: it needs far less CPU than the Python client, so it shows more
   of what the server can do.
3. **Latency at a fixed offered rate** (``--rate``, 500 requests/s), open loop: request ``i`` is due at
   ``start + i / rate`` and sent then whatever the earlier ones are doing (on an idle keep-alive
   connection or a new one, by a minimal asyncio HTTP/1.1 client: httpx cannot keep the schedule on
   this machine); its latency counts from the time it was *due*, so a stalled server or client is not
   hidden (no coordinated omission). The client's own lateness in sending (asyncio timers have about 1 ms
   resolution) is part of that latency and reported beside it. Goal (issue 6): p99 < 10 ms.
4. **Batches**: JSON arrays of ``--batch`` (1,000) messages per request, one connection per worker:
   messages/s, against in process: ``orjson.loads`` of the same array, ``Translator.translate_many``,
   ``orjson.dumps`` of the results — the JSON work the server does, without HTTP. Goal (issue 6): the
   service within 2x of in process.
5. **WebSocket** ``/translators/{id}/stream``, one connection per worker, pipelined (a sender task sends
   the messages as fast as the socket takes them while a receiver task reads the answers): messages/s.
6. **In process**: ``Translator.translate_json`` per message and the batch work of 4., the same
   translator file, the same messages, the garbage collector on (as in the server) and off (as
   ``benchmarks/translate.py`` times), for the overhead ratios.

Why it is fair, and what it is not: the server and the load generator share the machine (``nproc`` is
in the record: on 2 cores the Python client takes a large share of the CPU, which caps the closed-loop
figures and especially ``--workers 2``); the client's CPU is reported (% of one core), and so is the
server's CPU per request, the figure that depends least on the client (it still rises when a slow
client gives the server fewer requests per wake-up). httpx costs about a millisecond of CPU per request
here; when ``sniffio`` is not installed, httpcore also tries to import it on every request, which the
script spares it (and says so). Both sides run uvloop (the client when it is installed) and the garbage
collector on, as a server does. Everything is on loopback: no network latency. The server runs as
shipped (uvicorn, access log off: the default). Each measurement runs for ``--duration`` seconds
per round, after a warm-up (connections opened, translators compiled in every worker); the two servers
and the in-process run are interleaved over ``--rounds`` rounds, the order rotated every round, because
the machine is shared and noisy. Rates are the median over rounds (min–max beside it); latency
percentiles are over all requests of all rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import itertools
import math
import os
import random
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
import websockets
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from translator.translation.compiled import Translator
from translator.translation.spec import spec_from_dict

try:
    import uvloop
except ImportError:  # pragma: no cover - uvicorn[standard] brings it
    uvloop = None


def _spare_httpcore_failed_imports() -> bool:
    """Without ``sniffio`` installed, httpcore tries ``import sniffio`` again for every request (four
    failed imports, over 100 µs of the client's CPU here); it only ever runs on asyncio in this
    benchmark, so tell it so. Whether this was needed is reported."""
    import importlib.util

    import httpcore._synchronization as sync

    if importlib.util.find_spec("sniffio") is not None or not hasattr(sync, "current_async_library"):
        return False
    sync.current_async_library = lambda: "asyncio"
    return True


REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Gateway (benchmarks/gateway.py)"
PACKAGES = ("fastapi", "uvicorn", "starlette", "uvloop", "httptools", "orjson", "httpx", "websockets")
DEMO = REPO / "ontologies" / "demo"
SOURCE_MODEL = DEMO / "VendorA.PumpSkid.NodeSet2.xml"
TARGET_MODEL = DEMO / "VendorB.LegacySkid.NodeSet2.xml"
GOAL_P99_MS = 10.0
"""Issue 6: p99 latency below 10 ms at 500 requests/s."""
GOAL_BATCH = 2.0
"""Issue 6: batch translation over HTTP within 2x of in-process throughput."""
EPOCH0 = 1_772_359_200.0  # 2026-03-01T10:00:00Z
WRK_MESSAGES = 200
JSON = {"content-type": "application/json"}
WORKERS = (1, 2)
IN_PROCESS = "in process"
GC_OFF = "in process, gc off"
_STARTED = time.perf_counter()


def say(text: str) -> None:
    """A progress line, with the seconds since the script started."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {text}", flush=True)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tolka_command() -> list[str]:
    """The ``tolka`` console script of this environment."""
    beside = Path(sys.executable).with_name("tolka")
    found = str(beside) if beside.exists() else shutil.which("tolka")
    if not found:
        raise SystemExit("the tolka command is not installed (pip install -e '.[dev]')")
    return [found]


@dataclass
class Server:
    """One ``tolka serve`` subprocess (its own process group) on 127.0.0.1."""

    workers: int
    data_dir: Path
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    seen: set[int] = field(default_factory=set)
    _log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def name(self) -> str:
        return f"--workers {self.workers}"

    def start(self, timeout: float = 120.0) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOLKA_")}  # no tokens etc.
        command = [*tolka_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--data-dir", str(self.data_dir)]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tolka serve exited ({self.process.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(
                f"tolka serve did not answer /health within {timeout:.0f} s:\n{self.log_tail()}"
            )
        if self.workers > 1:  # every worker up: /health answers as soon as the first one is
            deadline = time.monotonic() + timeout
            while len(self.worker_processes()) < self.workers and time.monotonic() < deadline:
                time.sleep(0.2)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def processes(self) -> list[psutil.Process]:
        """The server process and its children (the workers, and multiprocessing's helpers)."""
        if self.process is None or self.process.returncode is not None:
            return []
        try:
            main = psutil.Process(self.process.pid)
            found = [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []
        self.seen.update(p.pid for p in found)
        return found

    def left_running(self, timeout: float = 5.0) -> list[int]:
        """Processes of this server seen while it ran still running ``timeout`` s after :meth:`stop`
        (a killed process may take a moment to go)."""
        procs = []
        for pid in sorted(self.seen):
            with contextlib.suppress(psutil.NoSuchProcess):
                procs.append(psutil.Process(pid))
        _, alive = psutil.wait_procs(procs, timeout=timeout)
        running = []
        for proc in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.status() != psutil.STATUS_ZOMBIE:
                    running.append(proc.pid)
        return running

    def worker_processes(self) -> list[psutil.Process]:
        """The processes that serve requests: the workers, or the main process with one worker."""
        if self.workers == 1:
            return self.processes()[:1]
        return [p for p in self.processes()[1:] if "spawn_main" in " ".join(_cmdline(p))]

    def cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) so far, by process id."""
        seconds = {}
        for p in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                times = p.cpu_times()
                seconds[p.pid] = times.user + times.system
        return seconds

    def stop(self) -> None:
        """SIGTERM (uvicorn shuts down gracefully, stopping its workers), then SIGKILL of the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"tolka serve {self.name} did not stop on SIGTERM: killing it", flush=True)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers of its own group, if any
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def cpu_used(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    return {pid: after[pid] - before.get(pid, 0.0) for pid in after}


# --------------------------------------------------------------------------------------------
# Set-up through the API, and the messages
# --------------------------------------------------------------------------------------------


@dataclass
class Setup:
    """What the API set up: the translator's id and file, and the source model's nodes by id."""

    translator_id: str
    document: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    correspondences: int
    seconds: dict[str, float]


def set_up(url: str) -> Setup:
    """Upload the demo models, match them, compile a translator: as a user of the API would."""
    seconds = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        started = time.perf_counter()
        ids = []
        for path in (SOURCE_MODEL, TARGET_MODEL):
            r = client.post("/models", files={"file": (path.name, path.read_bytes(), "application/xml")})
            r.raise_for_status()
            ids.append(r.json()["id"])
        seconds["upload 2 models"] = time.perf_counter() - started
        started = time.perf_counter()
        r = client.post("/alignments", json={"source": ids[0], "target": ids[1], "method": "auto"})
        r.raise_for_status()
        job, alignment = r.json()["job"], r.json()["alignment"]
        deadline = time.monotonic() + 600
        while True:
            state = client.get(f"/jobs/{job}").raise_for_status().json()
            if state["state"] == "done":
                break
            if state["state"] not in ("queued", "running") or time.monotonic() > deadline:
                raise RuntimeError(f"matching job {job} ended {state['state']}: {state.get('message')}")
            time.sleep(0.2)
        seconds["match (job)"] = time.perf_counter() - started
        correspondences = client.get(f"/alignments/{alignment}").raise_for_status().json()["total"]
        started = time.perf_counter()
        r = client.post("/translators", json={"alignment": alignment})
        r.raise_for_status()
        translator_id = r.json()["id"]
        seconds["compile translator"] = time.perf_counter() - started
        document = client.get(f"/translators/{translator_id}").raise_for_status().json()
        nodes: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = client.get(f"/models/{ids[0]}/graph", params={"offset": offset, "limit": 10_000}).json()
            nodes.update((n["id"], n) for n in page["nodes"])
            offset += page["limit"]
            if offset >= page["total_nodes"]:
                break
    return Setup(translator_id, document, nodes, correspondences, seconds)


def iso(seconds: float) -> str:
    """ISO 8601 UTC with milliseconds, trailing zeros of the fraction dropped (as OPC UA stacks write)."""
    moment = dt.datetime.fromtimestamp(round(seconds, 3), dt.UTC)
    head, _, fraction = moment.isoformat(timespec="milliseconds").replace("+00:00", "").partition(".")
    fraction = fraction.rstrip("0")
    return f"{head}.{fraction}Z" if fraction else f"{head}Z"


RANGES = {
    "CEL": (15.0, 95.0), "FAH": (60.0, 200.0), "BAR": (0.5, 12.0), "PAL": (5e4, 1.2e6),
    "RPM": (0.0, 3000.0), "HTZ": (0.0, 50.0), "KWT": (0.0, 75.0), "WTT": (0.0, 75_000.0),
    "AMP": (0.0, 60.0), "HUR": (0.0, 50_000.0), "MQH": (0.0, 120.0), "MTR": (0.0, 8.0),
    "P1": (0.0, 100.0), "": (0.0, 100.0),
}  # fmt: skip
INTEGERS = frozenset({"SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64"})


def field_value(rule: dict[str, Any], node: dict[str, Any], rng: random.Random, k: int) -> Any:
    """A value of the rule's source field that fits it: a key of its value map, else its data type."""
    for transform in rule.get("transform", ()):
        if transform.get("op") == "map" and transform.get("pairs"):
            return rng.choice(transform["pairs"])[0]
        if transform.get("op") == "invert":
            return rng.random() < 0.5
    datatype = node.get("datatype", "Double")
    if datatype == "Boolean":
        return rng.random() < 0.5
    if datatype in INTEGERS:
        return 1_000 + 7 * k + rng.randrange(7)
    if datatype in ("String", "LocalizedText"):
        return rng.choice(("", "running", "filter changed", "seal inspected, ok"))
    low, high = RANGES.get(node.get("unit") or rule.get("source_unit") or "", RANGES[""])
    return round(rng.uniform(low, high), 3)


def pubsub_message(k: int, setup: Setup) -> dict[str, Any]:
    """Network message ``k``: one DataValue per source field; timestamps about a second apart."""
    rng = random.Random(k)
    sent = EPOCH0 + k + 0.001 * (1 + (k * 37) % 998)
    lags = (0.0, 0.1, 0.25)  # fields sampled at three moments before the message
    payload: dict[str, Any] = {}
    for n, rule in enumerate(r for r in setup.document["rules"] if r.get("source")):
        node = setup.nodes.get(rule.get("source_id", ""), {})
        payload[rule["source"]] = {
            "Value": field_value(rule, node, rng, k),
            "SourceTimestamp": iso(sent - lags[n % len(lags)]),
        }
    return {
        "MessageId": f"bench-{k}",
        "MessageType": "ua-data",
        "PublisherId": "VendorA.PumpSkid1",
        "Messages": [{"DataSetWriterId": 1, "Timestamp": iso(sent), "Payload": payload}],
    }


# --------------------------------------------------------------------------------------------
# Load generators
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One measurement of one round: how many went through, in how long, at what latencies and CPU."""

    count: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)
    failed: int = 0
    connections: int = 0
    client_cpu: float = 0.0
    server_cpu: dict[int, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.count / self.elapsed


def client_cpu() -> float:
    """CPU seconds of this process (all its threads) and of its waited-for children (wrk)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def measured(server: Server, work: Coroutine[Any, Any, Run]) -> Run:
    """Await ``work`` (a coroutine not yet started) and add the client's and the server's CPU time."""
    server_before, client_before = server.cpu(), client_cpu()
    run = await work
    run.client_cpu = client_cpu() - client_before
    run.server_cpu = cpu_used(server_before, server.cpu())
    return run


def _client(url: str, connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0, http1=True, http2=False)


async def warm_up(url: str, path: str, bodies: Sequence[bytes], connections: int, count: int) -> None:
    """Open the connections and send ``count`` requests over them (every worker compiles the translator)."""
    async with _client(url, connections) as client:
        queue = itertools.cycle(bodies)

        async def loop() -> None:
            for _ in range(max(1, count // connections)):
                (await client.post(path, content=next(queue), headers=JSON)).raise_for_status()

        await asyncio.gather(*(loop() for _ in range(connections)))


async def closed_loop(url: str, path: str, bodies: Sequence[bytes], connections: int, seconds: float) -> Run:
    """``connections`` keep-alive connections, each sending its next request once answered."""
    async with _client(url, connections) as client:
        await asyncio.gather(*(client.post(path, content=b, headers=JSON) for b in bodies[:connections]))
        queue = itertools.cycle(bodies)
        latencies: list[float] = []
        failed = 0
        started = time.perf_counter()
        stop = started + seconds

        async def loop() -> None:
            nonlocal failed
            while (sent := time.perf_counter()) < stop:
                response = await client.post(path, content=next(queue), headers=JSON)
                latencies.append(time.perf_counter() - sent)
                failed += response.status_code != 200

        await asyncio.gather(*(loop() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Run(len(latencies), elapsed, latencies, failed=failed)


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams, one request in flight per connection.

    httpx costs about a millisecond of CPU per request on the benchmark machine and falls behind a
    schedule of 500 requests/s; this client writes each request in one piece and reads the answer by
    its ``Content-Length`` (all the gateway sends), for a small fraction of that.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    def request(self, path: str, body: bytes) -> bytes:
        """The bytes of ``POST path`` with a JSON ``body``."""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("ascii") + body

    async def send(self, request: bytes) -> int:
        """Send a prepared request on an idle connection (or a new one); the answer's status."""
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self.opened += 1
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        self.idle.append((reader, writer))
        return status

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        self.idle.clear()


async def open_loop(port: int, path: str, bodies: Sequence[bytes], rate: float, seconds: float) -> Run:
    """Request ``i`` sent at ``start + i / rate``; latency from that due time (no coordinated omission)."""
    total = max(1, round(rate * seconds))
    latencies = [math.nan] * total
    lateness = [math.nan] * total
    failed = 0
    client = RawHTTP("127.0.0.1", port)
    requests = [client.request(path, b) for b in bodies]
    await asyncio.gather(*(client.send(r) for r in requests[:8]))  # 8 connections open, idle

    async def one(i: int, due: float, request: bytes) -> None:
        nonlocal failed
        lateness[i] = time.perf_counter() - due
        try:
            failed += await client.send(request) != 200
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            failed += 1
        latencies[i] = time.perf_counter() - due

    tasks = []
    started = time.perf_counter() + 0.01
    for i in range(total):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due, requests[i % len(requests)])))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    await client.close()
    return Run(total, elapsed, latencies, lateness, failed, connections=client.opened)


async def batches(
    url: str, path: str, bodies: Sequence[bytes], per_batch: int, streams: int, seconds: float
) -> Run:
    """``streams`` connections, each posting the next batch once answered; counts messages."""
    async with _client(url, streams) as client:
        queue = itertools.cycle(bodies)
        done = failed = 0
        started = time.perf_counter()
        stop = started + seconds

        async def loop() -> None:
            nonlocal done, failed
            while time.perf_counter() < stop:
                response = await client.post(path, content=next(queue), headers=JSON)
                if response.status_code != 200 or "tolka-failed" in response.headers:
                    failed += 1
                done += per_batch

        await asyncio.gather(*(loop() for _ in range(streams)))
        elapsed = time.perf_counter() - started
    return Run(done, elapsed, failed=failed)


async def stream(url: str, bodies: Sequence[bytes], count: int, streams: int) -> Run:
    """``streams`` WebSocket connections, each pipelined: a sender and a receiver task, ``count`` each."""
    failed = 0

    async def one(offset: int) -> None:
        nonlocal failed
        async with websockets.connect(url, max_size=None, compression=None) as ws:
            await ws.send(bodies[offset])
            await ws.recv()

            async def send() -> None:
                for k in range(count):
                    await ws.send(bodies[(offset + k) % len(bodies)])

            async def receive() -> None:
                nonlocal failed
                for _ in range(count):
                    answer = await ws.recv()
                    failed += answer.startswith(b'{"error"' if isinstance(answer, bytes) else '{"error"')

            await asyncio.gather(send(), receive())

    started = time.perf_counter()
    await asyncio.gather(*(one(s * 997) for s in range(streams)))
    return Run(count * streams, time.perf_counter() - started, failed=failed)


WRK_SCRIPT = """-- POSTs the benchmark's messages in turn (written by benchmarks/gateway.py)
local bodies = {
%s
}
local requests = {}
init = function(args)
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
  end
end
local k = 0
request = function()
  k = k %% #requests + 1
  return requests[k]
end
"""


def wrk_script(bodies: Sequence[bytes], path: Path) -> Path:
    quoted = []
    for body in bodies:
        text = body.decode()
        assert "]==]" not in text
        quoted.append(f"  [==[{text}]==],")
    path.write_text(WRK_SCRIPT % "\n".join(quoted), encoding="utf-8")
    return path


_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk_time(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _WRK_UNITS[unit]


def run_wrk(
    wrk: str, url: str, script: Path, connections: int, seconds: float
) -> tuple[Run, dict[str, float]]:
    """``wrk -t1 -c<connections> --latency``; the run and its percentiles (seconds)."""
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    before = client_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    cpu = client_cpu() - before
    out = done.stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    if total is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}\n{done.stderr}")
    count, elapsed = int(total.group(1)), _wrk_time(total.group(2) + total.group(3))
    percentiles = {
        m.group(1): _wrk_time(m.group(2)) for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+\w+)$", out, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = int(errors.group(1)) if errors else 0
    failed += sum(int(g) for g in socket_errors.groups()) if socket_errors else 0
    return Run(count, elapsed, failed=failed, client_cpu=cpu), percentiles


# --------------------------------------------------------------------------------------------
# In process
# --------------------------------------------------------------------------------------------


def per_message(translator: Translator, pool: Sequence[bytes], seconds: float) -> Run:
    """``translate_json`` over the pool in a plain loop for at least ``seconds``."""
    translate = translator.translate_json
    done = 0
    started = time.perf_counter()
    while True:
        for raw in pool:
            translate(raw)
        done += len(pool)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return Run(done, elapsed)


def per_batch(translator: Translator, bodies: Sequence[bytes], per: int, seconds: float) -> Run:
    """The server's JSON work on batches: ``orjson.loads``, ``translate_many``, ``orjson.dumps``."""
    done = 0
    started = time.perf_counter()
    while True:
        for body in bodies:
            orjson.dumps(translator.translate_many(orjson.loads(body)).messages)
        done += per * len(bodies)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return Run(done, elapsed)


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}" if seconds < 0.1 else f"{seconds * 1e3:,.0f}"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100), nearest rank."""
    ordered = sorted(v for v in values if not math.isnan(v))
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def rates(runs: Sequence[Run]) -> tuple[float, str]:
    """The median rate and its min–max, formatted."""
    values = [r.rate for r in runs]
    return statistics.median(values), f"{_rate(min(values))}–{_rate(max(values))}"


def server_cpu_per(runs: Sequence[Run]) -> float:
    return sum(sum(r.server_cpu.values()) for r in runs) / sum(r.count for r in runs)


def client_share(runs: Sequence[Run]) -> str:
    return f"{100 * sum(r.client_cpu for r in runs) / sum(r.elapsed for r in runs):.0f}%"


def server_share(runs: Sequence[Run]) -> str:
    return f"{100 * sum(sum(r.server_cpu.values()) for r in runs) / sum(r.elapsed for r in runs):.0f}%"


def worker_split(server: Server, runs: Sequence[Run]) -> str:
    """How the server CPU divided among the worker processes (shows how the kernel spread connections)."""
    if server.workers == 1:
        return "–"
    pids = [p.pid for p in server.worker_processes()]
    per = [sum(r.server_cpu.get(pid, 0.0) for r in runs) for pid in pids]
    total = sum(per) or 1.0
    return "/".join(f"{100 * p / total:.0f}" for p in sorted(per, reverse=True)) + " %"


@dataclass
class Results:
    """Every run, by measurement and server (or ``in process``)."""

    runs: dict[tuple[str, str], list[Run]] = field(default_factory=dict)
    wrk_percentiles: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    def add(self, what: str, who: str, run: Run) -> None:
        self.runs.setdefault((what, who), []).append(run)

    def get(self, what: str, who: str) -> list[Run]:
        return self.runs.get((what, who), [])


def report(
    results: Results, servers: Sequence[Server], args: argparse.Namespace, facts: dict[str, str]
) -> str:
    inproc = results.get("translate_json", IN_PROCESS)
    inproc_rate = rates(inproc)[0]
    inproc_batch = results.get("batch", IN_PROCESS)
    parts = [facts["setup"], "", facts["message"], ""]
    if facts.get("shim"):
        parts += [facts["shim"], ""]

    parts += [
        f"### Single message, closed loop: httpx, {args.connections} keep-alive connections",
        "",
        "`POST /translators/{id}/translate` with one message; *latency* from send to full answer, "
        "in the client (percentiles over all rounds' requests); *server CPU* is the server processes' "
        "CPU time per request; *client CPU* and *server CPU %* are shares of one core.",
        "",
    ]
    rows = []
    for s in servers:
        runs = results.get("closed", s.name)
        median, spread = rates(runs)
        lat = [x for r in runs for x in r.latencies]
        rows.append(
            [
                s.name,
                _rate(median),
                spread,
                _ms(percentile(lat, 50)),
                _ms(percentile(lat, 99)),
                _us(server_cpu_per(runs)),
                server_share(runs),
                worker_split(s, runs),
                client_share(runs),
                str(sum(r.failed for r in runs)),
            ]
        )
    header = ["server", "requests/s", "min–max", "p50 ms", "p99 ms", "server CPU µs/request",
              "server CPU", "split among workers", "client CPU", "failed"]  # fmt: skip
    parts += [markdown_table(header, rows, [False, *[True] * 9]), ""]

    parts += [f"### Single message, closed loop: wrk, 1 thread, {args.connections} connections", ""]
    if not facts.get("wrk"):
        parts += [f"wrk not measured: {facts['wrk_missing']}", ""]
    else:
        parts += [
            f"{facts['wrk']}; a Lua script cycling through {WRK_MESSAGES} of the messages. Percentiles are "
            "wrk's, the median over rounds.",
            "",
        ]
        rows = []
        for s in servers:
            runs = results.get("wrk", s.name)
            median, spread = rates(runs)
            pct = results.wrk_percentiles.get(s.name, [])
            p50 = statistics.median(p["50"] for p in pct)
            p99 = statistics.median(p["99"] for p in pct)
            rows.append(
                [
                    s.name,
                    _rate(median),
                    spread,
                    _ms(p50),
                    _ms(p99),
                    _us(server_cpu_per(runs)),
                    server_share(runs),
                    worker_split(s, runs),
                    client_share(runs),
                    str(sum(r.failed for r in runs)),
                ]
            )
        header[-2] = "wrk CPU"
        parts += [markdown_table(header, rows, [False, *[True] * 9]), ""]

    parts += [
        f"### Latency at {args.rate:,.0f} requests/s offered (open loop)",
        "",
        f"Requests due every {1e3 / args.rate:.1f} ms, each sent when due on an idle keep-alive connection "
        "or a new one (a minimal asyncio HTTP/1.1 client: httpx cannot keep this schedule here); latency "
        "from the due time to the full answer, over all rounds' requests. *send lateness*: how late the "
        "client sent (included in the latency); *connections*: most opened in a round.",
        "",
    ]
    rows = []
    for s in servers:
        runs = results.get("open", s.name)
        lat = [x for r in runs for x in r.latencies]
        late = [x for r in runs for x in r.lateness]
        per_round = [percentile(r.latencies, 99) for r in runs]
        p99 = percentile(lat, 99)
        rows.append(
            [
                s.name,
                f"{len(lat):,}",
                _ms(percentile(lat, 50)),
                _ms(p99),
                f"{_ms(min(per_round))}–{_ms(max(per_round))}",
                _ms(percentile(lat, 99.9)),
                _ms(max(lat)),
                _ms(percentile(late, 99)),
                str(max(r.connections for r in runs)),
                server_share(runs),
                client_share(runs),
                str(sum(r.failed for r in runs)),
                "met" if p99 < GOAL_P99_MS / 1e3 else "**not met**",
            ]
        )
    header = ["server", "requests", "p50 ms", "p99 ms", "p99 per round", "p99.9 ms", "max ms",
              "send lateness p99 ms", "connections", "server CPU", "client CPU", "failed",
              "p99 < 10 ms"]  # fmt: skip
    parts += [markdown_table(header, rows, [False, *[True] * 12]), ""]

    parts += [
        f"### Batches of {args.batch:,} messages",
        "",
        "`POST` of a JSON array, one connection per worker, the next batch sent when the previous "
        "answer has arrived. *in process*: `orjson.loads` of the same array, `translate_many`, "
        "`orjson.dumps` of the results, in this process, one thread, garbage collector on as in the "
        "server (the goal's reference); *gc off*: the same with the collector off.",
        "",
    ]
    inproc_batch_rate, spread = rates(inproc_batch)
    rows = [[IN_PROCESS, _rate(inproc_batch_rate), spread, "1.00", _us(1 / inproc_batch_rate), "–", "0"]]
    gc_off_rate, gc_off_spread = rates(results.get("batch", GC_OFF))
    rows.append(
        [GC_OFF, _rate(gc_off_rate), gc_off_spread, f"{inproc_batch_rate / gc_off_rate:.2f}",
         _us(1 / gc_off_rate), "–", "0"]
    )  # fmt: skip
    for s in servers:
        runs = results.get("batch", s.name)
        median, spread = rates(runs)
        rows.append(
            [
                s.name,
                _rate(median),
                spread,
                f"{inproc_batch_rate / median:.2f}",
                _us(server_cpu_per(runs)),
                client_share(runs),
                str(sum(r.failed for r in runs)),
            ]
        )
    header = ["", "messages/s", "min–max", "in process / this", "CPU µs/message", "client CPU", "failed"]
    parts += [markdown_table(header, rows, [False, *[True] * 6]), ""]

    parts += [
        "### WebSocket stream",
        "",
        f"`/translators/{{id}}/stream`, one connection per worker, {args.ws_messages:,} messages pipelined "
        "per connection and round (a sender and a receiver task).",
        "",
    ]
    rows = []
    for s in servers:
        runs = results.get("ws", s.name)
        median, spread = rates(runs)
        rows.append(
            [
                s.name,
                _rate(median),
                spread,
                f"{inproc_rate / median:.2f}",
                _us(server_cpu_per(runs)),
                server_share(runs),
                client_share(runs),
                str(sum(r.failed for r in runs)),
            ]
        )
    header = ["server", "messages/s", "min–max", "in process / this", "server CPU µs/message",
              "server CPU", "client CPU", "failed"]  # fmt: skip
    parts += [markdown_table(header, rows, [False, *[True] * 7]), ""]

    parts += [
        "### In process",
        "",
        "This process, one thread, the garbage collector on (as in the server) and, for reference, off "
        "(as `benchmarks/translate.py` and `timeit` time). Decoding a batch allocates tens of thousands of "
        "objects at once, which sets off the collector's collections over and over.",
        "",
    ]
    rows = []
    for label, what in (
        ("`Translator.translate_json`, one message", "translate_json"),
        ("`loads` + `translate_many` + `dumps`, per message", "batch"),
    ):
        for who, gc_state in ((IN_PROCESS, "on"), (GC_OFF, "off")):
            median, spread = rates(results.get(what, who))
            rows.append([label, gc_state, _us(1 / median), spread, _rate(median)])
    header = ["", "gc", "µs/message", "messages/s min–max", "messages/s"]
    parts += [markdown_table(header, rows, [False, False, True, True, True])]
    parts += ["", "### Service overhead and goals", ""]
    parts += overhead_lines(results, servers, inproc_rate, inproc_batch_rate)
    return "\n".join(parts) + "\n"


def overhead_lines(
    results: Results, servers: Sequence[Server], inproc_rate: float, inproc_batch_rate: float
) -> list[str]:
    inproc_us = 1e6 / inproc_rate
    lines = []
    for s in servers:
        closed = results.get("closed", s.name)
        rate = rates(closed)[0]
        text = (
            f"- {s.name}: one message per HTTP request costs the server {_us(server_cpu_per(closed))} µs "
            "of CPU, "
            f"{server_cpu_per(closed) * 1e6 / inproc_us:.0f}x the {inproc_us:.1f} µs of `translate_json` in "
            f"process; in-process rate / HTTP rate (httpx) = {inproc_rate / rate:.0f}"
        )
        wrk_runs = results.get("wrk", s.name)
        if wrk_runs:
            text += f", (wrk) = {inproc_rate / rates(wrk_runs)[0]:.0f}"
        ws = results.get("ws", s.name)
        text += (
            f"; WebSocket: {_us(server_cpu_per(ws))} µs of server CPU per message, in-process rate / "
            f"WebSocket rate = {inproc_rate / rates(ws)[0]:.1f}"
        )
        lines.append(text + ".")
    for s in servers:
        lat = [x for r in results.get("open", s.name) for x in r.latencies]
        p99 = percentile(lat, 99)
        mark = "met" if p99 < GOAL_P99_MS / 1e3 else "**not met**"
        lines.append(
            f"- {s.name}: p99 at the fixed rate = {_ms(p99)} ms (goal < {GOAL_P99_MS:.0f} ms: {mark})"
        )
    for s in servers:
        ratio = inproc_batch_rate / rates(results.get("batch", s.name))[0]
        mark = "met" if ratio <= GOAL_BATCH else "**not met**"
        lines.append(
            f"- {s.name}: batches, in process / HTTP = {ratio:.2f} (goal ≤ {GOAL_BATCH:.0f}: {mark})"
        )
    return lines


def section(info: dict[str, str], command: str, body: str, args: argparse.Namespace) -> str:
    """The Markdown section for RESULTS.md."""
    return "\n".join(
        [
            SECTION,
            "",
            *header_lines(info, command),
            "",
            "Real `tolka serve` subprocesses (uvicorn, access log off: the default) on 127.0.0.1, "
            "`--workers 1` and `--workers 2` sharing one temporary store, set up through the API (demo "
            "models uploaded, matched in a job, a translator compiled). The load generators (httpx on "
            "uvloop, websockets, wrk) run on the same machine and share its CPUs with the server: their "
            "CPU share is reported, and so is the server's CPU per request, which depends on them less (it "
            "still rises when a slow client gives it fewer requests per wake-up). Every "
            "message was checked to translate in process and the servers' answers to match before "
            f"timing. Servers and in process interleaved over {args.rounds} round(s) of {args.duration} s "
            "per measurement; rates are the median over rounds (min–max), latency percentiles are over "
            "all requests. See the docstring of `benchmarks/gateway.py` for what each measurement does."
            + (" Quick run: short rounds, not for the record." if args.quick else ""),
            "",
            body,
        ]
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run (1 round, short measurements)"
    )
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5; quick 1)")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per measurement and round (default 3; quick 2)"
    )
    parser.add_argument("--connections", type=int, default=8, help="closed-loop connections (default 8)")
    parser.add_argument("--rate", type=float, default=500.0, help="open-loop requests/s (default 500)")
    parser.add_argument("--batch", type=int, default=1000, help="messages per batch request (default 1000)")
    parser.add_argument(
        "--ws-messages", type=int, default=None, help="WebSocket messages per connection and round"
    )
    parser.add_argument("--no-wrk", action="store_true", help="skip wrk even when it is installed")
    parser.add_argument(
        "--write-results", action="store_true", help=f"replace this benchmark's section of {RESULTS.name}"
    )
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    if args.duration is None:
        args.duration = 2.0 if args.quick else 3.0
    if args.ws_messages is None:
        args.ws_messages = 4000 if args.quick else 20_000
    return args


def check_server(server: Server, setup: Setup, pool: list[bytes], expected: list[Any], batch: bytes) -> None:
    """The server's answers (one by one, as a batch, over the WebSocket) are the in-process ones."""
    path = f"/translators/{setup.translator_id}/translate"
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for raw, want in zip(pool[:20], expected[:20], strict=True):
            got = client.post(path, content=raw, headers=JSON).raise_for_status()
            if orjson.loads(got.content) != want:
                raise AssertionError(f"{server.name}: the server's answer differs: {got.content[:300]!r}")
        answer = client.post(path, content=batch, headers=JSON).raise_for_status()
        if "tolka-failed" in answer.headers:
            raise AssertionError(f"{server.name}: batch failures: {answer.headers.get('tolka-errors')}")
        if orjson.loads(answer.content)[:20] != expected[:20]:
            raise AssertionError(f"{server.name}: the server's batch answer differs")

    async def over_websocket() -> None:
        async with websockets.connect(ws_url(server, setup), max_size=None) as ws:
            for raw, want in zip(pool[:20], expected[:20], strict=True):
                await ws.send(raw)
                if orjson.loads(await ws.recv()) != want:
                    raise AssertionError(f"{server.name}: the WebSocket answer differs")

    asyncio.run(over_websocket())


def ws_url(server: Server, setup: Setup) -> str:
    return f"ws://127.0.0.1:{server.port}/translators/{setup.translator_id}/stream"


def measure_in_process(
    translator: Translator,
    pool: list[bytes],
    batch_bodies: list[bytes],
    per: int,
    args: argparse.Namespace,
    results: Results,
) -> None:
    """One round in this process: per message and per batch, the garbage collector on, then off."""
    seconds = min(args.duration, 1.5)
    for who in (IN_PROCESS, GC_OFF):
        if who == GC_OFF:
            gc.collect()
            gc.disable()
        try:
            results.add("translate_json", who, per_message(translator, pool, seconds))
            results.add("batch", who, per_batch(translator, batch_bodies, per, seconds))
        finally:
            gc.enable()


def measure_server(
    runner: asyncio.Runner,
    s: Server,
    path: str,
    pool: list[bytes],
    batch_bodies: list[bytes],
    setup: Setup,
    args: argparse.Namespace,
    results: Results,
    script: Path | None,
) -> None:
    """One round of every measurement against server ``s``."""
    d, per = args.duration, len(orjson.loads(batch_bodies[0]))
    results.add(
        "closed", s.name, runner.run(measured(s, closed_loop(s.url, path, pool, args.connections, d)))
    )
    wrk = shutil.which("wrk")
    if script is not None and wrk:
        before = s.cpu()
        run, pct = run_wrk(wrk, s.url + path, script, args.connections, d)
        run.server_cpu = cpu_used(before, s.cpu())
        results.add("wrk", s.name, run)
        results.wrk_percentiles.setdefault(s.name, []).append(pct)
    results.add("open", s.name, runner.run(measured(s, open_loop(s.port, path, pool, args.rate, d))))
    work = batches(s.url, path, batch_bodies, per, s.workers, d)
    results.add("batch", s.name, runner.run(measured(s, work)))
    work = stream(ws_url(s, setup), pool, args.ws_messages, s.workers)
    results.add("ws", s.name, runner.run(measured(s, work)))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    command = shlex.join(["python", "benchmarks/gateway.py", *(sys.argv[1:] if argv is None else argv)])
    info = run_info(PACKAGES, ("services/gateway", "translator", "benchmarks/gateway.py"))
    wrk = None if args.no_wrk else shutil.which("wrk")
    facts: dict[str, str] = {}
    if _spare_httpcore_failed_imports():
        facts["shim"] = (
            "sniffio is not installed: httpcore's per-request `import sniffio` attempts were replaced by "
            "'asyncio' in the client."
        )
    if wrk:
        version = subprocess.run([wrk, "--version"], check=False, capture_output=True, text=True).stdout
        facts["wrk"] = version.split(" Copyright")[0].strip()
        say(f"wrk: {facts['wrk']}")
    else:
        facts["wrk_missing"] = "skipped (--no-wrk)" if args.no_wrk else "`wrk` is not installed"
        say(f"wrk: {facts['wrk_missing']}; the wrk measurement is skipped")

    with tempfile.TemporaryDirectory(prefix="tolka-gateway-bench-") as tmp:
        folder = Path(tmp)
        servers = [Server(w, folder / "data", folder / f"serve-w{w}.log") for w in WORKERS]
        try:
            return measure_all(args, servers, folder, wrk, facts, info, command, started)
        finally:
            for s in servers:
                s.stop()
            stray = [pid for s in servers for pid in s.left_running()]
            if stray:
                print(f"warning: processes still running after stop: {stray}", flush=True)


def measure_all(
    args: argparse.Namespace,
    servers: list[Server],
    folder: Path,
    wrk: str | None,
    facts: dict[str, str],
    info: dict[str, str],
    command: str,
    started: float,
) -> int:
    first = servers[0]
    say(f"Starting tolka serve {first.name} ...")
    first.start()
    setup = set_up(first.url)
    spent = ", ".join(f"{k} {v:.1f} s" for k, v in setup.seconds.items())
    rules = [r for r in setup.document["rules"] if r.get("source")]
    facts["setup"] = (
        f"Set-up through the API: {spent}; the alignment holds {setup.correspondences} correspondences, "
        f"compiled into {len(setup.document['rules'])} rules ({setup.document['source']['format']['type']} → "
        f"{setup.document['target']['format']['type']})."
    )
    say(facts["setup"])
    for s in servers[1:]:
        say(f"Starting tolka serve {s.name} ...")
        s.start()

    pool_size = 1000 if args.quick else 5000
    messages = [pubsub_message(k, setup) for k in range(pool_size)]
    pool = [orjson.dumps(m) for m in messages]
    translator = Translator(spec_from_dict(setup.document))
    checked = translator.translate_many(messages)
    if checked.errors:
        index, error = checked.errors[0]
        raise AssertionError(f"message {index} does not translate in process: {error}")
    one_by_one = [orjson.loads(translator.translate_json(raw)) for raw in pool]  # raises on a failure
    if one_by_one != checked.messages:
        raise AssertionError("translate_json and translate_many disagree")
    expected = one_by_one[:20]
    batch_bodies = [orjson.dumps(messages[i : i + args.batch]) for i in range(0, len(messages), args.batch)]
    batch_bodies = [b for b in batch_bodies if len(orjson.loads(b)) == args.batch] or batch_bodies[:1]
    per_batch_count = len(orjson.loads(batch_bodies[0]))
    del messages, checked, one_by_one  # the benchmark's own heap would slow the collector in process
    for s in servers:
        check_server(s, setup, pool, expected, batch_bodies[0])
    say("In-process translation of every message, and the servers' answers, agree.")
    out = orjson.dumps(expected[0])
    facts["message"] = (
        f"Messages: {pool_size:,} distinct OPC UA PubSub JSON network messages of {len(rules)} DataSet "
        f"fields, {statistics.mean(map(len, pool)):,.0f} bytes on average; an answer is {len(out):,} bytes. "
        f"Batches: {len(batch_bodies)} of {per_batch_count:,} messages "
        f"({statistics.mean(map(len, batch_bodies)) / 1e6:.2f} MB each)."
    )
    script = wrk_script(pool[:WRK_MESSAGES], folder / "post.lua") if wrk else None

    path = f"/translators/{setup.translator_id}/translate"
    loop_factory = uvloop.new_event_loop if uvloop is not None else None
    results = Results()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        for s in servers:  # every worker compiles the translator and warms up
            runner.run(warm_up(s.url, path, pool, args.connections, 400 * s.workers))
        contestants: list[str] = [*(s.name for s in servers), IN_PROCESS]
        by_name = {s.name: s for s in servers}
        for r in range(args.rounds):
            order = contestants[r % len(contestants) :] + contestants[: r % len(contestants)]
            say(f"Round {r + 1}/{args.rounds}: {', '.join(order)}")
            for who in order:
                if who == IN_PROCESS:
                    measure_in_process(translator, pool, batch_bodies, per_batch_count, args, results)
                    continue
                measure_server(runner, by_name[who], path, pool, batch_bodies, setup, args, results, script)
    body = report(results, servers, args, facts)
    print()
    print(body)
    print(f"Run time: {time.perf_counter() - started:.1f} s")
    if args.write_results:
        write_section(section(info, command, body, args), RESULTS)
        print(f"\nwrote the gateway section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
