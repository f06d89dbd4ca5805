// Changing the passphrase: only the account key is re-wrapped, on this device.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { unlockWithPassphrase } from "../session.js";
import { acceptable, attachMeter } from "./passphrase.js";

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
