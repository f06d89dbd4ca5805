// The application form (templates/recruitment/apply.html): every field is checked here, since
// the server never sees the answers; then the answers are sealed to the organisers
// (sealing.js) and only the sealed copies, the email and the language are sent.
import { api, ApiError } from "../lib/api.js";
import { $$, byId } from "../lib/dom.js";
import { failure } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { readAnswer, showProblem } from "./answer.js";
import { sealApplication } from "./sealing.js";

const form = byId("apply-form");
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with one answer, as a sentence of the page, or null. */
function problem(block, value) {
  const { kind, required, maxLen, min, max } = block.dataset;
  if (value === undefined) {
    if (required !== "true") return null;
    if (kind === "consent") return message("privacy");
    if (kind === "many") return message("choose");
    if (kind === "one") return message("choose-one");
    return kind === "email" ? message("email") : message("required");
  }
  if (kind === "email" && !EMAIL.test(value)) return message("email");
  if (kind === "number" && (!Number.isInteger(value) || value < Number(min) || value > Number(max))) {
    return message("number", { min, max });
  }
  if (typeof value === "string" && value.length > Number(maxLen)) return message("too-long", { max: maxLen });
  return null;
}

function labelOf(block) {
  return (block.querySelector("legend") ?? block.querySelector("label")).textContent.trim();
}

/** Check every field; show each problem at its field and in the summary. */
function check() {
  const answers = {};
  let email = null;
  const wrong = [];
  for (const block of $$(".question", form)) {
    const value = readAnswer(block);
    const text = problem(block, value);
    showProblem(block, text);
    if (text) wrong.push([block, text]);
    else if (block.dataset.kind === "email") email = value;
    else if (block.dataset.kind !== "consent" && value !== undefined) answers[block.dataset.key] = value;
  }
  const summary = byId("apply-errors");
  const list = byId("apply-error-list");
  list.replaceChildren(...wrong.map(([block, text]) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    const target = block.querySelector("fieldset") ?? block.querySelector("input, textarea");
    link.href = `#${target.id}`;
    link.textContent = `${labelOf(block)} – ${text}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      (block.querySelector("input, textarea")).focus();
    });
    item.append(link);
    return item;
  }));
  summary.hidden = wrong.length === 0;
  if (wrong.length) summary.focus();
  return wrong.length ? null : { email, answers };
}

function done(id) {
  form.hidden = true;
  const panel = byId(id);
  panel.hidden = false;
  panel.focus();
}

function say(text) {
  byId("apply-progress").textContent = text;
}

async function submit(event) {
  event.preventDefault();
  const checked = check();
  if (!checked) return;
  const { slug, role, programmeId, language } = form.dataset;
  const fields = byId("apply-fields");
  fields.disabled = true;
  try {
    say(message("sealing"));
    const publicCalls = await api("GET", `/api/v1/apply/${encodeURIComponent(slug)}`);
    if (publicCalls.programme_id !== programmeId) throw new Error("programme");
    const sealed = await sealApplication({
      programmeId, role, answers: checked.answers, organisers: publicCalls.organisers,
    });
    say(message("sending"));
    const answer = await api("POST", `/api/v1/apply/${encodeURIComponent(slug)}/${role}`, {
      email: checked.email, language, ...sealed,
    });
    say("");
    done(answer.status === "confirm" ? "apply-confirm" : "apply-received");
  } catch (error) {
    fields.disabled = false;
    if (error instanceof ApiError && error.body?.field === "email") {
      const block = byId("a-email-field");
      showProblem(block, message("email"));
      block.querySelector("input").focus();
      say("");
      return;
    }
    say(failure(error, { 409: "closed" }));
  }
}

if (form) {
  if (globalThis.crypto?.subtle) {
    byId("apply-fields").disabled = false;
    form.addEventListener("submit", submit);
    // A field shown as wrong is checked again as it is corrected, so a fixed error goes away.
    const recheck = (event) => {
      const block = event.target.closest(".question");
      if (block?.classList.contains("has-error")) showProblem(block, problem(block, readAnswer(block)));
    };
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
  } else {
    byId("apply-progress").textContent = message("no-crypto");
  }
}
