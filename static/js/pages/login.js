// Signing in: keys are derived here and only the auth key is sent.
import { ApiError, signIn } from "../session.js";
import { message } from "../session.js";
import { $, busy, failure, fieldError, home, status } from "../lib/forms.js";

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const error = $("login-error");
  error.hidden = true;
  const email = $("email").value.trim();
  const passphrase = $("passphrase").value;
  if (!email) return fieldError("email", message("required"));
  fieldError("email", null);
  if (!passphrase) return fieldError("passphrase", message("required"));
  fieldError("passphrase", null);
  await busy(form, async () => {
    status("login-status", message("signing-in"));
    try {
      const result = await signIn(email, passphrase);
      $("passphrase").value = "";
      location.assign(home(result.role, document.body.dataset.next));
    } catch (caught) {
      status("login-status", "");
      error.textContent = caught instanceof ApiError && caught.status === 401
        ? message("wrong") : failure(caught);
      error.hidden = false;
      error.focus();
    }
  });
});
