// Notes an organiser seals for every organiser of the programme (docs/PROTOCOL.md §8): the
// applicant notes and the planning notes share it, each kind with its own message type and
// body format, so a note of one kind never opens as the other.
import * as p from "../crypto/index.js";
import { trustedSenders, verifyAll } from "./flag-messages.js";

const ctx = (kind, programmeId, noteId, senderId, recipientId) => ({
  msgType: kind.type, programmeId, messageId: noteId, senderId, recipientId,
});

/**
 * Seal `text` as a note of `kind` (`{type, format}`) once for every organiser bundle (mine from
 * my own keys): `{note_id, copies: [{recipient_id, sealed}]}`, the body the server stores.
 */
export async function sealOrganiserNote(secrets, organisers, kind, programmeId, text) {
  const noteId = p.newEntryId();
  const others = organisers.filter((o) => o.user_id !== secrets.userId);
  // Pinned as the flag pages pin them: a key the server swapped throws CryptoError.
  const verified = await verifyAll(others);
  const recipients = [...verified, secrets.identity.bundle];
  const body = { schema: 1, format: kind.format, text };
  const copies = await Promise.all(
    recipients.map(async (bundle) => ({
      recipient_id: bundle.user,
      sealed: await p.sealMessage(secrets.identity, bundle, ctx(kind, programmeId, noteId, secrets.userId, bundle.user), body),
    })),
  );
  return { note_id: noteId, copies };
}

/** The organisers whose notes I trust, by user id (their pinned bundles, and mine). */
export async function noteSenders(secrets, organisers) {
  const senders = await trustedSenders(organisers);
  senders.set(secrets.userId, secrets.identity.bundle);
  return senders;
}

/**
 * Open a note (`{note_id, author_id, sealed}`) of `kind` with `senders` (noteSenders): its text,
 * or null when it was not sealed to me, its author is not trusted or it does not open.
 */
export async function openOrganiserNote(secrets, senders, kind, programmeId, note) {
  const sender = senders.get(note.author_id);
  if (!sender || !note.sealed) return null;
  try {
    const body = await p.openMessage(
      secrets.identity, sender, ctx(kind, programmeId, note.note_id, note.author_id, secrets.userId), note.sealed,
    );
    return body?.format === kind.format && typeof body.text === "string" ? body.text : null;
  } catch (err) {
    if (err?.name !== "CryptoError") throw err;
    return null;
  }
}
