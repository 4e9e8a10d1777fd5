#!/usr/bin/env node
// A strict, secured OPC UA source server built on node-opcua, for Tolka's interop tests.
//
//   node source-server.mjs --port N --pki DIR [--nodeset FILE]... [--user NAME] [--allow-anonymous]
//                          [--security strict|open] [--writable NODEID]... [--no-simulation]
//                          [--application-uri URI]
//
//   --port N             TCP port; the server listens on 127.0.0.1 only, endpoint
//                        opc.tcp://127.0.0.1:N/UA/Source
//   --pki DIR            the server's PKI folder in OPCUACertificateManager layout: own/certs,
//                        own/private, trusted/certs, trusted/crl, issuers/certs, issuers/crl, rejected/
//                        (created when missing). Its own certificate is own/certs/certificate.pem
//                        (self-signed, made on first use; SubjectAltName: the application URI, DNS
//                        localhost and this machine's host name, IP 127.0.0.1), its key
//                        own/private/private_key.pem. A client certificate is accepted only when it is
//                        in trusted/certs (or issued by a CA there / in issuers/certs); an unknown one is
//                        refused and written to rejected/ (automaticallyAcceptUnknownCertificate false)
//                        as "<CN>[<sha1 thumbprint>].pem". Certificates copied into trusted/certs while
//                        the server runs are picked up (folder watchers), but a certificate that is in
//                        rejected/ AND trusted/certs counts as rejected: remove it from rejected/ too.
//                        (node-opcua also keeps a store for X509 user tokens, never offered here, in
//                        DIR/user/, and a lock directory DIR/mutex.)
//   --nodeset FILE       an extra NodeSet2 XML loaded after the standard nodeset (repeatable)
//   --user NAME          accept this user name; its password is read from the environment variable
//                        NODE_OPCUA_PASSWORD (required when --user is given)
//   --allow-anonymous    also accept anonymous sessions (default: anonymous refused)
//   --security strict    (default) only SignAndEncrypt endpoints with Basic256Sha256,
//                        Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss; no None endpoint
//   --security open      the same plus None (and Sign) endpoints
//   --writable NODEID    make this variable writable (AccessLevel and UserAccessLevel CurrentRead |
//                        CurrentWrite), overriding its NodeSet; ns=N;i=.. or nsu=URI;i=.. (repeatable).
//                        Without it every variable keeps the NodeSet's AccessLevel/UserAccessLevel
//                        (the NodeSet2 default is CurrentRead only, so writes are refused).
//   --no-simulation      keep the NodeSet's values (no simulated data changes)
//   --application-uri U  the server's applicationUri (default urn:tolka:interop:node-opcua:source)
//
// Simulation (every Variable of the namespaces of the extra nodesets, scalar values only): Double and
// Float get a new value every 100 ms (a slow sine, period 20 s, amplitude 10 %, around the initial value,
// or around 1000 when that is 0 or missing); UInt32, Int32, UInt16, Int16, Int64 and UInt64 count up by 1
// every 100 ms; Booleans toggle every second. Every update carries a source timestamp. A client write
// re-centres the simulation on the written value (the sine starts again from it, counters go on from it).
//
// Namespace indexes: 0 is OPC UA's, 1 the server's own (its applicationUri), the extra nodesets follow
// (a single --nodeset is ns=2); the "namespaces" of the ready line is the server's NamespaceArray.
//
// stdout carries only JSON lines (node-opcua's own output goes to stderr):
//   {"event":"ready","endpoint":"opc.tcp://127.0.0.1:N/UA/Source","certificate":"/abs/own/certs/certificate.pem",
//    "applicationUri":"...","namespaces":[...],"simulated":COUNT}                        once, when listening
//   {"event":"write","nodeId":"ns=2;i=6061","namespaceUri":"...","value":1500,"dataType":"Double",
//    "user":"NAME or anonymous","sourceTimestamp":ISO}     each client write that was applied (the
//    sourceTimestamp when the client sent one; "attribute"/"indexRange" for other than a whole Value)
//   {"event":"write-refused","nodeId":...,"namespaceUri":...,"value":...,"dataType":...,"user":...,
//    "statusCode":"BadNotWritable"}                                   each client write that was refused
//   {"event":"pki","action":"added"|"changed"|"removed","store":"trusted"|"rejected"|"issuersCerts",
//    "thumbprint":SHA1_HEX,"file":PATH}      a certificate file seen (or refused and written) in the PKI
//   {"event":"error","message":"..."}                    a start-up failure or a crash (exit code 1)
// SIGTERM / SIGINT: clean shutdown, exit code 0.

