"""``tolka demo``: two simulated vendors' OPC UA servers, a mapping learned between them, live traffic.

Stages, each shown with a progress bar:

1. **plant**: the simulator's pump skid is served by two OPC UA servers on 127.0.0.1 — vendor A's
   model (``ontologies/demo/VendorA.PumpSkid.NodeSet2.xml``) and vendor B's legacy PLC model
   (``VendorB.LegacySkid.NodeSet2.xml``) — their values replayed from the simulation
   (:mod:`services.demo.plant`), fast while recording;
2. **browse**: both servers are browsed live (:func:`adapters.opcua.live.browse_endpoint`);
3. **record**: every change of both models' fields is recorded over a stretch of process time
   (:mod:`services.demo.recorder`), written as PubSub JSON Lines;
4. **learn**: :func:`translator.instances.learning.learn` (the GNN schema matcher fused with the
   evidence of the data) gives the alignment and the translator, shown as a table with the F1
   against the demo's true mapping;
5. **serve**: ``tolka serve`` stores both models and the alignment and compiles its own translator;
   the OPC UA proxy (:class:`services.proxy.runtime.Proxy`) subscribes on vendor A and serves vendor
   B's model with A's values translated into it;
6. **live**: for ``live_seconds`` at real time, a table of each mapped field — vendor A's value, the
   value translated into vendor B's model by the proxy, vendor B's own value — with the proxy's
   throughput and latency and the gateway's round trips; then everything stops (servers, proxy,
   the gateway process) and the ports are checked free.

Everything it writes goes into ``out`` (``.demo/`` by default): the recordings, the alignment, the
translator, the gateway's store and log.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from adapters.opcua.endpoint import LiveOptions
from adapters.opcua.live import browse_endpoint
from adapters.opcua.pki import Pki
from adapters.opcua.security import ClientSecurity
from services.demo.gateway import GatewayProcess
from services.demo.plant import TOLKA_USER, PlantServer, Playback, machine_security, trust_each_other
from services.demo.recorder import Recorder
from services.demo.truth import true_pairs
from services.proxy.plan import plan_routes
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity
from services.proxy.targets import ServedTarget
from services.simulator.recording import Recording, SimulationConfig, simulate
from translator.alignment.formats import write_alignment
from translator.errors import TolkaError
from translator.files import write_atomic
from translator.graph.model import SchemaGraph
from translator.instances.learning import Learned, learn
from translator.instances.series import Stream
from translator.translation.compiler import field_address
from translator.translation.spec import write_translator

__all__ = ["DemoOptions", "DemoResult", "DemoStoppedError", "Stage", "free_port", "models_dir", "run_demo"]

Stage = Callable[[str, float], None]
"""Progress callback: stage name and share done (0-1)."""


def models_dir() -> Path:
    """The two vendor models shipped for the demo."""
    return Path(str(resources.files("ontologies"))) / "demo"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    """Whether nothing listens on ``port`` (a closed connection's TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class DemoStoppedError(TolkaError):
    """The demo was asked to stop (SIGINT, SIGTERM) before it finished."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """How the demo runs.

    Attributes:
        out: the folder for everything written.
        seed: the simulator's seed.
        record_minutes: process minutes recorded for learning.
        speed: how many times faster than real time the plant plays while recording.
        live_seconds: seconds of live traffic shown at real time.
        serve: keep everything running after the live stage until stopped (Ctrl-C).
    """

    out: Path = Path(".demo")
    seed: int = 0
    record_minutes: float = 8.0
    speed: float = 40.0
    live_seconds: float = 20.0
    serve: bool = False


@dataclass
class DemoResult:
    """What the demo did, for the summary."""

    learned: Learned | None = None
    true: set[tuple[str, str]] = field(default_factory=set)
    f1: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    recorded: tuple[int, int] = (0, 0)
    review_url: str = ""
    gateway_translator: str = ""
    gateway_note: str = ""
    proxy_counters: dict[str, Any] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    gateway_round_trips: list[float] = field(default_factory=list)
    ports_freed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def _scores(got: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(got & true)
    precision = tp / len(got) if got else 0.0
    recall = tp / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


class Demo:
    """The demo's parts and their lifetimes (see the module doc)."""

    def __init__(self, options: DemoOptions, stage: Stage, show_live: Callable[[Demo], Any] | None) -> None:
        self.options = options
        self.stage = stage
        self.show_live = show_live
        self.result = DemoResult()
        self.ports = [free_port() for _ in range(4)]
        folder = models_dir()
        self.a_model = folder / "VendorA.PumpSkid.NodeSet2.xml"
        self.b_model = folder / "VendorB.LegacySkid.NodeSet2.xml"
        # the simulated machines are secured as real ones: SignAndEncrypt only, a user for Tolka with a
        # password made for this run, and certificates of their own that Tolka trusts (and they Tolka's)
        self.pki = options.out / "pki"
        password = secrets.token_urlsafe(18)
        self.a = PlantServer(
            self.a_model,
            f"opc.tcp://127.0.0.1:{self.ports[0]}",
            "Vendor A pump skid",
            machine_security(options.out / "plant-a-pki", "plant-a", password),
        )
        self.b = PlantServer(
            self.b_model,
            f"opc.tcp://127.0.0.1:{self.ports[1]}",
            "Vendor B legacy PLC",
            machine_security(options.out / "plant-b-pki", "plant-b", password),
        )
        self.source_security = ClientSecurity(username=TOLKA_USER, password=password, pki=self.pki)
        self.served = f"opc.tcp://127.0.0.1:{self.ports[2]}/tolka"
        self.gateway = GatewayProcess(self.ports[3], options.out / "gateway", options.out / "gateway.log")
        self.stop = asyncio.Event()
        self.playback: Playback | None = None
        self.proxy: Proxy | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._recorders: list[Recorder] = []

    async def run(self) -> DemoResult:
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C or a service manager: stop cleanly
            loop.add_signal_handler(signal_number, self.stop.set)
        try:
            await self._run()
        finally:
            for signal_number in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signal_number)
            await self._close()
        return self.result

    def _go_on(self) -> None:
        """Raise DemoStoppedError when a signal asked the demo to stop."""
        if self.stop.is_set():
            raise DemoStoppedError("stopped; everything was shut down")

    def _timed(self, name: str, started: float) -> None:
        self.result.seconds[name] = time.perf_counter() - started

    async def _run(self) -> None:
        options = self.options
        options.out.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        recording, playback = await self._plant()
        self._timed("plant", started)
        self._go_on()

        started = time.perf_counter()
        a_graph, b_graph = await self._browse()
        self._timed("browse", started)
        self._go_on()

        started = time.perf_counter()
        streams = await self._record(playback, a_graph, b_graph)
        self._timed("record", started)

        started = time.perf_counter()
        learned = await self._learn(recording, a_graph, b_graph, streams)
        self._timed("learn", started)
        self._go_on()

        started = time.perf_counter()
        await self._serve(learned)
        self._timed("serve", started)
        self._go_on()

        started = time.perf_counter()
        if self.show_live is not None:
            await self.show_live(self)
        self._timed("live", started)
        if options.serve:
            await self.stop.wait()

    async def _plant(self) -> tuple[Recording, Playback]:
        """Simulate the process, start both servers (trusting Tolka and it them) and play it back."""
        options = self.options
        self.stage("plant: simulating", 0.0)
        duration = options.record_minutes * 60 + options.live_seconds + 120 + (3600 if options.serve else 0)
        recording = await asyncio.to_thread(simulate, SimulationConfig(seed=options.seed, duration=duration))
        self.stage("plant: starting servers", 0.5)
        await self.a.start()
        await self.b.start()
        trust_each_other(Pki(self.pki), [Pki(m.security.pki) for m in (self.a, self.b)])
        self.playback = Playback(
            [self.a, self.b], [recording.a_messages, recording.b_messages], options.speed
        )
        self._tasks.append(asyncio.create_task(self.playback.run(self.stop)))
        self.stage("plant", 1.0)
        return recording, self.playback

    async def _browse(self) -> tuple[SchemaGraph, SchemaGraph]:
        """Both servers' models, browsed live."""
        self.stage("browse", 0.0)
        live = LiveOptions(security=self.source_security)
        a_graph = (await browse_endpoint(self.a.endpoint, live)).graph
        self.stage("browse", 0.5)
        b_graph = (await browse_endpoint(self.b.endpoint, live)).graph
        self.stage("browse", 1.0)
        return a_graph, b_graph

    async def _record(self, playback: Playback, a_graph: SchemaGraph, b_graph: SchemaGraph) -> list[Stream]:
        """Record both models' changes over ``record_minutes`` of process time, fast; then the plant
        plays at real time. The recordings are written as JSON Lines."""
        options, out = self.options, self.options.out
        self._recorders = [
            Recorder(self.a.endpoint, a_graph, "VendorA", self.source_security),
            Recorder(self.b.endpoint, b_graph, "VendorB", self.source_security),
        ]
        for recorder in self._recorders:
            await recorder.start()
            recorder.begin()
        begin = playback.process_seconds
        target = options.record_minutes * 60
        while (done := playback.process_seconds - begin) < target:
            self._go_on()
            self.stage("record", done / target)
            await asyncio.sleep(0.2)
        for recorder in self._recorders:
            recorder.end()
        playback.speed = 1.0
        streams = [r.stream() for r in self._recorders]
        for name, recorder in zip(("vendor_a", "vendor_b"), self._recorders, strict=True):
            write_atomic(
                out / f"{name}.jsonl", b"".join(orjson.dumps(m) + b"\n" for m in recorder.messages())
            )
        self.result.recorded = (streams[0].messages, streams[1].messages)
        self.stage("record", 1.0)
        return streams

    async def _learn(
        self, recording: Recording, a_graph: SchemaGraph, b_graph: SchemaGraph, streams: list[Stream]
    ) -> Learned:
        """Learn the alignment and translator, score them against the true mapping and write them."""
        out = self.options.out
        self.stage("learn", 0.0)

        def progress(name: str, share: float) -> None:
            self.stage(f"learn: {name}", share)

        learned = await asyncio.to_thread(
            learn,
            a_graph,
            b_graph,
            streams[0],
            streams[1],
            source_model=self.a.endpoint,
            target_model=self.b.endpoint,
            progress=progress,
        )
        self.result.learned = learned
        self.result.labels = {
            n.id: field_address(n, learned.spec.source.format).split(".", 1)[-1] for n in a_graph.own_nodes()
        } | {n.id: n.name for n in b_graph.own_nodes()}
        self.result.true = true_pairs(recording.translator, a_graph, b_graph)
        got = {c.pair for c in learned.alignment}
        self.result.precision, self.result.recall, self.result.f1 = _scores(got, self.result.true)
        write_alignment(learned.alignment, out / "vendorA-vendorB.sssom.tsv")
        write_translator(learned.spec, out / "vendorA-vendorB.translator.json")
        self.stage("learn", 1.0)
        return learned

    async def _serve(self, learned: Learned) -> None:
        """Start the gateway (in a process of its own) and the OPC UA proxy; wait until it subscribes."""
        self.stage("serve: gateway", 0.0)
        await asyncio.to_thread(self._start_gateway, self.options.out / "vendorA-vendorB.sssom.tsv")
        self.stage("serve: proxy", 0.6)
        ready = asyncio.Event()
        # anonymous clients read, over SignAndEncrypt (127.0.0.1 only)
        served = ServedTarget(
            self.served, self.b_model, security=ServedSecurity(allow_anonymous=True, pki=self.pki)
        )
        self.proxy = Proxy(plan_routes(learned.spec), self.a.endpoint, served, security=self.source_security)
        proxy = asyncio.create_task(self.proxy.run(self.stop, ready))
        self._tasks.append(proxy)
        waiting = asyncio.create_task(ready.wait())
        await asyncio.wait([proxy, waiting], timeout=30, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if proxy.done():
            proxy.result()  # raises what stopped it
        if not ready.is_set():
            raise TolkaError(f"the OPC UA proxy did not subscribe to {self.a.endpoint} within 30 s")
        self.stage("serve", 1.0)

    def _start_gateway(self, alignment: Path) -> None:
        gateway = self.gateway
        gateway.start()
        source = gateway.upload_model(self.a_model)
        target = gateway.upload_model(self.b_model)
        alignment_id = gateway.import_alignment(alignment, source, target)
        self.result.review_url = f"{gateway.url}/review/{alignment_id}"
        try:
            self.result.gateway_translator = gateway.compile(alignment_id)
        except TolkaError as error:  # shown in the summary; the proxy runs the learned translator
            self.result.gateway_note = str(error)

    async def _close(self) -> None:
        self.stop.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError, Exception):
                await asyncio.wait_for(task, 15)
        for recorder in self._recorders:
            await recorder.stop()
        for server in (self.a, self.b):
            with contextlib.suppress(Exception):
                await server.stop()
        self.result.gateway_round_trips = list(self.gateway.round_trips)
        await asyncio.to_thread(self.gateway.stop)
        if self.proxy is not None:
            self.result.proxy_counters = self.proxy.counters.as_dict()
        await asyncio.sleep(0.2)
        self.result.ports_freed = all(_port_free(port) for port in self.ports)


async def run_demo(
    options: DemoOptions, stage: Stage, show_live: Callable[[Demo], Any] | None = None
) -> DemoResult:
    """Run the demo (module doc); ``stage`` reports progress, ``show_live`` shows the live stage."""
    if options.live_seconds < 0 or options.record_minutes <= 0 or options.speed <= 0:
        raise TolkaError("--record-minutes and --speed must be positive and --live-seconds not negative")
    return await Demo(options, stage, show_live).run()
