"""Two systems observing the process: vendor A (OPC UA PubSub JSON) and vendor B (a legacy PLC).

Vendor A samples every unit at its own rate on an exact clock, in the process's SI-ish units (UNECE
codes as OPC UA's EUInformation carries them), pump states as ``Stopped=0 / Running=1 / Fault=2``, and
publishes one OPC UA PubSub JSON network message per sample; its DataSet fields are named by browse
path joined with dots (``PumpSkid1.Pump.Speed``), as :func:`translator.translation.compiler.field_address`
names
them. Vendor B samples at another rate with timestamp jitter, a clock running ``lag`` seconds ahead,
US units (°F, psi, gpm, Hz, hp, in), its own state codes ``OFF=10 / RUN=20 / TRIP=90`` and flags as
0/1, and writes plain nested JSON with an ISO 8601 ``ts``.

Both add Gaussian measurement noise to analog values: ``noise × span`` of the quantity, drawn
independently per vendor, in the process unit before conversion. Counters, states and flags are exact.
Unit conversions come from :func:`translator.translation.units.conversion` (pint).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from services.simulator.fields import STATE_CODES, Encoding, Quantity
from services.simulator.process import Trace, unit_rng
from translator.translation.units import conversion

__all__ = [
    "START",
    "Observer",
    "a_field",
    "a_sample_times",
    "b_pointer",
    "b_sample_times",
    "convert",
    "iso",
    "vendor_a_messages",
    "vendor_b_messages",
]

START: Final = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
"""The wall-clock time of the process's time 0 (fixed, so a seed gives the same files)."""
_B_STATE: Final = dict(STATE_CODES)


@dataclass(frozen=True, slots=True)
class Observer:
    """How one vendor samples: ``rate`` (Hz), relative ``noise``, clock ``lag`` (s), ``jitter``
    (fraction of the sampling period, uniform ±) and the random stream (``purpose``: 1 A, 2 B)."""

    rate: float
    noise: float
    purpose: int
    lag: float = 0.0
    jitter: float = 0.0


def iso(seconds: float) -> str:
    """``START + seconds`` as ISO 8601 UTC with milliseconds (``2025-01-01T00:00:01.500Z``)."""
    moment = START + dt.timedelta(milliseconds=round(seconds * 1000.0))
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def a_field(unit: int, quantity: Quantity) -> str:
    """Vendor A's DataSet field name: ``PumpSkid1.Tank.Level`` (units count from 0 here, 1 there)."""
    return f"PumpSkid{unit + 1}." + quantity.a_path.replace("/", ".")


def b_pointer(unit: int, quantity: Quantity) -> str:
    """Vendor B's JSON Pointer: ``/Skid_01/PLC/AnalogInputs/LT_101``."""
    return f"/Skid_{unit + 1:02d}/PLC/{quantity.b_group}/{quantity.b_tag}"


def convert(quantity: Quantity, values: npt.NDArray[np.float64], unit: str) -> npt.NDArray[np.float64]:
    """Process values of ``quantity`` in ``unit`` (pint computes the factors)."""
    if not quantity.unit or quantity.unit == unit:
        return values
    scale, offset = conversion(quantity.unit, unit)
    return values * scale + offset


def _encode(quantity: Quantity, value: float, vendor: str) -> Any:
    if quantity.encoding is Encoding.STATE:
        return int(value) if vendor == "a" else _B_STATE[int(value)]
    if quantity.encoding is Encoding.FLAG:
        return bool(value) if vendor == "a" else int(value)
    if quantity.encoding is Encoding.INTEGER:
        return int(value)
    decimals = quantity.a_decimals if vendor == "a" else quantity.b_decimals
    return round(float(value), decimals) + 0.0  # + 0.0: no -0.0 in the files


