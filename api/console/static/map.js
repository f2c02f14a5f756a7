/* The console's maps: Natural Earth's country outlines (world-atlas, drawn from TopoJSON)
   under the network's nodes and lanes. No tiles: nothing is fetched from elsewhere.
   A map element names its data (data-lanes-url) and outlines (data-outlines); a click on
   a lane loads its services into #lane-panel with HTMX. */
(function () {
  "use strict";

  function weight(lane) {
    if (lane.delta_kg !== undefined) return 2 + Math.min(8, Math.log10(1 + Math.abs(lane.delta_kg)) * 2);
    return lane.utilisation == null ? 1.5 : 1.5 + 6 * Math.min(1, lane.utilisation);
  }

  function colour(lane) {
    if (lane.delta_kg !== undefined) return lane.delta_kg > 0 ? "#0b5cad" : "#c2410c";
    return lane.colour;
  }

  function draw(el, outlines, data) {
    var map = L.map(el, { worldCopyJump: false, attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Country outlines: Natural Earth (public domain)");
    var nodes = {}, bounds = [];
    data.nodes.forEach(function (n) { nodes[n.id] = n; });
    data.lanes.forEach(function (lane) {
      [nodes[lane.from], nodes[lane.to]].forEach(function (n) { if (n) bounds.push([n.lat, n.lon]); });
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
    else map.setView([30, 40], 2);
    L.geoJSON(topojson.feature(outlines, outlines.objects.countries), {
      style: { color: "#9aa5b1", weight: 0.6, fillColor: "#f6f3ea", fillOpacity: 1 },
      interactive: false
    }).addTo(map);
    var drawn = [];
    data.lanes.forEach(function (lane) {
      var a = nodes[lane.from], b = nodes[lane.to];
      if (!a || !b) return;
      var line = L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
        color: colour(lane), weight: weight(lane), opacity: 0.85, className: "lane"
      }).addTo(map);
      var words = lane.id + " (" + lane.modes.join(", ") + ")";
      if (lane.delta_kg !== undefined) words += ": " + (lane.delta_kg > 0 ? "+" : "") + lane.delta_kg + " kg";
      else if (lane.utilisation != null) words += ", utilisation " + Math.round(lane.utilisation * 100) + " %";
      line.bindTooltip(words, { sticky: true });
      line.on("click", function () {
        if (window.htmx) htmx.ajax("GET", "/console/network/lanes/" + encodeURIComponent(lane.id), { target: "#lane-panel" });
      });
      drawn.push(lane.id);
    });
    data.nodes.forEach(function (n) {
      L.circleMarker([n.lat, n.lon], { radius: 3.5, color: "#14213d", weight: 1, fillColor: "#ffffff", fillOpacity: 1 })
        .bindTooltip(n.id + " · " + n.kind + " · " + n.city).addTo(map);
    });
    el.setAttribute("data-drawn-lanes", JSON.stringify(drawn));
    el.setAttribute("data-ready", "true");
  }

  function load(el) {
    if (el.dataset.started) return;
    el.dataset.started = "1";
    Promise.all([
      fetch(el.getAttribute("data-outlines"), { credentials: "same-origin" }).then(function (r) { return r.json(); }),
      fetch(el.getAttribute("data-lanes-url"), { credentials: "same-origin" }).then(function (r) { return r.json(); })
    ]).then(function (got) { draw(el, got[0], got[1]); });
  }

  function ready(root) { root.querySelectorAll("[data-lanes-url]").forEach(load); }
  document.addEventListener("DOMContentLoaded", function () { ready(document); });
  document.addEventListener("htmx:afterSettle", function (event) { ready(event.target); });
})();
