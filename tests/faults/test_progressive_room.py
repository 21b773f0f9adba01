"""Progressive pacing counts each person once: a call ringing needs an agent soon; a
person already in the queue is counted there (waiting, or their agent being rung), not
again as a call in flight. (Counted three times, a campaign dialled a third of what its
ready agents could take.)"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from acd.adapters.dialer.book import BookLead, LeadBook
from acd.adapters.dialer.flights import Flight, RunState
from acd.adapters.dialer.service import Dialer
from acd.core.compliance.rule_set import Purpose
from tests.faults.test_lead_book import _campaign
from tests.faults.test_trunk_limits import _Clock, _Hanging


async def test_people_in_the_queue_are_not_counted_again_as_calls_in_flight(
    tmp_path: Path,
) -> None:
    clock = _Clock()
    book = LeadBook(tmp_path / "journal.sqlite3")
    campaign = dataclasses.replace(
        _campaign("renewals", Purpose.EXISTING_CUSTOMER), calls_per_s=100.0
    )
    book.add("renewals", [BookLead(f"+336123450{i:02d}") for i in range(20)], at=0.0)
    dialer = Dialer(
        campaigns={"renewals": campaign},
        book=book,
        customers=_Hanging(),  # type: ignore[arg-type]
        check=lambda *_: None,  # type: ignore[arg-type]
        free_agents=lambda queue: 4,  # ready agents less the callers nobody rings for yet
        record=lambda facts: None,
        clock=clock,
    )
    run = dialer.runs["renewals"]
    for i, queued in enumerate((True, True, False)):  # 2 people in the queue, 1 ringing
        run.flights[f"c{i}"] = Flight(f"c{i}", "renewals", f"+3361234599{i}", 1, queued=queued)
    dialer.set_state("renewals", RunState.RUNNING)
    for _ in range(10):  # turns of the service's loop, a second apart
        dialer._fill_all()
        clock.now += 1
    assert run.in_flight == 3 + 3  # 4 free agents, 1 call still ringing: 3 more calls
