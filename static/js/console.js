// The micro fire station's console: open incidents, live.
//
// The cards are drawn by the server (templates/alarms/_incident_card.html); this script keeps
// them current. The line (ws/console/, alarms.consumers) says which incident changed; the card is
// then fetched and put in place. On every (re)connection the consumer sends a snapshot and all
// cards are fetched again: that is the catch-up after a lost line. A new alarm sounds and shows
// an alert until someone acknowledges it. The step forms are sent without reloading the page.
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root) return;
  var cards = document.getElementById("console-cards");
  var line = root.querySelector(".console-line");
  var alertBox = root.querySelector(".console-alert");
  var soundButton = root.querySelector(".console-sound");
  var text = root.dataset;

  var socket = null;
  var retryDelay = 1000;
  var retryTimer = null;
  var pingTimer = null;
  var pongDeadline = null;
  var stopped = false;
  var audio = null;
  var sirenTimer = null;

  // --- The line ------------------------------------------------------------------------------

  function setLine(state, message) {
    line.dataset.state = state;
    line.textContent = message;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + location.host + "/ws/console/");
    socket = ws;
    clearTimeout(retryTimer);
    // Once lost, the line says so until it is live again, through every attempt in between.
    if (line.dataset.state !== "offline") setLine("connecting", text.textConnecting);
    ws.onopen = function () {
      if (ws !== socket) return;
      retryDelay = 1000;
      setLine("live", text.textLive);
      startPings();
    };
    ws.onmessage = function (event) {
      if (ws !== socket) return;
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "pong") {
        clearTimeout(pongDeadline);
      } else if (message.type === "console.snapshot") {
        refreshAll(message.incidents || []);
      } else if (message.type === "console.incident" && message.incident) {
        refreshOne(message.incident.id, message.reason);
      }
    };
    ws.onclose = function (event) {
      if (ws !== socket) return;
      stopPings();
      if (event.code === 4401) {
        stopped = true;
        setLine("offline", text.textSignedOut);
        return;
      }
      if (event.code === 4403) {
        stopped = true;
        setLine("offline", text.textRefused);
        return;
      }
      if (stopped) return;
      setLine("offline", text.textLost);
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    };
  }

  // The browser knows when its network goes: an open WebSocket is not closed by it (Chromium keeps
  // it until the pings fail), and its close handshake cannot finish without a network, so the line
  // is said lost at once and the socket let go; it is tried again as soon as the network is back
  // rather than at the end of the back-off.
  window.addEventListener("offline", function () {
    if (stopped || !socket) return;
    var ws = socket;
    socket = null;
    stopPings();
    clearTimeout(retryTimer);
    setLine("offline", text.textLost);
    if (ws.readyState !== WebSocket.CLOSED) ws.close();
  });
  window.addEventListener("online", function () {
    if (stopped || (socket && socket.readyState !== WebSocket.CLOSED)) return;
    retryDelay = 1000;
    connect();
  });

  // A line can die without a close (a phone changing networks): a ping unanswered in 10 s ends it.
  function startPings() {
    stopPings();
    pingTimer = setInterval(function () {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: "ping" }));
      clearTimeout(pongDeadline);
      pongDeadline = setTimeout(function () {
        socket.close();
      }, 10000);
    }, 20000);
  }

  function stopPings() {
    clearInterval(pingTimer);
    clearTimeout(pongDeadline);
  }

  // --- The cards -----------------------------------------------------------------------------

  function knownIds() {
    var ids = {};
    cards.querySelectorAll("[data-incident]").forEach(function (card) {
      ids[card.dataset.incident] = true;
    });
    return ids;
  }

  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Console": "1" } }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function refreshAll(incidents) {
    var before = knownIds();
    fetchHtml(text.cardsUrl).then(function (html) {
      var fresh = parse(html);
      fresh.querySelectorAll("[data-incident]").forEach(function (card) {
        var current = document.getElementById(card.id);
        if (current && inUse(current, card)) card.replaceWith(current);
      });
      cards.replaceChildren(fresh);
      var arrived = incidents.some(function (incident) {
        return !before[String(incident.id)] && incident.status === "new";
      });
      if (arrived) announce();
      afterChange();
    }).catch(function () {});
  }

  function refreshOne(id, reason) {
    var url = text.cardUrl.replace(/\/0\/card\/$/, "/" + id + "/card/");
    var isNew = !knownIds()[String(id)];
    fetchHtml(url).then(function (html) {
      var card = parse(html).firstElementChild;
      place(card, true);
      if (isNew && card && card.dataset.status === "new") announce();
      afterChange();
    }).catch(function () {});
  }

  // A card someone is working in (the resolve form open, a field focused) is not redrawn by a push
  // while its incident keeps its state: the redraw would close the form and drop what was typed.
  function inUse(current, card) {
    return (
      current.dataset.status === card.dataset.status &&
      (current.querySelector("details[open]") !== null || current.contains(document.activeElement))
    );
  }

  // Put a card drawn by the server in place: the step's answer always, a push's redraw unless in use.
  function place(card, fromPush) {
    if (!card || !card.matches("[data-incident]")) return;
    var current = document.getElementById(card.id);
    if (current && fromPush && inUse(current, card)) return;
    if (current) {
      current.replaceWith(card);
    } else {
      var empty = cards.querySelector(".console-empty");
      if (empty) empty.remove();
      cards.prepend(card);
    }
    if (card.dataset.open === "0") {
      // A resolved incident leaves the console after a moment, its outcome seen.
      setTimeout(function () {
        card.remove();
        // The last one gone: the server's "no open incidents" in its place.
        if (!cards.querySelector("[data-incident]")) refreshAll([]);
      }, 8000);
    }
  }

  function afterChange() {
    updateElapsed();
    var waiting = cards.querySelectorAll('[data-status="new"]').length;
    document.title = (waiting ? "(" + waiting + ") " : "") + document.title.replace(/^\(\d+\) /, "");
    if (!waiting) {
      alertBox.hidden = true;
      silence();
    }
  }

  // --- Alert and sound -----------------------------------------------------------------------

  function announce() {
    alertBox.textContent = text.textNew;
    alertBox.hidden = false;
    if (navigator.vibrate) navigator.vibrate([400, 200, 400]);
    siren();
  }

  function soundReady() {
    return audio && audio.state === "running";
  }

  function showSoundButton() {
    soundButton.hidden = soundReady();
  }

  // Browsers start sound only after a tap on the page: the button is that tap, once per opening.
  soundButton.addEventListener("click", function () {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    audio.resume().then(function () {
      showSoundButton();
      if (cards.querySelector('[data-status="new"]')) siren();
    });
  });

  function tone(start, frequency) {
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.type = "square";
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.15;
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.35);
  }

  // A two-tone siren every 4 s while an incident waits for acknowledgement.
  function siren() {
    if (sirenTimer) return;
    var play = function () {
      if (!cards.querySelector('[data-status="new"]')) {
        silence();
        return;
      }
      if (!soundReady()) return;
      var now = audio.currentTime;
      for (var i = 0; i < 3; i++) {
        tone(now + i * 0.8, 960);
        tone(now + i * 0.8 + 0.4, 640);
      }
    };
    play();
    sirenTimer = setInterval(play, 4000);
  }

  function silence() {
    clearInterval(sirenTimer);
    sirenTimer = null;
  }

  // --- Elapsed time since the alarm ----------------------------------------------------------

  function updateElapsed() {
    var now = Date.now();
    cards.querySelectorAll("[data-opened]").forEach(function (card) {
      var slot = card.querySelector("[data-elapsed]");
      if (!slot) return;
      var seconds = Math.max(0, Math.floor((now - Date.parse(card.dataset.opened)) / 1000));
      var minutes = Math.floor(seconds / 60);
      slot.textContent = (minutes < 10 ? "0" : "") + minutes + ":" + ("0" + (seconds % 60)).slice(-2);
    });
  }

  // --- The step forms ------------------------------------------------------------------------

  cards.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches(".incident-step")) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = true;
    });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Console": "1", "X-CSRFToken": data.get("csrfmiddlewaretoken") },
    })
      .then(function (response) {
        // Redirected: the session ended and the login page answered; not a card.
        if (response.redirected || (response.status !== 200 && response.status !== 400)) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var card = parse(html).firstElementChild;
        if (!card || !card.matches("[data-incident]")) throw new Error("not a card");
        place(card, false);
        afterChange();
      })
      .catch(function () {
        form.querySelectorAll("button").forEach(function (button) {
          button.disabled = false;
        });
        alertBox.textContent = text.textFailed;
        alertBox.hidden = false;
      });
  });

  showSoundButton();
  updateElapsed();
  afterChange();
  setInterval(updateElapsed, 1000);
  if (cards.querySelector('[data-status="new"]')) announce();
  connect();
})();
