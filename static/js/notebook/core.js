// The pair notebook in the browser: open every entry with the notebook key, check that each is
// what it claims to be (notebook, entry, type, key version, revision, author), and seal saves.
// Mirrors memberclient/client.py (_open, add_entry, edit_entry, confirm).
import * as p from "../crypto/index.js";
import { ApiError, api } from "../lib/api.js";
import * as keystore from "../storage/keystore.js";
import { keptSince, loadOpened, saveOpened } from "../storage/opened.js";
import { applyDeparture } from "../pages/departure.js";
import { currentKey, openHeldKeys, renewIfDue } from "./keys.js";

/** The author id of shared entries whose writer deleted their account (docs/API.md). */
export const FORMER_MEMBER = "former-member";

export class NoKeyError extends Error {
  constructor() {
    super("no notebook key");
    this.name = "NoKeyError";
  }
}

/** An entry from the server failed to open: tampered, moved or replayed. Never shown. */
export class IntegrityError extends Error {
  constructor(entryId) {
    super("entry could not be verified");
    this.name = "IntegrityError";
    this.entryId = entryId;
  }
}

/** Someone saved first: `current` is their version, opened (or `failed`). */
export class ConflictError extends Error {
  constructor(current) {
    super("conflict");
    this.name = "ConflictError";
    this.current = current;
  }
}

/** JSON with sorted keys: two bodies are the same if this text is. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const withSchema = (body) => ({ schema: 1, ...body });
export const sameBody = (a, b) => canonical(withSchema(a ?? {})) === canonical(withSchema(b ?? {}));
/** Two field values are the same (as canonical JSON). */
export const sameValue = (a, b) => sameBody({ v: a ?? null }, { v: b ?? null });

export class Notebook {
  constructor({ pairId, notebookId, kv, keys, accountKey, me, identity, partnerId, pair, types = [] }) {
    Object.assign(this, { pairId, notebookId, kv, keys, accountKey, me, identity, partnerId, pair, types });
    // `keys`: every key version I hold (kv → key); new writes use the newest, `kv` (§13).
    this.key = keys.get(kv);
    this.entries = [];
    // The ciphertext each opened entry came in: a confirmation signs exactly that (§7.1).
    this.envelopes = new Map();
    this.partnerBundle = undefined;
    this.confirmations = [];
    this.earlierConfirmations = [];
    this.phase = null;
    // What this device opened before, on this page or an earlier one of the session
    // (storage/opened.js): a listing asked `since` its newest change sends only what changed.
    this.kept = { notebookId, kv, entries: new Map(), pair: null, views: {} };
  }

  /** The kept opening of `row`, if it is of the same revision, author and type; else null. */
  keptFor(row) {
    const kept = this.kept.entries.get(row.entry_id);
    return kept && kept.revision === row.revision && kept.author_id === row.author_id && kept.type === row.type
      ? kept
      : null;
  }

  /** Keep what `entries` opened for the next page; those of the listed kinds not listed are gone. */
  keep(entries) {
    const listed = new Set(entries.map((e) => e.entry_id));
    for (const [id, kept] of this.kept.entries) {
      if (!listed.has(id) && (!this.types.length || this.types.includes(kept.type))) this.kept.entries.delete(id);
    }
    for (const entry of entries) this.keepOne(entry);
    clearTimeout(this.keepTimer);
    // Written after the page has drawn, off the path to the first paint; `kept` settles once
    // the copy is stored (the page marks it, for whoever waits on it).
    this.keptSaved = new Promise((resolve) => {
      this.keepTimer = setTimeout(() => saveOpened(this.me, this.pairId, this.kept).catch(() => {}).then(resolve), 50);
    });
  }

  /** Settles once what the latest listing opened is stored for the next page. */
  whenKept() {
    return this.keptSaved ?? Promise.resolve();
  }

