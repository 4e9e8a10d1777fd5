"""Per-field time series read from a stream of JSON messages (JSON Lines).

Each message is flattened to its leaf fields: an OPC UA PubSub JSON network message (``Messages``
holding DataSetMessages with a ``Payload``) gives each payload field name and its ``Value``; any
other JSON object gives the JSON Pointers of its leaves. The time of a message comes from a given
field (a payload field name or JSON Pointer) or is detected: a DataSetMessage's ``Timestamp`` (else
the fields' ``SourceTimestamp``), else the first leaf named like a time (``ts``, ``time``,
``timestamp``, ...) holding ISO 8601 text or epoch seconds. Numbers, booleans and strings are kept
apart: a field seen with several kinds keeps the kind seen most often.

Example:
    >>> streams = series_from_messages([{"ts": 0, "a": {"b": 1.5}}, {"ts": 1, "a": {"b": 2.5}}])
    >>> streams["/a/b"].values.tolist()
    [1.5, 2.5]
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from translator.errors import InputError, ParseError

__all__ = ["Kind", "Series", "flatten", "parse_time", "read_series", "series_from_messages"]

_TIME_NAMES: Final = ("ts", "time", "timestamp", "datetime", "sourcetimestamp", "t")


class Kind(StrEnum):
    """What a field's values are."""

    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING = "string"


@dataclass(frozen=True, slots=True)
class Series:
    """One field's samples: ``times`` (epoch seconds, ascending) and ``values`` (float64 for
    numbers and booleans as 0/1, object for strings) of one ``kind``."""

    name: str
    kind: Kind
    times: npt.NDArray[np.float64]
    values: npt.NDArray[Any]

    def __len__(self) -> int:
        return len(self.times)

    @property
    def constant(self) -> bool:
        """Whether every sample holds the same value (nothing to learn from it)."""
        return len(self.values) == 0 or bool(np.all(self.values == self.values[0]))

    @property
    def integral(self) -> bool:
        """Numbers that are all whole, booleans and strings: values that can be states."""
        if self.kind is not Kind.NUMBER:
            return True
        finite = self.values[np.isfinite(self.values)]
        return bool(np.all(finite == np.round(finite)))


def parse_time(value: Any) -> float | None:
    """Epoch seconds from ISO 8601 text (``Z`` or an offset; naive means UTC) or a number; None when
    ``value`` is neither (booleans are not times)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-":
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.timestamp()
    return None


def _leaves(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield from _leaves(item, f"{pointer}/{escaped}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{index}")
    else:
        yield pointer, value


def _is_pubsub(message: Mapping[str, Any]) -> bool:
    messages = message.get("Messages")
    return isinstance(messages, list) and any(isinstance(m, Mapping) and "Payload" in m for m in messages)


def flatten(message: Mapping[str, Any], time_field: str | None = None) -> tuple[float | None, dict[str, Any]]:
    """A message's time (None when none is found) and its leaf fields (name → value).

    PubSub fields are named by their payload key; other messages' fields by JSON Pointer. The
    time field itself is not among the fields.
    """
    fields: dict[str, Any] = {}
    stamps: list[Any] = []
    if _is_pubsub(message):
        for dataset in message["Messages"]:
            if not isinstance(dataset, Mapping) or not isinstance(dataset.get("Payload"), Mapping):
                continue
            stamps.append(dataset.get("Timestamp"))
            for name, field in dataset["Payload"].items():
                if isinstance(field, Mapping) and "Value" in field:
                    fields[str(name)] = field["Value"]
                    stamps.append(field.get("SourceTimestamp"))
                elif not isinstance(field, Mapping | list):
                    fields[str(name)] = field
        stamps.append(message.get("Timestamp"))
    else:
        fields = dict(_leaves(message, ""))
    if time_field is not None:
        return parse_time(fields.pop(time_field, None)), fields
    for stamp in stamps:
        seconds = parse_time(stamp)
        if seconds is not None:
            return seconds, fields
    for name in list(fields):
        if name.rsplit("/", 1)[-1].lower() in _TIME_NAMES:
            seconds = parse_time(fields[name])
            if seconds is not None:
                del fields[name]
                return seconds, fields
    return None, fields


def _kind(value: Any) -> Kind | None:
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, int | float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    return None


def series_from_messages(
    messages: Iterable[Mapping[str, Any]], time_field: str | None = None, *, source: str | None = None
) -> dict[str, Series]:
    """Per-field time series of ``messages``, sorted by time; messages without a time are skipped.

    Raises:
        InputError: no message has a time (names ``time_field`` when one was given).
    """
    samples: dict[str, list[tuple[float, Any]]] = {}
    timed = 0
    for message in messages:
        seconds, fields = flatten(message, time_field)
        if seconds is None:
            continue
        timed += 1
        for name, value in fields.items():
            if _kind(value) is not None:
                samples.setdefault(name, []).append((seconds, value))
    if timed == 0:
        where = f"in field {time_field!r}" if time_field else "(none detected)"
        raise InputError(f"no message has a time {where}", source=source)
    result = {}
    for name in sorted(samples):
        kinds = Counter(_kind(value) for _, value in samples[name])
        kind = kinds.most_common(1)[0][0]
        assert kind is not None
        kept = sorted(((t, v) for t, v in samples[name] if _kind(v) is kind), key=lambda tv: tv[0])
        times = np.array([t for t, _ in kept], dtype=np.float64)
        if kind is Kind.STRING:
            values: npt.NDArray[Any] = np.array([v for _, v in kept], dtype=object)
        else:
            values = np.array([float(v) for _, v in kept], dtype=np.float64)
        result[name] = Series(name, kind, times, values)
    return result


def read_series(path: str | Path, time_field: str | None = None) -> dict[str, Series]:
    """Per-field time series of a JSON Lines file (blank lines skipped).

    Raises:
        ParseError: a line is not a JSON object (file and line named).
        InputError: no message has a time.
    """
    source = Path(path)
    messages = []
    with source.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError as error:
                raise ParseError(f"not JSON: {error.msg}", source=str(source), line=number) from error
            if not isinstance(message, dict):
                raise ParseError("not a JSON object", source=str(source), line=number)
            messages.append(message)
    return series_from_messages(messages, time_field, source=str(source))
