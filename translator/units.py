"""Units of measure: which physical quantity a unit measures, computed with pint.

Models name units by UNECE Recommendation 20 common codes (``CEL``, as OPC UA's EUInformation
carries them), by QUDT IRIs (``http://qudt.org/vocab/unit/DEG_C``) or by SenML symbols (already
turned into UNECE codes by the samples adapter). This module maps those names to pint unit
expressions; everything about the units themselves — their dimensions, and later their
conversions — pint computes. Unknown units are None, never guessed: a matcher then has no unit
evidence either way.

Example:
    >>> dimension("CEL") == dimension("FAH")
    True
    >>> compatible("CEL", "BAR")
    False
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = [
    "BASE_DIMENSIONS",
    "QUDT_UNIT",
    "SENML_UNITS",
    "UNECE_PINT",
    "UNECE_SENML",
    "base_exponents",
    "compatible",
    "conversion",
    "dimension",
    "pint_expression",
]

BASE_DIMENSIONS = (
    "[length]",
    "[mass]",
    "[time]",
    "[current]",
    "[temperature]",
    "[substance]",
    "[luminosity]",
)
"""The SI base quantities, in the order of :func:`base_exponents`."""

QUDT_UNIT = "http://qudt.org/vocab/unit/"

UNECE_PINT: dict[str, str] = {
    "CEL": "degC", "FAH": "degF", "KEL": "kelvin",
    "PAL": "Pa", "KPA": "kPa", "MPA": "MPa", "BAR": "bar", "MBR": "mbar", "PS": "psi", "A97": "hPa",
    "MTR": "m", "MMT": "mm", "CMT": "cm", "KTM": "km", "INH": "inch", "FOT": "foot",
    "MTK": "m**2", "MTQ": "m**3", "LTR": "liter", "GLL": "gallon",
    "MQH": "m**3/hour", "MQS": "m**3/s", "L2": "liter/minute", "G51": "liter/second", "E32": "liter/hour",
    "G2": "gallon/minute",
    "KGM": "kg", "GRM": "g", "TNE": "metric_ton", "LBR": "pound", "KMQ": "kg/m**3",
    "KGH": "kg/hour", "KGS": "kg/s",
    "SEC": "s", "MIN": "minute", "HUR": "hour", "DAY": "day", "C26": "ms",
    "HTZ": "revolution/second", "RPM": "revolution/minute", "C94": "1/minute", "S4": "1/s", "2A": "radian/s",
    "AMP": "A", "MAA": "mA", "VLT": "V", "KVT": "kV", "OHM": "ohm", "SIE": "S",
    "G42": "microsiemens/cm", "H61": "millisiemens/cm",
    "WTT": "W", "KWT": "kW", "MAW": "MW", "BHP": "horsepower", "HJ": "metric_horsepower",
    "K43": "electrical_horsepower",
    "JOU": "J", "KJO": "kJ", "WHR": "W*hour", "KWH": "kW*hour",
    "NEW": "N", "NU": "N*m", "MTS": "m/s", "KMH": "km/hour", "MSK": "m/s**2", "H81": "mm/minute",
    "P1": "percent", "C62": "dimensionless", "DD": "degree", "C81": "radian", "LUX": "lux",
}  # fmt: skip
"""UNECE common code → pint expression (names only; pint knows what they mean). Hertz is read as
cycles per second (``revolution/second``), as a shaft speed in Hz means: pint's own ``Hz`` is a bare
1/s, which would make 60 rpm 6.28 Hz instead of 1 Hz."""

SENML_UNITS: dict[str, str] = {
    "m": "MTR", "kg": "KGM", "g": "GRM", "s": "SEC", "A": "AMP", "K": "KEL", "Cel": "CEL", "cd": "CDL",
    "mol": "C34", "Hz": "HTZ", "rad": "C81", "N": "NEW", "Pa": "PAL", "J": "JOU", "W": "WTT", "C": "COU",
    "V": "VLT", "F": "FAR", "Ohm": "OHM", "S": "SIE", "Wb": "WEB", "T": "D33", "H": "81", "lm": "LUM",
    "lx": "LUX", "Bq": "BQL", "Gy": "A95", "Sv": "D13", "kat": "KAT", "m2": "MTK", "m3": "MTQ",
    "l": "LTR", "m/s": "MTS", "m/s2": "MSK", "m3/s": "MQS", "l/s": "G51", "W/m2": "D54", "cd/m2": "A24",
    "bit": "A99", "bit/s": "B10", "lat": "DD", "lon": "DD", "pH": "Q30", "dB": "2N", "dBW": "DBW",
    "B": "AD", "VA": "D46", "VAs": "D46", "var": "D44", "J/m": "B12", "kg/m3": "KMQ", "deg": "DD",
    "%": "P1", "%RH": "P1", "/": "C62", "1": "C62", "1/s": "S4", "1/min": "C94", "beat/min": "C94",
    "%EL": "P1", "m3/h": "MQH", "l/h": "E32", "km/h": "KMH", "kW": "KWT", "kWh": "KWH", "bar": "BAR",
    "rpm": "RPM", "Wh": "WHR", "mbar": "MBR", "hPa": "A97", "mm": "MMT", "cm": "CMT", "km": "KTM",
}  # fmt: skip
"""SenML unit symbols (RFC 8428 registry and common secondary units) → UNECE Rec 20 codes."""

UNECE_SENML: dict[str, str] = {}
"""UNECE Rec 20 code → the SenML symbol written for it (the first symbol of the registry's that names
it; ``lat``/``lon``, ``%RH``/``%EL`` and the like are kept for what they say, not written for a code)."""
for _symbol, _code in SENML_UNITS.items():
    if _symbol not in ("lat", "lon", "%RH", "%EL", "beat/min", "VAs", "1"):
        UNECE_SENML.setdefault(_code, _symbol)

_QUDT_PINT: dict[str, str] = {
    "DEG_C": "degC", "DEG_F": "degF", "K": "kelvin", "PA": "Pa", "KiloPA": "kPa", "BAR": "bar",
    "PSI": "psi",
    "M": "m", "MilliM": "mm", "CentiM": "cm", "IN": "inch", "FT": "foot", "M2": "m**2", "M3": "m**3",
    "L": "liter",
    "M3-PER-HR": "m**3/hour", "M3-PER-SEC": "m**3/s", "L-PER-MIN": "liter/minute",
    "GAL_US-PER-MIN": "gallon/minute",
    "KiloGM": "kg", "GM": "g", "SEC": "s", "MIN": "minute", "HR": "hour", "DAY": "day",
    "HZ": "revolution/second", "REV-PER-MIN": "revolution/minute", "A": "A", "V": "V", "OHM": "ohm",
    "W": "W", "KiloW": "kW", "HP": "horsepower", "J": "J", "KiloW-HR": "kW*hour", "N": "N", "N-M": "N*m",
    "M-PER-SEC": "m/s", "PERCENT": "percent", "UNITLESS": "dimensionless", "DEG": "degree", "RAD": "radian",
}  # fmt: skip
"""QUDT unit local name → pint expression."""


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()


def pint_expression(unit: str) -> str | None:
    """The pint expression of a UNECE code or QUDT unit IRI; None when unknown."""
    if unit.startswith(QUDT_UNIT):
        return _QUDT_PINT.get(unit[len(QUDT_UNIT) :])
    return UNECE_PINT.get(unit)


@functools.cache
def dimension(unit: str) -> str | None:
    """The physical dimension of a unit in a canonical form (``[temperature]``,
    ``[length]^3 [time]^-1``; ``""`` for dimensionless); None when the unit is unknown."""
    expression = pint_expression(unit)
    if expression is None:
        return None
    dims = _registry().Quantity(1, expression).dimensionality
    return " ".join(f"{name}^{power:g}" if power != 1 else name for name, power in sorted(dims.items()))


@functools.cache
def base_exponents(unit: str) -> tuple[float, ...] | None:
    """Exponents of the SI base quantities of a unit (``m³/h`` → length 3, time -1); None if unknown.

    Temperature scales agree (°C, °F, K all give ``[temperature]``); bar and °C do not.
    """
    expression = pint_expression(unit)
    if expression is None:
        return None
    dims = _registry().Quantity(1, expression).dimensionality
    return tuple(float(dims.get(name, 0)) for name in BASE_DIMENSIONS)


def compatible(a: str, b: str) -> bool | None:
    """Whether two units measure the same kind of quantity; None when either is unknown or absent."""
    if not a or not b:
        return None
    if a == b:
        return True
    da, db = dimension(a), dimension(b)
    if da is None or db is None:
        return None
    return da == db


@functools.cache
def conversion(source: str, target: str) -> tuple[float, float]:
    """``(scale, offset)`` with ``value_in_target = scale * value_in_source + offset``, computed by
    pint from the two units (UNECE codes or QUDT IRIs): ``conversion("CEL", "FAH") == (1.8, 32.0)``.

    Raises:
        UnitError: a unit is unknown, or the two measure different quantities (names both).
    """
    from translator.errors import UnitError

    expressions = pint_expression(source), pint_expression(target)
    for unit, expression in zip((source, target), expressions, strict=True):
        if expression is None:
            raise UnitError(f"unknown unit {unit!r}", source_unit=source, target_unit=target)
    if dimension(source) != dimension(target):
        raise UnitError(
            f"cannot convert {source} ({dimension(source) or 'dimensionless'}) to {target} "
            f"({dimension(target) or 'dimensionless'}): different quantities",
            source_unit=source,
            target_unit=target,
        )
    quantity = _registry().Quantity
    zero = float(quantity(0.0, expressions[0]).to(expressions[1]).magnitude)
    one = float(quantity(1.0, expressions[0]).to(expressions[1]).magnitude)
    return _snap(one - zero), _snap(zero)


def _snap(value: float) -> float:
    """``value`` rounded to 12 significant digits when only float noise separates the two (pint's
    detour through kelvin leaves 1.7999999999999972 for 1.8); as it is otherwise (1/60 stays 1/60)."""
    short = float(f"{value:.12g}")
    return short if abs(short - value) <= 1e-14 * abs(value) else value
