// Confirmations (§7.1): a member signs one exact revision of an entry, so the server cannot
// claim a confirmation nobody gave. Mirrors crypto/confirm.py.
import { b64uDecode, b64uEncode, checkId, checkInt, checkType, concat, utf8 } from "./_codec.js";
import { SIG_LEN, ed25519Sign, ed25519Verify, sha } from "./_primitives.js";
import { parseEnvelope } from "./entry.js";
import { fail } from "./errors.js";

/** b64u(SHA-256(n ‖ ct)) of an envelope: what a confirmation binds of the ciphertext. */
export async function confirmationDigest(envelope) {
  const env = parseEnvelope(envelope);
  return b64uEncode(await sha("SHA-256", concat(env.n, env.ct)));
}

function message(ctx, digest, userId) {
  if (typeof digest !== "string" || b64uDecode(digest).length !== 32) fail();
  return utf8(
    `pairbook/v1/confirm|nb=${checkId(ctx.notebookId)}|entry=${checkId(ctx.entryId)}`
    + `|type=${checkType(ctx.entryType)}|kv=${checkInt(ctx.kv)}|rev=${checkInt(ctx.rev)}`
    + `|author=${checkId(ctx.authorId)}|sha256=${digest}|user=${checkId(userId)}`,
  );
}

/** The signed bytes: the entry's context and a SHA-256 of its nonce and ciphertext. */
export async function confirmationMessage(ctx, envelope, userId) {
  if (parseEnvelope(envelope).kv !== ctx.kv) fail();
  return message(ctx, await confirmationDigest(envelope), userId);
}

/** My confirmation of the entry `ctx` exactly as sealed in `envelope`. @returns {Promise<string>} b64u */
export async function signConfirmation(identity, ctx, envelope) {
  const signed = await confirmationMessage(ctx, envelope, identity.userId);
  return b64uEncode(await ed25519Sign(identity.edPrivate, signed));
}

async function verify(bundle, sig, signed) {
  if (typeof sig !== "string") fail();
  const raw = b64uDecode(sig);
  if (raw.length !== SIG_LEN) fail();
  await ed25519Verify(bundle.ed25519, raw, signed);
}

/** Throws CryptoError unless `sig` is `bundle.user`'s confirmation of exactly this entry. */
export async function verifyConfirmation(bundle, ctx, envelope, sig) {
  await verify(bundle, sig, await confirmationMessage(ctx, envelope, bundle.user));
}

/** As verifyConfirmation, for an older revision of which only the digest is known. */
export async function verifyConfirmationDigest(bundle, ctx, digest, sig) {
  await verify(bundle, sig, message(ctx, digest, bundle.user));
}
