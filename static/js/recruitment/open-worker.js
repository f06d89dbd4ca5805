// A module worker that opens a share of the applications sealed to me (applicants-common.js
// openAll): my identity comes as structured-cloned non-extractable CryptoKeys, the answers go
// back to the page. Nothing is fetched or kept here.
import { openOrNull } from "./sealing.js";

self.addEventListener("message", async (event) => {
  const { identity, apps, programmeId } = event.data;
  try {
    const opened = await Promise.all(
      apps.map(async (app) => [app.application_id, await openOrNull(identity, app, programmeId)]),
    );
    self.postMessage({ opened });
  } catch (err) {
    self.postMessage({ error: String(err?.message ?? err) });
  }
});
