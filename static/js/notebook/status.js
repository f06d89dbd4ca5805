// The notebook's save status: one polite live region at the foot of the page, and a "Try again
// now" button while a retry waits.
import { $ } from "../lib/dom.js";
import { announce, message } from "../lib/messages.js";

export const saveStatus = {
  /** Say `text`; with `retry`, show "Try again now" that calls it. */
  set(text, { retry = null } = {}) {
    const region = $("#save-status-text");
    const button = $("#save-retry-now");
    if (!region) return;
    region.textContent = text;
    const bar = region.closest("#save-status");
    bar.dataset.state = retry ? "waiting" : "idle";
    if (button) {
      button.hidden = !retry;
      button.onclick = retry;
    }
    // Sticky save buttons sit just above the bar, and focused fields scroll clear of both.
    document.documentElement.style.setProperty("--status-h", `${text ? bar.offsetHeight : 0}px`);
  },
  clear() {
    this.set("");
  },
  /**
   * A message the page shows in a notice where it belongs (a draft offer, the conflict view):
   * announced, and not repeated in the status bar (one message, shown once).
   */
  notice(text) {
    clearTimeout(this.timer);
    this.clear();
    announce(text);
  },
  /** A passing message ("Saved."): it leaves the screen after a while unless replaced. */
  done(text) {
    this.set(text);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if ($("#save-status-text")?.textContent === text) this.clear();
    }, 8000);
  },
};

/** Wait `seconds`, counting down in the status; resolves early on "Try again now" or reconnecting. */
export function waitToRetry(seconds, offline, returnFocus = null) {
  return new Promise((resolve) => {
    let left = seconds;
    let timer = null;
    // The live region speaks once; the countdown is for the eyes only (not re-announced).
    const countdown = $("#save-retry-now .retry-countdown");
    const done = () => {
      clearInterval(timer);
      if (countdown) countdown.textContent = "";
      window.removeEventListener("online", done);
      const hadFocus = document.activeElement === $("#save-retry-now");
      saveStatus.set(message("saving"));
      if (hadFocus) returnFocus?.focus();
      resolve();
    };
    const tick = () => {
      if (countdown) countdown.textContent = offline ? "" : `\u00a0(${left}\u00a0s)`;
    };
    saveStatus.set(offline ? message("offline") : message("retrying"), { retry: done });
    tick();
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) done();
      else tick();
    }, 1000);
    window.addEventListener("online", done);
  });
}
