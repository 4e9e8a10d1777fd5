#!/usr/bin/env node
// A node-opcua OPC UA client for Tolka's interop tests: one command per run, JSON lines on stdout.
//
//   node client.mjs --pki DIR cert
//   node client.mjs --endpoint URL --pki DIR [--security POLICY] [--mode MODE] [--user NAME]
//                   [--trust-server] [--timeout S] COMMAND [ARGS...]
//
//   --endpoint URL    opc.tcp://127.0.0.1:PORT/...
//   --pki DIR         the client's PKI folder in OPCUACertificateManager layout (own/certs, own/private,
//                     trusted/certs, trusted/crl, issuers/certs, issuers/crl, rejected/; created when
//                     missing). Its own certificate, own/certs/client_certificate.pem (self-signed,
//                     SubjectAltName: the application URI, DNS localhost and this host's name,
//                     IP 127.0.0.1), and key own/private/private_key.pem are made on first use.
//   --security P      None (default) | Basic256Sha256 | Aes128_Sha256_RsaOaep | Aes256_Sha256_RsaPss
//   --mode M          None (default) | Sign | SignAndEncrypt
//   --user NAME       user name identity; the password is read from the environment variable
//                     NODE_OPCUA_PASSWORD (required with --user). Default: anonymous.
//   --trust-server    accept an unknown server certificate (and add it to trusted/certs). Default: a
//                     secured connection needs the server certificate in trusted/certs (or issued by a
//                     CA there); otherwise connecting fails, and the certificate is put in rejected/.
//   --timeout S       the whole run's limit in seconds (default 60; subscribe adds its --seconds);
//                     within it, connecting is limited to 10 s and creating the session to 10 s
//   --application-uri U   the client's applicationUri (default urn:tolka:interop:node-opcua:client)
//
// Commands (node ids are ns=N;i=.. / ns=N;s=.. etc. or nsu=URI;i=.., resolved through the NamespaceArray):
//   cert                      no connection: {"event":"cert","certificate":ABS_PATH,"applicationUri":URI}
//   browse                    {"event":"namespaces","uris":[...]} once, then for every node of a non-zero
//                             namespace reachable from Objects over hierarchical references:
//                             {"event":"node","nodeId":"ns=2;i=6061","browseName":"Speed",
//                              "displayName":"Speed","nodeClass":"Variable","namespaceUri":URI}
//   read NODEID...            per node: {"event":"read","nodeId":AS_GIVEN,"value":..,"dataType":"Double",
//                              "statusCode":"Good","sourceTimestamp":ISO|null,"serverTimestamp":ISO|null}
//   subscribe NODEID... --seconds S [--interval MS]
//                             per monitored item {"event":"monitor","nodeId":..,"statusCode":..}, then per
//                             data change {"event":"data", same fields as read}; ends after S seconds
//                             (publishing and sampling interval MS, default 100)
//   write NODEID VALUE --type Double|Float|Int32|UInt32|Boolean|String    (VALUE may be negative: -5)
//                             {"event":"write","nodeId":AS_GIVEN,"value":..,"dataType":..,"statusCode":..}
// Bad status codes of reads and writes are data (exit code 0). A node id that does not parse, or whose
// nsu= namespace the server does not know, is read/written as BadNodeIdInvalid / BadNodeIdUnknown.
//
// Exit codes: 0 done; 1 usage error ({"event":"error","stage":"usage",...}); 2 could not connect or
// create/activate the session, printed as {"event":"error","stage":"connect"|"session","message":...,
// "statusCode":NAME|null}; 3 a later failure, a crash or the --timeout ran out ({"event":"error",
// "stage":"namespaces"|"browse"|"read"|"subscribe"|"write"|"crash"|"timeout",...}).

import {
    describeError,
    emit,
    ensurePkiFolders,
    exitAfterFlush,
    isExiting,
    isoOrNull,
    jsonValue,
} from "./common.mjs";

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import {
    AttributeIds,
    BrowseDirection,
    ClientMonitoredItem,
    DataType,
    MessageSecurityMode,
    NodeClass,
    OPCUACertificateManager,
    OPCUAClient,
    resolveNodeId,
    SecurityPolicy,
    StatusCodes,
    TimestampsToReturn,
    UserTokenType,
    VariantArrayType,
} from "node-opcua";

