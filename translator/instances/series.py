"""Per-field time series read from a stream of JSON messages (JSON Lines).

Each message is flattened to its leaf fields: an OPC UA PubSub JSON network message (``Messages``
holding DataSetMessages with a ``Payload``) gives each payload field name and its ``Value``; any
a SenML pack (a JSON list of records) gives each record's resolved name, its time ``bt`` + ``t``; any
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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from translator.errors import InputError, MessageError, ParseError
from translator.translation.codecs.senml import resolve_pack
from translator.translation.spec.model import MessageFormat

__all__ = [
    "Kind",
    "Series",
    "Stream",
    "flatten",
    "message_format",
    "parse_messages",
    "parse_time",
    "read_messages",
    "read_series",
    "read_stream",
    "series_from_messages",
    "stream_from_messages",
]

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


def message_format(message: Any, time_field: str | None = None) -> MessageFormat:
    """The translator message format a message is written in: a JSON list is a SenML pack, an
    object with DataSetMessages an OPC UA PubSub JSON network message (its first DataSetWriterId),
    any other object plain JSON (with the detected or given time field as its timestamp)."""
    if isinstance(message, list):
        return MessageFormat("senml")
    if isinstance(message, Mapping) and _is_pubsub(message):
        writers = [m.get("DataSetWriterId") for m in message["Messages"] if isinstance(m, Mapping)]
        writer = next((w for w in writers if isinstance(w, int) and not isinstance(w, bool)), None)
        return MessageFormat("opcua-pubsub-json", dataset_writer_id=writer)
    stamp = time_field
    if stamp is None and isinstance(message, Mapping):
        stamp = _timed(message, None)[2]
    return MessageFormat("json", timestamp=stamp)


def _senml(pack: list[Any]) -> tuple[float | None, dict[str, Any]]:
    try:
        records, base_time = resolve_pack(pack)
    except MessageError:
        return None, {}
    fields = {name: value for name, (value, _) in records.items()}
    times = [parse_time(time) for _, time in records.values()]
    known = [t for t in times if t is not None]
    seconds = parse_time(base_time) if base_time is not None else (min(known) if known else None)
    return seconds, fields


def _timed(
    message: Mapping[str, Any], time_field: str | None
) -> tuple[float | None, dict[str, Any], str | None]:
    """:func:`flatten` of an object, with the name of the field the time came from (None for a
    DataSetMessage's or field's timestamp, or when no time is found)."""
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
        return parse_time(fields.pop(time_field, None)), fields, time_field
    for stamp in stamps:
        seconds = parse_time(stamp)
        if seconds is not None:
            return seconds, fields, None
    for name in list(fields):
        if name.rsplit("/", 1)[-1].lower() in _TIME_NAMES:
            seconds = parse_time(fields[name])
            if seconds is not None:
                del fields[name]
                return seconds, fields, name
    return None, fields, None


def flatten(message: Any, time_field: str | None = None) -> tuple[float | None, dict[str, Any]]:
    """A message's time (None when none is found) and its leaf fields (name → value).

    PubSub fields are named by their payload key, SenML records by their resolved name (``bn`` +
    ``n``, the time ``bt`` + ``t``); other messages' fields by JSON Pointer. The time field itself
    is not among the fields.
    """
    if isinstance(message, list):
        return _senml(message)
    if not isinstance(message, Mapping):
        return None, {}
    seconds, fields, _ = _timed(message, time_field)
    return seconds, fields


def _kind(value: Any) -> Kind | None:
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, int | float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    return None


def series_from_messages(
    messages: Iterable[Any], time_field: str | None = None, *, source: str | None = None
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


def read_messages(path: str | Path) -> list[Any]:
    """The messages of a JSON Lines file (blank lines skipped): objects, or lists (SenML packs).

    Raises:
        InputError: the file cannot be read.
        ParseError: a line that is not JSON, or neither an object nor a list (file and line named).
    """
    source = Path(path)
    try:
        stream = source.open(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read the stream: {error.strerror or error}", source=str(source)) from None
    with stream:
        return parse_messages(stream, str(source))


def parse_messages(lines: Iterable[str], source: str) -> list[Any]:
    """The messages of JSON Lines text (blank lines skipped); ``source`` names it in errors.

    Raises:
        ParseError: a line that is not JSON, or neither an object nor a list (file and line named).
    """
    messages = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            raise ParseError(f"not JSON: {error.msg}", source=source, line=number) from error
        if not isinstance(message, dict | list):
            raise ParseError("not a JSON object or SenML pack", source=source, line=number)
        messages.append(message)
    return messages


@dataclass(frozen=True, slots=True)
class Stream:
    """A recorded stream: its fields' series, the message format it is written in, and how many
    messages it holds."""

    series: dict[str, Series]
    format: MessageFormat
    messages: int


def stream_from_messages(
    messages: Sequence[Any], time_field: str | None = None, *, source: str | None = None
) -> Stream:
    """The series and message format (detected from the first message) of recorded messages.

    Raises:
        InputError: there is no message, or no message has a time.
    """
    if not messages:
        raise InputError("the stream holds no message", source=source)
    series = series_from_messages(messages, time_field, source=source)
    return Stream(series, message_format(messages[0], time_field), len(messages))


def read_stream(path: str | Path, time_field: str | None = None) -> Stream:
    """A JSON Lines stream's series and message format (:func:`stream_from_messages`).

    Raises:
        ParseError: a line is not a JSON object or list (file and line named).
        InputError: the file cannot be read, is empty, or no message has a time.
    """
    return stream_from_messages(read_messages(path), time_field, source=str(path))


def read_series(path: str | Path, time_field: str | None = None) -> dict[str, Series]:
    """Per-field time series of a JSON Lines file (blank lines skipped).

    Raises:
        ParseError: a line is not a JSON object or list (file and line named).
        InputError: no message has a time.
    """
    return series_from_messages(read_messages(path), time_field, source=str(path))
