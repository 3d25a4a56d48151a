// Service worker of the counter tablet (scope /kiosk/). Counters lose their
// network; the tablet must still start and take ratings:
// - the app shell (this folder) is precached and served cache-first; a new
//   VERSION installs a fresh copy and drops the old one;
// - GETs of messages, config, the survey definition and the counter's QR are
//   network-first with the last good copy as fallback;
// - everything else (POSTs: responses, heartbeats, pairing) goes to the
//   network untouched; finished responses wait in the IndexedDB outbox.

// The server writes VERSION (the hash of the whole app, as in js/version.js)
// and SHELL (every file of the app) from the files it embeds
// (server/web/kioskapp.go), so any change reaches the tablets by itself.
const VERSION = '__APP_VERSION__';
const SHELL_CACHE = 'sipas-kiosk-shell-' + VERSION;
const DATA_CACHE = 'sipas-kiosk-data';

const SHELL = ['__APP_SHELL__'];

const scope = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // cache: 'reload' skips the HTTP cache so an update never precaches stale files.
    await cache.addAll(SHELL.map((u) => new Request(new URL(u, scope), { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('sipas-kiosk-shell-') && key !== SHELL_CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

/** isData says whether a GET is one of the API reads kept for offline use. */
function isData(url) {
  const p = url.pathname;
  return p.endsWith('/api/v1/kiosk/messages') || p.endsWith('/api/v1/kiosk/config') ||
    p.includes('/api/v1/surveys/') || /\/q\/[^/]+\/qr\.svg$/.test(p);
}

async function networkFirst(request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(request, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(request);
    if (!hit) throw err;
    // Marked, so the app does not take a stored copy for a live server.
    const headers = new Headers(hit.headers);
    headers.set('X-Kiosk-From-Cache', '1');
    return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
  }
}

async function shellFirst(request, url) {
  const cache = await caches.open(SHELL_CACHE);
  // Any page of the app is the one index.html.
  const key = request.mode === 'navigate' ? new URL('./', scope) : url;
  const hit = await cache.match(key, { ignoreSearch: true });
  if (hit) return hit;
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  if (isData(url)) {
    event.respondWith(networkFirst(req));
    return;
  }
  if (url.pathname.startsWith(scope.pathname)) event.respondWith(shellFirst(req, url));
});
