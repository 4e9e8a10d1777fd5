"""Translation benchmark: a compiled Tolka translator against JSONata, glom, hand-written code and the floor.

Run from the repository root (jsonata-python and glom come with the ``bench`` extra)::

    python benchmarks/translate.py [--quick] [--write-results]

What is measured, in one run, single-threaded, on synthetic but realistic messages (seeded, so every
run sees the same ones):

* **(a) OPC UA PubSub JSON → nested vendor JSON.** A network message (``MessageType`` ``ua-data``,
  one DataSetMessage with its ``Timestamp``) with 20 DataSet fields of mixed types and units: floats in
  °C, bar, m³/h, rpm, kW, m and mm/s, integer enum states, booleans, an integer batch number, a
  string, each field a DataValue with its own ``SourceTimestamp`` (three distinct times per message),
  three of them with a ``StatusCode``. The target groups the fields under five objects and converts
  °C→°F, bar→psi, m³/h→L/min (UNECE ``L2``), rpm→Hz (``HTZ``), kW→hp (``BHP``), enum integers to
  strings by value maps, inverts one boolean, casts an integer to text and adds a constant. Five
  contestants, each turning the same JSON bytes into JSON bytes:

  1. *Tolka*: ``Translator(spec_from_dict(doc)).translate_json(raw)`` (orjson parse, the compiled
     translating function, orjson serialise), the translator built from a translator-file document;
  2. *JSONata* (``jsonata-python``): one expression, parsed once by ``jsonata.Jsonata``, evaluated
     per message between ``orjson.loads`` and ``orjson.dumps``;
  3. *glom*: one glom spec (paths, small lambdas, ``Val`` for the constant), ``glom.glom`` per message
     between ``orjson.loads`` and ``orjson.dumps``;
  4. *hand-written*: a Python function with direct dictionary access, conversions bound as closure
     variables, maps as dicts, between ``orjson.loads`` and ``orjson.dumps`` — the best a person
     would write for this one mapping;
  5. *floor*: ``orjson.dumps(orjson.loads(raw))`` of the same input, translating nothing.

* **(b) the same PubSub message → SenML** (RFC 8428): one record per field, SI units (°C kept, bar→Pa,
  m³/h→m³/s, rpm→Hz, kW→W), ``bn``/``bt`` on the first record, each record's ``t`` relative to ``bt``
  from its ``SourceTimestamp``, strings/booleans as ``vs``/``vb``. Tolka, a hand-written function
  (straight-line: one record literal per field, each distinct ISO time parsed once per message — the
  fastest plain Python we know for this output) and the floor (JSONata and glom are measured on (a) only).

* **(c) batches of SenML packs → nested JSON**: packs of 20 records (``bn`` and ``bt`` on the first,
  relative ``t`` on some, ``v``/``vb``/``vs``) translated to the vendor JSON of (a) by
  Tolka. Timed end to end pack by pack (``translate_json`` of each pack: parse, translate, serialise —
  the same access pattern as the hand-written function and the floor, and the ratio's base), end to
  end through the batch API (``orjson.loads`` of every pack of the batch, ``translate_many`` on the
  decoded batch, ``orjson.dumps`` of each result: holding a thousand decoded packs at once costs
  memory traffic the streaming forms do not pay), and ``translate_many`` alone on decoded packs,
  against a hand-written function (records indexed by name with a dict comprehension, then (a)'s target
  built straight-line; it relies on this device's pack shape — base fields on the first record only,
  each name once — where Tolka resolves any RFC 8428 pack) and the floor (parse and serialise each pack).

* **(d) a 200-field PubSub message → nested JSON**: ten skids of the 20 fields of (a) in one
  DataSetMessage, each skid's fields converted as in (a) under its own object. Tolka, the floor, and a
  hand-written function that applies the body of (a)'s hand-written function to each skid in a loop.

Why this is fair: every contestant gets the same bytes and is checked, once before timing, to
produce the same decoded output as Tolka (floats within a relative 1e-9; key order is not compared).
Unit conversions of the competitors use exactly the ``(scale, offset)`` pairs Tolka computes with
pint (``translator.translation.units.conversion``), written into the JSONata expression as literals and bound
in
the glom spec and the hand-written functions. Everyone pays the same orjson parse and serialise.
Each message in a pool is distinct (values, and timestamps that move on by about a second per
message), and the pools are larger than the caches of Tolka's timestamp conversions (4,096 entries),
so cycling through a pool does not turn those into pure cache hits; within one message the fields
share three timestamps, as fields sampled together do. Set-up (building translators, parsing the
JSONata expression, building pools) is outside the timed region; the first calibration pass warms
everything up untimed.

Timing: like ``timeit``, a contestant runs a pre-built list of messages in a plain loop with the
garbage collector off, the number of messages chosen once so that one round takes at least
``--min-time`` seconds (0.2 s; fewer messages suffice for JSONata, which is slow). The contestants of a
scenario are interleaved over ``--rounds`` rounds (5), in an order rotated every round, because the
machine is shared and noisy; the figure reported is the median over the rounds of the time per message
(min–max beside it). Ratios are of those medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import operator
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import glom  # type: ignore[import-untyped]
import jsonata  # type: ignore[import-untyped]
import orjson
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from translator.translation.compiled import Translator
from translator.translation.spec import spec_from_dict
from translator.translation.units import conversion

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Message translation (benchmarks/translate.py)"
PACKAGES = ("orjson", "pint", "jsonata-python", "glom")
GOAL_FLOOR = 1.5
"""Issue 5: Tolka's time per message at most 1.5 times the floor's."""
GOAL_JSONATA = 50.0
"""Issue 5: JSONata at least 50 times slower than Tolka."""
TOLERANCE = 1e-9
EPOCH0 = 1_772_359_200.0  # 2026-03-01T10:00:00Z
SKIDS = 10  # (d): 10 skids of 20 fields
TOLKA = "Tolka translate_json"
TOLKA_BATCH = "Tolka parse + translate_many + serialise"
TOLKA_STREAM = "Tolka translate_json, pack by pack"

# --------------------------------------------------------------------------------------------
# The mapping
# --------------------------------------------------------------------------------------------

PUMP_STATES = {0: "OFF", 1: "RUN", 2: "FAULT", 3: "MAINTENANCE"}
VALVE_STATES = {0: "CLOSED", 1: "OPENING", 2: "OPEN", 3: "CLOSING"}
ALARM_LEVELS = {0: "NONE", 1: "LOW", 2: "HIGH", 3: "CRITICAL"}
SITE = "north"
STATUS_UNCERTAIN = 0x40000000
NOTES = ("", "filter changed", "running on backup feed", "seal inspected, ok", "CIP done")
BASE_NAME = "urn:dev:skid1:"


@dataclass(frozen=True, slots=True)
class Field:
    """One source field and where it goes.

    Attributes:
        name: the DataSet field name (PubSub source).
        record: the SenML record name (SenML source of (c), SenML target of (b)), relative to ``bn``.
        target: the JSON Pointer in the vendor JSON of (a), below the skid object in (d).
        kind: ``float``, ``enum``, ``bool``, ``int`` or ``str`` (how values are generated).
        unit: the source unit (UNECE code); ``""`` for none.
        vendor_unit: the unit of the vendor JSON (a unit transform when it differs from ``unit``).
        si_unit: the unit of the SenML target (b); ``senml_u`` is the ``u`` written there.
        ops: the non-unit transforms (translator-file transform objects).
        status: the field carries a StatusCode.
        lag: how long before the message's timestamp the field was sampled (seconds).
    """

    name: str
    record: str
    target: str
    kind: str
    unit: str = ""
    vendor_unit: str = ""
    si_unit: str = ""
    senml_u: str = ""
    ops: tuple[dict[str, Any], ...] = ()
    status: bool = False
    lag: float = 0.0

    def transforms(self, to: str) -> list[dict[str, Any]]:
        """The transform list towards ``to`` (a unit code), or the non-unit ops when no unit changes."""
        if self.unit and to and to != self.unit:
            return [{"op": "unit", "from": self.unit, "to": to}]
        return list(self.ops)


def _pairs(table: dict[int, str]) -> dict[str, Any]:
    return {"op": "map", "pairs": [[k, v] for k, v in table.items()]}


FIELDS: tuple[Field, ...] = (
    Field("InletTemperature", "temp.inlet", "/temperatures/inlet_f", "float", "CEL", "FAH", "CEL", "Cel"),
    Field("OutletTemperature", "temp.outlet", "/temperatures/outlet_f", "float", "CEL", "FAH", "CEL", "Cel",
          lag=0.1),
    Field("BearingTemperature", "temp.bearing", "/temperatures/bearing_f", "float", "CEL", "FAH", "CEL",
          "Cel", status=True, lag=0.25),
    Field("InletPressure", "pressure.inlet", "/hydraulics/inlet_psi", "float", "BAR", "PS", "PAL", "Pa"),
    Field("OutletPressure", "pressure.outlet", "/hydraulics/outlet_psi", "float", "BAR", "PS", "PAL", "Pa",
          lag=0.1),
    Field("FlowRate", "flow", "/hydraulics/flow_l_min", "float", "MQH", "L2", "MQS", "m3/s"),
    Field("TankLevel", "level", "/hydraulics/tank_level_m", "float", "MTR", "MTR", "MTR", "m", status=True,
          lag=0.25),
    Field("PumpSpeed", "speed.pump", "/drive/pump_hz", "float", "RPM", "HTZ", "HTZ", "Hz"),
    Field("MotorSpeed", "speed.motor", "/drive/motor_hz", "float", "RPM", "HTZ", "HTZ", "Hz", lag=0.1),
    Field("MotorPower", "power", "/drive/power_hp", "float", "KWT", "BHP", "WTT", "W"),
    Field("Vibration", "vibration", "/drive/vibration_mm_s", "float", status=True, lag=0.25),
    Field("Running", "running", "/drive/running", "bool"),
    Field("CycleCount", "cycles", "/drive/cycles", "int", lag=0.1),
    Field("PumpState", "state.pump", "/status/pump", "enum", ops=(_pairs(PUMP_STATES),)),
    Field("ValveState", "state.valve", "/status/valve", "enum", ops=(_pairs(VALVE_STATES),), lag=0.1),
    Field("AlarmLevel", "alarm", "/status/alarm", "enum", ops=(_pairs(ALARM_LEVELS),), lag=0.25),
    Field("ValveClosed", "valve.open", "/status/valve_open", "bool", ops=({"op": "invert"},)),
    Field("LeakDetected", "leak", "/status/leak", "bool", lag=0.1),
    Field("BatchNumber", "batch.id", "/batch/id", "int", ops=({"op": "cast", "to": "string"},)),
    Field("OperatorNote", "batch.note", "/batch/note", "str", lag=0.25),
)  # fmt: skip
CONSTANT_TARGET = "/meta/site"


def translator_doc(
    source: dict[str, Any], target: dict[str, Any], rules: list[dict[str, Any]]
) -> dict[str, Any]:
    """A translator-file document (see :mod:`translator.translation.spec`)."""
    return {
        "tolka_translator": 1,
        "source": {"model": "Bench.PumpSkid", "format": source},
        "target": {"model": "Bench.VendorSkid", "format": target},
        "rules": rules,
    }


def vendor_rules(address: Callable[[Field], str], prefix: str = "") -> list[dict[str, Any]]:
    """The rules of the vendor JSON target (a), (c), (d): one per field; ``prefix`` for (d)'s skids."""
    return [
        {"target": prefix + f.target, "source": address(f), "transform": f.transforms(f.vendor_unit)}
        for f in FIELDS
    ]


