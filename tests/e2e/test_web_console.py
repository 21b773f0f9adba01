"""The web console in headless Chromium, against the real server, the sandbox Asterisk
and SIPp phones: a supervisor's wallboard, supervisor panel (ChanSpy) and reports; an
agent's panel (pause, screen pop); a tenant's user; CSRF. Each test saves screenshots of
the pages it used in its output folder (tmp_path/screenshots)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from acd.adapters.api.users import User, UserStore
from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import CallEntered, CallOffered
from acd.core.lifecycle import ActionTaken
from acd.core.outbound.facts import LeadDisposition
from acd.core.wrapup import CallWrappedUp
from testbed.phones import CallerPhone, CallerScript
from testbed.phones.audio import PCMU, silence_frames
from testbed.phones.customers import Customers
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    API_PORT,
    agent_phones,
    agent_state,
    facts,
    queue,
    running_server,
    until,
    write_config,
)
from tests.e2e.browser import Browser
from tests.e2e.dialer_harness import CLOCK, PREVIEW, acd, add_campaign, polled

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
BASE = f"http://127.0.0.1:{API_PORT}"
MENU = """
entry: {numbers: ["200"]}
languages: [en]
start: main
nodes:
  main:
    type: menu
    prompt: {sound: beep}
    options: {"1": sales}
    timeout_s: 3
    on_fail: sales
  sales: {type: queue, queue: sales}