const DEFAULT_APPLICATION_URI = "urn:tolka:interop:node-opcua:client";
const CONNECT_TIMEOUT_MS = 10_000;
const SESSION_TIMEOUT_MS = 10_000;
const SECURITY_POLICIES = ["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"];
const MODES = ["None", "Sign", "SignAndEncrypt"];
const WRITE_TYPES = ["Double", "Float", "Int32", "UInt32", "Boolean", "String"];
const HIERARCHICAL_REFERENCES = "i=33";
const MAX_BROWSED_NODES = 50_000;

class UsageError extends Error {}

class StageError extends Error {
    constructor(stage, cause) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.stage = stage;
        this.cause = cause;
    }
}

/** Rejects with a StageError when `promise` takes longer than `ms`. */
function within(stage, ms, promise) {
    let timer;
    const timeout = new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new StageError(stage, new Error(`${stage} timed out after ${ms} ms`))), ms);
    });
    return Promise.race([
        promise.catch((err) => {
            throw err instanceof StageError ? err : new StageError(stage, err);
        }),
        timeout,
    ]).finally(() => clearTimeout(timer));
}

// a negative number (a write's VALUE) is an argument, not an option: hidden from parseArgs behind a marker
const NEGATIVE = "\u0000";

function parseCommandLine() {
    const argv = process.argv.slice(2).map((arg) => (/^-(\d|\.\d|Infinity$)/.test(arg) ? NEGATIVE + arg : arg));
    const { values, positionals: marked } = parseArgs({
        args: argv,
        options: {
            endpoint: { type: "string" },
            pki: { type: "string" },
            security: { type: "string", default: "None" },
            mode: { type: "string", default: "None" },
            user: { type: "string" },
            "trust-server": { type: "boolean", default: false },
            timeout: { type: "string", default: "60" },
            seconds: { type: "string" },
            interval: { type: "string", default: "100" },
            type: { type: "string" },
            "application-uri": { type: "string", default: DEFAULT_APPLICATION_URI },
        },
        strict: true,
        allowPositionals: true,
    });
    const positionals = marked.map((arg) => (arg.startsWith(NEGATIVE) ? arg.slice(1) : arg));
    const [command, ...args] = positionals;
    if (!command || !["cert", "browse", "read", "subscribe", "write"].includes(command)) {
        throw new UsageError("a command is required: cert, browse, read, subscribe or write");
    }
    if (!values.pki) {
        throw new UsageError("--pki DIR is required");
    }
    if (!SECURITY_POLICIES.includes(values.security)) {
        throw new UsageError(`--security must be one of ${SECURITY_POLICIES.join(", ")}`);
    }
    if (!MODES.includes(values.mode)) {
        throw new UsageError(`--mode must be one of ${MODES.join(", ")}`);
    }
    if ((values.security === "None") !== (values.mode === "None")) {
        throw new UsageError("--security None goes with --mode None, and only with it");
    }
    const timeout = Number(values.timeout);
    if (!(timeout > 0)) {
        throw new UsageError("--timeout must be a positive number of seconds");
    }
    let password;
    if (values.user !== undefined) {
        password = process.env.NODE_OPCUA_PASSWORD;
        if (password === undefined || password === "") {
            throw new UsageError("--user needs the password in the environment variable NODE_OPCUA_PASSWORD");
        }
    }
    let seconds = 0;
    if (command !== "cert" && !values.endpoint) {
        throw new UsageError("--endpoint URL is required");
    }
    if (command === "read" && args.length === 0) {
        throw new UsageError("read needs at least one NODEID");
    }
    if (command === "subscribe") {
        seconds = Number(values.seconds);
        if (args.length === 0 || !(seconds > 0)) {
            throw new UsageError("subscribe needs NODEID... and --seconds S");
        }
    }
    const interval = Number(values.interval);
    if (!(interval > 0)) {
        throw new UsageError("--interval must be a positive number of milliseconds");
    }
    let writeValue;
    if (command === "write") {
        if (args.length !== 2 || !WRITE_TYPES.includes(values.type)) {
            throw new UsageError(`write needs NODEID VALUE --type ${WRITE_TYPES.join("|")}`);
        }
        writeValue = coerceWriteValue(values.type, args[1]);
    }
    if (["cert", "browse"].includes(command) && args.length > 0) {
        throw new UsageError(`${command} takes no arguments`);
    }
    return {
        command,
        args,
        endpoint: values.endpoint,
        pki: values.pki,
        security: values.security,
        mode: values.mode,
        user: values.user,
        password,
        trustServer: values["trust-server"],
        timeoutMs: timeout * 1000 + seconds * 1000,
        seconds,
        interval,
        type: values.type,
        writeValue,
        applicationUri: values["application-uri"],
    };
}

