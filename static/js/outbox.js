/* The inspection outbox, shared by the inspection pages and the service worker (importScripts).

   IndexedDB (through idb) keeps, per phone:
   - drafts: inspections being answered, saved as they are typed (one per person, site, kind and campaign);
   - photos: each photo as a Blob with its capture time, until the server has stored the inspection;
   - outbox: inspections submitted on the phone and not yet stored by the server;
   - meta: who is signed in, the CSRF cookie's name, the last inspections sent.

   Every inspection, answer and photo carries a UUID made on the phone, and the server answers
   a repeat with what it stored, so sending again after a lost answer never makes a duplicate.
   Nothing leaves the outbox until the server has said it stored it (201 or 200). */
(function (root) {
  "use strict";

  const DB_NAME = "riskplatform-inspections";
  const LOCK = "riskplatform-outbox";
  const CHANNEL = "riskplatform-outbox";
  const SENT_KEPT = 10;
  const FIRST_RETRY_MS = 2000;
  const LAST_RETRY_MS = 5 * 60 * 1000;

  let opened = null;

  function db() {
    if (!opened) {
      opened = root.idb.openDB(DB_NAME, 1, {
        upgrade(database) {
          database.createObjectStore("drafts", { keyPath: "id" }).createIndex("key", "key");
          database.createObjectStore("outbox", { keyPath: "id" });
          database.createObjectStore("photos", { keyPath: "id" }).createIndex("inspection", "inspection");
          database.createObjectStore("meta");
        },
      });
    }
    return opened;
  }

  function announce() {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage("changed");
    channel.close();
  }

  function listen(callback) {
    if (typeof BroadcastChannel === "undefined") return;
    new BroadcastChannel(CHANNEL).onmessage = callback;
  }

  /* The key of an inspection of one site by one person: a second visit resumes the draft. */
  function draftKey(user, site, kind, campaign) {
    return [user, site, kind, campaign || ""].join("|");
  }

  async function draftFind(key) {
    return (await db()).getFromIndex("drafts", "key", key);
  }

  async function draftSave(draft) {
    draft.updated_at = new Date().toISOString();
    await (await db()).put("drafts", draft);
  }

  async function draftDiscard(draft) {
    const database = await db();
    const tx = database.transaction(["drafts", "photos"], "readwrite");
    for (const key of await tx.objectStore("photos").index("inspection").getAllKeys(draft.id)) {
      tx.objectStore("photos").delete(key);
    }
    tx.objectStore("drafts").delete(draft.id);
    await tx.done;
    announce();
  }

  async function drafts(user) {
    return (await (await db()).getAll("drafts")).filter((draft) => draft.user === user);
  }

  async function photoPut(photo) {
    await (await db()).put("photos", photo);
  }

  async function photoGet(id) {
    return (await db()).get("photos", id);
  }

  async function photoDelete(id) {
    await (await db()).delete("photos", id);
  }

  /* Submit: the draft becomes an outbox entry in one transaction, so it is never in both or neither. */
  async function submit(draft, position) {
    const database = await db();
    const tx = database.transaction(["drafts", "outbox"], "readwrite");
    const entry = Object.assign({}, draft, {
      finished_at: new Date().toISOString(),
      position: position || null,
      state: "queued",
      error: null,
      attempts: 0,
      next_try: 0,
    });
    tx.objectStore("drafts").delete(draft.id);
    tx.objectStore("outbox").put(entry);
    await tx.done;
    announce();
    return entry;
  }

  /* An inspection the server refused goes back to the drafts to be fixed, with the server's message. */
  async function reopen(id) {
    const database = await db();
    const tx = database.transaction(["drafts", "outbox"], "readwrite");
    const entry = await tx.objectStore("outbox").get(id);
    if (!entry) return null;
    const draft = Object.assign({}, entry, { state: undefined, attempts: undefined, next_try: undefined });
    tx.objectStore("outbox").delete(id);
    tx.objectStore("drafts").put(draft);
    await tx.done;
    announce();
    return draft;
  }

  async function queued(user) {
    return (await (await db()).getAll("outbox")).filter((entry) => !user || entry.user === user);
  }

  async function sent() {
    return (await (await db()).get("meta", "sent")) || [];
  }

  async function remember(values) {
    const database = await db();
    for (const [key, value] of Object.entries(values)) await database.put("meta", value, key);
  }

  async function recall(key) {
    return (await db()).get("meta", key);
  }

  // --- Sending -----------------------------------------------------------------------------------

  async function csrfToken() {
    const name = (await recall("csrf_cookie")) || "csrftoken";
    if (typeof document !== "undefined") {
      const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
      if (match) return decodeURIComponent(match[1]);
    }
    if (root.cookieStore) {
      try {
        const cookie = await root.cookieStore.get(name);
        if (cookie) return cookie.value;
      } catch (error) {
        // A worker without cookie access falls back to the token the page left.
      }
    }
    return (await recall("csrf_token")) || "";
  }

  async function post(url, body, token) {
    const headers = { "X-CSRFToken": token, Accept: "application/json" };
    if (typeof body === "string") headers["Content-Type"] = "application/json";
    try {
      const response = await fetch(url, { method: "POST", body, headers, credentials: "same-origin" });
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      return { status: response.status, data };
    } catch (error) {
      return { status: 0, data: null };
    }
  }

  function payload(entry) {
    const items = entry.checklist.items.map((item, index) => {
      const answer = entry.answers[itemKey(item, index)];
      const notApplicable = Boolean(answer.not_applicable);
      return {
        id: answer.id,
        version: item.version,
        hazard: item.hazard ? item.hazard.id : null,
        answer: notApplicable ? null : answerValue(item, answer.value),
        not_applicable: notApplicable,
        not_applicable_reason: notApplicable ? answer.reason.trim() : "",
        note: (answer.note || "").trim(),
        photo_ids: answer.photos.slice(),
      };
    });
    const position = entry.position;
    const signed = Boolean(entry.signature && entry.signature.photo);
    return {
      id: entry.id,
      site: entry.site,
      kind: entry.kind,
      campaign: entry.campaign || null,
      started_at: entry.started_at,
      finished_at: entry.finished_at,
      latitude: position ? round(position.latitude, 6) : null,
      longitude: position ? round(position.longitude, 6) : null,
      accuracy_m: position && position.accuracy != null ? round(position.accuracy, 1) : null,
      // A name without a drawn signature is not a signature: neither is sent.
      signature_photo_id: signed ? entry.signature.photo : null,
      signer_name: signed ? entry.signature.name.trim() : "",
      items,
    };
  }

  function round(number, places) {
    return Number(Number(number).toFixed(places));
  }

  /* A number is sent as the text typed (a decimal point, no exponent), so nothing is lost to floating point. */
  function answerValue(item, value) {
    if (item.rule_kind === "yes_no") return value;
    if (item.rule_kind === "choice") return value;
    return normaliseNumber(value);
  }

  function normaliseNumber(text) {
    return String(text == null ? "" : text).trim().replace(/[,，。]/g, ".").replace(/^\+/, "");
  }

  function itemKey(item, index) {
    if (item.version) return "v" + item.version;
    if (item.hazard) return "h" + item.hazard.id;
    return "i" + index;
  }

  function retryDelay(attempts) {
    const delay = Math.min(FIRST_RETRY_MS * Math.pow(2, attempts - 1), LAST_RETRY_MS);
    return delay * (0.8 + Math.random() * 0.4);
  }

  function errorOf(result) {
    const data = result.data || {};
    return { status: result.status, code: data.code || "", detail: data.detail || "", errors: data.errors || {} };
  }

  /* What an answer of the server means for the entry: stored, worth another try, or to be fixed by the worker. */
  function outcome(result) {
    if (result.status === 200 || result.status === 201) return "stored";
    if (result.status === 0 || result.status >= 500 || result.status === 408 || result.status === 429) return "retry";
    const code = result.data && result.data.code;
    // A session that expired (or a stale CSRF cookie) is not the inspection's fault: it waits for a sign-in.
    if (result.status === 401 || code === "not_authenticated" || code === "authentication_failed") return "auth";
    if (result.status === 403 && /csrf/i.test((result.data && result.data.detail) || "")) return "auth";
    return "refused";
  }

  async function update(entry, changes) {
    Object.assign(entry, changes);
    await (await db()).put("outbox", entry);
    announce();
  }

  async function sendOne(entry, urls) {
    const database = await db();
    const token = await csrfToken();
    const photos = await database.getAllFromIndex("photos", "inspection", entry.id);
    for (const photo of photos) {
      if (photo.uploaded) continue;
      const form = new FormData();
      form.append("id", photo.id);
      form.append("photo", photo.blob, photo.id + (photo.blob.type === "image/png" ? ".png" : ".jpg"));
      if (photo.taken_at) form.append("taken_at", photo.taken_at);
      const position = entry.position;
      if (position) {
        form.append("latitude", String(round(position.latitude, 6)));
        form.append("longitude", String(round(position.longitude, 6)));
      }
      const result = await post(urls.photos, form, token);
      const next = outcome(result);
      if (next !== "stored") return failed(entry, next, result);
      photo.uploaded = true;
      await database.put("photos", photo);
    }
    const result = await post(urls.inspections, JSON.stringify(payload(entry)), token);
    const next = outcome(result);
    if (next !== "stored") return failed(entry, next, result);
    await stored(entry, result.data || {}, urls);
    return "stored";
  }

  async function failed(entry, next, result) {
    if (next === "retry") {
      const attempts = (entry.attempts || 0) + 1;
      await update(entry, { state: "queued", attempts, next_try: Date.now() + retryDelay(attempts) });
    } else if (next === "auth") {
      await update(entry, { state: "auth", error: errorOf(result) });
    } else {
      await update(entry, { state: "refused", error: errorOf(result) });
    }
    return next;
  }

  async function stored(entry, record, urls) {
    const database = await db();
    const tx = database.transaction(["outbox", "photos", "meta"], "readwrite");
    for (const key of await tx.objectStore("photos").index("inspection").getAllKeys(entry.id)) {
      tx.objectStore("photos").delete(key);
    }
    tx.objectStore("outbox").delete(entry.id);
    const list = (await tx.objectStore("meta").get("sent")) || [];
    list.unshift({
      id: entry.id,
      user: entry.user,
      key: entry.key,
      site_name: entry.checklist.site.name,
      kind: entry.kind,
      finished_at: entry.finished_at,
      sent_at: new Date().toISOString(),
      url: record.url || urls.record.replace("00000000-0000-0000-0000-000000000000", entry.id),
      failed: record.counts ? record.counts.failed : null,
      hazards: record.counts ? record.counts.hazards_raised : null,
    });
    tx.objectStore("meta").put(list.slice(0, SENT_KEPT), "sent");
    await tx.done;
    announce();
  }

  /* Send what is due, one inspection at a time, oldest first; one sender at a time across tabs and
     the service worker. ``force`` also tries entries waiting for their next try, and those that
     waited for a sign-in (a page load or the network coming back is worth a try). */
  async function sendAll(options) {
    const run = async () => {
      const urls = options.urls || (await recall("urls"));
      const user = options.user || (await recall("user"));
      if (!urls || !user) return "idle";
      const entries = (await queued(user)).sort((a, b) => (a.finished_at < b.finished_at ? -1 : 1));
      for (const entry of entries) {
        if (entry.state === "refused") continue;
        if (entry.state === "auth" && !options.force) continue;
        if (!options.force && entry.next_try && entry.next_try > Date.now()) continue;
        const result = await sendOne(entry, urls);
        if (result === "retry" || result === "auth") return result;
      }
      return "idle";
    };
    const locks = root.navigator && root.navigator.locks;
    if (!locks) return run();
    return locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? run() : "busy"));
  }

  /* When the next waiting entry is due, for a page that retries by itself. */
  async function nextTry(user) {
    const times = (await queued(user)).filter((entry) => entry.state === "queued").map((entry) => entry.next_try || 0);
    return times.length ? Math.min.apply(null, times) : null;
  }

  root.RiskOutbox = {
    db,
    listen,
    announce,
    draftKey,
    draftFind,
    draftSave,
    draftDiscard,
    drafts,
    photoPut,
    photoGet,
    photoDelete,
    submit,
    reopen,
    queued,
    sent,
    remember,
    recall,
    sendAll,
    nextTry,
    itemKey,
    normaliseNumber,
  };
})(self);