def doc_pubsub_to_vendor() -> dict[str, Any]:
    rules = [*vendor_rules(lambda f: f.name), {"target": CONSTANT_TARGET, "default": SITE}]
    return translator_doc({"type": "opcua-pubsub-json"}, {"type": "json", "timestamp": "/ts"}, rules)


def doc_pubsub_to_senml() -> dict[str, Any]:
    rules: list[dict[str, Any]] = [
        {"target": f.record, "source": f.name, "transform": f.transforms(f.si_unit)}
        | ({"unit": f.senml_u} if f.senml_u else {})
        for f in FIELDS
    ]
    rules.append({"target": "site", "default": SITE})
    return translator_doc({"type": "opcua-pubsub-json"}, {"type": "senml", "base_name": BASE_NAME}, rules)


def doc_senml_to_vendor() -> dict[str, Any]:
    rules = [*vendor_rules(lambda f: f.record), {"target": CONSTANT_TARGET, "default": SITE}]
    return translator_doc(
        {"type": "senml", "base_name": BASE_NAME}, {"type": "json", "timestamp": "/ts"}, rules
    )


def _prefixed(skid: str) -> Callable[[Field], str]:
    return lambda f: f"{skid}.{f.name}"


def doc_wide_to_vendor() -> dict[str, Any]:
    rules = []
    for s in range(SKIDS):
        skid = f"skid{s + 1:02d}"
        rules += vendor_rules(_prefixed(skid), prefix=f"/{skid}")
    rules.append({"target": CONSTANT_TARGET, "default": SITE})
    return translator_doc({"type": "opcua-pubsub-json"}, {"type": "json", "timestamp": "/ts"}, rules)


