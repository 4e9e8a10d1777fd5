#!/usr/bin/env node
// Reads OPC UA PubSub JSON messages (OPC 10000-14 v1.05, 7.2.5) with node-opcua's own decoders, an
// implementation written independently of Tolka, and prints what node-opcua made of each one.
//
//   node pubsub-decode.mjs < messages.jsonl
//
// Input: one JSON object per line, {"topic": T, "retain": bool, "payload": TEXT}, TEXT being the MQTT
// payload exactly as received (it is parsed here). Output: one JSON object per input line, in order.
//
// node-opcua (npm node-opcua 2.182.2) has no PubSub JSON network-message reader in its open-source
// packages, but it has the parts one is made of: node-opcua-types holds the message structures the
// OPC UA 1.05 nodeset defines for the JSON mapping (JsonNetworkMessage i=19311, JsonDataSetMessage
// i=19312, JsonDataSetMetaDataMessage i=19313, DataSetMetaDataType, ConfigurationVersionDataType,
// EUInformation), and node-opcua-json decodes the OPC 10000-6 JSON encoding into them
// (decodeOPCUA_JSON) and decodes Variants, StatusCodes and DateTimes. This script puts them together the
// way a Subscriber does (a field is a DataValue, or its value alone without a DataSetFieldContentMask):
//
//   ua-metadata  decoded whole as a JsonDataSetMetaDataMessage; the DataSet's fields are remembered by
//                (PublisherId, DataSetWriterId);
//   ua-data      the NetworkMessage header decoded as a JsonNetworkMessage, each DataSetMessage header as
//                a JsonDataSetMessage (their Messages/Payload members are Structure{Any}, which the
//                generic decoder cannot type, so they are taken apart here), and each payload field, a
//                DataValue in the non-reversible field encoding, decoded as a Variant of the BuiltInType
//                the metadata gives that field (opcuaJsonDecodeVariant105), with its StatusCode and
//                SourceTimestamp.
//
// Output for ua-data:
//   {"kind":"data","topic","retain","messageId","messageType","publisherId","writerGroupName",
//    "messages":[{"dataSetWriterId","dataSetWriterName","sequenceNumber","messageType","timestamp",
//                 "metaDataVersion":{"majorVersion","minorVersion"},"minorVersion","status",
//                 "fields":{NAME:{"dataType":"Double","value":..,"statusCode":N,"sourceTimestamp":ISO|null}}}],
//    "problems":[...]}
// for ua-metadata:
//   {"kind":"metadata","topic","retain","messageId","messageType","publisherId","dataSetWriterId",
//    "writerGroupName","dataSetWriterName","timestamp","name","configurationVersion":{..},
//    "fields":[{"name","builtInType","dataType":"ns=0;i=11","valueRank","dataSetFieldId",
//               "engineeringUnits":{"namespaceUri","unitId","displayName"}|null}],"problems":[...]}
// and {"kind":"other",...} / {"kind":"error","problems":[...]} otherwise. "problems" lists what does not
// decode: a value node-opcua refuses for the field's type, a number that is not a UInt16/UInt32, a time
// that is not a time, a payload field the metadata does not know, a data message before its metadata.
//
// One deviation of node-opcua 2.182.2 is worked around and counted: OPC 10000-6 v1.05 5.4.2.16 puts a
// JSON-encoded structure's fields beside its UaTypeId in the ExtensionObject object (UaBody only holds
// binary or XML bodies), while node-opcua reads the fields from UaBody only. Before decoding, an
// ExtensionObject with a UaTypeId and no UaBody is given its fields as UaBody ("workarounds" counts
// them in the output).

import { createRequire } from "node:module";
import readline from "node:readline";

const require = createRequire(import.meta.url);
const json = require("node-opcua-json");
const types = require("node-opcua-types");
const { DataType } = require("node-opcua-variant");

const NAMESPACES = ["http://opcfoundation.org/UA/"];
const NO_BUILDER = {
    getExtensionObjectConstructor(nodeId) {
        throw new Error(`no structure of namespace ${nodeId.namespace} is expected here`);
    }
};
const metadata = new Map(); // `${publisherId}/${dataSetWriterId}` -> {version, fields: Map(name -> builtInType)}

let workarounds = 0;

function isTime(date) {
    return date instanceof Date && !Number.isNaN(date.getTime());
}

function iso(date) {
    return isTime(date) ? date.toISOString() : null;
}

function checkUInt(problems, where, value, bits) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
        problems.push(`${where}: ${JSON.stringify(value)} is not a UInt${bits}`);
    }
}

function inlineBodies(node) {
    // OPC 10000-6 v1.05 5.4.2.16: {UaTypeId, ...fields}; node-opcua 2.182.2 reads {UaTypeId, UaBody}
    if (Array.isArray(node)) {
        return node.map(inlineBodies);
    }
    if (node === null || typeof node !== "object") {
        return node;
    }
    const out = {};
    for (const [key, value] of Object.entries(node)) {
        out[key] = inlineBodies(value);
    }
    if ("UaTypeId" in out && !("UaBody" in out) && !("UaEncoding" in out)) {
        const { UaTypeId, ...fields } = out;
        workarounds += 1;
        return { UaTypeId, UaBody: fields };
    }
    return out;
}

