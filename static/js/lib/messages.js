// Every word a script shows comes from the page: <template id="msg-ID"> elements, translated on
// the server. JavaScript never holds user-facing strings itself.

// Each template's text, read once (a long notebook asks for the same few hundreds of times).
// Keyed by the element, so a template swapped in with new HTML is read afresh.
const texts = new WeakMap();

/** The text of <template id="msg-ID">, with `{name}` replaced from `values`; the id when missing. */
export function message(id, values = {}) {
  const template = document.getElementById(`msg-${id}`);
  let text = id;
  if (template) {
    if (!texts.has(template)) texts.set(template, template.content.textContent.trim());
    text = texts.get(template);
  }
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(`{${key}}`, String(value));
  return text;
}

/**
 * Say `text` to screen readers only, through the page's polite live region (#announce in
 * base.html): for a message the page already shows once, in a notice beside what it is about,
 * so that it is not shown a second time in a toast.
 */
export function announce(text) {
  const region = document.getElementById("announce");
  if (!region) return;
  // Emptied first, so that the same words are announced again.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}
