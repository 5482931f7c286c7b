{% load static %}/* The service worker of the inspection pages (served as /sw.js by inspections.phone_views).

   - Keeps the shells of "my tasks" and of the checklist page, and the static files they load
     (their hashed names, so a release brings a new worker and the old caches go).
   - Pages: network first, the kept copy when there is no network (a checklist page for any
     site falls back to the kept shell, which fills itself from the kept checklists).
   - Checklists (GET /api/inspections/checklist/): network first, each answer kept.
   - Sends the outbox (outbox.js) when the browser says the network is back (Background Sync). */
"use strict";

const VERSION = "__SW_VERSION__";
const SHELL_CACHE = "inspection-shell-" + VERSION;
const CHECKLIST_CACHE = "{{ checklist_cache|escapejs }}";
const TASKS = "{% url 'inspections-phone:tasks' %}";
const CHECKLIST_PAGE = "{% url 'inspections-phone:new' %}";
const CHECKLIST_API = "{% url 'inspection-checklist' %}";
const HOME = "{% url 'home' %}";
const STATIC_FILES = [
  "{% static 'vendor/pico/pico.min.css' %}",
  "{% static 'css/app.css' %}",
  "{% static 'css/inspections.css' %}",
  "{% static 'vendor/idb/umd.js' %}",
  "{% static 'js/outbox.js' %}",
  "{% static 'js/inspection.js' %}",
];
// A weak network that answers nothing for this long counts as none.
const NETWORK_TIMEOUT_MS = 8000;

importScripts("{% static 'vendor/idb/umd.js' %}", "{% static 'js/outbox.js' %}");

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(STATIC_FILES);
      // The page shells need the worker's session; a signed-out install keeps the static files only.
      await Promise.all([TASKS, CHECKLIST_PAGE].map((url) => keepPage(cache, url)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("inspection-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function keepPage(cache, url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
    if (response.ok && response.type === "basic") await cache.put(url, response);
  } catch (error) {
    // Kept on the next visit.
  }
}

function withTimeout(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/* A page: from the network, keeping a copy of the shells; without network, the kept copy. */
async function page(request, url) {
  const keyUrl = url.pathname === CHECKLIST_PAGE ? CHECKLIST_PAGE : url.pathname === HOME ? TASKS : url.pathname;
  try {
    const response = await withTimeout(fetch(request));
    if (response.ok && response.type === "basic" && url.pathname === TASKS && !url.search) {
      const copy = response.clone();
      caches.open(SHELL_CACHE).then((cache) => cache.put(TASKS, copy));
    }
    return response;
  } catch (error) {
    const kept = await caches.match(keyUrl, { cacheName: SHELL_CACHE });
    if (kept) return kept;
    throw error;
  }
}

/* A checklist: from the network, keeping it; without network, the kept one. */
async function checklist(request) {
  const cache = await caches.open(CHECKLIST_CACHE);
  try {
    const response = await withTimeout(fetch(request));
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw error;
  }
}

async function staticFile(request) {
  const kept = await caches.match(request, { cacheName: SHELL_CACHE });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === TASKS || url.pathname === CHECKLIST_PAGE || url.pathname === HOME) {
      event.respondWith(page(request, url));
    }
    return;
  }
  if (url.pathname === CHECKLIST_API) {
    event.respondWith(checklist(request));
    return;
  }
  if (STATIC_FILES.includes(url.pathname)) event.respondWith(staticFile(request));
});

self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

self.addEventListener("sync", (event) => {
  if (event.tag === "inspections-outbox") {
    event.waitUntil(
      self.RiskOutbox.sendAll({ force: true }).then((result) => {
        // Still no network: the browser tries this sync again later.
        if (result === "retry") throw new Error("retry");
      }),
    );
  }
});
