// Scores for every mentor–mentee pair from their decrypted answers, under the criteria the
// organiser set for the programme (weights or must-haves; never the answers). Pure functions, no
// DOM and no words: criteria and reasons are keys the page turns into its translated messages.

export const BUILTIN = ["language", "field", "themes", "mode", "times"];
export const MODES = ["must", "weight", "off"];
export const FIELD_AIMS = ["same", "related", "different"];
export const MAX_WEIGHT = 10;

/**
 * The criteria a programme starts with: a shared language is a must-have, the rest weigh in;
 * each choice question both calls ask weighs 1; optional criteria (preferences) are never on.
 * @param {{mentor: object[], mentee: object[]}} questions each call's own questions
 */
export function defaultCriteria(questions = { mentor: [], mentee: [] }) {
  const criteria = {
    language: { mode: "must", weight: 5 },
    field: { mode: "weight", weight: 3, aim: "same" },
    themes: { mode: "weight", weight: 4 },
    mode: { mode: "weight", weight: 2 },
    times: { mode: "weight", weight: 2 },
    questions: {},
    preferences: [],
  };
  for (const pair of sharedQuestions(questions)) {
    criteria.questions[pair.key] = { mode: "weight", weight: 1, aim: "same" };
  }
  return criteria;
}

/**
 * The organiser's own choice questions that both calls ask (same label, both one/many): each
 * can be compared. `key` is `<mentee question id>:<mentor question id>`.
 */
export function sharedQuestions(questions) {
  const choice = (q) => q && (q.kind === "one" || q.kind === "many");
  const norm = (s) => String(s ?? "").trim().toLowerCase();
  const out = [];
  for (const mq of (questions.mentee ?? []).filter(choice)) {
    const other = (questions.mentor ?? []).filter(choice).find((q) => norm(q.label) === norm(mq.label));
    if (other) out.push({ key: `${mq.id}:${other.id}`, label: mq.label, mentee: mq.id, mentor: other.id });
  }
  return out;
}

/** Criteria from storage or the editor, made whole and safe: unknown keys dropped, weights 0–10. */
export function normaliseCriteria(raw, questions) {
  const base = defaultCriteria(questions);
  const weightOf = (w, fallback) => (Number.isInteger(w) && w >= 0 && w <= MAX_WEIGHT ? w : fallback);
  const one = (given, fallback) => {
    const out = { ...fallback };
    if (given && typeof given === "object") {
      if (MODES.includes(given.mode)) out.mode = given.mode;
      out.weight = weightOf(given.weight, fallback.weight);
      if ("aim" in fallback && FIELD_AIMS.includes(given.aim)) out.aim = given.aim;
    }
    return out;
  };
  const source = raw && typeof raw === "object" ? raw : {};
  for (const key of BUILTIN) base[key] = one(source[key], base[key]);
  for (const key of Object.keys(base.questions)) {
    base.questions[key] = one(source.questions?.[key], base.questions[key]);
  }
  base.preferences = (Array.isArray(source.preferences) ? source.preferences : [])
    .filter((p) => p && typeof p.mentee === "string" && typeof p.mentor === "string")
    .slice(0, 5)
    .map((p) => ({
      mentee: p.mentee, mentor: p.mentor, any: typeof p.any === "string" ? p.any : "",
      ...one(p, { mode: "weight", weight: 3 }),
    }));
  return base;
}

const lower = (s) => (typeof s === "string" ? s.trim().toLowerCase() : "");
const list = (v) => (Array.isArray(v) ? v : typeof v === "string" && v ? [v] : []);
const words = (s) => new Set(lower(s).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4));

/** How far two fields are: "same", "related" (a shared word) or "different"; null if unknown. */
export function fieldRelation(a, b) {
  const x = lower(a);
  const y = lower(b);
  if (!x || !y) return null;
  if (x === y) return "same";
  const wx = words(x);
  for (const w of words(y)) if (wx.has(w)) return "related";
  if (x.includes(y) || y.includes(x)) return "related";
  return "different";
}

// Each criterion: (mentee answers, mentor answers, setting) → {value 0–1 or null, facts}.
const MEASURES = {
  language(me, mo) {
    const a = list(me.languages);
    const b = list(mo.languages);
    if (!a.length || !b.length) return { value: null, facts: {} };
    const shared = a.filter((l) => b.includes(l));
    return { value: shared.length ? 1 : 0, facts: { shared } };
  },
  field(me, mo, setting) {
    const relation = fieldRelation(me.field, mo.field);
    if (relation === null) return { value: null, facts: {} };
    const table = {
      same: { same: 1, related: 0.5, different: 0 },
      related: { same: 1, related: 1, different: 0 },
      different: { same: 0, related: 0.5, different: 1 },
    }[setting.aim ?? "same"];
    return { value: table[relation], facts: { relation } };
  },
  themes(me, mo) {
    const wanted = list(me.themes);
    const offered = list(mo.themes);
    if (!wanted.length || !offered.length) return { value: null, facts: {} };
    const shared = wanted.filter((t) => offered.includes(t));
    return { value: shared.length / wanted.length, facts: { shared, wanted: wanted.length } };
  },
  mode(me, mo) {
    const a = me.mode;
    const b = mo.mode;
    if (!a || !b) return { value: null, facts: {} };
    if ((a === "remote" && b === "in_person") || (a === "in_person" && b === "remote")) {
      return { value: 0, facts: { relation: "mode" } };
    }
    if (a === "remote" || b === "remote") return { value: 1, facts: { relation: "remote" } };
    const place = lower(me.place) && lower(mo.place) ? fieldRelation(me.place, mo.place) !== "different" : null;
    const remoteToo = a === "either" && b === "either";
    if (place === true) return { value: 1, facts: { relation: "place" } };
    if (remoteToo) return { value: place === null ? 0.75 : 0.5, facts: { relation: "remote" } };
    return { value: place === null ? 0.5 : 0, facts: { relation: place === null ? "unknown-place" : "place-differs" } };
  },
  times(me, mo) {
    const a = list(me.times);
    const b = list(mo.times);
    if (!a.length || !b.length) return { value: null, facts: {} };
    const shared = a.filter((t) => b.includes(t));
    return { value: shared.length / Math.min(a.length, b.length), facts: { shared } };
  },
};

