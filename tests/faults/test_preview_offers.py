"""Preview offers on a real lead book: an agent gets the next lead the calling rules allow
now (a listed one is passed over and closed), the same lead until they decide, a skipped
lead comes back later; and every "not now" says why (not a preview campaign, not
started, not the agent's campaign, no lead, not ready)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from acd.adapters.dialer.book import BookLead, LeadBook
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.adapters.dialer.flights import RunState
from acd.adapters.dialer.preview import SKIPPED_FOR_S, PreviewError, PreviewParts, Previews
from acd.adapters.dialer.service import Dialer
from acd.core.compliance import DoNotCall
from acd.core.compliance.rule_set import Purpose
from dialer.campaign.model import Mode
from tests.faults.test_lead_book import MONDAY_11, _campaign

ANN, BOB, LISTED = "+33612345678", "+33612345679", "+33612345670"


class _Ami:
    def subscribe(self, callback: Any, event_name: str | None = None) -> Any:
        return lambda: None


def _previews(tmp_path: Path, ready: bool = True) -> tuple[Previews, Dialer, LeadBook]:
    book = LeadBook(tmp_path / "journal.sqlite3")
    winback = dataclasses.replace(
        _campaign("winback", Purpose.EXISTING_CUSTOMER), mode=Mode.PREVIEW
    )
    checks = CampaignChecks(book, company_list(DoNotCall(frozenset({LISTED})), ("dnc.txt",)))
    dialer = Dialer(
        campaigns={"winback": winback},
        book=book,
        customers=None,  # type: ignore[arg-type]  # offers dial nothing
        check=checks.check,
        free_agents=lambda _: 0,
        record=lambda facts: None,
        clock=lambda: MONDAY_11,
    )
    parts = PreviewParts(
        ami=_Ami(),  # type: ignore[arg-type]
        customers=None,  # type: ignore[arg-type]
        check=checks.check,
        members=lambda campaign: {"1001", "1002"},
        agent_ready=lambda agent: ready,
        feed=lambda event: pytest.fail("nothing fed"),
        speak=None,  # type: ignore[arg-type]
        record=lambda facts: None,
        clock=lambda: MONDAY_11,
    )
    leads = [BookLead(LISTED, "Listed"), BookLead(ANN, "Ann", reference="C-1"), BookLead(BOB)]
    book.add("winback", leads, at=0.0)
    return Previews(dialer, book, parts), dialer, book


def test_the_next_allowed_lead_until_the_agent_decides(tmp_path: Path) -> None:
    previews, dialer, book = _previews(tmp_path)
    dialer.set_state("winback", RunState.RUNNING)
    first = previews.offer("winback", "1001")
    assert (first.number, first.name, first.reference, first.dials) == (ANN, "Ann", "C-1", 0)
    assert previews.offer("winback", "1001") == first
    assert previews.offer("winback", "1002").number == BOB  # not Ann: she is being read
    assert book.next_due("winback") is not None
    assert LISTED not in [lead.number for lead in book.leads("winback")]  # closed
    assert previews.skip("winback", "1001").number == ANN
    assert book.due("winback", MONDAY_11 + SKIPPED_FOR_S, 5, {BOB}) == [ANN]
    with pytest.raises(PreviewError, match="no lead to call now"):
        previews.offer("winback", "1001")  # Ann comes back in 15 minutes


def test_every_refusal_says_why(tmp_path: Path) -> None:
    previews, dialer, _ = _previews(tmp_path, ready=False)
    with pytest.raises(PreviewError, match="winback is stopped: start it first"):
        previews.offer("winback", "1001")
    dialer.set_state("winback", RunState.RUNNING)
    with pytest.raises(PreviewError, match="agent 1003 does not work campaign winback"):
        previews.offer("winback", "1003")
    with pytest.raises(PreviewError, match="no lead to accept: ask for one first"):
        previews.accept("winback", "1001")
    with pytest.raises(PreviewError, match="no lead to skip"):
        previews.skip("winback", "1001")
    previews.offer("winback", "1001")
    with pytest.raises(PreviewError, match="agent 1001 is not ready"):
        previews.accept("winback", "1001")
    with pytest.raises(LookupError, match="no campaign 'nope'"):
        previews.offer("nope", "1001")


class _BrokenAmi(_Ami):
    """Asterisk's link fails in a way nobody foresaw."""

    def __init__(self) -> None:
        self.whispers: list[str] = []

    async def originate(self, channel: str, **fields: Any) -> Any:
        self.whispers.append(fields["variables"]["ACD_WHISPER"])
        raise RuntimeError("connection reset in the middle of a frame")


async def test_an_accepted_lead_that_fails_never_leaves_the_agent_held(tmp_path: Path) -> None:
    previews, dialer, _ = _previews(tmp_path)
    fed: list[object] = []
    broken = _BrokenAmi()

    async def no_voice(text: str) -> str:
        raise OSError("espeak-ng: not installed")

    parts = dataclasses.replace(
        previews._p,
        ami=broken,  # type: ignore[arg-type]  # a fake of the one call used
        feed=fed.append,
        speak=no_voice,
    )
    previews = Previews(dialer, previews._book, parts)
    dialer.set_state("winback", RunState.RUNNING)
    previews.offer("winback", "1001")
    previews.accept("winback", "1001")
    await asyncio.gather(*dialer._dials)
    assert broken.whispers == [""]  # no name to say: the call went on without it
    assert [type(event).__name__ for event in fed] == ["AgentPaused", "AgentUnpaused"]