import { emit, ensurePkiFolders, exitAfterFlush, isExiting, isoOrNull, jsonValue } from "./common.mjs";

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import {
    AttributeIds,
    DataType,
    MessageSecurityMode,
    nodesets,
    NodeClass,
    OPCUACertificateManager,
    OPCUAServer,
    SecurityPolicy,
    StatusCodes,
    Variant,
    VariantArrayType,
} from "node-opcua";

const DEFAULT_APPLICATION_URI = "urn:tolka:interop:node-opcua:source";
let shuttingDown = false; // after SIGTERM/SIGINT, errors are only logged: the exit code stays 0
const RESOURCE_PATH = "/UA/Source";
const TICK_MS = 100;
const SINE_PERIOD_MS = 20_000;

function usage(message) {
    emit({ event: "error", message: `${message} (see the header of source-server.mjs)` });
    return exitAfterFlush(1);
}

function parseCommandLine() {
    const { values } = parseArgs({
        options: {
            port: { type: "string" },
            pki: { type: "string" },
            nodeset: { type: "string", multiple: true, default: [] },
            user: { type: "string" },
            "allow-anonymous": { type: "boolean", default: false },
            security: { type: "string", default: "strict" },
            writable: { type: "string", multiple: true, default: [] },
            "no-simulation": { type: "boolean", default: false },
            "application-uri": { type: "string", default: DEFAULT_APPLICATION_URI },
        },
        strict: true,
        allowPositionals: false,
    });
    const port = Number.parseInt(values.port ?? "", 10);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new Error("--port N is required (1..65535)");
    }
    if (!values.pki) {
        throw new Error("--pki DIR is required");
    }
    if (!["strict", "open"].includes(values.security)) {
        throw new Error("--security must be strict or open");
    }
    let password;
    if (values.user !== undefined) {
        password = process.env.NODE_OPCUA_PASSWORD;
        if (password === undefined || password === "") {
            throw new Error("--user needs the password in the environment variable NODE_OPCUA_PASSWORD");
        }
    }
    for (const file of values.nodeset) {
        if (!fs.existsSync(file)) {
            throw new Error(`--nodeset ${file}: no such file`);
        }
    }
    return {
        port,
        pki: values.pki,
        nodesetFiles: values.nodeset.map((file) => path.resolve(file)),
        user: values.user,
        password,
        allowAnonymous: values["allow-anonymous"],
        security: values.security,
        writable: values.writable,
        simulate: !values["no-simulation"],
        applicationUri: values["application-uri"],
    };
}

/** The server's own certificate, made once: self-signed, SAN with its URI, localhost, host name, 127.0.0.1. */
async function ensureOwnCertificate(certificateManager, certificateFile, applicationUri) {
    if (fs.existsSync(certificateFile) && fs.statSync(certificateFile).size > 0) {
        return;
    }
    const hostname = os.hostname();
    const dns = [...new Set(["localhost", hostname])];
    await certificateManager.createSelfSignedCertificate({
        applicationUri,
        dns,
        ip: ["127.0.0.1"],
        subject: `/CN=Tolka node-opcua source server/O=Tolka interop tests/DC=${hostname}`,
        startDate: new Date(Date.now() - 24 * 3600 * 1000),
        validity: 365,
        outputFile: certificateFile,
    });
}

/** `ns=N;...` or `nsu=URI;...` as a NodeId string with a namespace index. */
function resolveNodeId(addressSpace, text) {
    const match = /^nsu=([^;]+);(.*)$/.exec(text);
    if (!match) {
        return text;
    }
    const index = addressSpace.getNamespaceIndex(match[1]);
    if (index < 0) {
        throw new Error(`${text}: unknown namespace ${match[1]}`);
    }
    return `ns=${index};${match[2]}`;
}

function int64ToNumber(dataType, value) {
    if (Array.isArray(value) && value.length === 2) {
        const [high, low] = value;
        const signedHigh = dataType === DataType.Int64 && high > 0x7fffffff ? high - 0x100000000 : high;
        return signedHigh * 0x100000000 + low;
    }
    return Number(value ?? 0);
}

