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
