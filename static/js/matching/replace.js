// Matching's replacement screen: one place in a pair whose member left. The applicants of the
// pool in that role are opened on this device and scored against the member who stays (their
// answers as kept on this device when the pair was formed, or filled in here); the organiser
// chooses one and only that application's id is sent.
import { api } from "../lib/api.js";
import { $$ } from "../lib/dom.js";
import { message } from "../lib/messages.js";
import { secretsOrUnlock } from "../pages/flag-messages.js";
import { readAnswer } from "../recruitment/answer.js";
import { errorText, loadApplications, openAll } from "../recruitment/applicants-common.js";
import { keptProfile } from "./profiles.js";
import { normaliseCriteria, scoreAll } from "./score.js";
import { names, who, whyLines } from "./view.js";

const { programmeId, pairId, pairCode, role, stays } = document.body.dataset;
const holder = document.getElementById("matching-data");
const parse = (value, fallback) => {
  try {
    return JSON.parse(value) ?? fallback;
  } catch {
    return fallback;
  }
};
const questions = parse(holder?.dataset.questions, { mentor: [], mentee: [] });
const pool = new Set(parse(holder?.dataset.pool, []));
const criteria = normaliseCriteria(parse(holder?.dataset.criteria, null), questions);
const say = (id, text) => { document.getElementById(id).textContent = text; };
const el = (tag, attrs = {}, text) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

let candidates = [];

/** Every candidate's score against the member who stays, best first; the ruled-out apart. */
function rank(people, profile) {
  const mentees = role === "mentee" ? people.map((p) => p.answers) : [profile];
  const mentors = role === "mentee" ? [profile] : people.map((p) => p.answers);
  const scores = scoreAll(mentees, mentors, criteria, questions);
  const cells = people.map((person, k) => ({ person, cell: role === "mentee" ? scores.cell(k, 0) : scores.cell(0, k) }));
  const fits = cells.filter((c) => !c.cell.failed.length).sort((a, b) => b.cell.score - a.cell.score);
  return { fits, out: cells.filter((c) => c.cell.failed.length) };
}

function show(profile) {
  const { fits, out } = rank(candidates, profile);
  const list = document.getElementById("candidates");
  list.replaceChildren(...fits.map(({ person, cell }, n) => {
    const id = `choose-${person.id}`;
    const li = el("li", { class: "suggestion", "data-application": person.id });
    const label = el("label", { for: id, class: "check" });
    const radio = el("input", { type: "radio", name: "candidate", id, value: person.id });
    if (n === 0) radio.checked = true;
    label.append(radio, " ", who(person));
    li.append(label, el("p", { class: "score" }, message("score", { score: cell.score })));
    const why = el("ul", { class: "why" });
    for (const line of whyLines(cell)) why.append(el("li", {}, line));
    li.append(why);
    return li;
  }));
  document.getElementById("ruled-out").replaceChildren(...out.map(({ person, cell }) =>
    el("li", { "data-application": person.id }, message("ruled-out", { who: who(person), list: names(cell.failed) }))));
  document.getElementById("send-replacement").disabled = !fits.length;
  say("matching-status", fits.length ? message("candidates-ready", { count: fits.length }) : message("no-candidates"));
}

function typedProfile() {
  const answers = {};
  for (const block of $$(".question", document.getElementById("profile-form"))) {
    const value = readAnswer(block);
    if (value !== undefined) answers[block.dataset.key] = value;
  }
  return answers;
}

async function load(secrets) {
  say("matching-status", message("loading"));
  const data = await loadApplications();
  const open = data.applications.filter((a) => pool.has(a.status) && a.role === role);
  const opened = await openAll(secrets, open);
  candidates = open.filter((a) => opened.get(a.application_id)).map((a) => {
    const answers = opened.get(a.application_id);
    return { id: a.application_id, email: a.email, answers, name: typeof answers.name === "string" ? answers.name.trim() : "" };
  });
  const kept = await keptProfile(programmeId, pairCode, stays);
  const form = document.getElementById("profile-form");
  if (kept) {
    say("profile-source", message("profile-kept"));
    show(kept);
    return;
  }
  form.hidden = false;
  say("profile-source", message("profile-needed"));
  say("matching-status", message("profile-needed"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say("profile-source", message("profile-typed"));
    show(typedProfile());
  });
}

async function choose(event) {
  event.preventDefault();
  const chosen = document.querySelector('#candidates input[name="candidate"]:checked');
  if (!chosen) {
    say("choose-status", message("choose-first"));
    return;
  }
  const person = candidates.find((p) => p.id === chosen.value);
  const button = document.getElementById("send-replacement");
  button.disabled = true;
  say("choose-status", message("sending"));
  try {
    const path = `/api/v1/organiser/programmes/${encodeURIComponent(programmeId)}/matching/pairs/${encodeURIComponent(pairId)}/${role}`;
    await api("POST", path, { application_id: person.id });
    say("choose-status", message("sent", { who: who(person) }));
    for (const input of $$("#choose-form input")) input.disabled = true;
  } catch (err) {
    say("choose-status", errorText(err));
    button.disabled = false;
  }
}

async function start() {
  document.getElementById("choose-form").addEventListener("submit", choose);
  const begin = async (secrets) => {
    try {
      await load(secrets);
    } catch (err) {
      say("matching-status", errorText(err));
    }
  };
  const secrets = await secretsOrUnlock(begin);
  if (secrets) await begin(secrets);
}

if (document.body.dataset.page === "matching-replace") start();