# --------------------------------------------------------------------------------------------
# The messages
# --------------------------------------------------------------------------------------------


def iso(seconds: float) -> str:
    """ISO 8601 UTC with milliseconds, trailing zeros of the fraction dropped (as OPC UA stacks write)."""
    moment = dt.datetime.fromtimestamp(round(seconds, 3), dt.UTC)
    text = moment.isoformat(timespec="milliseconds").replace("+00:00", "")
    head, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{head}.{fraction}Z" if fraction else f"{head}Z"


def sample_values(rng: random.Random, k: int) -> dict[str, Any]:
    """One reading of every field, by field name."""
    ranges = {
        "CEL": (15.0, 95.0), "BAR": (0.5, 12.0), "MQH": (0.0, 120.0), "MTR": (0.0, 8.0),
        "RPM": (0.0, 3000.0), "KWT": (0.0, 75.0), "": (0.0, 12.0),
    }  # fmt: skip
    values: dict[str, Any] = {}
    for f in FIELDS:
        if f.kind == "float":
            low, high = ranges[f.unit]
            values[f.name] = round(rng.uniform(low, high), 3)
        elif f.kind == "enum":
            values[f.name] = rng.randrange(4)
        elif f.kind == "bool":
            values[f.name] = rng.random() < 0.5
        elif f.name == "BatchNumber":
            values[f.name] = 240_000 + k
        elif f.kind == "int":
            values[f.name] = 1_000_000 + 7 * k
        else:
            values[f.name] = rng.choice(NOTES)
    return values


def message_time(k: int) -> float:
    """The timestamp of message ``k``: about a second apart, never on a whole second."""
    return EPOCH0 + k + 0.001 * (1 + (k * 37) % 998)


def pubsub_message(k: int, skids: int = 0) -> dict[str, Any]:
    """Network message ``k``; with ``skids``, that many skids' fields named ``skidNN.<field>``."""
    mt = message_time(k)
    times = {lag: iso(mt - lag) for lag in {f.lag for f in FIELDS}}
    payload: dict[str, Any] = {}
    for s in range(max(skids, 1)):
        rng = random.Random(k * 1000 + s)
        values = sample_values(rng, k)
        prefix = f"skid{s + 1:02d}." if skids else ""
        for f in FIELDS:
            field: dict[str, Any] = {"Value": values[f.name], "SourceTimestamp": times[f.lag]}
            if f.status:
                field["StatusCode"] = STATUS_UNCERTAIN
            payload[prefix + f.name] = field
    return {
        "MessageId": f"bench-{k}",
        "MessageType": "ua-data",
        "PublisherId": "skid-01",
        "Messages": [{"DataSetWriterId": 1, "SequenceNumber": k, "Timestamp": iso(mt), "Payload": payload}],
    }


def senml_pack(k: int) -> list[dict[str, Any]]:
    """SenML pack ``k``: the values of PubSub message ``k``, ``bn``/``bt`` on the first record."""
    values = sample_values(random.Random(k * 1000), k)
    units = {"CEL": "Cel", "BAR": "bar", "MQH": "m3/h", "MTR": "m", "RPM": "rpm", "KWT": "kW"}
    pack = []
    for j, f in enumerate(FIELDS):
        value = values[f.name]
        record: dict[str, Any] = {"n": f.record}
        if j == 0:
            record = {"bn": BASE_NAME, "bt": round(message_time(k), 3), **record}
        if f.unit:
            record["u"] = units[f.unit]
        key = "vb" if f.kind == "bool" else "vs" if f.kind == "str" else "v"
        record[key] = value
        if f.lag:
            record["t"] = -f.lag
        pack.append(record)
    return pack


def pool_bytes(size: int, make: Callable[[int], Any]) -> list[bytes]:
    return [orjson.dumps(make(k)) for k in range(size)]


# --------------------------------------------------------------------------------------------
# The contestants
# --------------------------------------------------------------------------------------------


def tolka(doc: dict[str, Any]) -> Translator:
    return Translator(spec_from_dict(doc, source="benchmarks/translate.py"))


def floor(raw: bytes) -> bytes:
    return orjson.dumps(orjson.loads(raw))


