// From scores to suggestions around the organiser's decisions: locked pairs stay (their places
// are taken first), forbidden pairs never come back, and the rest is assigned optimally. Also the
// mentee's next best alternatives and, for everyone left unmatched, the reason. Pure, no DOM.
import { assign } from "./assign.js";

const pairKey = (i, j) => `${i}:${j}`;

/**
 * The assignment problem left once the locks are placed: `weights` (rows = the mentees still
 * open, columns = every mentor, null = not allowed or forbidden) and each mentor's free places.
 * @param {{matrix: object[][], capacities: number[], locks?: [number, number][], forbids?: [number, number][]}} input
 */
export function prepare({ matrix, capacities, locks = [], forbids = [] }) {
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
  const rows = matrix.map((_, i) => i).filter((i) => !lockedMentee.has(i));
  const weights = rows.map((i) =>
    matrix[i].map((cell, j) => (cell.allowed && !forbidden.has(pairKey(i, j)) ? cell.score : null)),
  );
  return { rows, weights, capacities: free, locked, forbidden };
}

/**
 * Suggestions from a prepared problem and the assignment of its rows (`assign`'s answer).
 * @returns {{pairs: {mentee: number, mentor: number, locked: boolean, score: number}[],
 *   unmatchedMentees: {mentee: number, reason: string, failed: string[]}[],
 *   unmatchedMentors: {mentor: number, free: number, reason: string}[], total: number}}
 */
export function finish({ matrix, capacities }, prepared, result) {
  const pairs = prepared.locked.map(([i, j]) => ({ mentee: i, mentor: j, locked: true, score: matrix[i][j].score }));
  result.mentorOf.forEach((j, r) => {
    if (j !== -1) pairs.push({ mentee: prepared.rows[r], mentor: j, locked: false, score: matrix[prepared.rows[r]][j].score });
  });
  const placed = new Set(pairs.map((p) => p.mentee));
  const used = new Array(capacities.length).fill(0);
  for (const p of pairs) used[p.mentor] += 1;

  const unmatchedMentees = [];
  matrix.forEach((row, i) => {
    if (placed.has(i)) return;
    const fits = row.map((cell, j) => cell.allowed && !prepared.forbidden.has(pairKey(i, j)));
    if (fits.some(Boolean)) {
      unmatchedMentees.push({ mentee: i, reason: "capacity", failed: [] });
      return;
    }
    // No mentor at all: say which must-have stood in the way most often (or the organiser's forbids).
    const counts = new Map();
    row.forEach((cell) => { for (const key of cell.failed) counts.set(key, (counts.get(key) ?? 0) + 1); });
    const failed = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
    unmatchedMentees.push({ mentee: i, reason: capacities.length === 0 ? "no-mentors" : failed.length ? "must" : "forbidden", failed });
  });
  const unmatchedMentors = [];
  const anyLeft = matrix.some((_, i) => !placed.has(i));
  capacities.forEach((cap, j) => {
    const free = cap - used[j];
    if (free <= 0) return;
    const anyFits = matrix.some((row, i) => !placed.has(i) && row[j].allowed && !prepared.forbidden.has(pairKey(i, j)));
    unmatchedMentors.push({ mentor: j, free, reason: anyLeft && !anyFits ? "no-mentee-fits" : "places-left" });
  });
  const total = pairs.reduce((sum, p) => sum + p.score, 0);
  pairs.sort((a, b) => a.mentee - b.mentee);
  return { pairs, unmatchedMentees, unmatchedMentors, total };
}

/** Prepare, assign (here, on this thread) and finish in one go. */
export function suggest(input) {
  const prepared = prepare(input);
  const result = assign(prepared.weights, { capacities: prepared.capacities });
  return finish(input, prepared, result);
}

/**
 * The mentee's next best mentors besides `current`: allowed, not forbidden, best score first,
 * each with whether the mentor has a free place in the suggestion.
 */
export function alternatives(input, suggestion, mentee, current, count = 3) {
  const forbidden = new Set((input.forbids ?? []).map(([i, j]) => pairKey(i, j)));
  const used = new Array(input.capacities.length).fill(0);
  for (const p of suggestion.pairs) used[p.mentor] += 1;
  return input.matrix[mentee]
    .map((cell, j) => ({ mentor: j, score: cell.score, allowed: cell.allowed && !forbidden.has(pairKey(mentee, j)) }))
    .filter((c) => c.allowed && c.mentor !== current)
    .sort((a, b) => b.score - a.score || a.mentor - b.mentor)
    .slice(0, count)
    .map((c) => ({ mentor: c.mentor, score: c.score, free: used[c.mentor] < input.capacities[c.mentor] }));
}
