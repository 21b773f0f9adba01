"""IVR menus end to end: SIPp callers through the sandbox Asterisk into menus the test
writes, the server in its own process; steps read from the journal and from AMI."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.engine.facts import CallEntered, Fact
from acd.phones import CallerPhone, CallerScript
from acd.phones.audio import G722, PCMU, silence_frames, speech_frames
from acd.sandbox import Sandbox
from ivr.facts import IvrStep
from tests.e2e.acd_harness import facts, queue, running_server, until, write_config

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


def _steps(all_facts: list[Fact], call_id: str) -> list[tuple[str, str, str]]:
    return [(f.node, f.outcome, f.detail) for f in all_facts
            if isinstance(f, IvrStep) and f.call_id == call_id]  # fmt: skip


def _entered(all_facts: list[Fact]) -> dict[str, CallEntered]:
    return {f.caller: f for f in all_facts if isinstance(f, CallEntered)}


def _start() -> CallerScript:
    """A pause before the first key: the menu starts when the server's script runs."""
    return CallerScript().say(PCMU, silence_frames(1500))


async def test_two_level_french_menu_and_the_fallback_after_three_failed_tries(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _waiting_allowed)
    _menu(tmp_path, "accueil", FRENCH_MENU)
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
        ("principal", "entered", ""), ("principal", "option", "2"),
        ("support", "entered", ""), ("support", "option", "1"),
        ("facturation", "entered", ""), ("file", "entered", ""), ("file", "done", ""),
    ]  # fmt: skip
    assert _steps(all_facts, fallback.call_id) == [
        ("principal", "entered", ""), ("principal", "invalid", "7"),
        ("principal", "timeout", ""), ("principal", "invalid", "9"),
        ("principal", "failed", ""), ("operateur", "entered", ""), ("operateur", "done", ""),
    ]  # fmt: skip
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
    config = write_config(tmp_path, _waiting_allowed)
    _menu(tmp_path, "voice", VOICE_MENU)
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
        native = await ami.action("Getvar", {"Channel": channel,
                                             "Variable": "CHANNEL(audionativeformat)"})  # fmt: skip
        assert "g722" in (native.get("Value") or "")
    all_facts = facts(tmp_path)
    assert ("main", "spoken", "sales") in _steps(all_facts, entered["0611000011"].call_id)
    narrow_steps = _steps(all_facts, entered["0611000012"].call_id)
    assert [s[1] for s in narrow_steps] == ["entered", "not_understood", "option", "entered",
                                            "done"]  # fmt: skip
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
