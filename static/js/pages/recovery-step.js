// The recovery code, shown once: a required "I have saved it" step and a print view.
import { byId } from "../lib/dom.js";

export function showRecoveryCode(code, onContinue) {
  const step = byId("recovery-step");
  byId("recovery-code").textContent = code;
  const reading = byId("recovery-reading");
  if (reading) reading.textContent = [...code.replaceAll("-", "")].join(" ");
  step.hidden = false;
  byId("recovery-heading").focus();
  byId("print-code")?.addEventListener("click", () => {
    document.body.classList.add("print-code");
    window.print();
    document.body.classList.remove("print-code");
  });
  byId("continue").addEventListener("click", () => {
    if (!byId("saved-code").checked) {
      const error = byId("saved-code-error");
      error.hidden = false;
      byId("saved-code").setAttribute("aria-describedby", "saved-code-error");
      byId("saved-code").focus();
      return;
    }
    byId("recovery-code").textContent = "";
    onContinue();
  });
}
