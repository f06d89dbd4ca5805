// Joining by invitation: keys are created on this device; only the registration is sent.
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { busy, failure, fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { home } from "../session.js";
import * as keystore from "../storage/keystore.js";
import { acceptable, attachMeter } from "./passphrase.js";
import { markSaved, showRecoveryCode } from "./recovery-step.js";

const token = document.body.dataset.token;
let invitation = null;
let me = null;

/** Where a member goes once in: a new pair first asks what the organiser may see. */
const afterJoining = (pairId, role) =>
  pairId ? `/pairs/${encodeURIComponent(pairId)}/sharing?step=joined` : home(role);

async function inspect() {
  try {
    invitation = await api("POST", "/api/v1/invitations/inspect", { token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.body?.joined) {
      // The link did its work: whoever opens it again is told to sign in, not "not valid".
      byId("join-used").hidden = false;
    } else if (error instanceof ApiError && error.status === 404) {
      byId("join-invalid").hidden = false;
    } else {
      setText("join-status", failure(error));
    }
    return;
  }
  const intro = byId("join-intro");
  intro.textContent = message(`invited-${invitation.role}`, {
    programme: invitation.programme ?? "", email: invitation.email,
  });
  intro.hidden = false;
  if (invitation.registered) {
    byId("join-existing").hidden = false;
    byId("join-signin").href = `/login?next=${encodeURIComponent(location.pathname)}`;
    await acceptIfSignedIn();
    return;
  }
  byId("join-form").hidden = false;
  attachMeter("passphrase");
}

async function acceptIfSignedIn() {
  try {
    me = await api("GET", "/api/v1/me");
  } catch {
    return; // Not signed in yet: the sign-in link brings them back here.
  }
  if (me.user_id !== invitation.user_id) return;
  byId("join-existing").hidden = true;
  byId("pair-name-field").hidden = !invitation.pair;
  // Only the member sees this suggestion; the pair gets whatever they leave in the field.
  byId("pair-name").value = me.display_name ?? "";
  byId("accept-form").hidden = false;
}

async function accept(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const body = { token };
  if (invitation.pair) {
    const name = byId("pair-name").value.trim();
    if (!name) {
      fieldError("pair-name", message("name-required"));
      return;
    }
    fieldError("pair-name", null);
    body.display_name = name;
  }
  await busy(form, async () => {
    try {
      const result = await api("POST", "/api/v1/invitations/accept", body);
      location.assign(afterJoining(result.pair_id, me.role));
    } catch (error) {
      setText("join-status", failure(error));
    }
  });
}

async function register(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const name = byId("display-name").value.trim();
  if (!name) {
    fieldError("display-name", message("name-required"));
    return;
  }
  fieldError("display-name", null);
  if (!(await acceptable("passphrase"))) return;
  await busy(form, async () => {
    setText("join-status", message("creating"));
    try {
      const made = await p.createAccount(byId("passphrase").value, invitation.user_id, { withRecovery: true });
      const result = await api("POST", "/api/v1/register", { ...made.registration, token, display_name: name });
      await keystore.clearAll();
      await keystore.saveSecrets(made.secrets);
      byId("passphrase").value = "";
      byId("passphrase-repeat").value = "";
      form.hidden = true;
      setText("join-status", message("created"));
      showRecoveryCode(made.recoveryCode, async () => {
        await markSaved();
        location.assign(afterJoining(result.pair_id, result.role));
      });
    } catch (error) {
      setText("join-status", failure(error));
    }
  });
}

byId("join-form").addEventListener("submit", register);
byId("accept-form").addEventListener("submit", accept);
inspect();
