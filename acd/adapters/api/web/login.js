"use strict";
// The login form: POST /api/login, then the page asked for (or the one for the role).
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  const body = {
    user: document.getElementById("user").value,
    password: document.getElementById("password").value,
  };
  const response = await fetch("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const answer = await response.json();
  if (!response.ok) {
    error.textContent = answer.message || `refused (${response.status})`;
    return;
  }
  const next = new URLSearchParams(location.search).get("next");
  const pages = ["/wallboard", "/agent", "/supervisor", "/reports"];
  location.href = pages.includes(next) ? next : answer.role === "agent" ? "/agent" : "/wallboard";
});
