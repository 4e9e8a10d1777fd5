// Shared by source-server.mjs and client.mjs. Import it FIRST (before node-opcua): evaluating it moves
// everything that is not ours off stdout, so that stdout carries nothing but our JSON lines.
//
// node-opcua logs warnings with console.log and a few of its tools write to process.stdout directly;
// both end up in process.stdout.write, which is pointed at stderr here. emit() keeps the real one.
// This module imports nothing from node-opcua on purpose (ES modules evaluate in import order, and a
// module's own imports evaluate before its body).

import fs from "node:fs";
import path from "node:path";
import { format } from "node:util";

const realStdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, encoding, callback) => process.stderr.write(chunk, encoding, callback);
for (const name of ["log", "info", "debug", "warn", "trace", "dir"]) {
    console[name] = (...args) => {
        process.stderr.write(`${format(...args)}\n`);
    };
}

/** One JSON object, one line, on the real stdout. */
export function emit(object) {
    realStdoutWrite(`${JSON.stringify(object, jsonReplacer)}\n`);
}

/** Resolves once everything written to stdout and stderr has been handed to the OS. */
export function flushOutput() {
    const drain = (write) => new Promise((resolve) => write("", () => resolve()));
    return Promise.all([drain(realStdoutWrite), drain(process.stderr.write.bind(process.stderr))]);
}

function jsonReplacer(_key, value) {
    if (typeof value === "bigint") {
        return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        return String(value); // NaN and ±Infinity have no JSON spelling
    }
    return value;
}

/** The OPCUACertificateManager folder layout, created where missing. */
export const PKI_FOLDERS = [
    "own/certs",
    "own/private",
    "trusted/certs",
    "trusted/crl",
    "issuers/certs",
    "issuers/crl",
    "rejected",
];

export function ensurePkiFolders(pki) {
    const root = path.resolve(pki);
    for (const folder of PKI_FOLDERS) {
        fs.mkdirSync(path.join(root, folder), { recursive: true });
    }
    return root;
}

/** The error object of an Error or anything thrown, with the OPC UA status code name when one is in it. */
export function describeError(err) {
    const message = err instanceof Error ? err.message : String(err);
    let statusCode = null;
    const candidate = err?.statusCode ?? err?.response?.responseHeader?.serviceResult;
    if (candidate && typeof candidate.name === "string") {
        statusCode = candidate.name;
    } else {
        const match = /\b(Bad[A-Za-z]+)\b/.exec(message);
        if (match) {
            statusCode = match[1];
        }
    }
    return { message, statusCode };
}

/** Rejects with `what timed out after N ms` when `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
    let timer;
    const timeout = new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Variant's value as plain JSON: Int64 pairs and bigints as numbers, dates as ISO, bytes as base64. */
export function jsonValue(value) {
    if (value === null || value === undefined) {
        return null;
    }
    if (typeof value === "bigint") {
        return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    }
    if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? null : value.toISOString();
    }
    if (Buffer.isBuffer(value)) {
        return value.toString("base64");
    }
    if (ArrayBuffer.isView(value)) {
        return Array.from(value, jsonValue);
    }
    if (Array.isArray(value)) {
        return value.map(jsonValue);
    }
    if (typeof value === "object") {
        if (typeof value.toJSON === "function") {
            return value.toJSON();
        }
        if (typeof value.toString === "function" && value.toString !== Object.prototype.toString) {
            return value.toString();
        }
        return { ...value };
    }
    return value;
}

/** ISO 8601 or null (node-opcua uses a zero/minimum date for "no timestamp"). */
export function isoOrNull(date) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime()) || date.getTime() <= Date.UTC(1601, 0, 2)) {
        return null;
    }
    return date.toISOString();
}

let exiting = false;

/** True once exitAfterFlush was called: late errors are then only logged. */
export function isExiting() {
    return exiting;
}

/** Exits with `code` once stdout and stderr are flushed (or after at most one second). */
export async function exitAfterFlush(code) {
    exiting = true;
    await Promise.race([flushOutput(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    process.exit(code);
}
