// Passphrase rules: 12 to 256 characters, not a common password, no composition rules.
import { byId } from "../lib/dom.js";
import { fieldError } from "../lib/forms.js";
import { message } from "../lib/messages.js";

let common = null;

async function commonList() {
  if (!common) {
    const response = await fetch("/static/data/common-passwords.json", { credentials: "same-origin" });
    common = new Set(await response.json());
  }
  return common;
}

/** Lower-cased, trailing digits and punctuation removed, one repetition collapsed. */
function cores(value) {
  const lower = value.toLowerCase().normalize("NFC");
  const stripped = lower.replace(/[\d\s\p{P}\p{S}]+$/u, "");
  const out = new Set([lower, stripped, lower.replace(/\s+/g, "")]);
  for (const word of [stripped, lower]) {
    for (let size = 1; size <= word.length / 2; size += 1) {
      if (word.length % size === 0 && word.slice(0, size).repeat(word.length / size) === word) out.add(word.slice(0, size));
    }
  }
  return out;
}

/** 0 (too weak) to 4 (strong): length and variety, never a rule the user must follow. */
export function strength(value) {
  if (value.length < 12) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  const words = value.trim().split(/\s+/).length;
  const unique = new Set(value).size;
  let score = 1;
  if (value.length >= 16 || (value.length >= 12 && classes >= 3)) score += 1;
  if (value.length >= 20 || words >= 4) score += 1;
  if (value.length >= 28 && unique >= 12) score += 1;
  return unique < 6 ? Math.min(score, 1) : Math.min(score, 4);
}

/** Wire the meter of a new-passphrase field. */
export function attachMeter(id) {
  const input = byId(id);
  const meter = byId(`${id}-meter`);
  const text = byId(`${id}-strength-text`);
  const update = () => {
    const score = input.value ? strength(input.value) : 0;
    meter.value = score;
    text.textContent = input.value ? message(`strength-${score}`) : "";
  };
  input.addEventListener("input", update);
  update();
}

/** Check a new passphrase and its repetition; show the reason and return false if refused. */
export async function acceptable(id) {
  const value = byId(id).value;
  fieldError(`${id}-repeat`, null);
  if (value.length < 12) {
    fieldError(id, message("too-short"));
    return false;
  }
  if (value.length > 256) {
    fieldError(id, message("too-long"));
    return false;
  }
  const list = await commonList();
  if ([...cores(value)].some((c) => list.has(c)) || strength(value) === 0) {
    fieldError(id, message("common"));
    return false;
  }
  fieldError(id, null);
  if (byId(`${id}-repeat`).value !== value) {
    fieldError(`${id}-repeat`, message("mismatch"));
    return false;
  }
  return true;
}
