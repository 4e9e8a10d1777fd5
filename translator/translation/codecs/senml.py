"""SenML packs (RFC 8428), JSON encoding: one record per field.

Reading resolves the base fields as RFC 8428 §4.6 says: a record's name is ``bn`` + ``n``, its time
``bt`` + ``t``, its numeric value ``bv`` + ``v``, its unit ``u`` or else ``bu``; base fields hold for
the records after them until redefined. The value is ``v``, ``vs``, ``vb`` or ``vd``, whichever the
record has. Addresses are resolved names, relative to the format's ``base_name`` when one is set. A
pack holding one name several times (a short time series) yields its latest record.

Writing gives one record per target field, ``bn`` (the format's ``base_name``) and ``bt`` (the source
message's time) on the first record, ``u`` where the rule names the target unit, ``t`` relative to
``bt`` where a field's own time differs, and the value under ``v``, ``vs`` or ``vb`` by its type.
Units are written as SenML symbols (``Cel``, ``Hz``; RFC 8428 registry) where the UNECE code has one.
Times are seconds since 1970 (``time_kind`` epoch).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from translator.errors import MessageError
from translator.translation.codecs.base import Codec, FieldValue, OutField
from translator.translation.units import UNECE_SENML
from translator.translation.values import short_repr

__all__ = ["SenmlCodec", "index_pack", "record_value", "resolve_pack"]

_VALUE_KEY = {"number": "v", "text": "vs", "bool": "vb"}


def resolve_pack(pack: Any, base_name: str = "") -> tuple[dict[str, tuple[Any, Any]], Any]:
    """``({name: (value, time)}, first base time)`` of a SenML pack; names relative to ``base_name``.

    Raises:
        MessageError: not a list of records, a record that is not an object or has no name, a base
            field or time of the wrong type (names the record and the key).
    """
    if pack.__class__ is not list:
        raise MessageError(f"expected a SenML pack (a JSON list of records), found {type(pack).__name__}")
    try:
        return _resolve(pack, base_name)
    except (TypeError, AttributeError) as exc:  # the shape is wrong somewhere: say where
        raise _why(pack, exc) from None


def _resolve(pack: list[Any], base_name: str) -> tuple[dict[str, tuple[Any, Any]], Any]:
    """:func:`resolve_pack` on the common shape, with no check a wrong type would not trip anyway."""
    index: dict[str, tuple[Any, Any]] = {}
    bn: str = ""
    rel: str | None = None if base_name else ""  # bn relative to base_name; None: not below it
    bt: Any = 0
    bv: Any = 0
    first_bt = None
    for record in pack:
        if "bn" in record or "bt" in record or "bv" in record:
            if "bn" in record:
                bn = record["bn"] + ""
                rel = bn[len(base_name) :] if bn.startswith(base_name) else None
            if "bt" in record:
                bt = record["bt"] + 0
                if first_bt is None:
                    first_bt = bt
            if "bv" in record:
                bv = record["bv"] + 0
        n = record.get("n", "")
        if rel is None:
            name = bn + n
            if base_name and name.startswith(base_name):
                name = name[len(base_name) :]
        else:
            name = rel + n
        if not n and not bn:
            raise MessageError(f"record {pack.index(record)}: no name (neither 'bn' nor 'n')")
        if "v" in record:
            value = record["v"]
            if bv and value.__class__ in (int, float):
                value = bv + value
        else:
            value = record.get("vs", record.get("vb", record.get("vd")))
        time = bt + record["t"] if "t" in record and record["t"] is not None else (bt or None)
        if name not in index or _later(time, index[name][1]):
            index[name] = (value, time)
    return index, first_bt


_BASE_FIELDS = frozenset({"bn", "bt", "bv"})


def index_pack(pack: Any, base_name: str = "") -> tuple[dict[str, dict[str, Any]], Any, Any]:
    """``(records by name, base time, message time)``: each record as sent when the pack has the
    common shape, else a resolved ``{"v": value, "t": time}`` (base time then 0).

    The common shape — base fields on the first record only, no ``bv``, the first ``bn`` below
    ``base_name``, every record named by ``n``, each name once — needs no resolving: a record's
    value is its ``v`` (or ``vs``, ``vb``, ``vd``) and its time ``bt`` + ``t``. This is what
    translators read; :func:`resolve_pack` is the general reading.

    Raises:
        MessageError: as :func:`resolve_pack`.
    """
    if pack.__class__ is list and pack and pack[0].__class__ is dict:
        first = pack[0]
        bn, bt = first.get("bn", ""), first.get("bt", 0)
        if (
            "bv" not in first
            and bn.__class__ is str
            and bt.__class__ in (int, float)
            and bn.startswith(base_name)
            and all(map(_BASE_FIELDS.isdisjoint, itertools.islice(pack, 1, None)))
        ):
            rel = bn[len(base_name) :]
            try:
                index = {r["n"]: r for r in pack} if not rel else {rel + r["n"]: r for r in pack}
            except (KeyError, TypeError):  # a record without a name (or not a record): read it all
                index = {}
            if len(index) == len(pack):
                return index, bt, first.get("bt")
    resolved, first_bt = resolve_pack(pack, base_name)
    records = {
        name: ({"v": value} if time is None else {"v": value, "t": time})
        for name, (value, time) in resolved.items()
    }
    return records, 0, first_bt


def record_value(record: dict[str, Any]) -> Any:
    """A record's value when it has no ``v``: its ``vs``, ``vb`` or ``vd`` (None without any)."""
    return record.get("vs", record.get("vb", record.get("vd")))


