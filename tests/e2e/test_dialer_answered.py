"""What a person who answers a campaign's call gets, end to end on the sandbox Asterisk:
an automated message where 9 opts out (never called again, by any campaign) and 1 reaches
an agent; and, in a progressive campaign with no agent answering within 2 s, the
information message (seen in AMI) and an abandoned call."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import CallAnswered
from acd.core.outbound.facts import LeadCallEnded, NumberOptedOut
from testbed.phones.customers import Customers
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import agent_phones, facts, login, queue, running_server, write_config
from tests.e2e.dialer_harness import CLOCK, MONDAY, acd, add_campaign, settled

pytestmark = pytest.mark.e2e

PRESSES_ONE, PRESSES_NINE, PERSON = "+33612340016", "+33612340027", "+33612340031"
REMINDERS = """
mode: agentless
trunk: carrier
caller_id: "+33162000000"
rule_set: FR
max_lines: 2
calls_per_s: 5
message:
  text: Hello, this is Acme. Your parcel arrives tomorrow. Press 1 to talk to us, or 9
    to stop these calls.
  queue: support
  opt_out_confirmation: You will not be called again. Goodbye.
information_message: This was Acme, 01 62 00 00 00. To stop our calls, call that number.
leads:
  columns:
    {number: phone, consent_at: consent, consent_channel: how, consent_proof: proof,
     consent_scope: scope}
"""
RENEWALS = """
mode: progressive
queue: sales
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
ring_s: 15
information_message: This was Acme about your contract. Call us back on 01 70 00 00 00.
leads:
  columns: {number: phone}
"""


def _queues(config: dict[str, Any]) -> None:
    queue(config, "support").update(members=["1002"])
    queue(config, "sales").update(members=["1001"])
    for name in ("support", "sales"):
        queue(config, name).pop("whisper", None)


@pytest.mark.timeout(240)
async def test_an_automated_call_where_9_opts_out_and_1_reaches_an_agent(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _queues)
    consent = "2026-10-01,web form,form v3,Acme"
    csv = f"phone,consent,how,proof,scope\n{PRESSES_ONE},{consent}\n{PRESSES_NINE},{consent}\n"
    assert "2 leads added" in add_campaign(config, "reminders", REMINDERS, csv).stdout
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=500, hold_ms=15_000)
    await customers.start()
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(sandbox, phones_dir, {"1002": {"ring_ms": 300, "talk_ms": 2000}}),
        ):
            await login(server, "1002")
            acd(config, "dialer", "start", "reminders")
            await settled(server, "reminders", calls=2)
    finally:
        await customers.stop()

    journal = facts(tmp_path)
    (opted,) = [f for f in journal if isinstance(f, NumberOptedOut)]
    assert (opted.number, opted.source, opted.campaign) == (PRESSES_NINE, "keypress", "reminders")
    ended = {f.number: f for f in journal if isinstance(f, LeadCallEnded)}
    answered = {f.call_id: f.agent_id for f in journal if isinstance(f, CallAnswered)}
    assert answered.get(ended[PRESSES_ONE].call_id) == "1002"  # 1: put through to an agent
    assert ended[PRESSES_ONE].outcome == ended[PRESSES_NINE].outcome == "answered"
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        assert db.execute("SELECT number FROM dialer_opt_outs").fetchall() == [(PRESSES_NINE,)]
    # No campaign calls them again: another campaign's scrub finds them on the list.
    add_campaign(config, "renewals", RENEWALS, f"phone\n{PRESSES_NINE}\n{PRESSES_ONE}\n")
    scrub_args = ("dialer", "scrub", "renewals", "--json", "--at", MONDAY)
    scrub = json.loads(acd(config, *scrub_args).stdout)
    assert scrub == {"leads": 2, "dialable": 1, "blocked": {"do_not_call": 1}}


@pytest.mark.timeout(180)
async def test_no_agent_within_2_s_gives_the_information_message_and_an_abandon(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _queues)
    add_campaign(config, "renewals", RENEWALS, f"phone\n{PERSON}\n")
    messages: asyncio.Queue[AmiEvent] = asyncio.Queue()
    ami.subscribe(
        lambda e: messages.put_nowait(e) if e.get("UserEvent") == "AcdInformationMessage" else None,
        "UserEvent",
    )
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=500, hold_ms=15_000)
    await customers.start()
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            # The agent is ready but their phone only rings: nobody takes the person.
            agent_phones(sandbox, phones_dir, {"1001": {"ring_ms": None}}),
        ):
            await login(server, "1001")
            acd(config, "dialer", "start", "renewals")
            heard = await asyncio.wait_for(messages.get(), 60)
            await settled(server, "renewals", calls=1)
    finally:
        await customers.stop()

    (ended,) = [f for f in facts(tmp_path) if isinstance(f, LeadCallEnded)]
    assert (ended.number, ended.outcome) == (PERSON, "abandoned")
    assert heard.get("CallId") == ended.call_id
    assert heard.get("Campaign") == "renewals"
    report_args = ("report", "dialer", "--from", "2026-12-07", "--format", "json")
    (row,) = json.loads(acd(config, *report_args).stdout)["campaigns"]
    assert (row["live"], row["abandoned"], row["abandon_rate"]) == (1, 1, 1.0)
