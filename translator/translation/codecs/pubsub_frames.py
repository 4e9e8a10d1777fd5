"""OPC UA PubSub JSON messages as a Publisher's DataSetWriter writes them (OPC 10000-14 v1.05, 7.2.5).

A :class:`DataSetWriter` keeps what one DataSetWriter of a Publisher needs between messages: its
sequence number, the key-frame counter, the values last sent (for delta frames) and the DataSet's
metadata with its version. It writes three kinds of message:

- a *key frame* (7.2.5.4, DataSetMessage ``MessageType`` ``ua-keyframe``): every field of the
  DataSet, in the order of the metadata (6.2.3.2.1);
- a *delta frame* (``ua-deltaframe``): only the fields that changed since the previous DataSetMessage;
- a *metadata message* (7.2.5.5.2, NetworkMessage ``MessageType`` ``ua-metadata``): the
  ``DataSetMetaDataType`` (6.2.3.2.3) naming each field with its ``FieldMetaData`` (6.2.3.2.4):
  ``BuiltInType``, ``DataType``, ``ValueRank``, a ``DataSetFieldId`` and, when the unit is known, an
  ``EngineeringUnits`` property (an ``EUInformation`` of the UNECE code, OPC 10000-8 5.6.3).

Every NetworkMessage (7.2.5.3) carries a ``MessageId`` unique for the publisher
(``<PublisherId>-<run>-<n>``, :class:`MessageIds`), ``MessageType``, ``PublisherId`` and
``WriterGroupName``; every DataSetMessage its ``DataSetWriterId``, ``DataSetWriterName``,
``SequenceNumber`` (one more per DataSetMessage), ``MetaDataVersion``, ``Timestamp`` (when the message
was made) and ``MessageType``. In the terms of the spec: NetworkMessageHeader, DataSetMessageHeader,
PublisherId and WriterGroupName on (JsonNetworkMessageContentMask, 6.3.2.1); DataSetWriterId,
MetaDataVersion, SequenceNumber, Timestamp, MessageType and DataSetWriterName on, FieldEncoding1 and
FieldEncoding2 off (JsonDataSetMessageContentMask, 6.3.2.3.1, Table 112: the non-reversible field
encoding, a field being a DataValue ``{"Value", "SourceTimestamp"?, "StatusCode"?}`` whose value's type
the metadata gives; values and their types: :mod:`translator.translation.codecs.pubsub_values`).

Key frames follow the writer's ``KeyFrameCount`` (6.2.4.3): it counts publishing intervals
(:meth:`DataSetWriter.tick`); a key frame goes out first and then every ``key_frame_count``-th
interval, a delta frame in the intervals between when something changed, nothing when nothing did.
``key_frame_count=1`` sends only key frames. (0 is for event DataSets, which these writers do not
publish.) The metadata's ``ConfigurationVersion`` (6.2.3.2.6) holds VersionTimes (OPC 10000-4: seconds
since 2000-01-01 UTC). Against the fields of the version that messages last carried, fields added at
the end update the ``MinorVersion``; a field's DataType or unit changing updates the ``MajorVersion``
(and the minor one with it); changes before any message carried a version need no new one.

Example:
    >>> from translator.translation.codecs.pubsub_values import BuiltInType
    >>> writer = DataSetWriter("plant-1", key_frame_count=2, run="r")
    >>> writer.set("Speed", 20.0, built_in_type=BuiltInType.DOUBLE)
    >>> first = writer.tick()
    >>> first["MessageId"], first["Messages"][0]["MessageType"], first["Messages"][0]["Payload"]
    ('plant-1-r-1', 'ua-keyframe', {'Speed': {'Value': 20.0}})
    >>> writer.set("Speed", 25.0)
    >>> writer.tick()["Messages"][0]["MessageType"]
    'ua-deltaframe'
    >>> writer.metadata()["MetaData"]["Fields"][0]["DataType"]
    'i=11'
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from translator.translation.codecs.pubsub_values import (
    BuiltInType,
    built_in_type_of,
    data_value,
    version_time,
)
from translator.translation.units import unece_table
from translator.translation.values import iso_millis

__all__ = ["DELTA_FRAME", "EU_NAMESPACE", "KEY_FRAME", "DataSetWriter", "FieldSpec", "MessageIds"]

KEY_FRAME: Final = "ua-keyframe"
DELTA_FRAME: Final = "ua-deltaframe"
EU_NAMESPACE: Final = "http://www.opcfoundation.org/UA/units/un/cefact"
"""The ``NamespaceUri`` of an ``EUInformation`` whose ``UnitId`` comes from a UNECE common code."""
_EU_INFORMATION: Final = "i=887"  # the EUInformation DataType (OPC 10000-8)
_WAITING: Final = {"Code": 0x80320000, "Symbol": "BadWaitingForInitialData"}


class MessageIds:
    """Fresh ``MessageId`` values of one publisher: ``<PublisherId>-<run>-<n>``, ``run`` random per
    process (or given), ``n`` counting from 1 — unique for the publisher across restarts."""

    def __init__(self, publisher_id: str, run: str | None = None) -> None:
        self.prefix = f"{publisher_id}-{run if run is not None else uuid.uuid4().hex[:12]}-"
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        return self.prefix + str(next(self._counter))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the metadata says of one DataSet field.

    Attributes:
        name: the field's name in the payload.
        built_in_type: its built-in type (0: not known yet; published as BaseDataType).
        value_rank: -1 scalar, 1 one-dimensional array.
        unit: its UNECE common code, published as ``EngineeringUnits`` when OPC UA's table has it.
        description: a text describing it.
    """

    name: str
    built_in_type: int = 0
    value_rank: int = -1
    unit: str = ""
    description: str = ""


