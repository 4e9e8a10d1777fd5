"""Value casts and timestamp conversions used by compiled translators.

Each function takes one message value and returns the cast value, or raises ``ValueError`` /
``TypeError`` with a message that names the value; the translator turns that into a
:class:`~translator.errors.MessageError` naming the field. They are plain module-level functions so a
compiled translator calls them directly, without any lookup per message.

Example:
    >>> to_int(1499.6), to_bool("off"), to_string(True), to_iso(0)
    (1500, False, 'true', '1970-01-01T00:00:00Z')
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import reprlib
from collections.abc import Callable
from typing import Any

__all__ = [
    "CASTERS",
    "iso_millis",
    "short_repr",
    "to_bool",
    "to_epoch",
    "to_float",
    "to_int",
    "to_iso",
    "to_string",
]

_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no"})
_fromisoformat = dt.datetime.fromisoformat
_fromtimestamp = dt.datetime.fromtimestamp


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel = 3


def short_repr(value: Any) -> str:
    """A short ``repr`` of a message value for an error message: long text and containers are cut,
    deep nesting is not followed, and a huge integer is not converted to digits."""
    try:
        return _SHORT.repr(value)
    except (ValueError, RecursionError):  # an int over sys.get_int_max_str_digits()
        return f"<{type(value).__name__}>"


def to_int(value: Any) -> int:
    """An integer: floats rounded half away from zero (1499.6 rpm → 1500), numeric text parsed."""
    if value.__class__ is int:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot cast {short_repr(value)} to int")
        return int(math.copysign(math.floor(abs(value) + 0.5), value))
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            return to_int(float(text))
    raise TypeError(f"cannot cast {short_repr(value)} to int")


def to_float(value: Any) -> float:
    """A float from a number, a boolean or numeric text."""
    if isinstance(value, int | float | str):
        return float(value)
    raise TypeError(f"cannot cast {short_repr(value)} to float")


def to_bool(value: Any) -> bool:
    """A boolean: numbers are true when not zero; text true/false, 1/0, on/off, yes/no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(f"cannot cast {short_repr(value)} to bool")


def to_string(value: Any) -> str:
    """Text: booleans as ``true``/``false`` (as JSON writes them), numbers in their shortest form."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"cannot cast {short_repr(value)} to string")


def _moment(text: str) -> dt.datetime:
    """The moment ISO 8601 ``text`` names (UTC when it names no zone)."""
    moment = _fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# cached for ISO output: the fields of one message usually share their timestamp
_parse_iso = functools.lru_cache(maxsize=4096)(_moment)


@functools.lru_cache(maxsize=4096)
def _iso_of_epoch(seconds: float) -> str:
    try:
        return _format_iso(_fromtimestamp(seconds, dt.UTC))
    except (OverflowError, OSError, ValueError):  # beyond year 9999, before year 1, or not a number
        raise ValueError(f"{short_repr(seconds)} seconds since 1970 is not a calendar time") from None


def _format_iso(moment: dt.datetime) -> str:
    """``moment`` (aware) in UTC with ``Z``, trailing zeros of the fraction dropped (10:00:00.5Z)."""
    utc = moment.astimezone(dt.UTC)
    text = utc.isoformat()[:-6]  # without "+00:00"
    return (text.rstrip("0") if utc.microsecond else text) + "Z"


def iso_millis(moment: dt.datetime) -> str:
    """``moment`` as ISO 8601 UTC to the millisecond with ``Z`` (``2026-11-01T10:00:00.500Z``); a naive
    moment is UTC. How Tolka stamps what it writes itself (PubSub messages, logs, records)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_iso(value: Any) -> str:
    """An ISO 8601 UTC timestamp (``2026-11-01T10:00:00.5Z``) from epoch seconds or ISO 8601 text."""
    if isinstance(value, str):
        return _format_iso(_parse_iso(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _iso_of_epoch(float(value))
    raise TypeError(f"cannot cast {short_repr(value)} to a time")


def to_epoch(value: Any) -> float:
    """Seconds since 1970-01-01 UTC from ISO 8601 text or a number (text without a zone is UTC).

    Not cached: a stream's message times are all different, and a message converts each distinct time
    once (see the SenML writer)."""
    if isinstance(value, str):
        return _moment(value).timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"cannot cast {short_repr(value)} to a time")


CASTERS: dict[str, Callable[[Any], Any]] = {
    "int": to_int,
    "float": to_float,
    "bool": to_bool,
    "string": to_string,
    "time": to_iso,
}
"""The cast named in a translator file → its function."""
