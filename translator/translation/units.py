"""Units of measure: which physical quantity a unit measures, computed with pint.

Models name units by UNECE Recommendation 20 common codes (``CEL``, as OPC UA's EUInformation
carries them), by QUDT IRIs (``http://qudt.org/vocab/unit/DEG_C``) or by SenML symbols (already
turned into UNECE codes by the samples adapter). This module maps those names to pint unit
expressions; everything about the units themselves — their dimensions and conversions — pint
computes. The codes Tolka knows are those of `unece_table`: the OPC Foundation's table
(``UNECE_to_OPCUA.csv``, 1,827 codes with their UnitIds) when ``TOLKA_UNECE_TABLE`` names that file,
else a built-in table of the codes of `UNECE_PINT` and `SENML_UNITS`. `UNECE_PINT` reads the common
ones on purpose (with one rule for angles), the others are read from the table's symbol when its name
says the same. Unknown or unreadable units are None, never guessed: a matcher then has no unit
evidence either way, and a conversion is refused.

Example:
    >>> dimension("CEL") == dimension("FAH")
    True
    >>> compatible("CEL", "BAR")
    False
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from translator.errors import UnitTableError
from translator.translation.unece import UneceUnit, read_unece_table, unit_id

__all__ = [
    "BASE_DIMENSIONS",
    "QUDT_UNIT",
    "SENML_UNITS",
    "TABLE_ENV",
    "UNECE_PINT",
    "UNECE_SENML",
    "UneceUnit",
    "as_unece",
    "base_exponents",
    "compatible",
    "conversion",
    "dimension",
    "logarithmic",
    "pint_expression",
    "reload_units",
    "unece_table",
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
    "MTR": "m", "MMT": "mm", "CMT": "cm", "KMT": "km", "INH": "inch", "FOT": "foot",
    "MTK": "m**2", "MTQ": "m**3", "LTR": "liter", "GLL": "gallon", "GLI": "imperial_gallon",
    "MQH": "m**3/hour", "MQS": "m**3/s", "L2": "liter/minute", "G51": "liter/second", "E32": "liter/hour",
    "G2": "gallon/minute", "G3": "imperial_gallon/minute",
    "KGM": "kg", "GRM": "g", "TNE": "metric_ton", "LBR": "pound", "KMQ": "kg/m**3",
    "E93": "kg/hour", "KGS": "kg/s",
    "SEC": "s", "MIN": "minute", "HUR": "hour", "DAY": "day", "C26": "ms",
    "HTZ": "hertz", "C97": "1/s", "C94": "1/minute", "RPM": "turn_/minute", "RPS": "turn_/s",
    "M44": "turn_", "2A": "rad_/s", "C81": "rad_", "DD": "deg_", "S4": "m**2/s",
    "AMP": "A", "4K": "mA", "VLT": "V", "KVT": "kV", "OHM": "ohm", "SIE": "S",
    "G42": "microsiemens/cm", "H61": "millisiemens/cm",
    "WTT": "W", "KWT": "kW", "MAW": "MW", "BHP": "horsepower", "HJ": "metric_horsepower",
    "K43": "electrical_horsepower",
    "JOU": "J", "KJO": "kJ", "WHR": "W*hour", "KWH": "kW*hour",
    "NEW": "N", "NU": "N*m", "MTS": "m/s", "KMH": "km/hour", "MSK": "m/s**2", "H81": "mm/minute",
    "P1": "percent", "C62": "dimensionless", "LUX": "lux",
}  # fmt: skip
"""The codes Tolka reads on purpose (curated; every other code of `unece_table` is read from its
symbol and its name, see `pint_expression`). Angles follow one rule, so that a shaft speed
converts as an engineer means it: a revolution (cycle, turn) counts 1, a radian 1/2π of it, a degree
1/360. So hertz, reciprocal second and revolutions per second are one quantity: ``HTZ ↔ C97`` = 1,
``RPM → HTZ`` = 1/60, ``RPM ↔ C94`` = 1, ``2A`` (rad/s) ``→ RPM`` = 60/2π. ``S4`` is m²/s, not 1/s."""

SENML_UNITS: dict[str, str] = {
    "m": "MTR", "kg": "KGM", "g": "GRM", "s": "SEC", "A": "AMP", "K": "KEL", "Cel": "CEL", "cd": "CDL",
    "mol": "C34", "Hz": "HTZ", "rad": "C81", "N": "NEW", "Pa": "PAL", "J": "JOU", "W": "WTT", "C": "COU",
    "V": "VLT", "F": "FAR", "Ohm": "OHM", "S": "SIE", "Wb": "WEB", "T": "D33", "H": "81", "lm": "LUM",
    "lx": "LUX", "Bq": "BQL", "Gy": "A95", "Sv": "D13", "kat": "KAT", "m2": "MTK", "m3": "MTQ",
    "l": "LTR", "m/s": "MTS", "m/s2": "MSK", "m3/s": "MQS", "l/s": "G51", "W/m2": "D54", "cd/m2": "A24",
    "bit": "A99", "bit/s": "B10", "lat": "DD", "lon": "DD", "pH": "Q30", "dB": "2N", "dBW": "DBW",
    "B": "AD", "VA": "D46", "VAs": "D46", "var": "D44", "J/m": "B12", "kg/m3": "KMQ", "deg": "DD",
    "%": "P1", "%RH": "P1", "/": "C62", "1": "C62", "1/s": "C97", "1/min": "C94", "beat/min": "C94",
    "%EL": "P1", "m3/h": "MQH", "l/h": "E32", "km/h": "KMH", "kW": "KWT", "kWh": "KWH", "bar": "BAR",
    "rpm": "RPM", "Wh": "WHR", "mbar": "MBR", "hPa": "A97", "mm": "MMT", "cm": "CMT", "km": "KMT",
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
    "HZ": "hertz", "REV-PER-MIN": "turn_/minute", "A": "A", "V": "V", "OHM": "ohm",
    "W": "W", "KiloW": "kW", "HP": "horsepower", "J": "J", "KiloW-HR": "kW*hour", "N": "N", "N-M": "N*m",
    "M-PER-SEC": "m/s", "PERCENT": "percent", "UNITLESS": "dimensionless", "DEG": "deg_", "RAD": "rad_",
}  # fmt: skip
"""QUDT unit local name → pint expression."""


TABLE_ENV = "TOLKA_UNECE_TABLE"
"""The environment variable naming the OPC Foundation's table of UNECE codes (``Schema/UNECE_to_OPCUA.csv``
of a UA-Nodeset checkout); unset or empty, `unece_table` is the built-in one."""


@functools.cache
def unece_table() -> dict[str, UneceUnit]:
    """The UNECE common codes Tolka knows, with their OPC UA UnitIds, symbols and names.

    With ``TOLKA_UNECE_TABLE`` naming a file: that table, in the OPC Foundation's format (its
    ``UNECE_to_OPCUA.csv`` has 1,827 codes). Without: a built-in table of the codes Tolka reads itself
    (those of `UNECE_PINT` and `SENML_UNITS`), each UnitId by the OPC UA rule (`unit_id`), its
    symbol and name spelled from its pint expression (``CEL``: ``°C``, degree Celsius). Read once
    (`reload_units` forgets it).

    Raises:
        UnitTableError: the file ``TOLKA_UNECE_TABLE`` names is missing, unreadable or malformed
            (never replaced by the built-in table).
    """
    path = os.environ.get(TABLE_ENV) or None
    if path is None:
        return _built_in_table()
    try:
        return read_unece_table(Path(path).expanduser())
    except UnitTableError as exc:
        raise UnitTableError(
            f"{exc.reason} (the file {TABLE_ENV} names: point it at the OPC Foundation's "
            "UNECE_to_OPCUA.csv, or unset it for Tolka's built-in table)",
            source=exc.source,
            line=exc.line,
        ) from None


def reload_units() -> None:
    """Forget the loaded UNECE table and everything computed from it, so that the next call reads
    ``TOLKA_UNECE_TABLE`` again (for tests, which change it)."""
    for cached in (unece_table, _derived, dimension, base_exponents, conversion):
        cached.cache_clear()


@functools.cache
def _registry() -> Any:
    import pint

    registry: Any = pint.UnitRegistry()
    # the angle rule of UNECE_PINT: a turn counts 1 (so hertz is revolutions per second)
    registry.define("turn_ = 1")
    registry.define("rad_ = turn_ / (2 * pi)")
    registry.define("deg_ = turn_ / 360")
    return registry


_SENML_NAMES = {
    "dB": "decibel", "dBW": "decibel watt", "pH": "pH (acidity)", "VA": "volt-ampere",
    "var": "volt-ampere reactive",
}  # fmt: skip
"""SenML symbols pint reads otherwise than SenML means them (to pint ``pH`` is a picohenry, ``dBW`` a
power, ``VA`` a watt's size) or not at all: kept as written, with a plain name of their own, so that
their codes are read as in the OPC Foundation's table (pH, dBW, VA and var not at all; a test checks)."""
_OWN_TERMS = {
    "turn_": ("r", "revolution"), "rad_": ("rad", "radian"), "deg_": ("°", "degree"),
    "percent": ("%", "percent"), "dimensionless": ("1", "one"),
    "ohm": ("\u2126", "ohm"),  # the ohm sign, as the OPC Foundation's table writes it
    "gallon": ("gal (US)", "gallon (US)"), "imperial_gallon": ("gal (UK)", "gallon (UK)"),
}  # fmt: skip
_TERM = re.compile(r"(\w+)(?:\*\*(\d+))?")
_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_POWER_WORDS = {1: ("", ""), 2: ("square ", " squared"), 3: ("cubic ", " cubed")}


def _built_in_table() -> dict[str, UneceUnit]:
    """The codes of `UNECE_PINT` and `SENML_UNITS`, sorted, as the OPC Foundation's table has them:
    UnitId by the rule, symbol and name spelled from the pint expression (a SenML-only code's from
    its SenML symbol)."""
    table = {}
    for code in sorted({*UNECE_PINT, *SENML_UNITS.values()}):
        if code in UNECE_PINT:
            symbol, name = _spelled(UNECE_PINT[code])
        elif UNECE_SENML[code] in _SENML_NAMES:
            symbol, name = UNECE_SENML[code], _SENML_NAMES[UNECE_SENML[code]]
        else:  # an SI symbol, exponents as digits: cd/m2
            symbol, name = _spelled(re.sub(r"([A-Za-z])(\d)", r"\1**\2", UNECE_SENML[code]))
        table[code] = UneceUnit(code, unit_id(code), symbol, name)
    return table


def _spelled(expression: str) -> tuple[str, str]:
    """The symbol and name of a pint expression as UNECE writes them: ``m**3/hour`` → ``m³/h``, cubic
    metre per hour; ``m/s**2`` → ``m/s²``, metre per second squared; ``1/s`` → ``s⁻¹``, reciprocal second."""
    above, _, below = expression.partition("/")
    top, bottom = _terms(above), _terms(below)

    def power(exponent: int) -> str:
        return "" if exponent == 1 else str(exponent).translate(_TO_SUPERSCRIPT)

    if not top:
        symbol = "·".join(s + power(-p) for s, _, p, _ in bottom)
    elif not bottom:
        symbol = "·".join(s + power(p) for s, _, p, _ in top)
    else:
        symbol = (
            "·".join(s + power(p) for s, _, p, _ in top)
            + "/"
            + "·".join(s + power(p) for s, _, p, _ in bottom)
        )
    # square and cubic lengths (areas, volumes) before the word, other powers after it
    above_words = " ".join(f"{_POWER_WORDS[p][0]}{n}" for _, n, p, _ in top)
    below_words = " ".join(
        f"{_POWER_WORDS[p][0]}{n}" if length else f"{n}{_POWER_WORDS[p][1]}" for _, n, p, length in bottom
    )
    if not below_words:
        name = above_words
    else:
        name = f"{above_words} per {below_words}" if above_words else f"reciprocal {below_words}"
    return ("rev" if symbol == "r" else symbol), name  # a revolution alone is rev, in r/min r


def _terms(part: str) -> list[tuple[str, str, int, bool]]:
    """``kW*hour`` → its units' symbols, names (SI spelling: metre, litre), exponents, and whether
    each is a length."""
    registry = _registry()
    out = []
    for unit, exponent in _TERM.findall(part):
        if unit == "1":
            continue
        if unit in _OWN_TERMS:
            symbol, name = _OWN_TERMS[unit]
        else:
            symbol = registry.get_symbol(unit).replace("_", " ")
            name = re.sub(r"(met|lit)er\b", r"\1re", registry.get_name(unit).replace("_", " "))
        length = unit not in _OWN_TERMS and registry.Unit(unit).dimensionality == {"[length]": 1}
        out.append((symbol, name, int(exponent or 1), length))
    return out


_ANGLE = re.compile(r"\b(turn_|rad_|deg_)\b")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# symbols and names the derived reading must not guess at: angles and revolutions (the rule above
# is applied by hand), temperature scales in compounds, and units that differ by country or use
_NOT_DERIVED = re.compile(r"\brad|°|º|rev|\br/|\(UK\)|\(US\)|US |UK |imperial|\[|dry|fluid|troy|short|long")
# (``\brad``: a radian, never the "rad" inside "farad")
_WORDS = {
    "metre": "meter", "litre": "liter", "tonne": "metric_ton", "degree Celsius": "degC",
    "degree Fahrenheit": "degF", "pound-force": "pound_force", "kilogram-force": "kilogram_force",
}  # fmt: skip


def _from_symbol(symbol: str) -> str:
    text = re.sub(r"([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "**" + m.group(1).translate(_SUPERSCRIPTS), symbol)
    text = text.replace("\u2126", "\u03a9")  # the ohm sign (the table's) as the Greek capital omega (pint's)
    return (
        text.replace("·", "*").replace("×", "*").replace("µ", "u").replace("μ", "u").replace("%", "percent")
    )


def _from_name(name: str) -> str:
    """``gram per litre kelvin`` → ``(gram)/(liter*kelvin)``: what follows "per" divides."""
    text = re.sub(r"\s*\((?:avoirdupois|international table|thermochemical)\)", "", name.lower())
    for word, pint_name in _WORDS.items():
        text = text.replace(word.lower(), pint_name)
    text = re.sub(r"\bsquare (\w+)", r"\1**2", text)
    text = re.sub(r"\bcubic (\w+)", r"\1**3", text)
    text = re.sub(r"\breciprocal (\w+)", r"1/\1", text)
    above, _, below = text.partition(" per ")
    expression = "*".join(above.split()) or "1"
    return f"({expression})/({'*'.join(below.split())})" if below else expression


def _same(a: str, b: str) -> bool:
    registry = _registry()
    try:
        qa, qb = registry.Quantity(1.0, a), registry.Quantity(1.0, b)
        if qa.dimensionality != qb.dimensionality:
            return False
        return bool(abs(qa.to(qb.units).magnitude - 1.0) < 1e-9)
    except Exception:  # pint's many parse and definition errors: not readable, so not derived
        return False


@functools.cache
def _derived(code: str) -> str | None:
    """A code's pint expression read from the table: its symbol, accepted only when its name says
    the same (dimension and size); None when the two disagree or either cannot be read."""
    unit = unece_table().get(code)
    if unit is None or _NOT_DERIVED.search(unit.symbol + " " + unit.name):
        return None
    symbol = _from_symbol(unit.symbol)
    return symbol if _same(symbol, _from_name(unit.name)) else None


def pint_expression(unit: str) -> str | None:
    """The pint expression of a UNECE code or QUDT unit IRI; None when unknown.

    Curated codes (`UNECE_PINT`) first; any other code of `unece_table` when its symbol and its name
    agree (of the OPC Foundation's table ``J92`` dm³/min, ``D31`` TW, ...); codes whose symbol and name
    do not agree, or that depend on a country's definition (``gal (UK)``), are known but not converted.
    """
    if unit.startswith(QUDT_UNIT):
        return _QUDT_PINT.get(unit[len(QUDT_UNIT) :])
    return UNECE_PINT.get(unit) or _derived(unit)


@functools.cache
def _unece_of_expression() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, expression in UNECE_PINT.items():
        out.setdefault(expression, code)
    return out


def as_unece(unit: str) -> str | None:
    """The UNECE common code of a unit, as OPC UA's EngineeringUnits carry it: a code of `unece_table`
    as it is, a QUDT unit IRI as the curated code of the same pint expression;
    None for anything else (never guessed).

    >>> as_unece("http://qudt.org/vocab/unit/DEG_C"), as_unece("CEL"), as_unece("furlong")
    ('CEL', 'CEL', None)
    """
    if unit in unece_table():
        return unit
    if unit.startswith(QUDT_UNIT):
        expression = _QUDT_PINT.get(unit[len(QUDT_UNIT) :])
        return _unece_of_expression().get(expression) if expression else None
    return None


def _angular(unit: str) -> bool:
    return bool(_ANGLE.search(pint_expression(unit) or ""))


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


@functools.cache
def logarithmic(unit: str) -> bool:
    """Whether a known unit is a level on a logarithmic scale (``2N`` dB, ``C50`` Np, pint's logarithmic
    units): such a value is converted only to another level (1 Np is 8.686 dB), never scaled into a
    linear unit (10 dB is a power ratio of 10, not 3.6). Read from pint's unit definitions (the
    converter of each unit of the expression); a test pins it, since pint has no public call for it."""
    expression = pint_expression(unit)
    if expression is None:
        return False
    registry = _registry()
    units = registry.Quantity(1, expression)._units
    return any(getattr(registry._units[name].converter, "is_logarithmic", False) for name in units)


def compatible(a: str, b: str) -> bool | None:
    """Whether two units measure the same kind of quantity; None when either is unknown or absent."""
    if not a or not b:
        return None
    if a == b:
        return True
    da, db = dimension(a), dimension(b)
    if da is None or db is None:
        return None
    # a level (dB) and a plain ratio, an angle and a plain ratio: the same dimension, not the same quantity
    if logarithmic(a) != logarithmic(b):
        return False
    return da == db and (da != "" or _angular(a) == _angular(b))


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
    if logarithmic(source) != logarithmic(target):
        level, linear = (source, target) if logarithmic(source) else (target, source)
        raise UnitError(
            f"cannot convert {source} to {target}: {level} is a level on a logarithmic scale and {linear} "
            "is not, so no scale and offset relate them (different quantities)",
            source_unit=source,
            target_unit=target,
        )
    if not compatible(source, target):
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