  keepOne(entry) {
    if (entry.failed) {
      this.kept.entries.delete(entry.entry_id);
      return;
    }
    // Only an agreement's ciphertext is needed again (a confirmation signs it, §7.1).
    const envelope = entry.type === "agreement" ? this.envelopes.get(entry.entry_id)?.envelope : undefined;
    // The whole opened entry (its metadata too), so that the next page can be drawn from it.
    const { failed: _failed, ...opened } = entry;
    this.kept.entries.set(entry.entry_id, { ...opened, ...(envelope ? { envelope } : {}) });
  }

  /**
   * Keep what the listing said besides its entries (and the pair), for the next page of these
   * kinds to be drawn before the network answers (keptNotebook).
   */
  keepView() {
    this.kept.pair = this.pair;
    this.kept.views = {
      ...this.kept.views,
      [viewKey(this.types)]: {
        phase: this.phase,
        meetingMonths: this.meetingMonths,
        listedConfirmations: this.listedConfirmations,
        confirmations: this.confirmations,
        earlierConfirmations: this.earlierConfirmations,
        removals: this.removals ?? null,
        partnerId: this.partnerId,
      },
    };
  }

  /** What a page shows of the notebook, as text: two equal digests draw the same page. */
  digest() {
    const confirmation = (c) => [c.entry_id, c.user_id, c.revision, Boolean(c.carried)];
    return canonical({
      entries: this.entries.map((e) => [e.entry_id, e.type, e.revision, e.author_id, e.updated_at, Boolean(e.failed)]),
      phase: this.phase ?? null,
      months: this.meetingMonths ?? null,
      confirmations: this.confirmations.map(confirmation),
      listed: (this.listedConfirmations ?? []).map(confirmation),
      earlier: this.earlierConfirmations.map(confirmation),
      removals: this.removals ?? null,
      partner: this.partnerId ?? null,
      pair: this.pair ?? null,
    });
  }

  /**
   * A notebook drawn from what this device kept (keptNotebook) brought up to date from the
   * network's answers (`prefetched`, as prefetchNotebook asked them): resolves to whether
   * anything a page shows changed. Throws NoKeyError when the notebook or its key changed, the
   * ApiError or NetworkError of the pair's or the listing's request.
   */
  async reconcile(prefetched) {
    const before = this.digest();
    const pair = await prefetched.pair;
    const meta = pair.notebook;
    // A new key version, or one due (a member left): the page opens from the network again.
    if (!meta || meta.rotation_due || meta.notebook_id !== this.notebookId || meta.key_version !== this.kv) {
      throw new NoKeyError();
    }
    Object.assign(this, { pair, partnerId: pair.partner?.user_id ?? null, partnerBundle: undefined, removals: undefined });
    await this.refresh(await prefetched.listing);
    return this.digest() !== before;
  }

  get base() {
    return `/api/v1/pairs/${encodeURIComponent(this.pairId)}`;
  }

  ctx(row) {
    return {
      notebookId: this.notebookId,
      entryId: row.entry_id,
      entryType: row.type,
      // Each entry is sealed under the key version the listing names for it (§13).
      kv: row.key_version ?? this.kv,
      rev: row.revision,
      authorId: row.author_id,
    };
  }

  authorAllowed(row) {
    const authors = [this.me, this.partnerId, FORMER_MEMBER].filter(Boolean);
    if (!authors.includes(row.author_id)) return false;
    // Only the owner edits an evaluation: its author must be its creator.
    if (row.type === "evaluation" && row.author_id !== FORMER_MEMBER && row.author_id !== row.created_by) return false;
    return true;
  }

  get seenName() {
    return `nb-seen:${this.me}:${this.notebookId}`;
  }

