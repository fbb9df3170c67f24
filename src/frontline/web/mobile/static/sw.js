// The frontline app's service worker: the app shell, offline.
//
// The server fills in VERSION (a digest of every file of the app) and SHELL (their URLs)
// when it serves this file, so any change to the app installs a new shell. The shell is
// served from the cache first; a navigation anywhere under /app/ gets the cached index (the
// app routes by its hash). Nothing else is ever cached: API answers — the task list,
// packages, tokens — go to the network untouched, and what the app keeps it keeps
// encrypted in IndexedDB.

const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const PREFIX = "frontline-app-";
const CACHE = PREFIX + VERSION;
const INDEX = "/app/";
const SHELL_PATHS = new Set(SHELL);

async function precache() {
  const cache = await caches.open(CACHE);
  // `reload`: past the HTTP cache, so the shell is this version's files.
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function fromCache(key, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  if (hit) return hit;
  // Not cached (the caches were emptied by a wipe): the network, kept for next time.
  const response = await fetch(request.mode === "navigate" ? INDEX : request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_PATHS.has(url.pathname) && url.pathname !== INDEX && !url.search) {
    event.respondWith(fromCache(url.pathname, request));
  } else if (
    request.mode === "navigate" &&
    url.pathname.startsWith(INDEX) &&
    !url.pathname.startsWith("/app/static/") &&
    url.pathname !== "/app/sw.js"
  ) {
    event.respondWith(fromCache(INDEX, request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "precache") event.waitUntil(precache());
});
