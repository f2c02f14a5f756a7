/* The console's own script: sortable tables and charts, on the page and in every part
   HTMX swaps in. No inline script anywhere (the Content-Security-Policy allows none). */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    var n = Number(raw);
    return raw !== "" && !isNaN(n) ? n : raw.toLowerCase();
  }

  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function sortable(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
      if (table.dataset.sortReady || !table.tHead) return;
      table.dataset.sortReady = "1";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        if (th.hasAttribute("data-nosort")) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        button.textContent = th.textContent.trim();
        button.setAttribute("aria-label", "sort by " + button.textContent);
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, th, index); });
      });
    });
  }

  function numberFormat() {
    return new Intl.NumberFormat(document.body.dataset.locale || undefined, { maximumFractionDigits: 2 });
  }

  /* A stacked chart draws each series' running total, the largest first, so that each
     series shows as its own band; its legend still gives the series' own values. */
  function stacked(spec) {
    var totals = [], running = spec.labels.map(function () { return 0; });
    spec.series.forEach(function (s) {
      running = running.map(function (t, i) { return t + (s.values[i] || 0); });
      totals.push({ series: s, values: running.slice() });
    });
    return totals.reverse();
  }

  function barChart(el) {
    if (el.dataset.chartReady || typeof uPlot === "undefined") return;
    el.dataset.chartReady = "1";
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var labels = spec.labels, xs = labels.map(function (_, i) { return i; });
    var fmt = numberFormat();
    var drawn = spec.stacked ? stacked(spec) : spec.series.map(function (s) { return { series: s, values: s.values }; });
    var series = [{}].concat(drawn.map(function (d) {
      var s = d.series;
      return {
        label: s.label, stroke: s.colour, fill: s.fill || s.colour, width: 1,
        paths: spec.kind === "line" ? undefined : uPlot.paths.bars({ size: [spec.size || 0.7, 40], align: s.align || 0 }),
        points: { show: spec.kind === "line" },
        value: function (u, v, si, i) {
          var own = i == null ? v : s.values[i];
          return own == null ? "n/a" : fmt.format(own) + (spec.unit || "");
        }
      };
    }));
    var opts = {
      width: Math.max(320, el.clientWidth || 600), height: spec.height || 260,
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] } },
      axes: [
        { values: function (u, ticks) { return ticks.map(function (t) { return labels[t] !== undefined && t === Math.round(t) ? labels[t] : ""; }); }, rotate: 0, size: 40 },
        { label: spec.axis || "", values: function (u, ticks) { return ticks.map(function (t) { return fmt.format(t); }); } }
      ],
      series: series,
      legend: { live: true }
    };
    new uPlot(opts, [xs].concat(drawn.map(function (d) { return d.values; })), el);
  }

  function charts(root) { root.querySelectorAll("[data-chart]").forEach(barChart); }

  function ready(root) { sortable(root); charts(root); }

  document.addEventListener("DOMContentLoaded", function () { ready(document); });
  document.addEventListener("htmx:afterSettle", function (event) { ready(event.target); });
})();
