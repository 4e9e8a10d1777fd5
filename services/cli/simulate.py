"""``tolka simulate``: write a simulated plant recording — two vendors' streams, schemas and truth."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Annotated

import typer

from services.cli.errors import reports_errors

__all__ = ["simulate_command"]


@reports_errors
def simulate_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the six files into (created when missing).")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 0,
    minutes: Annotated[float, typer.Option("--minutes", help="Minutes of process time to record.")] = 10.0,
    units: Annotated[int, typer.Option("--units", help="Number of pump skids.")] = 1,
    noise: Annotated[
        float, typer.Option("--noise", help="Measurement noise σ, a fraction of each quantity's span.")
    ] = 0.01,
    rate_a: Annotated[
        float, typer.Option("--rate-a", help="Vendor A's sampling rate (Hz, at most 10).")
    ] = 1.0,
    rate_b: Annotated[
        float, typer.Option("--rate-b", help="Vendor B's sampling rate (Hz, at most 10).")
    ] = 0.5,
    lag: Annotated[
        float, typer.Option("--lag", help="Vendor B's clock offset in seconds (ahead of A's).")
    ] = 2.0,
    jitter: Annotated[
        float, typer.Option("--jitter", help="Vendor B's timing jitter, a fraction of its sampling period.")
    ] = 0.1,
    drop: Annotated[
        list[str] | None,
        typer.Option(
            "--drop",
            help="Leave a quantity out of both vendors (repeatable): level, tank_temperature, "
            "outlet_temperature, pressure, inflow, outflow, speed, current, valve, heater_power, state, "
            "fault, heater_on, run_hours, starts, volume, heater_energy, conductivity, suction_pressure.",
            show_default=False,
            metavar="KEY",
        ),
    ] = None,
) -> None:
    """Simulate pump skids (tank, pump, outlet valve, heater) observed by two vendors' systems.

    Vendor A publishes OPC UA PubSub JSON (fields like PumpSkid1.Pump.Speed, SI units: °C, bar, m³/h,
    rpm, states Stopped=0/Running=1/Fault=2); vendor B a legacy PLC's JSON (tags like SC_107 under
    Skid_01/PLC, °F, psi, gpm, Hz, states OFF=10/RUN=20/TRIP=90) at another rate, with jitter, noise
    and a clock offset. A few fields exist on one side only. Writes into OUT:

    vendor_a.jsonl, vendor_b.jsonl (one message a line), vendor_a.schema.json,
    vendor_b.schema.json (JSON Schema 2020-12), truth.sssom.tsv (the true alignment between the
    schemas' fields) and truth.translator.json (the true transforms, for tolka translate).

    Examples:

        tolka simulate --out sim

        tolka simulate --out sim --seed 3 --minutes 30 --units 2 --noise 0.02 --rate-b 2 --lag 5

        tolka inspect sim/vendor_b.schema.json

        tolka translate sim/truth.translator.json --in sim/vendor_a.jsonl
    """
    from services.simulator import FILES, SimulationConfig, simulate, write_recording
    from services.simulator.recording import MAX_DURATION
    from translator.errors import InputError

    if not math.isfinite(minutes) or not 1 / 60 <= minutes <= MAX_DURATION / 60:
        raise InputError(f"--minutes {minutes:g} is out of range (1/60 to {MAX_DURATION / 60:g})")
    config = SimulationConfig(
        seed=seed,
        duration=minutes * 60.0,
        units=units,
        noise=noise,
        rate_a=rate_a,
        rate_b=rate_b,
        lag=lag,
        jitter=jitter,
        drop=tuple(drop or ()),
    )
    started = time.perf_counter()
    recording = simulate(config)
    write_recording(recording, out)
    seconds = time.perf_counter() - started
    rules = len(recording.translator.rules)
    skids = f"{units} skid{'s' if units != 1 else ''}"
    print(f"simulated {skids} for {minutes:g} min (seed {seed}) in {seconds:.2f} s")
    print(
        f"vendor A: {len(recording.a_messages)} messages at {rate_a:g} Hz; "
        f"vendor B: {len(recording.b_messages)} messages at {rate_b:g} Hz, lag {lag:g} s"
    )
    print(f"truth: {len(recording.alignment)} correspondences, {rules} translator rules")
    for name in FILES:
        print(f"  {out / name}")
