"""The recent calls, for the agent's screen pop: who calls (their number), what they did
in the IVR menus (each step, CRM lookups included, as the journal has them), the queue
and how long they waited, and why this agent was offered the call (the engine's own
words). Built from the facts as the engine records them; the last KEEP calls only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from acd.core.engine.facts import CallAnswered, CallCompleted, CallEntered, CallOffered
from ivr.facts import IvrStep

KEEP = 5_000  # calls remembered: hours of a busy centre's screen pops


@dataclass
class CallCard:
    call_id: str
    caller: str = ""
    queue: str = ""
    entered_at: float | None = None
    ivr: list[dict[str, Any]] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)  # each agent offered, and why
    answered_by: str | None = None
    wait_s: float | None = None
    ended_at: float | None = None

    def for_agent(self, agent: str) -> dict[str, Any]:
        """As the agent sees it: the offer made to them (why them), not the others'."""
        mine = [o for o in self.offers if o["agent"] == agent]
        return {**self.as_dict(), "offers": mine}

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "caller": self.caller,
            "queue": self.queue,
            "entered_at": self.entered_at,
            "ivr": self.ivr,
            "offers": self.offers,
            "answered_by": self.answered_by,
            "wait_s": self.wait_s,
            "ended_at": self.ended_at,
        }


class RecentCalls:
    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._cards: OrderedDict[str, CallCard] = OrderedDict()

    def get(self, call_id: str) -> CallCard | None:
        return self._cards.get(call_id)

    def on_fact(self, fact: object) -> None:
        if isinstance(fact, IvrStep):
            step = {"menu": fact.menu, "node": fact.node, "outcome": fact.outcome}
            self._card(fact.call_id).ivr.append({**step, "detail": fact.detail})
        elif isinstance(fact, CallEntered):
            card = self._card(fact.call_id)
            card.caller, card.queue = fact.caller, fact.queue
            card.entered_at = card.entered_at or fact.at
        elif isinstance(fact, CallOffered):
            offer = {"agent": fact.agent_id, "at": fact.at, "why": fact.why}
            self._card(fact.call_id).offers.append(offer)
        elif isinstance(fact, CallAnswered):
            card = self._card(fact.call_id)
            card.answered_by, card.wait_s = fact.agent_id, fact.wait_s
        elif isinstance(fact, CallCompleted) and fact.call_id in self._cards:
            self._cards[fact.call_id].ended_at = fact.at

    def _card(self, call_id: str) -> CallCard:
        card = self._cards.get(call_id)
        if card is None:
            card = self._cards[call_id] = CallCard(call_id)
            if len(self._cards) > self._keep:
                self._cards.popitem(last=False)
        return card