def _engineering_units(code: str) -> dict[str, Any] | None:
    """The ``EngineeringUnits`` property of a UNECE common code Tolka knows (None for another unit):
    an EUInformation (OPC 10000-8 5.6.3, its UnitId, symbol and name from `unece_table`) in a Variant,
    JSON as OPC 10000-6 v1.05 5.4.2.16/17 has it (a structure's fields beside its ``UaTypeId``)."""
    known = unece_table().get(code)
    if known is None:
        return None
    information: dict[str, Any] = {
        "UaTypeId": _EU_INFORMATION,
        "NamespaceUri": EU_NAMESPACE,
        "UnitId": known.unit_id,
        "DisplayName": {"Text": known.symbol or code},
    }
    if known.name:
        information["Description"] = {"Text": known.name}
    return {"Key": {"Name": "EngineeringUnits"}, "Value": {"UaType": 22, "Value": information}}


class DataSetWriter:
    """One DataSetWriter of a Publisher: the state between its messages, and the messages themselves.

    Args:
        publisher_id: the ``PublisherId``.
        writer_id: the ``DataSetWriterId`` (UInt16, unique within the publisher).
        writer_name: the ``DataSetWriterName`` (default ``writer-<id>``).
        group_name: the ``WriterGroupName``.
        dataset_name: the DataSet's name in the metadata (default the writer's name).
        key_frame_count: every how many publishing intervals a key frame goes out (at least 1).
        fields: the DataSet's fields, when known before their values (in this order).
        run: the run part of the MessageIds (default random); message_ids: share another writer's.
        clock: the current time (for Timestamps and VersionTimes).
    """

    def __init__(
        self,
        publisher_id: str,
        writer_id: int = 1,
        *,
        writer_name: str = "",
        group_name: str = "tolka",
        dataset_name: str = "",
        key_frame_count: int = 10,
        fields: Iterable[FieldSpec] = (),
        run: str | None = None,
        message_ids: MessageIds | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        if not 0 <= writer_id <= 0xFFFF:
            raise ValueError(f"DataSetWriterId {writer_id} is not a UInt16 (0 to 65535)")
        if key_frame_count < 1:
            raise ValueError(
                f"KeyFrameCount {key_frame_count}: a DataSet of values needs a key frame every 1 or more "
                "publishing intervals (0 is for event DataSets, OPC 10000-14 6.2.4.3)"
            )
        self.publisher_id = publisher_id
        self.writer_id = writer_id
        self.writer_name = writer_name or f"writer-{writer_id}"
        self.group_name = group_name
        self.dataset_name = dataset_name or self.writer_name
        self.key_frame_count = key_frame_count
        self.message_ids = message_ids or MessageIds(publisher_id, run)
        self.clock = clock
        self.sequence = 0
        self._fields: dict[str, FieldSpec] = {}
        self._latest: dict[str, dict[str, Any]] = {}
        self._sent: dict[str, dict[str, Any]] = {}
        self._intervals = 0  # publishing intervals since the last key frame; counts from the first
        self._key_due = True
        self._announce = True  # the metadata goes out again even when it did not change
        self._announced: dict[str, FieldSpec] | None = None  # the fields of the last metadata message
        self._used: dict[str, FieldSpec] | None = None  # the fields of the version messages carried last
        now = version_time(clock())
        self._version = (now, now)
        for spec in fields:
            self._fields[spec.name] = spec

    # state -----------------------------------------------------------------------------------

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The DataSet's fields, in the metadata's order."""
        return tuple(self._fields.values())

    @property
    def metadata_due(self) -> bool:
        """Whether the metadata changed (or a resync asks for it) since :meth:`metadata` made its message."""
        return self._announce or self._announced != self._fields

    @property
    def version(self) -> tuple[int, int]:
        """The ConfigurationVersion (MajorVersion, MinorVersion) of the fields as they are now."""
        return self._settle()

    def _settle(self) -> tuple[int, int]:
        """The version of the current fields, updated when they changed since a message carried the
        last one (6.2.3.2.6): fields added at the end update the MinorVersion, any other change (a
        field's DataType or unit) the MajorVersion and the MinorVersion. VersionTimes never repeat."""
        if self._used is None:
            self._used = dict(self._fields)
        elif self._used != self._fields:
            kept = all(self._fields.get(name) == spec for name, spec in self._used.items())
            now = max(version_time(self.clock()), max(self._version) + 1)
            self._version = (self._version[0], now) if kept else (now, now)
            self._used = dict(self._fields)
        return self._version

    def declare(self, spec: FieldSpec) -> None:
        """Add a field at the end, or change what is known of one."""
        self._fields[spec.name] = spec

    def set(
        self,
        name: str,
        value: Any,
        source_time: dt.datetime | str | None = None,
        status: int = 0,
        built_in_type: int | None = None,
    ) -> None:
        """Set field ``name``'s current value, its source time and status code. ``built_in_type`` is its
        type when known (an OPC UA variable's), else it is inferred from the value. A new field joins the
        metadata; a field whose type changes gives the metadata a new version."""
        old = self._fields.get(name)
        if built_in_type:
            kind, rank = built_in_type, 1 if isinstance(value, list | tuple) else -1
        elif value is not None:
            kind, rank = built_in_type_of(value, old.built_in_type if old is not None else None)
        else:  # no value (a bad status): nothing new to say of its type
            kind, rank = (old.built_in_type, old.value_rank) if old is not None else (0, -1)
        spec = FieldSpec(name, int(kind), rank)
        if old is not None:
            spec = replace(old, built_in_type=int(kind), value_rank=rank)
        if spec != old:
            self.declare(spec)
        self._latest[name] = data_value(value, source_time, status, int(kind))

    def resync(self) -> None:
        """Start again as for a new subscriber: the metadata and a key frame go out next."""
        self._key_due = True
        self._announce = True

    # messages --------------------------------------------------------------------------------

    def tick(self) -> dict[str, Any] | None:
        """One publishing interval: a key frame when one is due (the first, then every
        ``key_frame_count``-th interval), else a delta frame of the fields that changed, else None.
        A key frame waits for the first value (there is nothing to send before)."""
        if self._intervals % self.key_frame_count == 0:
            self._key_due = True
        self._intervals += 1
        if self._key_due and self._latest:
            self._key_due = False
            self._intervals = 1
            return self._frame(KEY_FRAME, self._key_payload())
        changed = {
            name: entry
            for name in self._fields
            if (entry := self._latest.get(name)) is not None and self._sent.get(name) != entry
        }
        return self._frame(DELTA_FRAME, changed) if changed and not self._key_due else None

    def key_frame(
        self, values: Mapping[str, Any], source_time: dt.datetime | str | None = None
    ) -> dict[str, Any]:
        """A key frame of a whole message's fields (name → value, all observed at ``source_time``): a
        translated message carries all of its fields. The fields join the metadata."""
        for name, value in values.items():
            self.set(name, value, source_time)
        return self._frame(KEY_FRAME, {name: self._latest[name] for name in values})

    def _key_payload(self) -> dict[str, dict[str, Any]]:
        return {name: self._latest.get(name) or {"StatusCode": dict(_WAITING)} for name in self._fields}

    def _frame(self, kind: str, payload: dict[str, dict[str, Any]]) -> dict[str, Any]:
        self.sequence = (self.sequence + 1) & 0xFFFFFFFF
        self._sent.update(payload)
        version = self._settle()
        dataset = {
            "DataSetWriterId": self.writer_id,
            "DataSetWriterName": self.writer_name,
            "SequenceNumber": self.sequence,
            "MetaDataVersion": {"MajorVersion": version[0], "MinorVersion": version[1]},
            "Timestamp": iso_millis(self.clock()),
            "MessageType": kind,
            "Payload": payload,
        }
        return {
            "MessageId": self.message_ids(),
            "MessageType": "ua-data",
            "PublisherId": self.publisher_id,
            "WriterGroupName": self.group_name,
            "Messages": [dataset],
        }

    def metadata(self) -> dict[str, Any]:
        """The ``ua-metadata`` message of the DataSet as it is now (7.2.5.5.2)."""
        version = self._settle()
        self._announce = False
        self._announced = dict(self._fields)
        fields = []
        for spec in self._fields.values():
            kind = int(spec.built_in_type or BuiltInType.VARIANT)
            field: dict[str, Any] = {"Name": spec.name}
            if spec.description:
                field["Description"] = {"Text": spec.description}
            field |= {
                "FieldFlags": 0,
                "BuiltInType": kind,
                "DataType": f"i={kind}",
                "ValueRank": spec.value_rank,
                "MaxStringLength": 0,
                "DataSetFieldId": str(uuid.uuid5(uuid.NAMESPACE_URL, self._field_key(spec.name))),
            }
            units = _engineering_units(spec.unit) if spec.unit else None
            if units is not None:
                field["Properties"] = [units]
            fields.append(field)
        return {
            "MessageId": self.message_ids(),
            "MessageType": "ua-metadata",
            "PublisherId": self.publisher_id,
            "DataSetWriterId": self.writer_id,
            "WriterGroupName": self.group_name,
            "DataSetWriterName": self.writer_name,
            "Timestamp": iso_millis(self.clock()),
            "MetaData": {
                "Name": self.dataset_name,
                "Fields": fields,
                "ConfigurationVersion": {"MajorVersion": version[0], "MinorVersion": version[1]},
            },
        }

    def _field_key(self, name: str) -> str:
        """What a field's DataSetFieldId is made from: stable for the same publisher, writer and name."""
        return f"opcua-pubsub:{self.publisher_id}/{self.group_name}/{self.writer_id}/{name}"
