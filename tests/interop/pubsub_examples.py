"""The JSON message examples of OPC 10000-14 (PubSub) v1.05, Annex A.3, quoted as test fixtures.

They check the two readers of Tolka's PubSub JSON that Tolka did not write itself: node-opcua's decoders
(``node/pubsub-decode.mjs``) and the JSON Schema written from the spec's tables
(``pubsub_json_schema.py``). Both must read the spec's own examples as the spec means them before
what they say of Tolka's messages counts.

- :data:`SPEC_METADATA`: A.3.1, "the DataSetMetaData message for DataSet1", from
  https://reference.opcfoundation.org/Core/Part14/A.3.1 — quoted up to the end of the third field
  (``Counter``), as far as the stored copy of the page goes; the fixture closes the ``Fields`` array and
  the objects there. (A later edition of the same example writes ``"DataType": "i=1"`` where this one
  has the older NodeId form ``{"Id": 1}``: both are read.)
- :data:`SPEC_DATA`: A.3.4.5, the example "for DataSet1, DataSet2 and DataSet3 with all configurable
  JsonNetworkMessageContentMask and JsonDataSetMessageContentMask flags set to false and no flags set
  for DataSetFieldContentMask", from https://reference.opcfoundation.org/Core/Part14/v105/docs/A.3.4.5 —
  whole, as published.
"""

from __future__ import annotations

__all__ = ["SPEC_DATA", "SPEC_METADATA"]

SPEC_METADATA = """
{
"MessageId": "66D65CA4-92EE-4195-9867-E6E27794B692",
"MessageType": "ua-metadata",
"PublisherId": "MyPublisher",
"DataSetWriterId": 101,
"MetaData": {
"Fields": [
{
"Name": "Active",
"FieldFlags": 0,
"BuiltInType": 1,
"DataType": {"Id": 1},
"ValueRank": -1,
"MaxStringLength": 0,
"DataSetFieldId": "f355bfe8-d5c0-4073-aa89-c8d9d9f8c0c4"
},
{
"Name": "Temperature",
"FieldFlags": 0,
"BuiltInType": 11,
"DataType": {"Id": 11},
"ValueRank": -1,
"MaxStringLength": 0,
"DataSetFieldId": "4b91e1cc-61f5-411a-9fb3-ea9087d2154c"
},
{
"Name": "Counter",
"FieldFlags": 0,
"BuiltInType": 7,
"DataType": {"Id": 7},
"ValueRank": -1,
"MaxStringLength": 0,
"DataSetFieldId": "885d0b3b-8a83-41ae-882a-3a528041140f"
}
]
}
}
"""

SPEC_DATA = """
{
"MessageId":"9279c0b3-da88-45a4-af74-451cebf82db0",
"MessageType":"ua-data",
"PublisherId":"MyPublisher",
"Messages":
[
{
"DataSetWriterId":101,
"SequenceNumber":68468,
"MinorVersion":672341762,
"Timestamp":"2021-09-27T18:45:19.555Z",
"Payload":
{
"Active":true,
"Temperature":25.5,
"Counter":0,
"AdditionalInfo":"The system is running normally (1)"
}
},
{
"DataSetWriterId":102,
"SequenceNumber":25460,
"MinorVersion":672341762,
"Timestamp":"2021-09-27T18:45:19.555Z",
"Status":1073741824,
"Payload":
{
"LocationName":"Building A",
"Coordinate":{"X":0,"Y":0.2},
"Measurements":[20030,20020,20010]
}
},
{
"DataSetWriterId":103,
"SequenceNumber":66915,
"MinorVersion":672341762,
"Timestamp":"2021-09-27T18:45:19.555Z",
"Payload":
{
"BooleanValue":false,
"Int32Value":0,
"Int64Value":"1",
"UInt32Value":1,
"UInt64Value":"1",
"DoubleValue":0.5,
"DateTimeValue":"2021-09-14T07:14:30Z",
"StringValue":"String 1",
"GuidValue":"ebfc352a-3142-4b99-9bbe-89a517d6a77e",
"StatusCodeValue":
{
"Code":2147483648,
"Symbol":"Bad"
},
"LocalizedTextValue":"Localized text 1",
"ByteStringValue":"AAEC",
"NodeIdValue":
{
"IdType":1,
"Id":"Boilers.Boiler #1.PipeX001.ValveX001.Input",
"Namespace":"http://test.org/UA/Data/Instance"
},
"QualifiedNameValue":
{
"Name":"PipeX001",
"Uri":"http://test.org/UA/Data/"
}
}
}
]
}
"""
