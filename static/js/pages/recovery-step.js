// The recovery code, shown once: a required "I have saved it" step and a print view.
import { api } from "../lib/api.js";
import { byId } from "../lib/dom.js";
import { failure } from "../lib/forms.js";

/** Tell the server the member saved the code just shown (the account page stops reminding). */
export async function markSaved() {
  try {
    await api("POST", "/api/v1/me/recovery-code/saved");
  } catch {
    // Not fatal: the account page keeps reminding, and a new code can be made there.
  }
}

/**
 * Show `code` until the member ticks "I have saved it" and presses Continue; then wipe it and
 * run `onContinue` (it may be async; an error it throws is said at the step, which stays).
 */
export function showRecoveryCode(code, onContinue) {
  const step = byId("recovery-step");
  const saved = byId("saved-code");
  const problem = byId("recovery-step-error");
  byId("recovery-code").textContent = code;
  const reading = byId("recovery-reading");
  if (reading) reading.textContent = [...code.replaceAll("-", "")].join(" ");
  saved.checked = false;
  byId("saved-code-error").hidden = true;
  if (problem) problem.hidden = true;
  step.hidden = false;
  byId("recovery-heading").focus();
  const print = byId("print-code");
  if (print) {
    print.onclick = () => {
      document.body.classList.add("print-code");
      window.print();
      document.body.classList.remove("print-code");
    };
  }
  const next = byId("continue");
  next.onclick = async () => {
    if (!saved.checked) {
      byId("saved-code-error").hidden = false;
      saved.setAttribute("aria-describedby", "saved-code-error");
      saved.focus();
      return;
    }
    next.disabled = true;
    try {
      await onContinue();
      byId("recovery-code").textContent = "";
      if (reading) reading.textContent = "";
    } catch (error) {
      if (!problem) throw error;
      problem.textContent = failure(error);
      problem.hidden = false;
    } finally {
      next.disabled = false;
    }
  };
}

/** Hide the step again (the code is wiped). */
export function hideRecoveryCode() {
  byId("recovery-step").hidden = true;
  byId("recovery-code").textContent = "";
  const reading = byId("recovery-reading");
  if (reading) reading.textContent = "";
}
