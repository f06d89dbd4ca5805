// Survey results computed in the organiser's browser from decrypted answers. Pure, no DOM.
//
// Disclosure control, as the funder report's (workspace/organiser/report.py), so that no small
// group can be singled out even by a reader who knows these rules:
// - A count under the threshold (5) is hidden, and when anything in a table is hidden, so is
//   every cell equal to the smallest shown count: the hidden cells then always mix small counts
//   with one of 5 or more, and no single one follows from the total. Hidden cells all read the
//   same, since "under 5" would be untrue of a secondary cell and tell the two kinds apart.
// - A question answered by fewer than 5 shows nothing, not even how many answered.
// - Several choices: the options do not add up to the total, so each option is its own table of
//   "picked" and "did not pick" (total: those who answered): a count is hidden when either side
//   is under 5, since the total minus a shown count would otherwise name a small group.
// - A scale's mean gives the sum of its answers, one more equation on the hidden cells. It is
//   shown (one decimal) only when at least 5 answered and, among every spread of answers that
//   looks the same (cells, total, that mean), each hidden cell still takes two values or more.
// - Free texts only from 5 answers, without names or roles, shuffled so their order says
//   nothing about who wrote which.
// - Groups side by side: a group that is a union of others (an "all" column beside mentors and
//   mentees) would give a hidden cell back by subtraction. So compareGroups splits the answers
//   into disjoint parts, suppresses each part on its own, and builds every union only from its
//   parts' published results: a union's cell is shown only when all its parts' cells are. A
//   union then tells nothing its parts do not, and the parts share no answers. Where no part
//   shows anything, the union still tells how many answered (and their texts) if that leaves
//   each part two possible counts: 3 mentors and 3 mentees make 6, but 4 and 4 would be pinned.
// - Skipping is not an answer: "answered" is shown from 5 even when it tells that a few skipped.
// tests/test_survey_results_disclosure.py checks all of it by brute force over small groups.

import { writeCsv } from "../lib/csv.js";

const SCALE = [1, 2, 3, 4, 5];

/** The cells of a question as [{id, label}]: scale 1..5, yes/no, or its options. */
function cellsOf(question) {
  if (question.kind === "scale") return SCALE.map((v) => ({ id: String(v), label: String(v) }));
  if (question.kind === "yesno") return [{ id: "yes", label: "yes" }, { id: "no", label: "no" }];
  if (question.kind === "choice" || question.kind === "choices") {
    return (question.options ?? []).map((o) => ({ id: String(o.id), label: String(o.label) }));
  }
  return null;
}

/** The answer as the cell ids it counts in (an empty list when it is not a valid answer). */
function picked(question, value, cellIds) {
  switch (question.kind) {
    case "scale":
      return Number.isInteger(value) && value >= 1 && value <= 5 ? [String(value)] : [];
    case "yesno":
      return value === true ? ["yes"] : value === false ? ["no"] : [];
    case "choice":
      return typeof value === "string" && cellIds.includes(value) ? [value] : [];
    case "choices":
      return Array.isArray(value) ? cellIds.filter((id) => value.includes(id)) : [];
    default:
      return [];
  }
}

/**
 * Which counts a table may show: counts under `threshold` hidden, then every count equal to the
 * smallest one left (secondary suppression); a total under `threshold` hides all.
 * @param {number[]} counts @param {number} total @param {number} threshold
 * @returns {boolean[]} true where the count is hidden
 */
export function hiddenCells(counts, total, threshold = 5) {
  if (total < threshold) return counts.map(() => true);
  const hidden = counts.map((n) => n < threshold);
  const shown = counts.filter((_n, i) => !hidden[i]);
  if (hidden.some(Boolean) && shown.length) {
    const smallest = Math.min(...shown);
    return counts.map((n, i) => hidden[i] || n === smallest);
  }
  return hidden;
}

const roundMean = (sum, n) => Math.round((10 * sum) / n) / 10;

/**
 * Whether a scale's mean may be shown beside its suppressed cells: every spread of the same
 * number of answers that publishes the same cells and the same rounded mean is visited, and each
 * hidden cell must take at least two values among them. Such a spread gives each hidden cell a
 * count under the threshold or the one secondary value m, at least the threshold and below every
 * shown count (and there is a secondary cell whenever a count is shown).
 */
