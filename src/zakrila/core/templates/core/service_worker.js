{% verbatim %}/* Zakrila's service worker, served as /sw.js (its settings are in self.ZAKRILA, above).
 *
 * Static files: cache first — those every page needs are kept at install, any other file of
 * /static/ the first time it is fetched.
 *
 * Pages: network first. A page that opted in to offline work (its answer carries
 * X-Zakrila-Offline: page) is kept, one copy per address, for the signed-in user only (every
 * signed-in answer names its owner; another user's kept pages are dropped on sight). Without a
 * connection the kept copy is shown, marked as a copy, if it is younger than pageMaxAgeDays; any
 * other page shows the "no connection" page, which leads to the outbox.
 *
 * Forms are never replayed here blindly: the page puts what it could not send in the outbox
 * (outbox-store.js), which this worker sends on Background Sync where the browser has it.
 */
"use strict";

const CONFIG = self.ZAKRILA;
const STATIC_CACHE = "zakrila-static-" + CONFIG.version;
const PAGES_CACHE = "zakrila-pages-" + CONFIG.version;
const KEPT_AT = "X-Zakrila-Kept-At";
// How long to wait for the network before showing a kept copy (a weak signal on the street).
const PATIENCE_MS = 8000;

importScripts(CONFIG.store);
self.ZakrilaOutbox.configure({ session: CONFIG.session, header: CONFIG.outboxHeader });

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) =>
        cache.addAll(CONFIG.precache).then(() =>
          // The "no connection" page holds nobody's data: fetched as nobody, so that no
          // sign-in step can answer in its place.
          fetch(CONFIG.offline, { credentials: "omit", redirect: "error" })
            .then((response) => (response.ok ? cache.put(CONFIG.offline, response) : undefined))
            .catch(() => undefined)
        )
      )
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
});

async function activate() {
  const names = await caches.keys();
  const earlierPages = [];
  for (const name of names) {
    if (!name.startsWith("zakrila-") || name === STATIC_CACHE || name === PAGES_CACHE) continue;
    if (name.startsWith("zakrila-pages-")) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) earlierPages.push(request.url);
    }
    await caches.delete(name);
  }
  await self.clients.claim();
  // A new release: keep again the pages the worker had kept, while there is a connection.
  for (const url of earlierPages) {
    try {
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
      await keep(url, response);
    } catch (error) {
      break; // no connection: they are kept again when next opened
    }
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  }
});

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

function pageKey(url) {
  const address = new URL(url);
  address.hash = "";
  return address.href;
}

async function page(event) {
  const request = event.request;
  const key = pageKey(request.url);
  const network = fetch(request);
  network.catch(() => undefined); // a failure is handled below, whichever answer wins
  // Clone before the page reads the body; keep the copy whatever happens to the page.
  const copy = network.then((response) => response.clone());
  event.waitUntil(copy.then((response) => keep(key, response)).catch(() => undefined));
  const pages = await caches.open(PAGES_CACHE);
  const kept = await pages.match(key, { ignoreVary: true });
  try {
    if (!kept) return await network;
    return await Promise.race([
      network,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error("slow")), PATIENCE_MS)),
    ]);
  } catch (error) {
    if (kept && isFresh(kept)) return asCopy(kept);
    if (kept) await pages.delete(key);
    const fallback = await caches.match(CONFIG.offline, { ignoreVary: true });
    return fallback || new Response("Offline", { status: 503 });
  }
}

async function keep(url, response) {
  if (response.type === "opaqueredirect") return; // e.g. signed out: the kept copy stays
  const pages = await caches.open(PAGES_CACHE);
  const owner = response.headers.get(CONFIG.ownerHeader) || "";
  if (!owner) return;
  await forgetOtherOwners(pages, owner);
  if (response.status === 403 || response.status === 404) {
    await pages.delete(url); // no longer open to this worker: no copy either
    return;
  }
  if (response.ok && response.headers.get(CONFIG.offlineHeader) === "page") {
    const headers = new Headers(response.headers);
    headers.set(KEPT_AT, new Date().toISOString());
    const body = await response.blob();
    await pages.put(url, new Response(body, { status: 200, statusText: "OK", headers: headers }));
  }
  const outbox = new URL(CONFIG.outbox, self.location.origin).href;
  if (url !== outbox) await keepOutboxPage(pages, outbox, owner);
}

async function keepOutboxPage(pages, url, owner) {
  // Whoever is signed in can open the outbox without a connection: where an offline save
  // leads, and where the worker looks for what waits.
  if (await pages.match(url, { ignoreVary: true })) return;
  try {
    const response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
    if (response.headers.get(CONFIG.ownerHeader) === owner) await keep(url, response);
  } catch (error) {
    /* no connection: kept when next opened */
  }
}

async function forgetOtherOwners(pages, owner) {
  const keys = await pages.keys();
  if (!keys.length) return;
  const first = await pages.match(keys[0], { ignoreVary: true });
  if (first && first.headers.get(CONFIG.ownerHeader) === owner) return;
  await Promise.all(keys.map((request) => pages.delete(request)));
}

function isFresh(kept) {
  const at = Date.parse(kept.headers.get(KEPT_AT) || "");
  return !Number.isNaN(at) && Date.now() - at < CONFIG.pageMaxAgeDays * 24 * 3600 * 1000;
}

async function asCopy(kept) {
  // The page learns that it is a kept copy (a banner; fresh one-time keys for its forms).
  const html = await kept.text();
  const at = (kept.headers.get(KEPT_AT) || "").replace(/[^0-9TZ:.+-]/g, "");
  const marked = html.replace(/<body/i, '<body data-offline-copy="' + at + '"');
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return new Response(marked, { status: 200, statusText: "OK", headers: headers });
}

self.addEventListener("sync", (event) => {
  if (event.tag !== "zakrila-outbox") return;
  event.waitUntil(
    self.ZakrilaOutbox.sendAll().then(async (result) => {
      // The open pages tell the worker what became of it (sent, needs them, sign in).
      const pages = await self.clients.matchAll({ type: "window" });
      pages.forEach((page) => page.postMessage({ type: "zakrila-outbox-result", result: result }));
      // Still no connection: the browser tries this sync again later.
      if (result && result.offline) throw new Error("no connection");
    })
  );
});
{% endverbatim %}
