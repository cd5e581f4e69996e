/* The transmission chain (ECharts graph). Cases sit in columns by generation, the likely
   source on the left; a case's contacts float around the person they were exposed through.
   Reads the JSON the page wrote with json_script into #chain-data; draws into #chain. */
(function () {
  "use strict";
  // Generations in strong colours; close contacts amber, secondary contacts grey.
  var PALETTE = ["#8b1a1a", "#e8590c", "#7048e8", "#1971c2", "#2b8a3e", "#c2255c", "#0c8599"];

  function short(text, n) {
    return text && text.length > n ? text.slice(0, n) + "…" : text;
  }

  function draw() {
    var holder = document.getElementById("chain");
    var source = document.getElementById("chain-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var width = holder.clientWidth || 800, height = holder.clientHeight || 460;
    var generations = data.categories.length - 2;
    var colors = data.categories.map(function (_c, i) {
      if (i >= generations) return i === generations ? "#fab005" : "#adb5bd";
      return PALETTE[i % PALETTE.length];
    });
    var columns = {};
    data.nodes.forEach(function (n) {
      if (n.kind === "case") (columns[n.category] = columns[n.category] || []).push(n);
    });
    var place = {};
    Object.keys(columns).forEach(function (column) {
      var members = columns[column];
      members.forEach(function (n, i) {
        var share = generations > 1 ? Number(column) / (generations - 1) : 0.5;
        place[n.id] = {
          x: width * (0.1 + 0.75 * share),
          y: height * 0.9 * (i + 1) / (members.length + 1)
        };
      });
    });
    var anchorOf = {};
    data.links.forEach(function (l) { if (l.kind !== "transmission") anchorOf[l.target] = l.source; });
    var contacts = data.nodes.filter(function (n) { return n.kind === "contact"; }).length;
    var nodes = data.nodes.map(function (n, i) {
      var node = Object.assign({}, n);
      if (n.kind === "case") {
        node.x = place[n.id].x; node.y = place[n.id].y; node.fixed = true;
        node.label = { show: true, fontWeight: n.focus ? "bold" : "normal" };
      } else {
        var anchor = place[anchorOf[n.id]] || { x: width / 2, y: height / 2 };
        var angle = i * 2.399963;  // golden angle: a deterministic, even spread
        node.x = anchor.x + Math.cos(angle) * 60; node.y = anchor.y + Math.sin(angle) * 60;
        // A counted group always says how many it stands for.
        node.label = { show: n.group || contacts <= 40 };
      }
      if (n.focus) node.itemStyle = { borderColor: "#000", borderWidth: 3 };
      if (n.proposed) node.itemStyle = { opacity: 0.55, borderType: "dashed", borderColor: "#666", borderWidth: 1 };
      return node;
    });
    var links = data.links.map(function (l) {
      var transmission = l.kind === "transmission";
      return {
        source: l.source, target: l.target, value: l.label,
        lineStyle: { width: transmission ? 3 : 1, type: l.kind === "secondary" ? "dashed" : "solid",
                     color: transmission ? "#8b1a1a" : "#999", opacity: transmission ? 0.9 : 0.45,
                     curveness: transmission ? 0.1 : 0 },
        label: { show: transmission, formatter: short(l.label.split(" ")[0], 12), fontSize: 10 }
      };
    });
    var chart = echarts.init(holder, null, { renderer: "canvas" });
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
        force: { repulsion: contacts > 80 ? 40 : 120, edgeLength: [30, 90], gravity: 0.02,
                 layoutAnimation: contacts <= 150 },
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
