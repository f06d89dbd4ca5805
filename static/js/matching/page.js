// The organiser's matching page: opens the applications sealed to me on this device, scores
// every pair under the criteria, assigns in a worker and shows the suggestion with why. The
// organiser's decisions (accept, lock, forbid, pick by hand) stay here; only "Create these
// pairs" sends anything: the chosen application ids and the status for the rest.
import { api } from "../lib/api.js";
import { message } from "../lib/messages.js";
import { secretsOrUnlock } from "../pages/flag-messages.js";
import { errorText, loadApplications, openAll, warmOpeners } from "../recruitment/applicants-common.js";
import { fill, read } from "./criteria-form.js";
import { keepProfiles } from "./profiles.js";
import { assignInWorker, warmUp } from "./run.js";
import { capacityOf, normaliseCriteria, scoreAll } from "./score.js";
import { alternativesOf, finish, prepare } from "./suggest.js";
import { afterFrame, fillPicker, render } from "./view.js";

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
const criteriaPath = () =>
  `/api/v1/organiser/programmes/${encodeURIComponent(document.body.dataset.programmeId)}/matching`;

let secrets = null;
let criteria = normaliseCriteria(parse(holder?.dataset.criteria, null), questions);
const state = {
  mentees: [], mentors: [], scores: null, capacities: [], suggestion: null,
  locks: new Map(), // mentee id → mentor id (kept through every recomputation)
  forbids: new Set(), // "menteeId:mentorId"
  accepted: new Set(), // "menteeId:mentorId", to be created
};

// The first load's milestones, for bench/matching.
const markOnce = (name) => { if (!performance.getEntriesByName(name).length) performance.mark(name); };
// A task right after the next frame: that frame, with what was just put in the page, has been
// painted. Ahead of the tasks already waiting (the drawing's next steps), where the browser can.
const soon = globalThis.scheduler?.postTask
  ? (fn) => globalThis.scheduler.postTask(fn, { priority: "user-blocking" })
  : (fn) => setTimeout(fn, 0);
const afterPaint = (fn) => requestAnimationFrame(() => soon(fn));

const say = (id, text) => { document.getElementById(id).textContent = text; };

// The pick-by-hand form's lists are filled after a load's first cards are shown (they are long).
let pickerStale = false;

// The list asked for while the keys load (the first load only: a later one asks afresh).
let prefetched = null;

async function load() {
  say("matching-status", message("loading"));
  const data = await (prefetched ?? loadApplications());
  prefetched = null;
  markOnce("matching-listed"); // the keys and the list are both here
  const open = data.applications.filter((a) => pool.has(a.status));
  const opened = await openAll(secrets, open);
  const people = open
    .filter((a) => opened.get(a.application_id))
    .map((a) => {
      const answers = opened.get(a.application_id);
      return { id: a.application_id, role: a.role, email: a.email, answers, name: typeof answers.name === "string" ? answers.name.trim() : "" };
    });
  const missing = open.length - people.length;
  state.mentees = people.filter((p) => p.role === "mentee");
  state.mentors = people.filter((p) => p.role === "mentor");
  state.capacities = state.mentors.map((m) => capacityOf(m.answers));
  const known = new Set(people.map((p) => p.id));
  for (const [mentee, mentor] of state.locks) if (!known.has(mentee) || !known.has(mentor)) state.locks.delete(mentee);
  for (const key of [...state.accepted]) if (!key.split(":").every((id) => known.has(id))) state.accepted.delete(key);
  if (missing) say("matching-status", message("cannot-open", { count: missing }));
  performance.mark("matching-opened");
  pickerStale = true;
  await rescore();
}

function rescore() {
  state.scores = scoreAll(state.mentees.map((p) => p.answers), state.mentors.map((p) => p.answers), criteria, questions);
  if (!performance.getEntriesByName("matching-scored").length) performance.mark("matching-scored");
  return recompute();
}

