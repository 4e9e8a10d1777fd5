"""``tolka demo``: the main job end to end on a simulated two-vendor plant (what ``make demo`` runs)."""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from services.cli.errors import reports_errors
from services.cli.progress import stage_bar

if TYPE_CHECKING:
    from rich.progress import TaskID

    from services.demo.live import LiveSampler, Row
    from services.demo.run import Demo, DemoOptions, DemoResult

__all__ = ["demo_command"]


def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def live_table(rows: list[Row], rate: float, latencies: list[float], gateway: list[float]) -> Table:
    """The live table: each mapped field at the source, translated by the proxy, and at the target."""
    table = Table(title="live traffic: vendor A → Tolka → vendor B's model", title_justify="left")
    for column, right in (
        ("vendor A field", False),
        ("vendor A value", True),
        ("translated (proxy)", True),
        ("vendor B's own value", True),
        ("vendor B tag", False),
    ):
        table.add_column(column, justify="right" if right else "left")
    for row in rows:
        table.add_row(
            row.source,
            _number(row.source_value) + _unit(row.source_unit),
            _number(row.translated) + _unit(row.unit),
            _number(row.target_value) + _unit(row.unit),
            row.target.strip("/").replace("/", ".").rsplit(".", 1)[-1],
        )
    recent = sorted(latencies[-500:])
    latency = "—"
    if recent:
        p95 = recent[int(0.95 * (len(recent) - 1))]
        latency = f"median {statistics.median(recent) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    trips = gateway[-200:]
    through = f"{len(gateway)} messages, median {statistics.median(trips) * 1000:.1f} ms" if trips else "—"
    table.caption = f"proxy: {rate:.1f} values/s, source write → client {latency} · gateway HTTP: {through}"
    return table


def _mapping_table(result: DemoResult) -> Table:
    learned = result.learned
    assert learned is not None
    table = Table(
        title=f"learned mapping (clock lag {learned.lag:+.1f} s) — F1 {result.f1:.3f} against the true "
        f"mapping (precision {result.precision:.3f}, recall {result.recall:.3f})",
        title_justify="left",
    )
    for column in ("vendor A", "vendor B", "p", "", "evidence and transform"):
        table.add_column(column, justify="right" if column == "p" else "left")
    for pair in sorted(learned.pairs, key=lambda p: p.candidate.source_id):
        c = pair.candidate
        right = "✓" if (c.source_id, c.target_id) in result.true else "✗"
        table.add_row(
            result.labels.get(c.source_id, c.source_id),
            result.labels.get(c.target_id, c.target_id),
            f"{pair.probability:.3f}",
            right,
            pair.how,
        )
    return table


@reports_errors
def demo_command(
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Keep everything running after the live table and print the review page's URL."
        ),
    ] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the recordings, alignment, translator, store.")
    ] = Path(".demo"),
    seed: Annotated[int, typer.Option("--seed", help="The simulator's seed.")] = 0,
    record_minutes: Annotated[
        float,
        typer.Option("--record-minutes", help="Minutes of process time recorded for learning.", min=0.5),
    ] = 8.0,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", help="How much faster than real time the plant plays while recording.", min=1.0
        ),
    ] = 40.0,
    live_seconds: Annotated[
        float, typer.Option("--live-seconds", help="Seconds of live traffic shown at real time.", min=0.0)
    ] = 20.0,
) -> None:
    """Run Tolka end to end on a simulated two-vendor plant, on 127.0.0.1 only.

    Two OPC UA servers play a simulated pump skid: vendor A's model (OPC UA DI/Machinery style, SI
    units) and vendor B's legacy PLC model (tags like SC_107, °F, psi, gpm, other state codes). Tolka
    browses both live, records their traffic (played fast), learns the mapping from the models and the
    data, compiles the translator, starts the gateway and an OPC UA proxy that serves vendor B's model
    with vendor A's values translated into it, and shows the live values side by side. Then it stops
    everything. With --serve it keeps running and prints the review page's URL.
    """
    from services.demo.run import DemoOptions

    logging.getLogger("asyncua").setLevel(logging.ERROR)  # its session and certificate chatter
    options = DemoOptions(
        out=out, seed=seed, record_minutes=record_minutes, speed=speed, live_seconds=live_seconds, serve=serve
    )
    _Screen(options).run()


