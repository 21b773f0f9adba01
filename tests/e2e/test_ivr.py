"""IVR menus end to end: SIPp callers through the sandbox Asterisk into menus the test
writes, the server in its own process; steps read from the journal and from AMI."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import CallAbandonedInQueue, CallAnswered, CallEntered
from acd.core.facts import Fact
from ivr.facts import IvrStep, SurveyAnswered
from testbed.phones import CallerPhone, CallerScript
from testbed.phones.audio import G722, PCMU, silence_frames, speech_frames
from testbed.phones.ports import free_tcp_port
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_state,
    facts,
    login,
    queue,
    queue_status,
    report_json,
    running_server,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

BEEP = "{sound: beep}"  # short prompts: a test waits on the menu, not on speech

FRENCH_MENU = f"""
entry: {{numbers: ["200"]}}
languages: [fr]
start: principal
nodes:
  principal:
    type: menu
    prompt: {BEEP}
    options: {{"1": ventes, "2": support}}
    timeout_s: 2
    tries: 3
    invalid: {BEEP}
    no_input: {BEEP}
    on_fail: operateur
  support:
    type: menu
    prompt: {BEEP}
    options: {{"1": facturation}}
    timeout_s: 3
    on_fail: operateur
  facturation: {{type: set, language: fr, priority: 4, skills: {{french: 2}}, next: file}}
  file: {{type: queue, queue: support}}
  ventes: {{type: queue, queue: sales}}
  operateur: {{type: queue, queue: sales, priority: 1}}
"""


def _waiting_allowed(config: dict[str, Any]) -> None:
    """Callers wait even with no agent there: these tests are about the menus."""
    for name in ("sales", "support"):
        queue(config, name).update(join_empty=[], leave_when_empty=[], max_wait_s=0)


def _menu(tmp: Path, name: str, text: str) -> None:
    (tmp / "ivr" / f"{name}.yaml").write_text(text)


def _config_with_menu(tmp: Path, name: str, text: str) -> Path:
    """The test's acd.yaml (callers may wait with no agent) and the one menu it is about."""
    config = write_config(tmp, _waiting_allowed)
    _menu(tmp, name, text)
    return config


def _steps(all_facts: list[Fact], call_id: str) -> list[tuple[str, str, str]]:
    return [
        (f.node, f.outcome, f.detail)
        for f in all_facts
        if isinstance(f, IvrStep) and f.call_id == call_id
    ]


def _entered(all_facts: list[Fact]) -> dict[str, CallEntered]:
    return {f.caller: f for f in all_facts if isinstance(f, CallEntered)}


def _start() -> CallerScript:
    """A pause before the first key: the menu starts when the server's script runs."""
    return CallerScript().say(PCMU, silence_frames(1500))