  /** Open rows from the server; the highest revision seen per entry is kept on this device. */
  async openRows(rows) {
    // Only what this device has not opened at this revision is opened again.
    const kept = rows.map((row) => this.keptFor(row));
    const toOpen = rows.filter((row, i) => !kept[i] && row.envelope);
    const [fresh, stored] = await Promise.all([
      this.openEach(toOpen),
      keystore.getRecord(this.seenName),
    ]);
    let next = 0;
    const opened = rows.map((row, i) => {
      if (kept[i]) return { body: kept[i].body };
      if (!row.envelope) return { error: new IntegrityError(row.entry_id) };
      return fresh[next++];
    });
    const seen = stored ?? {};
    let changed = false;
    const out = rows.map((row, i) => {
      const ok = this.authorAllowed(row)
        && Number.isInteger(row.revision)
        && row.revision >= (seen[row.entry_id] ?? 0)
        && !opened[i].error;
      const envelope = row.envelope ?? kept[i]?.envelope;
      if (ok && envelope) this.envelopes.set(row.entry_id, { revision: row.revision, envelope });
      if (ok && seen[row.entry_id] !== row.revision) {
        seen[row.entry_id] = row.revision;
        changed = true;
      }
      const { envelope: _envelope, ...meta } = row;
      return { ...meta, body: ok ? opened[i].body : null, failed: !ok };
    });
    if (changed) {
      // Merge with what another tab may have written meanwhile: revisions only go up.
      const latest = (await keystore.getRecord(this.seenName)) ?? {};
      for (const [id, rev] of Object.entries(latest)) seen[id] = Math.max(rev, seen[id] ?? 0);
      await keystore.putRecord(this.seenName, seen);
    }
    return out;
  }

  /** Open `rows` (each with its envelope), each under the key of its own version. */
  async openEach(rows) {
    const out = new Array(rows.length);
    const byVersion = new Map();
    rows.forEach((row, i) => {
      const kv = this.ctx(row).kv;
      if (!byVersion.has(kv)) byVersion.set(kv, []);
      byVersion.get(kv).push(i);
    });
    await Promise.all([...byVersion].map(async ([kv, indexes]) => {
      const key = this.keys.get(kv);
      const opened = key
        ? await p.openEntries(key, indexes.map((i) => ({ ctx: this.ctx(rows[i]), envelope: rows[i].envelope })))
        : indexes.map((i) => ({ error: new IntegrityError(rows[i].entry_id) }));
      indexes.forEach((i, j) => {
        out[i] = opened[j];
      });
    }));
    return out;
  }

  /**
   * Look at the pair's keys again: the notebook moved to a newer version (another device of
   * mine renewed it, or my partner did), or is due for one (then this device renews it).
   */
  async reloadKeys() {
    let pair = await api("GET", this.base);
    if (await renewIfDue(this.base, this.accountKey, pair.notebook)) pair = await api("GET", this.base);
    const meta = pair.notebook;
    if (!meta || meta.notebook_id !== this.notebookId) throw new NoKeyError();
    const keys = await openHeldKeys(this.accountKey, meta);
    if (!currentKey(keys, meta)) throw new NoKeyError();
    Object.assign(this, { keys, kv: meta.key_version, key: keys.get(meta.key_version), pair });
    this.kept.kv = this.kv;
  }

  /** A listing of this notebook whose newest key version this device holds. */
  async checkedListing(listing) {
    if (listing.notebook_id !== this.notebookId) throw new NoKeyError();
    if (listing.key_version > this.kv) await this.reloadKeys();
    if (listing.key_version > this.kv) throw new NoKeyError();
    return listing;
  }

  async refresh(preloaded = null) {
    let listing = await this.checkedListing(
      preloaded ?? await api("GET", listingPath(this.base, this.types, keptSince(this.kept, this.types))),
    );
    // An entry listed as unchanged that this device does not hold at that revision: ask once
    // for the whole listing (another device wrote it, or the kept copy is gone).
    if (listing.entries.some((row) => row.envelope === null && !this.keptFor(row))) {
      listing = await this.checkedListing(await api("GET", listingPath(this.base, this.types)));
    }
    this.phase = listing.phase;
    // Both members share their meetings: a saved meeting states its month (PROTOCOL.md §7.2).
    this.meetingMonths = listing.meeting_months === true;
    this.entries = await this.openRows(listing.entries);
    this.listedConfirmations = listing.confirmations;
    this.confirmations = await this.verifiedConfirmations(listing.confirmations);
    this.earlierConfirmations = await this.verifiedEarlier(listing.earlier_confirmations ?? []);
    await applyDeparture(this);
    this.keepView();
    this.keep(this.entries);
    return this;
  }

