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

/** One suggested (or locked) pair: names, score, why, alternatives and the decisions. */
function pairItem(ctx, pair) {
  const mentee = ctx.mentees[pair.mentee];
  const mentor = ctx.mentors[pair.mentor];
  const cell = ctx.scores.cell(pair.mentee, pair.mentor);
  const key = `${mentee.id}:${mentor.id}`;
  const values = { mentee: who(mentee), mentor: who(mentor) };
  const li = el("li", { class: "suggestion", "data-pair": key });
  li.append(el("p", { class: "pair-names" }, message("with", values)));
  const score = el("p", { class: "score" }, message("score", { score: cell.score }));
  if (pair.locked) score.append(" · ", el("strong", {}, message("locked-pair")));
  li.append(score);
  const why = el("ul", { class: "why" });
  for (const line of whyLines(cell)) why.append(el("li", {}, line));
  li.append(why);
  const alternatives = ctx.alternatives(pair.mentee, pair.mentor);
  li.append(el("p", { class: "alternatives-title" }, alternatives.length ? message("alternatives") : message("no-alternatives")));
  if (alternatives.length) {
    const alt = el("ul", { class: "alternatives" });
    for (const a of alternatives) {
      const other = ctx.mentors[a.mentor];
      const text = message(a.free ? "alternative" : "alternative-full", { mentor: who(other), score: a.score });
      const item = el("li", {}, text + " ");
      item.append(el("button", {
        type: "button", class: "link-button", "data-action": "pick-this", "data-mentee": mentee.id,
        "data-mentor": other.id, "aria-label": `${message("pick-this")}: ${who(other)}`,
      }, message("pick-this")));
      alt.append(item);
    }
    li.append(alt);
  }
  const actions = el("div", { class: "actions" });
  const acceptId = `accept-${mentee.id}`;
  const accept = el("input", { type: "checkbox", id: acceptId, "data-action": "accept", "data-pair": key });
  accept.checked = ctx.accepted.has(key);
  const acceptLabel = el("label", { for: acceptId, class: "check" });
  acceptLabel.append(accept, " ", message("accept-label", values));
  actions.append(acceptLabel);
  actions.append(el("button", {
    type: "button", class: "secondary", "data-action": "lock", "data-pair": key,
    "aria-pressed": String(pair.locked), "aria-label": message("lock-label", values),
  }, message("lock")));
  actions.append(el("button", {
    type: "button", class: "secondary", "data-action": "forbid", "data-pair": key,
    "aria-label": message("forbid-label", values),
  }, message("forbid")));
  li.append(actions);
  return li;
}

/** Render the suggestion into the page's lists. */
export function render(ctx, suggestion) {
  const list = document.getElementById("suggestions");
  list.replaceChildren(...suggestion.pairs.map((p) => pairItem(ctx, p)));
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
}