JSONATA_VENDOR = """(
  $m := Messages[0];
  $p := $m.Payload;
  {
    "ts": $m.Timestamp,
    "temperatures": {
      "inlet_f": $p.InletTemperature.Value * %(cel_s)r + %(cel_o)r,
      "outlet_f": $p.OutletTemperature.Value * %(cel_s)r + %(cel_o)r,
      "bearing_f": $p.BearingTemperature.Value * %(cel_s)r + %(cel_o)r
    },
    "hydraulics": {
      "inlet_psi": $p.InletPressure.Value * %(bar_s)r,
      "outlet_psi": $p.OutletPressure.Value * %(bar_s)r,
      "flow_l_min": $p.FlowRate.Value * %(flow_s)r,
      "tank_level_m": $p.TankLevel.Value
    },
    "drive": {
      "pump_hz": $p.PumpSpeed.Value * %(rpm_s)r,
      "motor_hz": $p.MotorSpeed.Value * %(rpm_s)r,
      "power_hp": $p.MotorPower.Value * %(kw_s)r,
      "vibration_mm_s": $p.Vibration.Value,
      "running": $p.Running.Value,
      "cycles": $p.CycleCount.Value
    },
    "status": {
      "pump": $lookup(%(pump)s, $string($p.PumpState.Value)),
      "valve": $lookup(%(valve)s, $string($p.ValveState.Value)),
      "alarm": $lookup(%(alarm)s, $string($p.AlarmLevel.Value)),
      "valve_open": $not($p.ValveClosed.Value),
      "leak": $p.LeakDetected.Value
    },
    "batch": {
      "id": $string($p.BatchNumber.Value),
      "note": $p.OperatorNote.Value
    },
    "meta": {"site": %(site)s}
  }
)"""


@dataclass(frozen=True, slots=True)
class Factors:
    """The unit conversions of the vendor JSON, as Tolka computes them with pint."""

    cel_s: float
    cel_o: float
    bar_s: float
    flow_s: float
    rpm_s: float
    kw_s: float

    @classmethod
    def compute(cls) -> Factors:
        cel_s, cel_o = conversion("CEL", "FAH")
        others = [conversion(a, b) for a, b in (("BAR", "PS"), ("MQH", "L2"), ("RPM", "HTZ"), ("KWT", "BHP"))]
        if any(offset for _, offset in others):
            raise AssertionError("only the temperature conversion has an offset")
        return cls(cel_s, cel_o, *(scale for scale, _ in others))


def jsonata_vendor(c: Factors) -> Callable[[bytes], bytes]:
    """(a) in JSONata: the expression is parsed once; the numbers are Tolka's, as literals."""
    expression = JSONATA_VENDOR % {
        "cel_s": c.cel_s, "cel_o": c.cel_o, "bar_s": c.bar_s, "flow_s": c.flow_s, "rpm_s": c.rpm_s,
        "kw_s": c.kw_s, "site": json.dumps(SITE),
        "pump": json.dumps({str(k): v for k, v in PUMP_STATES.items()}),
        "valve": json.dumps({str(k): v for k, v in VALVE_STATES.items()}),
        "alarm": json.dumps({str(k): v for k, v in ALARM_LEVELS.items()}),
    }  # fmt: skip
    compiled = jsonata.Jsonata(expression)
    evaluate, loads, dumps = compiled.evaluate, orjson.loads, orjson.dumps

    def translate(raw: bytes) -> bytes:
        return dumps(evaluate(loads(raw)))

    return translate


def glom_vendor(c: Factors) -> Callable[[bytes], bytes]:
    """(a) as a glom spec: into the DataSetMessage once, then one path (and function) per field."""

    def fahrenheit(x: float) -> float:
        return x * c.cel_s + c.cel_o

    def scaled(scale: float) -> Callable[[float], float]:
        return lambda x: x * scale

    spec = (
        "Messages.0",
        {
            "ts": "Timestamp",
            "temperatures": {
                "inlet_f": ("Payload.InletTemperature.Value", fahrenheit),
                "outlet_f": ("Payload.OutletTemperature.Value", fahrenheit),
                "bearing_f": ("Payload.BearingTemperature.Value", fahrenheit),
            },
            "hydraulics": {
                "inlet_psi": ("Payload.InletPressure.Value", scaled(c.bar_s)),
                "outlet_psi": ("Payload.OutletPressure.Value", scaled(c.bar_s)),
                "flow_l_min": ("Payload.FlowRate.Value", scaled(c.flow_s)),
                "tank_level_m": "Payload.TankLevel.Value",
            },
            "drive": {
                "pump_hz": ("Payload.PumpSpeed.Value", scaled(c.rpm_s)),
                "motor_hz": ("Payload.MotorSpeed.Value", scaled(c.rpm_s)),
                "power_hp": ("Payload.MotorPower.Value", scaled(c.kw_s)),
                "vibration_mm_s": "Payload.Vibration.Value",
                "running": "Payload.Running.Value",
                "cycles": "Payload.CycleCount.Value",
            },
            "status": {
                "pump": ("Payload.PumpState.Value", PUMP_STATES.__getitem__),
                "valve": ("Payload.ValveState.Value", VALVE_STATES.__getitem__),
                "alarm": ("Payload.AlarmLevel.Value", ALARM_LEVELS.__getitem__),
                "valve_open": ("Payload.ValveClosed.Value", operator.not_),
                "leak": "Payload.LeakDetected.Value",
            },
            "batch": {"id": ("Payload.BatchNumber.Value", str), "note": "Payload.OperatorNote.Value"},
            "meta": {"site": glom.Val(SITE)},
        },
    )
    run, loads, dumps = glom.glom, orjson.loads, orjson.dumps

    def translate(raw: bytes) -> bytes:
        return dumps(run(loads(raw), spec))

    return translate


