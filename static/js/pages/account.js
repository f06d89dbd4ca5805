// The account page: change the passphrase (only the account key is re-wrapped, on this device)
// and make a new recovery code.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { unlockWithPassphrase } from "../session.js";
import { acceptable, attachMeter } from "./passphrase.js";
import { hideRecoveryCode, showRecoveryCode } from "./recovery-step.js";

attachMeter("new-passphrase");
byId("change-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!byId("current").value) return fieldError("current", message("required"));
  fieldError("current", null);
  if (!(await acceptable("new-passphrase"))) return;
  await busy(form, async () => {
    setText("change-status", message("working"));
    try {
      const keys = await api("GET", "/api/v1/me/keys");
      const body = await p.changePassphrase(byId("current").value, keys.kdf, keys, byId("new-passphrase").value);
      await api("POST", "/api/v1/me/passphrase", body);
      await unlockWithPassphrase(byId("new-passphrase").value);
      form.reset();
      setText("change-status", message("changed"));
      byId("change-status").focus();
    } catch (error) {
      setText("change-status", "");
      const wrong = error instanceof ApiError ? error.status === 401 : error.name === "CryptoError";
      if (wrong) fieldError("current", message("wrong-current"));
      else setText("change-status", failure(error));
    }
  });
});

// A new recovery code: made here from the passphrase's wrap of the account key, shown once, and
// sent only after the member says it is saved (until then the old code, if any, still works).
byId("recovery-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const field = "recovery-passphrase";
  if (!byId(field).value) return fieldError(field, message("required"));
  fieldError(field, null);
  await busy(form, async () => {
    setText("recovery-status", message("working"));
    let made;
    let authKey;
    try {
      const keys = await api("GET", "/api/v1/me/keys");
      const derived = await p.derivePassphraseKeys(byId(field).value, keys.kdf);
      authKey = derived.authKey;
      made = await p.rewrapForNewRecoveryCode(derived.kek, keys);
    } catch (error) {
      setText("recovery-status", "");
      if (error.name === "CryptoError") fieldError(field, message("wrong-passphrase"));
      else setText("recovery-status", failure(error));
      return;
    }
    byId(field).value = "";
    setText("recovery-status", "");
    form.hidden = true;
    showRecoveryCode(made.recoveryCode, async () => {
      await api("POST", "/api/v1/me/recovery-code", { auth_key: p.b64uEncode(authKey), ...made.body });
      hideRecoveryCode();
      byId("recovery-reminder")?.remove();
      form.hidden = false;
      setText("recovery-status", message("new-code-saved"));
      byId("recovery-status").focus();
    });
  });
});
