"""The simulated quantities and how each vendor names, scales and encodes them.

One `Quantity` per measured signal of a pump skid: the process signal it reads (see
:mod:`services.simulator.process`), vendor A's field (an OPC UA style browse path under
``PumpSkid<n>``, SI-ish units as UNECE codes) and vendor B's PLC tag (under
``Skid_<nn>/PLC/<group>``, US units). A side left empty means the quantity exists on the other side
only. Unit conversions are never tabulated here: the pair of UNECE codes goes to
:func:`translator.translation.units.conversion` (pint).

Example:
    >>> by_key()["speed"].b_tag
    'SC_107'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = [
    "A_STATES",
    "B_STATES",
    "QUANTITIES",
    "STATE_CODES",
    "Encoding",
    "Quantity",
    "by_key",
]


class Encoding(StrEnum):
    """How a value travels: a measurement, a counter, a state enumeration, or an on/off flag."""

    ANALOG = "analog"
    COUNTER = "counter"
    INTEGER = "integer"
    STATE = "state"
    FLAG = "flag"


A_STATES: Final = {0: "Stopped", 1: "Running", 2: "Fault"}
"""Vendor A's pump states (as the demo nodeset's PumpStateEnumeration); the process uses these codes."""
B_STATES: Final = {10: "OFF", 20: "RUN", 90: "TRIP"}
"""Vendor B's pump status word."""
STATE_CODES: Final = ((0, 10), (1, 20), (2, 90))
"""Vendor A's state code → vendor B's."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """One simulated signal and its two vendors' fields.

    Attributes:
        key: short name (``level``), used to drop fields (``--drop level``).
        signal: the process signal sampled (:data:`services.simulator.process.SIGNALS`).
        encoding: analog, counter, integer, state or flag.
        span: the nominal range in the process unit; measurement noise is ``noise * span``.
        unit: the process unit (UNECE code; "" for states, flags and counts).
        a_path: vendor A's browse path below ``PumpSkid<n>`` ("" when A lacks it).
        a_unit: vendor A's unit; a_decimals: the decimals A writes.
        b_group: vendor B's PLC group (AnalogInputs, DigitalInputs, Counters); b_tag its tag.
        b_unit: vendor B's unit; b_decimals: the decimals B writes.
        description: what it is (written into both schemas).
    """

    key: str
    signal: str
    encoding: Encoding
    span: float
    unit: str
    a_path: str
    a_unit: str
    a_decimals: int
    b_group: str
    b_tag: str
    b_unit: str
    b_decimals: int
    description: str

    @property
    def shared(self) -> bool:
        """Both vendors observe it."""
        return bool(self.a_path and self.b_tag)


def _q(
    key: str,
    signal: str,
    encoding: Encoding,
    span: float,
    unit: str,
    a: tuple[str, str, int],
    b: tuple[str, str, str, int],
    description: str,
) -> Quantity:
    a_path, a_unit, a_decimals = a
    b_group, b_tag, b_unit, b_decimals = b
    return Quantity(
        key, signal, encoding, span, unit, a_path, a_unit, a_decimals, b_group, b_tag, b_unit, b_decimals,
        description,
    )  # fmt: skip


_AI, _DI, _CT = "AnalogInputs", "DigitalInputs", "Counters"
_NO_A = ("", "", 0)
_NO_B = ("", "", "", 0)
QUANTITIES: Final[tuple[Quantity, ...]] = (
    _q("level", "level", Encoding.ANALOG, 3.0, "MTR", ("Tank/Level", "MTR", 4), (_AI, "LT_101", "INH", 2),
       "Liquid level in the buffer tank, measured from the tank bottom."),
    _q("tank_temperature", "tank_temperature", Encoding.ANALOG, 100.0, "CEL",
       ("Tank/Temperature", "CEL", 3), (_AI, "TT_102", "FAH", 2),
       "Temperature of the liquid in the buffer tank."),
    _q("outlet_temperature", "outlet_temperature", Encoding.ANALOG, 100.0, "CEL",
       ("Heater/OutletTemperature", "CEL", 3), (_AI, "TT_103", "FAH", 2),
       "Temperature of the liquid leaving the heater."),
    _q("pressure", "pressure", Encoding.ANALOG, 6.0, "BAR", ("Pump/DischargePressure", "BAR", 4),
       (_AI, "PT_104", "PS", 3), "Gauge pressure at the pump discharge flange."),
    _q("inflow", "inflow", Encoding.ANALOG, 30.0, "MQH", ("Inflow", "MQH", 4), (_AI, "FT_105", "G2", 3),
       "Volume flow entering the skid (delivered by the pump into the tank)."),
    _q("outflow", "outflow", Encoding.ANALOG, 30.0, "MQH", ("Outflow", "MQH", 4), (_AI, "FT_106", "G2", 3),
       "Volume flow leaving the skid through the outlet valve."),
    _q("speed", "speed", Encoding.ANALOG, 1800.0, "RPM", ("Pump/Speed", "RPM", 2), (_AI, "SC_107", "HTZ", 3),
       "Rotational speed of the pump shaft."),
    _q("current", "current", Encoding.ANALOG, 30.0, "AMP", ("Pump/MotorCurrent", "AMP", 3),
       (_AI, "IT_108", "AMP", 2), "Electrical current drawn by the pump motor."),
    _q("valve", "valve", Encoding.ANALOG, 100.0, "P1", ("OutletValve/Position", "P1", 3),
       (_AI, "ZT_109", "P1", 2), "Opening of the outlet valve, 0 % closed, 100 % fully open."),
    _q("heater_power", "heater_power", Encoding.ANALOG, 50.0, "KWT", ("Heater/Power", "KWT", 3),
       (_AI, "JT_111", "BHP", 3), "Electrical power consumed by the heating element."),
    _q("state", "state", Encoding.STATE, 0.0, "", ("Pump/State", "", 0), (_DI, "XS_112", "", 0),
       "Operating state of the pump."),
    _q("fault", "fault", Encoding.FLAG, 0.0, "", ("Pump/Fault", "", 0), (_DI, "XA_113", "", 0),
       "True while the pump is tripped on a fault."),
    _q("heater_on", "heater_on", Encoding.FLAG, 0.0, "", ("Heater/Enabled", "", 0), (_DI, "XS_114", "", 0),
       "True while the heater contactor is closed."),
    _q("run_hours", "run_hours", Encoding.COUNTER, 0.0, "HUR", ("Pump/RunHours", "HUR", 6),
       (_CT, "KQ_115", "SEC", 1), "Accumulated running time of the pump motor."),
    _q("starts", "starts", Encoding.INTEGER, 0.0, "", ("Pump/StartCount", "", 0), (_CT, "KC_116", "", 0),
       "Number of pump starts since commissioning."),
    _q("volume", "volume", Encoding.ANALOG, 4.5, "MTQ", ("Tank/Volume", "MTQ", 4), _NO_B,
       "Liquid volume in the buffer tank, calculated from the level."),
    _q("heater_energy", "heater_energy", Encoding.COUNTER, 0.0, "KWH", ("Heater/Energy", "KWH", 4), _NO_B,
       "Electrical energy consumed by the heater since the recording started."),
    _q("conductivity", "conductivity", Encoding.ANALOG, 1000.0, "G42", _NO_A, (_AI, "AT_117", "G42", 1),
       "Conductivity of the liquid in the tank."),
    _q("suction_pressure", "suction_pressure", Encoding.ANALOG, 3.0, "BAR", _NO_A,
       (_AI, "PT_118", "PS", 3), "Gauge pressure at the pump suction flange."),
)  # fmt: skip
"""Every simulated quantity, in the order the streams and schemas list them."""


def by_key() -> dict[str, Quantity]:
    """The quantities by key."""
    return {q.key: q for q in QUANTITIES}