  /** Confirmations of older revisions, kept only when their signatures verify (§7.1). */
  verifiedEarlier(listed) {
    return this.keepVerified(listed, async (c, entry, signer) => {
      if (!(c.revision < entry.revision)) return false;
      const ctx = { ...this.ctx(entry), kv: c.key_version ?? this.ctx(entry).kv, rev: c.revision, authorId: c.author_id };
      await p.verifyConfirmationDigest(signer, ctx, c.ct_sha256, c.sig);
      return true;
    });
  }

  /**
   * The listed confirmations of entries this device opened, signed by me or by my pinned
   * partner, that `verify(c, entry, signer)` accepts (true; false or a throw drops one).
   */
  async keepVerified(listed, verify) {
    const signers = await this.signers();
    const checks = listed.map(async (c) => {
      const entry = this.find(c.entry_id);
      const signer = signers.get(c.user_id);
      if (!entry || entry.failed || !signer) return null;
      try {
        return (await verify(c, entry, signer)) === true ? c : null;
      } catch {
        return null;
      }
    });
    return (await Promise.all(checks)).filter(Boolean);
  }

  /** Whose signatures count: mine, and my partner's as my own pin holds their key. */
  async signers() {
    const signers = new Map([[this.me, this.identity?.bundle]]);
    const partner = await this.pinnedPartner();
    if (partner) signers.set(this.partnerId, partner);
    return signers;
  }

  /** My partner's bundle as my own signed pin holds it (null without a pin that opens). */
  async pinnedPartner() {
    if (this.partnerBundle === undefined) {
      this.partnerBundle = null;
      const stored = this.pair?.my_pin;
      if (stored && this.partnerId) {
        try {
          this.partnerBundle = (await p.openPin(this.identity, stored.pin, this.partnerId)).bundle;
        } catch {
          // A pin that does not open trusts nobody.
        }
      }
    }
    return this.partnerBundle;
  }

  /**
   * The confirmations whose signatures verify over the entry as this device opened it, by me or
   * by my pinned partner; whatever else the server lists does not count as confirmed.
   */
  verifiedConfirmations(listed) {
    return this.keepVerified(listed, async (c, entry, signer) => {
      const kept = this.envelopes.get(c.entry_id);
      if (!kept || kept.revision !== c.revision || entry.revision !== c.revision) return false;
      await p.verifyConfirmation(signer, this.ctx(entry), kept.envelope, c.sig);
      return true;
    });
  }

  byType(type) {
    return this.entries.filter((e) => e.type === type);
  }

  find(entryId) {
    return this.entries.find((e) => e.entry_id === entryId) ?? null;
  }

  remember(entry) {
    const i = this.entries.findIndex((e) => e.entry_id === entry.entry_id);
    if (i >= 0) this.entries[i] = entry;
    else this.entries.push(entry);
    this.keepOne(entry);
    saveOpened(this.me, this.pairId, this.kept).catch(() => {});
  }

  confirmedBy(entry) {
    return new Set(this.confirmations
      .filter((c) => c.entry_id === entry.entry_id && c.revision === entry.revision)
      .map((c) => c.user_id));
  }

  /** Who the server says confirmed `entry`'s revision, with a signature that did not verify here. */
  uncheckedConfirmations(entry) {
    const verified = this.confirmedBy(entry);
    return new Set((this.listedConfirmations ?? [])
      .filter((c) => c.entry_id === entry.entry_id && c.revision === entry.revision && !verified.has(c.user_id))
      .map((c) => c.user_id));
  }

  /** The revision `userId` last confirmed, when it is older than `entry`'s (else null). */
  earlierConfirmation(entry, userId) {
    const revisions = [...this.confirmations, ...this.earlierConfirmations]
      .filter((c) => c.entry_id === entry.entry_id && c.user_id === userId && c.revision < entry.revision)
      .map((c) => c.revision);
    return revisions.length ? Math.max(...revisions) : null;
  }

