"""OPC UA PubSub JSON network messages (OPC 10000-14 v1.05, 7.2.5 JSON message mapping; and 1.04, 7.2.3).

A network message (7.2.5.3) is ``{"MessageId", "MessageType": "ua-data", "PublisherId"?,
"WriterGroupName"?, "Messages": [...]}``; each DataSetMessage (7.2.5.4) has ``DataSetWriterId``, an
optional ``SequenceNumber``, ``MetaDataVersion``, ``Timestamp``, ``MessageType`` (``ua-keyframe``,
``ua-deltaframe``, ``ua-event``, ``ua-keepalive``) and a ``Payload`` object with one member per DataSet
field. A field is a DataValue (``Value``, ``SourceTimestamp``, ``StatusCode``, each omitted when default:
a Good status is usually left out) or, without a DataValue field content mask, the bare value; a value in
the reversible encoding is a Variant (``{"Type": 11, "Body": 3.5}`` in 1.04, ``{"UaType", "Value"}`` in
1.05) and is read as its body. Addresses are DataSet field names.

Reading takes the DataSetMessage whose ``DataSetWriterId`` is the format's ``dataset_writer_id`` (a
number, or the 1.04 text form of it), or the first one, skipping keep-alive messages (no ``Payload``).
It also reads a ``Messages`` object (1.04's SingleDataSetMessage) and a DataSetMessage sent without the
network message header (the layout of Annex A.3.3). A delta frame carries only the fields that changed
(7.2.5.4): like a Subscriber's DataSetReader, the codec keeps the fields of the last frames of each
writer (PublisherId, DataSetWriterId) and reads a delta frame as those fields updated with the delta's;
a delta frame before any key frame has only its own fields. (Instances of a bridge that share a stream
each see part of it: their deltas are completed from the frames they saw.)

Writing gives one network message with one DataSetMessage: a fresh ``MessageId`` per message
(``<PublisherId>-<run>-<n>``, "tolka" without a PublisherId), ``MessageType`` ``ua-keyframe`` (a
translated message carries all of its fields), each field a DataValue carrying the source's timestamp
and status code when it had them. Sequence numbers and metadata are a publisher's business
(:mod:`translator.translation.codecs.pubsub_frames`): the instances of a bridge translate one stream together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from translator.errors import MessageError
from translator.translation.codecs.base import Codec, FieldValue, OutField
from translator.translation.codecs.pubsub_frames import DELTA_FRAME, KEY_FRAME, MessageIds
from translator.translation.spec.model import MessageFormat

__all__ = ["PubSubCodec"]

_DATA_VALUE_KEYS = frozenset(
    {"Value", "StatusCode", "SourceTimestamp", "SourcePicoseconds", "ServerTimestamp", "ServerPicoseconds"}
)


def _body(variant: dict[str, Any]) -> Any:
    """The body of a Variant in the reversible encoding (1.04 ``Body``, 1.05 ``UaType``/``Value``)."""
    if "Body" in variant and set(variant) <= {"Type", "Body", "Dimensions"}:
        return variant["Body"]
    if "UaType" in variant and set(variant) <= {"UaType", "Value", "Dimensions"}:
        return variant.get("Value")
    return variant


def _same_writer(found: Any, writer: int) -> bool:
    """Whether a DataSetWriterId is ``writer``: a number, or text in 1.04 (before its errata)."""
    return bool(found == writer or (isinstance(found, str) and found.strip() == str(writer)))


def _dataset_message(msg: Any, writer: int | None) -> dict[str, Any]:
    """The DataSetMessage to read (raises MessageError naming what is wrong)."""
    if not isinstance(msg, dict):
        raise MessageError(
            f"expected an OPC UA PubSub JSON network message (an object), found {type(msg).__name__}"
        )
    messages = msg.get("Messages")
    if messages is None and isinstance(msg.get("Payload"), dict):  # no network message header (A.3.3)
        messages = [msg]
    else:
        kind = msg.get("MessageType", "ua-data")
        if kind != "ua-data":
            raise MessageError(f"MessageType is {kind!r}, not 'ua-data': not a data message")
    if isinstance(messages, dict):  # 1.04's SingleDataSetMessage: one DataSetMessage, not an array
        messages = [messages]
    if not isinstance(messages, list) or not messages:
        raise MessageError("no 'Messages' list of DataSetMessages: not an OPC UA PubSub JSON network message")
    alive = 0
    for k, message in enumerate(messages):
        if (
            isinstance(message, dict)
            and "Payload" not in message
            and message.get("MessageType") == "ua-keepalive"
        ):
            alive += 1  # a keep-alive DataSetMessage: no values
            continue
        if not isinstance(message, dict) or not isinstance(message.get("Payload"), dict):
            raise MessageError(f"Messages/{k}: a DataSetMessage needs a 'Payload' object")
        if writer is None or _same_writer(message.get("DataSetWriterId"), writer):
            return message
    if alive == len(messages):
        raise MessageError("only keep-alive DataSetMessages (no Payload): no values to read")
    raise MessageError(f"no DataSetMessage with DataSetWriterId {writer}")


class _Frames:
    """The fields of the last frames of each DataSetWriter, to read delta frames whole."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self.payloads: dict[tuple[Any, Any], dict[str, Any]] = {}

    def read(self, msg: dict[str, Any], dataset: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``dataset``: a key frame's own (remembered), a delta frame's merged into the
        last ones of its writer (remembered too)."""
        kind = dataset.get("MessageType")
        if kind not in (DELTA_FRAME, KEY_FRAME):
            return payload
        key = (msg.get("PublisherId"), dataset.get("DataSetWriterId"))
        if kind == DELTA_FRAME:
            previous = self.payloads.get(key)
            if previous is not None:
                payload = previous | payload
        if len(self.payloads) >= self.LIMIT and key not in self.payloads:
            self.payloads.clear()
        self.payloads[key] = payload
        return payload

    def current(self, msg: dict[str, Any], dataset: dict[str, Any]) -> dict[str, Any]:
        """The fields of ``dataset`` as :meth:`read` gave them (its writer's, for a delta frame)."""
        payload: dict[str, Any] = dataset["Payload"]
        if dataset.get("MessageType") != DELTA_FRAME:
            return payload
        key = (msg.get("PublisherId"), dataset.get("DataSetWriterId"))
        return self.payloads.get(key, payload)


class PubSubCodec(Codec):
    """OPC UA PubSub JSON network messages (``"type": "opcua-pubsub-json"``)."""

    name = "opcua-pubsub-json"
    time_kind = "iso"
    has_status = True
    field_times = True

    def __init__(self, fmt: MessageFormat) -> None:
        super().__init__(fmt)
        self._frames = _Frames()

    def names(self) -> dict[str, Any]:
        return {
            "_body": _body,
            "_dataset_message": _dataset_message,
            "_frames": self._frames,
            "_framed": self._frames.payloads,
            "_writer": self.fmt.dataset_writer_id,
            "_message_id": MessageIds(self.fmt.publisher_id or "tolka"),
        }

    # reading ---------------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        first = (
            "msg['Messages'][0]" if self.fmt.dataset_writer_id is None else "_dataset_message(msg, _writer)"
        )
        return [
            "try:",
            f"    _dsm = {first}",
            "    _p = _dsm['Payload']",
            "except Exception:",  # another layout, or keep-alives first: the general reader finds it
            "    _dsm = _dataset_message(msg, _writer)",
            "    _p = _dsm['Payload']",
            # a key frame is remembered here (the common case, no call), a delta frame completed
            "_k = _dsm.get('MessageType')",
            "if _k == 'ua-keyframe' and len(_framed) < _frames.LIMIT:",
            "    _framed[msg.get('PublisherId'), _dsm.get('DataSetWriterId')] = _p",
            "elif _k is not None: _p = _frames.read(msg, _dsm, _p)",
            "mt = _dsm.get('Timestamp')",
        ]

    def read(self, i: int, address: str, *, time: bool, status: bool, unwrap: bool) -> list[str]:
        if not (time or status):
            lines = [f"v{i} = _p[{address!r}]['Value']"]
        else:
            lines = [f"_f{i} = _p[{address!r}]", f"v{i} = _f{i}['Value']"]
        if unwrap:
            lines.append(f"if v{i}.__class__ is dict: v{i} = _body(v{i})")
        if time:
            lines.append(f"t{i} = _f{i}.get('SourceTimestamp')")
        if status:
            lines.append(f"s{i} = _f{i}.get('StatusCode')")
        return lines

    def check(self, msg: Any) -> None:
        _dataset_message(msg, self.fmt.dataset_writer_id)

    def field(self, msg: Any, address: str) -> FieldValue | None:
        payload = self._frames.current(msg, _dataset_message(msg, self.fmt.dataset_writer_id))
        if address not in payload:
            return None
        raw = payload[address]
        if isinstance(raw, dict) and raw and set(raw) <= _DATA_VALUE_KEYS:
            value = raw.get("Value")
            value = _body(value) if isinstance(value, dict) else value
            return FieldValue(value, raw.get("SourceTimestamp"), raw.get("StatusCode"))
        return FieldValue(_body(raw) if isinstance(raw, dict) else raw)

    def message_time(self, msg: Any) -> Any:
        return _dataset_message(msg, self.fmt.dataset_writer_id).get("Timestamp")

    def message_time_field(self) -> str:
        return "Timestamp"

    # writing ---------------------------------------------------------------------------------

    def write(self, fields: Sequence[OutField], time: str) -> list[str]:
        lines = []
        for f in fields:
            i = f.index
            lines.append(f"_d{i} = {{'Value': r{i}}}")
            lines.append(f"if t{i} is not None: _d{i}['SourceTimestamp'] = {time.format(f't{i}')}")
            lines.append(f"if s{i} is not None: _d{i}['StatusCode'] = s{i}")
        payload = "{" + ", ".join(f"{f.address!r}: _d{f.index}" for f in fields) + "}"
        writer = self.fmt.dataset_writer_id
        header = "" if writer is None else f"'DataSetWriterId': {writer!r}, "
        dataset = f"{{{header}'MessageType': {KEY_FRAME!r}, 'Payload': {payload}}}"
        lines.append(f"_ds = {dataset}")
        lines.append(f"if mt is not None: _ds['Timestamp'] = {time.format('mt')}")
        publisher = "" if self.fmt.publisher_id is None else f"'PublisherId': {self.fmt.publisher_id!r}, "
        lines.append(
            f"out = {{'MessageId': _message_id(), 'MessageType': 'ua-data', {publisher}'Messages': [_ds]}}"
        )
        return lines
