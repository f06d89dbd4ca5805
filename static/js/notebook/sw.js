// The notebook's service worker (served as /pairs/<id>/notebook/sw.js, scope: that notebook).
// The app shell and static modules are kept on install, from the list the server makes from
// its assets (offline.json); pages and the notebook's API answers are fetched first and kept,
// so the last-seen notebook opens without a connection. What is kept is what the server sends:
// entries stay sealed (they open only with the keys in this device's key store), and everything
// goes at sign-out (storage/keystore.js clearAll). No plaintext is ever written here.
const SCOPE = new URL(self.registration.scope);
const SHELL = `pairbook-shell:${SCOPE.pathname}`;
const DATA = `pairbook-notebook:${SCOPE.pathname}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const answer = await fetch(`${SCOPE.pathname}/offline.json`, { credentials: "same-origin" });
    if (!answer.ok) throw new Error("no asset list");
    const { assets } = await answer.json();
    const cache = await caches.open(SHELL);
    // Each asset URL carries its content's version: a kept one is never stale.
    const missing = [];
    for (const url of assets) if (!(await cache.match(url))) missing.push(url);
    await cache.addAll(missing);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
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
      event.respondWith(networkFirst(request, `${url.origin}${url.pathname}`));
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
