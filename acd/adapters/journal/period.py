"""The facts a report over a period needs, read from the journal: each agent's last state
before it (so their time in the period is whole), then everything from its start to a
margin after its end (so calls that entered in it have their outcome)."""

from __future__ import annotations

from pathlib import Path

from acd.adapters.journal.store import Journal
from acd.core.facts import Fact

OUTCOME_MARGIN_S = 6 * 3600.0  # a call that entered in the period ends within this


def facts_for_period(path: Path, since: float, until: float) -> list[Fact]:
    with Journal.open(path, create=False) as journal:
        before = [row.fact for row in journal.agent_states_before(since)]
        during = [row.fact for row in journal.read(since, until + OUTCOME_MARGIN_S)]
    return before + during
