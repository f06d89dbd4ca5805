// Changing the passphrase: only the account key is re-wrapped, on this device.
import * as p from "../crypto/index.js";
import { ApiError, api, message, unlockWithPassphrase } from "../session.js";
import { $, busy, failure, fieldError, status } from "../lib/forms.js";
import { acceptable, attachMeter } from "./passphrase.js";

attachMeter("new-passphrase");
$("change-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!$("current").value) return fieldError("current", message("required"));
  fieldError("current", null);
  if (!(await acceptable("new-passphrase"))) return;
  await busy(form, async () => {
    status("change-status", message("working"));
    try {
      const keys = await api("GET", "/api/v1/me/keys");
      const body = await p.changePassphrase($("current").value, keys.kdf, keys, $("new-passphrase").value);
      await api("POST", "/api/v1/me/passphrase", body);
      await unlockWithPassphrase($("new-passphrase").value);
      form.reset();
      status("change-status", message("changed"));
      $("change-status").focus();
    } catch (error) {
      status("change-status", "");
      const wrong = error instanceof ApiError ? error.status === 401 : error.name === "CryptoError";
      if (wrong) fieldError("current", message("wrong-current"));
      else status("change-status", failure(error));
    }
  });
});