async def test_two_level_french_menu_and_the_fallback_after_three_failed_tries(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = _config_with_menu(tmp_path, "accueil", FRENCH_MENU)
    language_set: list[AmiEvent] = []
    ami.subscribe(language_set.append, "VarSet")
    async with running_server(config, tmp_path) as server:
        keyed = CallerPhone(phones_dir, "0611000001", ip="127.0.0.2")
        await keyed.dial("200", _start().press("2").pause(1500).press("1"), hold_ms=20_000)
        # 7: invalid; then silence past the 2 s timeout; then 9: invalid, the third try.
        lost = CallerPhone(phones_dir, "0611000002", ip="127.0.0.3")
        await lost.dial("200", _start().press("7").pause(4500).press("9"), hold_ms=20_000)
        status = await until(server, lambda s: _waiting(s) == 2, timeout_s=40)
        entered = _entered(facts(tmp_path))
        billing = entered["0611000001"]
        assert (billing.queue, billing.priority) == ("support", 4)
        fallback = entered["0611000002"]
        assert (fallback.queue, fallback.priority) == ("sales", 1)
        channel = _channel_of(language_set, billing.call_id)
        reply = await ami.action("Getvar", {"Channel": channel, "Variable": "CHANNEL(language)"})
        assert reply.get("Value") == "fr"
        assert status["ivr"]["menus"] == ["accueil"]
    all_facts = facts(tmp_path)
    assert _steps(all_facts, billing.call_id) == [
        ("principal", "entered", ""),
        ("principal", "option", "2"),
        ("support", "entered", ""),
        ("support", "option", "1"),
        ("facturation", "entered", ""),
        ("file", "entered", ""),
        ("file", "done", ""),
    ]
    assert _steps(all_facts, fallback.call_id) == [
        ("principal", "entered", ""),
        ("principal", "invalid", "7"),
        ("principal", "timeout", ""),
        ("principal", "invalid", "9"),
        ("principal", "failed", ""),
        ("operateur", "entered", ""),
        ("operateur", "done", ""),
    ]
    await asyncio.gather(keyed.finished(30), lost.finished(30))


VOICE_MENU = f"""
entry: {{numbers: ["210"]}}
languages: [en]
start: main
nodes:
  main:
    type: menu
    prompt: {BEEP}
    options:
      "1": {{to: sales, words: [sales]}}
      "2": {{to: support, words: [support]}}
      "3": {{to: billing, words: [billing]}}
    timeout_s: 4
    tries: 3
    no_input: {BEEP}
    on_fail: sales
  sales: {{type: queue, queue: sales}}
  support: {{type: queue, queue: support}}
  billing: {{type: queue, queue: support, priority: 2}}
"""


async def test_voice_menu_wideband_word_routes_and_narrowband_falls_back_to_keys(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = _config_with_menu(tmp_path, "voice", VOICE_MENU)
    variables: list[AmiEvent] = []
    ami.subscribe(variables.append, "VarSet")
    async with running_server(config, tmp_path) as server:
        # A G.722 phone says "sales" once the menu listens (after its short prompt).
        said = speech_frames("sales", "g722", lead_ms=1500, tail_ms=3500)
        wideband = CallerPhone(phones_dir, "0611000011", ip="127.0.0.2", codec="g722")
        await wideband.dial("210", CallerScript().say(G722, said), hold_ms=20_000)
        # A G.711 phone says "support": telephone audio, not recognised with confidence;
        # the menu asks for keys and the caller presses 2 after that prompt.
        spoken = speech_frames("support", "pcmu", lead_ms=1500, tail_ms=3500)
        narrow = CallerScript().say(PCMU, spoken).pause(6000).press("2")
        narrowband = CallerPhone(phones_dir, "0611000012", ip="127.0.0.3")
        await narrowband.dial("210", narrow, hold_ms=20_000)
        await until(server, lambda s: _waiting(s) == 2, timeout_s=40)
        entered = _entered(facts(tmp_path))
        assert entered["0611000011"].queue == "sales"
        assert entered["0611000012"].queue == "support"
        channel = _channel_of(variables, entered["0611000011"].call_id)
        native = await ami.action(
            "Getvar", {"Channel": channel, "Variable": "CHANNEL(audionativeformat)"}
        )
        assert "g722" in (native.get("Value") or "")
    all_facts = facts(tmp_path)
    assert ("main", "spoken", "sales") in _steps(all_facts, entered["0611000011"].call_id)
    narrow_steps = _steps(all_facts, entered["0611000012"].call_id)
    assert [s[1] for s in narrow_steps] == [
        "entered",
        "not_understood",
        "option",
        "entered",
        "done",
    ]
    assert narrow_steps[1][2] != ""  # something was heard, just not with confidence
    assert narrow_steps[2] == ("main", "option", "2")
    await asyncio.gather(wideband.finished(30), narrowband.finished(30))


def _waiting(status: dict[str, Any]) -> int:
    return sum(int(q["waiting"]) for q in status.get("queues", []))


def _channel_of(events: list[AmiEvent], call_id: str) -> str:
    for event in events:
        if event.get("Uniqueid") == call_id and event.get("Channel"):
            return event.get("Channel") or ""
    raise AssertionError(f"no AMI event names the channel of {call_id}")


VIP = "0611000021"
SLOW = "0611000029"  # the test CRM takes 3 s to answer for this number


def _crm_menu(number: str, port: int) -> str:
    return f"""
entry: {{numbers: ["{number}"]}}
languages: [en]
start: crm
nodes:
  crm:
    type: lookup
    url: "http://127.0.0.1:{port}/customer?number={{caller}}"
    timeout_s: 1
    set: {{tier: customer.tier}}
    next: route
    on_error: without_crm
  route:
    type: condition
    cases:
      - when: {{variable: tier, equals: gold}}
        to: vip
    else: normal
  vip: {{type: set, priority: 5, next: normal}}
  normal: {{type: queue, queue: sales}}
  without_crm: {{type: set, variables: {{crm: down}}, next: normal}}
"""


@contextlib.asynccontextmanager
async def _crm() -> AsyncIterator[int]:
    """A CRM answering {"customer": {"tier": ...}}: gold for the VIP, slow for SLOW."""

    async def customer(request: web.Request) -> web.Response:
        number = request.query.get("number", "")
        if number == SLOW:
            await asyncio.sleep(3)
        return web.json_response({"customer": {"tier": "gold" if number == VIP else "basic"}})

    app = web.Application()
    app.router.add_get("/customer", customer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_tcp_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port
    finally:
        await runner.cleanup()


async def test_crm_lookup_puts_a_vip_first_and_a_slow_or_dead_crm_takes_the_fallback(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _waiting_allowed)
    async with _crm() as port:
        _menu(tmp_path, "crm", _crm_menu("300", port))
        _menu(tmp_path, "crm_down", _crm_menu("301", free_tcp_port()))  # nobody listens
        async with (
            running_server(config, tmp_path) as server,
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 12_000}}),
        ):
            await login(server, "1001")
            blocker = CallerPhone(phones_dir, "0611000020", ip="127.0.0.2")
            await blocker.dial("100", CallerScript(), hold_ms=30_000)  # keeps 1001 busy
            await until(server, lambda s: agent_state(s, "1001") == "on_call")
            normal = CallerPhone(phones_dir, "0611000022", ip="127.0.0.3")
            await normal.dial("300", CallerScript(), hold_ms=25_000)
            await until(server, lambda s: _waiting(s) == 1)
            vip = CallerPhone(phones_dir, VIP, ip="127.0.0.4")
            await vip.dial("300", CallerScript(), hold_ms=25_000)
            slow = CallerPhone(phones_dir, SLOW, ip="127.0.0.5")
            await slow.dial("300", CallerScript(), hold_ms=25_000)
            dead = CallerPhone(phones_dir, "0611000028", ip="127.0.0.6")
            await dead.dial("301", CallerScript(), hold_ms=25_000)
            await until(server, lambda s: _waiting(s) == 4, timeout_s=20)
            # The VIP came after the normal caller but is answered first.
            await until(server, lambda s: _answered(s) >= 2, timeout_s=40)
            # Every caller hangs up by itself: none is left in Asterisk for the next test.
            await asyncio.gather(*(p.finished(40) for p in (blocker, normal, vip, slow, dead)))
    all_facts = facts(tmp_path)
    entered = _entered(all_facts)
    assert entered[VIP].priority == 5
    assert entered["0611000022"].priority == 0
    answered = [f.call_id for f in all_facts if isinstance(f, CallAnswered)]
    assert answered[1] == entered[VIP].call_id  # right after the blocker
    for caller in (SLOW, "0611000028"):
        steps = [
            f
            for f in all_facts
            if isinstance(f, IvrStep) and f.call_id == entered[caller].call_id and f.node == "crm"
        ]
        assert [s.outcome for s in steps] == ["entered", "error"]
        assert steps[1].at - steps[0].at < 1.5  # the timeout is 1 s
    assert entered[SLOW].priority == entered["0611000028"].priority == 0
    dead_steps = _steps(all_facts, entered["0611000028"].call_id)
    assert ("without_crm", "entered", "") in dead_steps
    assert "unreachable" in dead_steps[1][2] or "no answer" in dead_steps[1][2]