function indexed() {
  const menteeAt = new Map(state.mentees.map((p, i) => [p.id, i]));
  const mentorAt = new Map(state.mentors.map((p, j) => [p.id, j]));
  const pairOf = (key) => {
    const [a, b] = key.split(":");
    return [menteeAt.get(a), mentorAt.get(b)];
  };
  const locks = [...state.locks].map(([a, b]) => [menteeAt.get(a), mentorAt.get(b)]);
  return {
    scores: state.scores,
    capacities: state.capacities,
    locks: locks.filter(([i, j]) => i !== undefined && j !== undefined),
    forbids: [...state.forbids].map(pairOf).filter(([i, j]) => i !== undefined && j !== undefined),
  };
}

async function recompute() {
  say("matching-status", message("computing"));
  const input = indexed();
  const prepared = prepare(input);
  const result = await assignInWorker(prepared.flat, prepared.rows.length, prepared.mentors, {
    capacities: prepared.capacities,
  });
  if (result === null) return; // a newer change is on its way
  if (!performance.getEntriesByName("matching-assigned").length) performance.mark("matching-assigned");
  const suggestion = finish(input, prepared, result);
  state.suggestion = suggestion;
  const focused = document.activeElement;
  const focusKey = focused?.dataset?.action ? `[data-action="${focused.dataset.action}"][data-pair="${focused.dataset.pair ?? ""}"]` : null;
  const keep = focused?.closest?.("#suggestions > li")?.dataset.pair ?? null;
  const drawn = render({ ...state, alternatives: alternativesOf(input, suggestion) }, suggestion, { keep });
  if (focusKey) document.querySelector(focusKey)?.focus();
  markOnce("matching-ready");
  afterPaint(() => markOnce("matching-shown"));
  if (pickerStale) {
    pickerStale = false;
    afterFrame(() => fillPicker(state));
  }
  summarise();
  // Said (and marked for the tests) once every card is there, not while they are being drawn.
  if (!(await drawn.done)) return;
  document.body.dataset.suggested = String(suggestion.pairs.length);
  say("matching-status", message("ready", { pairs: suggestion.pairs.length, unmatched: suggestion.unmatchedMentees.length }));
  afterPaint(() => markOnce("matching-drawn"));
}

function summarise() {
  const rest = restIds().length;
  say("create-summary", message("create-summary", { pairs: state.accepted.size, rest }));
}

/** Everyone in the pool who is not in an accepted pair. */
function restIds() {
  const paired = new Set([...state.accepted].flatMap((k) => k.split(":")));
  return [...state.mentees, ...state.mentors].map((p) => p.id).filter((id) => !paired.has(id));
}

function onAction(event) {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return;
  const action = target.dataset.action;
  if (!action || (event.type === "change") !== (action === "accept")) return;
  const [mentee, mentor] = (target.dataset.pair ?? "").split(":");
  if (action === "accept") {
    const key = target.dataset.pair;
    if (target.checked) {
      state.accepted.add(key);
      state.locks.set(mentee, mentor); // an accepted pair stays as it is
    } else {
      state.accepted.delete(key);
    }
    summarise();
    return;
  }
  if (action === "lock") {
    if (state.locks.get(mentee) === mentor) {
      state.locks.delete(mentee);
      state.accepted.delete(`${mentee}:${mentor}`);
    } else {
      state.locks.set(mentee, mentor);
    }
  } else if (action === "forbid") {
    state.forbids.add(`${mentee}:${mentor}`);
    if (state.locks.get(mentee) === mentor) state.locks.delete(mentee);
    state.accepted.delete(`${mentee}:${mentor}`);
  } else if (action === "pick-this") {
    pick(target.dataset.mentee, target.dataset.mentor);
    return;
  } else {
    return;
  }
  recompute();
}

/** Pick by hand: this mentee with this mentor, locked (any other decision on the mentee goes). */
function pick(mentee, mentor) {
  if (!mentee || !mentor) return;
  for (const key of [...state.accepted]) if (key.startsWith(`${mentee}:`)) state.accepted.delete(key);
  state.forbids.delete(`${mentee}:${mentor}`);
  state.locks.set(mentee, mentor);
  recompute();
}

