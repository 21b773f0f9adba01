"""What happens to a campaign's call once the customer's phone is answered (pure).

Asterisk's AMD() gives a status and a cause (compliance.md: a timing heuristic, not a
classifier); the campaign's AMD routes (dialer.amd_routes) say who that is. By default
only a MACHINE verdict is a machine: HUMAN, a doubt (NOTSURE) or no detection at all is a
person, since hanging up on a person is an abandoned call (and under the UK rule set an
AMD false positive counts as one); HANGUP (the line dropped during the analysis) leaves
nobody to talk to.

A person goes to the campaign's queue with 2 s to reach an agent (then the information
message: who called, a number to call back, how to opt out), or, in an automated message
campaign, hears the message and may press a key to reach an agent or to opt out. A
machine gets the information message left after its greeting, or is hung up on.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialer.amd_routes import AmdRoutes, Answerer
from dialer.campaign.model import Campaign, MachineTreatment, Mode

CONNECT_WITHIN_S = 2.0  # TSR and Ofcom: an agent within 2 s of the greeting, or the message
# The person waits for an agent this much less than the 2 s, so that the message (AMI
# Redirect, then Playback: a few ms, more on a loaded machine) has begun within them.
MESSAGE_MARGIN_S = 0.2
PRIORITY = 100  # a person who answered waits behind nobody: inbound callers can wait 2 s


@dataclass(frozen=True)
class ToAgent:
    """Into ``queue`` ahead of the callers waiting there, for at most ``max_wait_s``."""

    queue: str
    max_wait_s: float = CONNECT_WITHIN_S - MESSAGE_MARGIN_S
    priority: int = PRIORITY


@dataclass(frozen=True)
class PlayMessage:
    """The automated message; ``agent_key`` to the queue, ``opt_out_key`` opts out."""

    text: str
    agent_key: str
    queue: str
    opt_out_key: str
    opt_out_confirmation: str


@dataclass(frozen=True)
class LeaveMessage:
    """After the machine's greeting and beep: the information message, then hang up."""

    text: str


@dataclass(frozen=True)
class HangUp:
    """``answerer``: a machine (the campaign hangs up on machines) or nobody (the line
    dropped, or a route says nobody): the outcome (machine or failed) and so the retry
    rule differ."""

    answerer: Answerer = Answerer.NOBODY


Treatment = ToAgent | PlayMessage | LeaveMessage | HangUp


def treatment(campaign: Campaign, amd_status: str, amd_cause: str, routes: AmdRoutes) -> Treatment:
    """``amd_status`` and ``amd_cause``: AMDSTATUS and AMDCAUSE as Asterisk set them ("" when
    detection is off); ``routes``: the campaign's machine_detection routes."""
    match routes.answerer(amd_status, amd_cause):
        case Answerer.NOBODY:
            return HangUp()
        case Answerer.MACHINE:
            if campaign.machine_detection.on_machine is MachineTreatment.LEAVE_MESSAGE:
                return LeaveMessage(campaign.information_message)
            return HangUp(Answerer.MACHINE)
    if campaign.mode is Mode.AGENTLESS and campaign.message is not None:
        message = campaign.message
        return PlayMessage(
            text=message.text,
            agent_key=message.agent_key,
            queue=message.queue,
            opt_out_key=message.opt_out_key,
            opt_out_confirmation=message.opt_out_confirmation,
        )
    return ToAgent(campaign.queue)
