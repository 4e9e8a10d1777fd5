"""The two vendors' JSON Schemas (draft 2020-12) and the node ids Tolka gives their fields.

Vendor A's schema describes the DataSet its PubSub messages carry: nested objects along the browse
path (``PumpSkid1 → Pump → Speed``), so that the compiler's field address of a node is its DataSet
field name (``PumpSkid1.Pump.Speed``); the network-message framing is the translator's message format.
Vendor B's schema describes its whole message (``ts`` and ``Skid_01/PLC/<group>/<tag>``). Fields carry
``type``, ``unit`` (UNECE code), ``title``, ``description``, ``enum`` for codes and ``minimum``/``maximum``.

Ids follow DESIGN.md, ``<$id>#<JSON Pointer>`` into the schema document, as
:mod:`adapters.jsonschema` makes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from services.simulator.fields import A_STATES, B_STATES, Encoding, Quantity

__all__ = ["A_SCHEMA_ID", "B_SCHEMA_ID", "a_node_id", "b_node_id", "vendor_a_schema", "vendor_b_schema"]

A_SCHEMA_ID: Final = "http://tolka.dev/simulator/vendor_a.schema.json"
B_SCHEMA_ID: Final = "http://tolka.dev/simulator/vendor_b.schema.json"
_DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"


def _a_parts(unit: int, quantity: Quantity) -> list[str]:
    return [f"PumpSkid{unit + 1}", *quantity.a_path.split("/")]


def _b_parts(unit: int, quantity: Quantity) -> list[str]:
    return [f"Skid_{unit + 1:02d}", "PLC", quantity.b_group, quantity.b_tag]


def _node_id(base: str, parts: Sequence[str]) -> str:
    return base + "#" + "".join(f"/properties/{p}" for p in parts)


def a_node_id(unit: int, quantity: Quantity) -> str:
    """The id of vendor A's field node (``…vendor_a.schema.json#/properties/PumpSkid1/properties/…``)."""
    return _node_id(A_SCHEMA_ID, _a_parts(unit, quantity))


def b_node_id(unit: int, quantity: Quantity) -> str:
    """The id of vendor B's field node."""
    return _node_id(B_SCHEMA_ID, _b_parts(unit, quantity))


def _codes(codes: dict[int, str]) -> str:
    return ", ".join(f"{code} = {name}" for code, name in codes.items())


def _field(quantity: Quantity, vendor: str, title: str) -> dict[str, Any]:
    unit = quantity.a_unit if vendor == "a" else quantity.b_unit
    schema: dict[str, Any] = {"title": title, "description": quantity.description}
    match quantity.encoding:
        case Encoding.STATE:
            codes = A_STATES if vendor == "a" else B_STATES
            schema |= {"type": "integer", "enum": list(codes)}
            schema["description"] += f" Codes: {_codes(codes)}."
        case Encoding.FLAG if vendor == "a":
            schema["type"] = "boolean"
        case Encoding.FLAG:
            schema |= {"type": "integer", "enum": [0, 1]}
            schema["description"] += " 1 = true, 0 = false."
        case Encoding.INTEGER:
            schema |= {"type": "integer", "minimum": 0}
        case Encoding.COUNTER:
            schema |= {"type": "number", "minimum": 0}
        case _:
            schema["type"] = "number"
    if unit:
        schema["unit"] = unit
    return schema


def _insert(tree: dict[str, Any], parts: Sequence[str], leaf: dict[str, Any]) -> None:
    node = tree
    for part in parts[:-1]:
        node = node.setdefault("properties", {}).setdefault(part, {"type": "object"})
    node.setdefault("properties", {})[parts[-1]] = leaf


def vendor_a_schema(units: int, quantities: Sequence[Quantity]) -> dict[str, Any]:
    """Vendor A's DataSet schema for ``units`` skids."""
    schema: dict[str, Any] = {
        "$schema": _DRAFT,
        "$id": A_SCHEMA_ID,
        "title": "VendorA PumpSkid DataSet",
        "description": "The DataSet published by vendor A's OPC UA server (PubSub JSON, DataSetWriterId 1): "
        "one field per variable, named by its browse path joined with dots (PumpSkid1.Pump.Speed), "
        "each a DataValue with Value and SourceTimestamp. Units are UNECE common codes.",
        "x-message-format": "opcua-pubsub-json",  # its messages are PubSub JSON network messages
        "type": "object",
    }
    for unit in range(units):
        for quantity in quantities:
            if quantity.a_path:
                name = quantity.a_path.rsplit("/", 1)[-1]
                _insert(schema, _a_parts(unit, quantity), _field(quantity, "a", name))
    return schema


def vendor_b_schema(units: int, quantities: Sequence[Quantity]) -> dict[str, Any]:
    """Vendor B's message schema for ``units`` skids."""
    schema: dict[str, Any] = {
        "$schema": _DRAFT,
        "$id": B_SCHEMA_ID,
        "title": "VendorB LegacySkid message",
        "description": "A message of vendor B's skid PLC gateway: a timestamp and the PLC tags of every "
        "skid, grouped as analog inputs, digital inputs and counters. Units are UNECE common codes.",
        "type": "object",
        "properties": {
            "ts": {"type": "string", "format": "date-time", "description": "Time of the PLC scan (UTC)."}
        },
        "required": ["ts"],
    }
    for unit in range(units):
        for quantity in quantities:
            if quantity.b_tag:
                title = quantity.b_tag.replace("_", "-")
                _insert(schema, _b_parts(unit, quantity), _field(quantity, "b", title))
    return schema
