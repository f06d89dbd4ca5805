// Recovery codes (crypto/recovery.py; docs/PROTOCOL.md §3.2): 16 random bytes shown once as 28
// Crockford base32 characters, and the two values derived from them.
import { checkBytes, utf8 } from "./_codec.js";
import { hkdfAesKey, hkdfSha256, sha } from "./_primitives.js";
import { randomBytes } from "./_random.js";
import { fail } from "./errors.js";

const EMPTY = new Uint8Array(0);
const LABEL_RECOVERY = "pairbook/v1/recovery";
const LABEL_RECOVERY_AUTH = "pairbook/v1/recovery-auth";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ALIASES = { O: "0", I: "1", L: "1" };
const CODE_LEN = 16;

async function checksum(code) {
  const digest = await sha("SHA-256", code);
  return (digest[0] << 4) | (digest[1] >> 4);
}

/** 16 bytes + 12 checksum bits as 7 groups of 4 Crockford base32 characters. */
export async function formatRecoveryCode(code) {
  checkBytes(code, CODE_LEN);
  let value = 0n;
  for (const b of code) value = (value << 8n) | BigInt(b);
  value = (value << 12n) | BigInt(await checksum(code));
  let chars = "";
  for (let i = 27; i >= 0; i -= 1) chars += CROCKFORD[Number((value >> BigInt(5 * i)) & 31n)];
  return chars.match(/.{4}/g).join("-");
}

/** A fresh recovery code in display form (draws 16 bytes). @returns {Promise<string>} */
export const newRecoveryCode = () => formatRecoveryCode(randomBytes(CODE_LEN));

/** The 16 code bytes; exactly the parsing steps of §3.2. @returns {Promise<Uint8Array>} */
export async function parseRecoveryCode(text) {
  if (typeof text !== "string" || /[^\x00-\x7f]/.test(text)) fail();
  const cleaned = Array.from(text.toUpperCase().replaceAll(" ", "").replaceAll("-", ""), (c) => ALIASES[c] ?? c);
  if (cleaned.length !== 28 || cleaned.some((c) => !CROCKFORD.includes(c))) fail();
  let value = 0n;
  for (const c of cleaned) value = (value << 5n) | BigInt(CROCKFORD.indexOf(c));
  const code = new Uint8Array(CODE_LEN);
  for (let i = CODE_LEN - 1, rest = value >> 12n; i >= 0; i -= 1, rest >>= 8n) code[i] = Number(rest & 0xffn);
  if (Number(value & 0xfffn) !== (await checksum(code))) fail();
  return code;
}

/** The key that wraps the account key for recovery: non-extractable AES-GCM. */
export const recoveryKey = (code) => hkdfAesKey(checkBytes(code, CODE_LEN), EMPTY, utf8(LABEL_RECOVERY));
/** What the server checks before a reset (32 bytes). */
export const recoveryAuth = (code) => hkdfSha256(checkBytes(code, CODE_LEN), EMPTY, utf8(LABEL_RECOVERY_AUTH));
/** `recoveryAuth` straight from a typed recovery code. @returns {Promise<Uint8Array>} */
export const recoveryAuthFromCode = async (text) => recoveryAuth(await parseRecoveryCode(text));
