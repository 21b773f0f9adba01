"""Overflow end to end: a saturated queue sends callers to another contact centre (a
SIPp phone behind the 'partner' trunk) with their caller ID; a closed queue sends them
to voicemail, where their message is kept and listed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import (
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallEntered,
    CallOverflowed,
)
from testbed.phones import CallerPhone, CallerScript
from testbed.phones.audio import PCMU, tone_frames
from testbed.phones.remote import RemotePhone
from testbed.sandbox import Sandbox
from tests.conftest import PROJECT
from tests.e2e.acd_harness import (
    agent_phones,
    facts,
    login,
    queue,
    running_server,
    until,
    write_config,
)

pytestmark = pytest.mark.e2e

CALLERS = 30
LIMIT_S, STEP_S = 60.0, 1.0
ANNOUNCE_S = 5.0  # the announced estimates are the test's window on the rule
CALLER_IPS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7")


def _saturation(config: dict[str, Any]) -> None:
    sales = queue(config, "sales")
    sales.update(
        members=["1001", "1003"],
        join_empty=[],
        max_length=0,
        default_handle_s=20,
        announce_every_s=ANNOUNCE_S,
        overflow_check_s=STEP_S,
        overflow=[
            {"when": {"estimated_wait_over": LIMIT_S}, "to": {"centre": "partner", "dial": "200"}}
        ],
    )


@pytest.mark.timeout(300)  # 30 calls through 2 agents: about 90 s on this machine
async def test_saturation_sends_callers_to_the_other_centre_with_their_caller_id(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _saturation)
    partner = RemotePhone(phones_dir, "127.0.0.9", 5070, name="partner", talk_ms=1500)
    await partner.start()
    talk = {"ring_ms": 300, "talk_ms": 6000}
    try:
        async with (
            running_server(config, tmp_path) as server,
            agent_phones(sandbox, phones_dir, {"1001": talk, "1003": talk}),
        ):
            await login(server, "1001", "1003")
            callers = [
                CallerPhone(phones_dir, f"06440000{i:02d}", ip=CALLER_IPS[i % 6])
                for i in range(CALLERS)
            ]
            for caller in callers:
                await caller.dial("100", CallerScript(), hold_ms=180_000)
                await asyncio.sleep(0.2)  # callers arrive one after another, not all at once
            await asyncio.gather(*(c.finished(240) for c in callers))
            await until(server, lambda s: _waiting(s, "sales") == 0)
    finally:
        await partner.stop()
    journal = facts(tmp_path)

    numbers = {f.call_id: f.caller for f in journal if isinstance(f, CallEntered)}
    overflowed = {f.call_id: f for f in journal if isinstance(f, CallOverflowed)}
    answered = {f.call_id for f in journal if isinstance(f, CallAnswered)}
    assert len(numbers) == CALLERS
    assert overflowed, "30 callers on 2 agents: some must have gone to the other centre"
    assert answered, "the first callers are answered here"
    assert set(overflowed) | answered == set(numbers)  # every caller: one or the other
    assert not set(overflowed) & answered
    assert not [f for f in journal if isinstance(f, CallAbandonedInQueue)]
    # The other centre got each overflowing caller, with their own caller ID (in From,
    # not asserted in P-Asserted-Identity: we have not verified it), on 200.
    invites = partner.invites()
    assert sorted(i.caller for i in invites) == sorted(numbers[c] for c in overflowed)
    assert {i.dialled for i in invites} == {"200"}
    assert all(i.asserted == "" for i in invites)
    # No caller stayed past the limit by more than a check step. The limit is on the
    # estimated wait, which the journal shows each time a caller hears it: a caller
    # answered here never heard an estimate over the limit, and a caller sent away was
    # sent within one step of the first estimate over it (or at entry).
    for fact in overflowed.values():
        assert fact.seen == -1 or fact.seen > LIMIT_S  # the rule held when it fired
        assert fact.to == "centre"
    heard = [f for f in journal if isinstance(f, CallAnnounced)]
    for call in answered:
        assert all(a.estimated_wait_s <= LIMIT_S for a in heard if a.call_id == call)
    for call, fact in overflowed.items():
        over = [a.at for a in heard if a.call_id == call and a.estimated_wait_s > LIMIT_S]
        assert not over or fact.at - min(over) <= STEP_S + 0.01


def _waiting(status: dict[str, Any], name: str) -> int:
    return int(next(q for q in status["queues"] if q["name"] == name)["waiting"])


def _closed_today(config: dict[str, Any]) -> None:
    today = time.strftime("%Y-%m-%d")
    config["calendars"] = {
        "holiday": {
            "timezone": "Europe/Paris",
            "hours": {"mon-sun": ["00:00-24:00"]},
            "closures": [{"date": today, "label": "test holiday"}],
        }
    }
    queue(config, "sales").update(calendar="holiday", closed={"voicemail": "500"})


async def test_a_holiday_gets_the_closed_treatment_and_a_voicemail_is_kept(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _closed_today)
    done: asyncio.Queue[AmiEvent] = asyncio.Queue()
    ami.subscribe(
        lambda e: done.put_nowait(e) if e.get("UserEvent") == "AcdOverflowDone" else None,
        "UserEvent",
    )
    before = _messages(sandbox, "500")
    async with running_server(config, tmp_path) as server:
        caller = CallerPhone(phones_dir, "0655000001", ip="127.0.0.2")
        # A phone sends audio all along: through the greeting and the beep (about 10 s),
        # then into the recording, until the caller hangs up at 15 s.
        script = CallerScript().say(PCMU, tone_frames(14_500))
        await caller.dial("100", script, hold_ms=15_000)
        event = await asyncio.wait_for(done.get(), 60)
        await caller.finished(60)
        await until(server, lambda s: _waiting(s, "sales") == 0)
    journal = facts(tmp_path)

    [overflow] = [f for f in journal if isinstance(f, CallOverflowed)]
    assert (overflow.when, overflow.to, overflow.target) == ("closed", "voicemail", "500")
    assert not [f for f in journal if isinstance(f, CallAnswered)]
    assert (event.get("Target"), event.get("Status")) == ("voicemail", "SUCCESS")
    new = [m for m in _messages(sandbox, "500") if m not in before]
    assert len(new) == 1
    assert "0655000001" in new[0]["caller_id"]
    assert _size(new[0]["audio"]) > 1000  # about 4 s of speech recorded
    assert new[0]["duration_s"] >= 2


def _size(path: str | None) -> int:
    return Path(path).stat().st_size if path else 0


def _messages(sandbox: Sandbox, mailbox: str) -> list[dict[str, Any]]:
    """What `acd voicemail list --json` says: the operator's command, run as they would."""
    spool = sandbox.layout.rootfs / "var/spool/asterisk"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "acd",
            "voicemail",
            "list",
            "--mailbox",
            mailbox,
            "--json",
            "--spool",
            str(spool),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    messages: list[dict[str, Any]] = json.loads(result.stdout)["messages"]
    return messages
