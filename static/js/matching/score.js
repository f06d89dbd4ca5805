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

// Answers become small features once per person (bit sets, interned texts), so the n×m pairs
// are scored with a few integer operations each. A list answer has at most 31 distinct values
// in a programme that count (the built-in lists have 3–9; a question at most 12 options).
function bitsOf(dictionary) {
  return (values) => {
    let mask = 0;
    for (const v of list(values)) {
      if (!dictionary.has(v) && dictionary.size < 31) dictionary.set(v, dictionary.size);
      const bit = dictionary.get(v);
      if (bit !== undefined) mask |= 1 << bit;
    }
    return mask;
  };
}

const popcount = (x) => {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Texts compared by fieldRelation, each distinct pair of texts once. */
function relations() {
  const ids = new Map();
  const texts = [];
  const cache = new Map();
  return {
    id(text) {
      const t = lower(text);
      if (!t) return -1;
      if (!ids.has(t)) { ids.set(t, texts.length); texts.push(t); }
      return ids.get(t);
    },
    between(a, b) {
      if (a < 0 || b < 0) return null;
      if (a === b) return "same";
      const key = a * 1048576 + b;
      let r = cache.get(key);
      if (r === undefined) { r = fieldRelation(texts[a], texts[b]); cache.set(key, r); }
      return r;
    },
  };
}

const FIELD_TABLE = {
  same: { same: 1, related: 0.5, different: 0 },
  related: { same: 1, related: 1, different: 0 },
  different: { same: 0, related: 0.5, different: 1 },
};

/** The criteria in force: each a key, its setting, how to draw its feature and its measure. */
function active(criteria, questions) {
  const fields = relations();
  const places = relations();
  const out = [];
  const add = (key, setting, feature, measure) => {
    if (setting && setting.mode !== "off") out.push({ key, setting, feature, measure });
  };
  const languages = bitsOf(new Map());
  // Answers sealed before the codes were unified say "fi-selko" for plain Finnish.
  const sameCode = (a) => list(a.languages).map((c) => (c === "fi-selko" ? "fi@selko" : c));
  add("language", criteria.language, (a) => languages(sameCode(a)), (x, y) => (!x || !y ? null : x & y ? 1 : 0));
  const table = FIELD_TABLE[criteria.field?.aim ?? "same"] ?? FIELD_TABLE.same;
  add("field", criteria.field, (a) => fields.id(a.field), (x, y) => {
    const r = fields.between(x, y);
    return r === null ? null : table[r];
  });
  const themes = bitsOf(new Map());
  add("themes", criteria.themes, (a) => themes(a.themes), (x, y) => (!x || !y ? null : popcount(x & y) / popcount(x)));
  add("mode", criteria.mode, (a) => ({ mode: a.mode || "", place: places.id(a.place) }), (x, y) => {
    const a = x.mode;
    const b = y.mode;
    if (!a || !b) return null;
    if ((a === "remote" && b === "in_person") || (a === "in_person" && b === "remote")) return 0;
    if (a === "remote" || b === "remote") return 1;
    const r = places.between(x.place, y.place);
    const samePlace = r === null ? null : r !== "different";
    if (samePlace === true) return 1;
    if (a === "either" && b === "either") return samePlace === null ? 0.75 : 0.5;
    return samePlace === null ? 0.5 : 0;
  });
  const times = bitsOf(new Map());
  add("times", criteria.times, (a) => times(a.times), (x, y) => (!x || !y ? null : popcount(x & y) / Math.min(popcount(x), popcount(y))));
  for (const pair of sharedQuestions(questions)) {
    const setting = criteria.questions?.[pair.key];
    const options = bitsOf(new Map());
    const different = setting?.aim === "different";
    add(`q:${pair.key}`, setting, (a, role) => options(a[`q:${role === "mentee" ? pair.mentee : pair.mentor}`]), (x, y) => {
      if (!x || !y) return null;
      const overlap = popcount(x & y) / popcount(x | y);
      return different ? 1 - overlap : overlap;
    });
  }
  (criteria.preferences ?? []).forEach((pref, n) => {
    const options = bitsOf(new Map());
    const anyBit = pref.any ? options([pref.any]) : 0;
    add(`p:${n}`, pref, (a, role) => options(a[`q:${role === "mentee" ? pref.mentee : pref.mentor}`]), (wish, is) => {
      if (!wish) return null;
      if (anyBit && wish & anyBit) return 1;
      if (!is) return null;
      return wish & is ? 1 : 0;
    });
  });
  return out;
}

function featuresOf(inForce, people, role) {
  return people.map((answers) => inForce.map((c) => c.feature(answers ?? {}, role)));
}

/** Criterion `c`'s features, interned: each person's index into the distinct `values`. */
function distinct(features, c) {
  const index = new Map();
  const values = [];
  const of = new Int32Array(features.length);
  features.forEach((f, k) => {
    const value = f[c];
    const key = typeof value === "object" && value !== null ? JSON.stringify(value) : value;
    let at = index.get(key);
    if (at === undefined) {
      at = values.length;
      index.set(key, at);
      values.push(value);
    }
    of[k] = at;
  });
  return { of, values };
}

/** One pair in full: its score, must-haves failed and the breakdown of every criterion. */
function cellOf(inForce, me, mo) {
  const breakdown = [];
  const failed = [];
  let sum = 0;
  let weights = 0;
  inForce.forEach(({ key, setting, measure }, c) => {
    const value = measure(me[c], mo[c]);
    const must = setting.mode === "must";
    if (must && value !== 1) failed.push(key);
    const weight = must ? 0 : setting.weight;
    const counted = value === null ? 0.5 : value;
    sum += weight * counted;
    weights += weight;
    breakdown.push({ key, must, weight, value, points: weight * counted, lost: weight * (1 - counted) });
  });
  const score = weights ? Math.round((1000 * sum) / weights) / 10 : 100;
  return { allowed: failed.length === 0, score, failed, breakdown };
}

/**
 * The score of one pair: 0–100 from the weighted criteria (an unanswered criterion counts half),
 * or `allowed: false` with the must-haves it fails. `breakdown` lists every criterion in force.
 */
export function scorePair(mentee, mentor, criteria, questions = {}) {
  return scoreAll([mentee], [mentor], criteria, questions).cell(0, 0);
}

/**
 * Every pair's score, mentee i (rows) with mentor j, in flat arrays: `score(i, j)`,
 * `allowed(i, j)`, `rowInto(i, target, at)`, `failed(i, j)` (the must-have keys not met), `cell(i, j)` (the full
 * breakdown, computed when asked) and `weights()` (what the assignment takes, null = not allowed).
 */
export function scoreAll(mentees, mentors, criteria, questions = {}) {
  const inForce = active(criteria, questions);
  const A = featuresOf(inForce, mentees, "mentee");
  const B = featuresOf(inForce, mentors, "mentor");
  const n = mentees.length;
  const m = mentors.length;
  const sums = new Float64Array(n * m);
  const failedBits = new Uint32Array(n * m);
  const total = inForce.reduce((sum, c) => sum + (c.setting.mode === "must" ? 0 : c.setting.weight), 0);
  // Criterion by criterion (the same order of additions as cellOf, so the same scores): each
  // distinct pair of feature values is measured once, and the n×m pairs look the result up.
  inForce.forEach((criterion, c) => {
    const { of: a, values: xs } = distinct(A, c);
    const { of: b, values: ys } = distinct(B, c);
    const must = criterion.setting.mode === "must";
    const { weight } = criterion.setting;
    const width = ys.length;
    const table = new Float64Array(xs.length * width);
    xs.forEach((x, p) => ys.forEach((y, q) => {
      const value = criterion.measure(x, y);
      table[p * width + q] = must ? Number(value !== 1) : weight * (value === null ? 0.5 : value);
    }));
    const bit = 1 << c;
    for (let i = 0; i < n; i += 1) {
      const row = a[i] * width;
      const at = i * m;
      if (must) {
        for (let j = 0; j < m; j += 1) if (table[row + b[j]]) failedBits[at + j] |= bit;
      } else {
        for (let j = 0; j < m; j += 1) sums[at + j] += table[row + b[j]];
      }
    }
  });
  const scores = sums; // the sums become the scores, in place
  for (let k = 0; k < n * m; k += 1) scores[k] = total ? Math.round((1000 * sums[k]) / total) / 10 : 100;
  const keys = inForce.map((c) => c.key);
  return {
    n,
    m,
    keys,
    score: (i, j) => scores[i * m + j],
    allowed: (i, j) => failedBits[i * m + j] === 0,
    /** Row i's scores into `target` from `at` on, NaN where not allowed (what the assignment takes). */
    rowInto: (i, target, at) => {
      for (let j = 0, k = i * m; j < m; j += 1, k += 1) target[at + j] = failedBits[k] === 0 ? scores[k] : NaN;
    },
    failed: (i, j) => keys.filter((_, c) => failedBits[i * m + j] & (1 << c)),
    cell: (i, j) => cellOf(inForce, A[i], B[j]),
    weights: () => {
      const out = new Array(n);
      for (let i = 0; i < n; i += 1) {
        const row = new Array(m);
        for (let j = 0; j < m; j += 1) row[j] = failedBits[i * m + j] === 0 ? scores[i * m + j] : null;
        out[i] = row;
      }
      return out;
    },
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
