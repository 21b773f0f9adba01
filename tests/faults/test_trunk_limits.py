"""A trunk's own limits (acd.yaml trunks: max_lines, calls_per_s) hold for every campaign
on it together: two automated campaigns that may each place 10 calls at once share a
trunk of 3 lines, and a trunk of 1 call per second lets one dial through per second
whichever campaign asks."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from acd.adapters.callcontrol.customer_leg import CustomerCall, Dialled
from acd.adapters.dialer import service
from acd.adapters.dialer.book import BookLead, LeadBook
from acd.adapters.dialer.flights import RunState
from acd.adapters.dialer.service import Dialer
from acd.core.compliance.rule_set import Purpose
from acd.core.settings.model import Trunk
from dialer.campaign.model import Mode
from tests.faults.test_lead_book import MONDAY_11, _campaign


class _Hanging:
    """Calls that stay up: the lines they hold are never freed during the test."""

    def __init__(self) -> None:
        self.dialled: list[str] = []

    async def dial(self, call: CustomerCall, check: object) -> Dialled:
        self.dialled.append(call.campaign)
        await asyncio.Event().wait()
        raise AssertionError("never")


class _Clock:
    def __init__(self) -> None:
        self.now = MONDAY_11

    def __call__(self) -> float:
        return self.now


def _dialer(tmp_path: Path, trunk: Trunk, clock: _Clock) -> tuple[Dialer, _Hanging]:
    book = LeadBook(tmp_path / "journal.sqlite3")
    campaigns = {}
    for name in ("reminders", "surveys"):
        base = _campaign(name, Purpose.EXISTING_CUSTOMER)
        campaigns[name] = dataclasses.replace(
            base, mode=Mode.AGENTLESS, max_lines=10, calls_per_s=100.0
        )
        leads = [BookLead(f"+3361234{name[0] == 'r':d}{i:03d}") for i in range(10)]
        book.add(name, leads, at=0.0)
    customers = _Hanging()
    dialer = Dialer(
        campaigns=campaigns,
        book=book,
        customers=customers,  # type: ignore[arg-type]
        check=lambda *_: None,  # type: ignore[arg-type]
        free_agents=lambda _: 0,
        record=lambda facts: None,
        clock=clock,
        trunks={"carrier": trunk},
    )
    for name in campaigns:
        dialer.set_state(name, RunState.RUNNING)
    return dialer, customers


async def test_the_trunks_lines_are_shared(tmp_path: Path) -> None:
    clock = _Clock()
    dialer, customers = _dialer(tmp_path, Trunk("carrier", ("127.0.0.8/32",), max_lines=3), clock)
    for _ in range(20):  # turns of the service's loop, a second apart
        dialer._fill_all()
        clock.now += 1
    await asyncio.sleep(0)
    assert sum(run.in_flight for run in dialer.runs.values()) == 3  # of 20 leads
    assert len(customers.dialled) == 3


async def test_the_trunks_calls_per_second_are_shared(tmp_path: Path) -> None:
    clock = _Clock()
    dialer, _ = _dialer(tmp_path, Trunk("carrier", ("127.0.0.8/32",), calls_per_s=1.0), clock)
    for _ in range(4):  # four seconds
        wait_s = dialer._fill_all()
        assert 0 < wait_s <= 1.0  # the next dial, of either campaign, a second later
        clock.now += 1
    assert sum(run.in_flight for run in dialer.runs.values()) == 4  # not 8: one trunk


async def test_a_turn_that_fails_does_not_end_dialling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "RETRY_TURN_S", 0.0)  # the next turn at once
    clock = _Clock()
    dialer, _ = _dialer(tmp_path, Trunk("carrier", ("127.0.0.8/32",)), clock)
    turns: list[int] = []

    def failing_turn() -> float:
        turns.append(1)
        if len(turns) == 1:
            raise RuntimeError("database is locked")
        raise asyncio.CancelledError  # the second turn came: stop the loop here

    dialer._fill_all = failing_turn  # type: ignore[method-assign]
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(dialer.serve(), timeout=30)
    assert len(turns) == 2