  /** Seal a save once; `send` may then be retried with the same request. */
  async seal({ entryId, type, base, body, done }) {
    const id = entryId ?? p.newEntryId();
    const rev = base ? base + 1 : 1;
    const envelope = await p.sealEntry(this.key, {
      notebookId: this.notebookId, entryId: id, entryType: type, kv: this.kv, rev, authorId: this.me,
    }, body);
    return { entryId: id, type, base: base ?? null, body, done: Boolean(done), envelope };
  }

  /** The body of a save this device sealed (a queued one): null if it does not open. */
  async openSealed({ entryId, type, base, envelope }) {
    // Sealed before a rotation, it opens under the version it was sealed with (send seals again).
    const kv = Number.isInteger(envelope?.kv) ? envelope.kv : this.kv;
    const key = this.keys.get(kv);
    if (!key) return null;
    const ctx = {
      notebookId: this.notebookId, entryId, entryType: type, kv, rev: base ? base + 1 : 1, authorId: this.me,
    };
    const [opened] = await p.openEntries(key, [{ ctx, envelope }]);
    return opened.error ? null : opened.body;
  }

  async openOne(row) {
    const [entry] = await this.openRows([row]);
    return entry;
  }

  /**
   * The month a meeting took place ("2026-11"), told to the server only while both members
   * share their meetings with the organiser, and only the month (PROTOCOL.md §7.2); else null.
   */
  statedMonth(type, body) {
    if (type !== "meeting" || !this.meetingMonths) return null;
    const date = typeof body?.date === "string" ? body.date : "";
    return /^\d{4}-(0[1-9]|1[0-2])-\d{2}$/.test(date) ? date.slice(0, 7) : null;
  }

  /**
   * Store a sealed save. Resolves to the opened entry; throws ConflictError, ApiError,
   * NetworkError. Sealed under a key the notebook has moved past (a rotation, §13), the same
   * words are sealed again under the newest key, once: the refused save stored nothing.
   */
  async send(sealed, resealed = false) {
    const { entryId, type, base, body, done, envelope } = sealed;
    const isOurs = (entry) => entry && !entry.failed && entry.author_id === this.me
      && entry.revision === (base ?? 0) + 1 && sameBody(entry.body, body);
    const month = this.statedMonth(type, body);
    const stated = month ? { meeting_month: month } : {};
    let row;
    try {
      row = base
        ? await api("PUT", `${this.base}/entries/${encodeURIComponent(entryId)}`, { base_revision: base, envelope, done, ...stated })
        : await api("POST", `${this.base}/entries`, { entry_id: entryId, type, envelope, done, ...stated });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      if (!resealed && !error.body.current && Number.isInteger(error.body.key_version)) {
        await this.reloadKeys();
        return this.send(await this.seal({ entryId, type, base, body, done }), true);
      }
      let current = null;
      if (error.body.current) {
        current = await this.openOne(error.body.current);
      } else if (!base) {
        // A retried create that did land, or a part of the notebook the partner created first.
        await this.refresh();
        current = this.find(error.body.entry_id ?? entryId);
      }
      if (!current) throw error;
      if (isOurs(current)) {
        this.remember(current);
        return current;
      }
      this.remember(current);
      throw new ConflictError(current);
    }
    const entry = await this.openOne(row);
    if (entry.failed) throw new IntegrityError(entry.entry_id);
    this.remember(entry);
    return entry;
  }

  /** Confirm `entry` exactly as this device opened it: signed with my identity key (§7.1). */
  async confirm(entry) {
    const kept = this.envelopes.get(entry.entry_id);
    if (!kept || kept.revision !== entry.revision) throw new IntegrityError(entry.entry_id);
    const sig = await p.signConfirmation(this.identity, this.ctx(entry), kept.envelope);
    const result = await api("POST", `${this.base}/entries/${encodeURIComponent(entry.entry_id)}/confirm`, { revision: entry.revision, sig });
    this.phase = result.phase;
    this.confirmations = [
      ...this.confirmations.filter((c) => !(c.entry_id === entry.entry_id && c.user_id === this.me)),
      { entry_id: entry.entry_id, user_id: this.me, revision: entry.revision, sig },
    ];
    return result;
  }

