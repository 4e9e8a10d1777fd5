"""Which OPC UA DataType a model's datatype name stands for.

Graph nodes name their datatype as their model writes it: JSON Schema (``number``, ``integer``,
``string(date-time)``, ``array<number>``), XML Schema as OWL ranges (``xsd:double``) or an OPC UA
DataType's BrowseName (``Double``, ``UtcTime``, ``EUInformation``). :func:`datatype_of` gives the
base-namespace DataType such a name means and the ValueRank its arrays give; the address space Tolka
builds from a model (:mod:`adapters.opcua.export_plan`) types its variables with it.

Example:
    >>> datatype_of("array<integer>")
    DataTypeOf(node_id='nsu=http://opcfoundation.org/UA/;i=8', value_rank=1, known=True)
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.opcua.ns0 import base_type_id, ua_id
from translator.graph.model import NodeKind

__all__ = ["BASE_DATA_TYPE", "DataTypeOf", "datatype_of", "is_container_datatype"]

BASE_DATA_TYPE = ua_id(24)
"""BaseDataType: a value of any type (what a datatype Tolka cannot name becomes)."""

_NAMED = {
    "boolean": 1, "xsd:boolean": 1,
    "sbyte": 2, "xsd:byte": 2,
    "byte": 3, "xsd:unsignedbyte": 3,
    "int16": 4, "xsd:short": 4,
    "uint16": 5, "xsd:unsignedshort": 5,
    "int32": 6, "xsd:int": 6,
    "uint32": 7, "xsd:unsignedint": 7,
    "integer": 8, "int64": 8, "xsd:long": 8, "xsd:integer": 8, "xsd:negativeinteger": 8,
    "xsd:nonpositiveinteger": 8,
    "uint64": 9, "xsd:unsignedlong": 9, "xsd:nonnegativeinteger": 9, "xsd:positiveinteger": 9,
    "float": 10, "xsd:float": 10,
    "double": 11, "number": 11, "xsd:double": 11, "xsd:decimal": 11,
    "string": 12, "xsd:string": 12, "xsd:normalizedstring": 12, "xsd:token": 12, "xsd:anyuri": 12,
    "xsd:language": 12, "xsd:date": 12, "xsd:time": 12, "xsd:duration": 12, "rdfs:literal": 12,
    "datetime": 13, "xsd:datetime": 13, "xsd:datetimestamp": 13, "string(date-time)": 13,
    "bytestring": 15, "xsd:base64binary": 15, "xsd:hexbinary": 15,
    "localizedtext": 21, "rdf:langstring": 21,
    "utctime": 294,
}  # fmt: skip
"""Lower-case datatype names of JSON Schema, XML Schema and JSON samples → base-namespace numeric id."""

_INTEGERS = frozenset(ua_id(n) for n in (2, 3, 4, 5, 6, 7, 8, 9))
_TEXTS = frozenset({ua_id(12), ua_id(21)})


@dataclass(frozen=True, slots=True)
class DataTypeOf:
    """What a datatype name means in OPC UA.

    Attributes:
        node_id: the DataType (``nsu=http://opcfoundation.org/UA/;i=11``); BaseDataType when unknown.
        value_rank: -1 for a scalar, 1 for an array (``array<number>``), 0 for arrays of arrays.
        known: False when the name is not one Tolka knows (it then stands for BaseDataType).
    """

    node_id: str
    value_rank: int = -1
    known: bool = True

    @property
    def is_integer(self) -> bool:
        """An integer type (SByte … UInt64)."""
        return self.node_id in _INTEGERS

    @property
    def is_text(self) -> bool:
        """String or LocalizedText."""
        return self.node_id in _TEXTS


def _strip_array(name: str) -> tuple[str, int]:
    depth = 0
    while name.startswith("array<") and name.endswith(">"):
        name, depth = name[6:-1], depth + 1
    return name, depth


def is_container_datatype(name: str) -> bool:
    """A datatype that holds members, not a value: ``object``, ``array<object>``, a bare ``array``."""
    inner, depth = _strip_array(name.strip().lower())
    return inner == "object" or (inner == "array" and depth == 0)


def datatype_of(name: str) -> DataTypeOf:
    """The OPC UA DataType of a datatype name (see the module docstring).

    An empty name is BaseDataType (known: the model says nothing); a name Tolka does not know is
    BaseDataType with ``known`` False, so that a caller can say so.
    """
    inner, depth = _strip_array(name.strip())
    rank = -1 if depth == 0 else (1 if depth == 1 else 0)
    if inner in ("", "array"):
        return DataTypeOf(BASE_DATA_TYPE, 1 if inner == "array" else rank)
    numeric = _NAMED.get(inner.lower())
    if numeric is not None:
        return DataTypeOf(ua_id(numeric), rank)
    if inner.lower().startswith("string("):  # JSON Schema formats: date, uuid, uri, email, ... are text
        return DataTypeOf(ua_id(12), rank)
    standard = base_type_id(inner, NodeKind.DATA_TYPE)
    if standard is not None:
        return DataTypeOf(standard, rank)
    return DataTypeOf(BASE_DATA_TYPE, rank, known=False)