def hand_skid(c: Factors) -> Callable[[dict[str, Any], Sequence[str]], dict[str, Any]]:
    """The hand-written body of (a) for one skid: ``payload`` and its 20 field names, in FIELDS order."""
    cel_s, cel_o, bar_s, flow_s, rpm_s, kw_s = c.cel_s, c.cel_o, c.bar_s, c.flow_s, c.rpm_s, c.kw_s
    pump_states, valve_states, alarm_levels = PUMP_STATES, VALVE_STATES, ALARM_LEVELS

    def skid(p: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
        (ti, to, tb, pi, po, fl, lv, ps, ms, pw, vb, rn, cy, sp, sv, al, vc, lk, bn, nt) = names
        return {
            "temperatures": {
                "inlet_f": p[ti]["Value"] * cel_s + cel_o,
                "outlet_f": p[to]["Value"] * cel_s + cel_o,
                "bearing_f": p[tb]["Value"] * cel_s + cel_o,
            },
            "hydraulics": {
                "inlet_psi": p[pi]["Value"] * bar_s,
                "outlet_psi": p[po]["Value"] * bar_s,
                "flow_l_min": p[fl]["Value"] * flow_s,
                "tank_level_m": p[lv]["Value"],
            },
            "drive": {
                "pump_hz": p[ps]["Value"] * rpm_s,
                "motor_hz": p[ms]["Value"] * rpm_s,
                "power_hp": p[pw]["Value"] * kw_s,
                "vibration_mm_s": p[vb]["Value"],
                "running": p[rn]["Value"],
                "cycles": p[cy]["Value"],
            },
            "status": {
                "pump": pump_states[p[sp]["Value"]],
                "valve": valve_states[p[sv]["Value"]],
                "alarm": alarm_levels[p[al]["Value"]],
                "valve_open": not p[vc]["Value"],
                "leak": p[lk]["Value"],
            },
            "batch": {"id": str(p[bn]["Value"]), "note": p[nt]["Value"]},
        }

    return skid


def hand_vendor(c: Factors) -> Callable[[bytes], bytes]:
    """(a) by hand: direct dictionary access."""
    skid, names = hand_skid(c), tuple(f.name for f in FIELDS)
    loads, dumps = orjson.loads, orjson.dumps

    def translate(raw: bytes) -> bytes:
        dsm = loads(raw)["Messages"][0]
        out = skid(dsm["Payload"], names)
        out["ts"] = dsm["Timestamp"]
        out["meta"] = {"site": SITE}
        return dumps(out)

    return translate


def hand_wide(c: Factors) -> Callable[[bytes], bytes]:
    """(d) by hand: (a)'s body applied to each skid's field names in a loop."""
    skid = hand_skid(c)
    skids = [(f"skid{s + 1:02d}", tuple(f"skid{s + 1:02d}.{f.name}" for f in FIELDS)) for s in range(SKIDS)]
    loads, dumps = orjson.loads, orjson.dumps

    def translate(raw: bytes) -> bytes:
        dsm = loads(raw)["Messages"][0]
        p = dsm["Payload"]
        out: dict[str, Any] = {"ts": dsm["Timestamp"]}
        for key, names in skids:
            out[key] = skid(p, names)
        out["meta"] = {"site": SITE}
        return dumps(out)

    return translate


def hand_senml() -> Callable[[bytes], bytes]:
    """(b) by hand, straight-line: one record literal per field, each distinct ISO time parsed once."""
    bar_pa, flow_si, rpm_hz, kw_w = (
        conversion(a, b)[0] for a, b in (("BAR", "PAL"), ("MQH", "MQS"), ("RPM", "HTZ"), ("KWT", "WTT"))
    )
    pump_states, valve_states, alarm_levels = PUMP_STATES, VALVE_STATES, ALARM_LEVELS
    loads, dumps, fromiso = orjson.loads, orjson.dumps, dt.datetime.fromisoformat

    def translate(raw: bytes) -> bytes:
        dsm = loads(raw)["Messages"][0]
        p, mt = dsm["Payload"], dsm["Timestamp"]
        bt = fromiso(mt).timestamp()
        rel: dict[str, float] = {}

        def rec(record: dict[str, Any], field: dict[str, Any]) -> dict[str, Any]:
            ts = field["SourceTimestamp"]
            if ts != mt:
                t = rel.get(ts)
                if t is None:  # to the microsecond, as Tolka writes it
                    t = rel[ts] = round(fromiso(ts).timestamp() - bt, 6)
                record["t"] = t
            return record

        ti, to, tb = p["InletTemperature"], p["OutletTemperature"], p["BearingTemperature"]
        pi, po, fl, lv = p["InletPressure"], p["OutletPressure"], p["FlowRate"], p["TankLevel"]
        ps, ms, pw, vb = p["PumpSpeed"], p["MotorSpeed"], p["MotorPower"], p["Vibration"]
        rn, cy, sp, sv = p["Running"], p["CycleCount"], p["PumpState"], p["ValveState"]
        al, vc, lk, bn, nt = (
            p["AlarmLevel"],
            p["ValveClosed"],
            p["LeakDetected"],
            p["BatchNumber"],
            p["OperatorNote"],
        )
        return dumps(
            [
                rec({"bn": BASE_NAME, "bt": bt, "n": "temp.inlet", "u": "Cel", "v": ti["Value"]}, ti),
                rec({"n": "temp.outlet", "u": "Cel", "v": to["Value"]}, to),
                rec({"n": "temp.bearing", "u": "Cel", "v": tb["Value"]}, tb),
                rec({"n": "pressure.inlet", "u": "Pa", "v": pi["Value"] * bar_pa}, pi),
                rec({"n": "pressure.outlet", "u": "Pa", "v": po["Value"] * bar_pa}, po),
                rec({"n": "flow", "u": "m3/s", "v": fl["Value"] * flow_si}, fl),
                rec({"n": "level", "u": "m", "v": lv["Value"]}, lv),
                rec({"n": "speed.pump", "u": "Hz", "v": ps["Value"] * rpm_hz}, ps),
                rec({"n": "speed.motor", "u": "Hz", "v": ms["Value"] * rpm_hz}, ms),
                rec({"n": "power", "u": "W", "v": pw["Value"] * kw_w}, pw),
                rec({"n": "vibration", "v": vb["Value"]}, vb),
                rec({"n": "running", "vb": rn["Value"]}, rn),
                rec({"n": "cycles", "v": cy["Value"]}, cy),
                rec({"n": "state.pump", "vs": pump_states[sp["Value"]]}, sp),
                rec({"n": "state.valve", "vs": valve_states[sv["Value"]]}, sv),
                rec({"n": "alarm", "vs": alarm_levels[al["Value"]]}, al),
                rec({"n": "valve.open", "vb": not vc["Value"]}, vc),
                rec({"n": "leak", "vb": lk["Value"]}, lk),
                rec({"n": "batch.id", "vs": str(bn["Value"])}, bn),
                rec({"n": "batch.note", "vs": nt["Value"]}, nt),
                {"n": "site", "vs": SITE},
            ]
        )

    return translate


def hand_from_senml(c: Factors) -> Callable[[list[bytes]], list[bytes]]:
    """(c) by hand, straight-line: records indexed by name (base name and time on the first record, as
    this device sends them), then (a)'s target built from them."""
    cel_s, cel_o, bar_s, flow_s, rpm_s, kw_s = c.cel_s, c.cel_o, c.bar_s, c.flow_s, c.rpm_s, c.kw_s
    pump_states, valve_states, alarm_levels = PUMP_STATES, VALVE_STATES, ALARM_LEVELS
    loads, dumps = orjson.loads, orjson.dumps

    def vendor(pack: list[dict[str, Any]]) -> dict[str, Any]:
        r = {record["n"]: record for record in pack}
        return {
            "temperatures": {
                "inlet_f": r["temp.inlet"]["v"] * cel_s + cel_o,
                "outlet_f": r["temp.outlet"]["v"] * cel_s + cel_o,
                "bearing_f": r["temp.bearing"]["v"] * cel_s + cel_o,
            },
            "hydraulics": {
                "inlet_psi": r["pressure.inlet"]["v"] * bar_s,
                "outlet_psi": r["pressure.outlet"]["v"] * bar_s,
                "flow_l_min": r["flow"]["v"] * flow_s,
                "tank_level_m": r["level"]["v"],
            },
            "drive": {
                "pump_hz": r["speed.pump"]["v"] * rpm_s,
                "motor_hz": r["speed.motor"]["v"] * rpm_s,
                "power_hp": r["power"]["v"] * kw_s,
                "vibration_mm_s": r["vibration"]["v"],
                "running": r["running"]["vb"],
                "cycles": r["cycles"]["v"],
            },
            "status": {
                "pump": pump_states[r["state.pump"]["v"]],
                "valve": valve_states[r["state.valve"]["v"]],
                "alarm": alarm_levels[r["alarm"]["v"]],
                "valve_open": not r["valve.open"]["vb"],
                "leak": r["leak"]["vb"],
            },
            "batch": {"id": str(r["batch.id"]["v"]), "note": r["batch.note"]["vs"]},
            "meta": {"site": SITE},
            "ts": iso(pack[0]["bt"]),
        }

    def translate(raws: list[bytes]) -> list[bytes]:
        return [dumps(vendor(loads(raw))) for raw in raws]

    return translate


# --------------------------------------------------------------------------------------------
# Checking and timing
# --------------------------------------------------------------------------------------------


def same(a: Any, b: Any, path: str = "") -> str | None:
    """Where ``a`` and ``b`` differ (floats within a relative TOLERANCE), or None when they agree."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path or '/'}: keys {sorted(a.keys() ^ b.keys())} on one side only"
        return next((d for k in a if (d := same(a[k], b[k], f"{path}/{k}"))), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path or '/'}: {len(a)} items against {len(b)}"
        return next(
            (d for k, (x, y) in enumerate(zip(a, b, strict=True)) if (d := same(x, y, f"{path}/{k}"))), None
        )
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return None if math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12) else f"{path}: {a!r} != {b!r}"
    if type(a) is not type(b) or a != b:
        return f"{path}: {a!r} != {b!r}"
    return None


def check(
    reference: Callable[[Any], Any], others: dict[str, Callable[[Any], Any]], inputs: Sequence[Any]
) -> None:
    """Raise when any contestant's decoded output differs from the reference's on any input."""
    for name, run in others.items():
        for k, item in enumerate(inputs):
            difference = same(reference(item), run(item))
            if difference:
                raise AssertionError(f"{name} differs from Tolka on message {k}: {difference}")


@dataclass(slots=True)
class Contestant:
    """One way of doing a scenario's job: ``run`` on each item of ``pool``, ``per_item`` messages each."""

    name: str
    run: Callable[[Any], object]
    pool: Sequence[Any]
    per_item: int = 1
    items: int = 0  # items per round, set by calibration
    cursor: int = 0
    seconds: list[float] | None = None  # per message, one per round

    def batch(self, n: int) -> list[Any]:
        """The next ``n`` items of the pool, cycling, so each round sees messages the last did not."""
        start = self.cursor
        self.cursor = (start + n) % len(self.pool)
        return [self.pool[(start + i) % len(self.pool)] for i in range(n)]

    def time(self, n: int) -> float:
        """Seconds for ``n`` items, garbage collector off (as ``timeit``)."""
        items, run = self.batch(n), self.run
        gc.collect()
        enabled = gc.isenabled()
        gc.disable()
        try:
            started = time.perf_counter()
            for item in items:
                run(item)
            return time.perf_counter() - started
        finally:
            if enabled:
                gc.enable()

    def calibrate(self, min_time: float) -> None:
        """Find the item count for one round of at least ``min_time`` s, after a short warm-up."""
        self.time(min(10, len(self.pool)))
        n = 1
        while True:
            for step in (1, 2, 5):
                if self.time(n * step) >= min_time:
                    self.items = n * step
                    return
            n *= 10


def measure(contestants: Sequence[Contestant], rounds: int, min_time: float) -> None:
    """Calibrate each contestant, then time them interleaved, the order rotated every round."""
    for c in contestants:
        c.calibrate(min_time)
        c.seconds = []
    for r in range(rounds):
        order = list(contestants[r % len(contestants) :]) + list(contestants[: r % len(contestants)])
        for c in order:
            elapsed = c.time(c.items)
            assert c.seconds is not None
            c.seconds.append(elapsed / (c.items * c.per_item))


def median(c: Contestant) -> float:
    assert c.seconds
    return statistics.median(c.seconds)


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.1f}" if us < 1000 else f"{us:,.0f}"


