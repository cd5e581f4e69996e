/* The hospital area's charts (ECharts 5), drawn from data the page embeds with json_script. */
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