  /**
   * Delete a meeting for both members, from the revision this device opened. Throws
   * ConflictError with the newer version, ApiError (404: it is gone already) or NetworkError.
   */
  async deleteEntry(entryId, revision) {
    try {
      await api("DELETE", `${this.base}/entries/${encodeURIComponent(entryId)}`, { revision });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409 || !error.body.current) throw error;
      const current = await this.openOne(error.body.current);
      this.remember(current);
      throw new ConflictError(current);
    }
    this.entries = this.entries.filter((e) => e.entry_id !== entryId);
    this.kept.entries.delete(entryId);
    saveOpened(this.me, this.pairId, this.kept).catch(() => {});
  }

  async setPhase(phase) {
    const result = await api("POST", `${this.base}/phase`, { phase });
    this.phase = result.phase;
    return result;
  }
}

/** The name a page's kinds of entry are kept under in `kept.views`. */
const viewKey = (types) => [...types].sort().join(",") || "*";

const pairBase = (pairId) => `/api/v1/pairs/${encodeURIComponent(pairId)}`;
// A page asks only for the kinds of entry it shows: the agreement page need not download the
// whole meeting log over a weak connection.
const listingPath = (base, types, since = null, newest = null) => {
  const query = [
    ...types.map((t) => `type=${encodeURIComponent(t)}`),
    ...(since ? [`since=${encodeURIComponent(since)}`] : []),
    ...(newest ? [`newest=${newest}`] : []),
  ];
  return `${base}/entries${query.length ? `?${query.join("&")}` : ""}`;
};

/**
 * Ask for the pair and its sealed entries now, while the keys are still being unlocked: neither
 * needs a key, only opening them does. A failed request is sent again by openNotebook.
 * `first` ({types, count}): a long list whose first page a device that has kept nothing of these
 * kinds draws first (previewNotebook); its listing is then asked for before the whole one, and
 * the whole one only once `release` is called (the first page drawn, or not to be), so that the
 * two do not share a slow connection. `firstPage` resolves to that listing, or null.
 */
export function prefetchNotebook(pairId, types = [], me = null, first = null) {
  const base = pairBase(pairId);
  const pair = api("GET", base);
  // What this device opened on an earlier page: then only what changed since comes sealed.
  const kept = me ? loadOpened(me, pairId).catch(() => null) : Promise.resolve(null);
  const since = kept.then((k) => keptSince(k, types));
  const firstPage = since.then((s) => (first && !s ? api("GET", listingPath(base, first.types, null, first.count)) : null));
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });
  const listing = since.then((s) => (first && !s
    ? firstPage.catch(() => null).then(() => released).then(() => api("GET", listingPath(base, types)))
    : api("GET", listingPath(base, types, s))));
  pair.catch(() => {});
  listing.catch(() => {});
  firstPage.catch(() => {});
  return { pair, listing, kept, firstPage, release };
}

/**
 * The entries written last (prefetchNotebook's `firstPage`), opened, for a first page drawn
 * while the whole listing downloads on a device that has kept nothing (the meeting log's first
 * visit on a weak connection). A preview only: nothing of it is kept on the device or written back, and the
 * page is drawn again from the whole listing (openNotebook). Null when it cannot be drawn
 * (no key, a key due to be renewed, a request that failed): then the page waits as before.
 */
export async function previewNotebook(pairId, secrets, prefetched) {
  try {
    const [listing, pair] = await Promise.all([prefetched.firstPage ?? null, prefetched.pair]);
    if (!listing) return null;
    const meta = pair.notebook;
    if (!meta?.my_wrapped_key || meta.rotation_due) return null;
    const keys = await openHeldKeys(secrets.accountKey, meta);
    if (!currentKey(keys, meta)) return null;
    const book = notebookFor(pairId, secrets, pair, keys, []);
    if (listing.notebook_id !== book.notebookId || listing.key_version !== book.kv) return null;
    const [opened, seen] = await Promise.all([book.openEach(listing.entries), keystore.getRecord(book.seenName)]);
    book.entries = listing.entries.map((row, i) => {
      const ok = book.authorAllowed(row) && Number.isInteger(row.revision)
        && row.revision >= (seen?.[row.entry_id] ?? 0) && !opened[i].error;
      const { envelope: _envelope, ...rest } = row;
      return { ...rest, body: ok ? opened[i].body : null, failed: !ok };
    });
    return book;
  } catch {
    return null;
  }
}

