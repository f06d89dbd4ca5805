// The DOM helpers every page uses. Text goes in with textContent only; markup comes from the
// page's own <template> elements.

/** The element with this id, or null. */
export const byId = (id) => document.getElementById(id);

/** The first element under `root` that matches `selector`, or null. */
export const $ = (selector, root = document) => root.querySelector(selector);

/** Every element under `root` that matches `selector`, as an array. */
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Put `text` in the element with this id (a status line), when the page has one. */
export function setText(id, text) {
  const el = byId(id);
  if (el) el.textContent = text;
}

/** A fresh copy of <template id=...>'s first element. */
export function clone(id) {
  return byId(id).content.firstElementChild.cloneNode(true);
}

/** Give a cloned template unique ids: "__" in id, for, aria-* and data-target becomes `token`. */
export function uniquify(root, token) {
  const attrs = ["id", "for", "aria-describedby", "aria-labelledby", "data-target", "data-after"];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    for (const attr of attrs) {
      const value = el.getAttribute(attr);
      if (value && value.includes("__")) el.setAttribute(attr, value.replaceAll("__", token));
    }
  }
  return root;
}

/** The page's language, for dates and numbers (<html lang>, always set by base.html). */
export const pageLanguage = () => document.documentElement.lang || "fi";

/** Hand `blob` to the browser as a file download named `filename` (a blob: address, no request). */
export function offerDownload(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: some browsers read the address after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
