// The notebook's service worker (served as /pairs/<id>/notebook/sw.js, scope: that notebook).
// The app shell and static modules are kept on install, from the list the server makes from
// its assets (offline.json); the notebook's API answers are fetched first and kept, so the
// last-seen notebook opens without a connection. Pages this device has seen are served from
// what it kept at once, and refreshed in the background (stale-while-revalidate), so that a
// tab switch is not a page load (issue 18, finding 13): only for the member whose unlocked keys
// this browser holds, from a cache kept per member. A member whose keys are gone (signed out)
// gets the network's answer only. What is kept is what the server sends: entries stay sealed
// (they open only with the keys in this device's key store), and everything goes at sign-out
// (storage/keystore.js clearAll). No plaintext is ever written here.
const SCOPE = new URL(self.registration.scope);
const SHELL = `pairbook-shell:${SCOPE.pathname}`;
const DATA = `pairbook-notebook:${SCOPE.pathname}`;
// The same name as keptPages() in static/js/notebook/warm.js (this worker is a classic script).
const pagesOf = (userId) => `pairbook-pages:${userId}:${SCOPE.pathname}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const answer = await fetch(`${SCOPE.pathname}/offline.json`, { credentials: "same-origin" });
    if (!answer.ok) throw new Error("no asset list");
    const { assets } = await answer.json();
    const cache = await caches.open(SHELL);
    // Each asset URL carries its content's version: a kept one is never stale. Older versions
    // stay, so that a kept page naming them still opens (a newer page replaces it meanwhile).
    const missing = [];
    for (const url of assets) if (!(await cache.match(url))) missing.push(url);
    await cache.addAll(missing);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

/** The member whose unlocked keys this browser holds (storage/keystore.js "secrets"), or null. */
function keysHolder() {
  return new Promise((resolve) => {
    const opening = indexedDB.open("pairbook-keys", 1);
    // No store yet: nobody's keys are here (and this must not create the database's store).
    opening.onupgradeneeded = () => opening.transaction.abort();
    opening.onerror = () => resolve(null);
    opening.onsuccess = () => {
      const db = opening.result;
      try {
        const read = db.transaction("items", "readonly").objectStore("items").get("secrets");
        read.onsuccess = () => resolve(read.result?.userId ?? null);
        read.onerror = () => resolve(null);
      } catch {
        resolve(null);
      } finally {
        db.close();
      }
    };
  });
}

/** Whom a notebook page was rendered for (its body's data-user-id), or null. */
const pageOwner = (text) => /<body[^>]*\sdata-user-id="([^"]+)"/.exec(text)?.[1] ?? null;
/** The page's CSRF token (its meta tag), or null. */
const csrfOf = (text) => /<meta name="csrf-token" content="([^"]+)"/.exec(text)?.[1] ?? null;

/**
 * The page from the network (`request`, else a fetch of `url` that does not follow a
 * redirect), kept for `userId` when it is theirs; a redirect (the session ended: to sign-in)
 * or a refusal (the pair ended or was left, the entry deleted) drops the kept copy, so that it
 * is never served again. Resolves to the answer and its text when it was kept.
 */
async function fetchPage(url, userId, request = null) {
  const answer = await fetch(request ?? new Request(url, { credentials: "same-origin", redirect: "manual" }));
  if (!userId) return { answer, text: null };
  const pages = await caches.open(pagesOf(userId));
  const text = answer.status === 200 && answer.type === "basic" ? await answer.clone().text() : "";
  if (text && pageOwner(text) === userId) {
    await pages.put(url, answer.clone());
    return { answer, text };
  }
  if (answer.status < 500) await pages.delete(url);
  return { answer, text: null, gone: answer.status < 500 };
}

// What each page (by its client id) was served: "network", or the background fetch of a kept
// page, which the page asks for (below) to bring what the server rendered up to date.
const served = new Map();

// One meeting's page may be gone (deleted: the server answers 404 and offers back unsaved
// text): it comes from the network first, and from what was kept only offline.
const networkFirstPage = (url) => /\/meetings\/(?!new$)[^/]+$/.test(new URL(url).pathname);

async function notebookPage(event, url) {
  const userId = await keysHolder();
  const pages = userId ? await caches.open(pagesOf(userId)) : null;
  const kept = pages ? await pages.match(url) : null;
  if (kept && !networkFirstPage(url)) {
    const keptText = await kept.clone().text();
    const refresh = fetchPage(url, userId).then((fresh) => ({ ...fresh, keptText }));
    refresh.catch(() => {});
    served.set(event.resultingClientId, refresh);
    event.waitUntil(refresh.catch(() => {}));
    return kept;
  }
  // Not kept (or nobody's keys here): the network's answer, redirects and all.
  try {
    const { answer } = await fetchPage(url, userId, event.request);
    if (answer.status >= 500 && kept) throw new Error("server error");
    served.set(event.resultingClientId, "network");
    return answer;
  } catch (error) {
    if (!kept) throw error;
    served.set(event.resultingClientId, "offline");
    return kept;
  }
}

/** A page's text without its CSRF token (it differs from one rendering to the next). */
const withoutToken = (text) => {
  const token = csrfOf(text);
  return token ? text.replaceAll(token, "") : text;
};

/**
 * A page served from the device asks what the server renders now ({type: "fresh-page"}, with
 * a port to answer on): {state: "network"} (it came from the network), {state: "fresh",
 * changed, html (only if changed), csrf}, {state: "gone"} (signed out, or the pair or page is
 * gone: load it from the network) or {state: "failed"} (offline).
 */
self.addEventListener("message", (event) => {
  if (event.data?.type !== "fresh-page" || !event.ports[0]) return;
  const port = event.ports[0];
  const clientId = event.source?.id;
  event.waitUntil((async () => {
    let pending = served.get(clientId);
    served.delete(clientId);
    if (pending === "network") return port.postMessage({ state: "network" });
    if (pending === "offline") return port.postMessage({ state: "failed" });
    try {
      if (!pending) {
        // This worker was restarted since: fetch it again.
        const userId = await keysHolder();
        const kept = userId ? await (await caches.open(pagesOf(userId))).match(event.data.url) : null;
        const keptText = kept ? await kept.text() : "";
        pending = fetchPage(event.data.url, userId).then((fresh) => ({ ...fresh, keptText }));
      }
      const { text, gone, keptText } = await pending;
      if (!text) return port.postMessage({ state: gone ? "gone" : "failed" });
      const changed = withoutToken(text) !== withoutToken(keptText);
      return port.postMessage({ state: "fresh", changed, csrf: csrfOf(text), ...(changed ? { html: text } : {}) });
    } catch {
      return port.postMessage({ state: "failed" });
    }
  })());
});

const apiKept = (url) => /^\/api\/v1\/(me|pairs\/[^/]+(\/entries)?)$/.test(url.pathname);

/** The network's answer, kept for later; the kept one when the network fails (or answers 5xx). */
async function networkFirst(request, keyUrl = request.url) {
  const cache = await caches.open(DATA);
  try {
    const answer = await fetch(request);
    if (answer.status >= 500) throw new Error("server error");
    if (answer.ok) await cache.put(keyUrl, answer.clone());
    return answer;
  } catch (error) {
    const kept = await cache.match(keyUrl);
    if (kept) return kept;
    throw error;
  }
}

async function shellFirst(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === SCOPE.pathname || url.pathname.startsWith(`${SCOPE.pathname}/`)) {
      event.respondWith(notebookPage(event, `${url.origin}${url.pathname}`));
    }
    return;
  }
  if (apiKept(url)) {
    // One kept answer per listing whatever its `since`: offline, the last one answers.
    const key = new URL(url);
    key.searchParams.delete("since");
    event.respondWith(networkFirst(request, key.href));
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/assets/")) {
    event.respondWith(shellFirst(request));
  }
});
