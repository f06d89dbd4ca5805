// The matching page's lists, built from the suggestion: every name and answer-derived word goes
// in with textContent; the words themselves come from the page's <template id="msg-…">.
import { message } from "../lib/messages.js";
import { explain } from "./score.js";

const el = (tag, attrs = {}, text) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

export const names = (keys) => keys.map((k) => message(`crit-${k}`)).join(", ");

/** A person as the organiser knows them: the name they gave, and the email. */
export const who = (person) => `${person.name || message("no-name")} (${person.email})`;

export function whyLines(cell) {
  const why = explain(cell);
  const out = [];
  const held = why.must.filter((m) => m.held).map((m) => m.key);
  if (why.failed.length) out.push(message("hand-picked", { list: names(why.failed) }));
  if (held.length) out.push(message("musts", { list: names(held) }));
  if (why.for.length) out.push(message("for", { list: names(why.for) }));
  if (why.against.length) out.push(message("against", { list: names(why.against) }));
  if (why.unknown.length) out.push(message("unknown", { list: names(why.unknown) }));
  return out;
}

/** Fill the pick-by-hand form's two lists (once per load: one option per person). */
export function fillPicker(ctx) {
  const options = (select, people, none) => {
    const keep = select.value;
    select.replaceChildren(el("option", { value: "" }, message(none)), ...people.map((p) => el("option", { value: p.id }, who(p))));
    if (people.some((p) => p.id === keep)) select.value = keep;
  };
  options(document.getElementById("pick-mentee"), ctx.mentees, "pick-mentee-none");
  options(document.getElementById("pick-mentor"), ctx.mentors, "pick-none");
}

// A long suggestion is drawn in steps, so that the first cards show without waiting for the
// rest: every card's shell at once (the names, so the list has its length, the page its height
// and Find-in-page the names), the first screenful filled at once and the rest a few cards per
// task, input and frames in between. A filled card is over 400 px tall (about 600 on a laptop,
// 900 on a phone): a screenful is the window's height in those, and one more.
const screenful = () => Math.ceil((window.innerHeight || 800) / 400) + 1;
// A step fills cards for about this long (at most STEP of them): short enough for input to
// wait little, long enough not to spend the drawing on frames in between.
const STEP_MS = 24;
const STEP = 48;

// What every card of one drawing shares: the card's markup (<template id="suggestion-card">,
// its words filled in once) and the words said on each card.
function wordsOf() {
  const card = document.getElementById("suggestion-card").content.cloneNode(true);
  card.querySelector('[data-action="lock"]').textContent = message("lock");
  card.querySelector('[data-action="forbid"]').textContent = message("forbid");
  const pick = document.getElementById("suggestion-alternative").content.firstElementChild.cloneNode(true);
  pick.querySelector("button").textContent = message("pick-this");
  return {
    card, pick, pickThis: message("pick-this"), locked: message("locked-pair"),
    alternatives: message("alternatives"), none: message("no-alternatives"),
  };
}

/** A card's shell: the pair's names, filled in later (`fill`). */
function shell(ctx, pair) {
  const mentee = ctx.mentees[pair.mentee];
  const mentor = ctx.mentors[pair.mentor];
  const li = el("li", { class: "suggestion pending", "data-pair": `${mentee.id}:${mentor.id}` });
  li.append(el("p", { class: "pair-names" }, message("with", { mentee: who(mentee), mentor: who(mentor) })));
  return li;
}

