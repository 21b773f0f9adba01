"""What happens to a campaign's call once the customer's phone is answered (pure).

Asterisk's AMD() gives a status and a cause (compliance.md: a timing heuristic, not a
classifier). A HUMAN verdict, no detection at all, or a doubt (NOTSURE) is taken for a
person: hanging up on a person is an abandoned call, and under the UK rule set an AMD
false positive counts as one; so only a MACHINE verdict is treated as a machine. HANGUP
(the line dropped during the analysis) leaves nobody to talk to.

A person goes to the campaign's queue with 2 s to reach an agent (then the information
message: who called, a number to call back, how to opt out), or, in an automated message
campaign, hears the message and may press a key to reach an agent or to opt out. A
machine gets the information message left after its greeting, or is hung up on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dialer.campaign.model import Campaign, MachineTreatment, Mode

CONNECT_WITHIN_S = 2.0  # TSR and Ofcom: an agent within 2 s of the greeting, or the message
PRIORITY = 100  # a person who answered waits behind nobody: inbound callers can wait 2 s


class Answerer(StrEnum):
    PERSON = "person"
    MACHINE = "machine"
    NOBODY = "nobody"  # hung up during the analysis


def answerer(amd_status: str) -> Answerer:
    match amd_status.upper():
        case "MACHINE":
            return Answerer.MACHINE
        case "HANGUP":
            return Answerer.NOBODY
        case _:  # HUMAN, NOTSURE, or no detection ("")
            return Answerer.PERSON


@dataclass(frozen=True)
class ToAgent:
    """Into ``queue`` ahead of the callers waiting there, for at most ``max_wait_s``."""

    queue: str
    max_wait_s: float = CONNECT_WITHIN_S
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
    pass


Treatment = ToAgent | PlayMessage | LeaveMessage | HangUp


def treatment(campaign: Campaign, amd_status: str) -> Treatment:
    match answerer(amd_status):
        case Answerer.NOBODY:
            return HangUp()
        case Answerer.MACHINE:
            if campaign.machine_detection.on_machine is MachineTreatment.LEAVE_MESSAGE:
                return LeaveMessage(campaign.information_message)
            return HangUp()
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
