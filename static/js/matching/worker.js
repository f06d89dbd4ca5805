// The assignment off the page's thread: a module worker answering {id, weights, options}
// with {id, result} or {id, error}, so a large matching never freezes the page.
import { assign } from "./assign.js";

self.addEventListener("message", (event) => {
  const { id, weights, options } = event.data;
  try {
    self.postMessage({ id, result: assign(weights, options) });
  } catch (error) {
    self.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
