// Encodings shared by the protocol objects (crypto/_codec.py; docs/PROTOCOL.md §1, §7): base64url,
// ids, strict JSON objects, body padding. Every rejection throws CryptoError. No WebCrypto in here.
import { fail } from "./errors.js";

const B64U = /^[A-Za-z0-9_-]*$/;
const B64U_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TYPE = /^[a-z][a-z0-9-]{0,31}$/;
const INTEGER_LITERAL = /^-?(0|[1-9][0-9]*)$/;
export const MAX_INT = Number.MAX_SAFE_INTEGER;
const ENCODER = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF so that JSON.parse rejects it, as the spec (and Python) do.
const DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Base64url without padding. @param {Uint8Array} bytes @returns {string} */
export function b64uEncode(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Strict base64url: no padding, no whitespace, canonical trailing bits.
 * @param {string} text @returns {Uint8Array}
 */
export function b64uDecode(text) {
  if (typeof text !== "string" || !B64U.test(text) || text.length % 4 === 1) fail();
  const rest = text.length % 4;
  if (rest) {
    // The low bits of the last character that carry no data must be zero.
    const last = B64U_ALPHABET.indexOf(text[text.length - 1]);
    if (last & (rest === 2 ? 0x0f : 0x03)) fail();
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** @param {string} hex @returns {Uint8Array} */
export function hexToBytes(hex) {
  if (typeof hex !== "string" || hex.length % 2 || /[^0-9a-f]/i.test(hex)) fail();
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** @param {Uint8Array} bytes @returns {string} lowercase hex */
export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** UTF-8 of a string; non-strings and lone surrogates are rejected. @returns {Uint8Array} */
export function utf8(text) {
  if (typeof text !== "string" || !text.isWellFormed()) fail();
  return ENCODER.encode(text);
}

/** @param {...Uint8Array} parts @returns {Uint8Array} */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** For public values only: not constant-time. */
export function equalBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** An id (user, notebook, entry, programme, message). @returns {string} */
export function checkId(value) {
  if (typeof value !== "string" || !ID.test(value)) fail();
  return value;
}

/** An entry or message type. @returns {string} */
export function checkType(value) {
  if (typeof value !== "string" || !TYPE.test(value)) fail();
  return value;
}

/** A JSON integer in [minimum, 2^53 - 1]; booleans and fractions are not integers. */
export function checkInt(value, minimum = 1) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum || value > MAX_INT) fail();
  return value;
}

/** Raw bytes of an exact length. @returns {Uint8Array} */
export function checkBytes(value, length) {
  if (!(value instanceof Uint8Array) || value.length !== length) fail();
  return value;
}

/** `obj[key]` decoded as strict base64url, optionally of an exact length. */
export function b64uField(obj, key, length = null) {
  const data = b64uDecode(obj[key]);
  if (length !== null && data.length !== length) fail();
  return data;
}

const isPlainObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

// JSON.parse turns `1.0` and `1e0` into the integer 1, while Python's json module (and so the
// other implementation) reads them as floats, which are not integers. The reviver's source text
// (ES2024 JSON.parse source access) tells them apart; such numbers become this marker, which no
// check accepts.
const NOT_AN_INTEGER = Object.freeze({ notAnInteger: true });
const writtenAsFloat = (value, context) =>
  typeof value === "number" && context?.source !== undefined && !INTEGER_LITERAL.test(context.source);

function parseText(text, reviver) {
  try {
    return JSON.parse(text, reviver);
  } catch {
    return fail();
  }
}

function decodeText(data) {
  try {
    return DECODER.decode(data);
  } catch {
    return fail();
  }
}

/**
 * A protocol object given as a JS object, JSON text or UTF-8 bytes; with `keys`, exactly those.
 * @param {object|string|Uint8Array} data @param {string[]|null} keys @returns {object}
 */
export function loadObject(data, keys = null) {
  let value = data instanceof Uint8Array ? decodeText(data) : data;
  if (typeof value === "string") {
    value = parseText(value, (_key, v, context) => (writtenAsFloat(v, context) ? NOT_AN_INTEGER : v));
  }
  if (!isPlainObject(value)) fail();
  if (keys !== null) {
    const own = Object.keys(value);
    if (own.length !== keys.length || !keys.every((k) => Object.hasOwn(value, k))) fail();
  }
  return value;
}

const BLOCK = 256;

/** body ‖ 0x80 ‖ zeros, up to the next multiple of 256 bytes. @returns {Uint8Array} */
export function pad(body) {
  const out = new Uint8Array(Math.ceil((body.length + 1) / BLOCK) * BLOCK);
  out.set(body);
  out[body.length] = 0x80;
  return out;
}

/** Strip trailing zeros, then exactly one 0x80. @returns {Uint8Array} */
export function unpad(padded) {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end -= 1;
  if (end === 0 || padded[end - 1] !== 0x80) fail();
  return padded.subarray(0, end - 1);
}

// What Python's json.dumps(allow_nan=False) refuses and JSON.stringify would quietly rewrite:
// NaN/Infinity (to null), lone surrogates (to \u escapes), undefined and functions (dropped).
function strictValue(key, value) {
  if (!key.isWellFormed()) fail();
  if (typeof value === "number" && !Number.isFinite(value)) fail();
  if (typeof value === "string" && !value.isWellFormed()) fail();
  if (typeof value === "undefined" || typeof value === "function" || typeof value === "symbol") fail();
  return value;
}

/**
 * Compact UTF-8 JSON of an entry or message body, `"schema": 1` first unless present.
 * @param {object} body @returns {Uint8Array}
 */
export function encodeBody(body) {
  if (!isPlainObject(body)) fail();
  let value = body;
  if (!Object.hasOwn(body, "schema")) value = { schema: 1, ...body };
  else if (body.schema !== 1) fail();
  let text;
  try {
    text = JSON.stringify(value, strictValue);
  } catch {
    fail();
  }
  return utf8(text);
}

/** Unpad and parse a body: a JSON object whose `schema` is the integer 1. @returns {object} */
export function decodeBody(padded) {
  const text = decodeText(unpad(padded));
  const looseSchema = new Set();
  const body = parseText(text, function track(key, value, context) {
    // Only the top-level "schema" must be an integer literal; other numbers are content.
    if (key === "schema" && writtenAsFloat(value, context)) looseSchema.add(this);
    return value;
  });
  if (!isPlainObject(body) || body.schema !== 1 || looseSchema.has(body)) fail();
  return body;
}
