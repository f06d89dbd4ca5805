// The recovery code, shown once: a required "I have saved it" step and a print view.
import { message } from "../session.js";
import { $ } from "../lib/forms.js";

export function showRecoveryCode(code, onContinue) {
  const step = $("recovery-step");
  $("recovery-code").textContent = code;
  const reading = $("recovery-reading");
  if (reading) reading.textContent = [...code.replaceAll("-", "")].join(" ");
  step.hidden = false;
  $("recovery-heading").focus();
  $("print-code")?.addEventListener("click", () => {
    document.body.classList.add("print-code");
    window.print();
    document.body.classList.remove("print-code");
  });
  $("continue").addEventListener("click", () => {
    if (!$("saved-code").checked) {
      const error = $("saved-code-error");
      error.hidden = false;
      $("saved-code").setAttribute("aria-describedby", "saved-code-error");
      $("saved-code").focus();
      return;
    }
    $("recovery-code").textContent = "";
    onContinue();
  });
  return message;
}
