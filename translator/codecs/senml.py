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

from collections.abc import Sequence
from typing import Any

from translator.codecs.base import Codec, FieldValue, OutField
from translator.errors import MessageError
from translator.units import UNECE_SENML

__all__ = ["SenmlCodec", "resolve_pack"]

_VALUE_KEYS = ("v", "vs", "vb", "vd")
_VALUE_KEY = {"number": "v", "text": "vs", "bool": "vb"}


def resolve_pack(pack: Any, base_name: str = "") -> tuple[dict[str, tuple[Any, Any]], Any]:
    """``({name: (value, time)}, first base time)`` of a SenML pack; names relative to ``base_name``.

    Raises:
        MessageError: not a list of records, or a record without a name (names the record).
    """
    if not isinstance(pack, list):
        raise MessageError(f"expected a SenML pack (a JSON list of records), found {type(pack).__name__}")
    bn, bt, bv = "", 0.0, 0.0
    first_bt = None
    index: dict[str, tuple[Any, Any, float]] = {}
    for k, record in enumerate(pack):
        if not isinstance(record, dict):
            raise MessageError(f"record {k}: expected an object, found {type(record).__name__}")
        if "bn" in record:
            bn = record["bn"]
        if "bt" in record:
            bt = record["bt"]
            if first_bt is None:
                first_bt = bt
        if "bv" in record:
            bv = record["bv"]
        name = bn + record.get("n", "")
        if not isinstance(name, str) or not name:
            raise MessageError(f"record {k}: no name (neither 'bn' nor 'n')")
        value = None
        for key in _VALUE_KEYS:
            if key in record:
                value = record[key]
                break
        if key == "v" and bv and isinstance(value, int | float):
            value = bv + value
        has_time = "t" in record or bt
        time = bt + record.get("t", 0.0) if has_time else None
        if base_name and name.startswith(base_name):
            name = name[len(base_name) :]
        previous = index.get(name)
        order = time if isinstance(time, int | float) else float("-inf")
        if previous is None or order >= previous[2]:
            index[name] = (value, time, order)
    return {name: (value, time) for name, (value, time, _) in index.items()}, first_bt


def _record(name: str, unit: str, value: Any, time: Any, base_time: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"n": name}
    if unit:
        record["u"] = unit
    if value.__class__ is bool:
        record["vb"] = value
    elif value.__class__ is str:
        record["vs"] = value
    elif value is not None:
        record["v"] = value
    if time is not None and time != base_time:
        # relative to bt, to the microsecond: two epoch floats near 1.8e9 differ by float noise
        record["t"] = time if base_time is None else round(time - base_time, 6)
    return record


class SenmlCodec(Codec):
    """SenML JSON packs (``"type": "senml"``)."""

    name = "senml"
    time_kind = "epoch"
    field_times = True

    def names(self) -> dict[str, Any]:
        return {"_resolve_pack": resolve_pack, "_record": _record, "_bn": self.fmt.base_name}

    # reading ---------------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        return ["_pack, mt = _resolve_pack(msg, _bn)"]

    def read(self, i: int, address: str, *, time: bool, status: bool, unwrap: bool) -> list[str]:
        return [f"v{i}, t{i} = _pack[{address!r}]"] + ([f"s{i} = None"] if status else [])

    def check(self, msg: Any) -> None:
        resolve_pack(msg, self.fmt.base_name)

    def field(self, msg: Any, address: str) -> FieldValue | None:
        found = resolve_pack(msg, self.fmt.base_name)[0].get(address)
        return None if found is None else FieldValue(*found)

    def message_time(self, msg: Any) -> Any:
        return resolve_pack(msg, self.fmt.base_name)[1]

    # writing ---------------------------------------------------------------------------------

    def write(self, fields: Sequence[OutField], time: str) -> list[str]:
        lines = [f"_bt = None if mt is None else {time.format('mt')}"]
        records = []
        for f in fields:
            i, unit = f.index, UNECE_SENML.get(f.unit, f.unit)
            key = _VALUE_KEY.get(f.value_type)
            if key is None:  # the type depends on the value: the general function decides
                # a field stamped like the message (the usual case) needs no conversion of its own
                records.append(
                    f"_record({f.address!r}, {unit!r}, r{i}, _bt if t{i} == mt else "
                    f"(None if t{i} is None else {time.format(f't{i}')}), _bt)"
                )
                continue
            # the type is known when compiled: one dict literal, touched only for a null or an own time
            members = f"'n': {f.address!r}, " + (f"'u': {unit!r}, " if unit else "") + f"{key!r}: r{i}"
            lines.append(f"_r{i} = {{{members}}}")
            lines.append(f"if r{i} is None: del _r{i}[{key!r}]")
            lines.append(
                f"if t{i} != mt and t{i} is not None: _r{i}['t'] = "
                f"{time.format(f't{i}')} if _bt is None else round({time.format(f't{i}')} - _bt, 6)"
            )
            records.append(f"_r{i}")
        lines.append(f"out = [{', '.join(records)}]")
        head = {"bn": "_bn"} if self.fmt.base_name else {}
        lines.append("if out:")
        if head:
            lines.append("    out[0]['bn'] = _bn")
        lines.append("    if _bt is not None: out[0]['bt'] = _bt")
        return lines
