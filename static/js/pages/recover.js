// Lost passphrase: the recovery code keeps everything; starting over makes a new key.
import * as p from "../crypto/index.js";
import * as keystore from "../storage/keystore.js";
import { ApiError, api, message } from "../session.js";
import { $, busy, failure, fieldError, home, status } from "../lib/forms.js";
import { acceptable, attachMeter } from "./passphrase.js";
import { showRecoveryCode } from "./recovery-step.js";

/** A filled-in, well-formed email, or an error on the field (and false). */
function emailOk(id) {
  const input = $(id);
  if (!input.value.trim()) fieldError(id, message("required"));
  else if (!input.checkValidity()) fieldError(id, message("email-invalid"));
  else {
    fieldError(id, null);
    return true;
  }
  return false;
}

$("reset-request-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!emailOk("reset-email")) return;
  await busy(event.currentTarget, async () => {
    try {
      await api("POST", "/api/v1/reset/request", { email: $("reset-email").value.trim() });
      status("reset-request-status", message("link-sent"));
    } catch (error) {
      status("reset-request-status", failure(error));
    }
  });
});

if ($("recover-form")) {
  attachMeter("new-passphrase");
  $("recover-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!emailOk("recover-email")) return;
    const code = $("recovery-code-input").value;
    try {
      await p.parseRecoveryCode(code);
      fieldError("recovery-code-input", null);
    } catch {
      return fieldError("recovery-code-input", message("bad-code"));
    }
    if (!(await acceptable("new-passphrase"))) return;
    await busy(form, async () => {
      status("recover-status", message("working"));
      try {
        const email = $("recover-email").value.trim();
        const grant = await api("POST", "/api/v1/recovery", {
          email, recovery_auth: p.b64uEncode(await p.recoveryAuthFromCode(code)),
        });
        const { secrets, body } = await p.recoverWithNewPassphrase(code, grant, $("new-passphrase").value);
        const result = await api("POST", "/api/v1/recovery/complete", { ...body, grant: grant.grant });
        await keystore.clearAll();
        await keystore.saveSecrets(secrets);
        location.assign(home(result.role));
      } catch (error) {
        status("recover-status", error instanceof ApiError && error.status === 401
          ? message("code-refused") : failure(error));
        $("recover-status").focus();
      }
    });
  });
}

if ($("reset-form")) {
  attachMeter("new-passphrase");
  $("reset-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!(await acceptable("new-passphrase"))) return;
    await busy(form, async () => {
      status("reset-status", message("working"));
      try {
        // The reset grant names the account only on the server; the new bundle must carry
        // the same user id, so ask for it with the token.
        const token = document.body.dataset.token;
        const who = await api("POST", "/api/v1/reset/inspect", { token });
        const made = await p.createAccount($("new-passphrase").value, who.user_id, { withRecovery: true });
        const result = await api("POST", "/api/v1/reset/complete", { ...made.registration, token });
        await keystore.clearAll();
        await keystore.saveSecrets(made.secrets);
        form.hidden = true;
        status("reset-status", "");
        showRecoveryCode(made.recoveryCode, () => location.assign(home(result.role)));
      } catch (error) {
        status("reset-status", error instanceof ApiError && error.status === 404
          ? message("link-expired") : failure(error));
        $("reset-status").focus();
      }
    });
  });
}
