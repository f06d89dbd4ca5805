// Lost passphrase: the recovery code keeps everything; starting over makes a new key.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { home } from "../session.js";
import * as keystore from "../storage/keystore.js";
import { acceptable, attachMeter } from "./passphrase.js";
import { markSaved, showRecoveryCode } from "./recovery-step.js";

/** A filled-in, well-formed email, or an error on the field (and false). */
function emailOk(id) {
  const input = byId(id);
  if (!input.value.trim()) fieldError(id, message("required"));
  else if (!input.checkValidity()) fieldError(id, message("email-invalid"));
  else {
    fieldError(id, null);
    return true;
  }
  return false;
}

byId("reset-request-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!emailOk("reset-email")) return;
  await busy(event.currentTarget, async () => {
    try {
      await api("POST", "/api/v1/reset/request", { email: byId("reset-email").value.trim() });
      setText("reset-request-status", message("link-sent"));
    } catch (error) {
      setText("reset-request-status", failure(error));
    }
  });
});

if (byId("recover-form")) {
  attachMeter("new-passphrase");
  byId("recover-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!emailOk("recover-email")) return;
    const code = byId("recovery-code-input").value;
    try {
      await p.parseRecoveryCode(code);
      fieldError("recovery-code-input", null);
    } catch {
      return fieldError("recovery-code-input", message("bad-code"));
    }
    if (!(await acceptable("new-passphrase"))) return;
    await busy(form, async () => {
      setText("recover-status", message("working"));
      try {
        const email = byId("recover-email").value.trim();
        const grant = await api("POST", "/api/v1/recovery", {
          email, recovery_auth: p.b64uEncode(await p.recoveryAuthFromCode(code)),
        });
        const passphrase = byId("new-passphrase").value;
        const { secrets, body } = await p.recoverWithNewPassphrase(code, grant, passphrase);
        // The code was just typed on this device: it is replaced (docs/PROTOCOL.md §11.4 step 4),
        // its successor wrapped from the new passphrase's wrap of the same account key.
        const { kek } = await p.derivePassphraseKeys(passphrase, body.kdf);
        const fresh = await p.rewrapForNewRecoveryCode(kek, body);
        const result = await api("POST", "/api/v1/recovery/complete", {
          ...body, ...fresh.body, grant: grant.grant,
        });
        await keystore.clearAll();
        await keystore.saveSecrets(secrets);
        byId("recovery-code-input").value = "";
        byId("new-passphrase").value = "";
        byId("new-passphrase-repeat").value = "";
        form.hidden = true;
        setText("recover-status", message("recovered"));
        showRecoveryCode(fresh.recoveryCode, async () => {
          await markSaved();
          location.assign(home(result.role));
        });
      } catch (error) {
        setText("recover-status", error instanceof ApiError && error.status === 401
          ? message("code-refused") : failure(error));
        byId("recover-status").focus();
      }
    });
  });
}

if (byId("reset-form")) {
  attachMeter("new-passphrase");
  byId("reset-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (!(await acceptable("new-passphrase"))) return;
    await busy(form, async () => {
      setText("reset-status", message("working"));
      try {
        // The reset grant names the account only on the server; the new bundle must carry
        // the same user id, so ask for it with the token.
        const token = document.body.dataset.token;
        const who = await api("POST", "/api/v1/reset/inspect", { token });
        const made = await p.createAccount(byId("new-passphrase").value, who.user_id, { withRecovery: true });
        const result = await api("POST", "/api/v1/reset/complete", { ...made.registration, token });
        await keystore.clearAll();
        await keystore.saveSecrets(made.secrets);
        form.hidden = true;
        setText("reset-status", "");
        showRecoveryCode(made.recoveryCode, async () => {
          await markSaved();
          location.assign(home(result.role));
        });
      } catch (error) {
        setText("reset-status", error instanceof ApiError && error.status === 404
          ? message("link-expired") : failure(error));
        byId("reset-status").focus();
      }
    });
  });
}
