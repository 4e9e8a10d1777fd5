"""A whole simulated recording: its parameters, and the six files it writes.

`simulate` runs the process and both observers for a `SimulationConfig`; `write_recording` writes
``vendor_a.jsonl``, ``vendor_b.jsonl`` (JSON Lines, one message a line), ``vendor_a.schema.json``,
``vendor_b.schema.json``, ``truth.sssom.tsv`` and ``truth.translator.json``. The same config gives
byte-identical files.

Example:
    >>> recording = simulate(SimulationConfig(seed=3, duration=30.0))
    >>> len(recording.a_messages), len(recording.b_messages)
    (31, 16)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson

from services.simulator.fields import QUANTITIES, Quantity, by_key
from services.simulator.process import ProcessParams, Trace, simulate_process
from services.simulator.schemas import vendor_a_schema, vendor_b_schema
from services.simulator.truth import truth_alignment, truth_translator
from services.simulator.vendors import Observer, vendor_a_messages, vendor_b_messages
from translator.alignment.formats import write_alignment
from translator.alignment.model import Alignment
from translator.errors import InputError
from translator.files import write_atomic
from translator.translation.spec import TranslatorSpec, write_translator

__all__ = [
    "FILES",
    "MAX_DURATION",
    "MAX_RATE",
    "MAX_UNITS",
    "Recording",
    "SimulationConfig",
    "simulate",
    "write_recording",
]

FILES: Final = (
    "vendor_a.jsonl",
    "vendor_b.jsonl",
    "vendor_a.schema.json",
    "vendor_b.schema.json",
    "truth.sssom.tsv",
    "truth.translator.json",
)
"""The files of a recording, in the order they are written."""
MAX_UNITS: Final = 100
MAX_DURATION: Final = 7 * 24 * 3600.0
MAX_RATE: Final = 10.0
"""Sampling rates stop at the process's internal rate (1 / dt)."""


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """What to simulate.

    Attributes:
        seed: the random seed (everything is determined by it and the other parameters).
        duration: seconds of process time.
        units: number of pump skids.
        noise: measurement noise, a fraction of each quantity's span (0.01: 1 %, σ).
        rate_a / rate_b: sampling rates of vendor A and vendor B (Hz, at most 10).
        lag: vendor B's clock offset (s): its ``ts`` is the true sampling time plus ``lag``.
        jitter: vendor B's sampling jitter, a fraction of its period (uniform ±, below 0.5).
        drop: keys of quantities to leave out of both vendors (see `fields.QUANTITIES`).
    """

    seed: int = 0
    duration: float = 600.0
    units: int = 1
    noise: float = 0.01
    rate_a: float = 1.0
    rate_b: float = 0.5
    lag: float = 2.0
    jitter: float = 0.1
    drop: tuple[str, ...] = ()

    def check(self) -> None:
        """Raise InputError naming the first bad parameter and what it accepts."""
        if not 0 <= self.seed < 2**63:
            raise InputError(f"--seed {self.seed} is out of range (0 to 2**63-1)")
        _within("duration (seconds)", self.duration, 1.0, MAX_DURATION)
        if not 1 <= self.units <= MAX_UNITS:
            raise InputError(f"--units {self.units} is out of range (1 to {MAX_UNITS})")
        _within("--noise", self.noise, 0.0, 1.0)
        _within("--rate-a", self.rate_a, 0.001, MAX_RATE, low_open=True)
        _within("--rate-b", self.rate_b, 0.001, MAX_RATE, low_open=True)
        _within("--lag", self.lag, -3600.0, 3600.0)
        _within("--jitter", self.jitter, 0.0, 0.49)
        known = by_key()
        for key in self.drop:
            if key not in known:
                raise InputError(f"--drop {key!r} is not a simulated quantity; known: {', '.join(known)}")
        if not any(q.shared for q in self.quantities()):
            raise InputError("--drop leaves no quantity that both vendors observe")

    def quantities(self) -> tuple[Quantity, ...]:
        """The quantities simulated (all but the dropped ones)."""
        return tuple(q for q in QUANTITIES if q.key not in self.drop)


def _within(name: str, value: float, low: float, high: float, *, low_open: bool = False) -> None:
    if not math.isfinite(value) or value < low or value > high:
        shown = "above 0" if low_open else f"from {low:g}"
        raise InputError(f"{name} {value:g} is out of range ({shown} to {high:g})")


@dataclass(frozen=True, slots=True)
class Recording:
    """A simulated recording: the true trace, both message streams, both schemas and the truth."""

    config: SimulationConfig
    trace: Trace
    a_messages: list[dict[str, Any]]
    b_messages: list[dict[str, Any]]
    a_schema: dict[str, Any]
    b_schema: dict[str, Any]
    alignment: Alignment
    translator: TranslatorSpec


def simulate(config: SimulationConfig) -> Recording:
    """Run the process and both observers.

    Raises:
        InputError: a parameter is out of range (names it and the range).
    """
    config.check()
    quantities = config.quantities()
    trace = simulate_process(ProcessParams(duration=config.duration, units=config.units), config.seed)
    a = Observer(config.rate_a, config.noise, purpose=1)
    b = Observer(config.rate_b, config.noise, purpose=2, lag=config.lag, jitter=config.jitter)
    return Recording(
        config=config,
        trace=trace,
        a_messages=vendor_a_messages(trace, quantities, a),
        b_messages=vendor_b_messages(trace, quantities, b),
        a_schema=vendor_a_schema(config.units, quantities),
        b_schema=vendor_b_schema(config.units, quantities),
        alignment=truth_alignment(config.units, quantities),
        translator=truth_translator(config.units, quantities),
    )


def _json_lines(messages: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(m) + b"\n" for m in messages)


def _schema_text(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_recording(recording: Recording, out: Path) -> dict[str, Path]:
    """Write the six files into the folder ``out`` (created when missing); returns them by name."""
    paths = {name: out / name for name in FILES}
    write_atomic(paths["vendor_a.jsonl"], _json_lines(recording.a_messages))
    write_atomic(paths["vendor_b.jsonl"], _json_lines(recording.b_messages))
    write_atomic(paths["vendor_a.schema.json"], _schema_text(recording.a_schema))
    write_atomic(paths["vendor_b.schema.json"], _schema_text(recording.b_schema))
    write_alignment(recording.alignment, paths["truth.sssom.tsv"])
    write_translator(recording.translator, paths["truth.translator.json"])
    return paths