async function certificateManagerFor(options) {
    const pki = ensurePkiFolders(options.pki);
    const certificateManager = new OPCUACertificateManager({
        rootFolder: pki,
        name: "client",
        automaticallyAcceptUnknownCertificate: options.trustServer,
    });
    await certificateManager.initialize();
    const certificateFile = path.join(pki, "own/certs/client_certificate.pem");
    if (!fs.existsSync(certificateFile) || fs.statSync(certificateFile).size === 0) {
        const hostname = os.hostname();
        await certificateManager.createSelfSignedCertificate({
            applicationUri: options.applicationUri,
            dns: [...new Set(["localhost", hostname])],
            ip: ["127.0.0.1"],
            subject: `/CN=Tolka node-opcua client/O=Tolka interop tests/DC=${hostname}`,
            startDate: new Date(Date.now() - 24 * 3600 * 1000),
            validity: 365,
            outputFile: certificateFile,
        });
    }
    return { certificateManager, certificateFile };
}

function int64ToNumber(dataType, value) {
    if (Array.isArray(value) && value.length === 2) {
        const [high, low] = value;
        const signedHigh = dataType === DataType.Int64 && high > 0x7fffffff ? high - 0x100000000 : high;
        return signedHigh * 0x100000000 + low;
    }
    return jsonValue(value);
}

function variantJson(variant) {
    if (!variant || variant.dataType === DataType.Null) {
        return { value: null, dataType: null };
    }
    const dataType = DataType[variant.dataType] ?? String(variant.dataType);
    if (
        (variant.dataType === DataType.Int64 || variant.dataType === DataType.UInt64) &&
        variant.arrayType === VariantArrayType.Scalar
    ) {
        return { value: int64ToNumber(variant.dataType, variant.value), dataType };
    }
    return { value: jsonValue(variant.value), dataType };
}

function dataValueJson(dataValue) {
    return {
        ...variantJson(dataValue.value),
        statusCode: dataValue.statusCode.name,
        sourceTimestamp: isoOrNull(dataValue.sourceTimestamp),
        serverTimestamp: isoOrNull(dataValue.serverTimestamp),
    };
}

/** The node id of `text` in the server's namespace indexes, or a Bad status code name. */
function nodeIdOf(text, namespaceArray) {
    let resolved = text;
    const match = /^nsu=([^;]+);(.+)$/.exec(text);
    if (match) {
        const index = namespaceArray.indexOf(match[1]);
        if (index < 0) {
            return { error: "BadNodeIdUnknown" };
        }
        resolved = `ns=${index};${match[2]}`;
    }
    try {
        return { nodeId: resolveNodeId(resolved) };
    } catch {
        return { error: "BadNodeIdInvalid" };
    }
}

function coerceWriteValue(type, text) {
    switch (type) {
        case "Double":
        case "Float": {
            const number = Number(text);
            if (text.trim() === "" || Number.isNaN(number)) {
                throw new UsageError(`${text} is not a ${type}`);
            }
            return number;
        }
        case "Int32":
        case "UInt32": {
            const number = Number.parseInt(text, 10);
            const [low, high] = type === "Int32" ? [-0x80000000, 0x7fffffff] : [0, 0xffffffff];
            if (!/^[+-]?\d+$/.test(text.trim()) || number < low || number > high) {
                throw new UsageError(`${text} is not an ${type}`);
            }
            return number;
        }
        case "Boolean": {
            const lowered = text.trim().toLowerCase();
            if (["true", "1"].includes(lowered)) {
                return true;
            }
            if (["false", "0"].includes(lowered)) {
                return false;
            }
            throw new UsageError(`${text} is not a Boolean (true/false/1/0)`);
        }
        default:
            return text;
    }
}

