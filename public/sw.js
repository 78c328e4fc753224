// Circle's service worker: lets the app open with no network at all.
//
// Pages and the app shell (HTML, wasm, JS, CSS, icons) are fetched from the network first, so a
// new deployment reaches every device the next time it is online, and each answer is kept in
// the cache; with no network (or a connection that does not answer within a few seconds) the
// cached copy is served. Sync traffic (/api/...) never goes through the cache. Edits waiting to
// be sent live in local storage, which this worker never touches: updating it loses nothing.

// The server fills in these two lines (server/src/assets.rs): this build's id and the files
// every page needs, whose names (in a release build) hold a hash of their content.
const BUILD = "dev";
const SHELL = ["/pkg/circle.js", "/pkg/circle.wasm", "/pkg/circle.css", "/icon.svg", "/manifest.webmanifest"];
// One cache across deployments: pages kept for offline use stay when a new build arrives, and
// so do the files of an older build that a kept page still names (a page is only ever shown with
// the files it was made with); other old files are let go once the new worker takes over.
// The page (app/src/sync/browser.rs, PAGE_CACHE) empties it of pages when access changes.
const CACHE = "circle-shell-v1";
const NETWORK_TIMEOUT_MS = 4000;

// Sync traffic goes straight to the network without waking this worker, where the browser
// supports it (ServiceWorker static routing): a push, a pull and the live channel then behave
// exactly as the page's own requests, online and offline, and cost no trip through the worker.
const DIRECT = [{ condition: { urlPattern: "/api/*" }, source: "network" }];

self.addEventListener("install", (event) => {
  let direct = Promise.resolve();
  try {
    if (event.addRoutes) direct = Promise.resolve(event.addRoutes(DIRECT)).catch(() => undefined);
  } catch {
    // Older browsers: the fetch handler below lets /api/ requests through untouched.
  }
  event.waitUntil(
    direct
      .then(() => caches.open(CACHE))
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(letGoOfOldFiles)
      .then(() => self.clients.claim()),
  );
});

// Drops the app files of older builds that no kept page names any more.
async function letGoOfOldFiles() {
  const cache = await caches.open(CACHE);
  const requests = await cache.keys();
  const needed = new Set(SHELL);
  for (const request of requests) {
    if (new URL(request.url).pathname.startsWith("/pkg/")) continue;
    const response = await cache.match(request);
    const html = response ? await response.text() : "";
    for (const match of html.matchAll(/\/pkg\/[^"'\s>]+/g)) needed.add(match[0]);
  }
  await Promise.all(
    requests
      .filter((request) => {
        const path = new URL(request.url).pathname;
        return path.startsWith("/pkg/") && !needed.has(path);
      })
      .map((request) => cache.delete(request)),
  );
}

// The app asks for each page it shows to be kept, including pages reached without a full load.
self.addEventListener("message", (event) => {
  const path = event.data;
  if (typeof path !== "string" || !path.startsWith("/") || path.startsWith("/api/")) return;
  if (path.startsWith("/sign-in") || path.startsWith("/invitations/")) return;
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        const response = await fetch(path, { credentials: "same-origin" });
        if (response.ok && !response.redirected) await cache.put(path, response);
      })
      .catch(() => undefined),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  event.respondWith(networkFirst(request));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetchWithTimeout(request);
    // A redirect (to sign in) is not the page asked for: never keep it under the page's name.
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch {
    // The copy kept by a "keep this page" message was fetched with other headers: ignore Vary.
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    if (request.mode === "navigate") return offlinePage();
    return Response.error();
  }
}

function fetchWithTimeout(request) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), NETWORK_TIMEOUT_MS);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}

function offlinePage() {
  const html = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · Circle</title><link rel="stylesheet" href="${SHELL.find((p) => p.endsWith(".css"))}"></head>
<body><main id="main"><h1>You're offline</h1>
<div class="panel"><p>This page has not been opened on this device before, so there is no copy of it here.
Pages you have opened before work offline, and edits you make on them are kept on this device and sent when you're back online.</p>
<p><a href="/">Go to the list of people</a></p></div></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
