/* The map of the staff dashboards (dashboards/map.html, dashboards/wall.html), drawn by Leaflet.
 *
 * It needs no internet access: the territory's outlines, the sites and the open incidents are
 * drawn on a plain background, and a base map is added only where one is configured
 * (MAP_TILE_URL). Its settings and labels come from the page's "map-config" JSON block, its
 * data from the scoped JSON endpoint (dashboards.maps.map_data), read again every
 * refreshSeconds on the wall screen. Every text from the data is set as text, never as HTML.
 */
(function () {
  "use strict";

  var COLOURS = {
    red: "#dc2626",
    orange: "#f97316",
    yellow: "#facc15",
    blue: "#2563eb",
    none: "#94a3b8",
  };
  var STROKES = { red: "#7f1d1d", orange: "#7c2d12", yellow: "#713f12", blue: "#1e3a8a", none: "#475569" };
  // A cluster takes the colour of the worst site in it: a red site is never hidden in a blue crowd.
  var RANKS = ["none", "blue", "yellow", "orange", "red"];
  // The scope's land light on grey for a page, dark blue on the wall screen's night-blue ground; a page of
  // one community has no street drawn, so the community is filled as the street is.
  var OUTLINES = {
    page: {
      street: { color: "#1e293b", weight: 3, fill: true, fillColor: "#ffffff", fillOpacity: 0.75 },
      community: { color: "#334155", weight: 2, fill: true, fillColor: "#ffffff", fillOpacity: 0.75 },
      grid: { color: "#64748b", weight: 1, dashArray: "4 4", fill: true, fillColor: "#ffffff", fillOpacity: 0.01 },
    },
    wall: {
      street: { color: "#93c5fd", weight: 3, fill: true, fillColor: "#16324f", fillOpacity: 0.9 },
      community: { color: "#60a5fa", weight: 2, fill: true, fillColor: "#16324f", fillOpacity: 0.9 },
      grid: { color: "#3b6b99", weight: 1, dashArray: "4 4", fill: true, fillColor: "#16324f", fillOpacity: 0.01 },
    },
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var anchor = element("a", null, text);
    anchor.href = href;
    return anchor;
  }

  function popup(lines, href, linkText) {
    var box = element("div", "map-popup");
    lines.forEach(function (line, index) {
      if (line) box.appendChild(element(index === 0 ? "strong" : "span", null, line));
    });
    if (href) box.appendChild(link(href, linkText));
    return box;
  }

  // Past config.clusterFrom sites (a city's tens of thousands), the sites are gathered into clusters
  // (leaflet.markercluster) until the map is close enough to tell them apart; each says how many it holds.
  function clusterIcon(cluster) {
    var worst = 0;
    cluster.getAllChildMarkers().forEach(function (marker) {
      if (marker.options.rank > worst) worst = marker.options.rank;
    });
    var count = cluster.getChildCount();
    var size = count < 100 ? 32 : count < 1000 ? 40 : 48;
    var label = element("span", null, String(count));
    return L.divIcon({ html: label, className: "map-cluster map-cluster-" + RANKS[worst], iconSize: L.point(size, size) });
  }

  function start(container) {
    var configNode = document.getElementById("map-config");
    if (!configNode || typeof L === "undefined") return;
    var config = JSON.parse(configNode.textContent);
    var labels = config.labels;
    var status = container.parentNode.querySelector("[data-map-status]");
    var wall = container.classList.contains("map-wall");
    var outlines = OUTLINES[wall ? "wall" : "page"];

    // The wall is looked at, not handled: no zoom buttons there.
    var map = L.map(container, {
      zoomSnap: 0.1,
      zoomControl: !wall,
      minZoom: 3,
      maxZoom: (config.tiles && config.tiles.maxZoom) || 19,
    });
    map.attributionControl.setPrefix(labels.attributionPrefix);
    if (config.tiles) {
      L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        subdomains: config.tiles.subdomains,
        maxZoom: config.tiles.maxZoom,
      }).addTo(map);
    } else {
      container.classList.add("map-plain");
    }
    // Outlines under the sites, the sites under the incidents, whatever order they are added in.
    map.createPane("outlines").style.zIndex = 350;
    map.createPane("sites").style.zIndex = 450;
    map.createPane("incidents").style.zIndex = 460;
    // A city's thousands of sites are drawn on one canvas; the few incidents as SVG, so that they can pulse.
    var siteRenderer = L.canvas({ pane: "sites", padding: 0.3 });
    var incidentRenderer = L.svg({ pane: "incidents" });

    var layers = {
      outlines: L.layerGroup().addTo(map),
      sites: L.layerGroup().addTo(map),
      incidents: L.layerGroup().addTo(map),
    };
    var overlays = {};
    overlays[labels.boundaries] = layers.outlines;
    overlays[labels.sites] = layers.sites;
    overlays[labels.incidents] = layers.incidents;
    // Folded to an icon on the wall and on a phone, where it would hide the map.
    L.control.layers(null, overlays, { collapsed: wall || window.innerWidth < 641 }).addTo(map);

    var fitted = false;

    function say(text) {
      if (!status) return;
      status.textContent = text || "";
      status.hidden = !text;
    }

    function drawOutlines(collection) {
      layers.outlines.clearLayers();
      var drawn = 0;
      L.geoJSON(collection, {
        pane: "outlines",
        style: function (feature) {
          return outlines[feature.properties.level] || outlines.grid;
        },
        onEachFeature: function (feature, layer) {
          drawn += 1;
          var properties = feature.properties;
          if (properties.level === "grid" || properties.level === "community") {
            layer.bindTooltip(properties.name, { sticky: true, className: "map-tooltip" });
          }
          layer.bindPopup(popup([properties.name], properties.url, labels.openOverview));
        },
      }).addTo(layers.outlines);
      return drawn;
    }

    function drawSites(data) {
      layers.sites.clearLayers();
      var fields = data.site_fields;
      var at = {};
      fields.forEach(function (name, index) {
        at[name] = index;
      });
      var radius = wall ? 6 : 5;
      var clustered = data.sites.length >= (config.clusterFrom || Infinity) && typeof L.markerClusterGroup === "function";
      var group = layers.sites;
      if (clustered) {
        group = L.markerClusterGroup({
          chunkedLoading: true,
          showCoverageOnHover: false,
          disableClusteringAtZoom: 17,
          maxClusterRadius: 60,
          iconCreateFunction: clusterIcon,
        });
        layers.sites.addLayer(group);
      }
      var markers = [];
      data.sites.forEach(function (row) {
        var colour = row[at.colour] || "none";
        var marker = L.circleMarker([row[at.lat], row[at.lng]], {
          renderer: siteRenderer,
          radius: radius,
          color: STROKES[colour],
          weight: 1,
          fillColor: COLOURS[colour],
          fillOpacity: 0.9,
          rank: Math.max(0, RANKS.indexOf(colour)),
        });
        marker.bindTooltip(row[at.name], { className: "map-tooltip" });
        marker.bindPopup(function () {
          return popup([row[at.name], labels.colours[colour]], config.siteUrl.replace("{id}", String(row[at.id])), labels.openFile);
        });
        markers.push(marker);
      });
      // One call for all: a cluster group adds them in chunks without holding up the page.
      if (clustered) group.addLayers(markers);
      else markers.forEach(function (marker) { group.addLayer(marker); });
      container.dataset.clustered = clustered ? "1" : "0";
      return data.sites.length;
    }

    function drawIncidents(incidents) {
      layers.incidents.clearLayers();
      incidents.forEach(function (incident) {
        var marker = L.circleMarker([incident.lat, incident.lng], {
          renderer: incidentRenderer,
          radius: wall ? 18 : 14,
          color: "#b91c1c",
          weight: 3,
          fillColor: "#ef4444",
          fillOpacity: 0.35,
          className: "map-incident",
        });
        marker.bindTooltip(incident.site, { className: "map-tooltip", permanent: wall, direction: "top" });
        marker.bindPopup(
          popup([incident.site, incident.address, incident.status_label, labels.alarmAt + " " + incident.opened_at], incident.url, labels.openIncident)
        );
        layers.incidents.addLayer(marker);
      });
      return incidents.length;
    }

    function legend(counts) {
      document.querySelectorAll("[data-legend-count]").forEach(function (node) {
        var key = node.getAttribute("data-legend-count");
        var value = key === "incidents" ? counts.incidents : counts.colours[key];
        node.textContent = value === undefined ? "" : String(value);
      });
    }

    function fit() {
      var bounds = L.latLngBounds([]);
      [layers.outlines, layers.sites, layers.incidents].some(function (group) {
        group.eachLayer(function (layer) {
          bounds.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng());
        });
        // The outlines frame the scope when there are some; otherwise whatever is drawn.
        return bounds.isValid();
      });
      if (!bounds.isValid()) return false;
      map.fitBounds(bounds, { padding: [12, 12] });
      return true;
    }

    function draw(data) {
      container.dataset.outlines = String(drawOutlines(data.boundaries));
      container.dataset.sites = String(drawSites(data));
      container.dataset.incidents = String(drawIncidents(data.incidents));
      legend(data.counts);
      if (!fitted) {
        fitted = fit();
        if (!fitted) {
          map.setView([30.63, 104.08], 13);
          say(labels.empty);
        } else {
          say("");
        }
      } else {
        say("");
      }
      container.dataset.loaded = String(Number(container.dataset.loaded || 0) + 1);
      container.dispatchEvent(new CustomEvent("map:drawn", { bubbles: true, detail: data }));
    }

    function load() {
      return fetch(config.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) {
            var next = response.headers.get("HX-Redirect");
            if (next) window.location.assign(next);
            throw new Error("signed out");
          }
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(draw)
        .catch(function () {
          container.dataset.error = "1";
          say(labels.loadError);
        });
    }

    load();
    if (config.refreshSeconds > 0) {
      window.setInterval(load, config.refreshSeconds * 1000);
    }
    // The wall's map shares its column with panels that htmx swaps; a new size needs a new layout.
    window.addEventListener("resize", function () {
      map.invalidateSize();
    });
    document.addEventListener("fullscreenchange", function () {
      window.setTimeout(function () {
        map.invalidateSize();
      }, 200);
    });
  }

  function init() {
    var container = document.getElementById("map");
    if (container) start(container);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
