"""OPC UA values as PubSub JSON carries them (OPC 10000-6 5.4.2, non-reversible field encoding): the
built-in types a value is published as (:func:`built_in_type_of`), a value in the JSON encoding of its
type (:func:`json_value`), a field as a DataValue (:func:`data_value`) and VersionTimes
(:func:`version_time`).

Example:
    >>> built_in_type_of(20.0), json_value(2**40, BuiltInType.INT64)
    ((<BuiltInType.DOUBLE: 11>, -1), '1099511627776')
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from enum import IntEnum
from typing import Any, Final

from translator.translation.values import iso_millis

__all__ = ["BuiltInType", "built_in_type_of", "data_value", "json_value", "version_time"]

_VERSION_EPOCH: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_INT32: Final = range(-(2**31), 2**31)


class BuiltInType(IntEnum):
    """The built-in types of OPC 10000-6 5.1.2 (a ``FieldMetaData``'s ``BuiltInType``); the DataType
    NodeId of each is ``i=<its number>``. ``VARIANT`` stands for a field of an abstract DataType
    (BaseDataType, ``i=24``), as 6.2.3.2.4 says."""

    BOOLEAN = 1
    SBYTE = 2
    BYTE = 3
    INT16 = 4
    UINT16 = 5
    INT32 = 6
    UINT32 = 7
    INT64 = 8
    UINT64 = 9
    FLOAT = 10
    DOUBLE = 11
    STRING = 12
    DATETIME = 13
    GUID = 14
    BYTESTRING = 15
    XMLELEMENT = 16
    NODEID = 17
    EXPANDEDNODEID = 18
    STATUSCODE = 19
    QUALIFIEDNAME = 20
    LOCALIZEDTEXT = 21
    EXTENSIONOBJECT = 22
    DATAVALUE = 23
    VARIANT = 24
    DIAGNOSTICINFO = 25


_FLOATS = frozenset({BuiltInType.FLOAT, BuiltInType.DOUBLE})
_INTEGERS = frozenset(BuiltInType(n) for n in range(2, 10))


def built_in_type_of(value: Any, known: int | None = None) -> tuple[int, int]:
    """The built-in type and ValueRank (-1 scalar, 1 array) a value is published as.

    ``known`` (the field's type so far) is kept when the value fits it: an integral value of a Double
    field stays Double, a small one of an Int64 field stays Int64. None (no value) keeps ``known``, or
    is BaseDataType (``VARIANT``).
    """
    if isinstance(value, list | tuple):
        element = next((v for v in value if v is not None), None)
        return built_in_type_of(element, known)[0], 1
    if value is None:
        return known or BuiltInType.VARIANT, -1
    if isinstance(value, bool):
        return BuiltInType.BOOLEAN, -1
    if isinstance(value, int):
        if known in _FLOATS or known in _INTEGERS:
            return int(known), -1
        return (BuiltInType.INT32 if value in _INT32 else BuiltInType.INT64), -1
    kinds: tuple[tuple[type, BuiltInType], ...] = (
        (float, BuiltInType.DOUBLE),
        (str, BuiltInType.STRING),
        (dt.datetime, BuiltInType.DATETIME),
        (bytes, BuiltInType.BYTESTRING),
        (uuid.UUID, BuiltInType.GUID),
        (dict, BuiltInType.EXTENSIONOBJECT),
    )
    for kind, built_in in kinds:
        if isinstance(value, kind):
            if built_in is BuiltInType.DOUBLE and known in _FLOATS:
                return int(known), -1
            return built_in, -1
    return BuiltInType.VARIANT, -1


def json_value(value: Any, built_in_type: int = 0) -> Any:
    """``value`` in the OPC UA JSON encoding of its type (OPC 10000-6 5.4.2): Int64 and UInt64 as
    decimal text, a DateTime as ISO 8601 UTC, a ByteString as base64, a Guid as text."""
    if isinstance(value, list | tuple):
        return [json_value(v, built_in_type) for v in value]
    if built_in_type in (BuiltInType.INT64, BuiltInType.UINT64) and isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return iso_millis(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def data_value(
    value: Any, source_time: dt.datetime | str | None = None, status: int = 0, built_in_type: int = 0
) -> dict[str, Any]:
    """A field as a DataValue (non-reversible JSON): ``Value`` (omitted when None), ``SourceTimestamp``
    and ``StatusCode`` (``{"Code": n}``, omitted when Good)."""
    entry: dict[str, Any] = {} if value is None else {"Value": json_value(value, built_in_type)}
    if source_time is not None:
        entry["SourceTimestamp"] = source_time if isinstance(source_time, str) else iso_millis(source_time)
    if status:
        entry["StatusCode"] = {"Code": status}
    return entry


def version_time(moment: dt.datetime) -> int:
    """A VersionTime (OPC 10000-4 7.43): whole seconds since 2000-01-01 UTC, as a UInt32."""
    return int((moment - _VERSION_EPOCH).total_seconds()) & 0xFFFFFFFF
