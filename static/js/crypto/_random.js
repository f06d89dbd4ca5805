// The one source of randomness of the protocol (crypto/_random.py), with the test hook that
// replays the draws of the Python vectors.

let fixedDraws = null;

/** `length` random bytes, or the next queued draw inside _withFixedRandom. @returns {Uint8Array} */
export function randomBytes(length) {
  if (fixedDraws) {
    const next = fixedDraws.shift();
    if (!next || next.length !== length) throw new Error(`fixed random draw ${length} bytes: wrong order`);
    return next;
  }
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/**
 * Tests only: run `fn` with `draws` (Uint8Arrays, in the order of docs/PROTOCOL.md §16) as the
 * random bytes, so the Python vectors come out byte for byte. A missing, leftover or wrongly
 * sized draw throws a plain Error: it means the draw order differs from the spec.
 * @template T @param {Uint8Array[]} draws @param {() => Promise<T>} fn @returns {Promise<T>}
 */
export async function _withFixedRandom(draws, fn) {
  if (fixedDraws) throw new Error("_withFixedRandom does not nest");
  fixedDraws = draws.map((d) => Uint8Array.from(d));
  try {
    const result = await fn();
    if (fixedDraws.length) throw new Error(`${fixedDraws.length} fixed random draws left over`);
    return result;
  } finally {
    fixedDraws = null;
  }
}
