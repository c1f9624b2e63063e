// The report page's behaviour (html_report.h): draws every chart described in the page's
// #rb-data JSON with Vega-Lite (SVG, so the numbers live in the DOM) and makes the leaderboard
// tables sortable. When every chart is drawn, <body data-rendered="true"> (or "error").
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rb-data").textContent);
  var PALETTE = ["#3b5bdb", "#e8590c", "#2b8a3e", "#c2255c", "#6741d9", "#0b7285", "#a61e4d", "#5c940d",
                 "#d9480f", "#1864ab"];
  // A run keeps its colour in every chart (v1 and v2 sections): its place among all model runs.
  var modelRuns = data.runs.filter(function (r) { return !r.baseline; }).map(function (r) { return r.label; });
  function colorOf(label) { return PALETTE[modelRuns.indexOf(label) % PALETTE.length]; }
  var DASHES = [[6, 3], [2, 2], [1, 0], [8, 2, 2, 2], [4, 4], [10, 2]];

  function fmt(x) { return x === null || x === undefined ? "n/a" : x.toFixed(4); }

  // Every point carries a description (the SVG mark's aria-label): run, score, value and interval.
  function describe(point) {
    return point.run + " | " + point.name + " | " + fmt(point.value) + " [" + fmt(point.low) + ", " +
      fmt(point.high) + "] | " + point.items + " items";
  }

  function accuracySpec(chart) {
    var runColor = { field: "run", type: "nominal", title: "run",
                     scale: { domain: chart.runs, range: chart.runs.map(colorOf) } };
    var points = chart.points.map(function (p) { return Object.assign({ description: describe(p) }, p); });
    // Baselines keep their label in their own field, so their legend is not merged with the runs'.
    var baselines = chart.baselines.map(function (p) {
      return Object.assign({ description: "baseline " + describe(p), baseline: p.run }, p);
    });
    var x = { field: "name", type: "nominal", sort: chart.order, title: null,
              axis: { labelAngle: chart.order.length > 8 ? -40 : 0, labelLimit: 180 } };
    var y = { field: "value", type: "quantitative", title: "accuracy", scale: { domain: [0, 1] } };
    var tooltip = [{ field: "run" }, { field: "name", title: "score" },
                   { field: "value", format: ".4f" }, { field: "low", title: "95% low", format: ".4f" },
                   { field: "high", title: "95% high", format: ".4f" }, { field: "items" }];
    var layers = [];
    if (points.length) {
      layers.push({ data: { values: points }, mark: { type: "rule", strokeWidth: 1.5 },
                    encoding: { x: x, xOffset: { field: "run", sort: chart.runs }, y: { field: "low", type: "quantitative",
                    scale: { domain: [0, 1] }, title: "accuracy" }, y2: { field: "high" }, color: runColor,
                    description: { field: "description" }, tooltip: tooltip } });
      layers.push({ data: { values: points }, mark: { type: "point", filled: true, size: 60, opacity: 1 },
                    encoding: { x: x, xOffset: { field: "run", sort: chart.runs }, y: y, color: runColor,
                    description: { field: "description" }, tooltip: tooltip } });
    }
    if (baselines.length) {
      var baselineTooltip = [{ field: "baseline" }].concat(tooltip.slice(1));
      layers.push({ data: { values: baselines }, mark: { type: "tick", color: "#495057", thickness: 2, opacity: 0.9 },
                    encoding: { x: x, y: y, tooltip: baselineTooltip,
                    strokeDash: { field: "baseline", type: "nominal", title: "baseline",
                                  scale: { domain: chart.baseline_runs, range: DASHES },
                                  legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolSize: 300, symbolStrokeColor: "#495057" } },
                    description: { field: "description" } } });
    }
    // Wide enough for horizontal labels when there are few scores, and for every run's whisker.
    var step = Math.max(chart.order.length > 8 ? 36 : 96, 14 * Math.max(1, chart.runs.length));
    return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: chart.title,
             width: step * chart.order.length, height: 280, layer: layers,
             config: { legend: { orient: "top", labelLimit: 320 }, axis: { labelFontSize: 12 } } };
  }

  function distributionSpec(chart) {
    return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: chart.title,
             width: 460, height: 240, data: { values: chart.values },
             mark: { type: "bar", opacity: 0.55, binSpacing: 0 },
             encoding: {
               x: { field: "score", type: "quantitative", bin: { maxbins: 40 }, title: "score" },
               y: { aggregate: "count", type: "quantitative", stack: null, title: "answers" },
               color: { field: "answer", type: "nominal", title: null,
                        scale: { domain: chart.answers, range: ["#2b8a3e", "#c92a2a"] } },
               tooltip: [{ field: "answer" }, { aggregate: "count", title: "answers" }] },
             config: { legend: { orient: "top" } } };
  }

  function marginSpec(chart) {
    return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", title: chart.title,
             width: 460, height: 240, data: { values: chart.values },
             layer: [
               { mark: { type: "point", filled: true, size: 18, opacity: 0.6 },
                 encoding: {
                   x: { field: "length", type: "quantitative", title: chart.x_title },
                   y: { field: "margin", type: "quantitative", title: "score margin" },
                   color: { field: "outcome", type: "nominal", title: null,
                            scale: { domain: ["right", "partly right", "wrong"],
                                     range: ["#2b8a3e", "#f08c00", "#c92a2a"] } },
                   tooltip: [{ field: "length", title: "length difference" }, { field: "margin" }, { field: "outcome" }] } },
               { mark: { type: "line", color: "#495057", strokeDash: [4, 3] },
                 transform: [{ regression: "margin", on: "length" }],
                 encoding: { x: { field: "length", type: "quantitative" }, y: { field: "margin", type: "quantitative" } } }
             ],
             config: { legend: { orient: "top" } } };
  }

  var builders = { accuracy: accuracySpec, distribution: distributionSpec, margin: marginSpec };

  function draw(chart) {
    var element = document.getElementById(chart.id);
    var spec = builders[chart.kind](chart);
    var compiled = vegaLite.compile(spec).spec;
    var view = new vega.View(vega.parse(compiled), { renderer: "svg", container: element, hover: true });
    return view.runAsync().then(function () { element.setAttribute("data-rendered", "true"); return view; });
  }

  // ---- sortable tables: numbers by data-value (missing last), text by content
  function sortTable(table, column, header) {
    var numeric = header.getAttribute("data-sort") === "number";
    var descending = header.getAttribute("aria-sort") !== "descending";
    if (!numeric && header.getAttribute("aria-sort") === "none") descending = false;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var cell = row.cells[column];
      if (!numeric) return cell.textContent;
      var v = cell.getAttribute("data-value");
      return v === "" || v === null ? null : parseFloat(v);
    }
    rows.sort(function (a, b) {
      var ka = key(a), kb = key(b);
      if (ka === null && kb === null) return 0;
      if (ka === null) return 1;
      if (kb === null) return -1;
      var order = numeric ? ka - kb : ka.localeCompare(kb);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      header.addEventListener("click", function () { sortTable(table, column, header); });
    });
  });

  var views = data.charts.map(function (chart) {
    return draw(chart).catch(function (error) {
      var element = document.getElementById(chart.id);
      element.innerHTML = "";
      var message = document.createElement("p");
      message.className = "chart-error";
      message.textContent = "This chart could not be drawn: " + error;
      element.appendChild(message);
      console.error("chart " + chart.id + ": " + error);
      throw error;
    });
  });
  Promise.all(views).then(function () { document.body.setAttribute("data-rendered", "true"); },
                          function () { document.body.setAttribute("data-rendered", "error"); });
})();
