// A sealed application (docs/PROTOCOL.md §12, "Applications"): the applicant's browser draws a
// one-time identity whose user id is the application id, and seals one copy of the answers to
// each organiser of the programme. Used by the application form and by the organiser's side
// (opening, and sealing imported rows).
import { newEntryId, newIdentity, openMessage, sealMessage, verifyBundle } from "../crypto/index.js";

export const FORMAT = "pairbook/application/v1";
export const MSG_TYPE = "application";
const LISTS = new Set(["languages", "themes", "times"]);
const TEXTS = new Set(["name", "field", "themes_other", "mode", "place", "about"]);

/**
 * The answers object of the protocol, checked: the built-in keys, `q:<id>` for the organiser's
 * questions; strings, lists of strings, and `capacity` a whole number (mentors only).
 * @param {string} role @param {object} answers @returns {object}
 */
export function checkAnswers(role, answers) {
  if (role !== "mentor" && role !== "mentee") throw new TypeError("role");
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) throw new TypeError("answers");
  for (const [key, value] of Object.entries(answers)) {
    const isList = Array.isArray(value) && value.every((v) => typeof v === "string");
    if (key === "capacity") {
      if (role !== "mentor" || !Number.isInteger(value) || value < 1) throw new TypeError(key);
    } else if (LISTS.has(key)) {
      if (!isList) throw new TypeError(key);
    } else if (TEXTS.has(key)) {
      if (typeof value !== "string") throw new TypeError(key);
    } else if (/^q:q[0-9]{1,3}$/.test(key)) {
      if (typeof value !== "string" && !isList) throw new TypeError(key);
    } else {
      throw new TypeError(key);
    }
  }
  return answers;
}

const ctxFor = (programmeId, applicationId, recipientId) => ({
  msgType: MSG_TYPE, programmeId, messageId: applicationId, senderId: applicationId, recipientId,
});

/**
 * Seal an application to every organiser (each bundle verified against its user id first).
 * The one-time identity is dropped afterwards: nobody, not even the applicant, can open a copy.
 * @param {{programmeId: string, role: string, answers: object,
 *   organisers: {user_id: string, bundle: object}[]}} args
 * @returns {Promise<{application_id: string, bundle: object, copies: {recipient_id: string, sealed: object}[]}>}
 */
export async function sealApplication({ programmeId, role, answers, organisers }) {
  checkAnswers(role, answers);
  if (!Array.isArray(organisers) || organisers.length === 0) throw new TypeError("organisers");
  const applicationId = newEntryId();
  const identity = await newIdentity(applicationId);
  const body = { schema: 1, format: FORMAT, role, answers };
  const copies = [];
  for (const organiser of organisers) {
    const bundle = await verifyBundle(organiser.bundle, organiser.user_id);
    copies.push({
      recipient_id: organiser.user_id,
      sealed: await sealMessage(identity, bundle, ctxFor(programmeId, applicationId, organiser.user_id), body),
    });
  }
  return { application_id: applicationId, bundle: identity.bundle.json, copies };
}

/**
 * Open the copy sealed to me. `app` has `application_id`, `bundle` and `sealed` (as the
 * organiser's API lists them); throws CryptoError when it does not verify, TypeError when the
 * body is not an application.
 * @returns {Promise<object>} the answers
 */
export async function openApplication(myIdentity, app, programmeId) {
  const sender = await verifyBundle(app.bundle, app.application_id);
  const body = await openMessage(
    myIdentity, sender, ctxFor(programmeId, app.application_id, myIdentity.userId), app.sealed,
  );
  if (body.format !== FORMAT || (body.role !== "mentor" && body.role !== "mentee")) throw new TypeError("format");
  if (app.role && body.role !== app.role) throw new TypeError("role");
  return checkAnswers(body.role, body.answers);
}

/** openApplication, or null for a copy that does not open (CryptoError) or is no application. */
export async function openOrNull(myIdentity, app, programmeId) {
  try {
    return await openApplication(myIdentity, app, programmeId);
  } catch (err) {
    if (err?.name !== "CryptoError" && !(err instanceof TypeError)) throw err;
    return null;
  }
}
