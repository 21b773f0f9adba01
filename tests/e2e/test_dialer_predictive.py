"""A predictive campaign end to end on the sandbox Asterisk: 30 SIPp customers (a third
answer, the others ring out or are busy) and 4 registered agent phones; every person who
answers is put through to an agent or given the information message within 2 s (timed
from AMI: the customer's channel up, then the bridge or the message); the abandon rate of
`acd report dialer` is the one the phones and Asterisk show; every dial is explained by a
journaled pacing decision; and a blended agent takes an inbound caller while the campaign
still has leads to dial.

30 leads bring 10 live answers: fewer than the pacer needs before dialling ahead of its
agents (and 3 % of 10 allows no abandon), so it paces as progressive does, as the law
wants of a campaign that has no history yet. Dialling ahead is measured by
bench/dialer_efficiency.py, on the same pacing code."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from acd.asterisk.ami import AmiClient
from acd.asterisk.ami import Event as AmiEvent
from acd.core.engine.facts import CallAnswered, CallEntered
from acd.core.outbound.facts import LeadCallEnded, LeadDialled, PacingDecided
from testbed.phones import CallerPhone, CallerScript
from testbed.phones.customers import Customers
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import agent_phones, facts, login, queue, running_server, write_config
from tests.e2e.dialer_harness import CLOCK, acd, add_campaign, polled, settled

pytestmark = pytest.mark.e2e

AGENTS = ("1001", "1002", "1003", "1004")
BEHAVIOURS = ("1", "3", "4")  # a person, nobody answers, busy (testbed/phones/customers.py)
LEADS = tuple(f"+33612370{i:02d}{BEHAVIOURS[i % 3]}" for i in range(30))
CAMPAIGN = """
mode: predictive
queue: sales
max_lines: 12
calls_per_s: 5
max_dial_ratio: 3
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
ring_s: 15
retries: {max_attempts: 1}
information_message: This was Acme about your contract. Call us back on 01 70 00 00 00.
leads:
  columns: {number: phone}
"""


def _sales(config: dict[str, Any]) -> None:
    sales = queue(config, "sales")
    sales.update(members=list(AGENTS))
    sales.pop("whisper", None)  # a person who answered has 2 s to reach an agent


class Seen:
    """When the test saw each AMI event of the customers' legs (one clock: this process)."""

    def __init__(self, ami: AmiClient) -> None:
        self.up: dict[str, float] = {}
        self.bridged: dict[str, float] = {}
        self.message: dict[str, float] = {}
        ami.subscribe(self._state, "Newstate")
        ami.subscribe(self._bridge, "BridgeEnter")
        ami.subscribe(self._user, "UserEvent")

    def _state(self, event: AmiEvent) -> None:
        leg = event.get("Uniqueid") or ""
        if leg.startswith("acd-dl-") and event.get("ChannelStateDesc") == "Up":
            self.up.setdefault(leg, time.monotonic())

    def _bridge(self, event: AmiEvent) -> None:
        self.bridged.setdefault(event.get("Uniqueid") or "", time.monotonic())

    def _user(self, event: AmiEvent) -> None:
        if event.get("UserEvent") == "AcdInformationMessage":
            self.message.setdefault(event.get("CallId") or "", time.monotonic())


@pytest.mark.timeout(420)
async def test_a_predictive_campaign_puts_every_answer_through_or_informs_it_in_2_s(
    sandbox: Sandbox, ami: AmiClient, tmp_path: Path, phones_dir: Path
) -> None:
    config = write_config(tmp_path, _sales)
    assert "30 leads added" in add_campaign(config, "outbound", CAMPAIGN, _csv()).stdout
    seen = Seen(ami)
    customers = Customers(phones_dir, "127.0.0.8", 5070, ring_ms=800, hold_ms=20_000)
    await customers.start()
    talk = {"ring_ms": 300, "talk_ms": 3000}
    try:
        async with (
            running_server(config, tmp_path, CLOCK) as server,
            agent_phones(sandbox, phones_dir, dict.fromkeys(AGENTS, talk)),
        ):
            await login(server, *AGENTS)
            acd(config, "dialer", "start", "outbound")
            await polled(lambda: len(customers.invites()) >= 10, 60)
            # A customer calls the sales line mid-campaign: inbound comes first.
            caller = CallerPhone(phones_dir, "0700000099", ip="127.0.0.2")
            await caller.dial("100", CallerScript(), hold_ms=8000)
            await settled(server, "outbound", calls=30, timeout_s=300)
            status = acd(config, "dialer", "status").stdout
            await caller.finished(60)
    finally:
        await customers.stop()

    journal = facts(tmp_path)
    assert sorted(i.dialled for i in customers.invites()) == sorted(LEADS)  # each once
    people = [n for n in LEADS if n.endswith("1")]
    ended = {f.call_id: f for f in journal if isinstance(f, LeadCallEnded)}
    live = [c for c, f in ended.items() if f.number in people]
    assert len(live) == len(people) == len(seen.up)
    for leg in live:  # put through, or told who called, within 2 s of answering
        reached = seen.bridged.get(leg, seen.message.get(leg))
        assert reached is not None, leg
        assert reached - seen.up[leg] <= 2.0, (leg, reached - seen.up[leg])
    abandoned = [leg for leg in live if leg not in seen.bridged]
    assert set(abandoned) == set(seen.message)
    report_args = ("report", "dialer", "--from", "2026-12-07", "--format", "json")
    (row,) = json.loads(acd(config, *report_args).stdout)["campaigns"]
    assert (row["live"], row["abandoned"]) == (len(live), len(abandoned))
    assert row["abandon_rate"] == pytest.approx(len(abandoned) / len(live))
    # Every dial is explained: journaled decisions placed at least as many calls.
    decisions = [f for f in journal if isinstance(f, PacingDecided)]
    dialled = [f for f in journal if isinstance(f, LeadDialled)]
    assert sum(d.dials for d in decisions) >= len(dialled)
    assert all(dict(d.figures)["agents_free_expected"] >= 0 for d in decisions)
    assert "dial level" in status
    # The inbound caller was answered by an agent while the campaign still dialled.
    (inbound,) = [
        f
        for f in journal
        if isinstance(f, CallEntered) and f.queue == "sales" and not f.call_id.startswith("acd-dl-")
    ]
    (taken,) = [f for f in journal if isinstance(f, CallAnswered) and f.call_id == inbound.call_id]
    assert taken.agent_id in AGENTS
    assert any(f.at > taken.at for f in dialled)


def _csv() -> str:
    return "phone\n" + "\n".join(LEADS) + "\n"