"""


def _config(tmp: Path, edit: Any = None) -> Path:
    def change(config: dict[str, Any]) -> None:
        for name in ("sales", "support"):
            queue(config, name).update(join_empty=[], leave_when_empty=[], max_wait_s=0)
        if edit is not None:
            edit(config)

    config = write_config(tmp, change)
    (tmp / "ivr" / "main.yaml").write_text(MENU)
    users = UserStore(tmp / "users.json")  # acd.yaml's api.users (write_config)
    users.add(User("sam", "supervisor"), PASSWORD)
    users.add(User("alice", "agent", agent="1001"), PASSWORD)
    return config


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    opened = await asyncio.to_thread(Browser, BASE, tmp_path / "screenshots")
    try:
        yield opened
    finally:
        await asyncio.to_thread(opened.close)


def _dial_menu() -> CallerScript:
    return CallerScript().say(PCMU, silence_frames(1500)).press("1")


async def test_supervisor_wallboard_listening_and_reports(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path, browser: Browser
) -> None:
    config = _config(tmp_path)
    spying: list[AmiEvent] = []
    spied = asyncio.Event()

    def spy_started(event: AmiEvent) -> None:
        spying.append(event)
        spied.set()

    ami.subscribe(spy_started, "ChanSpyStart")
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(
            sandbox, phones_dir, {"1001": {"ring_ms": 500, "talk_ms": 30_000}, "1005": {}}
        ),
    ):
        await browser.log_in("sam", PASSWORD, "/wallboard")
        assert await browser.text('[data-queue="sales"] [data-figure="waiting"]') == "0"
        caller = CallerPhone(phones_dir, "0633000001", ip="127.0.0.2")
        dialled = time.monotonic()
        await caller.dial("100", CallerScript(), hold_ms=40_000)
        await browser.until(
            lambda: (
                browser.driver.find_element(
                    "css selector", '[data-queue="sales"] [data-figure="waiting"]'
                ).text
                == "1"
            ),
            "one caller waiting in sales",
        )
        print(
            f"wallboard: the caller shown waiting {time.monotonic() - dialled:.2f} s after dialling"
        )
        await browser.screenshot("wallboard-waiting")
        await server.request("POST", "/api/agents/1001/login")  # answers after 0.5 s
        await browser.until(
            lambda: browser.driver.find_elements(
                "css selector", '[data-agent="1001"] [data-state="on_call"]'
            ),
            "agent 1001 on call",
            timeout_s=15,
        )
        await browser.screenshot("wallboard-on-call")

        await browser.open("/supervisor")
        await browser.run(lambda: browser.driver.find_element("id", "phone").send_keys("1005"))
        await browser.click('[data-agent="1001"] [data-spy="listen"]')
        await asyncio.wait_for(spied.wait(), 10)  # Asterisk started a ChanSpy channel
        assert (spying[0].get("SpyeeChannel") or "").startswith("PJSIP/1001-")
        assert (spying[0].get("SpyerChannel") or "").startswith("PJSIP/1005-")
        await browser.screenshot("supervisor")
        await caller.finished(60)
        await until(server, lambda s: agent_state(s, "1001") in ("ready", "wrap_up"))

        await browser.open("/reports")
        await browser.until(
            lambda: browser.driver.find_elements("css selector", '[data-chart="calls"] rect.bar'),
            "the calls chart's bars",
        )
        charts = await browser.run(
            lambda: browser.driver.find_elements("css selector", "svg[data-chart]")
        )
        assert len(charts) == 4
        assert await browser.text('#queues [data-queue="sales"] td:nth-child(3)') == "1"
        # one answered call, not ticked, its number not heard again: resolved by repeats
        assert await browser.text('#fcr [data-queue="sales"] td:nth-child(5)') == "100 %"
        await browser.screenshot("reports")
        browser.assert_no_script_errors()
    listened = [f for f in facts(tmp_path) if isinstance(f, ActionTaken) and f.user == "sam"]
    assert [(f.user, f.action) for f in listened] == [("sam", "POST /api/agents/1001/spy")]
    assert "mode=listen" in listened[0].detail


async def test_agent_pauses_from_the_panel_and_sees_the_screen_pop(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path, browser: Browser
) -> None:
    config = _config(tmp_path)
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 3000, "talk_ms": 2000}}),
    ):
        await browser.log_in("alice", PASSWORD, "/agent")
        await browser.click("#login")
        await until(server, lambda s: agent_state(s, "1001") == "ready")
        await browser.click("#pause")  # the first reason: lunch
        await until(server, lambda s: agent_state(s, "1001") == "paused")
        assert await browser.text('#state[data-state="paused"]') == "paused (lunch)"
        await browser.screenshot("agent-paused")

        caller = CallerPhone(phones_dir, "0633000002", ip="127.0.0.3")
        await caller.dial("200", _dial_menu(), hold_ms=30_000)
        await until(server, lambda s: s["queues"][0]["waiting"] == 1, timeout_s=20)
        entered = next(f for f in facts(tmp_path) if isinstance(f, CallEntered))
        await asyncio.sleep(3)  # the engine had 3 s to offer the caller to a paused agent
        assert not [f for f in facts(tmp_path) if isinstance(f, CallOffered)]

        await browser.click("#ready")
        assert await browser.text("#pop-caller", timeout_s=15) == "0633000002"
        assert await browser.text("#pop-ivr") == "main: option 1"
        assert await browser.text("#pop-queue") == "sales"
        why = await browser.text("#pop-why")
        await browser.screenshot("agent-screen-pop")
        offered = [f for f in facts(tmp_path) if isinstance(f, CallOffered)]
        assert [(f.call_id, f.agent_id) for f in offered][:1] == [(entered.call_id, "1001")]
        assert why == offered[0].why  # the engine's own words for its choice
        await browser.click("#resolved")  # the wrap-up form, once the agent has the call
        await browser.run(
            lambda: browser.driver.find_element("id", "disposition").send_keys("info")
        )
        await browser.click("#save-wrapup")
        assert await browser.text("#wrapup-saved") == "saved"
        await browser.screenshot("agent-wrap-up")
        wrapped = [f for f in facts(tmp_path) if isinstance(f, CallWrappedUp)]
        assert [(f.call_id, f.agent_id, f.disposition, f.resolved) for f in wrapped] == [
            (entered.call_id, "1001", "info", True)
        ]
        await caller.finished(60)
        browser.assert_no_script_errors()


def _tenants(config: dict[str, Any]) -> None:
    config["tenants"] = ["acme", "globex"]
    queue(config, "sales")["tenant"] = "acme"
    queue(config, "support").update(tenant="globex", members=["1003", "1004"])


async def test_a_tenants_user_sees_only_its_queues_and_csrf_is_required(
    sandbox: Sandbox, tmp_path: Path, browser: Browser
) -> None:
    config = _config(tmp_path, _tenants)
    UserStore(tmp_path / "users.json").add(User("gil", "supervisor", tenant="globex"), PASSWORD)
    async with running_server(config, tmp_path):
        await browser.open("/wallboard")  # no session yet: the login page
        await browser.until(lambda: "/login" in browser.driver.current_url, "the login page")
        await browser.screenshot("login")
        await browser.log_in("gil", PASSWORD, "/wallboard")
        await browser.text('[data-queue="support"] [data-figure="waiting"]')
        tiles = await browser.run(
            lambda: [
                e.get_attribute("data-queue")
                for e in browser.driver.find_elements("css selector", "[data-queue]")
            ]
        )
        assert tiles == ["support"]
        await browser.screenshot("wallboard-tenant")
        status, body = await browser.fetch("GET", "/api/status")
        assert status == 200
        assert [q["name"] for q in body["queues"]] == ["support"]
        status, body = await browser.fetch("POST", "/api/agents/1003/ready")
        assert (status, body["error"]) == (403, "csrf")  # the cookie alone changes nothing
        status, body = await browser.fetch("POST", "/api/agents/1001/ready")  # acme's agent
        assert status == 403
        status, me = await browser.fetch("GET", "/api/me")
        status, body = await browser.fetch(
            "POST", "/api/agents/1001/ready", {"X-CSRF-Token": me["csrf"]}
        )
        assert (status, body["error"]) == (403, "not-permitted")
        browser.assert_no_script_errors()


LEAD = "+33612370011"


@pytest.mark.timeout(180)
async def test_an_agent_calls_a_preview_lead_and_sets_its_disposition_from_the_panel(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path, browser: Browser
) -> None:
    config = _config(tmp_path)
    csv = f"phone,name,contract\n{LEAD},Cleo Lead,C-7\n"
    assert "1 leads added" in add_campaign(config, "winback", PREVIEW, csv).stdout
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=800, hold_ms=6000)
    await customers.start()
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 8000}}),
        ):
            acd(config, "dialer", "start", "winback")
            await browser.log_in("alice", PASSWORD, "/agent")
            await browser.click("#login")
            await until(server, lambda s: agent_state(s, "1001") == "ready")
            await browser.click("#offer-winback")
            shown = await browser.text(f'[data-lead="{LEAD}"]')
            assert shown == f"Cleo Lead, {LEAD}, C-7 (dialled 0 times before)"
            await browser.screenshot("agent-preview-lead")
            assert customers.invites() == []  # nothing dialled while the agent reads
            await browser.click("#accept-winback")
            await polled(lambda: [i.dialled for i in customers.invites()] == [LEAD], 40)
            await until(server, lambda s: agent_state(s, "1001") == "ready", timeout_s=40)
            await browser.run(
                lambda: browser.driver.find_element("id", "campaign-disposition").send_keys("sale")
            )
            await browser.click("#set-disposition")
            await polled(lambda: bool(_of(tmp_path, LeadDisposition)), 10)
            browser.assert_no_script_errors()
    finally:
        await customers.stop()
    (disposition,) = _of(tmp_path, LeadDisposition)
    assert (disposition.number, disposition.disposition, disposition.agent_id) == (
        LEAD,
        "sale",
        "1001",
    )


def _of(tmp: Path, kind: type[Any]) -> list[Any]:
    return [f for f in facts(tmp) if isinstance(f, kind)]
