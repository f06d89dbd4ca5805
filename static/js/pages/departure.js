// After a partner deleted their account (docs/PROTOCOL.md §13.1): what they wrote was re-sealed
// without their name, and the confirmations that stood on it were carried to the re-sealed
// revision as the server's record (their signatures named the leaver, whose id is gone). The
// notebook counts them for that exact revision only, and shows the partner as a former member.
import { api } from "../lib/api.js";

// The same value as FORMER_MEMBER in notebook/core.js (that module imports this one).
const FORMER = "former-member";

/** Carried confirmations the server lists for entries this device opened, at that revision. */
export async function applyDeparture(book) {
  if (!book.pair?.partner?.left || !book.entries.length) return;
  let data;
  try {
    data = await api("GET", `${book.base}/departure`);
  } catch {
    return; // Offline: the page shows what it verified itself.
  }
  const carried = (data.carried_confirmations ?? []).filter((c) => {
    const entry = book.find(c.entry_id);
    return entry && !entry.failed && entry.revision === c.revision
      && (c.user_id === book.me || c.user_id === FORMER);
  });
  book.removals = data.removals ?? [];
  if (!carried.length) return;
  // The partner's place in the agreement's confirmations is the former member's now.
  book.partnerId = FORMER;
  const known = new Set(book.confirmations.map((c) => `${c.entry_id}|${c.user_id}|${c.revision}`));
  for (const c of carried) {
    if (known.has(`${c.entry_id}|${c.user_id}|${c.revision}`)) continue;
    book.confirmations.push({ entry_id: c.entry_id, user_id: c.user_id, revision: c.revision, confirmed_at: c.confirmed_at, carried: true });
  }
}
