"""When a lead is dialled again, and what an answered call becomes (AMD verdicts)."""

from __future__ import annotations

from acd.core.compliance.attempts import Attempt, DialOutcome
from dialer.amd_routes import AmdRoutes, Answerer, parse_amd_routes
from dialer.answer import HangUp, LeaveMessage, PlayMessage, ToAgent, treatment
from dialer.campaign.model import (
    AutomatedMessage,
    Campaign,
    MachineDetection,
    MachineTreatment,
    Mode,
    Retries,
    RetryRule,
)
from dialer.retry import RECHECK_S, after_dial, after_refusal

NA, BUSY, ANSWERED = DialOutcome.NO_ANSWER, DialOutcome.BUSY, DialOutcome.ANSWERED
DEFAULT = AmdRoutes()
RETRIES = Retries(
    max_attempts=4,
    rules={NA: RetryRule(delay_s=600, max_attempts=2), BUSY: RetryRule(delay_s=60, max_attempts=3)},
)


def test_retried_per_outcome_until_its_maximum_then_done() -> None:
    assert after_dial([Attempt(1000, NA)], RETRIES) == 1600
    assert after_dial([Attempt(1000, NA), Attempt(1600, NA)], RETRIES) is None
    assert after_dial([Attempt(1000, NA), Attempt(1600, BUSY)], RETRIES) == 1660


def test_every_outcome_together_is_capped_and_refusals_are_not_attempts() -> None:
    history = [Attempt(t, BUSY if t % 2 else NA) for t in (1, 2, 3)]
    refused = [Attempt(10, DialOutcome.REFUSED)] * 5
    assert after_dial([*history, *refused, Attempt(20, BUSY)], RETRIES) is None  # 4 placed
    assert after_dial([*refused, Attempt(20, BUSY)], RETRIES) == 80


def test_answered_and_unknown_outcomes_are_never_retried() -> None:
    assert after_dial([Attempt(5, ANSWERED)], RETRIES) is None
    assert after_dial([Attempt(5, DialOutcome.MACHINE)], RETRIES) is None  # no rule for it


def test_a_refusal_that_passes_with_time_is_looked_at_again() -> None:
    assert after_refusal(100.0, ["calling_window"]) == 100.0 + RECHECK_S
    assert after_refusal(100.0, ["calling_window", "do_not_call"]) is None
    assert after_refusal(100.0, ["consent"]) is None


def _campaign(mode: Mode, on_machine: MachineTreatment) -> Campaign:
    message = AutomatedMessage("Your parcel comes tomorrow.", "support", "Done.", "1", "9")
    return Campaign(
        name="c",
        source="c.yaml",
        mode=mode,
        trunk="carrier",
        caller_id="+33162000000",
        information_message="This was Acme, 01 62 00 00 00.",
        queue="sales",
        message=message if mode is Mode.AGENTLESS else None,
        machine_detection=MachineDetection(enabled=True, on_machine=on_machine),
    )


def test_a_person_or_a_doubt_goes_to_an_agent_within_2_s() -> None:
    campaign = _campaign(Mode.PROGRESSIVE, MachineTreatment.HANG_UP)
    for status, cause in (("HUMAN", "HUMAN-900-800"), ("NOTSURE", "TOOLONG-5000"), ("", "")):
        assert treatment(campaign, status, cause, DEFAULT) == ToAgent("sales", 1.8, 100)
    assert treatment(campaign, "HANGUP", "", DEFAULT) == HangUp(Answerer.NOBODY)


def test_a_machine_gets_the_message_or_a_hang_up_per_campaign() -> None:
    leave = _campaign(Mode.PROGRESSIVE, MachineTreatment.LEAVE_MESSAGE)
    hang_up = _campaign(Mode.PROGRESSIVE, MachineTreatment.HANG_UP)
    left = treatment(leave, "MACHINE", "MAXWORDS-3-2", DEFAULT)
    assert left == LeaveMessage("This was Acme, 01 62 00 00 00.")
    assert treatment(hang_up, "MACHINE", "MAXWORDS-3-2", DEFAULT) == HangUp(Answerer.MACHINE)


def test_a_route_per_cause_sends_a_silent_machine_verdict_to_an_agent() -> None:
    routes = parse_amd_routes({"MACHINE/INITIALSILENCE": "person", "NOTSURE": "nobody"})
    campaign = _campaign(Mode.PROGRESSIVE, MachineTreatment.LEAVE_MESSAGE)
    silent = treatment(campaign, "MACHINE", "INITIALSILENCE-2500-2500", routes)
    assert silent == ToAgent("sales", 1.8, 100)
    greeting = treatment(campaign, "MACHINE", "LONGGREETING-1700-1500", routes)
    assert greeting == LeaveMessage("This was Acme, 01 62 00 00 00.")
    assert treatment(campaign, "NOTSURE", "TOOLONG-5000", routes) == HangUp(Answerer.NOBODY)


def test_an_automated_call_plays_its_message_with_its_keys() -> None:
    campaign = _campaign(Mode.AGENTLESS, MachineTreatment.HANG_UP)
    played = treatment(campaign, "HUMAN", "HUMAN-900-800", DEFAULT)
    assert played == PlayMessage("Your parcel comes tomorrow.", "1", "support", "9", "Done.")