SURVEY_MENU = f"""
entry: {{numbers: ["400"]}}
languages: [en]
start: file
nodes:
  file: {{type: queue, queue: sales, after_call: csat}}
  csat:
    type: survey
    scale: csat
    prompt: {BEEP}
    thanks: {{sound: auth-thankyou}}
    timeout_s: 10
    tries: 2
"""


async def test_after_the_agent_hangs_up_the_caller_keys_a_score_kept_in_the_journal(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = _config_with_menu(tmp_path, "survey", SURVEY_MENU)
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": 300, "talk_ms": 3000}}),
    ):
        await login(server, "1001")
        caller = CallerPhone(phones_dir, "0611000031", ip="127.0.0.2")
        # The agent answers within ~2 s and hangs up 3 s later; the survey then asks.
        await caller.dial("400", _start().pause(8000).press("4"), hold_ms=20_000)
        await caller.finished(40)  # the server hangs up after the thanks
    scores = [f for f in facts(tmp_path) if isinstance(f, SurveyAnswered)]
    assert [(s.scale, s.score, s.menu, s.node) for s in scores] == [("csat", 4, "survey", "csat")]
    surveys = report_json(config)["surveys"]
    assert surveys == [
        {
            "menu": "survey",
            "node": "csat",
            "scale": "csat",
            "answers": 1,
            "mean": 4.0,
            "score": 100.0,
            "score_name": "CSAT",
        }
    ]


