/* The hospital area's charts (ECharts 5), drawn from data the page embeds with json_script.
   A page declares its charts in the markup: data-fk-hospital-chart names the kind, data-label-*
   carry the translated series names (no inline script: the Content-Security-Policy refuses it). */
window.fkHospitalCharts = (function () {
  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element || !window.echarts) { return null; }
    const chart = echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  return {
    occupancy: function (id, data, labels) {
      return draw(id, {
        tooltip: {trigger: "axis"},
        legend: {data: [labels.occupied, labels.free]},
        grid: {left: 8, right: 8, bottom: 8, containLabel: true},
        xAxis: {type: "value"},
        yAxis: {type: "category", data: data.hospitals, axisLabel: {width: 120, overflow: "truncate"}},
        series: [
          {name: labels.occupied, type: "bar", stack: "beds", data: data.occupied, itemStyle: {color: "#8b1a1a"}},
          {name: labels.free, type: "bar", stack: "beds", data: data.free, itemStyle: {color: "#9ccc9c"}}
        ]
      });
    },
    pie: function (id, items) {
      return draw(id, {
        tooltip: {trigger: "item"},
        color: ["#6c757d", "#0d6efd", "#0aa2c0", "#fd7e14", "#dc3545"],
        series: [{type: "pie", radius: ["40%", "70%"], data: items, label: {formatter: "{b} {c}"}}]
      });
    },
    readiness: function (id, data, labels) {
      return draw(id, {
        tooltip: {trigger: "axis"},
        legend: {data: [labels.available, labels.target]},
        grid: {left: 8, right: 8, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.kinds},
        yAxis: {type: "value"},
        series: [
          {name: labels.available, type: "bar", data: data.available, itemStyle: {color: "#198754"}},
          {name: labels.target, type: "line", data: data.target, itemStyle: {color: "#8b1a1a"}}
        ]
      });
    }
  };
})();

document.addEventListener("DOMContentLoaded", function () {
  const source = document.getElementById("chart-data");
  if (!source) { return; }
  const data = JSON.parse(source.textContent);
  document.querySelectorAll("[data-fk-hospital-chart]").forEach(function (element) {
    const kind = element.dataset.fkHospitalChart;
    const labels = element.dataset;
    if (kind === "occupancy") {
      fkHospitalCharts.occupancy(element.id, data, {occupied: labels.labelOccupied, free: labels.labelFree});
    } else if (kind === "pie") {
      fkHospitalCharts.pie(element.id, data.classification);
    } else if (kind === "readiness") {
      fkHospitalCharts.readiness(element.id, data, {available: labels.labelAvailable, target: labels.labelTarget});
    }
  });
});
