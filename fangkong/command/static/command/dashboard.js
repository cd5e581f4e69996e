// The command dashboard's charts: drawn from the JSON the panel carries, and drawn again
// each time htmx swaps in a fresh panel. The grids contain their axis labels (containLabel):
// fixed margins cut off a large count or a long day label.
(function () {
  "use strict";
  const charts = [];

  function draw() {
    const source = document.getElementById("dashboard-charts");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    while (charts.length) charts.pop().dispose();
    const lang = document.documentElement.lang || "zh-hans";
    const zh = lang.startsWith("zh");
    const label = (zhText, enText) => (zh ? zhText : enText);
    document.querySelectorAll(".fk-chart").forEach(function (element) {
      const chart = echarts.init(element);
      charts.push(chart);
      if (element.dataset.chart === "reports") {
        const d = data.reports;
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { bottom: 0 },
          grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
          xAxis: { type: "category", data: d.days },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: label("按时", "On time"), type: "bar", stack: "r", data: d.on_time, color: "#198754" },
            { name: label("迟报", "Late"), type: "bar", stack: "r", data: d.late, color: "#ffc107" },
            { name: label("缺报", "Missing"), type: "bar", stack: "r", data: d.missing, color: "#dc3545" },
          ],
        });
      } else if (element.dataset.chart === "figures") {
        const d = data.figures;
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { type: "scroll", bottom: 0, selected: d.selected },
          grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
          xAxis: { type: "category", data: d.days },
          yAxis: { type: "value" },
          series: d.series.map((s) => ({ name: s.name, type: "line", data: s.values, connectNulls: true })),
        });
      } else if (element.dataset.chart === "tasks") {
        const d = data.tasks;
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { bottom: 0 },
          grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
          xAxis: { type: "category", data: d.days },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: label("交办", "Issued"), type: "bar", data: d.issued, color: "#0d6efd" },
            { name: label("办结", "Closed"), type: "bar", data: d.closed, color: "#198754" },
            { name: label("在办", "Open"), type: "line", data: d.open, color: "#8b1a1a" },
          ],
        });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () { charts.forEach((c) => c.resize()); });
})();
