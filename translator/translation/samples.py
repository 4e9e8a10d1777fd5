"""A sample message of a model: every value field of the model, with a plausible value, in one format.

The review page translates it with the alignment as reviewed so far (a live preview). Each field gets
a value from what the model says about it: the middle of its range for a number with a range (``Speed``
0..3000 rpm → 1500), its first entry for an enumeration, ``False`` for a flag, its label for text and
the message's time for a timestamp. Fields are addressed as the compiler addresses them
(:func:`translator.translation.compiler.field_address`), so a translator compiled from the model reads them
all.

Example:
    >>> from adapters import load
    >>> graph = load("ontologies/demo/VendorA.PumpSkid.NodeSet2.xml")
    >>> message = sample_message(graph, MessageFormat("json"))
    >>> message["PumpSkid1"]["Pump"]["Speed"]
    1500.0
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from translator.graph.classes import datatype_class
from translator.graph.model import Node, SchemaGraph
from translator.translation.codecs.plain import pointer_tokens
from translator.translation.compiler import field_address, is_field
from translator.translation.spec.model import MessageFormat
from translator.translation.units import UNECE_SENML
from translator.translation.valuemaps import enum_entry

__all__ = ["sample_message", "sample_value"]


def sample_value(node: Node, now: datetime) -> Any:
    """A plausible value of ``node``'s field (see the module docstring)."""
    if node.enum_values:
        return enum_entry(node.enum_values[0])[1]
    kind = datatype_class(node.datatype) or ("number" if node.unit else "text")
    if kind == "bool":
        return False
    if kind == "time":
        return now.isoformat().replace("+00:00", "Z")
    if kind == "text":
        return node.label or node.name
    low, high = node.minimum, node.maximum
    middle = (low + high) / 2 if low is not None and high is not None else low or high or 1.0
    integral = any(k in node.datatype.lower() for k in ("int", "byte", "long", "short"))
    return round(middle) if integral else float(middle)


def sample_message(graph: SchemaGraph, fmt: MessageFormat, now: datetime | None = None) -> Any:
    """One message of format ``fmt`` holding every value field of ``graph``'s own nodes.

    ``now``: the message's time (default: the current time, to the second, UTC).
    """
    now = now or datetime.now(UTC).replace(microsecond=0)
    fields = sorted((field_address(n, fmt), n) for n in graph.nodes() if n.own and is_field(graph, n))
    values = [(address, node, sample_value(node, now)) for address, node in fields]
    if fmt.type == "senml":
        return _senml(values, fmt, now)
    if fmt.type == "opcua-pubsub-json":
        return _pubsub(values, fmt, now)
    return _json(values, fmt, now)


def _json(values: list[tuple[str, Node, Any]], fmt: MessageFormat, now: datetime) -> dict[str, Any]:
    message: dict[str, Any] = {}
    items = [(a, v) for a, _, v in values]
    if fmt.timestamp:
        items.append((fmt.timestamp, now.isoformat().replace("+00:00", "Z")))
    for address, value in items:
        *parents, last = pointer_tokens(address) or [""]
        here = message
        for token in parents:
            child = here.setdefault(token, {})
            if not isinstance(child, dict):
                break  # a field's value already sits where this one's parent object would
            here = child
        else:
            if last not in here:  # a field that holds other fields keeps them (an object), not a value
                here[last] = value
    return message


def _senml(values: list[tuple[str, Node, Any]], fmt: MessageFormat, now: datetime) -> list[dict[str, Any]]:
    key = {bool: "vb", str: "vs"}
    records: list[dict[str, Any]] = []
    for address, node, value in values:
        record: dict[str, Any] = {"n": address}
        if node.unit:
            record["u"] = UNECE_SENML.get(node.unit, node.unit)
        record[key.get(type(value), "v")] = value
        records.append(record)
    if records:
        records[0] = {"bt": int(now.timestamp()), **records[0]}
        if fmt.base_name:
            records[0] = {"bn": fmt.base_name, **records[0]}
    return records


def _pubsub(values: list[tuple[str, Node, Any]], fmt: MessageFormat, now: datetime) -> dict[str, Any]:
    stamp = now.isoformat().replace("+00:00", "Z")
    payload = {address: {"Value": value, "SourceTimestamp": stamp} for address, _, value in values}
    dataset = {"DataSetWriterId": fmt.dataset_writer_id or 1, "Timestamp": stamp, "Payload": payload}
    message: dict[str, Any] = {"MessageId": "tolka-sample", "MessageType": "ua-data"}
    if fmt.publisher_id:
        message["PublisherId"] = fmt.publisher_id
    return message | {"Messages": [dataset]}
