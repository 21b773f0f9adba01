"""A progressive campaign end to end: leads imported from CSV, dialled on the carrier
trunk to SIPp customers (a person, a machine, nobody, busy, congestion: by the number's
last digit, testbed/phones/customers.py), people put through to registered agent phones
in one bridge, machines hung up on after AMD, no-answers and busies retried per the
campaign's rules; numbers on a do-not-call list in five written forms, a lead without
consent and one outside its calling window never get an INVITE (seen at the SIPp side)
and are counted under their rule; agents' dispositions from the phone and the CLI. The
server's clock starts on a Monday morning in Paris (a weekday inside the French calling
hours), whatever day the test runs."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.compliance.facts import DialChecked
from acd.core.engine.facts import CallAnswered
from acd.core.outbound.facts import (
    AmdVerdict,
    LeadCallEnded,
    LeadDialled,
    LeadDisposition,
    NumberOptedOut,
)
from testbed.phones.customers import Customers
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import agent_phones, facts, login, queue, running_server, write_config
from tests.e2e.dialer_harness import CLOCK, MONDAY, acd, add_campaign, polled, settled

pytestmark = pytest.mark.e2e


def _number(index: int, behaviour: str) -> str:
    """A lead's number; its last digit says how the SIPp customer answers."""
    return f"+33612350{index:02d}{behaviour}"


PEOPLE = tuple(_number(i, "1") for i in range(12))
MACHINES = tuple(_number(i, "2") for i in range(30, 33))
ABSENT = tuple(_number(i, "3") for i in range(40, 43))
BUSY = tuple(_number(i, "4") for i in (50, 51))
CONGESTED = _number(60, "5")
LISTED = tuple(_number(i, "1") for i in range(70, 75))
NO_CONSENT, OUTSIDE_HOURS = _number(80, "1"), _number(81, "1")
# The company's own list, as a spreadsheet exports it (Latin-1, CRLF): five written
# forms of the numbers of LISTED.
LISTED_FILE = (
    "# Liste d'opposition, mise à jour du 1er décembre\r\n"
    "+33612350701\r\n06 12 35 07 11\r\n06.12.35.07.21\r\n0033612350731\r\n"
    "+33 (0)6 12 35 07 41\r\n"
).encode("latin-1")
CAMPAIGN = """
mode: progressive
queue: sales
max_lines: 4
calls_per_s: 5
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: prospecting
ring_s: 15
machine_detection: {enabled: true, on_machine: hang_up}
retries:
  max_attempts: 4
  no_answer: {delay_min: 0.1, max_attempts: 2}
  busy: {delay_min: 0.1, max_attempts: 2}
  congestion: {delay_min: 0.1, max_attempts: 1}
  machine: {max_attempts: 1}
information_message: >
  This was Acme about your contract. Call us back on 01 70 00 00 00.
  To stop our calls, tell us so on that number.
do_not_call: [listed.txt]
leads:
  country: FR
  columns:
    {number: phone, name: name, time_zone: zone, consent_at: consent,
     consent_channel: channel, consent_proof: proof, consent_scope: scope}
"""
AGENTS = ("1001", "1002", "1003")


def _sales(config: dict[str, Any]) -> None:
    sales = queue(config, "sales")
    sales.update(members=list(AGENTS))
    sales.pop("whisper", None)  # a person who answered has 2 s to reach an agent


def _leads_csv() -> str:
    consent = "2026-09-01,web form,form v3,Acme"
    rows = ["phone,name,zone,consent,channel,proof,scope"]
    dialled = (*PEOPLE, *MACHINES, *ABSENT, *BUSY, CONGESTED, *LISTED)
    for i, number in enumerate(dialled):
        national = "0" + number[3:]
        rows.append(f"{national if i % 2 else number},Lead {i},,{consent}")
    rows.append(f"{NO_CONSENT},No consent,,,,,")
    rows.append(f"{OUTSIDE_HOURS},In Guadeloupe,America/Guadeloupe,{consent}")  # 6:00 there
    rows.append(f"not a number,Bad row,,{consent}")
    return "\n".join(rows) + "\n"