/** One suggested (or locked) pair in full: score, why, alternatives and the decisions. */
function fill(ctx, words, li, pair) {
  const mentee = ctx.mentees[pair.mentee];
  const mentor = ctx.mentors[pair.mentor];
  const cell = ctx.scores.cell(pair.mentee, pair.mentor);
  const key = li.dataset.pair;
  const values = { mentee: who(mentee), mentor: who(mentor) };
  const card = words.card.cloneNode(true);
  const score = card.querySelector(".score");
  score.textContent = message("score", { score: cell.score });
  if (pair.locked) score.append(" · ", el("strong", {}, words.locked));
  const why = card.querySelector(".why");
  for (const line of whyLines(cell)) why.append(el("li", {}, line));
  const alternatives = ctx.alternatives(pair.mentee, pair.mentor);
  card.querySelector(".alternatives-title").textContent = alternatives.length ? words.alternatives : words.none;
  const alt = card.querySelector(".alternatives");
  if (!alternatives.length) alt.remove();
  for (const a of alternatives) {
    const other = ctx.mentors[a.mentor];
    const item = words.pick.cloneNode(true);
    const button = item.firstElementChild;
    item.prepend(`${message(a.free ? "alternative" : "alternative-full", { mentor: who(other), score: a.score })} `);
    button.dataset.mentee = mentee.id;
    button.dataset.mentor = other.id;
    button.setAttribute("aria-label", `${words.pickThis}: ${who(other)}`);
    alt.append(item);
  }
  const accept = card.querySelector('[data-action="accept"]');
  accept.id = `accept-${mentee.id}`;
  accept.dataset.pair = key;
  accept.checked = ctx.accepted.has(key);
  const label = accept.parentElement;
  label.htmlFor = accept.id;
  label.append(` ${message("accept-label", values)}`);
  const lock = card.querySelector('[data-action="lock"]');
  lock.dataset.pair = key;
  lock.setAttribute("aria-pressed", String(pair.locked));
  lock.setAttribute("aria-label", message("lock-label", values));
  const forbid = card.querySelector('[data-action="forbid"]');
  forbid.dataset.pair = key;
  forbid.setAttribute("aria-label", message("forbid-label", values));
  li.append(card);
  li.classList.remove("pending");
}

/**
 * `fn` in a task after the next frame (at once when the page is hidden and draws none): what
 * was just put in the page is shown first, before anything more is added.
 */
export function afterFrame(fn) {
  if (document.hidden) setTimeout(fn, 0);
  else requestAnimationFrame(() => setTimeout(fn, 0));
}

// Each drawing has a number: a newer one stops the steps of the one before.
let drawing = 0;

/**
 * Render the suggestion into the page's lists: the shells of every card, the first screenful
 * (and around the card of the pair `keep`, if any: the one that has the focus) filled now, the rest
 * filled in later tasks. `done` resolves true once every card is filled, false when a newer
 * render took over first.
 * @returns {{done: Promise<boolean>}}
 */
export function render(ctx, suggestion, { keep = null } = {}) {
  drawing += 1;
  const mine = drawing;
  const words = wordsOf();
  const list = document.getElementById("suggestions");
  const shells = suggestion.pairs.map((p) => shell(ctx, p));
  list.replaceChildren(...shells);
  const filled = new Set();
  const fillAt = (n) => {
    if (filled.has(n)) return;
    filled.add(n);
    fill(ctx, words, shells[n], suggestion.pairs[n]);
  };
  const first = screenful();
  for (let n = 0; n < Math.min(first, shells.length); n += 1) fillAt(n);
  // The focused card and a screenful around it too: the part of the list in view after a decision.
  const kept = keep === null ? -1 : shells.findIndex((li) => li.dataset.pair === keep);
  if (kept !== -1) {
    for (let n = Math.max(0, kept - first); n < Math.min(shells.length, kept + first); n += 1) fillAt(n);
  }
  list.setAttribute("aria-busy", String(filled.size < shells.length));
  const unmatched = document.getElementById("unmatched");
  unmatched.replaceChildren(
    ...suggestion.unmatchedMentees.map((u) => {
      const mentee = ctx.mentees[u.mentee];
      return el("li", { "data-mentee": mentee.id },
        message(`reason-${u.reason}`, { mentee: who(mentee), list: names(u.failed) }));
    }),
  );
  const free = document.getElementById("free-mentors");
  free.replaceChildren(
    ...suggestion.unmatchedMentors.map((m) =>
      el("li", {}, message(m.reason, { mentor: who(ctx.mentors[m.mentor]), free: m.free }))),
  );
  const places = ctx.capacities.reduce((a, b) => a + b, 0);
  document.getElementById("matching-summary").textContent = message("summary", {
    mentees: ctx.mentees.length, mentors: ctx.mentors.length, places,
    total: Math.round(suggestion.total * 10) / 10,
  });
  const done = new Promise((resolve) => {
    let next = 0;
    const step = () => {
      if (mine !== drawing) return resolve(false);
      const until = performance.now() + STEP_MS;
      for (let k = 0; k < STEP && next < shells.length && performance.now() < until; next += 1) {
        if (!filled.has(next)) { fillAt(next); k += 1; }
      }
      if (next < shells.length) return setTimeout(step, 0);
      list.setAttribute("aria-busy", "false");
      return resolve(true);
    };
    if (filled.size < shells.length) afterFrame(step);
    else resolve(true);
  });
  return { done };
}