def table(contestants: Sequence[Contestant], base: str) -> str:
    """µs per message (median, min–max), messages/s and the ratio to ``base`` for each contestant."""
    reference = median(next(c for c in contestants if c.name == base))
    rows = []
    for c in contestants:
        assert c.seconds
        m = median(c)
        rows.append(
            [
                c.name,
                _us(m),
                f"{_us(min(c.seconds))}–{_us(max(c.seconds))}",
                f"{1 / m:,.0f}",
                f"{m / reference:.2f}",
                f"{c.items * c.per_item:,}",
            ]
        )
    header = ["contestant", "µs/message", "min–max", "messages/s", "× Tolka", "messages/round"]
    return markdown_table(header, rows, [False, True, True, True, True, True])


def ratio_lines(scenarios: dict[str, list[Contestant]]) -> list[str]:
    """The ratios issue 5 sets goals for, and glom's, with whether each goal is met."""

    def get(scenario: str, name: str) -> float:
        return median(next(c for c in scenarios[scenario] if c.name == name))

    lines = []
    for scenario, tolka_name, floor_name in (
        ("a", TOLKA, "floor"),
        ("b", TOLKA, "floor"),
        ("c", TOLKA_STREAM, "floor"),
        ("d", TOLKA, "floor"),
    ):
        value = get(scenario, tolka_name) / get(scenario, floor_name)
        mark = "met" if value <= GOAL_FLOOR else "**not met**"
        # the same ratio for the hand-written code shows what plain Python can do for this output
        hand = get(scenario, "hand-written") / get(scenario, floor_name)
        lines.append(
            f"- ({scenario}) Tolka / floor = {value:.2f} (goal ≤ {GOAL_FLOOR}: {mark}); "
            f"hand-written / floor = {hand:.2f}"
        )
    jsonata_ratio = get("a", "JSONata") / get("a", TOLKA)
    mark = "met" if jsonata_ratio >= GOAL_JSONATA else "**not met**"
    lines.append(f"- (a) JSONata / Tolka = {jsonata_ratio:.0f} (goal ≥ {GOAL_JSONATA:.0f}: {mark})")
    lines.append(f"- (a) glom / Tolka = {get('a', 'glom') / get('a', 'Tolka translate_json'):.1f}")
    lines.append(
        f"- (a) hand-written / Tolka = {get('a', 'hand-written') / get('a', 'Tolka translate_json'):.2f}"
    )
    return lines


