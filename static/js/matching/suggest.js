// From scores to suggestions around the organiser's decisions: locked pairs stay (their places
// are taken first), forbidden pairs never come back, and the rest is assigned optimally. Also the
// mentee's next best alternatives and, for everyone left unmatched, the reason. Pure, no DOM.
// `scores` is what score.js scoreAll returns (score/allowed/failed by mentee i and mentor j).
import { assignFlat } from "./assign.js";

const pairKey = (i, j) => i * 1048576 + j;

/**
 * The assignment problem left once the locks are placed: `flat` (rows = the mentees still open,
 * columns = every mentor, NaN = not allowed or forbidden) and each mentor's free places.
 * @param {{scores: object, capacities: number[], locks?: [number, number][], forbids?: [number, number][]}} input
 */
export function prepare({ scores, capacities, locks = [], forbids = [] }) {
  const forbidden = new Set(forbids.map(([i, j]) => pairKey(i, j)));
  const free = capacities.slice();
  const lockedMentee = new Set();
  const locked = [];
  for (const [i, j] of locks) {
    if (lockedMentee.has(i) || forbidden.has(pairKey(i, j))) continue;
    lockedMentee.add(i);
    free[j] = Math.max(0, free[j] - 1);
    locked.push([i, j]);
  }
  const rows = [];
  for (let i = 0; i < scores.n; i += 1) if (!lockedMentee.has(i)) rows.push(i);
  const m = scores.m;
  const flat = new Float64Array(rows.length * m);
  const rowOf = new Map();
  rows.forEach((i, r) => {
    rowOf.set(i, r);
    scores.rowInto(i, flat, r * m);
  });
  for (const [i, j] of forbids) if (rowOf.has(i) && j >= 0 && j < m) flat[rowOf.get(i) * m + j] = NaN;
  return { rows, flat, mentors: m, capacities: free, locked, forbidden };
}

const fits = (scores, forbidden, i, j) => scores.allowed(i, j) && !forbidden.has(pairKey(i, j));

/**
 * Suggestions from a prepared problem and the assignment of its rows (`assign`'s answer).
 * @returns {{pairs: {mentee: number, mentor: number, locked: boolean, score: number}[],
 *   unmatchedMentees: {mentee: number, reason: string, failed: string[]}[],
 *   unmatchedMentors: {mentor: number, free: number, reason: string}[], total: number}}
 */
export function finish({ scores, capacities }, prepared, result) {
  const pairs = prepared.locked.map(([i, j]) => ({ mentee: i, mentor: j, locked: true, score: scores.score(i, j) }));
  result.mentorOf.forEach((j, r) => {
    const i = prepared.rows[r];
    if (j !== -1) pairs.push({ mentee: i, mentor: j, locked: false, score: scores.score(i, j) });
  });
  const placed = new Set(pairs.map((p) => p.mentee));
  const used = new Array(capacities.length).fill(0);
  for (const p of pairs) used[p.mentor] += 1;

  const unmatchedMentees = [];
  for (let i = 0; i < scores.n; i += 1) {
    if (placed.has(i)) continue;
    let anyFits = false;
    const counts = new Map();
    for (let j = 0; j < scores.m; j += 1) {
      if (fits(scores, prepared.forbidden, i, j)) { anyFits = true; break; }
      for (const key of scores.failed(i, j)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (anyFits) {
      unmatchedMentees.push({ mentee: i, reason: "capacity", failed: [] });
      continue;
    }
    // No mentor at all: say which must-have stood in the way most often (or the organiser's forbids).
    const failed = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
    const reason = scores.m === 0 ? "no-mentors" : failed.length ? "must" : "forbidden";
    unmatchedMentees.push({ mentee: i, reason, failed });
  }
  const unmatchedMentors = [];
  const left = [];
  for (let i = 0; i < scores.n; i += 1) if (!placed.has(i)) left.push(i);
  capacities.forEach((cap, j) => {
    const free = cap - used[j];
    if (free <= 0) return;
    const anyFits = left.some((i) => fits(scores, prepared.forbidden, i, j));
    unmatchedMentors.push({ mentor: j, free, reason: left.length && !anyFits ? "no-mentee-fits" : "places-left" });
  });
  const total = pairs.reduce((sum, p) => sum + p.score, 0);
  pairs.sort((a, b) => a.mentee - b.mentee);
  return { pairs, unmatchedMentees, unmatchedMentors, total };
}

/** Prepare, assign (here, on this thread) and finish in one go. */
export function suggest(input) {
  const prepared = prepare(input);
  const result = assignFlat(prepared.flat, prepared.rows.length, prepared.mentors, {
    capacities: prepared.capacities,
  });
  return finish(input, prepared, result);
}

/**
 * The mentee's next best mentors besides `current`: allowed, not forbidden, best score first,
 * each with whether the mentor has a free place in the suggestion.
 */
export function alternatives(input, suggestion, mentee, current, count = 3) {
  return alternativesOf(input, suggestion, count)(mentee, current);
}

/**
 * `alternatives` for the mentees of one suggestion, as a function of (mentee, current): what
 * they share (the forbidden pairs, each mentor's places used) is worked out once.
 */
export function alternativesOf(input, suggestion, count = 3) {
  const { scores } = input;
  const forbidden = new Set((input.forbids ?? []).map(([i, j]) => pairKey(i, j)));
  const used = new Array(input.capacities.length).fill(0);
  for (const p of suggestion.pairs) used[p.mentor] += 1;
  const better = (a, b) => a.score > b.score || (a.score === b.score && a.mentor < b.mentor);
  return (mentee, current) => {
    if (count <= 0) return [];
    // The best `count` in one pass (kept sorted: best score first, then the lower index), not a
    // sort of every mentor: this runs once per suggested pair.
    const best = [];
    for (let j = 0; j < scores.m; j += 1) {
      if (j === current || !fits(scores, forbidden, mentee, j)) continue;
      const candidate = { mentor: j, score: scores.score(mentee, j) };
      if (best.length === count && !better(candidate, best[count - 1])) continue;
      let at = best.length;
      while (at > 0 && better(candidate, best[at - 1])) at -= 1;
      best.splice(at, 0, candidate);
      if (best.length > count) best.pop();
    }
    return best.map((c) => ({ ...c, free: used[c.mentor] < input.capacities[c.mentor] }));
  };
}
