/**
 * The app shell, cached so the scanner opens without a network (the earns it queued meanwhile are in
 * IndexedDB, not here). Served from /scanner/ with Service-Worker-Allowed: /scanner, so it also controls the
 * page at /scanner itself. The version is the served files' hash (functions/scanner-app.ts): any change to
 * the app installs a new cache and drops the old one. API and user-pool requests are never touched.
 */
const VERSION = "__SCANNER_VERSION__";
const CACHE = `scanner-${VERSION}`;
const SHELL = [
  "/scanner",
  "/scanner/app.js",
  "/scanner/amount.js",
  "/scanner/api.js",
  "/scanner/auth.js",
  "/scanner/camera.js",
  "/scanner/i18n.js",
  "/scanner/locale.js",
  "/scanner/queue.js",
  "/scanner/rewards.js",
  "/scanner/store.js",
  "/scanner/style.css",
  "/scanner/icon.svg",
  "/scanner/manifest.webmanifest",
  "/scanner/config.json",
];
// Cached when first used: the camera decoder is a megabyte the app may never need.
const ON_DEMAND = ["/scanner/zxing-reader.js", "/scanner/zxing_reader.wasm"];
// Fresh when the network answers within a moment, else from the cache: the sign-in settings are not part
// of the files the version is made from.
const NETWORK_FIRST = ["/scanner/config.json"];
const NETWORK_WAIT_MS = 3_000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Past the browser's HTTP cache, so the new version's files are the ones cached.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith("scanner-") && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (NETWORK_FIRST.includes(path)) {
    event.respondWith(
      fetch(event.request, { signal: AbortSignal.timeout(NETWORK_WAIT_MS) })
        .then(async (response) => {
          if (response.ok) await (await caches.open(CACHE)).put(path, response.clone());
          return response;
        })
        .catch(async () => (await caches.match(path)) ?? Response.error()),
    );
    return;
  }
  if (!SHELL.includes(path) && !ON_DEMAND.includes(path)) return;
  event.respondWith(
    caches.match(path).then(
      (cached) =>
        cached ??
        fetch(event.request).then(async (response) => {
          if (response.ok) await (await caches.open(CACHE)).put(path, response.clone());
          return response;
        }),
    ),
  );
});
