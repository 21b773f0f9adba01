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

// Preview campaigns: ask for the next lead, read it, then call it or pass; after a
// campaign's call, its disposition (and a callback's time, if the customer asked).
async function showCampaigns() {
  const all = await acd.api("GET", "/api/dialer");
  if (!all.length) return;  // no campaign configured: an inbound-only centre
  const campaigns = all.filter((c) => c.mode === "preview" && c.state === "running");
  const lead = acd.el("div", { id: "lead" });
  const rows = campaigns.map((c) => {
    const path = `/api/dialer/${encodeURIComponent(c.campaign)}/agents/${encodeURIComponent(agentId)}`;
    const step = (label, name) => button(label, `${name}-${c.campaign}`, async () => {
      const answer = await acd.api("POST", `${path}/${name}`);
      const l = answer.lead;
      lead.replaceChildren(acd.el("p", { "data-lead": l.number },
        `${l.name || "(no name)"}, ${l.number}${l.reference ? ", " + l.reference : ""}` +
        ` (dialled ${l.dials} times before)`),
        ...(name === "offer" ? [step("Call", "accept"), step("Skip", "skip")] : []));
    });
    return acd.el("div", { class: "bar", "data-campaign": c.campaign },
      acd.el("strong", {}, c.campaign), step("Next lead", "offer"));
  });
  const code = acd.el("input", { id: "campaign-disposition", size: 12, placeholder: "sale" });
  const when = acd.el("input", { id: "callback-at", type: "datetime-local" });
  const dispose = button("Set disposition", "set-disposition", async () => {
    const body = { disposition: code.value };
    if (when.value) body.callback_at = new Date(when.value).getTime() / 1000;
    await act("disposition", body);
    code.value = "";
  });
  document.getElementById("campaigns").replaceWith(acd.el("section", { id: "campaigns" },
    ...(campaigns.length ? [acd.el("h2", {}, "Preview campaigns"), ...rows, lead] : []),
    acd.el("h2", {}, "Campaign call disposition"),
    acd.el("div", { class: "bar" }, code, acd.el("label", { for: "callback-at" }, "callback at"),
      when, dispose)));
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
    acd.el("section", { id: "wrapup" }),
    acd.el("section", { id: "campaigns" }));
  showCampaigns();
  const refresh = acd.debounce(showState, 100);
  acd.follow(["AGENTSTATE", "OFFERED", "CONNECT", "COMPLETE"], (kind, fact) => {
    if (fact.agent_id !== agentId) return;
    refresh();
    if (kind === "OFFERED") screenPop(fact.call_id);
    if (kind === "CONNECT") wrapUpForm(fact.call_id);
  }, showState);
});
