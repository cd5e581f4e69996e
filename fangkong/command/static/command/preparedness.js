// The preparedness forecast's charts (应急准备): drawn from the JSON the page carries
// (json_script "forecast-data", the API's shape), with the series names from the chart
// element's data-label-* attributes (no inline script: the Content-Security-Policy refuses it).
(function () {
  "use strict";
  const charts = [];

  function shortDay(iso) {
    return iso.slice(5);  // YYYY-MM-DD → MM-DD
  }

  function addDays(iso, n) {
    const day = new Date(iso + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + n);
    return day.toISOString().slice(0, 10);
  }

  function casesOption(data, labels) {
    // One axis from the window's first onset day to the horizon's last day: the days between
    // (incomplete onsets, today) are left empty.
    const first = data.inputs.onsets.length ? data.inputs.onsets[0].date : data.days[0].date;
    const last = data.days[data.days.length - 1].date;
    const days = [];
    for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
    const onsets = Object.fromEntries(data.inputs.onsets.map((o) => [o.date, o.count]));
    const ahead = Object.fromEntries(data.days.map((d) => [d.date, d]));
    const pick = (day, key) => (ahead[day] ? ahead[day][key] : null);
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [labels.labelOnsets, labels.labelCases, labels.labelBand] },
      grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: days.map(shortDay) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.labelOnsets, type: "bar", data: days.map((d) => (d in onsets ? onsets[d] : null)), color: "#8b1a1a" },
        { name: "low", type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          data: days.map((d) => pick(d, "cases_low")), tooltip: { show: false } },
        { name: labels.labelBand, type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { color: "#f0ad4e", opacity: 0.3 }, color: "#f0ad4e",
          data: days.map((d) => (ahead[d] ? ahead[d].cases_high - ahead[d].cases_low : null)) },
        { name: labels.labelCases, type: "line", data: days.map((d) => pick(d, "cases")), color: "#fd7e14" },
      ],
    };
  }

  function resourceOption(data, labels, resource) {
    const days = data.days.map((d) => d.date);
    const runOut = data.runs_out[resource];
    const needed = {
      name: labels.labelNeeded, type: "line", color: "#dc3545",
      data: data.days.map((d) => d[resource + "_needed"]),
    };
    if (runOut) {
      needed.markLine = {
        symbol: "none", lineStyle: { color: "#dc3545", type: "solid" },
        label: { formatter: labels.labelRunOut + " " + shortDay(runOut) },
        data: [{ xAxis: shortDay(runOut) }],
      };
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 24, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: days.map(shortDay) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        needed,
        { name: labels.labelHigh, type: "line", color: "#fd7e14", lineStyle: { type: "dashed" },
          data: data.days.map((d) => d[resource + "_needed_high"]) },
        { name: labels.labelAvailable, type: "line", step: "end", color: "#198754",
          areaStyle: { opacity: 0.08 }, data: data.days.map((d) => d[resource + "_available"]) },
      ],
    };
  }

  function draw() {
    const source = document.getElementById("forecast-data");
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    while (charts.length) charts.pop().dispose();
    if (!data.days.length) return;
    document.querySelectorAll("[data-forecast-chart]").forEach(function (element) {
      const kind = element.dataset.forecastChart;
      const chart = echarts.init(element);
      charts.push(chart);
      chart.setOption(kind === "cases" ? casesOption(data, element.dataset) : resourceOption(data, element.dataset, kind));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () { charts.forEach((c) => c.resize()); });
})();
