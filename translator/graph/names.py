"""Names into comparable tokens: case styles split, industrial abbreviations expanded.

``PumpDischargePres_PV`` → ``pump discharge pressure process value``; ``hasAuthor`` → ``has author``;
``TT_102`` → ``tt 102``. Every matcher compares names through these functions, so that case styles,
separators, vendor abbreviations and plural endings do not decide a match.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["ABBREVIATIONS", "STOPWORDS", "content_tokens", "normalize", "split_name", "tokens"]

ABBREVIATIONS: dict[str, str] = {
    "temp": "temperature", "tmp": "temperature", "pres": "pressure", "press": "pressure", "prs": "pressure",
    "spd": "speed", "rpm": "speed", "flw": "flow", "lvl": "level", "pos": "position", "cnt": "count",
    "ctr": "counter", "act": "actual", "sp": "setpoint", "setp": "setpoint", "pv": "process value",
    "cv": "control value", "mv": "manipulated value", "op": "output", "curr": "current", "cur": "current",
    "amp": "current", "volt": "voltage", "freq": "frequency", "hz": "frequency", "pwr": "power",
    "vlv": "valve", "pmp": "pump", "mtr": "motor", "htr": "heater", "tnk": "tank", "stat": "status",
    "sts": "status", "st": "state", "alm": "alarm", "flt": "fault", "err": "error", "cmd": "command",
    "req": "request", "hrs": "hours", "hr": "hour", "min": "minimum", "max": "maximum", "avg": "average",
    "num": "number", "no": "number", "nr": "number", "id": "identifier", "ident": "identification",
    "desc": "description", "info": "information", "conf": "conference", "doc": "document",
    "org": "organization", "dept": "department", "addr": "address", "tel": "telephone", "qty": "quantity",
    "vol": "volume", "dia": "diameter", "len": "length", "wt": "weight", "dens": "density",
    "visc": "viscosity", "cond": "conductivity", "hum": "humidity", "ctrl": "control", "cfg": "configuration",
    "param": "parameter", "params": "parameters", "val": "value", "ts": "timestamp", "dt": "datetime",
    "mfr": "manufacturer", "mfg": "manufacturer", "sn": "serial number", "ser": "serial", "rev": "revision",
    "ver": "version", "fw": "firmware", "hw": "hardware", "sw": "software", "dis": "discharge",
    "disch": "discharge", "suct": "suction", "inl": "inlet", "outl": "outlet",
}  # fmt: skip
"""Field abbreviations of automation and data models, expanded before comparing names."""

STOPWORDS = frozenset({"has", "is", "the", "a", "an", "to", "for", "in", "on", "with", "at", "and", "or"})
"""Words that carry no meaning in a name (``hasAuthor`` compares as ``author``). ``of`` and ``by``
stay: they turn a relation around (``authorOf`` is not ``hasAuthor``)."""

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@functools.lru_cache(maxsize=200_000)
def split_name(name: str) -> tuple[str, ...]:
    """Split a name on case changes, digits and punctuation; lower-cased.

    >>> split_name("PumpDischargePres_PV2")
    ('pump', 'discharge', 'pres', 'pv', '2')
    """
    out: list[str] = []
    for chunk in _NON_WORD.split(_ascii(name)):
        out.extend(part.lower() for part in _CAMEL.findall(chunk))
    return tuple(out)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=200_000)
def tokens(name: str) -> tuple[str, ...]:
    """Tokens of a name with abbreviations expanded and plurals reduced.

    >>> tokens("TankTempPV")
    ('tank', 'temperature', 'process', 'value')
    """
    out: list[str] = []
    for part in split_name(name):
        expanded = ABBREVIATIONS.get(part, part)
        out.extend(_singular(word) for word in expanded.split())
    return tuple(out)


def content_tokens(name: str) -> tuple[str, ...]:
    """`tokens` without stopwords (all of them when the name is only stopwords)."""
    all_tokens = tokens(name)
    kept = tuple(t for t in all_tokens if t not in STOPWORDS)
    return kept or all_tokens


def normalize(name: str) -> str:
    """One comparable string: content tokens joined by single spaces.

    >>> normalize("has_Author") == normalize("Authors")
    True
    """
    return " ".join(content_tokens(name))
