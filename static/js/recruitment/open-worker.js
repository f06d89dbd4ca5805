// A module worker that opens a share of the applications sealed to me (applicants-common.js
// openAll): my identity comes with the first share as structured-cloned non-extractable
// CryptoKeys (kept for the next shares of the same list), the answers go back to the page.
// Nothing is fetched here.
import { openOrNull } from "./sealing.js";

let identity = null;

self.addEventListener("message", async (event) => {
  const { apps, programmeId } = event.data;
  if (event.data.identity) identity = event.data.identity;
  try {
    const opened = await Promise.all(
      apps.map(async (app) => [app.application_id, await openOrNull(identity, app, programmeId)]),
    );
    self.postMessage({ opened });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
});
