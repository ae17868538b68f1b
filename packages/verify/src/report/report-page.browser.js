/* The report page's own script: lays out the precomputed timeline (see timeline.ts) with ECharts.
   Runs in the browser, offline; sets document.title to "rendered" once every chart has drawn, or to
   "error: ..." if anything throws, so a headless check can tell a drawn page from a broken one. */
(function () {
  "use strict";
  window.addEventListener("error", function (event) {
    document.title = "error: " + event.message;
    var box = document.getElementById("errors");
    if (box) box.textContent += event.message + "\n";
  });

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var COLORS = { ok: "#2e9e44", fail: "#d62728", indeterminate: "#ff9f1c" };
  var duration = (data.endedAt - data.startedAt) / 1000;

  /** A log line in a tooltip (ECharts renders tooltips as HTML). */
  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function faultBands() {
    return {
      silent: true,
      itemStyle: { color: "rgba(214,39,40,0.10)" },
      label: { color: "#a11", position: "insideTop" },
      data: data.faults.map(function (f) {
        return [{ name: f.id + (f.healed ? "" : " (not healed)"), xAxis: f.from }, { xAxis: f.to }];
      }),
    };
  }
  function markerLines() {
    return {
      silent: true,
      symbol: "none",
      label: { formatter: "{b}", position: "insideEndTop", fontSize: 10 },
      data: data.markers.map(function (m) {
        var color = { leader: "#1f5fbf", vip: "#7a3fb0", mark: "#2e7d32" }[m.kind];
        return { name: m.label, xAxis: m.at, lineStyle: { color: color, type: m.kind === "vip" ? "dashed" : "solid" } };
      }),
    };
  }
  function timeAxis() {
    return { type: "value", name: "s", min: 0, max: Math.ceil(duration), axisLabel: { formatter: "{value}s" } };
  }

  var charts = [];
  var pending = 0;
  function draw(id, option) {
    var chart = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    pending++;
    var done = false;
    chart.on("finished", function () {
      if (done) return;
      done = true;
      pending--;
      if (pending === 0 && document.title.indexOf("error") !== 0) document.title = "rendered";
    });
    chart.setOption(Object.assign({ animation: false }, option));
    charts.push(chart);
  }

  // 1. Every operation, one row per kind, coloured by outcome; faults shaded; leader and VIP changes marked;
  //    with a log database, Odoo's server log lines on a row of their own below, beside the failed requests.
  //    with a monitor node, each alert on a row of its own: a thin line while pending, a thick one while firing.
  var serverLog = data.serverLog || [];
  var alerts = data.alerts || [];
  var alertNames = alerts.map(function (a) { return a.alert; }).filter(function (name, index, all) { return all.indexOf(name) === index; });
  var kinds = (data.serverLog ? data.kinds.concat(["Odoo server log"]) : data.kinds).concat(alertNames.map(function (name) { return "alert " + name; }));
  var logRow = data.kinds.length;
  var firstAlertRow = data.kinds.length + (data.serverLog ? 1 : 0);
  function alertSeries(state, color, width) {
    var points = [];
    alerts.forEach(function (a, index) {
      if (a.state !== state) return;
      var row = firstAlertRow + alertNames.indexOf(a.alert);
      // (a "-" breaks the line between two stretches)
      points.push([a.from, row, index], [Math.max(a.to, a.from + 0.1), row, index], "-");
    });
    return { name: "alert " + state, type: "line", symbol: "none", connectNulls: false, lineStyle: { color: color, width: width }, itemStyle: { color: color }, data: points };
  }
  var alertLines = alerts.length ? [alertSeries("pending", "#ff9f1c", 3), alertSeries("firing", "#d62728", 8)] : [];
  var logSeries = data.serverLog
    ? [{
        name: "server log",
        type: "scatter",
        symbol: "diamond",
        symbolSize: 7,
        itemStyle: { color: "#8e44ad" },
        data: serverLog.map(function (line, index) { return [line.at, logRow, index]; }),
      }]
    : [];
  draw("operations", {
    title: { text: "Operations by kind (point = one operation at its scheduled instant)", textStyle: { fontSize: 13 } },
    legend: { top: 0, right: 10 },
    tooltip: {
      formatter: function (p) {
        if (p.seriesName === "alert pending" || p.seriesName === "alert firing") {
          var a = alerts[p.value[2]];
          return escapeText(a.alert) + "<br>" + a.state + " from t+" + a.from.toFixed(2) + " s to t+" + a.to.toFixed(2) + " s";
        }
        if (p.seriesName === "server log") {
          var line = serverLog[p.value[2]];
          return line.level + " " + escapeText(line.logger) + (line.host ? " on " + escapeText(line.host) : "") + " at t+" + line.at + " s<br>" + escapeText(line.message);
        }
        return "op " + p.value[2] + " " + kinds[Math.round(p.value[1])] + "<br>" + p.seriesName + " at t+" + p.value[0] + " s, " + p.value[3] + " ms";
      },
    },
    grid: { left: 170, right: 30, top: 40, bottom: 40 },
    xAxis: Object.assign(timeAxis(), { axisLine: { onZero: false } }),
    yAxis: {
      type: "value",
      inverse: true,
      min: -1,
      max: kinds.length,
      interval: 1,
      axisLabel: { formatter: function (v) { return v >= 0 && v < kinds.length ? kinds[v] : ""; } },
      splitLine: { lineStyle: { color: "#f2f2f2" } },
    },
    series: ["ok", "fail", "indeterminate"].map(function (outcome, index) {
      return {
        name: outcome,
        type: "scatter",
        symbolSize: 4,
        itemStyle: { color: COLORS[outcome] },
        data: data.points[outcome],
        markArea: index === 0 ? faultBands() : undefined,
        markLine: index === 0 ? markerLines() : undefined,
      };
    }).concat(logSeries, alertLines),
  });

  // 2. Outcomes per bucket, all kinds stacked.
  var labels = data.buckets.labels;
  function nearestLabel(seconds) {
    var index = Math.max(0, Math.min(labels.length - 1, Math.floor((seconds * 1000) / data.bucketMs)));
    return labels[index];
  }
  draw("buckets", {
    title: { text: "Outcomes per " + data.bucketMs + " ms", textStyle: { fontSize: 13 } },
    legend: { top: 0, right: 10 },
    tooltip: { trigger: "axis" },
    grid: { left: 170, right: 30, top: 40, bottom: 40 },
    xAxis: { type: "category", data: labels, name: "s" },
    yAxis: { type: "value", name: "ops" },
    series: ["ok", "fail", "indeterminate"].map(function (outcome, index) {
      return {
        name: outcome,
        type: "bar",
        stack: "all",
        barCategoryGap: "5%",
        itemStyle: { color: COLORS[outcome] },
        data: data.buckets[outcome],
        markArea:
          index === 0
            ? {
                silent: true,
                itemStyle: { color: "rgba(214,39,40,0.10)" },
                data: data.faults.map(function (f) { return [{ name: f.id, xAxis: nearestLabel(f.from) }, { xAxis: nearestLabel(f.to) }]; }),
              }
            : undefined,
      };
    }),
  });

  // 3. Latency of acknowledged operations (log scale).
  draw("latency", {
    title: { text: "Latency of acknowledged operations (ms, log scale)", textStyle: { fontSize: 13 } },
    legend: { top: 26, type: "scroll" },
    tooltip: { formatter: function (p) { return p.seriesName + " t+" + p.value[0] + " s: " + p.value[1] + " ms"; } },
    grid: { left: 170, right: 30, top: 66, bottom: 40 },
    xAxis: timeAxis(),
    yAxis: { type: "log", name: "ms", min: 1 },
    series: Object.keys(data.latency).map(function (kind, index) {
      return { name: kind, type: "scatter", symbolSize: 3, data: data.latency[kind], markArea: index === 0 ? faultBands() : undefined };
    }),
  });

  // 4. What the probes saw.
  draw("probes", {
    title: { text: "Probes", textStyle: { fontSize: 13 } },
    legend: { top: 26 },
    tooltip: { trigger: "axis" },
    grid: { left: 170, right: 30, top: 66, bottom: 40 },
    xAxis: timeAxis(),
    yAxis: { type: "value", minInterval: 1, name: "nodes" },
    series: data.probeSeries.map(function (s, index) {
      return { name: s.name, type: "line", step: "end", symbol: "none", data: s.points, markArea: index === 0 ? faultBands() : undefined, markLine: index === 0 ? markerLines() : undefined };
    }),
  });

  if (pending === 0) document.title = "rendered";
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
