// Signing in: keys are derived here and only the auth key is sent.
import { ApiError } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { home, signIn } from "../session.js";

byId("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const error = byId("login-error");
  error.hidden = true;
  const email = byId("email").value.trim();
  const passphrase = byId("passphrase").value;
  if (!email) return fieldError("email", message("required"));
  fieldError("email", null);
  if (!passphrase) return fieldError("passphrase", message("required"));
  fieldError("passphrase", null);
  await busy(form, async () => {
    setText("login-status", message("signing-in"));
    try {
      const { user } = await signIn(email, passphrase);
      byId("passphrase").value = "";
      location.assign(home(user.role, document.body.dataset.next));
    } catch (caught) {
      setText("login-status", "");
      error.textContent = caught instanceof ApiError && caught.status === 401
        ? message("wrong") : failure(caught);
      error.hidden = false;
      error.focus();
    }
  });
});
