/* The transmission chain (ECharts graph): cases by generation, a case's contacts around it.
   Reads the JSON the page wrote with json_script into #chain-data; draws into #chain. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("chain");
    var source = document.getElementById("chain-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    var palette = ["#8b1a1a", "#d9480f", "#e67700", "#2b8a3e", "#1864ab", "#5f3dc4", "#862e9c"];
    var generations = data.categories.length - 2;
    var colors = data.categories.map(function (_c, i) {
      if (i >= generations) return i === generations ? "#f08c00" : "#adb5bd";
      return palette[i % palette.length];
    });
    var nodes = data.nodes.map(function (n) {
      var node = Object.assign({}, n);
      node.label = { show: n.kind === "case" || data.nodes.length < 60 };
      if (n.focus) node.itemStyle = { borderColor: "#000", borderWidth: 3 };
      if (n.proposed) node.itemStyle = { opacity: 0.55, borderType: "dashed", borderColor: "#666", borderWidth: 1 };
      return node;
    });
    var links = data.links.map(function (l) {
      var transmission = l.kind === "transmission";
      return {
        source: l.source, target: l.target, value: l.label,
        lineStyle: { width: transmission ? 3 : 1, type: l.kind === "secondary" ? "dashed" : "solid",
                     color: transmission ? "#8b1a1a" : "#999", opacity: transmission ? 0.9 : 0.5 },
        label: { show: transmission, formatter: l.label, fontSize: 10 }
      };
    });
    chart.setOption({
      color: colors,
      tooltip: { formatter: function (p) {
        if (p.dataType === "edge") return p.data.value || "";
        return "<strong>" + p.data.name + "</strong><br>" + (p.data.detail || "");
      } },
      legend: [{ data: data.categories.map(function (c) { return c.name; }), bottom: 0, type: "scroll" }],
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        categories: data.categories, data: nodes, links: links,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
        force: { repulsion: 160, edgeLength: [40, 120], gravity: 0.08 },
        label: { position: "right", fontSize: 11 },
        emphasis: { focus: "adjacency" }
      }]
    });
    holder.dataset.nodes = String(nodes.length);
    holder.dataset.links = String(links.length);
    chart.on("click", function (p) {
      if (p.dataType === "node" && p.data.url) window.location.href = p.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
    holder.dataset.ready = "true";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
