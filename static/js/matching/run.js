// The assignment in a module worker (worker.js), one at a time: a newer request makes the
// answer of an older one stale (resolved with null), so a quick series of changes shows the last.
let worker = null;
let latest = 0;
const waiting = new Map();

function started() {
  if (worker) return worker;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.addEventListener("message", (event) => {
    const { id, result, error } = event.data;
    const pending = waiting.get(id);
    if (!pending) return;
    waiting.delete(id);
    if (error) pending.reject(new Error(error));
    else pending.resolve(id === latest ? result : null);
  });
  return worker;
}

/** Start the worker ahead of the first assignment (its modules load meanwhile). */
export function warmUp() {
  started();
}

/**
 * assignFlat(flat, rows, mentors, options) off the page's thread (the buffer is transferred:
 * `flat` is unusable here afterwards); null when a newer request overtook it.
 */
export function assignInWorker(flat, rows, mentors, options) {
  latest += 1;
  const id = latest;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    started().postMessage({ id, flat, rows, mentors, options }, [flat.buffer]);
  });
}
