// Joining by invitation: keys are created on this device; only the registration is sent.
import * as p from "../crypto/index.js";
import * as keystore from "../storage/keystore.js";
import { ApiError, api, message } from "../session.js";
import { $, busy, failure, fieldError, home, status } from "../lib/forms.js";
import { acceptable, attachMeter } from "./passphrase.js";
import { showRecoveryCode } from "./recovery-step.js";

const token = document.body.dataset.token;
let invitation = null;

async function inspect() {
  try {
    invitation = await api("POST", "/api/v1/invitations/inspect", { token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $("join-invalid").hidden = false;
    } else {
      status("join-status", failure(error));
    }
    return;
  }
  const intro = $("join-intro");
  intro.textContent = message(`invited-${invitation.role}`, {
    programme: invitation.programme ?? "", email: invitation.email,
  });
  intro.hidden = false;
  if (invitation.registered) {
    $("join-existing").hidden = false;
    $("join-signin").href = `/login?next=${encodeURIComponent(location.pathname)}`;
    await acceptIfSignedIn();
    return;
  }
  $("join-form").hidden = false;
  attachMeter("passphrase");
}

async function acceptIfSignedIn() {
  try {
    const me = await api("GET", "/api/v1/me");
    if (me.user_id !== invitation.user_id) return;
    const result = await api("POST", "/api/v1/invitations/accept", { token });
    location.assign(result.pair_id ? `/pairs/${result.pair_id}` : home(me.role));
  } catch {
    // Not signed in yet: the sign-in link brings them back here.
  }
}

async function register(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const name = $("display-name").value.trim();
  if (!name) {
    fieldError("display-name", message("name-required"));
    return;
  }
  fieldError("display-name", null);
  if (!(await acceptable("passphrase"))) return;
  await busy(form, async () => {
    status("join-status", message("creating"));
    try {
      const made = await p.createAccount($("passphrase").value, invitation.user_id, { withRecovery: true });
      const result = await api("POST", "/api/v1/register", { ...made.registration, token, display_name: name });
      await keystore.clearAll();
      await keystore.saveSecrets(made.secrets);
      $("passphrase").value = "";
      $("passphrase-repeat").value = "";
      form.hidden = true;
      status("join-status", message("created"));
      showRecoveryCode(made.recoveryCode, () => location.assign(home(result.role)));
    } catch (error) {
      status("join-status", failure(error));
    }
  });
}

$("join-form").addEventListener("submit", register);
inspect();