function meanIsSafe(counts, hidden, threshold) {
  const n = counts.reduce((a, b) => a + b, 0);
  const hiddenAt = hidden.flatMap((h, i) => (h ? [i] : []));
  if (!hiddenAt.length) return true;
  const shown = counts.filter((_c, i) => !hidden[i]);
  const below = shown.length ? Math.min(...shown) : Infinity;
  const shownSum = counts.reduce((s, c, i) => s + (hidden[i] ? 0 : c * (i + 1)), 0);
  const mean = roundMean(counts.reduce((s, c, i) => s + c * (i + 1), 0), n);
  const seen = hiddenAt.map(() => new Set());
  const values = new Array(hiddenAt.length);
  let open = hiddenAt.length; // hidden cells still seen with fewer than two values
  const visit = (k, rest, weighted, secondary) => {
    if (rest < 0 || !open) return;
    if (k === hiddenAt.length) {
      let m = 0;
      if (secondary.length) {
        m = rest / secondary.length;
        if (!Number.isInteger(m) || m < threshold || m >= below) return;
      } else if (rest !== 0 || shown.length) return;
      const total = secondary.reduce((s, j) => s + m * (hiddenAt[j] + 1), weighted);
      if (roundMean(total, n) !== mean) return;
      for (const j of secondary) values[j] = m;
      values.forEach((v, j) => {
        if (seen[j].size === 1 && !seen[j].has(v)) open -= 1;
        seen[j].add(v);
      });
      return;
    }
    for (let v = 0; v < threshold; v += 1) {
      values[k] = v;
      visit(k + 1, rest - v, weighted + v * (hiddenAt[k] + 1), secondary);
    }
    visit(k + 1, rest, weighted, [...secondary, k]);
  };
  visit(0, hiddenAt.reduce((s, i) => s + counts[i], 0), shownSum, []);
  return open === 0;
}

/** Fisher–Yates with the injected random source. */
function shuffled(items, random) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** One question's published result over one disjoint set of answers. */
function questionResult(question, answers, { threshold, random }) {
  const { id, kind, text } = question;
  const base = { id, kind, text, audience: question.audience ?? "all" };
  const asked = answers.filter((a) => base.audience === "all" || a.role === base.audience);
  const cells = cellsOf(question);
  if (!cells) {
    const texts = asked
      .map((a) => a.answers?.[question.id])
      .filter((v) => typeof v === "string" && v.trim() !== "")
      .map((v) => v.trim());
    const enough = texts.length >= threshold;
    return {
      ...base,
      answered: enough ? texts.length : null,
      cells: null,
      mean: null,
      texts: enough ? shuffled(texts, random) : null,
      suppressed: !enough,
    };
  }
  const ids = cells.map((c) => c.id);
  const counts = ids.map(() => 0);
  let answered = 0;
  for (const a of asked) {
    const got = picked(question, a.answers?.[question.id], ids);
    if (!got.length) continue;
    answered += 1;
    for (const id of got) counts[ids.indexOf(id)] += 1;
  }
  const hidden =
    question.kind === "choices"
      ? counts.map((c) => hiddenCells([c, answered - c], answered, threshold).some(Boolean))
      : hiddenCells(counts, answered, threshold);
  const enough = answered >= threshold;
  let mean = null;
  if (question.kind === "scale" && enough && meanIsSafe(counts, hidden, threshold)) {
    mean = roundMean(counts.reduce((s, c, i) => s + c * (i + 1), 0), answered);
  }
  return {
    ...base,
    answered: enough ? answered : null,
    cells: cells.map((c, i) => ({ ...c, count: hidden[i] ? null : counts[i] })),
    mean,
    texts: null,
    suppressed: !enough,
  };
}

/**
 * Per-question results of one set of answers, suppressed for publication (see the rules above).
 *
 * @param {Array<{id: string, kind: string, text: string, audience?: string,
 *   options?: Array<{id: string, label: string}>}>} questions the survey's definition
 * @param {Array<{role: string, answers: Object<string, *>}>} answers decrypted answer bodies
 * @param {{threshold?: number, random?: () => number}} [options]
 * @returns {{respondents: number|null, questions: Array<Object>}} respondents null under the
 *   threshold; each question {id, kind, text, audience, answered, cells, mean, texts, suppressed}
 */
export function computeResults(questions, answers, { threshold = 5, random = Math.random } = {}) {
  const opts = { threshold, random };
  return {
    respondents: answers.length >= threshold ? answers.length : null,
    questions: questions.map((q) => questionResult(q, answers, opts)),
  };
}

