// The pair page: every pairing step that is due (as memberclient/client.py Client.sync_pair),
// the safety number with its QR code, and "We compared it".
import qrcode from "../../vendor/qrcode/qrcode.mjs";
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import { byId, setText } from "../lib/dom.js";
import { failure } from "../lib/forms.js";
import { message } from "../lib/messages.js";
import { askForPassphrase } from "../lib/passphrase-form.js";
import { heldWraps, renewIfDue } from "../notebook/keys.js";
import { requireSecrets, unlockWithPassphrase } from "../session.js";

const pairId = document.body.dataset.pairId;
const base = `/api/v1/pairs/${pairId}`;
const SVG = "http://www.w3.org/2000/svg";
let secrets = null;
let running = false;
let partnerBundle = null;
let shownSafety = null;

async function ensureNotebook(data) {
  if (data.notebook) return false;
  const notebookId = p.newEntryId();
  const raw = p.newNotebookKey();
  const wrapped = await p.wrapNotebookKey(secrets.accountKey, notebookId, 1, raw);
  raw.fill(0);
  try {
    await api("POST", `${base}/notebook`, { notebook_id: notebookId, key_version: 1, wrapped_key: wrapped });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
  }
  return true;
}

async function step(retries = 2) {
  const data = await api("GET", base);
  const me = secrets.identity;
  const partner = data.partner;
  partnerBundle = partner.bundle ? await p.verifyBundle(partner.bundle, partner.user_id) : null;
  let keyChanged = false;
  let verified = false;
  if (partnerBundle) {
    if (!data.my_pin) {
      await api("POST", `${base}/pin`, { pin: await p.makePin(me, partnerBundle, false) });
    } else {
      const pinned = await p.openPin(me, data.my_pin.pin, partner.user_id);
      keyChanged = !p.sameKeys(pinned.bundle, partnerBundle);
      verified = pinned.verified && !keyChanged;
    }
  }
  if (await ensureNotebook(data)) return step(retries);
  // A member left: the notebook gets a new key before it is shared with anyone new (§13).
  if (retries > 0 && await renewIfDue(base, secrets.accountKey, data.notebook)) return step(retries - 1);
  const nb = data.notebook;
  // Every key version I hold (raw: to share with a newcomer), then those my partner sent me.
  const held = new Map();
  for (const w of heldWraps(nb)) {
    held.set(w.key_version, await p.unwrapNotebookKey(secrets.accountKey, nb.notebook_id, w.key_version, w.wrapped_key));
  }
  const wipe = () => {
    for (const raw of held.values()) raw.fill(0);
  };
  if (partnerBundle && !keyChanged) {
    for (const pending of data.pending_shares) {
      const kv = pending.key_version;
      if (held.has(kv)) continue;
      const raw = await p.acceptShare(me, partnerBundle, pending.share, nb.notebook_id, kv);
      held.set(kv, raw);
      const wrapped = await p.wrapNotebookKey(secrets.accountKey, nb.notebook_id, kv, raw);
      try {
        await api("POST", `${base}/shares/${pending.share_id}/accept`, { wrapped_key: wrapped });
      } catch (error) {
        wipe();
        // The partner's page sent a newer share while this one was being opened: take that one.
        if (error instanceof ApiError && error.status === 404 && retries > 0) return step(retries - 1);
        throw error;
      }
    }
  }
  let partnerHasKey = nb.partner_has_key;
  let shareWaiting = nb.share_waiting;
  // One share per version and partner identity: a second one would replace the share they may
  // be opening. A newcomer gets every version I hold, so they read the whole history.
  const toShare = nb.versions_to_share ?? (!partnerHasKey && !shareWaiting ? [nb.key_version] : []);
  if (partnerBundle && !keyChanged) {
    for (const kv of toShare) {
      const raw = held.get(kv);
      if (!raw) continue;
      const share = await p.shareNotebookKey(me, partnerBundle, nb.notebook_id, kv, raw);
      await api("POST", `${base}/shares`, { to: partner.user_id, key_version: kv, share });
      if (kv === nb.key_version) shareWaiting = true;
    }
  }
  const haveKey = held.has(nb.key_version);
  wipe();
  let partnerVerified = data.partner_verified;
  if (!partnerHasKey && haveKey) {
    const fresh = await api("GET", base);
    partnerHasKey = fresh.notebook?.partner_has_key ?? false;
    partnerVerified = fresh.partner_verified;
  }
  return render({ partner, keyChanged, verified, haveKey, partnerHasKey, shareWaiting, partnerVerified });
}

