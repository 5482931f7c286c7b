/* The grid worker's inspection pages: "my tasks" and the checklist of a site.

   The checklist is judged here as the worker answers, by the same rules as
   regulations.selectors.judge (the server judges again on submit, and its verdict is the
   record). Answers and photos are saved in the browser as they are given (outbox.js), a
   submitted inspection waits in the outbox until the server has stored it, and the service
   worker (/sw.js) keeps the pages, their files and the checklists for when there is no network. */
(function () {
  "use strict";

  const Outbox = window.RiskOutbox;
  const config = JSON.parse(document.getElementById("inspection-config").textContent);
  const T = config.strings;
  const PHOTO_SIDE = 1600;
  const PHOTO_QUALITY = 0.8;

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
  }

  function plural(forms, count) {
    return format(count === 1 ? forms.one : forms.other, { count });
  }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function checklistUrl(site, kind, campaign) {
    const query = new URLSearchParams({ site: String(site), kind: kind || "routine" });
    if (campaign) query.set("campaign", String(campaign));
    return config.urls.checklist + "?" + query.toString();
  }

  function pageUrl(site, kind, campaign) {
    const query = new URLSearchParams({ site: String(site), kind: kind || "routine" });
    if (campaign) query.set("campaign", String(campaign));
    return config.urls.new + "?" + query.toString();
  }

  // --- The service worker, the queue and the sender ------------------------------------------------

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return null;
    try {
      await navigator.serviceWorker.register(config.urls.sw, { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      // A page opened while the worker was still installing missed its claim: ask for it again.
      if (!navigator.serviceWorker.controller && registration.active) registration.active.postMessage("claim");
      return registration;
    } catch (error) {
      return null;
    }
  }

  const sender = { timer: null };

  async function send(force) {
    if (!navigator.onLine) return;
    clearTimeout(sender.timer);
    await Outbox.sendAll({ urls: config.urls, user: config.user, force });
    const next = await Outbox.nextTry(config.user);
    if (next !== null) sender.timer = setTimeout(() => send(false), Math.max(next - Date.now(), 500));
  }

  async function askForSync() {
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register("inspections-outbox");
    } catch (error) {
      // Without Background Sync the page sends on load and when the network comes back.
    }
  }

  async function renderQueue() {
    const entries = await Outbox.queued(config.user);
    const waiting = entries.length;
    for (const banner of document.querySelectorAll("[data-queue]")) {
      banner.hidden = waiting === 0;
      const count = banner.querySelector("[data-queue-count]");
      if (count) count.textContent = plural(T.waiting, waiting);
      banner.dataset.count = String(waiting);
    }
    const list = document.getElementById("outbox-list");
    if (list) {
      list.replaceChildren(...entries.map(outboxRow));
      list.hidden = entries.length === 0;
    }
    const sentList = document.getElementById("sent-list");
    if (sentList) {
      const sent = (await Outbox.sent()).filter((record) => record.user === config.user);
      sentList.replaceChildren(...sent.map(sentRow));
      document.getElementById("sent-section").hidden = sent.length === 0;
    }
  }

  function outboxRow(entry) {
    const row = element("li", { className: "outbox-row", "data-state": entry.state, "data-inspection": entry.id }, [
      element("span", { className: "outbox-site", text: entry.checklist.site.name }),
      element("span", { className: "outbox-kind muted", text: T.kinds[entry.kind] || entry.kind }),
      element("span", { className: "outbox-state", text: T.states[entry.state] || T.states.queued }),
    ]);
    if (entry.state === "refused" || entry.state === "auth") {
      const error = entry.error || {};
      const messages = [error.detail].concat(flattenErrors(error.errors)).filter(Boolean);
      row.append(element("span", { className: "outbox-error", text: messages.join(" ") }));
    }
    if (entry.state === "refused") {
      const fix = element("a", { role: "button", className: "outline", href: pageUrl(entry.site, entry.kind, entry.campaign) + "&fix=" + entry.id, text: T.fix });
      row.append(fix);
    } else if (entry.state === "auth") {
      row.append(element("a", { role: "button", className: "outline", href: config.urls.login, text: T.sign_in }));
    }
    return row;
  }

  function sentRow(record) {
    const when = new Date(record.sent_at).toLocaleString(document.documentElement.lang, { dateStyle: "short", timeStyle: "short" });
    return element("li", { className: "sent-row", "data-inspection": record.id }, [
      element("a", { href: record.url, text: record.site_name }),
      element("span", { className: "muted", text: " · " + (T.kinds[record.kind] || record.kind) + " · " + format(T.sent_at, { when }) }),
    ]);
  }

  function flattenErrors(errors) {
    const messages = [];
    const walk = (value) => {
      if (!value) return;
      if (typeof value === "string") messages.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === "object") Object.values(value).forEach(walk);
    };
    walk(errors);
    return messages;
  }

  async function startQueue() {
    await Outbox.remember({ user: config.user, urls: config.urls, csrf_cookie: config.csrf_cookie, csrf_token: config.csrf_token });
    Outbox.listen(() => renderQueue());
    window.addEventListener("online", () => send(true));
    await renderQueue();
    send(true);
  }

  // --- My tasks ---------------------------------------------------------------------------------------

  async function tasksPage() {
    await markTasks();
    Outbox.listen(() => markTasks());
    if (navigator.onLine) keepChecklists();
  }

  /* What the phone knows of each task: an inspection started, waiting to send, or sent since the
     list was made (then the task is done, even in a list kept from before). */
  async function markTasks() {
    const key = (site, kind, campaign) => Outbox.draftKey(config.user, site, kind, campaign);
    const drafts = await Outbox.drafts(config.user);
    const byKey = new Map(drafts.map((draft) => [draft.key, draft]));
    const waiting = new Set((await Outbox.queued(config.user)).map((entry) => entry.key));
    // The list was made by the server at "listed at" (its clock), or is a copy kept from then; the
    // phone's clock says when this page opened. An inspection sent since either is done.
    const listedAt = Date.parse(document.querySelector("[data-listed-at]").dataset.listedAt) || Infinity;
    const opened = performance.timeOrigin;
    const done = new Set(
      (await Outbox.sent())
        .filter((record) => record.user === config.user && record.key)
        .filter((record) => Date.parse(record.finished_at) >= listedAt || Date.parse(record.sent_at) >= opened)
        .map((record) => record.key),
    );
    const shown = new Set();
    for (const task of document.querySelectorAll("[data-task]")) {
      const taskKey = key(task.dataset.site, task.dataset.kind, task.dataset.campaign);
      shown.add(taskKey);
      task.hidden = done.has(taskKey);
      const note = task.querySelector("[data-draft]");
      const draft = byKey.get(taskKey);
      note.hidden = !(draft || waiting.has(taskKey));
      note.textContent = waiting.has(taskKey) ? T.states.queued : draft ? format(T.draft, progressOf(draft)) : "";
    }
    // Drafts of sites not listed (opened from a site's file) are not forgotten either.
    const others = drafts.filter((draft) => !shown.has(draft.key));
    const list = document.getElementById("draft-list");
    list.replaceChildren(
      ...others.map((draft) =>
        element("li", {}, [
          element("a", { href: pageUrl(draft.site, draft.kind, draft.campaign), text: draft.checklist.site.name }),
          element("span", { className: "muted", text: " · " + format(T.draft, progressOf(draft)) }),
        ]),
      ),
    );
    document.getElementById("draft-section").hidden = others.length === 0;
  }

  /* Opening "my tasks" online keeps every listed site's checklist for an inspection without network. */
  async function keepChecklists() {
    if (!("caches" in window)) return;
    const cache = await caches.open(config.checklist_cache);
    const urls = Array.from(document.querySelectorAll("[data-task]"), (task) =>
      checklistUrl(task.dataset.site, task.dataset.kind, task.dataset.campaign),
    );
    const status = document.getElementById("offline-status");
    let kept = 0;
    const next = async () => {
      while (urls.length) {
        const url = urls.shift();
        try {
          const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (response.ok) {
            await cache.put(url, response);
            kept += 1;
          }
        } catch (error) {
          return;
        }
      }
    };
    const total = urls.length;
    await Promise.all([next(), next(), next()]);
    if (status && total) {
      status.hidden = false;
      status.textContent = format(T.kept, { count: kept, total });
      status.dataset.kept = String(kept);
    }
  }

  function progressOf(draft) {
    const items = draft.checklist.items;
    const answered = items.filter((item, index) => isDone(item, draft.answers[Outbox.itemKey(item, index)])).length;
    return { answered, total: items.length };
  }

  // --- Judging, as regulations.selectors.judge does --------------------------------------------------------

  const NUMERIC = ["count_min", "count_max", "measure_min", "measure_max"];
  const MINIMUM = ["count_min", "measure_min"];
  const COUNT = ["count_min", "count_max"];

  function numberText(value) {
    // As people write it: 2, 1.5, 0.08 (regulations.rules.format_number).
    return String(Number(value));
  }

  function withUnit(value, unit) {
    return unit ? numberText(value) + " " + unit : numberText(value);
  }

  function parseNumber(item, text) {
    const normal = Outbox.normaliseNumber(text);
    const count = COUNT.includes(item.rule_kind);
    const pattern = count ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/;
    if (!pattern.test(normal)) return { error: count ? T.whole_number : T.number };
    return { number: Number(normal) };
  }

  /* The verdict of an answer: {passes, reason}, {error} for an answer that cannot be judged, or null when unanswered. */
  function judge(item, answer) {
    if (!answer || answer.not_applicable) return null;
    const value = answer.value;
    if (value === null || value === undefined || value === "") return null;
    const citation = item.citation;
    if (item.hazard) {
      // A re-inspection: was the hazard fixed? (inspections.services.submit judges it so.)
      const values = { citation: item.hazard.citation || item.citation || "—" };
      return { passes: value === true, reason: format(value === true ? T.reasons.fixed : T.reasons.not_fixed, values) };
    }
    if (item.rule_kind === "yes_no") {
      const passes = value === item.pass_answer;
      const given = value ? T.yes : T.no;
      if (passes) return { passes, reason: format(T.reasons.yes_no_pass, { answer: given, citation }) };
      return { passes, reason: format(T.reasons.yes_no_fail, { answer: given, required: item.pass_answer ? T.yes_lower : T.no_lower, citation }) };
    }
    if (NUMERIC.includes(item.rule_kind)) {
      const parsed = parseNumber(item, value);
      if (parsed.error) return { error: parsed.error };
      const threshold = Number(item.threshold);
      const values = { answer: numberText(parsed.number), threshold: withUnit(item.threshold, item.unit), citation };
      if (MINIMUM.includes(item.rule_kind)) {
        const passes = parsed.number >= threshold;
        return { passes, reason: format(passes ? T.reasons.min_pass : T.reasons.min_fail, values) };
      }
      const passes = parsed.number <= threshold;
      return { passes, reason: format(passes ? T.reasons.max_pass : T.reasons.max_fail, values) };
    }
    const choice = item.choices.find((option) => option.value === value);
    if (!choice) return null;
    if (choice.passes) return { passes: true, reason: format(T.reasons.choice_pass, { answer: value, citation }) };
    const allowed = item.choices.filter((option) => option.passes).map((option) => option.value).join("、");
    return { passes: false, reason: format(T.reasons.choice_fail, { answer: value, allowed, citation }) };
  }

  function isDone(item, answer) {
    if (!answer) return false;
    if (answer.not_applicable) return Boolean((answer.reason || "").trim());
    const verdict = judge(item, answer);
    return Boolean(verdict && !verdict.error) && !needsEvidence(item, answer);
  }

  /* A notified hazard found fixed needs a photo of the fix (the server refuses it without one). */
  function needsEvidence(item, answer) {
    return Boolean(item.hazard && item.hazard.status === "notified" && answer.value === true && answer.photos.length === 0);
  }

  // --- The checklist page ---------------------------------------------------------------------------

  const state = { draft: null, saveTimer: null, urls: new Map() };

  async function checklistPage() {
    const params = new URLSearchParams(location.search);
    const site = params.get("site");
    const root = document.getElementById("inspection");
    if (!site) {
      showProblem(T.no_site);
      return;
    }
    const kind = params.get("kind") || "routine";
    const campaign = params.get("campaign") || "";
    const key = Outbox.draftKey(config.user, site, kind, campaign);
    let draft = null;
    const fix = params.get("fix");
    if (fix) {
      draft = await Outbox.reopen(fix);
      params.delete("fix");
      history.replaceState(null, "", location.pathname + "?" + params.toString());
    }
    if (!draft) draft = await Outbox.draftFind(key);
    if (!draft) {
      const checklist = await loadChecklist(site, kind, campaign);
      if (!checklist) {
        showProblem(navigator.onLine ? T.no_checklist : T.no_checklist_offline);
        return;
      }
      draft = newDraft(key, site, kind, campaign, checklist);
      await Outbox.draftSave(draft);
    }
    state.draft = draft;
    root.dataset.inspection = draft.id;
    renderHead(draft);
    renderError(draft.error);
    await renderItems(draft);
    await renderSignature(draft);
    updateProgress();
    document.getElementById("checklist-form").hidden = false;
    document.getElementById("checklist-loading").hidden = true;
    document.getElementById("checklist-form").addEventListener("submit", onSubmit);
    document.getElementById("discard").addEventListener("click", onDiscard);
  }

  async function loadChecklist(site, kind, campaign) {
    const url = checklistUrl(site, kind, campaign);
    const embedded = document.getElementById("checklist-data");
    const data = embedded ? JSON.parse(embedded.textContent) : null;
    if (data && String(data.site.id) === String(site) && data.kind === kind) {
      // Kept for a later visit without network, as "my tasks" keeps the others.
      if ("caches" in window) {
        caches
          .open(config.checklist_cache)
          .then((cache) => cache.put(url, new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } })))
          .catch(() => {});
      }
      return data;
    }
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) return await response.json();
    } catch (error) {
      // No network and no service worker answering: the cache below may still have it.
    }
    if ("caches" in window) {
      const cached = await caches.match(url, { cacheName: config.checklist_cache });
      if (cached) return cached.json();
    }
    return null;
  }

  function newDraft(key, site, kind, campaign, checklist) {
    const answers = {};
    checklist.items.forEach((item, index) => {
      answers[Outbox.itemKey(item, index)] = { id: crypto.randomUUID(), value: null, not_applicable: false, reason: "", note: "", photos: [] };
    });
    return {
      id: crypto.randomUUID(),
      key,
      user: config.user,
      site: Number(site),
      kind,
      campaign: campaign ? Number(campaign) : null,
      checklist,
      answers,
      signature: { photo: null, name: "" },
      started_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      error: null,
    };
  }

  function showProblem(message) {
    document.getElementById("checklist-loading").hidden = true;
    const problem = document.getElementById("checklist-problem");
    problem.hidden = false;
    problem.querySelector("[data-message]").textContent = message;
  }

  function renderHead(draft) {
    const site = draft.checklist.site;
    document.getElementById("site-name").textContent = site.name;
    document.getElementById("site-meta").textContent = [site.category, site.address].filter(Boolean).join(" · ");
    let kind = T.kinds[draft.kind] || draft.kind;
    if (draft.checklist.campaign) kind += " · " + draft.checklist.campaign.name;
    document.getElementById("inspection-kind").textContent = kind;
    document.title = site.name + " · " + document.title;
  }

  function renderError(error) {
    const box = document.getElementById("server-error");
    if (!error) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    // Errors of one answer ("items.3.answer") show on its card; the others here.
    const general = Object.entries(error.errors || {}).filter(([path]) => !/^items\.\d+(\.|$)/.test(path));
    const messages = [error.detail].concat(flattenErrors(general.map(([, value]) => value))).filter(Boolean);
    box.querySelector("[data-message]").textContent = messages.join(" ");
  }

  function itemErrors(error, index) {
    if (!error || !error.errors) return [];
    const prefix = "items." + index;
    const mine = Object.entries(error.errors).filter(([path]) => path === prefix || path.startsWith(prefix + "."));
    return flattenErrors(mine.map(([, value]) => value));
  }

  function saveSoon() {
    clearTimeout(state.saveTimer);
    state.saveTimer = setTimeout(saveNow, 250);
  }

  async function saveNow() {
    clearTimeout(state.saveTimer);
    state.saveTimer = null;
    await Outbox.draftSave(state.draft);
  }

  async function renderItems(draft) {
    const list = document.getElementById("items");
    const cards = [];
    const total = draft.checklist.items.length;
    for (const [index, item] of draft.checklist.items.entries()) {
      cards.push(await renderCard(draft, item, index, total));
    }
    list.replaceChildren(...cards);
  }

  async function renderCard(draft, item, index, total) {
    const key = Outbox.itemKey(item, index);
    const answer = draft.answers[key];
    const card = fromTemplate("item-card");
    card.dataset.key = key;
    card.dataset.rule = item.rule_kind;
    card.id = "item-" + key;
    card.querySelector("[data-number]").textContent = index + 1 + "/" + total;
    card.querySelector("[data-citation]").textContent = item.citation;
    card.querySelector("[data-requirement]").textContent = item.requirement;
    card.querySelector("[data-rule]").textContent = item.rule;
    card.querySelector("[data-major]").hidden = item.severity !== "major";
    const clause = card.querySelector("[data-clause]");
    if (item.clause_text) clause.querySelector("[data-clause-text]").textContent = item.clause_text;
    else clause.remove();
    if (item.hazard && item.hazard.deadline) {
      card.querySelector("[data-deadline]").hidden = false;
      card.querySelector("[data-deadline]").textContent = format(T.deadline, { date: item.hazard.deadline });
    }

    const slot = card.querySelector("[data-answer]");
    slot.append(answerInput(item, answer, key, () => changed(card, item, answer)));

    const applicable = card.querySelector("[data-na]");
    // A hazard is found fixed or not: it cannot be "not applicable".
    if (item.hazard) applicable.closest("label").hidden = true;
    const reasonBox = card.querySelector("[data-reason-box]");
    const reason = card.querySelector("[data-reason]");
    applicable.id = "na-" + key;
    applicable.closest("label").setAttribute("for", applicable.id);
    applicable.checked = answer.not_applicable;
    reason.value = answer.reason;
    reasonBox.hidden = !answer.not_applicable;
    applicable.addEventListener("change", () => {
      answer.not_applicable = applicable.checked;
      reasonBox.hidden = !applicable.checked;
      if (applicable.checked) reason.focus();
      changed(card, item, answer);
    });
    reason.addEventListener("input", () => {
      answer.reason = reason.value;
      changed(card, item, answer, true);
    });

    const note = card.querySelector("[data-note]");
    note.value = answer.note;
    note.addEventListener("input", () => {
      answer.note = note.value;
      saveSoon();
    });

    const file = card.querySelector("[data-photo-input]");
    file.id = "photo-" + key;
    card.querySelector("[data-photo-button]").setAttribute("for", file.id);
    file.addEventListener("change", () => addPhotos(card, answer, key, file));
    const strip = card.querySelector("[data-photos]");
    for (const id of answer.photos) {
      const photo = await Outbox.photoGet(id);
      if (photo) strip.append(thumbnail(photo, () => removePhoto(card, answer, id)));
    }
    const problems = itemErrors(draft.error, index);
    if (problems.length) {
      const box = card.querySelector("[data-server-error]");
      box.hidden = false;
      box.textContent = problems.join(" ");
    }
    showVerdict(card, item, answer);
    if (problems.length) card.classList.add("is-missing");
    return card;
  }

  function answerInput(item, answer, key, onChange) {
    if (item.rule_kind === "yes_no") {
      const group = fromTemplate("answer-yes-no");
      if (item.hazard) {
        group.querySelector("[data-value=yes]").textContent = T.fixed;
        group.querySelector("[data-value=no]").textContent = T.not_fixed;
      }
      for (const button of group.querySelectorAll("button")) {
        const value = button.dataset.value === "yes";
        button.setAttribute("aria-pressed", String(answer.value === value));
        button.addEventListener("click", () => {
          answer.value = answer.value === value ? null : value;
          for (const other of group.querySelectorAll("button")) other.setAttribute("aria-pressed", String(answer.value === (other.dataset.value === "yes")));
          onChange();
        });
      }
      return group;
    }
    if (NUMERIC.includes(item.rule_kind)) {
      const group = fromTemplate("answer-number");
      const input = group.querySelector("input");
      const count = COUNT.includes(item.rule_kind);
      input.id = "answer-" + key;
      input.inputMode = count ? "numeric" : "decimal";
      input.value = answer.value === null ? "" : answer.value;
      group.querySelector("[data-unit]").textContent = item.unit;
      input.addEventListener("input", () => {
        answer.value = input.value.trim() === "" ? null : input.value;
        onChange(true);
      });
      const steppers = group.querySelectorAll("[data-step]");
      if (count) {
        for (const button of steppers) {
          button.addEventListener("click", () => {
            const current = parseInt(Outbox.normaliseNumber(input.value), 10);
            const next = Math.max(0, (Number.isNaN(current) ? 0 : current) + Number(button.dataset.step));
            input.value = String(next);
            answer.value = input.value;
            onChange();
          });
        }
      } else {
        for (const button of steppers) button.remove();
      }
      return group;
    }
    const group = fromTemplate("answer-choice");
    for (const [position, option] of item.choices.entries()) {
      const id = "answer-" + key + "-" + position;
      const radio = element("input", { type: "radio", name: "answer-" + key, id, value: option.value });
      radio.checked = answer.value === option.value;
      radio.addEventListener("change", () => {
        answer.value = option.value;
        onChange();
      });
      group.append(element("label", { for: id, className: "choice" }, [radio, document.createTextNode(option.label || option.value)]));
    }
    return group;
  }

  function changed(card, item, answer, typing) {
    showVerdict(card, item, answer);
    updateProgress();
    if (typing) saveSoon();
    else saveNow();
  }

  function showVerdict(card, item, answer) {
    const box = card.querySelector("[data-verdict]");
    const label = box.querySelector("[data-verdict-label]");
    const reason = box.querySelector("[data-verdict-reason]");
    card.classList.remove("is-missing");
    if (answer.not_applicable) {
      card.dataset.verdict = "not_applicable";
      label.textContent = T.verdicts.not_applicable;
      reason.textContent = (answer.reason || "").trim() ? "" : T.reason_needed;
      box.hidden = false;
      return;
    }
    const verdict = judge(item, answer);
    if (!verdict) {
      delete card.dataset.verdict;
      box.hidden = true;
      return;
    }
    box.hidden = false;
    if (verdict.error) {
      card.dataset.verdict = "invalid";
      label.textContent = "";
      reason.textContent = verdict.error;
      return;
    }
    card.dataset.verdict = verdict.passes ? "pass" : "fail";
    label.textContent = verdict.passes ? T.verdicts.pass : T.verdicts.fail;
    reason.textContent = needsEvidence(item, answer) ? verdict.reason + " " + T.evidence_needed : verdict.reason;
  }

  function updateProgress() {
    const draft = state.draft;
    if (!draft) return;
    let failing = 0;
    draft.checklist.items.forEach((item, index) => {
      const verdict = judge(item, draft.answers[Outbox.itemKey(item, index)]);
      if (verdict && verdict.passes === false) failing += 1;
    });
    const progress = progressOf(draft);
    const text = format(T.progress, progress) + (failing ? " · " + plural(T.failing, failing) : "");
    const bar = document.getElementById("progress");
    bar.querySelector("[data-progress-text]").textContent = text;
    bar.querySelector("progress").max = progress.total;
    bar.querySelector("progress").value = progress.answered;
  }

  // --- Photos: resized on the phone, kept as Blobs with their capture time ------------------------------

  async function resize(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
    if (!blob) throw new Error("encode");
    return { blob, width, height };
  }

  async function addPhotos(card, answer, key, input) {
    const files = Array.from(input.files || []);
    input.value = "";
    const strip = card.querySelector("[data-photos]");
    const problem = card.querySelector("[data-photo-problem]");
    problem.hidden = true;
    for (const file of files) {
      let picture;
      try {
        picture = await resize(file);
      } catch (error) {
        problem.hidden = false;
        problem.textContent = format(T.photo_unreadable, { name: file.name });
        continue;
      }
      const photo = {
        id: crypto.randomUUID(),
        inspection: state.draft.id,
        item: key,
        blob: picture.blob,
        width: picture.width,
        height: picture.height,
        // The canvas drops the camera's EXIF: the capture time travels beside the photo instead.
        taken_at: new Date(file.lastModified || Date.now()).toISOString(),
        uploaded: false,
      };
      await Outbox.photoPut(photo);
      answer.photos.push(photo.id);
      await saveNow();
      strip.append(thumbnail(photo, () => removePhoto(card, answer, photo.id)));
      showVerdict(card, findItem(key), answer);
      updateProgress();
    }
  }

  function thumbnail(photo, onRemove) {
    const url = URL.createObjectURL(photo.blob);
    state.urls.set(photo.id, url);
    const item = element("li", { "data-photo": photo.id }, [element("img", { src: url, alt: T.photo_alt, width: 88, height: 66 })]);
    const remove = element("button", { type: "button", className: "photo-remove", "aria-label": T.remove_photo, text: "×" });
    remove.addEventListener("click", onRemove);
    item.append(remove);
    return item;
  }

  async function removePhoto(card, answer, id) {
    answer.photos = answer.photos.filter((other) => other !== id);
    await saveNow();
    await Outbox.photoDelete(id);
    const url = state.urls.get(id);
    if (url) URL.revokeObjectURL(url);
    const node = card.querySelector('[data-photo="' + id + '"]');
    if (node) node.remove();
    showVerdict(card, findItem(card.dataset.key), answer);
    updateProgress();
  }

  function findItem(key) {
    return state.draft.checklist.items.find((item, index) => Outbox.itemKey(item, index) === key);
  }

  // --- The site representative's signature: drawn with a finger, kept as a PNG photo ----------------------

  async function renderSignature(draft) {
    const canvas = document.getElementById("signature-pad");
    const name = document.getElementById("signer-name");
    const clear = document.getElementById("signature-clear");
    const context = canvas.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.round((box.width || 320) * ratio);
    canvas.height = Math.round((box.height || 160) * ratio);
    context.scale(ratio, ratio);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#0f172a";
    let drawing = false;
    let drawn = false;

    if (!draft.signature) draft.signature = { photo: null, name: "" };
    name.value = draft.signature.name || "";
    const kept = draft.signature.photo ? await Outbox.photoGet(draft.signature.photo) : null;
    if (kept) {
      const bitmap = await createImageBitmap(kept.blob);
      context.drawImage(bitmap, 0, 0, canvas.width / ratio, canvas.height / ratio);
      bitmap.close();
      drawn = true;
    }

    const point = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    };
    canvas.addEventListener("pointerdown", (event) => {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.moveTo(...point(event));
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      context.lineTo(...point(event));
      context.stroke();
      drawn = true;
    });
    const finish = async () => {
      if (!drawing) return;
      drawing = false;
      if (drawn) await keepSignature();
    };
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    name.addEventListener("input", () => {
      state.draft.signature.name = name.value;
      saveSoon();
    });
    clear.addEventListener("click", async () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      if (state.draft.signature.photo) await Outbox.photoDelete(state.draft.signature.photo);
      state.draft.signature.photo = null;
      await saveNow();
    });

    async function keepSignature() {
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
      const previous = state.draft.signature.photo;
      // Each stroke makes a new picture: a photo id names one picture for good.
      const photo = { id: crypto.randomUUID(), inspection: state.draft.id, item: "signature", blob, taken_at: new Date().toISOString(), uploaded: false };
      await Outbox.photoPut(photo);
      state.draft.signature = { photo: photo.id, name: name.value };
      await saveNow();
      if (previous) await Outbox.photoDelete(previous);
    }
  }

  // --- Submitting -----------------------------------------------------------------------------------

  function missingItems() {
    const draft = state.draft;
    return draft.checklist.items
      .map((item, index) => [item, Outbox.itemKey(item, index)])
      .filter(([item, key]) => !isDone(item, draft.answers[key]))
      .map(([, key]) => key);
  }

  /* Where the phone is, asked once at submit; refused or unknown, the inspection goes without it. */
  function position() {
    if (!("geolocation" in navigator)) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 10000);
      navigator.geolocation.getCurrentPosition(
        (found) => {
          clearTimeout(timer);
          resolve({ latitude: found.coords.latitude, longitude: found.coords.longitude, accuracy: found.coords.accuracy });
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: 9000, maximumAge: 300000 },
      );
    });
  }

  async function onSubmit(event) {
    event.preventDefault();
    const form = event.target;
    const message = document.getElementById("submit-problem");
    const missing = missingItems();
    for (const card of document.querySelectorAll(".check-card")) card.classList.toggle("is-missing", missing.includes(card.dataset.key));
    if (missing.length) {
      message.hidden = false;
      message.textContent = plural(T.missing, missing.length);
      const first = document.getElementById("item-" + missing[0]);
      first.scrollIntoView({ behavior: "smooth", block: "start" });
      return;
    }
    const signature = state.draft.signature;
    if (signature.photo && !signature.name.trim()) {
      message.hidden = false;
      message.textContent = T.signer_needed;
      document.getElementById("signer-name").focus();
      return;
    }
    message.hidden = true;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    await saveNow();
    const where = await position();
    const entry = await Outbox.submit(state.draft, where);
    state.draft = null;
    form.hidden = true;
    const done = document.getElementById("submitted");
    done.hidden = false;
    done.dataset.inspection = entry.id;
    window.scrollTo(0, 0);
    await renderQueue();
    await askForSync();
    await send(true);
    await showSubmitted(entry.id);
  }

  async function showSubmitted(id) {
    const done = document.getElementById("submitted");
    if (done.hidden) return;
    const waiting = (await Outbox.queued(config.user)).find((entry) => entry.id === id);
    const record = (await Outbox.sent()).find((sent) => sent.id === id);
    const status = done.querySelector("[data-submitted-status]");
    const link = done.querySelector("[data-record]");
    if (record) {
      done.dataset.state = "sent";
      status.textContent = T.sent;
      link.hidden = false;
      link.href = record.url;
    } else {
      done.dataset.state = waiting ? waiting.state : "queued";
      status.textContent = waiting && waiting.state === "refused" ? T.states.refused : waiting && waiting.state === "auth" ? T.states.auth : T.saved_on_phone;
      link.hidden = true;
    }
  }

  async function onDiscard() {
    if (!window.confirm(T.discard_confirm)) return;
    await Outbox.draftDiscard(state.draft);
    location.href = config.urls.tasks;
  }

  // --- Start ---------------------------------------------------------------------------------------

  registerWorker();
  startQueue();
  Outbox.listen(() => {
    const done = document.getElementById("submitted");
    if (done && !done.hidden) showSubmitted(done.dataset.inspection);
  });
  if (config.page === "tasks") tasksPage();
  if (config.page === "checklist") checklistPage();
})();