function numberToInt64(value) {
    const high = Math.floor(value / 0x100000000);
    const low = value - high * 0x100000000;
    return [high < 0 ? high + 0x100000000 : high, low];
}

const INTEGER_RANGES = new Map([
    [DataType.UInt16, [0, 0xffff]],
    [DataType.Int16, [-0x8000, 0x7fff]],
    [DataType.UInt32, [0, 0xffffffff]],
    [DataType.Int32, [-0x80000000, 0x7fffffff]],
    [DataType.UInt64, [0, Number.MAX_SAFE_INTEGER]],
    [DataType.Int64, [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]],
]);

/** A plain number/boolean from a variable's current value. */
function currentNumber(variable, dataType) {
    const value = variable.readValue().value?.value;
    if (dataType === DataType.Boolean) {
        return Boolean(value);
    }
    if (dataType === DataType.Int64 || dataType === DataType.UInt64) {
        return int64ToNumber(dataType, value);
    }
    const number = Number(value ?? 0);
    return Number.isFinite(number) ? number : 0;
}

function isSimulated(addressSpace, variable) {
    if (variable.nodeClass !== NodeClass.Variable) {
        return undefined;
    }
    if (variable.valueRank !== -1 && variable.valueRank !== undefined) {
        return undefined; // arrays and matrices keep their values
    }
    let dataType;
    try {
        dataType = variable.getBasicDataType();
    } catch {
        return undefined;
    }
    const dataTypeNode = addressSpace.findDataType(variable.dataType);
    const enumeration = addressSpace.findDataType("Enumeration");
    if (dataTypeNode && enumeration && dataTypeNode.isSubtypeOf(enumeration)) {
        return undefined; // an enumeration is an Int32 on the wire, but counting through it makes no sense
    }
    if (dataType === DataType.Double || dataType === DataType.Float || dataType === DataType.Boolean) {
        return dataType;
    }
    return INTEGER_RANGES.has(dataType) ? dataType : undefined;
}

class Simulation {
    constructor(addressSpace, namespaceIndexes) {
        this.entries = new Map(); // nodeId string -> state
        this.started = Date.now();
        this.tick = 0;
        for (const index of namespaceIndexes) {
            const namespace = addressSpace.getNamespace(index);
            for (const node of namespace.nodeIterator()) {
                const dataType = isSimulated(addressSpace, node);
                if (dataType === undefined) {
                    continue;
                }
                const initial = currentNumber(node, dataType);
                this.entries.set(node.nodeId.toString(), {
                    variable: node,
                    dataType,
                    ...this.#startState(dataType, initial),
                });
            }
        }
    }

    #startState(dataType, value) {
        if (dataType === DataType.Double || dataType === DataType.Float) {
            const center = value === 0 ? 1000 : value;
            return { center, amplitude: Math.max(Math.abs(center) * 0.1, 1), phaseStart: Date.now(), value };
        }
        return { value };
    }

    /** A client wrote `value`: the simulation goes on from there. */
    recenter(nodeId, variant) {
        const entry = this.entries.get(nodeId);
        if (!entry || !variant) {
            return;
        }
        const value =
            entry.dataType === DataType.Boolean
                ? Boolean(variant.value)
                : entry.dataType === DataType.Int64 || entry.dataType === DataType.UInt64
                  ? int64ToNumber(entry.dataType, variant.value)
                  : Number(variant.value);
        if (entry.dataType === DataType.Double || entry.dataType === DataType.Float) {
            Object.assign(entry, {
                center: value,
                amplitude: Math.max(Math.abs(value) * 0.1, 1),
                phaseStart: Date.now(),
                value,
            });
        } else {
            entry.value = value;
        }
    }

    step() {
        this.tick += 1;
        const now = new Date();
        for (const [nodeId, entry] of this.entries) {
            let value;
            switch (entry.dataType) {
                case DataType.Double:
                case DataType.Float: {
                    const phase = (2 * Math.PI * (now.getTime() - entry.phaseStart)) / SINE_PERIOD_MS;
                    value = entry.center + entry.amplitude * Math.sin(phase);
                    break;
                }
                case DataType.Boolean:
                    if (this.tick % 10 !== 0) {
                        continue;
                    }
                    value = !entry.value;
                    break;
                default: {
                    const [low, high] = INTEGER_RANGES.get(entry.dataType);
                    value = entry.value >= high ? low : entry.value + 1;
                }
            }
            entry.value = value;
            const wire =
                entry.dataType === DataType.Int64 || entry.dataType === DataType.UInt64 ? numberToInt64(value) : value;
            try {
                entry.variable.setValueFromSource(
                    new Variant({ dataType: entry.dataType, arrayType: VariantArrayType.Scalar, value: wire }),
                    StatusCodes.Good,
                    now,
                );
            } catch (err) {
                process.stderr.write(`source-server: no simulation of ${nodeId}: ${err?.stack ?? err}\n`);
                this.entries.delete(nodeId);
            }
        }
    }
}