def _later(time: Any, than: Any) -> bool:
    """Whether a record at ``time`` supersedes one at ``than`` (a later one, or an untimed after an
    untimed one; a timed record supersedes an untimed one)."""
    return than is None or (time is not None and time >= than)


_FIELD_TYPES = (("bn", str), ("n", str), ("bt", int | float), ("bv", int | float), ("t", int | float))


def _why(pack: list[Any], exc: Exception) -> MessageError:
    """The MessageError naming what in ``pack`` is not SenML, after the fast reading tripped on it."""
    for k, record in enumerate(pack):
        if not isinstance(record, dict):
            return MessageError(f"record {k}: expected an object, found {type(record).__name__}")
        for key, kind in _FIELD_TYPES:
            value = record.get(key, "" if kind is str else 0)
            if not isinstance(value, kind) and not (key == "t" and value is None):
                expected = "text" if kind is str else "a number"
                return MessageError(f"record {k}: {key!r} must be {expected}, found {short_repr(value)}")
    return MessageError(f"not a SenML pack: {type(exc).__name__}: {exc}")


class _ValueKeys(dict[type, str]):
    """The record key of a value by its class: ``vb`` for booleans, ``vs`` for text, else ``v``."""

    def __missing__(self, cls: type) -> str:
        return "v"


_VALUE_KEY_OF = _ValueKeys({bool: "vb", str: "vs"})
_UNSEEN = object()


class SenmlCodec(Codec):
    """SenML JSON packs (``"type": "senml"``)."""

    name = "senml"
    time_kind = "epoch"
    field_times = True

    def names(self) -> dict[str, Any]:
        return {
            "_index_pack": index_pack,
            "_value": record_value,
            "_value_key": _VALUE_KEY_OF,
            "_unseen": _UNSEEN,
            "_bn": self.fmt.base_name,
        }

    # reading ---------------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        return ["_pack, _bt, mt = _index_pack(msg, _bn)"]

    def read(self, i: int, address: str, *, time: bool, status: bool, unwrap: bool) -> list[str]:
        lines = [f"_r{i} = _pack[{address!r}]", f"v{i} = _r{i}['v'] if 'v' in _r{i} else _value(_r{i})"]
        if time:
            lines.append(f"t{i} = _bt + _r{i}['t'] if 't' in _r{i} else (_bt or None)")
        return lines + ([f"s{i} = None"] if status else [])

    def check(self, msg: Any) -> None:
        resolve_pack(msg, self.fmt.base_name)

    def field(self, msg: Any, address: str) -> FieldValue | None:
        found = resolve_pack(msg, self.fmt.base_name)[0].get(address)
        return None if found is None else FieldValue(*found)

    def message_time(self, msg: Any) -> Any:
        return resolve_pack(msg, self.fmt.base_name)[1]

    def message_time_field(self) -> str:
        return "bt"

    # writing ---------------------------------------------------------------------------------

    def write(self, fields: Sequence[OutField], time: str) -> list[str]:
        # Each distinct time of the message is converted once: ``_rel`` maps a source time to the
        # record's ``t`` (None where the record needs none: stamped like the message, or not at all).
        lines = [f"_bt = None if mt is None else {time.format('mt')}", "_rel = {mt: None, None: None}"]
        absolute, relative = time.format("_t"), f"round({time.format('_t')} - _bt, 6)"
        records = []
        for f in fields:
            i, unit = f.index, UNECE_SENML.get(f.unit, f.unit)
            key = _VALUE_KEY.get(f.value_type)
            # the value key is known when compiled where the rule's type is; else the value's class picks it
            name = repr(key) if key else f"_value_key[r{i}.__class__]"
            members = f"'n': {f.address!r}, " + (f"'u': {unit!r}, " if unit else "") + f"{name}: r{i}"
            lines += [
                f"_r{i} = {{{members}}}",
                f"if r{i} is None: del _r{i}[{key or 'v'!r}]",
                f"if t{i} != mt:",
                f"    _t = _rel.get(t{i}, _unseen)",
                "    if _t is _unseen:",
                f"        _t = t{i}",
                # relative to bt, to the microsecond: two epoch floats near 1.8e9 differ by float noise
                f"        _t = _rel[t{i}] = {absolute} if _bt is None else {relative}",
                f"    if _t is not None: _r{i}['t'] = _t",
            ]
            records.append(f"_r{i}")
        lines.append(f"out = [{', '.join(records)}]")
        if records:
            if self.fmt.base_name:
                lines.append("out[0]['bn'] = _bn")
            lines.append("if _bt is not None: out[0]['bt'] = _bt")
        return lines