/**
 * Whether a union may tell its own total where every part hides its own: only while each part's
 * total keeps two values at least (with two parts under 5 each, a sum of 8 would say 4 and 4).
 */
function sumIsSafe(partValues, total, threshold) {
  const most = (threshold - 1) * partValues.length - 1;
  return partValues.every((v) => v === null) && total !== null && total <= most;
}

/**
 * A union's result for one question, from its parts' published results; `own` is the union's
 * own result, used only for how many answered (and their texts) where no part shows anything.
 */
function unionResult(parts, own, threshold, random) {
  const [first] = parts;
  const all = (values) => (values.includes(null) ? null : values.reduce((a, b) => a + b, 0));
  let answered = all(parts.map((p) => p.answered));
  const cells =
    first.cells &&
    first.cells.map((cell, i) => ({ ...cell, count: all(parts.map((p) => p.cells[i].count)) }));
  // An exact union mean would add an equation on the parts' hidden cells; it is shown only when
  // every part's cells are, so it follows from what is shown anyway.
  let mean = null;
  if (first.kind === "scale" && cells.every((c) => c.count !== null)) {
    mean = roundMean(cells.reduce((s, c, i) => s + c.count * (i + 1), 0), answered);
  }
  const allTexts = parts.some((p) => p.texts === null) ? null : parts.flatMap((p) => p.texts);
  let texts = allTexts && shuffled(allTexts, random);
  if (sumIsSafe(parts.map((p) => p.answered), own.answered, threshold)) {
    // Six answers, three from each side: the six texts, but from no side on its own.
    answered = own.answered;
    texts = own.texts;
  }
  return { ...first, answered, cells, mean, texts, suppressed: answered === null };
}