/** Writes by clients, seen as WriteRequest and WriteResponse on the wire: both applied and refused ones. */
function watchClientWrites(server, simulation) {
    const pending = new Map(); // `${channelId}:${requestHandle}` -> { nodesToWrite, user }
    const addressSpace = server.engine.addressSpace;

    const userOf = (request) => {
        const session = server.engine.getSession(request.requestHeader.authenticationToken, false);
        const token = session?.userIdentityToken;
        return token && typeof token.userName === "string" && token.userName !== "" ? token.userName : "anonymous";
    };

    server.on("request", (request, channel) => {
        if (request.schema?.name !== "WriteRequest") {
            return;
        }
        let user = "anonymous";
        try {
            user = userOf(request);
        } catch {
            // no session (the response will say so)
        }
        pending.set(`${channel.channelId}:${request.requestHeader.requestHandle}`, {
            nodesToWrite: request.nodesToWrite ?? [],
            user,
        });
    });

    server.on("response", (response, channel) => {
        const key = `${channel.channelId}:${response.responseHeader?.requestHandle}`;
        const request = pending.get(key);
        if (!request) {
            return;
        }
        pending.delete(key);
        const serviceResult = response.responseHeader.serviceResult;
        const results = response.schema?.name === "WriteResponse" ? (response.results ?? []) : [];
        request.nodesToWrite.forEach((writeValue, index) => {
            const status = results[index] ?? serviceResult;
            const nodeId = writeValue.nodeId.toString();
            const variant = writeValue.value?.value;
            const event = {
                event: status.isGood() ? "write" : "write-refused",
                nodeId,
                namespaceUri: addressSpace.getNamespaceUri(writeValue.nodeId.namespace) ?? null,
                value: variant ? variantJson(variant) : null,
                dataType: variant ? DataType[variant.dataType] : null,
                user: request.user,
            };
            if (writeValue.attributeId !== AttributeIds.Value) {
                event.attribute = AttributeIds[writeValue.attributeId] ?? writeValue.attributeId;
            }
            if (writeValue.indexRange && !writeValue.indexRange.isEmpty?.()) {
                event.indexRange = writeValue.indexRange.toString();
            }
            if (writeValue.value?.sourceTimestamp) {
                event.sourceTimestamp = isoOrNull(writeValue.value.sourceTimestamp);
            }
            if (!status.isGood()) {
                event.statusCode = status.name;
            } else if (writeValue.attributeId === AttributeIds.Value && simulation) {
                simulation.recenter(nodeId, variant);
            }
            emit(event);
        });
    });
}

function variantJson(variant) {
    if (
        (variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64) &&
        variant.arrayType === VariantArrayType.Scalar
    ) {
        return int64ToNumber(variant.dataType, variant.value);
    }
    return jsonValue(variant.value);
}