@pytest.mark.timeout(480)
async def test_a_progressive_campaign_runs_to_the_end(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _sales)
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "renewals.yaml").write_text(CAMPAIGN)
    (campaigns / "listed.txt").write_bytes(LISTED_FILE)
    (tmp_path / "leads.csv").write_text(_leads_csv())
    bridges: dict[str, set[str]] = {}

    def on_bridge(event: AmiEvent) -> None:
        bridges.setdefault(event.get("BridgeUniqueid") or "", set()).add(
            event.get("Uniqueid") or ""
        )

    ami.subscribe(on_bridge, "BridgeEnter")
    imported = acd(config, "dialer", "import", "renewals", str(tmp_path / "leads.csv"))
    assert "28 leads added" in imported.stdout
    assert "1 rows rejected" in imported.stdout
    assert "leads.csv:30: 'not a number' is not a phone number" in imported.stderr
    scrub_args = ("dialer", "scrub", "renewals", "--json", "--at", MONDAY)
    scrub = json.loads(acd(config, *scrub_args).stdout)
    blocked = {"do_not_call": 5, "consent": 1, "calling_window": 1}
    assert scrub == {"leads": 28, "dialable": 21, "blocked": blocked}

    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=800, hold_ms=20_000)
    await customers.start()
    talk = {"ring_ms": 300, "talk_ms": 2500}
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(sandbox, phones_dir, dict.fromkeys(AGENTS, talk)) as phones,
        ):
            await login(server, *AGENTS)
            acd(config, "dialer", "start", "renewals")
            # 12 people, 3 machines, nobody 3 x 2, busy 2 x 2, congestion once.
            await settled(server, "renewals", calls=26, timeout_s=360)
            status = acd(config, "dialer", "status").stdout
            # Dispositions at wrap-up: from the phone (*45, digit 1: sale) and the CLI.
            await phones["1001"].dial("*451")
            acd(config, "dialer", "dispose", "1002", "do_not_call")
            acd(config, "dialer", "dispose", "1003", "2")  # not interested
            await polled(lambda: len(_dispositions(tmp_path)) == 3, 10)
    finally:
        await customers.stop()

    invites = customers.invites()
    dialled = Counter(invite.dialled for invite in invites)
    twice = (*ABSENT, *BUSY)
    assert dialled == Counter(
        {**dict.fromkeys(twice, 2), **dict.fromkeys(PEOPLE + MACHINES, 1), CONGESTED: 1}
    )
    assert not {*LISTED, NO_CONSENT, OUTSIDE_HOURS} & set(dialled)  # never an INVITE
    assert {i.caller for i in invites} == {"+33170000000"}
    journal = facts(tmp_path)
    ended = {(f.number, f.attempt): f for f in journal if isinstance(f, LeadCallEnded)}
    outcomes = Counter(f.outcome for f in ended.values())
    assert outcomes == Counter(answered=12, machine=3, no_answer=6, busy=4, congestion=1)
    assert len([f for f in journal if isinstance(f, LeadDialled)]) == sum(dialled.values())
    # Each person reached an agent, their leg and the agent's in one bridge.
    answered = {f.call_id: f.agent_id for f in journal if isinstance(f, CallAnswered)}
    for number in PEOPLE:
        (call,) = [f for f in ended.values() if f.number == number]
        assert answered[call.call_id] in AGENTS
        assert any(call.call_id in members and len(members) == 2 for members in bridges.values())
    assert set(answered.values()) == set(AGENTS)  # all three took calls
    verdicts = {f.call_id: f.status for f in journal if isinstance(f, AmdVerdict)}
    for number in MACHINES:
        (machine_call,) = [f for f in ended.values() if f.number == number]
        assert verdicts[machine_call.call_id] == "MACHINE"
    refused = {
        f.number: f.refused_by for f in journal if isinstance(f, DialChecked) and f.refused_by
    }
    assert {n: refused[n] for n in LISTED} == dict.fromkeys(LISTED, ("do_not_call",))
    assert (refused[NO_CONSENT], refused[OUTSIDE_HOURS]) == (("consent",), ("calling_window",))
    # Each disposition is on the agent's last call; do-not-call opted the number out.
    last = {f.agent_id: f.number for f in journal if isinstance(f, LeadCallEnded) and f.agent_id}
    disposed = {(f.agent_id, f.number, f.disposition) for f in _dispositions(tmp_path)}
    assert disposed == {
        ("1001", last["1001"], "sale"),
        ("1002", last["1002"], "do_not_call"),
        ("1003", last["1003"], "not_interested"),
    }
    opted = [(f.number, f.source) for f in journal if isinstance(f, NumberOptedOut)]
    assert opted == [(last["1002"], "disposition")]
    assert "renewals (progressive): running" in status
    # The report counts what the phones saw.
    report_args = ("report", "dialer", "--from", "2026-12-07", "--format", "json")
    report = json.loads(acd(config, *report_args).stdout)
    (row,) = report["campaigns"]
    assert row["dials"] == sum(dialled.values())
    assert row["right_party_contacts"] == 12
    assert row["abandoned"] == 0
    assert row["dispositions"] == {"do_not_call": 1, "not_interested": 1, "sale": 1}