async function browseCommand(session, namespaceArray) {
    emit({ event: "namespaces", uris: namespaceArray });
    const seen = new Set(["i=85"]);
    let frontier = [resolveNodeId("ObjectsFolder")];
    while (frontier.length > 0 && seen.size < MAX_BROWSED_NODES) {
        const next = [];
        for (let start = 0; start < frontier.length; start += 100) {
            const batch = frontier.slice(start, start + 100);
            const results = await session.browse(
                batch.map((nodeId) => ({
                    nodeId,
                    browseDirection: BrowseDirection.Forward,
                    referenceTypeId: HIERARCHICAL_REFERENCES,
                    includeSubtypes: true,
                    nodeClassMask: 0,
                    resultMask: 0x3f,
                })),
            );
            for (const result of results) {
                let references = result.references ?? [];
                let continuationPoint = result.continuationPoint;
                while (continuationPoint && continuationPoint.length > 0) {
                    const [more] = await session.browseNext([continuationPoint], false);
                    references = references.concat(more.references ?? []);
                    continuationPoint = more.continuationPoint;
                }
                for (const reference of references) {
                    const target = reference.nodeId;
                    if (target.serverIndex) {
                        continue; // on another server
                    }
                    const key = target.toString();
                    if (seen.has(key)) {
                        continue;
                    }
                    seen.add(key);
                    next.push(resolveNodeId(key));
                    if (target.namespace !== 0) {
                        emit({
                            event: "node",
                            nodeId: key,
                            browseName: reference.browseName.name,
                            displayName: reference.displayName?.text ?? null,
                            nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
                            namespaceUri: namespaceArray[target.namespace] ?? null,
                        });
                    }
                }
            }
        }
        frontier = next;
    }
}

async function readCommand(session, namespaceArray, nodeIds) {
    const resolved = nodeIds.map((text) => ({ text, ...nodeIdOf(text, namespaceArray) }));
    const valid = resolved.filter((item) => item.nodeId);
    const dataValues =
        valid.length > 0
            ? await session.read(
                  valid.map((item) => ({ nodeId: item.nodeId, attributeId: AttributeIds.Value })),
                  0,
              )
            : [];
    const byText = new Map(valid.map((item, index) => [item, dataValues[index]]));
    for (const item of resolved) {
        if (item.error) {
            emit({ event: "read", nodeId: item.text, value: null, dataType: null, statusCode: item.error,
                   sourceTimestamp: null, serverTimestamp: null });
        } else {
            emit({ event: "read", nodeId: item.text, ...dataValueJson(byText.get(item)) });
        }
    }
}

async function subscribeCommand(session, namespaceArray, nodeIds, seconds, interval) {
    const subscription = await session.createSubscription2({
        requestedPublishingInterval: interval,
        requestedLifetimeCount: 600,
        requestedMaxKeepAliveCount: 20,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 1,
    });
    for (const text of nodeIds) {
        const { nodeId, error } = nodeIdOf(text, namespaceArray);
        if (error) {
            emit({ event: "monitor", nodeId: text, statusCode: error });
            continue;
        }
        const item = ClientMonitoredItem.create(
            subscription,
            { nodeId, attributeId: AttributeIds.Value },
            { samplingInterval: interval, discardOldest: true, queueSize: 100 },
            TimestampsToReturn.Both,
        );
        await new Promise((resolve) => {
            item.once("initialized", () => {
                emit({ event: "monitor", nodeId: text, statusCode: StatusCodes.Good.name });
                resolve();
            });
            item.once("err", (message) => {
                const match = /\b(Bad[A-Za-z]+)\b/.exec(String(message));
                emit({ event: "monitor", nodeId: text, statusCode: match ? match[1] : String(message) });
                resolve();
            });
        });
        item.on("changed", (dataValue) => emit({ event: "data", nodeId: text, ...dataValueJson(dataValue) }));
    }
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await subscription.terminate().catch(() => undefined);
}

async function writeCommand(session, namespaceArray, text, value, type) {
    const { nodeId, error } = nodeIdOf(text, namespaceArray);
    let statusCode = error;
    if (!error) {
        const result = await session.write({
            nodeId,
            attributeId: AttributeIds.Value,
            value: { value: { dataType: DataType[type], value } },
        });
        statusCode = result.name;
    }
    emit({ event: "write", nodeId: text, value, dataType: type, statusCode });
}

