"""A JSON Schema of OPC UA PubSub JSON messages, written from the tables of OPC 10000-14 v1.05.

Each definition names the table it comes from (v1.05.03 numbering; reference.opcfoundation.org). Member
names, JSON types and value ranges are the tables'; the types' JSON forms are OPC 10000-6's (UInt16 and
UInt32 numbers, DateTime ISO 8601 text, Guid text, NodeId text or the 1.04 object form, StatusCode a
number or ``{"Code", "Symbol"}``). A member the tables do not name is refused, so a misspelt one is
found. Where the spec's examples (Annex A.3, :mod:`tests.interop.pubsub_examples`) omit a member a
later table calls mandatory (a metadata message's ``WriterGroupName``, ``DataSetWriterName`` and
``Timestamp``, mandatory since 1.05.03), the schema leaves it optional: the examples must pass; the
tests check those members in what Tolka writes on their own.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA"]

_UINT16 = {"type": "integer", "minimum": 0, "maximum": 0xFFFF}
_UINT32 = {"type": "integer", "minimum": 0, "maximum": 0xFFFFFFFF}
_BYTE = {"type": "integer", "minimum": 0, "maximum": 0xFF}
_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
_GUID = {"type": "string", "pattern": r"^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$"}
_LOCALIZED_TEXT = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"Locale": {"type": "string"}, "Text": {"type": "string"}},
            "additionalProperties": False,
        },
    ]
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://tolka.dev/schemas/opcua-pubsub-json.schema.json",
    "title": "OPC UA PubSub JSON message (OPC 10000-14 v1.05, 7.2.5)",
    "oneOf": [{"$ref": "#/$defs/NetworkMessage"}, {"$ref": "#/$defs/MetaDataMessage"}],
    "$defs": {
        "NetworkMessage": {
            "description": "7.2.5.3, Table 183: JSON NetworkMessage definition",
            "type": "object",
            "properties": {
                "MessageId": {"type": "string", "minLength": 1},
                "MessageType": {"const": "ua-data"},
                "PublisherId": {"type": "string"},
                "WriterGroupName": {"type": "string"},
                "DataSetClassId": {"type": "string"},
                "Messages": {"type": "array", "items": {"$ref": "#/$defs/DataSetMessage"}},
            },
            "required": ["MessageId", "MessageType", "Messages"],
            "additionalProperties": False,
        },
        "DataSetMessage": {
            "description": "7.2.5.4, Table 184: JSON DataSetMessage definition",
            "type": "object",
            "properties": {
                "DataSetWriterId": _UINT16,
                "DataSetWriterName": {"type": "string"},
                "PublisherId": {"type": "string"},
                "WriterGroupName": {"type": "string"},
                "SequenceNumber": _UINT32,
                "MetaDataVersion": {"$ref": "#/$defs/ConfigurationVersion"},
                "MinorVersion": _UINT32,
                "Timestamp": _TIME,
                "Status": {"$ref": "#/$defs/StatusCode"},
                "MessageType": {"enum": ["ua-keyframe", "ua-deltaframe", "ua-event", "ua-keepalive"]},
                "Payload": {"type": "object"},
            },
            "additionalProperties": False,
            "allOf": [
                {  # a keep-alive has no Payload; key, delta and event frames have one
                    "if": {
                        "properties": {"MessageType": {"const": "ua-keepalive"}},
                        "required": ["MessageType"],
                    },
                    "then": {"not": {"required": ["Payload"]}},
                    "else": {"required": ["Payload"]},
                }
            ],
        },
        "MetaDataMessage": {
            "description": "7.2.5.5.2, Table 185: JSON DataSetMetaData definition",
            "type": "object",
            "properties": {
                "MessageId": {"type": "string", "minLength": 1},
                "MessageType": {"const": "ua-metadata"},
                "PublisherId": {"type": "string"},
                "DataSetWriterId": _UINT16,
                "WriterGroupName": {"type": "string"},
                "DataSetWriterName": {"type": "string"},
                "Timestamp": _TIME,
                "MetaData": {"$ref": "#/$defs/DataSetMetaDataType"},
            },
            "required": ["MessageId", "MessageType", "PublisherId", "DataSetWriterId", "MetaData"],
            "additionalProperties": False,
        },
        "DataSetMetaDataType": {
            "description": "6.2.3.2.3, Table 5 (with the members of DataTypeSchemaHeader, OPC 10000-5)",
            "type": "object",
            "properties": {
                "Namespaces": {"type": "array", "items": {"type": "string"}},
                "StructureDataTypes": {"type": "array"},
                "EnumDataTypes": {"type": "array"},
                "SimpleDataTypes": {"type": "array"},
                "Name": {"type": "string"},
                "Description": _LOCALIZED_TEXT,
                "Fields": {"type": "array", "items": {"$ref": "#/$defs/FieldMetaData"}},
                "DataSetClassId": _GUID,
                "ConfigurationVersion": {"$ref": "#/$defs/ConfigurationVersion"},
            },
            "required": ["Fields"],
            "additionalProperties": False,
        },
        "FieldMetaData": {
            "description": "6.2.3.2.4, Table 7: FieldMetaData structure",
            "type": "object",
            "properties": {
                "Name": {"type": "string", "minLength": 1},
                "Description": _LOCALIZED_TEXT,
                "FieldFlags": _UINT16,
                "BuiltInType": _BYTE,
                "DataType": {"$ref": "#/$defs/NodeId"},
                "ValueRank": {"type": "integer", "minimum": -3},
                "ArrayDimensions": {"type": "array", "items": _UINT32},
                "MaxStringLength": _UINT32,
                "DataSetFieldId": _GUID,
                "Properties": {"type": "array", "items": {"$ref": "#/$defs/KeyValuePair"}},
            },
            "required": ["Name", "BuiltInType", "DataType", "ValueRank"],
            "additionalProperties": False,
        },
        "ConfigurationVersion": {
            "description": "6.2.3.2.6, Table 11: ConfigurationVersionDataType (VersionTimes: UInt32)",
            "type": "object",
            "properties": {"MajorVersion": _UINT32, "MinorVersion": _UINT32},
            "additionalProperties": False,
        },
        "KeyValuePair": {
            "description": "OPC 10000-5 12.21: KeyValuePair (Key a QualifiedName, Value a Variant)",
            "type": "object",
            "properties": {
                "Key": {
                    "anyOf": [
                        {"type": "string"},
                        {
                            "type": "object",
                            "properties": {
                                "Name": {"type": "string"},
                                "Uri": {"type": ["integer", "string"]},
                            },
                            "required": ["Name"],
                            "additionalProperties": False,
                        },
                    ]
                },
                "Value": {"type": "object"},
            },
            "required": ["Key"],
            "additionalProperties": False,
        },
        "NodeId": {
            "description": "OPC 10000-6 5.4.2.10: text (1.05) or the 1.04 object",
            "anyOf": [
                {"type": "string", "pattern": r"^(ns=\d+;|nsu=[^;]+;)?[isgb]=.+$"},
                {
                    "type": "object",
                    "properties": {
                        "IdType": {"enum": [0, 1, 2, 3]},
                        "Id": {"type": ["integer", "string"]},
                        "Namespace": {"type": ["integer", "string"]},
                    },
                    "required": ["Id"],
                    "additionalProperties": False,
                },
            ],
        },
        "StatusCode": {
            "description": "OPC 10000-6 5.4.2.11: a number (1.04 reversible, early 1.05) or {Code, Symbol}",
            "anyOf": [
                _UINT32,
                {
                    "type": "object",
                    "properties": {"Code": _UINT32, "Symbol": {"type": "string"}},
                    "additionalProperties": False,
                },
            ],
        },
    },
}
