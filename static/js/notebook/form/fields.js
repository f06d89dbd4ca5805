// The fields of one notebook form. Controls carry data-field and data-kind and no name, so
// nothing is ever posted; a body goes in and comes out as plain JSON, and what must be fixed is
// said at the field it is about.
import { $, $$ } from "../../lib/dom.js";
import { message } from "../../lib/messages.js";
import { saveStatus } from "../status.js";

/** The form's value controls (a goals fieldset counts as one). */
export const controls = (form) => $$("[data-field]", form);

/** The value a <select> shows for `value`: that option, or its first one. */
function shownOption(select, value) {
  const wanted = value === undefined || value === null ? "" : String(value);
  return [...select.options].some((o) => o.value === wanted) ? wanted : select.options[0]?.value ?? "";
}

/** The body as the form shows it; empty fields are left out. */
export function readBody(form) {
  const body = {};
  for (const el of controls(form)) {
    const { field, kind } = el.dataset;
    if (kind === "goals") {
      const ids = $$("input[type=checkbox]:checked", el).map((c) => c.value);
      if (ids.length) body[field] = ids;
    } else if (kind === "number") {
      if (el.value !== "" && Number.isFinite(Number(el.value))) body[field] = Number(el.value);
    } else if (el.value !== "") {
      body[field] = el.value;
    }
  }
  return body;
}

/** `body` as this form would show and read it back (a select shows its first option). */
export function asShown(form, body) {
  const out = { ...body };
  for (const el of controls(form)) {
    if (el.tagName !== "SELECT") continue;
    const { field } = el.dataset;
    const value = shownOption(el, body?.[field]);
    if (value === "") delete out[field];
    else out[field] = value;
  }
  return out;
}

/** Whether the form's "finished" box is ticked (false where it has none). */
export const readDone = (form) => $("[data-done]", form)?.checked ?? false;

/** Show `body` (and `done`) in the form. */
export function fillBody(form, body, done = false) {
  for (const el of controls(form)) {
    const value = body?.[el.dataset.field];
    if (el.dataset.kind === "goals") {
      const ids = Array.isArray(value) ? value.map(String) : [];
      for (const box of $$("input[type=checkbox]", el)) box.checked = ids.includes(box.value);
    } else if (el.tagName === "SELECT") {
      el.value = shownOption(el, value);
    } else {
      el.value = value === undefined || value === null ? "" : String(value);
    }
  }
  const doneBox = $("[data-done]", form);
  if (doneBox) doneBox.checked = Boolean(done);
}

/** What the member must fix before saving (nothing is sent while any remain): `[{el, text}]`. */
export function problems(form, body, done) {
  const found = [];
  for (const el of controls(form)) {
    const { field, kind } = el.dataset;
    const value = body[field];
    if (el.hasAttribute("data-required") && (value === undefined || String(value).trim() === "")) {
      found.push({ el, text: message("error-required") });
    } else if (kind === "number" && (el.validity?.badInput
      || (value !== undefined && (!Number.isInteger(value) || value < Number(el.min) || value > Number(el.max))))) {
      found.push({ el, text: message("error-number", { min: el.min, max: el.max }) });
    } else if (el.dataset.after && value !== undefined) {
      const other = document.getElementById(el.dataset.after);
      if (other?.value && String(value) < other.value) {
        const label = $(`label[for="${other.id}"]`, form)?.textContent.trim() ?? "";
        found.push({ el, text: message("error-after", { other: label }) });
      }
    }
  }
  const words = controls(form).some((el) => el.dataset.kind === "text" && String(body[el.dataset.field] ?? "").trim());
  if (done && !words) found.push({ el: $("[data-done]", form), text: message("error-done-empty") });
  return found;
}

/**
 * Say each problem at its field, and take the focus to the first; `status`: also say in the
 * status bar that some answers need checking (not when the one error says it all).
 */
export function showProblems(form, found, { status = found.length > 1 } = {}) {
  clearProblems(form);
  for (const { el, text } of found) {
    const error = document.createElement("p");
    error.className = "error-text field-error";
    error.id = `${el.id}-error`;
    error.textContent = text;
    (el.closest(".choice") ?? el).after(error);
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", [el.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
  }
  // One message once: a single error is read at its field (it is focused, and described by it).
  if (status) saveStatus.set(message("check-fields"));
  else saveStatus.clear();
  found[0].el.focus();
}

/** The field is right again: its error goes. */
export function clearProblem(el) {
  const id = `${el.id}-error`;
  document.getElementById(id)?.remove();
  el.removeAttribute("aria-invalid");
  const rest = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== id);
  if (rest.length) el.setAttribute("aria-describedby", rest.join(" "));
  else el.removeAttribute("aria-describedby");
}

/** Every field is right again. */
export function clearProblems(form) {
  for (const el of $$("[aria-invalid=true]", form)) clearProblem(el);
}

/** An activity idea's button: its words go into the field it names. */
export function useActivity(button) {
  const target = document.getElementById(button.dataset.target);
  if (!target) return;
  const idea = button.textContent.trim();
  target.value = target.value.trim() ? `${target.value.trim()}, ${idea}` : idea;
  target.dispatchEvent(new Event("input", { bubbles: true }));
  // The focus stays on the chip (the next idea is one tap on); the new theme is announced.
  const announce = document.getElementById("announce");
  if (announce) announce.textContent = message("activity-used", { theme: target.value });
}

/**
 * Enter in a one-line field does not send a half-filled form (the save button does), unless
 * the form asks for it (`data-enter-saves`: a one-field form such as a new goal's title).
 */
export function holdEnter(form) {
  if (form.hasAttribute("data-enter-saves")) return;
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    if (event.target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(event.target.type)) {
      event.preventDefault();
    }
  });
}
