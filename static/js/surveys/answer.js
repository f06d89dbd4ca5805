// The survey form (templates/surveys/answer.html), signed in or from a single-use link: the
// answers are checked here (the server never sees them), kept as an encrypted draft on this
// device while the member types, sealed to the organisers (sealing.js) and sent with an answer
// id drawn once, so that a retry after a dropped connection is the same answer, never a second.
import { api, ApiError, NetworkError } from "../lib/api.js";
import { $$, byId } from "../lib/dom.js";
import { failure } from "../lib/forms.js";
import { announce, message } from "../lib/messages.js";
import { showProblem } from "../recruitment/answer.js";
import { deleteDraft, loadDraft, saveDraft } from "../storage/drafts.js";
import { newAnswerId, sealSurveyAnswer } from "./sealing.js";

const form = byId("survey-form");
let answerId = null;
let saving = null;

/** The answer of one question as the protocol wants it (undefined = not answered). */
function readAnswer(block) {
  const { kind } = block.dataset;
  const checked = $$("input:checked", block).map((i) => i.value);
  if (kind === "choices") return checked.length ? checked : undefined;
  if (kind === "choice") return checked[0];
  if (kind === "scale") return checked.length ? Number(checked[0]) : undefined;
  if (kind === "yesno") return checked.length ? checked[0] === "yes" : undefined;
  const text = block.querySelector("input, textarea").value.trim();
  return text || undefined;
}

function writeAnswer(block, value) {
  const { kind } = block.dataset;
  if (kind === "short" || kind === "long") {
    block.querySelector("input, textarea").value = typeof value === "string" ? value : "";
    return;
  }
  const wanted = kind === "yesno" ? [value ? "yes" : "no"]
    : Array.isArray(value) ? value : [String(value)];
  for (const input of $$("input", block)) input.checked = wanted.includes(input.value);
}

function readAll() {
  const answers = {};
  for (const block of $$(".question", form)) {
    const value = readAnswer(block);
    if (value !== undefined) answers[block.dataset.qid] = value;
  }
  return answers;
}

/** Every required question answered? Problems shown at the question and in the summary. */
function check() {
  const wrong = [];
  for (const block of $$(".question", form)) {
    const text = block.dataset.required === "true" && readAnswer(block) === undefined ? message("required") : null;
    showProblem(block, text);
    if (text) wrong.push([block, text]);
  }
  const summary = byId("survey-errors");
  byId("survey-error-list").replaceChildren(...wrong.map(([block, text]) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${(block.querySelector("fieldset") ?? block.querySelector("input, textarea")).id}`;
    link.textContent = `${(block.querySelector("legend") ?? block.querySelector("label")).textContent.trim()} – ${text}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      block.querySelector("input, textarea").focus();
    });
    item.append(link);
    return item;
  }));
  summary.hidden = wrong.length === 0;
  if (wrong.length) summary.focus();
  return wrong.length === 0;
}

const signBox = () => byId("survey-sign");
const draftValue = () => ({ answers: readAll(), sign: Boolean(signBox()?.checked), answerId });

function keepDraft() {
  clearTimeout(saving);
  saving = setTimeout(() => { saveDraft(form.dataset.scope, draftValue()).catch(() => {}); }, 250);
}

async function restore() {
  const draft = await loadDraft(form.dataset.scope).catch(() => null);
  if (!draft?.value) return;
  const { answers = {}, sign = false } = draft.value;
  answerId = typeof draft.value.answerId === "string" ? draft.value.answerId : null;
  for (const block of $$(".question", form)) {
    if (block.dataset.qid in answers) writeAnswer(block, answers[block.dataset.qid]);
  }
  if (signBox()) signBox().checked = sign;
  if (Object.keys(answers).length) byId("survey-progress").textContent = message("draft-restored");
}

const say = (text) => { byId("survey-progress").textContent = text; };

async function submit(event) {
  event.preventDefault();
  if (!check()) return;
  const data = form.dataset;
  const fields = byId("survey-fields");
  // The id is drawn once and kept with the draft: a retry is recognised as the same answer.
  answerId ??= newAnswerId();
  clearTimeout(saving);
  await saveDraft(data.scope, draftValue()).catch(() => {});
  fields.disabled = true;
  try {
    say(message("sealing"));
    const signed = signBox()?.checked ? { name: data.signerName, pair: data.signerPair } : null;
    const sealed = await sealSurveyAnswer({
      programmeId: data.programmeId,
      answerId,
      survey: data.kind,
      role: data.role,
      answers: readAll(),
      signed,
      organisers: JSON.parse(data.organisers),
    });
    say(message("sending"));
    await api("POST", data.postUrl, sealed);
    await deleteDraft(data.scope).catch(() => {});
    window.location.assign(data.doneUrl);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      await deleteDraft(data.scope).catch(() => {});
      window.location.assign(data.doneUrl.split("?")[0]);
      return;
    }
    fields.disabled = false;
    const text = error instanceof NetworkError ? message("offline") : failure(error);
    say(text);
    announce(text);
  }
}

if (form) {
  if (globalThis.crypto?.subtle) {
    restore().finally(() => {
      // The handler first: the inputs are never submitted as a plain form.
      form.addEventListener("submit", submit);
      byId("survey-fields").disabled = false;
      form.addEventListener("input", keepDraft);
      form.addEventListener("change", keepDraft);
      form.addEventListener("change", (event) => {
        const block = event.target.closest(".question");
        if (block?.classList.contains("has-error") && readAnswer(block) !== undefined) showProblem(block, null);
      });
    });
  } else {
    say(message("no-crypto"));
  }
}