/**
 * The notebook as this device kept it (`kept`, from loadOpened) for a page of `types`, opened
 * with no request: the key unwrapped from the kept pair answer, the entries as they were opened
 * here. Null when this device has not kept a listing of these kinds. Bring it up to date with
 * `reconcile` before trusting it any further.
 */
export async function keptNotebook(pairId, secrets, { types = [], kept = null } = {}) {
  const view = kept?.views?.[viewKey(types)];
  const meta = kept?.pair?.notebook;
  // A rotation due (a member left) is made on the network's path, before anything is drawn.
  if (!view || !meta || meta.rotation_due || meta.notebook_id !== kept.notebookId || meta.key_version !== kept.kv) return null;
  let keys;
  try {
    keys = await openHeldKeys(secrets.accountKey, meta);
  } catch {
    return null;
  }
  if (!currentKey(keys, meta)) return null;
  const book = new Notebook({
    pairId,
    notebookId: kept.notebookId,
    kv: kept.kv,
    keys,
    accountKey: secrets.accountKey,
    me: secrets.userId,
    identity: secrets.identity,
    partnerId: view.partnerId ?? kept.pair.partner?.user_id ?? null,
    pair: kept.pair,
    types,
  });
  book.kept = kept;
  for (const entry of kept.entries.values()) {
    if (entry.envelope) book.envelopes.set(entry.entry_id, { revision: entry.revision, envelope: entry.envelope });
    if (types.length && !types.includes(entry.type)) continue;
    const { envelope: _envelope, ...opened } = entry;
    book.entries.push({ ...opened, failed: false });
  }
  Object.assign(book, {
    phase: view.phase ?? null,
    meetingMonths: view.meetingMonths === true,
    listedConfirmations: view.listedConfirmations ?? [],
    confirmations: view.confirmations ?? [],
    earlierConfirmations: view.earlierConfirmations ?? [],
    ...(view.removals ? { removals: view.removals } : {}),
  });
  return book;
}

/** A notebook of the pair answer `pair`, under the `keys` unwrapped from it, for a page of `types`. */
function notebookFor(pairId, secrets, pair, keys, types) {
  const meta = pair.notebook;
  return new Notebook({
    pairId,
    notebookId: meta.notebook_id,
    kv: meta.key_version,
    keys,
    accountKey: secrets.accountKey,
    me: secrets.userId,
    identity: secrets.identity,
    partnerId: pair.partner?.user_id ?? null,
    pair,
    types,
  });
}

/** Unwrap the notebook key with my account key and load every entry. */
export async function openNotebook(pairId, secrets, { prefetched = null, types = [] } = {}) {
  const base = pairBase(pairId);
  // A prefetch may have failed before the member signed in again: then ask once more.
  const again = (promise, path) => (promise ? promise.catch(() => api("GET", path)) : api("GET", path));
  const listing = again(prefetched?.listing, listingPath(base, types));
  listing.catch(() => {});
  let pair = await again(prefetched?.pair, base);
  // A member left: this device draws the notebook's next key before anything is written.
  if (await renewIfDue(base, secrets.accountKey, pair.notebook)) pair = await api("GET", base);
  const meta = pair.notebook;
  if (!meta || !meta.my_wrapped_key) throw new NoKeyError();
  const keys = await openHeldKeys(secrets.accountKey, meta);
  if (!currentKey(keys, meta)) throw new NoKeyError();
  const book = notebookFor(pairId, secrets, pair, keys, types);
  const kept = await (prefetched?.kept ?? loadOpened(secrets.userId, pairId).catch(() => null));
  // Kept across a rotation too: each kept entry is trusted only at the revision it was opened
  // at, and an entry sealed again under a newer key is a newer revision.
  if (kept && kept.notebookId === book.notebookId) book.kept = { ...kept, kv: book.kv };
  return book.refresh(await listing);
}
