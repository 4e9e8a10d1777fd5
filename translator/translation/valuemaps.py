"""Value maps between two enumerations: which state code of one model is which of the other.

Enumerations come from the models (``Stopped=0`` from an OPC UA EnumStrings/EnumValues definition,
``RUN`` observed in sample messages). Entries are paired by name: equal names first, then one name
abbreviating the other (``RUN`` / ``Running``), then names of one equipment state in the PackML /
ISA-88 sense (``Stopped`` / ``OFF``, ``Fault`` / ``TRIP``). Whatever stays unpaired is reported, never
guessed — except one last entry left on each side, which can only be each other.

Example:
    >>> pairs, unpaired = pair_enums(("Stopped=0", "Running=1", "Fault=2"), ("OFF=10", "RUN=20", "TRIP=90"))
    >>> pairs
    ((0, 10), (1, 20), (2, 90))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["enum_entry", "pair_enums"]

_STATES: tuple[frozenset[str], ...] = (
    frozenset({"off", "stop", "stopped", "idle", "halt", "halted", "inactive", "false", "no"}),
    frozenset({"on", "run", "running", "started", "active", "operating", "true", "yes"}),
    frozenset({"fault", "faulted", "trip", "tripped", "error", "failure", "failed", "alarm"}),
    frozenset({"manual", "hand", "local"}),
    frozenset({"auto", "automatic", "remote", "cascade"}),
    frozenset({"open", "opened"}),
    frozenset({"close", "closed", "shut"}),
)
"""Names of one equipment state (PackML / ISA-88 vocabulary, and the boolean words)."""


def enum_entry(text: str) -> tuple[str, str | int]:
    """``(name, value)`` of one enumeration entry.

    ``Running=1`` → ``("Running", 1)`` (an OPC UA enumeration), ``RUN`` → ``("RUN", "RUN")`` (observed text).
    """
    name, sep, code = text.rpartition("=")
    if sep and name and re.fullmatch(r"-?\d+", code.strip()):
        return name.strip(), int(code)
    return text, text


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _score(a: str, b: str) -> float:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    short, long = sorted((ka, kb), key=len)
    if len(short) >= 3 and long.startswith(short):
        return 0.9
    if any(ka in group and kb in group for group in _STATES):
        return 0.8
    return 0.0


def pair_enums(
    source: Sequence[str], target: Sequence[str]
) -> tuple[tuple[tuple[str | int, str | int], ...], tuple[str, ...]]:
    """Pair two enumerations' entries: ``(source value, target value)`` pairs in source order, and the
    source entries left unpaired (as written)."""
    src = [enum_entry(e) for e in source]
    tgt = [enum_entry(e) for e in target]
    scored = sorted(
        ((_score(sn, tn), i, j) for i, (sn, _) in enumerate(src) for j, (tn, _) in enumerate(tgt)),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    chosen: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scored:
        if score > 0 and i not in chosen and j not in used:
            chosen[i] = j
            used.add(j)
    left_src = [i for i in range(len(src)) if i not in chosen]
    left_tgt = [j for j in range(len(tgt)) if j not in used]
    if len(left_src) == 1 and len(left_tgt) == 1 and chosen:
        chosen[left_src[0]] = left_tgt[0]
        left_src = []
    pairs = tuple((src[i][1], tgt[chosen[i]][1]) for i in sorted(chosen))
    return pairs, tuple(source[i] for i in left_src)
