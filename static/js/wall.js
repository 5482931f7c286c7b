/* The wall screen (dashboards/wall.html): a button to fill the screen (Fullscreen API), a clock,
 * and a notice while the panels' polling (htmx, every WALL_REFRESH_SECONDS) cannot reach the server.
 * The map refreshes itself (map.js). */
(function () {
  "use strict";

  function fullscreenButton() {
    var button = document.querySelector("[data-fullscreen]");
    var root = document.documentElement;
    if (!button || !root.requestFullscreen || !document.fullscreenEnabled) return;
    button.hidden = false;
    function label() {
      button.textContent = button.getAttribute(document.fullscreenElement ? "data-leave-label" : "data-enter-label");
      button.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    }
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        root.requestFullscreen().catch(function () {
          /* refused (no user gesture, or a policy): the page stays as it is */
        });
      }
    });
    document.addEventListener("fullscreenchange", label);
    label();
  }

  function clock() {
    var node = document.querySelector("[data-wall-clock]");
    if (!node) return;
    var lang = document.documentElement.lang || undefined;
    var zone = node.getAttribute("data-time-zone") || undefined;
    // The platform's time zone, whatever the wall computer's is set to.
    var date = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric", weekday: "long", timeZone: zone });
    var time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: zone });
    function tick() {
      var now = new Date();
      node.textContent = date.format(now) + " " + time.format(now);
    }
    tick();
    window.setInterval(tick, 1000);
  }

  function connection() {
    var notice = document.querySelector("[data-wall-offline]");
    if (!notice) return;
    document.body.addEventListener("htmx:sendError", function () {
      notice.hidden = false;
    });
    document.body.addEventListener("htmx:responseError", function () {
      notice.hidden = false;
    });
    document.body.addEventListener("htmx:afterSwap", function () {
      notice.hidden = true;
    });
  }

  function init() {
    fullscreenButton();
    clock();
    connection();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
