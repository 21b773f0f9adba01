"use strict";
// The agent's panel: log in and out, ready, pause with a reason; the screen pop when a
// call is offered (the caller's number, their path in the IVR menus, the queue and
// wait, why this agent was chosen). A supervisor opens it for an agent: /agent?agent=1001.
let agentId = null;

function button(label, id, action) {
  const b = acd.el("button", { id }, label);
  b.addEventListener("click", async () => {
    const error = document.getElementById("error");
    error.textContent = "";
    try { await action(); } catch (e) { error.textContent = e.message; }
  });
  return b;
}

function act(action, body) {
  return acd.api("POST", `/api/agents/${encodeURIComponent(agentId)}/${action}`, body);
}

async function showState() {
  const status = await acd.api("GET", "/api/status");
  const me = status.agents.find((a) => a.agent_id === agentId);
  const state = me ? me.state : "unknown";
  const badge = document.getElementById("state");
  badge.className = `state state-${state}`;
  badge.textContent = state.replace("_", " ") + (me && me.reason ? ` (${me.reason})` : "");
  badge.dataset.state = state;
}

async function screenPop(callId) {
  const card = await acd.api("GET", `/api/calls/${encodeURIComponent(callId)}`);
  const offer = card.offers[card.offers.length - 1] || {};
  // What the caller did: each choice, answer and lookup (CRM) result, not each arrival.
  const path = card.ivr.filter((s) => s.outcome !== "entered" && s.outcome !== "done")
    .map((s) => `${s.node}: ${s.outcome}${s.detail ? " " + s.detail : ""}`);
  // the server's times, not this browser's clock
  const waited = offer.at && card.entered_at ? offer.at - card.entered_at : null;
  const pop = acd.el("section", { class: "pop", id: "pop", "data-call": card.call_id },
    acd.el("h2", {}, "Incoming call"),
    acd.el("dl", {},
      acd.el("dt", {}, "Caller"), acd.el("dd", { id: "pop-caller" }, card.caller || "unknown"),
      acd.el("dt", {}, "IVR path"), acd.el("dd", { id: "pop-ivr" }, path.length ? path.join(" > ") : "none"),
      acd.el("dt", {}, "Queue"), acd.el("dd", { id: "pop-queue" }, card.queue),
      acd.el("dt", {}, "Waited"), acd.el("dd", {}, acd.duration(waited)),
      acd.el("dt", {}, "Why you"), acd.el("dd", { id: "pop-why" }, offer.why || "-")));
  document.getElementById("pop").replaceWith(pop);
}

// Once the agent has the call: their wrap-up, a disposition and the first-contact tick.
function wrapUpForm(callId) {
  const disposition = acd.el("input", { id: "disposition", size: 16, maxlength: 40,
    placeholder: "disposition" });
  const resolved = acd.el("input", { id: "resolved", type: "checkbox" });
  const saved = acd.el("span", { id: "wrapup-saved", class: "updated" });
  const save = button("Save wrap-up", "save-wrapup", async () => {
    await act("wrapup", { call_id: callId, disposition: disposition.value,
      resolved: resolved.checked });
    saved.textContent = "saved";
  });
  document.getElementById("wrapup").replaceWith(acd.el("section", { id: "wrapup", class: "bar" },
    disposition, resolved, acd.el("label", { for: "resolved" }, "Resolved at first contact"),
    save, saved));
}

acd.start("/agent").then((me) => {
  agentId = me.role === "agent" ? me.agent : new URLSearchParams(location.search).get("agent");
  const main = document.getElementById("main");
  if (!agentId) {
    main.append(acd.el("p", {}, "Open this panel for an agent: /agent?agent=1001"));
    return;
  }
  const reasons = acd.el("select", { id: "reason" },
    ...me.pause_reasons.map((r) => acd.el("option", { value: r }, r)));
  main.replaceChildren(
    acd.el("h1", {}, `Agent ${agentId} `, acd.el("span", { id: "state", class: "state" }, "...")),
    acd.el("div", { class: "bar" },
      button("Log in", "login", () => act("login")),
      button("Ready", "ready", () => act("ready")),
      reasons,
      button("Pause", "pause", () => act("pause", { reason: reasons.value })),
      button("Log out", "logout-agent", () => act("logout"))),
    acd.el("p", { class: "error", id: "error", role: "alert" }),
    acd.el("section", { id: "pop" }),
    acd.el("section", { id: "wrapup" }));
  const refresh = acd.debounce(showState, 100);
  acd.follow(["AGENTSTATE", "OFFERED", "CONNECT", "COMPLETE"], (kind, fact) => {
    if (fact.agent_id !== agentId) return;
    refresh();
    if (kind === "OFFERED") screenPop(fact.call_id);
    if (kind === "CONNECT") wrapUpForm(fact.call_id);
  }, showState);
});
