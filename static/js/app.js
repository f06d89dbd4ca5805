// Page glue shared by every page. Keep it small: each page adds its own module.
import { clearAll, recordNames } from "./storage/keystore.js";

document.documentElement.classList.add("js");

// Signing out wipes this browser's keys before the server ends the session.
const logout = document.getElementById("logout-form");
if (logout) {
  logout.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Unsaved notebook text lives only in this browser's drafts: ask before wiping it.
    let drafts = [];
    try {
      drafts = await recordNames("draft:");
    } catch {
      // No key store here: nothing to lose.
    }
    if (drafts.length && !window.confirm(logout.dataset.draftsWarning)) return;
    try {
      await clearAll();
    } finally {
      logout.submit();
    }
  });
}

const params = new URLSearchParams(location.search);
if (params.has("signed_out") || params.has("deleted")) clearAll();

// A form came back with errors: the summary (role=alert) takes the focus, so keyboard and
// screen reader users start from the list of what to fix.
// (After load: focus moved while the page is still loading does not stick in every browser.)
const focusSummary = () => document.getElementById("error-summary")?.focus();
if (document.readyState === "complete") focusSummary();
else window.addEventListener("load", focusSummary, { once: true });
