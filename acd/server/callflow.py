"""The operator's console: one readable line per step of a call, from the engine's
journal facts and from Asterisk's own events (phones registering, legs hanging up)."""

from __future__ import annotations

import logging

from acd.asterisk.ami import Event
from acd.core.compliance.facts import DialChecked
from acd.core.engine.facts import (
    AgentStateChanged,
    CallAbandonedInQueue,
    CallAnnounced,
    CallAnswered,
    CallbackAttempt,
    CallbackBooked,
    CallCompleted,
    CallEntered,
    CallLeftQueue,
    CallOffered,
    CallOverflowed,
    OfferMissed,
)
from acd.core.facts import Fact

log = logging.getLogger("acd.calls")


# An agent going round these states is every call's routine, not news to the operator.
ROUTINE_STATES = frozenset({"ready", "reserved", "on_call", "wrap_up"})


def log_fact(fact: Fact) -> None:
    """One readable line per journal fact, so the operator sees calls flow: a call's
    arrival, answer and end (and anything unusual) always; each ring, announcement and
    agent state of the routine with -v only (at 100 calls a second, that is 400 lines a
    second less; the journal has them all)."""
    routine = is_routine(fact)
    if routine and not log.isEnabledFor(logging.DEBUG):
        return
    text = describe(fact)
    if text:
        log.log(logging.DEBUG if routine else logging.INFO, "%s", text)


def is_routine(fact: Fact) -> bool:
    if isinstance(fact, CallOffered | CallAnnounced):
        return True
    return (
        isinstance(fact, AgentStateChanged)
        and fact.state in ROUTINE_STATES
        and fact.previous in ROUTINE_STATES
    )


def describe(fact: Fact) -> str:
    match fact:
        case CallEntered():
            who = fact.caller or fact.call_id
            return f"{fact.queue}: caller {who} waits, position {fact.position}"
        case CallOffered():
            return f"{fact.queue}: ringing agent {fact.agent_id} for {fact.call_id} ({fact.why})"
        case OfferMissed():
            return f"{fact.queue}: agent {fact.agent_id} did not answer ({fact.reason})"
        case CallAnswered():
            return f"{fact.queue}: agent {fact.agent_id} answered after {fact.wait_s:.1f} s wait"
        case CallAbandonedInQueue():
            waited = f"{fact.wait_s:.1f} s"
            return f"{fact.queue}: caller hung up after {waited}, position {fact.position}"
        case CallCompleted():
            return f"{fact.queue}: call with agent {fact.agent_id} ended by {fact.by}"
        case AgentStateChanged():
            reason = f" ({fact.reason})" if fact.reason else ""
            return f"agent {fact.agent_id}: {fact.previous} -> {fact.state}{reason}"
        case CallAnnounced():
            return f"{fact.queue}: told {fact.call_id} position {fact.position}"
        case CallOverflowed():
            to = f"{fact.queue}: {fact.call_id} overflows to {fact.to} {fact.target}".rstrip()
            return f"{to} (rule {fact.rule + 1}: {fact.when}{_measured(fact)})"
        case CallbackBooked():
            merged = f", merged into {fact.merged_into}" if fact.merged_into else ""
            return f"{fact.queue}: callback booked for {fact.number}{merged}"
        case CallbackAttempt():
            end = "gives up" if fact.final else "will retry"
            return f"{fact.queue}: callback {fact.call_id} not reached ({fact.reason}), {end}"
        case CallLeftQueue():
            return f"{fact.queue}: {fact.call_id} left the queue ({fact.reason})"
        case DialChecked() if not fact.allowed:
            refused = ", ".join(fact.refused_by)
            return f"{fact.queue}: {fact.number} not dialled for {fact.call_id} ({refused})"
    return ""


def _measured(fact: CallOverflowed) -> str:
    if fact.when in ("closed", "no_agent_logged_in", "no_agent_ready"):
        return ""
    return " for ever" if fact.seen < 0 else f" {fact.seen:g}"


class CallLog:
    """Turns AMI events into one line per step of a call, for the operator's console."""

    EVENTS = frozenset({"ContactStatus", "Newchannel", "Hangup", "BridgeEnter"})

    def __init__(self, agent_ids: set[str]) -> None:
        self._agents = agent_ids

    def on_event(self, event: Event) -> None:
        name = event.get("Event")
        if name == "ContactStatus":
            self._contact(event)
        elif not log.isEnabledFor(logging.DEBUG):
            return  # each leg's steps: with -v only (the facts' lines tell the call's story)
        elif name == "Newchannel" and (event.get("Channel") or "").startswith("PJSIP/"):
            log.debug("new call leg %s from %s", event.get("Channel"), event.get("CallerIDNum"))
        elif name == "Hangup":
            log.debug("%s hung up (%s)", event.get("Channel"), event.get("Cause-txt"))
        elif name == "BridgeEnter" and event.get("BridgeNumChannels") == "2":
            log.debug("%s connected in a call", event.get("Channel"))

    def _contact(self, event: Event) -> None:
        aor = event.get("AOR") or ""
        if aor in self._agents:
            log.info("agent phone %s: %s", aor, (event.get("ContactStatus") or "").lower())
