"use strict";
// Shared by the console's pages: the API with the session's CSRF token, the event
// stream, the header, and building elements. Data always goes in as text (textContent),
// never as HTML.
const acd = {
  me: null,

  async api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && acd.me && acd.me.csrf) headers["X-CSRF-Token"] = acd.me.csrf;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    if (response.status === 401) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      throw new Error("logged out");
    }
    const type = response.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) {
      const error = new Error((data && data.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  },

  // Who is logged in, and the page's header: the pages their role may use.
  async start(here) {
    acd.me = await acd.api("GET", "/api/me");
    const pages = [["/wallboard", "Wallboard"], ["/agent", "Agent"]];
    if (acd.me.role !== "agent") pages.push(["/supervisor", "Supervisor"], ["/reports", "Reports"]);
    const nav = pages.map(([path, label]) =>
      acd.el("a", { href: path, class: path === here ? "here" : "" }, label));
    const who = acd.el("span", { class: "who", id: "who" },
      `${acd.me.user} (${acd.me.role}${acd.me.tenant ? ", " + acd.me.tenant : ""})`);
    const out = acd.el("button", { id: "logout" }, "Log out");
    out.addEventListener("click", async () => {
      await acd.api("POST", "/api/logout");
      location.href = "/login";
    });
    document.querySelector("header").replaceChildren(...nav, who, out);
    return acd.me;
  },

  // Calls onEvent(kind, data) for each event of the stream; onReset when the server
  // cannot give what was missed (a restart): reload the state then.
  follow(kinds, onEvent, onReset) {
    const stream = new EventSource("/api/events");
    for (const kind of kinds) {
      stream.addEventListener(kind, (e) => onEvent(kind, JSON.parse(e.data)));
    }
    stream.addEventListener("reset", () => onReset());
    stream.addEventListener("open", () => onReset());
    // A stream refused (the session ended: the server restarted, or logged us out) is
    // not retried by the browser: ask who we are (401: to the login page), then follow again.
    stream.addEventListener("error", () => {
      if (stream.readyState !== EventSource.CLOSED) return;  // the browser reconnects itself
      setTimeout(() => acd.api("GET", "/api/me")
        .then(() => acd.follow(kinds, onEvent, onReset)).catch(() => {}), 2000);
    });
    return stream;
  },

  el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== "" && value !== null && value !== undefined) element.setAttribute(name, value);
    }
    for (const child of children) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  },

  duration(seconds) {
    if (seconds === null || seconds === undefined) return "-";
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
  },

  percent(share) {
    return share === null || share === undefined ? "-" : `${Math.round(share * 100)} %`;
  },

  // Runs fn at most once per `ms`, the last call winning: one reload for a burst of events.
  debounce(fn, ms) {
    let timer = null;
    return () => {
      if (timer === null) timer = setTimeout(() => { timer = null; fn(); }, ms);
    };
  },
};
