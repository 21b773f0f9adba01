"""Agents' dispositions on campaign calls (dialer/dispositions.py says what each does):
from the agent's phone (``*45`` and a digit, through the agent feature codes) or from
the CLI and the API. A disposition applies to the agent's last campaign call, once.

A ``do_not_call`` disposition is written to the lead book's opt-outs before anything
else: the next dial anywhere is checked against it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from acd.adapters.dialer.book import Disposition, LeadBook
from acd.adapters.dialer.service import Dialer
from acd.core.facts import Fact
from acd.core.outbound.facts import LeadDisposition, NumberOptedOut
from dialer import dispositions
from dialer.campaign.model import CallbackOwner
from dialer.dispositions import Effect

log = logging.getLogger(__name__)


class DispositionError(ValueError):
    """Why a disposition was not set, for the agent or the operator."""


class Dispositions:
    def __init__(
        self,
        dialer: Dialer,
        book: LeadBook,
        record: Callable[[Sequence[Fact]], None],
        clock: Callable[[], float],
    ) -> None:
        self._dialer, self._book, self._record, self._clock = dialer, book, record, clock

    def dispose(self, agent_id: str, given: str, callback_at: float | None = None) -> str:
        """Sets the disposition ``given`` (a digit or a code) on the agent's last campaign
        call; returns its code, or DispositionError."""
        flight = self._dialer.last_taken.get(agent_id)
        if flight is None:
            raise DispositionError(f"agent {agent_id} has no campaign call to set a disposition on")
        campaign = self._dialer.run_of(flight.campaign).campaign
        found = dispositions.find(campaign.dispositions, given)
        if found is None:
            known = ", ".join(f"{d} {c.code}" for d, c in sorted(campaign.dispositions.items()))
            raise DispositionError(
                f"campaign {campaign.name} has no disposition {given!r} (known: {known})"
            )
        now = self._clock()
        del self._dialer.last_taken[agent_id]
        if found.effect is Effect.DO_NOT_CALL:  # first: effective before any other dial
            self._book.opt_out(flight.number, now, "disposition")
        refusal = found.effect in (Effect.REFUSAL, Effect.DO_NOT_CALL)
        self._book.dispose(
            Disposition(
                flight.campaign, flight.number, flight.call_id, now, agent_id, found.code, refusal
            )
        )
        next_at = dispositions.next_dial(found.effect, now, callback_at)
        if next_at is not None:
            self._book.reschedule(flight.campaign, flight.number, next_at)
            owner = agent_id if campaign.callbacks is CallbackOwner.AGENT else ""
            self._book.set_owner(flight.campaign, flight.number, owner)
        facts: list[Fact] = [
            LeadDisposition(
                now, flight.call_id, flight.campaign, flight.number, agent_id, found.code
            )
        ]
        if found.effect is Effect.DO_NOT_CALL:
            facts.append(
                NumberOptedOut(now, flight.call_id, flight.campaign, flight.number, "disposition")
            )
        self._record(facts)
        self._dialer.poke()
        return found.code

    def by_phone(self, agent_id: str, digit: str) -> bool:
        """``*45<digit>`` from the agent's phone: True when set (the agent hears so)."""
        try:
            code = self.dispose(agent_id, digit)
        except DispositionError as exc:
            log.info("disposition from agent %s's phone refused: %s", agent_id, exc)
            return False
        log.info("agent %s set disposition %s", agent_id, code)
        return True
