// Server-rendered fragments swapped in by htmx (docs/ARCHITECTURE.md, "htmx"): keep the keyboard
// focus where the person was, say when a request failed, and fall back to the plain form post
// (the same action without JavaScript) when the server answers an error.
import { setText } from "./lib/dom.js";
import { message } from "./lib/messages.js";

const announce = (text) => setText("announce", text);

let focusedId = null;
let fallbackId = null;
let targetId = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  targetId = event.detail.target?.id || null;
  const active = document.activeElement;
  focusedId = active && active !== document.body ? active.id || null : null;
  fallbackId = active?.closest("[data-focus-fallback]")?.dataset.focusFallback ?? null;
});

// The element that had the focus was part of the swapped fragment: give the focus back to its
// new copy, or to the place named for it (the row, the card), so nobody is sent to the top.
document.addEventListener("htmx:afterSettle", (event) => {
  if (document.activeElement && document.activeElement !== document.body) return;
  const target =
    (focusedId && document.getElementById(focusedId)) ||
    (fallbackId && document.getElementById(fallbackId)) ||
    (targetId && document.getElementById(targetId)) ||
    event.detail.target;
  if (target && target.isConnected) {
    if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
});

// An error answer: do the same thing as a plain form post or link, which shows the server's own
// page for it (an expired form, a pair that is gone). Offline: say so, change nothing.
document.addEventListener("htmx:responseError", (event) => {
  const element = event.detail.elt;
  const form = element.closest("form");
  if (form && form.method.toLowerCase() === "post") form.submit();
  else if (event.detail.pathInfo?.requestPath) location.assign(event.detail.pathInfo.requestPath);
  else announce(message("fragment-failed"));
});
document.addEventListener("htmx:sendError", () => announce(message("fragment-offline")));