class _Screen:
    """The demo on the terminal: a bar per stage, the learned mapping, the live table, the summary."""

    def __init__(self, options: DemoOptions) -> None:
        self.options = options
        self.console = Console(stderr=False)
        self.err = Console(stderr=True)
        self.tty = self.console.is_terminal
        self.progress = stage_bar(self.console, 28, transient=False)
        self.tasks: dict[str, TaskID] = {}

    def run(self) -> None:
        """Run the demo to its end (or Ctrl-C), then print the summary."""
        from services.demo.run import DemoStoppedError, run_demo

        started = time.perf_counter()
        with self.progress:
            try:
                result = asyncio.run(run_demo(self.options, self.stage, self.show_live))
            except DemoStoppedError:
                self.err.print("tolka demo: stopped before the end; everything was shut down")
                raise typer.Exit(130) from None
        self.console.print(Group(*_summary(result, time.perf_counter() - started, self.options.out)))
        if not result.ports_freed:
            self.err.print("tolka: warning: a port of the demo is still in use after it stopped")

    def stage(self, name: str, share: float) -> None:
        """A stage's progress (``name`` may say more after a colon: ``recording: 40 %``)."""
        key = name.split(":", 1)[0]
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(key, total=1.0)
            if not self.tty:
                self.console.print(f"tolka demo: {key} …", highlight=False)
        self.progress.update(self.tasks[key], description=name, completed=share)

    async def show_live(self, demo: Demo) -> None:
        """The learned mapping, then the live values side by side for ``live_seconds``."""
        from services.demo.live import LiveSampler

        learned = demo.result.learned
        assert learned is not None
        self.progress.stop()
        console = self.console
        console.print(_mapping_table(demo.result))
        if demo.result.gateway_note:
            self.err.print(
                f"tolka: note: the gateway did not compile the alignment: {demo.result.gateway_note}"
            )
        sampler = LiveSampler(demo)
        await sampler.start()
        try:
            rows = await self._live(demo, sampler)
            if not self.tty:
                console.print(live_table(rows, sampler.rate(), sampler.latencies, demo.gateway.round_trips))
            demo.result.latencies = list(sampler.latencies)
            if self.options.serve:
                console.print(
                    f"\nreview the mapping at {demo.result.review_url}\n"
                    f"vendor A at {demo.a.endpoint}, vendor B at {demo.b.endpoint}, vendor B's model "
                    f"with vendor A's values at {demo.served}\nCtrl-C stops everything."
                )
        finally:
            await sampler.stop()

    async def _live(self, demo: Demo, sampler: LiveSampler) -> list[Row]:
        """The live table, refreshed every second until ``live_seconds`` have passed; its last rows."""
        deadline = time.monotonic() + self.options.live_seconds
        rows = await sampler.sample()
        with Live(
            live_table(rows, 0.0, sampler.latencies, demo.gateway.round_trips),
            console=self.console,
            refresh_per_second=2,
            transient=not self.tty,
            auto_refresh=self.tty,
        ) as live:
            while time.monotonic() < deadline and not demo.stop.is_set():
                await asyncio.sleep(1.0)
                rows = await sampler.sample()
                live.update(live_table(rows, sampler.rate(), sampler.latencies, demo.gateway.round_trips))
        return rows


def _summary(result: DemoResult, seconds: float, out: Path) -> list[str]:
    counters = result.proxy_counters
    latencies = result.latencies
    return [
        "",
        f"[bold]summary[/bold] ({seconds:.0f} s): "
        + ", ".join(f"{name} {value:.1f} s" for name, value in result.seconds.items()),
        f"recorded {result.recorded[0]} + {result.recorded[1]} messages; "
        f"learned {len(result.learned.pairs) if result.learned else 0} pairs, F1 {result.f1:.3f} "
        f"against the true mapping",
        f"proxy: {counters.get('received', 0)} changes received, {counters.get('translated', 0)} translated, "
        f"{counters.get('failed', 0)} failed"
        + (f"; latency median {statistics.median(latencies) * 1000:.0f} ms" if latencies else ""),
        f"gateway: {len(result.gateway_round_trips)} messages translated over HTTP"
        + (
            f", median round trip {statistics.median(result.gateway_round_trips) * 1000:.1f} ms"
            if result.gateway_round_trips
            else ""
        ),
        f"written to {out}/: vendor_a.jsonl, vendor_b.jsonl, vendorA-vendorB.sssom.tsv, "
        "vendorA-vendorB.translator.json, gateway/",
        "everything stopped; ports freed" if result.ports_freed else "everything stopped",
    ]
