// Optimal assignment of mentees (rows) to mentors (columns) with mentor capacities and forbidden
// pairs: the Hungarian algorithm (shortest augmenting paths with potentials) on a cost matrix whose
// columns are the mentors' seats, plus one "unmatched" seat per mentee when anyone may stay
// unmatched. Pure functions, no DOM: runs in a page or a Web Worker (worker.js).

/**
 * Choose at most one mentor per mentee, at most `capacities[j]` mentees per mentor, never a
 * forbidden pair (weight `null`), maximising the total weight. With `matchAll` (the default) the
 * number of matched mentees comes first and the total weight second, so a weak pair is preferred to
 * leaving someone out; without it a pair is only formed when it raises the total.
 *
 * @param {Array<Array<number|null>>} weights weights[i][j]: the score of mentee i with mentor j, null = forbidden
 * @param {{capacities?: number[], matchAll?: boolean}} [options] capacities default to 1 each
 * @returns {{mentorOf: number[], total: number, matched: number}} mentorOf[i] = j, or -1 for unmatched
 */
export function assign(weights, options = {}) {
  const rows = weights.length;
  const mentors = rows ? weights[0].length : options.capacities ? options.capacities.length : 0;
  const flat = new Float64Array(rows * mentors);
  weights.forEach((row, i) => {
    if (row.length !== mentors) throw new RangeError("every row needs one weight per mentor");
    row.forEach((w, j) => {
      if (w !== null && !Number.isFinite(w)) throw new RangeError("a weight is a finite number or null");
      flat[i * mentors + j] = w === null ? NaN : w;
    });
  });
  return assignFlat(flat, rows, mentors, options);
}

/**
 * The same on a flat row-major Float64Array (NaN = forbidden), as a worker receives it: one
 * transferable buffer instead of a million cloned numbers.
 * @param {Float64Array} flat @param {number} rows @param {number} mentors
 * @param {{capacities?: number[], matchAll?: boolean}} [options]
 */
export function assignFlat(flat, rows, mentors, { capacities, matchAll = true } = {}) {
  const caps = checkedCapacities(capacities, mentors, rows);
  const mentorOf = new Array(rows).fill(-1);
  if (!rows || !mentors) return { mentorOf, total: 0, matched: 0 };

  // The seats: mentor j appears caps[j] times.
  const seatMentor = [];
  caps.forEach((cap, j) => { for (let k = 0; k < cap; k += 1) seatMentor.push(j); });
  let lo = Infinity;
  let hi = -Infinity;
  let anyForbidden = false;
  for (let k = 0; k < flat.length; k += 1) {
    const w = flat[k];
    if (Number.isNaN(w)) { anyForbidden = true; continue; }
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  if (lo === Infinity) return { mentorOf, total: 0, matched: 0 };
  // Unmatched seats are needed unless every mentee can surely be seated at a real seat.
  const needsUnmatched = anyForbidden || !matchAll || rows > seatMentor.length || lo < 0;
  const realSeats = seatMentor.length;
  const seats = realSeats + (needsUnmatched ? rows : 0);
  // Matching one more mentee must outweigh any difference in weights (matchAll); otherwise an
  // unmatched seat costs nothing. A forbidden seat costs more than any unmatched one.
  const unmatchedCost = matchAll ? rows * (hi - lo) + Math.abs(hi) + Math.abs(lo) + 1 : 0;
  const forbiddenCost = 4 * (unmatchedCost + rows * (Math.abs(hi) + Math.abs(lo)) + 1);

  const cost = new Float64Array(rows * seats);
  for (let i = 0; i < rows; i += 1) {
    const base = i * seats;
    const from = i * mentors;
    for (let s = 0; s < realSeats; s += 1) {
      const w = flat[from + seatMentor[s]];
      cost[base + s] = Number.isNaN(w) ? forbiddenCost : -w;
    }
    for (let s = realSeats; s < seats; s += 1) cost[base + s] = unmatchedCost;
  }
  const seatOf = hungarian(cost, rows, seats);
  let total = 0;
  let matched = 0;
  for (let i = 0; i < rows; i += 1) {
    const s = seatOf[i];
    if (s < realSeats && !Number.isNaN(flat[i * mentors + seatMentor[s]])) {
      mentorOf[i] = seatMentor[s];
      total += flat[i * mentors + seatMentor[s]];
      matched += 1;
    }
  }
  return { mentorOf, total, matched };
}

function checkedCapacities(capacities, mentors, rows) {
  if (capacities === undefined) return new Array(mentors).fill(Math.min(1, rows));
  if (capacities.length !== mentors) throw new RangeError("one capacity per mentor");
  return capacities.map((c) => {
    if (!Number.isInteger(c) || c < 0) throw new RangeError("a capacity is a whole number ≥ 0");
    return Math.min(c, rows); // more seats than mentees can never be used
  });
}

/**
 * Minimum-cost assignment of every row to a distinct column (rows ≤ columns), on a flat
 * row-major matrix. O(rows² · columns).
 *
 * @param {Float64Array} cost
 * @param {number} n rows
 * @param {number} m columns (≥ n)
 * @returns {Int32Array} the column of each row
 */
export function hungarian(cost, n, m) {
  if (n > m) throw new RangeError("more rows than columns");
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: the row (1-based) on column j, 0 = free
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i += 1) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const base = (i0 - 1) * m - 1;
      const ui0 = u[i0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j += 1) {
        if (used[j]) continue;
        const cur = cost[base + j] - ui0 - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (let j = 0; j <= m; j += 1) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else { minv[j] -= delta; }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do { const j1 = way[j0]; p[j0] = p[j1]; j0 = j1; } while (j0);
  }
  const colOf = new Int32Array(n);
  for (let j = 1; j <= m; j += 1) if (p[j]) colOf[p[j] - 1] = j - 1;
  return colOf;
}