async function main() {
    let options;
    try {
        options = parseCommandLine();
    } catch (err) {
        return usage(err.message);
    }
    const pki = ensurePkiFolders(options.pki);
    const certificateFile = path.join(pki, "own/certs/certificate.pem");

    const serverCertificateManager = new OPCUACertificateManager({
        rootFolder: pki,
        name: "source-server",
        automaticallyAcceptUnknownCertificate: false,
    });
    await serverCertificateManager.initialize();
    // what its folder watchers see: certificates copied into trusted/certs or removed from rejected/
    for (const [name, action] of [
        ["certificateAdded", "added"],
        ["certificateChange", "changed"],
        ["certificateRemoved", "removed"],
    ]) {
        serverCertificateManager.on(name, ({ store, fingerprint, filename }) =>
            emit({ event: "pki", action, store, thumbprint: fingerprint, file: filename }),
        );
    }
    await ensureOwnCertificate(serverCertificateManager, certificateFile, options.applicationUri);
    // user X509 tokens are not offered, but node-opcua wants a store for them: keep it inside --pki
    const userCertificateManager = new OPCUACertificateManager({
        rootFolder: path.join(pki, "user"),
        name: "source-server-users",
        automaticallyAcceptUnknownCertificate: false,
    });
    await userCertificateManager.initialize();

    const strict = options.security === "strict";
    const securePolicies = [
        SecurityPolicy.Basic256Sha256,
        SecurityPolicy.Aes128_Sha256_RsaOaep,
        SecurityPolicy.Aes256_Sha256_RsaPss,
    ];
    const server = new OPCUAServer({
        port: options.port,
        host: "127.0.0.1",
        hostname: "127.0.0.1",
        resourcePath: RESOURCE_PATH,
        nodesets: [nodesets.standard, ...options.nodesetFiles],
        serverCertificateManager,
        userCertificateManager,
        certificateFile,
        privateKeyFile: serverCertificateManager.privateKey,
        securityPolicies: strict ? securePolicies : [SecurityPolicy.None, ...securePolicies],
        securityModes: strict
            ? [MessageSecurityMode.SignAndEncrypt]
            : [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: options.allowAnonymous,
        userManager: {
            isValidUser: (userName, password) =>
                options.user !== undefined && userName === options.user && password === options.password,
        },
        serverInfo: {
            applicationUri: options.applicationUri,
            productUri: "urn:tolka:interop:node-opcua",
            applicationName: { text: "Tolka node-opcua source server", locale: "en" },
        },
        buildInfo: { productName: "Tolka node-opcua source server", manufacturerName: "Tolka interop tests" },
        registerServerMethod: undefined,
    });
    await server.initialize();

    const addressSpace = server.engine.addressSpace;
    const ownUri = addressSpace.getOwnNamespace().namespaceUri;
    const namespaces = addressSpace.getNamespaceArray().map((namespace) => namespace.namespaceUri);
    const extraIndexes = namespaces
        .map((uri, index) => ({ uri, index }))
        .filter(({ uri, index }) => index > 0 && uri !== ownUri)
        .map(({ index }) => index);

    for (const text of options.writable) {
        const node = addressSpace.findNode(resolveNodeId(addressSpace, text));
        if (!node || node.nodeClass !== NodeClass.Variable) {
            throw new Error(`--writable ${text}: no such variable`);
        }
        const readWrite = 0x03; // CurrentRead | CurrentWrite
        node.accessLevel = readWrite;
        node.userAccessLevel = readWrite;
    }

    const simulation = options.simulate ? new Simulation(addressSpace, extraIndexes) : undefined;
    watchClientWrites(server, simulation);

    await server.start();
    const timer = simulation ? setInterval(() => simulation.step(), TICK_MS) : undefined;

    const stop = async (signal) => {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        process.stderr.write(`source-server: ${signal}, shutting down\n`);
        if (timer) {
            clearInterval(timer);
        }
        const hardStop = setTimeout(() => exitAfterFlush(0), 5000);
        try {
            await server.shutdown(100);
            await serverCertificateManager.dispose();
            await userCertificateManager.dispose();
        } catch (err) {
            process.stderr.write(`source-server: shutdown: ${err?.stack ?? err}\n`);
        }
        clearTimeout(hardStop);
        await exitAfterFlush(0);
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));

    emit({
        event: "ready",
        endpoint: `opc.tcp://127.0.0.1:${options.port}${RESOURCE_PATH}`,
        certificate: certificateFile,
        applicationUri: options.applicationUri,
        namespaces,
        simulated: simulation ? simulation.entries.size : 0,
    });
}

// node-opcua may leave a stray rejected promise behind (a client that disconnects mid-request): log it
process.on("unhandledRejection", (reason) => {
    process.stderr.write(`source-server: unhandled rejection: ${reason?.stack ?? reason}\n`);
});
process.on("uncaughtException", async (err) => {
    process.stderr.write(`source-server: uncaught exception: ${err?.stack ?? err}\n`);
    if (isExiting() || shuttingDown) {
        return;
    }
    emit({ event: "error", message: `uncaught exception: ${err instanceof Error ? err.message : String(err)}` });
    await exitAfterFlush(1);
});

main().catch(async (err) => {
    process.stderr.write(`source-server: ${err?.stack ?? err}\n`);
    emit({ event: "error", message: err instanceof Error ? err.message : String(err) });
    await exitAfterFlush(1);
});
