// Small helpers the account pages share: status lines, field errors, API error messages.
import { ApiError, NetworkError, message } from "../session.js";

export const $ = (id) => document.getElementById(id);

export function status(id, text) {
  const el = $(id);
  if (el) el.textContent = text;
}

/** Show (or clear, with null) an error for an input; it is linked by aria-describedby. */
export function fieldError(inputId, text) {
  const box = $(`${inputId}-error`);
  const input = $(inputId);
  if (box) {
    box.textContent = text ?? "";
    box.hidden = !text;
  }
  if (input) {
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  if (text && input) input.focus();
}

/** A translated sentence for a failed call. */
export function failure(error, specific = {}) {
  if (error instanceof NetworkError) return message("offline");
  if (error instanceof ApiError) {
    if (error.status === 429) return message("rate-limited", { seconds: error.body.retry_after ?? 60 });
    if (specific[error.status]) return message(specific[error.status]);
  }
  return message("failed");
}

/** Disable a form's buttons while `work` runs. */
export async function busy(form, work) {
  const buttons = [...form.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    return await work();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

/** Where to go after signing in. */
export function home(role, next) {
  if (next && next.startsWith("/") && !next.startsWith("//")) return next;
  return role === "organiser" ? "/organiser" : "/pairs";
}