function plain(value, dataType) {
    // a decoded Variant value as JSON: 64-bit integers (node-opcua: [high, low]) as decimal text
    if (Array.isArray(value) && (dataType === DataType.Int64 || dataType === DataType.UInt64)) {
        if (value.length === 2 && value.every(Number.isInteger)) {
            const big = (BigInt(value[0]) << 32n) + BigInt(value[1] >>> 0);
            return (dataType === DataType.Int64 ? BigInt.asIntN(64, big) : big).toString();
        }
    }
    if (value instanceof Date) {
        return iso(value);
    }
    if (Array.isArray(value)) {
        return value.map((v) => plain(v, dataType));
    }
    if (value !== null && typeof value === "object" && typeof value.toJSON === "function") {
        return value.toJSON();
    }
    return value;
}

const DATA_VALUE_KEYS = new Set(["Value", "StatusCode", "SourceTimestamp", "SourcePicoseconds", "ServerTimestamp", "ServerPicoseconds"]);

function decodeField(problems, where, given, builtInType) {
    // a DataValue when the DataSetFieldContentMask asks for one, else the Variant's value alone (6.2.4.2)
    const isDataValue =
        given !== null && typeof given === "object" && !Array.isArray(given) && Object.keys(given).length > 0 &&
        Object.keys(given).every((key) => DATA_VALUE_KEYS.has(key));
    const raw = isDataValue ? given : { Value: given };
    const out = { dataType: DataType[builtInType] ?? String(builtInType), value: null, statusCode: 0 };
    if ("Value" in raw && raw.Value !== null) {
        if (builtInType === DataType.Variant) {
            out.value = raw.Value; // an abstract type: the non-reversible encoding does not say which
        } else {
            try {
                const variant = json.opcuaJsonDecodeVariant105(
                    { UaType: builtInType, Value: raw.Value },
                    NO_BUILDER,
                    NAMESPACES
                );
                out.value = plain(variant.value, builtInType);
                // node-opcua takes any JSON string as a Double and any text as a DateTime: check them
                const floats = builtInType === DataType.Double || builtInType === DataType.Float;
                const special = ["NaN", "Infinity", "-Infinity"]; // OPC 10000-6 5.4.2.4
                const badFloat = floats && [variant.value].flat().some((v) => typeof v !== "number" && !special.includes(v));
                const badTime = builtInType === DataType.DateTime && [variant.value].flat().some((v) => !isTime(v));
                if (badFloat || badTime) {
                    problems.push(`${where}: ${JSON.stringify(raw.Value)} is not a ${out.dataType}`);
                }
            } catch (error) {
                problems.push(`${where}: node-opcua cannot read ${JSON.stringify(raw.Value)} as ${out.dataType}: ${error.message}`);
            }
        }
    }
    if ("StatusCode" in raw) {
        out.statusCode = json.opcuaJsonDecodeStatusCode(raw.StatusCode).value;
    }
    if ("SourceTimestamp" in raw) {
        const time = json.bodyDecodeFunctor(DataType.DateTime)(raw.SourceTimestamp);
        if (!isTime(time)) {
            problems.push(`${where}/SourceTimestamp: ${JSON.stringify(raw.SourceTimestamp)} is not a DateTime`);
        }
        out.sourceTimestamp = iso(time);
    } else {
        out.sourceTimestamp = null;
    }
    return out;
}

function decodeMetadata(pojo, problems) {
    const message = json.decodeOPCUA_JSON(types.JsonDataSetMetaDataMessage, inlineBodies(pojo));
    checkUInt(problems, "DataSetWriterId", message.dataSetWriterId, 16);
    if (!isTime(message.timestamp)) {
        problems.push(`Timestamp: ${JSON.stringify(pojo.Timestamp)} is not a UtcTime`);
    }
    const meta = message.metaData;
    const version = meta.configurationVersion;
    checkUInt(problems, "MetaData/ConfigurationVersion/MajorVersion", version.majorVersion, 32);
    checkUInt(problems, "MetaData/ConfigurationVersion/MinorVersion", version.minorVersion, 32);
    const fields = (meta.fields || []).map((field, k) => {
        checkUInt(problems, `MetaData/Fields/${k}/BuiltInType`, field.builtInType, 8);
        if (!(field.builtInType in DataType) || field.builtInType === 0) {
            problems.push(`MetaData/Fields/${k}: BuiltInType ${field.builtInType} is not a built-in type`);
        }
        let units = null;
        for (const property of field.properties || []) {
            if (property.key.name === "EngineeringUnits") {
                const eu = property.value.value;
                if (!(eu instanceof types.EUInformation)) {
                    problems.push(`MetaData/Fields/${k}: EngineeringUnits is not an EUInformation`);
                } else {
                    units = { namespaceUri: eu.namespaceUri, unitId: eu.unitId, displayName: eu.displayName.text };
                }
            }
        }
        return {
            name: field.name,
            builtInType: field.builtInType,
            dataType: field.dataType.toString(),
            valueRank: field.valueRank,
            dataSetFieldId: field.dataSetFieldId.toString(),
            engineeringUnits: units
        };
    });
    metadata.set(`${message.publisherId}/${message.dataSetWriterId}`, {
        version: { majorVersion: version.majorVersion, minorVersion: version.minorVersion },
        fields: new Map(fields.map((f) => [f.name, f.builtInType]))
    });
    return {
        kind: "metadata",
        messageId: message.messageId,
        messageType: message.messageType,
        publisherId: message.publisherId,
        dataSetWriterId: message.dataSetWriterId,
        writerGroupName: message.writerGroupName,
        dataSetWriterName: message.dataSetWriterName,
        timestamp: iso(message.timestamp),
        name: meta.name,
        configurationVersion: { majorVersion: version.majorVersion, minorVersion: version.minorVersion },
        fields
    };
}