function drawQr(digits) {
  const qr = qrcode(0, "M");
  qr.addData(digits);
  qr.make();
  const count = qr.getModuleCount();
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `-4 -4 ${count + 8} ${count + 8}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", message("qr"));
  svg.setAttribute("class", "qr-code");
  const background = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: -4, y: -4, width: count + 8, height: count + 8, fill: "#ffffff" })) {
    background.setAttribute(k, String(v));
  }
  svg.append(background);
  let d = "";
  for (let r = 0; r < count; r += 1) {
    for (let c = 0; c < count; c += 1) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000000");
  svg.append(path);
  byId("safety-qr").replaceChildren(svg);
}

async function render(s) {
  byId("pairing").hidden = false;
  byId("left-notice").hidden = !s.partner.left;
  const warnedBefore = !byId("key-warning").hidden;
  byId("key-warning").hidden = !s.keyChanged;
  let state = "invited";
  if (s.partner.left) state = "";
  else if (s.partner.joined && s.verified && s.partnerVerified && s.haveKey) state = "verified";
  else if (s.partner.joined && s.haveKey && s.partnerHasKey) state = "shared";
  else if (s.partner.joined && !s.haveKey) state = "waiting";
  else if (s.keyChanged) state = "";
  else if (s.partner.joined && s.shareWaiting) state = "sent";
  else if (s.partner.joined) state = "joined";
  const words = state ? message(`state-${state}`) : "";
  // Polling must not make a screen reader read the same state again.
  if (byId("pair-state").textContent !== words) setText("pair-state", words);
  byId("safety").hidden = !partnerBundle;
  // Worked out and drawn once per partner key, not on every look: it is slow on a phone, and
  // rewriting it would move a screen reader that is reading it out.
  const drawnFor = partnerBundle ? JSON.stringify(partnerBundle.json) : null;
  if (!partnerBundle) shownSafety = null;
  if (partnerBundle && drawnFor !== shownSafety) {
    shownSafety = drawnFor;
    const digits = await p.safetyNumber(secrets.identity.bundle, partnerBundle);
    const formatted = p.formatSafetyNumber(digits);
    byId("safety-number").textContent = formatted;
    byId("safety-reading").textContent = message("reading", { digits: formatted.split(" ").join(", ") });
    drawQr(digits);
  }
  byId("verified-note").hidden = !s.verified;
  byId("partner-verified-note").hidden = !s.partnerVerified;
  byId("verify").hidden = s.verified;
  byId("unverified-notice").hidden = !partnerBundle || s.verified || s.keyChanged;
  if (s.keyChanged && !warnedBefore) byId("key-warning").focus();
  return state;
}

// While the partner is about to take or send the key, look again soon; while they have not
// joined, every few seconds more (they may be joining right now); otherwise now and then.
const SOON = 4000;
const LATER = 30000;
const RETRY = 10000;
const QUICKLY_FOR = 120000;
let lastState = null;
let stateSince = 0;
let timer = null;

function again(delay) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (document.visibilityState === "visible") sync();
    else again(delay);
  }, delay);
}

async function sync() {
  if (running || !secrets) return;
  running = true;
  let delay = LATER;
  try {
    const state = await step();
    if (state !== lastState) {
      lastState = state;
      stateSince = Date.now();
    }
    // A partner who is not here now may be away for days: then only now and then (and whenever
    // the page comes back into view).
    const recent = Date.now() - stateSince < QUICKLY_FOR;
    if (recent && (state === "sent" || state === "waiting" || state === "joined")) delay = SOON;
    else if (recent && state === "invited") delay = RETRY;
  } catch (error) {
    const words = error.name === "CryptoError" ? message("integrity") : failure(error);
    if (byId("pair-state").textContent !== words) setText("pair-state", words);
    delay = RETRY;
  } finally {
    running = false;
    again(delay);
  }
}

byId("verify").addEventListener("click", async () => {
  if (!partnerBundle) return;
  const pin = await p.makePin(secrets.identity, partnerBundle, true);
  try {
    await api("POST", `${base}/pin`, { pin });
  } catch (error) {
    setText("pair-state", failure(error));
    return;
  }
  await sync();
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible") return;
  stateSince = Date.now(); // back on the page: look quickly again for a while
  sync();
});
window.addEventListener("focus", () => sync());

secrets = await requireSecrets();
if (secrets) sync();
else {
  secrets = await askForPassphrase(byId("unlock-form"), unlockWithPassphrase);
  sync();
}