def _observe(
    trace: Trace,
    quantities: Sequence[Quantity],
    observer: Observer,
    times: npt.NDArray[np.float64],
    vendor: str,
) -> list[list[list[Any]]]:
    """``values[unit][quantity][sample]``, encoded for ``vendor`` ("a" or "b")."""
    steps = np.clip(np.rint(times / trace.params.dt).astype(np.int64), 0, len(trace.times) - 1)
    result = []
    for unit in range(trace.params.units):
        rng = unit_rng(trace.seed, observer.purpose, unit)
        columns = []
        for quantity in quantities:
            values = trace.signals[quantity.signal][unit, steps].copy()
            if quantity.encoding is Encoding.ANALOG and observer.noise > 0.0:
                values += rng.normal(0.0, observer.noise * quantity.span, len(values))
            target = quantity.a_unit if vendor == "a" else quantity.b_unit
            values = convert(quantity, values, target)
            columns.append([_encode(quantity, v, vendor) for v in values.tolist()])
        result.append(columns)
    return result


def a_sample_times(duration: float, rate: float) -> npt.NDArray[np.float64]:
    """Vendor A's exact sampling instants: ``0, 1/rate, …`` up to ``duration``."""
    count = int(np.floor(duration * rate + 1e-9)) + 1
    return np.round(np.arange(count, dtype=np.float64) / rate, 3).astype(np.float64)


def b_sample_times(duration: float, observer: Observer, seed: int) -> npt.NDArray[np.float64]:
    """Vendor B's true sampling instants (process time, ms resolution): a grid at ``rate`` with
    uniform jitter of ± ``jitter`` periods, kept inside ``[0, duration]``. Its timestamps add ``lag``."""
    count = int(np.floor(duration * observer.rate + 1e-9)) + 1
    rng = unit_rng(seed, observer.purpose, 1_000_000)
    shift = rng.uniform(-observer.jitter, observer.jitter, count) / observer.rate
    times = np.arange(count, dtype=np.float64) / observer.rate + shift
    return np.round(np.clip(times, 0.0, duration), 3).astype(np.float64)


def vendor_a_messages(
    trace: Trace, quantities: Sequence[Quantity], observer: Observer
) -> list[dict[str, Any]]:
    """One OPC UA PubSub JSON network message per sample, every unit's fields in its one DataSetMessage."""
    chosen = [q for q in quantities if q.a_path]
    times = a_sample_times(trace.params.duration, observer.rate)
    values = _observe(trace, chosen, observer, times, "a")
    names = [[a_field(unit, q) for q in chosen] for unit in range(trace.params.units)]
    messages = []
    for k, time in enumerate(times.tolist()):
        stamp = iso(time)
        payload = {
            names[unit][i]: {"Value": values[unit][i][k], "SourceTimestamp": stamp}
            for unit in range(trace.params.units)
            for i in range(len(chosen))
        }
        messages.append(
            {
                "MessageId": f"sim-{trace.seed}-{k}",
                "MessageType": "ua-data",
                "PublisherId": "VendorA",
                "Messages": [{"DataSetWriterId": 1, "Timestamp": stamp, "Payload": payload}],
            }
        )
    return messages


def vendor_b_messages(
    trace: Trace, quantities: Sequence[Quantity], observer: Observer
) -> list[dict[str, Any]]:
    """One plain JSON message per sample: ``{"ts": ..., "Skid_01": {"PLC": {group: {tag: value}}}}``."""
    chosen = [q for q in quantities if q.b_tag]
    times = b_sample_times(trace.params.duration, observer, trace.seed)
    values = _observe(trace, chosen, observer, times, "b")
    messages = []
    for k, time in enumerate(times.tolist()):
        message: dict[str, Any] = {"ts": iso(time + observer.lag)}
        for unit in range(trace.params.units):
            groups: dict[str, dict[str, Any]] = {}
            for i, quantity in enumerate(chosen):
                groups.setdefault(quantity.b_group, {})[quantity.b_tag] = values[unit][i][k]
            message[f"Skid_{unit + 1:02d}"] = {"PLC": groups}
        messages.append(message)
    return messages
