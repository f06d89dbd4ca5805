// The assignment off the page's thread: a module worker answering {id, weights, options} (rows
// of numbers or null) or {id, flat, rows, mentors, options} (a transferred Float64Array, NaN =
// forbidden) with {id, result} or {id, error}, so a large matching never freezes the page.
import { assign, assignFlat } from "./assign.js";

self.addEventListener("message", (event) => {
  const { id, weights, flat, rows, mentors, options } = event.data;
  try {
    const result = flat ? assignFlat(flat, rows, mentors, options) : assign(weights, options);
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
