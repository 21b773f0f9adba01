"use strict";
// Reports: the KPIs of docs/kpi.md for a day, per interval (15 min, hour, day), as
// charts (drawn here as SVG: a few lines and bars need no chart library) and a table per
// queue, with the CSV of the same figures.
const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1a56b3", "#b3261e", "#1b7f3b", "#b36b00"];

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, v);
  for (const c of children) element.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return element;
}

// series: [{name, values (numbers or null), kind: "line" | "bar"}]; labels: x labels
function chart(id, title, labels, series, format) {
  const W = 600, H = 220, L = 48, B = 24, T = 10;
  const all = series.flatMap((s) => s.values.filter((v) => v !== null && v !== undefined));
  const top = Math.max(1e-9, ...all) * 1.1;
  const x = (i) => L + (i + 0.5) * (W - L - 8) / Math.max(1, labels.length);
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const plot = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title, "data-chart": id });
  for (const f of [0, 0.5, 1]) {
    plot.append(svg("line", { x1: L, x2: W - 8, y1: y(top * f / 1.1), y2: y(top * f / 1.1), stroke: "#ddd" }));
    plot.append(svg("text", { x: L - 4, y: y(top * f / 1.1) + 4, "text-anchor": "end", "font-size": 11 },
      format(top * f / 1.1)));
  }
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((label, i) => {
    if (i % step === 0) plot.append(svg("text", { x: x(i), y: H - 6, "text-anchor": "middle", "font-size": 11 }, label));
  });
  const width = Math.max(2, (W - L - 8) / Math.max(1, labels.length) / (series.length + 1));
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    if (s.kind === "bar") {
      s.values.forEach((v, i) => {
        if (v) plot.append(svg("rect", { class: "bar", x: x(i) - width * series.length / 2 + n * width,
          y: y(v), width, height: y(0) - y(v), fill: colour }));
      });
    } else {
      const points = s.values.map((v, i) => v === null || v === undefined ? null : `${x(i)},${y(v)}`)
        .filter((p) => p !== null);
      if (points.length) plot.append(svg("polyline", { class: "line", points: points.join(" "),
        fill: "none", stroke: colour, "stroke-width": 2 }));
      s.values.forEach((v, i) => {
        if (v !== null && v !== undefined) plot.append(svg("circle", { cx: x(i), cy: y(v), r: 3, fill: colour }));
      });
    }
  });
  const legend = series.map((s, n) => acd.el("span", { style: "" }, `${n ? "  " : ""}■ ${s.name}`));
  legend.forEach((l, n) => { l.style.color = COLOURS[n % COLOURS.length]; });
  return acd.el("figure", { class: "chart" }, acd.el("h2", {}, title), plot,
    acd.el("figcaption", { class: "legend" }, ...legend));
}

function time(epoch, interval) {
  const d = new Date(epoch * 1000);
  return interval >= 86400 ? d.toLocaleDateString() : d.toTimeString().slice(0, 5);
}