RELOAD_V1 = f"""
entry: {{numbers: ["500"]}}
languages: [en]
start: main
nodes:
  main:
    type: menu
    prompt: {BEEP}
    options: {{"1": first}}
    timeout_s: 5
    on_fail: first
  first: {{type: queue, queue: sales}}
"""


async def test_a_broken_edit_is_refused_during_calls_and_a_valid_one_serves_the_next_call(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = _config_with_menu(tmp_path, "live", RELOAD_V1)
    async with running_server(config, tmp_path) as server:
        first = (await server.get("/api/status"))["ivr"]["version"]
        waiting = CallerPhone(phones_dir, "0611000041", ip="127.0.0.2")
        await waiting.dial("500", _start().press("1"), hold_ms=25_000)
        await until(server, lambda s: _waiting(s) == 1, timeout_s=20)
        _menu(tmp_path, "live", RELOAD_V1.replace("options:", "options: [oops"))
        status = await until(server, lambda s: _last_reload(s).get("accepted") is False)
        assert status["ivr"]["version"] == first  # the old menus stay in force
        assert any("live.yaml:" in p for p in _last_reload(status)["problems"])
        old = CallerPhone(phones_dir, "0611000042", ip="127.0.0.3")
        await old.dial("500", _start().press("1"), hold_ms=25_000)
        await until(server, lambda s: _waiting(s) == 2, timeout_s=20)
        _menu(tmp_path, "live", RELOAD_V1.replace("queue: sales", "queue: support"))
        status = await until(server, lambda s: s["ivr"]["version"] != first)
        new = CallerPhone(phones_dir, "0611000043", ip="127.0.0.4")
        await new.dial("500", _start().press("1"), hold_ms=25_000)
        await until(server, lambda s: _waiting(s) == 3, timeout_s=20)
        # Nobody was dropped: all three still wait, in the queues their version chose.
        final = await server.get("/api/status")
        assert (
            queue_status(final, "sales")["waiting"],
            queue_status(final, "support")["waiting"],
        ) == (2, 1)
        await asyncio.gather(*(p.finished(40) for p in (waiting, old, new)))
    entered = _entered(facts(tmp_path))
    assert [entered[n].queue for n in ("0611000041", "0611000042", "0611000043")] == [
        "sales",
        "sales",
        "support",
    ]
    versions = {f.call_id: f.version for f in facts(tmp_path) if isinstance(f, IvrStep)}
    assert versions[entered["0611000042"].call_id] == first
    assert versions[entered["0611000043"].call_id] != first
    abandons = [f for f in facts(tmp_path) if isinstance(f, CallAbandonedInQueue)]
    assert all(f.wait_s > 20 for f in abandons)  # each hung up at the end of its script


def _answered(status: dict[str, Any]) -> int:
    return sum(int(q["answered"]) for q in status.get("queues", []))


def _last_reload(status: dict[str, Any]) -> dict[str, Any]:
    return dict(status["ivr"].get("last_reload") or {})
