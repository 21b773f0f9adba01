"use strict";
// The wallboard: per queue the callers waiting, the longest wait, service level (today
// and over the last 15 minutes), ASA and abandon rate; per agent the state and time in
// it. Reads /api/status again within 0.1 s of each event; the clocks tick in between.
const KINDS = ["ENTERQUEUE", "OFFERED", "RINGNOANSWER", "CONNECT", "ABANDON", "EXIT",
  "OVERFLOW", "CALLBACK", "COMPLETE", "TRANSFER", "AGENTSTATE", "REATTACH", "REPAIR"];
let status = null, readAt = 0, recent = {};

async function load() {
  status = await acd.api("GET", "/api/status");
  readAt = Date.now();
  draw();
}

async function loadRecent() {
  if (acd.me.role === "agent") return;  // the reports are supervisors'
  const report = await acd.api("GET", "/api/reports?day=today&interval_s=900");
  const now = Date.now() / 1000;
  const current = report.intervals.find((i) => i.since <= now && now < i.until);
  recent = {};
  for (const q of (current ? current.queues : [])) recent[q.queue] = q;
  for (const q of report.total.queues) (recent[q.queue] ||= {}).day = q;
  draw();
}

function figure(label, value, tone, id) {
  return acd.el("div", { class: "figure" },
    acd.el("div", { class: `value ${tone || ""}`, "data-figure": id }, value),
    acd.el("div", { class: "label" }, label));
}

function tone(share, good, fair) {
  if (share === null || share === undefined) return "";
  return share >= good ? "ok" : share >= fair ? "warn" : "bad";
}

function queueTile(q, moved) {
  const longest = q.waiting ? q.longest_wait_s + moved : 0;
  const waitTone = !q.waiting ? "ok" : longest > q.service_level_s ? "bad" : "warn";
  const last15 = recent[q.name] || {};
  const day = last15.day || {};
  return acd.el("section", { class: "tile", "data-queue": q.name },
    acd.el("h2", {}, q.name),
    acd.el("div", { class: "figures" },
      figure("waiting", q.waiting, waitTone, "waiting"),
      figure("longest wait", acd.duration(longest), waitTone, "longest"),
      figure(`service level (${q.service_level_s} s)`, acd.percent(q.service_level),
        tone(q.service_level, 0.8, 0.6), "sl"),
      figure("SL last 15 min", acd.percent(last15.service_level), tone(last15.service_level, 0.8, 0.6), "sl15"),
      figure("ASA today", acd.duration(day.asa_s), "", "asa"),
      figure("abandoned", acd.percent(day.abandon_rate), day.abandon_rate > 0.05 ? "bad" : "", "abandon")));
}

function agentRow(a, moved) {
  const seconds = a.state === "logged_out" ? null : a.in_state_s + moved;
  return acd.el("tr", { "data-agent": a.agent_id },
    acd.el("td", {}, a.agent_id),
    acd.el("td", {}, acd.el("span", { class: `state state-${a.state}`, "data-state": a.state },
      a.state.replace("_", " "))),
    acd.el("td", { class: "num" }, acd.duration(seconds)),
    acd.el("td", {}, a.reason || ""),
    acd.el("td", { class: "num" }, a.calls),
    acd.el("td", { class: "num" }, acd.duration(a.talk_s)));
}

function draw() {
  if (!status) return;
  const moved = (Date.now() - readAt) / 1000;
  const main = document.getElementById("main");
  const tiles = status.queues.map((q) => queueTile(q, moved));
  const byState = {};
  for (const a of status.agents) byState[a.state] = (byState[a.state] || 0) + 1;
  const states = Object.entries(byState).map(([s, n]) =>
    acd.el("span", { class: `state state-${s}`, "data-count": s }, `${s.replace("_", " ")} ${n}`));
  const head = acd.el("tr", {}, ...["agent", "state", "time in state", "reason", "calls", "talk"]
    .map((h, i) => acd.el("th", { class: i >= 4 || i === 2 ? "num" : "" }, h)));
  const table = acd.el("table", { id: "agents" }, head, ...status.agents.map((a) => agentRow(a, moved)));
  main.replaceChildren(acd.el("h1", {}, "Wallboard"),
    acd.el("div", { class: "tiles", id: "queues" }, ...tiles),
    acd.el("h2", {}, "Agents"), acd.el("div", { class: "bar", id: "by-state" }, ...states), table,
    acd.el("p", { class: "updated" }, `Asterisk ${status.asterisk}`));
}

acd.start("/wallboard").then(() => {
  const reload = acd.debounce(load, 100);
  const reloadRecent = acd.debounce(loadRecent, 2000);
  acd.follow(KINDS, () => { reload(); reloadRecent(); }, () => { load(); loadRecent(); });
  setInterval(draw, 1000);
  setInterval(loadRecent, 30000);
});