function decodeData(pojo, problems) {
    const { Messages, ...header } = pojo;
    const network = json.decodeOPCUA_JSON(types.JsonNetworkMessage, header);
    if (!Array.isArray(Messages)) {
        problems.push("Messages is not an array of DataSetMessages");
    }
    const messages = (Array.isArray(Messages) ? Messages : []).map((raw, k) => {
        const { Payload, ...dsHeader } = raw;
        const dataset = json.decodeOPCUA_JSON(types.JsonDataSetMessage, dsHeader);
        const where = `Messages/${k}`;
        checkUInt(problems, `${where}/DataSetWriterId`, dataset.dataSetWriterId, 16);
        if ("SequenceNumber" in dsHeader) {
            checkUInt(problems, `${where}/SequenceNumber`, dataset.sequenceNumber, 32);
        }
        if ("Timestamp" in dsHeader && !isTime(dataset.timestamp)) {
            problems.push(`${where}/Timestamp: ${JSON.stringify(dsHeader.Timestamp)} is not a DateTime`);
        }
        const publisherId = network.publisherId || dataset.publisherId;
        const known = metadata.get(`${publisherId}/${dataset.dataSetWriterId}`);
        const version = dataset.metaDataVersion;
        if (known === undefined) {
            problems.push(`${where}: no metadata of PublisherId ${publisherId}, DataSetWriterId ${dataset.dataSetWriterId} yet`);
        } else if ("MetaDataVersion" in dsHeader && version.majorVersion !== known.version.majorVersion) {
            problems.push(`${where}: MetaDataVersion ${version.majorVersion}.${version.minorVersion} is not the metadata's ${known.version.majorVersion}.${known.version.minorVersion}`);
        }
        const fields = {};
        for (const [name, entry] of Object.entries(Payload || {})) {
            const builtInType = known?.fields.get(name);
            if (builtInType === undefined) {
                if (known !== undefined) {
                    problems.push(`${where}/Payload/${name}: a field the metadata does not name`);
                }
                continue;
            }
            fields[name] = decodeField(problems, `${where}/Payload/${name}`, entry, builtInType);
        }
        return {
            dataSetWriterId: dataset.dataSetWriterId,
            dataSetWriterName: dataset.dataSetWriterName,
            sequenceNumber: dataset.sequenceNumber,
            messageType: dataset.messageType,
            timestamp: iso(dataset.timestamp),
            metaDataVersion: { majorVersion: version.majorVersion, minorVersion: version.minorVersion },
            minorVersion: dataset.minorVersion,
            status: dataset.status.value,
            fields
        };
    });
    return {
        kind: "data",
        messageId: network.messageId,
        messageType: network.messageType,
        publisherId: network.publisherId,
        writerGroupName: network.writerGroupName,
        messages
    };
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
    if (!line.trim()) {
        continue;
    }
    const { topic, retain, payload } = JSON.parse(line);
    const problems = [];
    let out;
    try {
        const pojo = JSON.parse(payload);
        if (pojo === null || typeof pojo !== "object" || Array.isArray(pojo)) {
            throw new Error("not a JSON object");
        }
        if (typeof pojo.MessageId !== "string" || pojo.MessageId === "") {
            problems.push("no MessageId (a String, always present: 7.2.5.3, 7.2.5.5.2)");
        }
        if (pojo.MessageType === "ua-metadata") {
            out = decodeMetadata(pojo, problems);
        } else if (pojo.MessageType === "ua-data") {
            out = decodeData(pojo, problems);
        } else {
            out = { kind: "other", messageType: pojo.MessageType ?? null };
        }
    } catch (error) {
        out = { kind: "error" };
        problems.push(`node-opcua could not decode it: ${error.message}`);
    }
    process.stdout.write(`${JSON.stringify({ ...out, topic, retain, problems, workarounds })}\n`);
}
