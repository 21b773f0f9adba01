"""First-contact resolution (FCR) of the inbound calls answered in a period, two ways:

- by the agents' ticks: of the answered calls an agent wrapped up with a tick answer
  (acd/core/wrapup.py), the share ticked "resolved";
- by repeat calls: of the answered calls with a caller number, the share whose number
  did not call again (any queue) within ``repeat_s`` after that call entered. A call
  nearer the end of the facts than ``repeat_s`` is judged on the time there is: the
  figure for today is provisional.

Per queue, and all queues together (ALL). Calls a campaign made are not inbound calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from acd.core.engine.facts import CallAnswered, CallEntered
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDialled
from acd.core.report.period import Period
from acd.core.report.rates import ratio
from acd.core.wrapup import CallWrappedUp

ALL = "(all)"
ANONYMOUS = frozenset({"", "anonymous", "unknown", "restricted"})


@dataclass(frozen=True)
class FirstContact:
    queue: str
    answered: int
    ticked: int  # wrapped up with the tick answered (either way)
    resolved: int  # ... ticked "resolved"
    by_tick: float | None  # resolved / ticked
    with_number: int  # answered calls whose caller number is known
    repeated: int  # ... whose number called again within the window
    by_repeat: float | None  # 1 - repeated / with_number


@dataclass
class _Call:
    queue: str
    entered_at: float
    caller: str
    resolved: bool | None = None


def first_contact(facts: Sequence[Fact], period: Period, repeat_s: float) -> list[FirstContact]:
    outbound = {f.call_id for f in facts if isinstance(f, LeadDialled)}
    entries = [f for f in facts if isinstance(f, CallEntered) and f.call_id not in outbound]
    first_entry: dict[str, CallEntered] = {}
    for entry in entries:
        first_entry.setdefault(entry.call_id, entry)
    answered: dict[str, _Call] = {}
    for fact in facts:
        if isinstance(fact, CallAnswered) and fact.call_id in first_entry:
            entry = first_entry[fact.call_id]
            if period.contains(entry.at):
                answered[fact.call_id] = _Call(fact.queue, entry.at, entry.caller)
        elif isinstance(fact, CallWrappedUp) and fact.call_id in answered:
            answered[fact.call_id].resolved = fact.resolved
    calls_of = _entries_by_number(first_entry.values())
    rows: dict[str, list[_Call]] = defaultdict(list)
    for call in answered.values():
        rows[call.queue].append(call)
        rows[ALL].append(call)
    return [_row(q, rows[q], calls_of, repeat_s) for q in sorted(rows, key=lambda q: q == ALL)]


def _entries_by_number(entries: Iterable[CallEntered]) -> dict[str, list[float]]:
    by_number: dict[str, list[float]] = defaultdict(list)
    for entry in entries:
        if entry.caller.strip().lower() not in ANONYMOUS:
            by_number[entry.caller].append(entry.at)
    return by_number


def _row(
    queue: str, calls: list[_Call], calls_of: dict[str, list[float]], repeat_s: float
) -> FirstContact:
    ticked = [c for c in calls if c.resolved is not None]
    resolved = sum(1 for c in ticked if c.resolved)
    known = [c for c in calls if c.caller.strip().lower() not in ANONYMOUS]
    repeated = sum(
        1
        for c in known
        if any(c.entered_at < at <= c.entered_at + repeat_s for at in calls_of[c.caller])
    )
    return FirstContact(
        queue=queue,
        answered=len(calls),
        ticked=len(ticked),
        resolved=resolved,
        by_tick=ratio(resolved, len(ticked)),
        with_number=len(known),
        repeated=repeated,
        by_repeat=None if not known else 1.0 - repeated / len(known),
    )
