"""Each caller's stay in a queue, rebuilt from the journal's facts. Pure.

A *visit* starts with ENTERQUEUE (or is a refusal) and ends with its outcome: answered
(CONNECT, then COMPLETE or TRANSFER give the talk time), abandoned, exited or overflowed
(to another queue, where a new visit starts and remembers where it came from, or out of
the ACD; a callback offer does not end it). The
agent's wrap-up after the call (AGENTSTATE wrap_up until the next state) is added to
the visit the agent last completed.

Counting each call once: a second ENTERQUEUE of a call in the same queue while it is
still waiting there (a restarted server that journaled the entry again) is ignored; outcome
facts of a call whose entry is not in the facts (it entered before the facts read) are
ignored too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnswered,
    CallbackBooked,
    CallCompleted,
    CallConnectFailed,
    CallEntered,
    CallLeftQueue,
    CallOverflowed,
    CallRefused,
    CallTransferredOut,
    OfferMissed,
)
from acd.core.facts import Fact
from acd.core.lifecycle import ServerRestarted

WAITING, ANSWERED, ABANDONED, EXITED, REFUSED, OVERFLOWED = (
    "waiting",
    "answered",
    "abandoned",
    "exited",
    "refused",
    "overflowed",
)


@dataclass
class Visit:
    call_id: str
    queue: str
    entered_at: float  # for a refusal: when it was refused
    outcome: str = WAITING
    reason: str = ""  # exited: timeout | exitkey | ...; refused: full | ...; overflowed: target
    wait_s: float = 0.0  # entry to answer, abandon or exit
    agent_id: str = ""  # who answered
    talk_s: float | None = None  # known once the call is completed or transferred
    wrap_s: float = 0.0
    missed_by: list[str] = field(default_factory=list)  # agents who let it ring out
    overflowed_from: str = ""  # the queue an overflow rule sent this caller from
    callback: bool = False  # the caller booked a callback (its outcome tells how it went)

    @property
    def handled(self) -> bool:
        """Answered and over: its handle time (talk + wrap-up) is known."""
        return self.talk_s is not None

    @property
    def handle_s(self) -> float:
        return (self.talk_s or 0.0) + self.wrap_s


@dataclass
class _Wrap:
    started: float
    visit: Visit | None


class _Visits:
    def __init__(self) -> None:
        self.all: list[Visit] = []
        self.open: dict[str, Visit] = {}  # call id -> visit not over yet
        self.last_completed: dict[str, Visit] = {}  # agent -> the call they wrap up
        self.wrapping: dict[str, _Wrap] = {}  # agent -> wrap-up in progress
        self.moved_from: dict[str, str] = {}  # call id -> queue it overflowed from

    def add(self, fact: Fact) -> None:
        match fact:
            case CallEntered():
                known = self.open.get(fact.call_id)
                if known is None or known.queue != fact.queue or known.outcome != WAITING:
                    came_from = self.moved_from.pop(fact.call_id, "")
                    entry = Visit(fact.call_id, fact.queue, fact.at, overflowed_from=came_from)
                    self.open[fact.call_id] = self._new(entry)
            case CallRefused():
                self._new(
                    Visit(
                        call_id=fact.call_id,
                        queue=fact.queue,
                        entered_at=fact.at,
                        outcome=REFUSED,
                        reason=fact.reason,
                    )
                )
            case OfferMissed():
                if (visit := self.open.get(fact.call_id)) is not None:
                    visit.missed_by.append(fact.agent_id)
            case CallAnswered():
                if (visit := self.open.get(fact.call_id)) is not None:
                    visit.outcome, visit.wait_s = ANSWERED, fact.wait_s
                    visit.agent_id = fact.agent_id
            case CallConnectFailed():  # never talked: waiting again, from the same entry
                if (visit := self.open.get(fact.call_id)) is not None:
                    visit.outcome, visit.agent_id = WAITING, ""
            case CallAbandonedInQueue() | CallLeftQueue():
                self._end_wait(fact)
            case CallOverflowed() if fact.to != "callback":  # a callback offer keeps the place
                self._overflowed(fact)
            case CallbackBooked():
                if (visit := self.open.get(fact.call_id)) is not None:
                    visit.callback = True
            case CallCompleted() | CallTransferredOut():
                if (visit := self.open.pop(fact.call_id, None)) is not None:
                    visit.talk_s = fact.talk_s
                    self.last_completed[fact.agent_id] = visit
            case AgentStateChanged():
                self._agent_state(fact)
            case ServerRestarted():  # a wrap-up ends with the server: not the time away
                for agent_id in list(self.wrapping):
                    self._end_wrap(agent_id, fact.down_since)

    def _new(self, visit: Visit) -> Visit:
        self.all.append(visit)
        return visit

    def _end_wait(self, fact: CallAbandonedInQueue | CallLeftQueue) -> None:
        visit = self.open.pop(fact.call_id, None)
        if visit is None:
            return
        visit.wait_s = fact.wait_s
        if isinstance(fact, CallLeftQueue):
            visit.outcome, visit.reason = EXITED, fact.reason
        else:
            visit.outcome = ABANDONED

    def _overflowed(self, fact: CallOverflowed) -> None:
        visit = self.open.pop(fact.call_id, None)
        if visit is None:
            return
        visit.outcome, visit.wait_s = OVERFLOWED, fact.wait_s
        visit.reason = f"{fact.to} {fact.target}" if fact.to != "message" else "message"
        if fact.to == "queue":
            self.moved_from[fact.call_id] = fact.queue

    def _agent_state(self, fact: AgentStateChanged) -> None:
        if fact.previous == "wrap_up":
            self._end_wrap(fact.agent_id, fact.at)
        if fact.state == "wrap_up":
            self.wrapping[fact.agent_id] = _Wrap(
                fact.at, self.last_completed.pop(fact.agent_id, None)
            )

    def finish(self, now: float) -> None:
        for agent_id in list(self.wrapping):
            self._end_wrap(agent_id, now)

    def _end_wrap(self, agent_id: str, at: float) -> None:
        wrap = self.wrapping.pop(agent_id, None)
        if wrap is not None and wrap.visit is not None:
            wrap.visit.wrap_s += max(0.0, at - wrap.started)


def visits(facts: Iterable[Fact], now: float) -> list[Visit]:
    """Every visit found in ``facts`` (in journal order); a wrap-up still going on is
    counted up to ``now``."""
    found = _Visits()
    for fact in facts:
        found.add(fact)
    found.finish(now)
    return found.all
