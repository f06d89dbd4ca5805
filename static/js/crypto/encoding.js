// Encodings shared by the protocol objects (docs/PROTOCOL.md §1, §7, §17): base64url, ids,
// strict JSON objects, body padding. Every rejection throws CryptoError.

export class CryptoError extends Error {
  constructor() {
    super("cryptographic operation failed");
    this.name = "CryptoError";
  }
}

export const fail = () => {
  throw new CryptoError();
};

const B64U = /^[A-Za-z0-9_-]*$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TYPE = /^[a-z][a-z0-9-]{0,31}$/;
export const MAX_INT = Number.MAX_SAFE_INTEGER;
const ENC = new TextEncoder();

/** @param {Uint8Array} bytes */
export function b64uEncode(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Strict: no padding, no whitespace, canonical trailing bits. @param {string} text */
export function b64uDecode(text) {
  if (typeof text !== "string" || !B64U.test(text) || text.length % 4 === 1) fail();
  // Canonical form: the bits of the last character that carry no data must be zero.
  const rest = text.length % 4;
  if (rest) {
    const last = ALPHABET.indexOf(text[text.length - 1]);
    if (last & (rest === 2 ? 0x0f : 0x03)) fail();
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export function hexToBytes(hex) {
  if (typeof hex !== "string" || hex.length % 2 || /[^0-9a-f]/i.test(hex)) fail();
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** UTF-8 of a string; lone surrogates are rejected. */
export function utf8(text) {
  if (typeof text !== "string") fail();
  if (!text.isWellFormed()) fail();
  return ENC.encode(text);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function checkId(value) {
  if (typeof value !== "string" || !ID.test(value)) fail();
  return value;
}

export function checkType(value) {
  if (typeof value !== "string" || !TYPE.test(value)) fail();
  return value;
}

/** A JSON integer in [minimum, 2^53 - 1]; booleans and fractions are not integers here. */
export function checkInt(value, minimum = 1) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum || value > MAX_INT) fail();
  return value;
}

export function checkBytes(value, length) {
  if (!(value instanceof Uint8Array) || value.length !== length) fail();
  return value;
}

export function b64uField(obj, key, length = null) {
  const data = b64uDecode(obj[key]);
  if (length !== null && data.length !== length) fail();
  return data;
}

function plainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A JSON object given as an object, text or UTF-8 bytes; with `keys`, exactly those keys. */
export function loadObject(data, keys = null) {
  let value = data;
  if (value instanceof Uint8Array) {
    try {
      value = new TextDecoder("utf-8", { fatal: true }).decode(value);
    } catch {
      fail();
    }
  }
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      fail();
    }
  }
  if (!plainObject(value)) fail();
  if (keys !== null) {
    const own = Object.keys(value);
    if (own.length !== keys.length || !keys.every((k) => Object.hasOwn(value, k))) fail();
  }
  return value;
}

const BLOCK = 256;

/** body ‖ 0x80 ‖ zeros up to the next multiple of 256. */
export function pad(body) {
  const out = new Uint8Array(Math.ceil((body.length + 1) / BLOCK) * BLOCK);
  out.set(body);
  out[body.length] = 0x80;
  return out;
}

export function unpad(padded) {
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end -= 1;
  if (end === 0 || padded[end - 1] !== 0x80) fail();
  return padded.subarray(0, end - 1);
}

/** Compact UTF-8 JSON with "schema": 1 first unless present (then it must be 1). */
export function encodeBody(body) {
  if (!plainObject(body)) fail();
  let value = body;
  if (!Object.hasOwn(body, "schema")) value = { schema: 1, ...body };
  else if (body.schema !== 1) fail();
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    fail();
  }
  return utf8(text);
}

export function decodeBody(padded) {
  const body = loadObject(unpad(padded));
  if (body.schema !== 1) fail();
  return body;
}