def _dispositions(tmp: Path) -> list[LeadDisposition]:
    return [f for f in facts(tmp) if isinstance(f, LeadDisposition)]


KILLED_LEADS = tuple(f"+336123402{i}1" for i in range(6))
SHORT_CAMPAIGN = """
mode: progressive
queue: sales
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
calls_per_s: 5
retries:
  failed: {delay_min: 0.1, max_attempts: 2}
information_message: This was Acme about your contract. Call us back on 01 70 00 00 00.
leads:
  columns: {number: phone}
"""


@pytest.mark.timeout(300)
async def test_kill_9_mid_campaign_loses_no_lead_and_repeats_no_attempt(
    sandbox: Sandbox, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _sales)
    csv = "phone\n" + "\n".join(KILLED_LEADS) + "\n"
    add_campaign(config, "renewals", SHORT_CAMPAIGN, csv)
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=500, hold_ms=6_000)
    await customers.start()
    talk = {"ring_ms": 300, "talk_ms": 1500}
    try:
        async with agent_phones(sandbox, phones_dir, {"1001": talk, "1003": talk}):
            async with running_server(config, tmp_path, CLOCK) as server:
                await login(server, "1001", "1003")
                acd(config, "dialer", "start", "renewals")
                await polled(lambda: len(customers.invites()) >= 3, 60)  # mid-campaign
                await server.kill_9()
            async with running_server(config, tmp_path, CLOCK) as server:
                await login(server, "1001", "1003")
                # The campaign runs again by itself: it was running when the server died.
                await polled(lambda: _open_leads(tmp_path) == 0, 120)
                await settled(server, "renewals", calls=0)
    finally:
        await customers.stop()

    dialled = Counter(invite.dialled for invite in customers.invites())
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        rows = db.execute("SELECT number, attempt, outcome FROM dialer_attempts").fetchall()
    attempts = Counter(number for number, _, _ in rows)
    assert set(dialled) == set(KILLED_LEADS)  # none lost
    # Never two INVITEs for one attempt; an attempt cut by the kill before its INVITE left
    # is closed as failed (it may have gone out), so a lead may have one attempt more.
    assert all(0 <= attempts[n] - dialled[n] <= 1 for n in KILLED_LEADS)
    assert all(outcome is not None for _, _, outcome in rows)
    finals = {number: outcome for number, _, outcome in sorted(rows, key=lambda r: r[1])}
    assert all(outcome == "answered" for outcome in finals.values()), rows


def _open_leads(tmp: Path) -> int:
    """Leads still due, or with a dial whose outcome is not known."""
    with sqlite3.connect(tmp / "journal.sqlite3") as db:
        due = db.execute("SELECT COUNT(*) FROM dialer_leads WHERE next_at IS NOT NULL")
        (due_count,) = due.fetchone()
        unknown = db.execute("SELECT COUNT(*) FROM dialer_attempts WHERE outcome IS NULL")
        (open_count,) = unknown.fetchone()
    return int(due_count) + int(open_count)
