"""Agents' dispositions on a real lead book: each applies once to the agent's last
campaign call; do-not-call opts the number out of every campaign before the next dial;
a refusal holds every campaign off for 60 days in France; a callback brings the lead
back at the time given; a wrong digit or an agent without a call changes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from acd.adapters.dialer.book import BookLead, LeadBook
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.adapters.dialer.dispositions import DispositionError, Dispositions
from acd.adapters.dialer.flights import Flight, Run, RunState
from acd.adapters.dialer.service import Dialer
from acd.core.compliance import DoNotCall
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.rule_set import Purpose
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDisposition, NumberOptedOut
from dialer.campaign.model import CallbackOwner
from tests.faults.test_lead_book import MONDAY_11, _campaign

ANN, BOB = "+33612345678", "+33612345679"
DAY_S = 86_400.0


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.now = MONDAY_11
        self.facts: list[Fact] = []
        self.book = LeadBook(tmp_path / "journal.sqlite3")
        campaigns = {
            "renewals": _campaign("renewals", Purpose.EXISTING_CUSTOMER),
            "winback": _campaign("winback", Purpose.EXISTING_CUSTOMER),
        }
        self.dialer = Dialer(
            campaigns=campaigns,
            book=self.book,
            customers=None,  # type: ignore[arg-type]  # nothing is dialled here
            check=lambda *_: pytest.fail("no dial"),
            free_agents=lambda _: 0,
            record=self.record,
            clock=lambda: self.now,
        )
        self.dispositions = Dispositions(self.dialer, self.book, self.record, lambda: self.now)
        self.checks = CampaignChecks(self.book, company_list(DoNotCall(), ()))
        for name in campaigns:
            self.book.add(name, [BookLead(ANN), BookLead(BOB)], at=0.0)

    def record(self, facts: Sequence[Fact]) -> None:
        self.facts.extend(facts)

    def answered(self, agent: str, number: str, campaign: str = "renewals") -> None:
        """The agent took a campaign call to ``number``."""
        call_id = f"call-{len(self.facts)}"
        attempt = self.book.begin(campaign, number, call_id, self.now)
        self.dialer.runs[campaign].flights[call_id] = Flight(call_id, campaign, number, attempt)
        self.dialer.ended(call_id, DialOutcome.ANSWERED, agent)

    def refused_by(self, number: str, campaign: str = "winback") -> tuple[str, ...]:
        return self.checks.check(self.dialer.runs[campaign].campaign, number, self.now).refused_by


def test_do_not_call_opts_out_of_every_campaign_at_once(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.answered("1001", ANN)
    assert world.dispositions.dispose("1001", "4") == "do_not_call"  # the phone's digit
    assert world.refused_by(ANN) == ("do_not_call", "after_refusal")  # anywhere, at once
    assert world.refused_by(BOB) == ()
    kinds = [(type(f).__name__, getattr(f, "number", "")) for f in world.facts[-2:]]
    assert kinds == [("LeadDisposition", ANN), ("NumberOptedOut", ANN)]
    assert isinstance(world.facts[-1], NumberOptedOut)
    assert world.facts[-1].source == "disposition"


def test_a_refusal_holds_every_campaign_off_for_60_days(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.answered("1002", BOB)
    assert world.dispositions.dispose("1002", "not_interested") == "not_interested"
    assert world.refused_by(BOB) == ("after_refusal",)
    world.now += 59 * DAY_S
    assert "after_refusal" in world.refused_by(BOB)
    world.now += 2 * DAY_S
    assert "after_refusal" not in world.refused_by(BOB)


def test_a_callback_brings_the_lead_back_at_the_time_given(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.answered("1001", ANN)
    assert world.book.next_due("renewals") == 0.0  # Bob; Ann is done after an answer
    later = world.now + 3 * 3600
    assert world.dispositions.dispose("1001", "callback", callback_at=later) == "callback"
    assert world.book.due("renewals", later, 5, {BOB}) == [ANN]
    assert world.book.due("renewals", later - 1, 5, {BOB}) == []


def test_one_disposition_per_call_and_only_known_codes(tmp_path: Path) -> None:
    world = World(tmp_path)
    with pytest.raises(DispositionError, match="no campaign call"):
        world.dispositions.dispose("1001", "sale")
    world.answered("1001", ANN)
    with pytest.raises(DispositionError, match=r"no disposition '9' \(known: 1 sale, 2 not_"):
        world.dispositions.dispose("1001", "9")
    assert world.dispositions.by_phone("1001", "1")
    assert not world.dispositions.by_phone("1001", "1")  # set already: once per call
    disposed = [f for f in world.facts if isinstance(f, LeadDisposition)]
    assert [(f.agent_id, f.number, f.disposition) for f in disposed] == [("1001", ANN, "sale")]
    assert [d.code for d in world.book.dispositions("renewals")] == ["sale"]


def test_a_callback_for_the_agent_is_theirs_until_an_hour_after_it_is_due(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    run = world.dialer.runs["renewals"]
    run.campaign = dataclasses.replace(run.campaign, callbacks=CallbackOwner.AGENT)
    placed: list[tuple[str, str]] = []

    def call_back(run: Run, number: str, agent: str) -> bool:
        placed.append((number, agent))
        return True

    world.dialer.call_back = call_back
    world.answered("1001", ANN)
    due = world.now + 600
    world.dispositions.dispose("1001", "callback", callback_at=due)
    assert world.book.owned_due("renewals", due) == [(ANN, "1001")]
    assert world.book.owned_due("renewals", due - 1) == []
    assert world.book.due("renewals", due, 5, {BOB}, owned_until=due) == []  # not for anyone
    assert world.book.due("renewals", due + 3601, 5, {BOB}, owned_until=due + 1) == [ANN]
    world.dialer.set_state("renewals", RunState.RUNNING)
    world.now = due
    world.dialer._fill_all()  # the service's loop, one turn
    assert placed == [(ANN, "1001")]


def test_a_callback_for_anyone_has_no_owner(tmp_path: Path) -> None:
    world = World(tmp_path)  # campaigns default to callbacks: anyone
    world.answered("1001", ANN)
    world.dispositions.dispose("1001", "3", callback_at=world.now + 600)
    assert world.book.owned_due("renewals", world.now + 600) == []
    assert world.book.due("renewals", world.now + 600, 5, {BOB}) == [ANN]
