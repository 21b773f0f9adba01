"use strict";
// The supervisor's panel: each agent's state and call, with listen / whisper / barge
// (the supervisor's phone rings, then hears the call: Asterisk's ChanSpy), pause and log
// out; the campaigns with start, pause and stop. Every action is journaled with who did it.
let me = null;

function act(path, body) {
  const error = document.getElementById("error");
  error.textContent = "";
  return acd.api("POST", path, body).catch((e) => { error.textContent = e.message; });
}

function agentRow(a) {
  const id = encodeURIComponent(a.agent_id);
  const spy = (mode) => {
    const b = acd.el("button", { class: "quiet", "data-spy": mode }, mode);
    b.addEventListener("click", () => act(`/api/agents/${id}/spy`, {
      mode, phone: document.getElementById("phone").value }));
    return b;
  };
  const pause = acd.el("button", { class: "quiet", "data-action": "pause" }, "pause");
  pause.addEventListener("click", () => act(`/api/agents/${id}/pause`, {
    reason: document.getElementById("reason").value }));
  const out = acd.el("button", { class: "quiet", "data-action": "logout" }, "log out");
  out.addEventListener("click", () => act(`/api/agents/${id}/logout`));
  return acd.el("tr", { "data-agent": a.agent_id },
    acd.el("td", {}, acd.el("a", { href: `/agent?agent=${id}` }, a.agent_id)),
    acd.el("td", {}, acd.el("span", { class: `state state-${a.state}` }, a.state.replace("_", " "))),
    acd.el("td", { class: "num" }, acd.duration(a.state === "logged_out" ? null : a.in_state_s)),
    acd.el("td", {}, a.call_id || ""),
    acd.el("td", {}, ...(a.state === "on_call" ? ["listen", "whisper", "barge"].map(spy) : []),
      pause, out));
}

function campaignRow(c) {
  const name = encodeURIComponent(c.campaign);
  const buttons = ["start", "pause", "stop"].map((action) => {
    const b = acd.el("button", { class: "quiet", "data-campaign-action": action }, action);
    b.addEventListener("click", () => act(`/api/dialer/${name}/${action}`).then(load));
    return b;
  });
  return acd.el("tr", { "data-campaign": c.campaign },
    acd.el("td", {}, c.campaign), acd.el("td", {}, c.mode), acd.el("td", {}, c.state),
    acd.el("td", { class: "num" }, c.in_flight), acd.el("td", {}, ...buttons));
}

async function load() {
  const status = await acd.api("GET", "/api/status");
  let campaigns = [];
  try { campaigns = await acd.api("GET", "/api/dialer"); } catch (e) { campaigns = []; }
  const head = (names) => acd.el("tr", {}, ...names.map((n) => acd.el("th", {}, n)));
  document.getElementById("agents").replaceChildren(
    head(["agent", "state", "for", "call", ""]), ...status.agents.map(agentRow));
  document.getElementById("campaigns").replaceChildren(...(campaigns.length
    ? [head(["campaign", "mode", "state", "in flight", ""]), ...campaigns.map(campaignRow)]
    : [acd.el("tr", {}, acd.el("td", {}, "No campaign is configured."))]));
}

acd.start("/supervisor").then((who) => {
  me = who;
  const phone = acd.el("input", { id: "phone", size: 8, placeholder: "1005",
    value: localStorage.getItem("acd-phone") || "" });
  phone.addEventListener("change", () => localStorage.setItem("acd-phone", phone.value));
  const reasons = acd.el("select", { id: "reason" },
    ...me.pause_reasons.map((r) => acd.el("option", { value: r }, r)));
  document.getElementById("main").replaceChildren(
    acd.el("h1", {}, "Supervisor"),
    acd.el("div", { class: "bar" },
      acd.el("label", { for: "phone" }, "My phone (SIP account)"), phone,
      acd.el("label", { for: "reason" }, "Pause reason"), reasons),
    acd.el("p", { class: "error", id: "error", role: "alert" }),
    acd.el("h2", {}, "Agents"), acd.el("table", { id: "agents" }),
    acd.el("h2", {}, "Campaigns"), acd.el("table", { id: "campaigns" }));
  const reload = acd.debounce(load, 100);
  acd.follow(["AGENTSTATE", "OFFERED", "CONNECT", "COMPLETE", "LEADDIAL", "LEADEND"],
    reload, load);
});