/** An answer body's content, as a string: equal for equal answers, whatever the object. */
function contentKey(body) {
  const answers = Object.entries(body.answers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([body.role ?? null, answers]);
}

/** How many answer bodies of each content a list holds. */
function tally(answers) {
  const counts = new Map();
  for (const body of answers) {
    const key = contentKey(body);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Which groups are the sum of others (`of`, as keys), declared or found: a group whose answers
 * are, content for content, exactly those of two or more other groups (one of them may be
 * empty: "all" beside 12 mentors and no mentee is still mentors plus mentees). Larger groups
 * are tried first, and of two equal ones the earlier is the sum; a part is never itself a sum.
 */
function unionsOf(groups) {
  const of = groups.map((g) => g.of ?? null);
  const base = groups.flatMap((g, i) => (g.of ? [] : [i]));
  if (base.length > 12) return of;
  const size = (i) => (groups[i].answers ?? []).length;
  const tallies = base.map((i) => tally(groups[i].answers ?? []));
  const tallyOf = (i) => tallies[base.indexOf(i)];
  const order = [...base].sort((a, b) => size(b) - size(a) || a - b);
  const isPart = new Set();
  for (const g of order) {
    if (isPart.has(g) || !size(g)) continue;
    const smaller = (h) => size(h) < size(g) || (size(h) === size(g) && h > g);
    const others = order.filter((h) => h !== g && of[h] === null && smaller(h));
    let best = null;
    for (let mask = 1; mask < 2 ** others.length; mask += 1) {
      const members = others.filter((_h, j) => mask & (2 ** j));
      if (members.length < 2 || (best && members.length <= best.length)) continue;
      if (members.reduce((n, h) => n + size(h), 0) !== size(g)) continue;
      const sum = new Map();
      for (const h of members) for (const [key, n] of tallyOf(h)) sum.set(key, (sum.get(key) ?? 0) + n);
      const whole = tallyOf(g);
      if (sum.size === whole.size && [...whole].every(([key, n]) => sum.get(key) === n)) best = members;
    }
    if (best) {
      of[g] = best.map((h) => groups[h].key);
      for (const h of best) isPart.add(h);
    }
  }
  return of;
}

/**
 * Results side by side for several groups (mentors and mentees, an "all" column, mid-point and
 * end), suppressed so that nothing hidden follows from any combination of what is shown.
 *
 * A column that is the sum of others is best declared with `of` (the keys of those groups; its
 * own `answers` are then not read): `{ key: "all", label, of: ["mentor", "mentee"] }`. Without
 * it, a group holding exactly the answers of two or more others (equal content, copies or not)
 * is taken as their sum, and groups that share answer objects are split into the parts they
 * share. A group holding only some others plus answers shown nowhere (all beside mentors, and
 * no mentee column) is safe only if it shares the very objects, or is given `of`.
 *
 * @param {Array<Object>} questions the survey's questions
 * @param {Array<{key: string, label: string, answers?: Array<{role: string, answers: Object}>,
 *   of?: string[]}>} groups
 * @param {{threshold?: number, random?: () => number}} [options]
 * @returns {Array<{question: Object, results: Array<{key: string, label: string,
 *   respondents: number|null, result: Object}>}>} per question, a column per group (in order),
 *   each `result` as one question of computeResults
 */
export function compareGroups(questions, groups, { threshold = 5, random = Math.random } = {}) {
  const opts = { threshold, random };
  const of = unionsOf(groups);
  // Parts: the answers sorted by which groups hold them; every column is a union of parts.
  const signature = new Map();
  groups.forEach((g, gi) => {
    if (of[gi]) return;
    for (const a of g.answers ?? []) signature.set(a, `${signature.get(a) ?? ""}${gi},`);
  });
  const parts = new Map();
  for (const [answer, sig] of signature) {
    if (!parts.has(sig)) parts.set(sig, []);
    parts.get(sig).push(answer);
  }
  const results = new Map([...parts].map(([sig, list]) => [sig, computeResults(questions, list, opts)]));
  const empty = computeResults(questions, [], opts);
  const partsOf = (gi) => {
    const mine = [...parts.keys()].filter((sig) => sig.split(",").includes(String(gi)));
    return mine.length ? mine : [""];
  };
  const columns = groups.map((g, gi) => {
    if (!of[gi]) return partsOf(gi);
    const named = of[gi].map((key) => groups.findIndex((other, oi) => other.key === key && !of[oi]));
    if (named.includes(-1)) throw new RangeError(`"of" names groups that hold answers: ${g.key}`);
    return [...new Set(named.flatMap(partsOf))];
  });
  const resultOf = (sig) => results.get(sig) ?? empty;
  const owns = columns.map((sigs) =>
    sigs.length > 1 ? computeResults(questions, sigs.flatMap((sig) => parts.get(sig) ?? []), opts) : null,
  );
  return questions.map((question, qi) => ({
    question,
    results: groups.map((g, gi) => {
      const mine = columns[gi].map(resultOf);
      let respondents = mine.every((r) => r.respondents !== null)
        ? mine.reduce((s, r) => s + r.respondents, 0)
        : null;
      const each = mine.map((r) => r.questions[qi]);
      const own = owns[gi];
      if (own && sumIsSafe(mine.map((r) => r.respondents), own.respondents, threshold)) {
        respondents = own.respondents;
      }
      const result = own ? unionResult(each, own.questions[qi], threshold, random) : each[0];
      return { key: g.key, label: g.label, respondents, result };
    }),
  }));
}

/**
 * The comparison as CSV (RFC 4180, CRLF): a header, then one row per question × group × cell
 * (one row per question × group for free-text questions, whose texts are left out). Hidden
 * counts read `labels.hidden`, a mean not shown is empty; a would-be formula is written as text.
 *
 * @param {ReturnType<typeof compareGroups>} comparison
 * @param {{hidden: string, question?: string, group?: string, answer?: string, count?: string,
 *   answered?: string, mean?: string, yes?: string, no?: string}} labels
 * @returns {string}
 */
export function resultsCsv(comparison, labels) {
  const shown = (value) => (value === null ? labels.hidden : String(value));
  const rows = [
    [
      labels.question ?? "Question",
      labels.group ?? "Group",
      labels.answer ?? "Answer",
      labels.count ?? "Count",
      labels.answered ?? "Answered",
      labels.mean ?? "Mean",
    ],
  ];
  for (const { question, results } of comparison) {
    for (const { label, result } of results) {
      const answered = shown(result.answered);
      const mean = result.kind === "scale" && result.mean !== null ? String(result.mean) : "";
      if (!result.cells) {
        rows.push([question.text, label, "", "", answered, ""]);
        continue;
      }
      for (const cell of result.cells) {
        const name = result.kind === "yesno" ? (labels[cell.id] ?? cell.label) : cell.label;
        rows.push([question.text, label, name, shown(cell.count), answered, mean]);
      }
    }
  }
  return writeCsv(rows);
}
