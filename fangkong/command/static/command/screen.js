// The wall screen (指挥大屏). Every panel fetches its own endpoint (the addresses, the
// refresh interval and the translated words come from the page's json_script), draws itself,
// and is fetched again in place every few seconds: no reload. A panel whose read fails says
// so over its body and the others go on. A click on a district (on the map or its chip)
// narrows every panel to it and writes it in the address (?district=<code>), so a district's
// screen can be bookmarked; "全市" returns to the whole city.
(function () {
  "use strict";

  const source = document.getElementById("screen-config");
  if (!source || typeof echarts === "undefined") return;
  const config = JSON.parse(source.textContent);
  const L = config.labels;
  const MAP = "fk-city";
  const state = { district: config.district, days: config.days };
  const charts = {};
  let boundaries = null;
  let newest = "";
  let timer = null;

  const INK = "#cfe0ff";
  const GRID = "#1c3d6b";
  const COLOR = {
    confirmed: "#e5484d", asymptomatic: "#f5a623", found: "#3d8bfd", share: "#3ddc97",
    late: "#e5484d", people: "#3d8bfd", rooms: "#3ddc97", over: "#ffe14d", closed: "#b04cff",
    onTime: "#3ddc97", lateReports: "#f5a623", missing: "#e5484d",
    roomsNeeded: "#3d8bfd", bedsNeeded: "#e5484d", roomsAvailable: "#3ddc97",
    bedsAvailable: "#f5a623",
  };
  const KIND_COLORS = ["#e5484d", "#b04cff", "#3d8bfd", "#3ddc97"];
  const RISK = { high: "#c1272d", medium: "#d9822b", low: "#16457e" };

  function sectionOf(name) {
    return document.querySelector(`[data-panel="${name}"]`);
  }

  function chartOf(name) {
    if (!charts[name]) {
      const element = sectionOf(name).querySelector(".fk-chart");
      charts[name] = echarts.init(element, null, { renderer: "canvas" });
    }
    return charts[name];
  }

  function query() {
    const params = new URLSearchParams({ days: String(state.days) });
    if (state.district) params.set("district", String(state.district.id));
    return params.toString();
  }

  function setFailed(name, failed) {
    const section = sectionOf(name);
    section.dataset.state = failed ? "error" : "ok";
    let notice = section.querySelector(".fk-panel-error");
    if (failed && !notice) {
      notice = document.createElement("div");
      notice.className = "fk-panel-error";
      notice.setAttribute("role", "status");
      notice.textContent = L.failed;
      section.appendChild(notice);
    } else if (!failed && notice) {
      notice.remove();
    }
  }

  function noteTime(moment) {
    // The API writes the city's local time with its offset: shown as it is written.
    if (!moment || moment <= newest) return;
    newest = moment;
    const text = moment.slice(0, 19).replace("T", " ");
    document.querySelector("[data-testid=screen-data-time]").textContent = text;
  }

  function setLinks(section, links) {
    section.querySelectorAll("[data-link]").forEach(function (anchor) {
      const href = links && links[anchor.dataset.link];
      if (href) anchor.setAttribute("href", href);
    });
  }

  async function load(name, url, draw) {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`${response.status}`);
      const data = await response.json();
      draw(data);
      setFailed(name, false);
      noteTime(data.generated_at);
    } catch (error) {
      setFailed(name, true);
    }
  }

  function day(label) {
    return label.slice(5); // MM-DD
  }

  function base(days, extra) {
    return Object.assign(
      {
        animation: false,
        textStyle: { color: INK, fontSize: 15 },
        tooltip: { trigger: "axis" },
        legend: { top: 0, textStyle: { color: INK, fontSize: 14 }, itemWidth: 14, itemHeight: 10 },
        grid: { left: 6, right: 10, top: 30, bottom: 4, containLabel: true },
        xAxis: {
          type: "category", data: days.map(day),
          axisLabel: { color: INK, fontSize: 13 }, axisLine: { lineStyle: { color: GRID } },
        },
        yAxis: {
          type: "value", minInterval: 1,
          axisLabel: { color: INK, fontSize: 13 }, splitLine: { lineStyle: { color: GRID } },
        },
      },
      extra || {}
    );
  }

  function linkBars(chart, href) {
    chart.off("click");
    if (href) chart.on("click", function () { window.location.href = href; });
  }

  function drawCases(data) {
    const chart = chartOf("cases");
    chart.setOption(base(data.days, {
      series: [
        { name: L.confirmed, type: "bar", stack: "c", data: data.confirmed, color: COLOR.confirmed },
        { name: L.asymptomatic, type: "bar", stack: "c", data: data.asymptomatic, color: COLOR.asymptomatic },
      ],
    }), true);
    setLinks(sectionOf("cases"), data.links);
    linkBars(chart, data.links.confirmed);
  }

  function drawContacts(data) {
    const chart = chartOf("contacts");
    const option = base(data.days, {
      series: [
        { name: L.found, type: "bar", data: data.found, color: COLOR.found },
        { name: L.late, type: "bar", data: data.late, color: COLOR.late },
        {
          name: L.share_in_time, type: "line", yAxisIndex: 1, data: data.share_in_time,
          color: COLOR.share, connectNulls: true, symbolSize: 6,
        },
      ],
    });
    option.yAxis = [
      option.yAxis,
      {
        type: "value", min: 0, max: 100, axisLabel: { color: INK, fontSize: 13, formatter: "{value}%" },
        splitLine: { show: false },
      },
    ];
    chart.setOption(option, true);
    const section = sectionOf("contacts");
    section.querySelector("[data-field=control_hours]").textContent = `≤${data.control_hours}h`;
    setLinks(section, data.links);
    linkBars(chart, data.links.found);
  }

  function drawQuarantine(data) {
    const chart = chartOf("quarantine");
    chart.setOption(base(data.days, {
      series: [
        { name: L.people, type: "line", data: data.people, color: COLOR.people, areaStyle: { opacity: 0.2 } },
        { name: L.rooms_free, type: "line", data: data.rooms_free, color: COLOR.rooms },
      ],
    }), true);
    setLinks(sectionOf("quarantine"), data.links);
    linkBars(chart, data.links.sites);
  }

  function drawBeds(data) {
    const chart = chartOf("beds");
    const series = [];
    data.kinds.filter((k) => k.total > 0).forEach(function (kind, index) {
      const color = KIND_COLORS[index % KIND_COLORS.length];
      series.push({ name: `${kind.label} ${L.occupied}`, type: "bar", stack: "o", data: kind.occupied, color: color });
      series.push({
        name: `${kind.label} ${L.free}`, type: "line", data: kind.free, color: color,
        lineStyle: { type: "dashed" }, symbol: "none",
      });
    });
    chart.setOption(base(data.days, {
      legend: { top: 0, type: "scroll", textStyle: { color: INK, fontSize: 13 }, pageTextStyle: { color: INK } },
      series: series,
    }), true);
    setLinks(sectionOf("beds"), data.links);
    linkBars(chart, data.links.beds);
  }

  function drawVenues(data) {
    const chart = chartOf("venues");
    chart.setOption(base(data.days, {
      series: [
        { name: L.over_limit, type: "bar", data: data.over_limit, color: COLOR.over },
        { name: L.closed, type: "line", data: data.closed, color: COLOR.closed },
      ],
    }), true);
    setLinks(sectionOf("venues"), data.links);
    linkBars(chart, data.links.closed);
  }

  function drawReports(data) {
    const chart = chartOf("reports");
    chart.setOption(base(data.days, {
      series: [
        { name: L.on_time, type: "bar", stack: "r", data: data.on_time, color: COLOR.onTime },
        { name: L.late_reports, type: "bar", stack: "r", data: data.late, color: COLOR.lateReports },
        { name: L.missing, type: "bar", stack: "r", data: data.missing, color: COLOR.missing },
      ],
    }), true);
    setLinks(sectionOf("reports"), data.links);
    chart.off("click");
    chart.on("click", function (params) {
      const date = data.days[params.dataIndex];
      if (date) window.location.href = `${data.links.day}?day=${date}`;
    });
  }

  function drawFeed(data) {
    const list = sectionOf("feed").querySelector(".fk-feed");
    list.replaceChildren();
    if (!data.items.length) {
      const empty = document.createElement("li");
      empty.textContent = L.empty;
      list.appendChild(empty);
    }
    data.items.forEach(function (item) {
      const line = document.createElement("li");
      line.dataset.kind = item.kind;
      const tag = document.createElement("span");
      tag.className = `fk-tag ${item.kind}`;
      tag.textContent = item.kind === "alert" ? L.alert : L.task;
      const title = document.createElement("a");
      title.className = "fk-title";
      title.href = item.url;
      title.textContent = item.where ? `${item.title} · ${item.where}` : item.title;
      const time = document.createElement("time");
      time.dateTime = item.at;
      time.textContent = item.at.slice(5, 16).replace("T", " ");
      line.append(tag, title, time);
      list.appendChild(line);
    });
    setLinks(sectionOf("feed"), data.links);
    setKpi("critical_alerts", data.critical_alerts, data.links.alerts);
    setKpi("overdue_tasks", data.overdue_tasks, data.links.tasks);
  }

  function setKpi(key, value, href) {
    const card = document.querySelector(`[data-kpi="${key}"]`);
    if (!card) return;
    card.querySelector("strong").textContent = value === null || value === undefined ? "—" : value;
    const alerting = ["critical_alerts", "overdue_tasks", "high_areas", "over_limit_venues"];
    card.classList.toggle("alert", alerting.includes(key) && value > 0);
    if (href) card.setAttribute("href", href);
  }

  function shade(district, most) {
    if (district.risk !== "low") return RISK[district.risk];
    const share = most ? district.active_cases / most : 0;
    // The more active cases, the lighter the blue of a low-risk district.
    const light = Math.round(28 + 30 * share);
    return `hsl(212, 70%, ${light}%)`;
  }

  function drawMap(data) {
    const section = sectionOf("map");
    const element = section.querySelector(".fk-chart");
    if (!boundaries) throw new Error(L.no_map);
    const chart = chartOf("map");
    const most = Math.max(0, ...data.districts.map((d) => d.active_cases));
    const byName = {};
    data.districts.forEach((d) => { byName[d.name] = d; });
    const chosen = state.district ? state.district.name : null;
    const regions = data.districts.map(function (d) {
      return {
        name: d.name,
        itemStyle: {
          areaColor: shade(d, most),
          borderColor: d.name === chosen ? "#ffd36b" : "#7fb2ff",
          borderWidth: d.name === chosen ? 3 : 1,
        },
        label: { show: true, color: "#fff", fontSize: 15, fontWeight: "bold" },
      };
    });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          const d = byName[params.name];
          if (params.seriesType === "scatter") {
            const v = params.data;
            return `${v.name}<br>${v.state === "closed" ? L.venue_closed : L.venue_over}` +
              (v.occupancy !== null ? ` ${v.occupancy}/${v.limit}` : "");
          }
          if (!d) return params.name;
          return `${d.name}<br>${L.risk}: ${d.risk_label}<br>${L.active_cases}: ${d.active_cases}` +
            `<br>${L.new_cases}: ${d.new_cases}`;
        },
      },
      geo: {
        map: MAP,
        roam: false,
        layoutCenter: ["50%", "52%"],
        layoutSize: "100%",
        itemStyle: { areaColor: "#0f2747", borderColor: "#3d6fb0" },
        emphasis: { itemStyle: { areaColor: "#2a5fa8" }, label: { color: "#fff" } },
        label: {
          show: true, color: "#fff", fontSize: 15,
          formatter: function (params) {
            const d = byName[params.name];
            return d ? `${d.name}\n${d.active_cases}` : params.name;
          },
        },
        regions: regions,
      },
      series: [
        {
          type: "scatter",
          coordinateSystem: "geo",
          symbolSize: 11,
          data: data.venues.map((v) => Object.assign({ value: [v.lng, v.lat] }, v)),
          itemStyle: {
            color: (params) => (params.data.state === "closed" ? COLOR.closed : COLOR.over),
            borderColor: "#061325", borderWidth: 1,
          },
          zlevel: 1,
        },
      ],
    }, true);
    element.dataset.districts = String(data.districts.length);
    element.dataset.drawn = String(echarts.getMap(MAP).geoJSON.features.length);
    chart.off("click");
    chart.on("click", function (params) {
      if (params.seriesType === "scatter" && params.data && params.data.url) {
        window.location.href = params.data.url;
      } else if (params.componentType === "geo") {
        const d = byName[params.name];
        if (d) choose(d.code);
      }
    });
    const totals = data.totals;
    setKpi("active_cases", totals.active_cases, data.links.cases);
    setKpi("new_cases", totals.new_cases, data.links.new_cases);
    setKpi("high_areas", totals.high_areas, data.links.risk_areas);
    setKpi("medium_areas", totals.medium_areas, data.links.risk_areas);
    setKpi("closed_venues", totals.closed_venues, data.links.closed_venues);
    setKpi("over_limit_venues", totals.over_limit_venues, data.links.over_limit_venues);
  }

  function runsOut(value) {
    return value ? value.slice(5) : "—";
  }

  function drawForecast(data) {
    const chart = chartOf("forecast");
    const days = data.days.map((d) => d.date);
    const pick = (key) => data.days.map((d) => d[key]);
    const dashed = { type: "dashed" };
    chart.setOption(base(days, {
      legend: { top: 0, type: "scroll", textStyle: { color: INK, fontSize: 13 }, pageTextStyle: { color: INK } },
      series: [
        { name: L.rooms_needed, type: "line", data: pick("rooms_needed"), color: COLOR.roomsNeeded, symbol: "none" },
        { name: L.rooms_needed_high, type: "line", data: pick("rooms_needed_high"), color: COLOR.roomsNeeded, lineStyle: dashed, symbol: "none" },
        { name: L.rooms_available, type: "line", step: "end", data: pick("rooms_available"), color: COLOR.roomsAvailable, symbol: "none" },
        { name: L.beds_needed, type: "line", data: pick("beds_needed"), color: COLOR.bedsNeeded, symbol: "none" },
        { name: L.beds_needed_high, type: "line", data: pick("beds_needed_high"), color: COLOR.bedsNeeded, lineStyle: dashed, symbol: "none" },
        { name: L.beds_available, type: "line", step: "end", data: pick("beds_available"), color: COLOR.bedsAvailable, symbol: "none" },
      ],
    }), true);
    const out = data.runs_out || {};
    const field = sectionOf("forecast").querySelector("[data-field=runs_out]");
    field.textContent = `${L.runs_out}: ${L.rooms} ${runsOut(out.rooms)}/${runsOut(out.rooms_pessimistic)}` +
      ` · ${L.beds} ${runsOut(out.beds)}/${runsOut(out.beds_pessimistic)}`;
    field.title = L.runs_out_help;
  }

  async function loadBoundaries() {
    if (boundaries) return;
    const response = await fetch(config.boundaries, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${response.status}`);
    const geojson = await response.json();
    if (!geojson.features || !geojson.features.length) throw new Error(L.no_map);
    boundaries = geojson;
    echarts.registerMap(MAP, boundaries);
  }

  // Panels are read one after another, not all at once: a wall of screens polling together
  // asks the server for one panel at a time each (each answers in tens of milliseconds), and a
  // refresh asked for while one runs (a click during a timed refresh) follows it.
  async function readAll() {
    const q = query();
    const panels = config.panels;
    await load("cases", `${panels.cases}?${q}`, drawCases);
    await load("contacts", `${panels.contacts}?${q}`, drawContacts);
    await load("quarantine", `${panels.quarantine}?${q}`, drawQuarantine);
    await loadBoundaries().catch(function () { /* drawMap says the map is missing */ });
    await load("map", `${panels.map}?${q}`, drawMap);
    await load("beds", `${panels.beds}?${q}`, drawBeds);
    await load("venues", `${panels.venues}?${q}`, drawVenues);
    await load("feed", `${panels.feed}?${q}`, drawFeed);
    await load("reports", `${panels.reports}?${q}`, drawReports);
    await load("forecast", `${config.forecast}?${q}`, drawForecast);
    document.querySelector("[data-testid=screen]").dataset.refreshed = String(Date.now());
  }

  let running = null;
  let again = false;

  function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = readAll().finally(function () {
      running = null;
      if (again) {
        again = false;
        refresh();
      }
    });
    return running;
  }

  function markChoices() {
    const code = state.district ? state.district.code : "";
    document.querySelectorAll("[data-district]").forEach(function (chip) {
      chip.classList.toggle("active", chip.dataset.district === code);
      chip.setAttribute("aria-pressed", chip.dataset.district === code ? "true" : "false");
    });
    document.querySelectorAll("[data-days]").forEach(function (chip) {
      const on = Number(chip.dataset.days) === state.days;
      chip.classList.toggle("active", on);
      chip.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function address() {
    const params = new URLSearchParams();
    if (state.district) params.set("district", state.district.code);
    if (state.days !== config.default_days) params.set("days", String(state.days));
    const text = params.toString();
    return `${window.location.pathname}${text ? `?${text}` : ""}`;
  }

  function restart() {
    markChoices();
    refresh();
    if (timer) window.clearInterval(timer);
    timer = window.setInterval(refresh, config.refresh_seconds * 1000);
  }

  function choose(code) {
    state.district = config.districts.find((d) => d.code === code) || null;
    window.history.pushState({ district: code, days: state.days }, "", address());
    restart();
  }

  function fromAddress() {
    const params = new URLSearchParams(window.location.search);
    const key = params.get("district") || "";
    state.district = config.districts.find((d) => d.code === key || String(d.id) === key) || null;
    const days = Number(params.get("days"));
    state.days = config.day_choices.includes(days) ? days : config.default_days;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-district]").forEach(function (chip) {
      chip.addEventListener("click", function () { choose(chip.dataset.district); });
    });
    document.querySelectorAll("[data-days]").forEach(function (chip) {
      chip.addEventListener("click", function () {
        state.days = Number(chip.dataset.days);
        window.history.pushState({}, "", address());
        restart();
      });
    });
    window.addEventListener("popstate", function () { fromAddress(); restart(); });
    window.addEventListener("resize", function () {
      Object.values(charts).forEach((c) => c.resize());
    });
    restart();
  });
})();