function questionMeasure(me, mo, pair, setting) {
  const a = list(me[`q:${pair.mentee}`]);
  const b = list(mo[`q:${pair.mentor}`]);
  if (!a.length || !b.length) return { value: null, facts: {} };
  const shared = a.filter((x) => b.includes(x));
  const union = new Set([...a, ...b]).size;
  const overlap = shared.length / union;
  return { value: setting.aim === "different" ? 1 - overlap : overlap, facts: { shared } };
}

function preferenceMeasure(me, mo, pref) {
  const wish = list(me[`q:${pref.mentee}`]);
  const is = list(mo[`q:${pref.mentor}`]);
  if (!wish.length) return { value: null, facts: {} };
  if (pref.any && wish.includes(pref.any)) return { value: 1, facts: { relation: "any" } };
  if (!is.length) return { value: null, facts: {} };
  return { value: is.some((x) => wish.includes(x)) ? 1 : 0, facts: {} };
}

/** The criteria in force, each with its key, setting and measure. */
function active(criteria, questions) {
  const out = [];
  for (const key of BUILTIN) {
    const setting = criteria[key];
    if (setting && setting.mode !== "off") out.push({ key, setting, measure: (me, mo) => MEASURES[key](me, mo, setting) });
  }
  for (const pair of sharedQuestions(questions)) {
    const setting = criteria.questions?.[pair.key];
    if (setting && setting.mode !== "off") {
      out.push({ key: `q:${pair.key}`, setting, measure: (me, mo) => questionMeasure(me, mo, pair, setting) });
    }
  }
  (criteria.preferences ?? []).forEach((pref, n) => {
    if (pref.mode !== "off") out.push({ key: `p:${n}`, setting: pref, measure: (me, mo) => preferenceMeasure(me, mo, pref) });
  });
  return out;
}

/**
 * The score of one pair: 0–100 from the weighted criteria (an unanswered criterion counts half),
 * or `allowed: false` with the must-haves it fails. `breakdown` lists every criterion in force.
 */
export function scorePair(mentee, mentor, criteria, questions = {}) {
  return scoreWith(active(criteria, questions), mentee, mentor);
}

function scoreWith(criteriaInForce, mentee, mentor) {
  const breakdown = [];
  const failed = [];
  let sum = 0;
  let weights = 0;
  for (const { key, setting, measure } of criteriaInForce) {
    const { value, facts } = measure(mentee ?? {}, mentor ?? {});
    const must = setting.mode === "must";
    if (must && value !== 1) failed.push(key);
    const weight = must ? 0 : setting.weight;
    const counted = value === null ? 0.5 : value;
    sum += weight * counted;
    weights += weight;
    breakdown.push({ key, must, weight, value, facts, points: weight * counted, lost: weight * (1 - counted) });
  }
  const score = weights ? Math.round((1000 * sum) / weights) / 10 : 100;
  return { allowed: failed.length === 0, score, failed, breakdown };
}

/**
 * Every pair's score: `matrix[i][j]` for mentee i and mentor j (same order as given), each
 * `{allowed, score, failed, breakdown}`. `weights()` gives what the assignment takes.
 */
export function scoreAll(mentees, mentors, criteria, questions = {}) {
  const inForce = active(criteria, questions);
  const matrix = mentees.map((me) => mentors.map((mo) => scoreWith(inForce, me, mo)));
  return {
    matrix,
    weights: () => matrix.map((row) => row.map((cell) => (cell.allowed ? cell.score : null))),
  };
}

/**
 * Why a pair scored as it did: the criteria that decided it — the met ones that earned the most
 * (`for`), the ones that cost the most (`against`), and must-haves failed or held (`must`).
 */
export function explain(result, top = 3) {
  const weighed = result.breakdown.filter((b) => !b.must && b.weight > 0);
  const forIt = weighed.filter((b) => b.value !== null && b.value > 0).sort((a, b) => b.points - a.points).slice(0, top);
  const against = weighed.filter((b) => b.value !== null && b.value < 1).sort((a, b) => b.lost - a.lost).slice(0, top);
  const unknown = weighed.filter((b) => b.value === null).map((b) => b.key);
  return {
    for: forIt.map((b) => b.key),
    against: against.map((b) => b.key),
    unknown,
    must: result.breakdown.filter((b) => b.must).map((b) => ({ key: b.key, held: b.value === 1 })),
    failed: [...result.failed],
  };
}

/** A mentor's places: the capacity they gave (1 when not given). */
export const capacityOf = (answers) =>
  Number.isInteger(answers?.capacity) && answers.capacity > 0 ? answers.capacity : 1;
