// A sealed survey answer (docs/PROTOCOL.md §12, "Survey answers"): like an application, the
// member's browser draws a one-time identity whose user id is the answer id and seals one copy
// of the answers to each organiser of the programme. The member's own keys are not used, so
// nothing in the copy says who sent it unless they signed it inside the body.
import { newEntryId, newIdentity, openMessage, sealMessage, verifyBundle } from "../crypto/index.js";

export const FORMAT = "pairbook/survey-answer/v1";
export const MSG_TYPE = "survey-answer";
const KINDS = new Set(["midpoint", "end", "longterm"]);
const ROLES = new Set(["mentor", "mentee"]);
const QID = /^q[0-9]{1,4}$/;
const OID = /^o[0-9]{1,4}$/;

const isValue = (value) =>
  (typeof value === "string" && value.length <= 4000)
  || (Number.isInteger(value) && value >= 1 && value <= 5)
  || typeof value === "boolean"
  || (Array.isArray(value) && value.every((v) => typeof v === "string" && OID.test(v)));

/**
 * The body of the protocol, checked: survey kind, role, answers by question id, signed.
 * @returns {object} the body
 */
export function checkBody(body) {
  if (!body || typeof body !== "object" || body.schema !== 1 || body.format !== FORMAT) throw new TypeError("format");
  if (!KINDS.has(body.survey) || !ROLES.has(body.role)) throw new TypeError("survey");
  const { answers, signed } = body;
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) throw new TypeError("answers");
  for (const [key, value] of Object.entries(answers)) {
    if (!QID.test(key) || !isValue(value)) throw new TypeError(key);
  }
  if (signed !== null) {
    if (!signed || typeof signed.name !== "string" || typeof signed.pair !== "string") throw new TypeError("signed");
  }
  return body;
}

/** A fresh answer id (the idempotency key too: a retry sends the same one). */
export const newAnswerId = () => newEntryId();

const ctxFor = (programmeId, answerId, recipientId) => ({
  msgType: MSG_TYPE, programmeId, messageId: answerId, senderId: answerId, recipientId,
});

/**
 * Seal an answer to every organiser (each bundle verified against its user id first).
 * @param {{programmeId: string, answerId: string, survey: string, role: string, answers: object,
 *   signed: null|{name: string, pair: string}, organisers: {user_id: string, bundle: object}[]}} args
 * @returns {Promise<{answer_id: string, bundle: object, copies: {recipient_id: string, sealed: object}[]}>}
 */
export async function sealSurveyAnswer({ programmeId, answerId, survey, role, answers, signed = null, organisers }) {
  const body = checkBody({ schema: 1, format: FORMAT, survey, role, answers, signed });
  if (!Array.isArray(organisers) || organisers.length === 0) throw new TypeError("organisers");
  const identity = await newIdentity(answerId);
  const copies = [];
  for (const organiser of organisers) {
    const bundle = await verifyBundle(organiser.bundle, organiser.user_id);
    copies.push({
      recipient_id: organiser.user_id,
      sealed: await sealMessage(identity, bundle, ctxFor(programmeId, answerId, organiser.user_id), body),
    });
  }
  return { answer_id: answerId, bundle: identity.bundle.json, copies };
}

/**
 * Open the copy sealed to me: `answer` has `answer_id`, `bundle`, `sealed` (as the organiser's
 * API lists them). Throws CryptoError when it does not verify, TypeError when it is not an
 * answer to `survey`.
 * @returns {Promise<object>} the body
 */
export async function openSurveyAnswer(myIdentity, answer, programmeId, survey) {
  const sender = await verifyBundle(answer.bundle, answer.answer_id);
  const body = await openMessage(
    myIdentity, sender, ctxFor(programmeId, answer.answer_id, myIdentity.userId), answer.sealed,
  );
  checkBody(body);
  if (body.survey !== survey) throw new TypeError("survey");
  return body;
}
