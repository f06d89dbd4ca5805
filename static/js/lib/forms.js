// Form helpers every page shares: field errors, a form busy while it works, the sentence for a
// failed call.
import { ApiError, NetworkError } from "./api.js";
import { byId } from "./dom.js";
import { message } from "./messages.js";

/** Show (or clear, with null) an error for an input; it is linked by aria-describedby. */
export function fieldError(inputId, text) {
  showError(byId(inputId), byId(`${inputId}-error`), text);
}

/** Put `text` (or nothing, with null) in an input's error line `box`; an error takes the focus. */
export function showError(input, box, text) {
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

/** Run `work` with the form's buttons disabled and the form aria-busy: it cannot be sent twice. */
export async function busy(form, work) {
  const buttons = [...form.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}
