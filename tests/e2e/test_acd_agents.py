"""Agents end to end: a missed call keeps the caller's place, repeated misses pause the
agent; feature codes from the agent's own phone; state survives re-registering."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from acd.adapters.prompts import prompt_name
from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import AgentStateChanged, CallAnswered, CallEntered, OfferMissed
from testbed.phones import CallerPhone, CallerScript
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import (
    agent_phones,
    agent_state,
    agent_status,
    facts,
    login,
    queue,
    running_server,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e


def _linear_sales(config: dict[str, Any]) -> None:
    sales = queue(config, "sales")
    sales.update(strategy="linear", members=["1001", "1002"], ring_timeout_s=2)
    for agent in config["agents"]:
        agent["auto_pause_after"] = 2


async def test_missed_call_keeps_the_callers_place_and_pauses_the_agent(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _linear_sales)
    whispers: list[str] = []
    ami.subscribe(
        lambda e: (
            whispers.append(e.get("AppData") or "")
            if (e.get("Channel") or "").startswith("PJSIP/1002-")
            and e.get("Application") == "Playback"
            else None
        ),
        "Newexten",
    )
    phones: dict[str, dict[str, Any]] = {
        "1001": {"ring_ms": None},  # never answers
        "1002": {"ring_ms": 200, "talk_ms": 2500},
    }
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, phones),
    ):
        await login(server, "1001", "1002")
        first = CallerPhone(phones_dir, "0611000001", ip="127.0.0.2")
        second = CallerPhone(phones_dir, "0611000002", ip="127.0.0.3")
        third = CallerPhone(phones_dir, "0611000003", ip="127.0.0.4")
        await first.dial("100", CallerScript(), hold_ms=60000)
        # The first caller is answered by 1002 after 1001 missed it; the second caller is
        # then offered to 1001 (linear: 1001 first), who misses again: auto-pause.
        await until(server, lambda s: agent_state(s, "1002") == "on_call")
        await second.dial("100", CallerScript(), hold_ms=60000)
        await asyncio.sleep(0.5)  # the third caller arrives while the second is ringing 1001
        await third.dial("100", CallerScript(), hold_ms=60000)
        await asyncio.gather(first.finished(60), second.finished(60), third.finished(60))
    journal = facts(tmp_path)

    misses = [f for f in journal if isinstance(f, OfferMissed)]
    assert [(m.agent_id, m.reason) for m in misses] == [("1001", "noanswer")] * 2
    answers = [f for f in journal if isinstance(f, CallAnswered)]
    assert [a.agent_id for a in answers] == ["1002", "1002", "1002"]
    entered = [f.call_id for f in journal if isinstance(f, CallEntered)]
    assert [a.call_id for a in answers] == entered  # nobody lost their place to a miss
    for answer in answers[:2]:
        assert answer.wait_s >= 2.0  # the ring of the missed offer counts as waiting
    # Each answered call was whispered to the agent first: the queue's name, spoken.
    expected = prompt_name("sales", "en")
    assert whispers == [expected] * 3
    assert (sandbox.layout.rootfs / f"usr/share/asterisk/sounds/{expected}.wav").exists()
    paused = [f for f in journal if isinstance(f, AgentStateChanged) and f.state == "paused"]
    assert [(p.agent_id, p.reason) for p in paused] == [("1001", "auto")]


async def test_feature_codes_from_the_agents_phone(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, lambda c: None)
    prompts: list[tuple[str, str]] = []

    def on_agi(event: AmiEvent) -> None:
        command = event.get("Command") or ""
        if command.startswith("STREAM FILE"):
            prompts.append((event.get("Channel") or "", command.split()[2].strip('"')))

    ami.subscribe(on_agi, "AGIExecStart")
    async with (
        running_server(config, tmp_path) as server,
        agent_phones(sandbox, phones_dir, {"1003": {}}) as phones,
    ):
        phone = phones["1003"]
        await phone.dial("*41")
        await until(server, lambda s: agent_state(s, "1003") == "ready")
        await phone.dial("*432")  # pause, reason 2 = training
        status = await until(server, lambda s: agent_state(s, "1003") == "paused")
        assert agent_status(status, "1003")["reason"] == "training"
        await phone.dial("*439")  # no reason 9: a spoken error, nothing changes
        await phone.dial("*44")
        await until(server, lambda s: agent_state(s, "1003") == "ready")
        # The phone re-registers (e.g. restarted): the agent stays logged in and ready.
        await phone.unregister()
        await until(server, lambda s: agent_status(s, "1003")["phone"] == "unavailable")
        await phone.register()
        status = await until(server, lambda s: agent_status(s, "1003")["phone"] == "not_inuse")
        assert agent_state(status, "1003") == "ready"
        await phone.dial("*42")
        await until(server, lambda s: agent_state(s, "1003") == "logged_out")

    spoken = [prompt for channel, prompt in prompts if channel.startswith("PJSIP/1003-")]
    assert spoken == [
        "agent-loginok",
        "auth-thankyou",
        "pm-invalid-option",
        "auth-thankyou",
        "agent-loggedoff",
    ]
    states = [
        (f.state, f.reason)
        for f in facts(tmp_path)
        if isinstance(f, AgentStateChanged) and f.agent_id == "1003"
    ]
    assert states == [("ready", ""), ("paused", "training"), ("ready", ""), ("logged_out", "")]