async function run(options) {
    const { certificateManager, certificateFile } = await certificateManagerFor(options);
    if (options.command === "cert") {
        emit({ event: "cert", certificate: certificateFile, applicationUri: options.applicationUri });
        await certificateManager.dispose();
        return;
    }
    const client = OPCUAClient.create({
        applicationName: "Tolka node-opcua client",
        applicationUri: options.applicationUri,
        clientName: "tolka-interop",
        securityMode: MessageSecurityMode[options.mode],
        securityPolicy: SecurityPolicy[options.security],
        endpointMustExist: false,
        keepSessionAlive: false,
        requestedSessionTimeout: 120_000,
        defaultTransactionTimeout: 15_000,
        transportTimeout: CONNECT_TIMEOUT_MS,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
        clientCertificateManager: certificateManager,
        certificateFile,
        privateKeyFile: certificateManager.privateKey,
    });
    let failedConnection;
    client.on("connection_failed", (err) => {
        failedConnection = err;
    });
    await within("connect", CONNECT_TIMEOUT_MS, client.connect(options.endpoint)).catch((err) => {
        throw failedConnection && err.cause !== failedConnection ? new StageError("connect", failedConnection) : err;
    });
    const identity =
        options.user !== undefined
            ? { type: UserTokenType.UserName, userName: options.user, password: options.password }
            : { type: UserTokenType.Anonymous };
    const session = await within("session", SESSION_TIMEOUT_MS, client.createSession(identity));
    try {
        const namespaceArray = await within("namespaces", 10_000, session.readNamespaceArray());
        const limit = options.timeoutMs;
        switch (options.command) {
            case "browse":
                await within("browse", limit, browseCommand(session, namespaceArray));
                break;
            case "read":
                await within("read", limit, readCommand(session, namespaceArray, options.args));
                break;
            case "subscribe":
                await within(
                    "subscribe",
                    limit,
                    subscribeCommand(session, namespaceArray, options.args, options.seconds, options.interval),
                );
                break;
            case "write":
                await within(
                    "write",
                    limit,
                    writeCommand(session, namespaceArray, options.args[0], options.writeValue, options.type),
                );
                break;
        }
    } finally {
        await within("close", 5000, session.close()).catch(() => undefined);
        await within("disconnect", 5000, client.disconnect()).catch(() => undefined);
        await certificateManager.dispose().catch(() => undefined);
    }
}

async function main() {
    let options;
    try {
        options = parseCommandLine();
    } catch (err) {
        emit({ event: "error", stage: "usage", message: err.message, statusCode: null });
        return exitAfterFlush(1);
    }
    const guard = setTimeout(() => {
        if (isExiting()) {
            return;
        }
        emit({ event: "error", stage: "timeout", message: `no answer within ${options.timeoutMs} ms`,
               statusCode: "BadTimeout" });
        exitAfterFlush(3);
    }, options.timeoutMs);
    try {
        await run(options);
    } catch (err) {
        clearTimeout(guard);
        process.stderr.write(`client: ${err?.cause?.stack ?? err?.stack ?? err}\n`);
        if (err instanceof UsageError) {
            emit({ event: "error", stage: "usage", message: err.message, statusCode: null });
            return exitAfterFlush(1);
        }
        const stage = err instanceof StageError ? err.stage : "run";
        const { message, statusCode } = describeError(err instanceof StageError ? err.cause : err);
        emit({ event: "error", stage, message, statusCode });
        return exitAfterFlush(stage === "connect" || stage === "session" ? 2 : 3);
    }
    clearTimeout(guard);
    return exitAfterFlush(0);
}

process.on("unhandledRejection", (reason) => crash("unhandled rejection", reason));
process.on("uncaughtException", (err) => crash("uncaught exception", err));

function crash(kind, err) {
    process.stderr.write(`client: ${kind}: ${err?.stack ?? err}\n`);
    if (isExiting()) {
        return; // the outcome is out already
    }
    const { message, statusCode } = describeError(err);
    emit({ event: "error", stage: "crash", message: `${kind}: ${message}`, statusCode });
    exitAfterFlush(3);
}

main();