def machine() -> dict[str, str]:
    """Date, hardware and software versions, for the record."""
    return run_info(PACKAGES, ("translator", "benchmarks/translate.py"))


SCENARIOS = {
    "a": "(a) OPC UA PubSub JSON, 20 fields → nested vendor JSON",
    "b": "(b) OPC UA PubSub JSON, 20 fields → SenML",
    "c": "(c) SenML packs of 20 records → nested vendor JSON, in batches",
    "d": f"(d) OPC UA PubSub JSON, {20 * SKIDS} fields → nested vendor JSON",
}


def report(scenarios: dict[str, list[Contestant]], sizes: dict[str, str]) -> str:
    """The tables and ratios, as Markdown."""
    parts = []
    for key, title in SCENARIOS.items():
        base = TOLKA_STREAM if key == "c" else TOLKA
        parts += [f"### {title}", "", sizes[key], "", table(scenarios[key], base), ""]
    parts += ["### Ratios", "", *ratio_lines(scenarios), ""]
    return "\n".join(parts)


def section(info: dict[str, str], command: str, body: str, args: argparse.Namespace) -> str:
    """The Markdown section for RESULTS.md."""
    return "\n".join(
        [
            SECTION,
            "",
            *header_lines(info, command),
            "",
            "One thread. Every contestant turns the same JSON bytes into JSON bytes (orjson parse and "
            "serialise included for all) and was checked to give Tolka's output (floats within 1e-9) "
            "before timing; unit conversions of the competitors use the (scale, offset) pairs Tolka "
            "computes with pint. Pools of distinct messages, larger than Tolka's timestamp caches. "
            f"Contestants interleaved over {args.rounds} round(s) of ≥ {args.min_time} s each (order "
            "rotated per round, garbage collector off while timing, as timeit); *µs/message* is the "
            "median over the rounds, *min–max* the spread, *× Tolka* the ratio of medians to Tolka's (in "
            "(c), to Tolka end to end). *floor*: `orjson.dumps(orjson.loads(raw))` of "
            "the input, translating nothing. See the docstring of `benchmarks/translate.py` for the "
            "messages, the mapping and why the comparison is fair."
            + (
                " Quick run: smaller pools (below the cache sizes), not for the record." if args.quick else ""
            ),
            "",
            body,
        ]
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (1 round, small pools)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 5; quick 1)")
    parser.add_argument(
        "--min-time", type=float, default=None, help="seconds per contestant and round (default 0.2)"
    )
    parser.add_argument(
        "--write-results", action="store_true", help=f"replace this benchmark's section of {RESULTS.name}"
    )
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    if args.min_time is None:
        args.min_time = 0.02 if args.quick else 0.2
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    command = shlex.join(["python", "benchmarks/translate.py", *(sys.argv[1:] if argv is None else argv)])
    info = machine()
    pool_size = 500 if args.quick else 5000  # > 4096, the size of Tolka's timestamp caches
    wide_pool = 50 if args.quick else 500
    batch = 100 if args.quick else 1000
    factors = Factors.compute()

    print(f"Building pools ({pool_size} messages, {wide_pool} wide messages) ...", flush=True)
    pubsub = pool_bytes(pool_size, pubsub_message)
    packs = [orjson.loads(raw) for raw in pool_bytes(pool_size, senml_pack)]
    pack_batches = [packs[i : i + batch] for i in range(0, len(packs), batch)]
    raw_batches = [[orjson.dumps(p) for p in b] for b in pack_batches]
    wide = pool_bytes(wide_pool, lambda k: pubsub_message(k, skids=SKIDS))

    vendor, senml = tolka(doc_pubsub_to_vendor()), tolka(doc_pubsub_to_senml())
    from_senml, wide_tolka = tolka(doc_senml_to_vendor()), tolka(doc_wide_to_vendor())

    def tolka_batch(raws: list[bytes]) -> list[bytes]:
        done = from_senml.translate_many([orjson.loads(r) for r in raws])
        if done.errors:
            raise AssertionError(f"translate_many failed: {done.errors[0]}")
        return [orjson.dumps(m) for m in done.messages]

    def tolka_stream(raws: list[bytes]) -> list[bytes]:
        return [from_senml.translate_json(raw) for raw in raws]

    def floor_batch(raws: list[bytes]) -> list[bytes]:
        return [orjson.dumps(orjson.loads(r)) for r in raws]

    runs_a = {
        "JSONata": jsonata_vendor(factors),
        "glom": glom_vendor(factors),
        "hand-written": hand_vendor(factors),
    }
    # correctness, once, before any timing
    sample = pubsub[:20]

    def decoded(f: Callable[[bytes], bytes]) -> Callable[[bytes], Any]:
        return lambda raw: orjson.loads(f(raw))

    check(decoded(vendor.translate_json), {k: decoded(f) for k, f in runs_a.items()}, sample)
    check(decoded(senml.translate_json), {"hand-written": decoded(hand_senml())}, sample)
    check(decoded(wide_tolka.translate_json), {"hand-written": decoded(hand_wide(factors))}, wide[:5])
    # (c) gives the vendor JSON of (a) from the same readings: compare with the hand-written (a)
    by_pack = from_senml.translate_many(packs[:20])
    if by_pack.errors:
        raise AssertionError(f"translate_many failed: {by_pack.errors[0]}")
    for k, (message, raw) in enumerate(zip(by_pack.messages, sample, strict=True)):
        difference = same(orjson.loads(runs_a["hand-written"](raw)), message)
        if difference:
            raise AssertionError(f"(c) Tolka on pack {k} differs from (a): {difference}")
    for k, (message, raw) in enumerate(
        zip(by_pack.messages, hand_from_senml(factors)(raw_batches[0][:20]), strict=True)
    ):
        difference = same(orjson.loads(raw), message)
        if difference:
            raise AssertionError(f"(c) hand-written on pack {k} differs from Tolka: {difference}")
    print("Outputs agree (floats within 1e-9).", flush=True)

    scenarios: dict[str, list[Contestant]] = {
        "a": [
            Contestant(TOLKA, vendor.translate_json, pubsub),
            Contestant("JSONata", runs_a["JSONata"], pubsub),
            Contestant("glom", runs_a["glom"], pubsub),
            Contestant("hand-written", runs_a["hand-written"], pubsub),
            Contestant("floor", floor, pubsub),
        ],
        "b": [
            Contestant(TOLKA, senml.translate_json, pubsub),
            Contestant("hand-written", hand_senml(), pubsub),
            Contestant("floor", floor, pubsub),
        ],
        "c": [
            Contestant(TOLKA_STREAM, tolka_stream, raw_batches, batch),
            Contestant(TOLKA_BATCH, tolka_batch, raw_batches, batch),
            Contestant(
                "Tolka translate_many (decoded in, dicts out)", from_senml.translate_many, pack_batches, batch
            ),
            Contestant("hand-written", hand_from_senml(factors), raw_batches, batch),
            Contestant("floor", floor_batch, raw_batches, batch),
        ],
        "d": [
            Contestant(TOLKA, wide_tolka.translate_json, wide),
            Contestant("hand-written", hand_wide(factors), wide),
            Contestant("floor", floor, wide),
        ],
    }
    sizes = {
        "a": f"Message: {statistics.mean(map(len, pubsub)):,.0f} bytes on average; output "
        f"{len(vendor.translate_json(pubsub[0])):,} bytes. Pool: {len(pubsub):,} messages.",
        "b": f"Output {len(senml.translate_json(pubsub[0])):,} bytes (21 records). Pool: {len(pubsub):,} "
        "messages.",
        "c": f"Pack: {statistics.mean(map(len, raw_batches[0])):,.0f} bytes on average; {batch:,} packs "
        f"per batch, {len(pack_batches)} batches. Times are per pack.",
        "d": f"Message: {statistics.mean(map(len, wide)):,.0f} bytes on average; output "
        f"{len(wide_tolka.translate_json(wide[0])):,} bytes. Pool: {len(wide):,} messages.",
    }
    for key, contestants in scenarios.items():
        print(f"Timing {SCENARIOS[key]} ...", flush=True)
        measure(contestants, args.rounds, args.min_time)
    body = report(scenarios, sizes)
    print()
    print(body)
    print(f"Run time: {time.perf_counter() - started:.1f} s")
    if args.write_results:
        write_section(section(info, command, body, args), RESULTS)
        print(f"\nwrote the translation section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