function pickFromForm(event) {
  event.preventDefault();
  const mentee = document.getElementById("pick-mentee");
  const mentor = document.getElementById("pick-mentor");
  const missing = [mentee, mentor].find((s) => !s.value);
  for (const s of [mentee, mentor]) s.toggleAttribute("aria-invalid", s === missing);
  if (missing) {
    say("pick-status", message("pick-both"));
    missing.focus();
    return;
  }
  say("pick-status", "");
  pick(mentee.value, mentor.value);
}

function acceptAll() {
  for (const pair of state.suggestion?.pairs ?? []) {
    const mentee = state.mentees[pair.mentee].id;
    const mentor = state.mentors[pair.mentor].id;
    state.accepted.add(`${mentee}:${mentor}`);
    state.locks.set(mentee, mentor);
  }
  recompute();
}

function clearDecisions() {
  state.locks.clear();
  state.forbids.clear();
  state.accepted.clear();
  recompute();
}

let timer = null;
function criteriaChanged() {
  criteria = normaliseCriteria(read(document.getElementById("criteria-form")), questions);
  clearTimeout(timer);
  timer = setTimeout(() => { if (secrets) rescore(); }, 150);
}

async function saveCriteria(event) {
  event.preventDefault();
  criteria = normaliseCriteria(read(event.target), questions);
  try {
    await api("PUT", `${criteriaPath()}/criteria`, { criteria });
    say("criteria-status", message("saved"));
  } catch (err) {
    say("criteria-status", errorText(err));
  }
}

async function createPairs(event) {
  event.preventDefault();
  if (!state.accepted.size) {
    say("create-status", message("nothing-accepted"));
    document.getElementById("accept-all")?.focus();
    return;
  }
  const pairs = [...state.accepted].map((key) => {
    const [mentee, mentor] = key.split(":");
    return { mentor_application_id: mentor, mentee_application_id: mentee };
  });
  const status = document.getElementById("rest-status").value;
  const button = document.getElementById("create-pairs");
  button.disabled = true;
  say("create-status", message("creating"));
  try {
    const answer = await api("POST", `${criteriaPath()}/pairs`, { pairs, rest: { status, application_ids: restIds() } });
    // The pairs come back in the order sent: keep both members' matching answers on this device
    // for the replacement screen (their applications are gone from the server now).
    const byId = new Map([...state.mentees, ...state.mentors].map((p) => [p.id, p.answers]));
    await keepProfiles(document.body.dataset.programmeId, pairs.flatMap((p, n) => [
      { code: answer.pairs[n], role: "mentor", answers: byId.get(p.mentor_application_id) },
      { code: answer.pairs[n], role: "mentee", answers: byId.get(p.mentee_application_id) },
    ]));
    state.accepted.clear();
    state.locks.clear();
    state.forbids.clear();
    await load();
    say("create-status", message("created", { pairs: answer.pairs.length, rest: answer.rest }));
  } catch (err) {
    say("create-status", errorText(err));
  } finally {
    button.disabled = false;
  }
}

async function start() {
  performance.mark("matching-boot");
  const form = document.getElementById("criteria-form");
  fill(form, criteria);
  form.addEventListener("change", criteriaChanged);
  form.addEventListener("input", criteriaChanged);
  form.addEventListener("submit", saveCriteria);
  const main = document.getElementById("main");
  main.addEventListener("click", onAction);
  main.addEventListener("change", onAction);
  document.getElementById("accept-all").addEventListener("click", acceptAll);
  document.getElementById("clear-decisions").addEventListener("click", clearDecisions);
  document.getElementById("create-form").addEventListener("submit", createPairs);
  document.getElementById("pick-form").addEventListener("submit", pickFromForm);
  const begin = async () => {
    try {
      await load();
    } catch (err) {
      say("matching-status", errorText(err));
    }
  };
  prefetched = loadApplications();
  prefetched.catch(() => {}); // a failure is said when load() awaits it
  warmUp();
  warmOpeners();
  secrets = await secretsOrUnlock(async (unlocked) => {
    secrets = unlocked;
    await begin();
  });
  if (!secrets) prefetched = null; // the list is asked for afresh once the keys are unlocked
  if (secrets) await begin();
}

if (document.body.dataset.page === "matching") start();
