/* The venue area's charts (ECharts 5): the categories' opening status on the area's home page
   and a venue's occupancy curve on its page. Data come from json_script, the translated series
   names from the chart element's data-label-* (no inline script under the CSP). The grids
   contain their axis labels: the rotated category names overflowed fixed margins. */
(function () {
  "use strict";
  function draw(element, option) {
    var chart = echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var categories = document.getElementById("category-chart");
  var categoryData = document.getElementById("category-data");
  if (categories && categoryData) {
    var rows = JSON.parse(categoryData.textContent);
    var series = [
      ["open", categories.dataset.labelOpen, "#198754"],
      ["limited", categories.dataset.labelLimited, "#fd7e14"],
      ["closed", categories.dataset.labelClosed, "#dc3545"]
    ];
    draw(categories, {
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 8, right: 16, bottom: 8, top: 30, containLabel: true},
      xAxis: {type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: {rotate: 40, interval: 0}},
      yAxis: {type: "value"},
      series: series.map(function (s) {
        return {name: s[1], type: "bar", stack: "all", itemStyle: {color: s[2]}, data: rows.map(function (r) { return r[s[0]]; })};
      })
    });
  }

  var curve = document.getElementById("curve");
  var curveData = document.getElementById("curve-data");
  if (curve && curveData) {
    var data = JSON.parse(curveData.textContent);
    draw(curve, {
      tooltip: {trigger: "axis"},
      legend: {top: 0},
      grid: {left: 8, right: 16, bottom: 8, top: 30, containLabel: true},
      xAxis: {type: "category", data: data.times},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {name: curve.dataset.labelOccupancy, type: "line", areaStyle: {opacity: 0.2}, data: data.occupancy, showSymbol: false, itemStyle: {color: "#8b1a1a"}},
        {name: curve.dataset.labelLimit, type: "line", step: "end", data: data.limits, showSymbol: false, lineStyle: {type: "dashed"}, itemStyle: {color: "#dc3545"}}
      ]
    });
  }
})();
