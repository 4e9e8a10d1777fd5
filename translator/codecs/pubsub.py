"""OPC UA PubSub JSON network messages (OPC 10000-14, JSON message mapping).

A network message is ``{"MessageId", "MessageType": "ua-data", "PublisherId"?, "Messages": [...]}``;
each DataSetMessage has ``DataSetWriterId``, an optional ``Timestamp`` and a ``Payload`` object with one
member per DataSet field. A field is a DataValue (``Value``, ``SourceTimestamp``, ``StatusCode``, each
omitted when default: a Good status is usually left out) or, without a DataValue field content mask, the
bare value; a value in the reversible encoding is a Variant (``{"Type": 11, "Body": 3.5}``, or
``{"UaType", "Value"}`` in 1.05) and is read as its body. Addresses are DataSet field names.

Reading takes the DataSetMessage whose ``DataSetWriterId`` is the format's ``dataset_writer_id``, or
the first one. Writing gives one network message with one DataSetMessage, a fresh ``MessageId`` per
message, each field a DataValue carrying the source's timestamp and status code when it had them.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from translator.codecs.base import Codec, FieldValue, OutField
from translator.errors import MessageError

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


def _dataset_message(msg: Any, writer: int | None) -> dict[str, Any]:
    """The DataSetMessage to read (raises MessageError naming what is wrong)."""
    if not isinstance(msg, dict):
        raise MessageError(
            f"expected an OPC UA PubSub JSON network message (an object), found {type(msg).__name__}"
        )
    kind = msg.get("MessageType", "ua-data")
    if kind != "ua-data":
        raise MessageError(f"MessageType is {kind!r}, not 'ua-data': not a data message")
    messages = msg.get("Messages")
    if not isinstance(messages, list) or not messages:
        raise MessageError("no 'Messages' list of DataSetMessages: not an OPC UA PubSub JSON network message")
    for k, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("Payload"), dict):
            raise MessageError(f"Messages/{k}: a DataSetMessage needs a 'Payload' object")
        if writer is None or message.get("DataSetWriterId") == writer:
            return message
    raise MessageError(f"no DataSetMessage with DataSetWriterId {writer}")


def _message_ids() -> Callable[[], str]:
    """A function giving a fresh ``MessageId`` per call: a random prefix and a counter."""
    prefix = uuid.uuid4().hex[:12] + "-"
    counter = itertools.count(1)
    return lambda: prefix + str(next(counter))


class PubSubCodec(Codec):
    """OPC UA PubSub JSON network messages (``"type": "opcua-pubsub-json"``)."""

    name = "opcua-pubsub-json"
    time_kind = "iso"
    has_status = True
    field_times = True

    def names(self) -> dict[str, Any]:
        return {
            "_body": _body,
            "_dataset_message": _dataset_message,
            "_writer": self.fmt.dataset_writer_id,
            "_message_id": _message_ids(),
        }

    # reading ---------------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        first = (
            "msg['Messages'][0]" if self.fmt.dataset_writer_id is None else "_dataset_message(msg, _writer)"
        )
        return [f"_dsm = {first}", "_p = _dsm['Payload']", "mt = _dsm.get('Timestamp')"]

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
        payload = _dataset_message(msg, self.fmt.dataset_writer_id)["Payload"]
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
        dataset = (
            f"{{'DataSetWriterId': {writer!r}, 'Payload': {payload}}}"
            if writer is not None
            else (f"{{'Payload': {payload}}}")
        )
        lines.append(f"_ds = {dataset}")
        lines.append(f"if mt is not None: _ds['Timestamp'] = {time.format('mt')}")
        publisher = "" if self.fmt.publisher_id is None else f"'PublisherId': {self.fmt.publisher_id!r}, "
        lines.append(
            f"out = {{'MessageId': _message_id(), 'MessageType': 'ua-data', {publisher}'Messages': [_ds]}}"
        )
        return lines