async function load() {
  const day = document.getElementById("day").value || "today";
  const interval = document.getElementById("interval").value;
  const query = `day=${encodeURIComponent(day)}&interval_s=${interval}`;
  const report = await acd.api("GET", `/api/reports?${query}`);
  const rows = report.intervals;
  const labels = rows.map((r) => time(r.since, report.interval_s));
  const pick = (f) => rows.map((r) => f(r));
  const pct = (v) => `${Math.round(v * 100)} %`;
  const secs = (v) => `${Math.round(v)} s`;
  const count = (v) => (v < 10 ? `${Math.round(v * 10) / 10}` : `${Math.round(v)}`);
  const charts = [
    chart("service-level", "Service level and abandon rate", labels, [
      { name: "service level", values: pick((r) => r.all_queues.service_level) },
      { name: "abandon rate", values: pick((r) => r.all_queues.abandon_rate) }], pct),
    chart("calls", "Calls offered and answered", labels, [
      { name: "offered", kind: "bar", values: pick((r) => r.all_queues.offered) },
      { name: "answered", kind: "bar", values: pick((r) => r.all_queues.answered) }], count),
    chart("aht", "Average handle time", labels, [
      { name: "AHT", values: pick((r) => r.all_queues.aht_s) }], secs),
    chart("occupancy", "Agents' occupancy", labels, [
      { name: "occupancy", values: pick((r) => r.all_agents.occupancy) }], pct),
  ];
  const head = ["queue", "offered", "answered", "SL", "ASA", "abandon rate", "AHT"];
  const table = acd.el("table", { id: "queues" },
    acd.el("tr", {}, ...head.map((h) => acd.el("th", {}, h))),
    ...report.total.queues.map((q) => acd.el("tr", { "data-queue": q.queue },
      acd.el("td", {}, q.queue), acd.el("td", { class: "num" }, q.offered),
      acd.el("td", { class: "num" }, q.answered), acd.el("td", { class: "num" }, acd.percent(q.service_level)),
      acd.el("td", { class: "num" }, acd.duration(q.asa_s)), acd.el("td", { class: "num" }, acd.percent(q.abandon_rate)),
      acd.el("td", { class: "num" }, acd.duration(q.aht_s)))));
  const fcr = report.first_contact;
  const fcrTable = acd.el("table", { id: "fcr" },
    acd.el("tr", {}, ...["queue", "answered", "resolved (agents' ticks)", "ticked",
      `not called again within ${fcr.repeat_days} days`, "with a number"]
      .map((h) => acd.el("th", {}, h))),
    ...fcr.queues.map((q) => acd.el("tr", { "data-queue": q.queue },
      acd.el("td", {}, q.queue), acd.el("td", { class: "num" }, q.answered),
      acd.el("td", { class: "num" }, acd.percent(q.by_tick)), acd.el("td", { class: "num" }, q.ticked),
      acd.el("td", { class: "num" }, acd.percent(q.by_repeat)),
      acd.el("td", { class: "num" }, q.with_number))));
  document.getElementById("fcr-table").replaceChildren(fcrTable);
  const listTable = (id, head, items, cells) => acd.el("table", { id },
    acd.el("tr", {}, ...head.map((h) => acd.el("th", {}, h))),
    ...items.map((item) => acd.el("tr", {}, ...cells(item).map((c) => acd.el("td", {}, c)))));
  const counts = (m) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(", ") || "-";
  document.getElementById("funnel-table").replaceChildren(listTable("funnel",
    ["menu", "node", "calls in", "hung up there", "left by"], report.ivr_funnel,
    (n) => [n.menu, n.node, n.entries, n.hangups, counts(n.left_by)]));
  document.getElementById("campaigns-table").replaceChildren(listTable("campaigns",
    ["campaign", "dials", "live", "abandoned", "abandon rate (rule set)", "rule set",
      "opt-outs", "refused before dialling"], report.campaigns,
    (c) => [c.campaign, c.dials, c.live, c.abandoned, acd.percent(c.abandon_rate),
      c.rule_set || "-", c.opt_outs, counts(c.refused)]));
  document.getElementById("csv").setAttribute("href", `/api/reports?${query}&format=csv`);
  document.getElementById("charts").replaceChildren(...charts);
  document.getElementById("table").replaceChildren(table);
}

acd.start("/reports").then(() => {
  const interval = acd.el("select", { id: "interval" },
    acd.el("option", { value: "900" }, "15 minutes"),
    acd.el("option", { value: "3600", selected: "selected" }, "hour"),
    acd.el("option", { value: "86400" }, "day"));
  const day = acd.el("input", { id: "day", type: "date" });
  const show = acd.el("button", { id: "show" }, "Show");
  show.addEventListener("click", load);
  document.getElementById("main").replaceChildren(
    acd.el("h1", {}, "Reports"),
    acd.el("div", { class: "bar" }, acd.el("label", { for: "day" }, "Day"), day,
      acd.el("label", { for: "interval" }, "Interval"), interval, show,
      acd.el("a", { id: "csv", href: "#" }, "CSV")),
    acd.el("div", { class: "charts", id: "charts" }),
    acd.el("h2", {}, "Queues, whole day"), acd.el("div", { id: "table" }),
    acd.el("h2", {}, "First-contact resolution"), acd.el("div", { id: "fcr-table" }),
    acd.el("h2", {}, "IVR: where callers went"), acd.el("div", { id: "funnel-table" }),
    acd.el("h2", {}, "Campaigns: the dialer's compliance"), acd.el("div", { id: "campaigns-table" }));
  load();
});
