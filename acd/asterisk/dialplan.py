"""The contract between this server and Asterisk's dialplan, in one place: the contexts
the server sends calls to (AMI Redirect, Originate) or finds them in (recovery), and the
channel variables each side sets and reads. The Asterisk templates (config/asterisk/)
are rendered with these names (``{{ ctx.HOLD }}``, ``{{ var.CALL_ID.ref }}``,
``{{ script.INBOUND }}``), so a
name changed here changes on both sides; tests/unit/test_dialplan_contract.py checks
that the templates spell none of them by hand.

The dialer's contexts and variables are here too (DIALER_LEG, CAMPAIGN, LEAD, AMD...).
"""

from __future__ import annotations

import re
from enum import StrEnum

# A number dialled, as [from-trunk] may pass it (``did=``): digits, * and #, a leading +.
# Anything else (``&``, ``/``, letters) is a forged or broken request and gets no service.
DID_PATTERN = re.compile(r"\+?[0-9*#]{1,32}")


class Context(StrEnum):
    FROM_TRUNK = "from-trunk"  # customers' calls come in (the trunks' PJSIP endpoints)
    FROM_AGENTS = "from-agents"  # agents' phones dial feature codes (*41, *42...)
    HOLD = "acd-hold"  # waiting callers: music until bridged or redirected
    ANNOUNCE = "acd-announce"  # position and estimated wait, then back to HOLD
    EXIT = "acd-exit"  # taken out of the queue without an agent
    AGENT_LEG = "acd-agent-leg"  # an agent's phone, originated for an offer
    OVERFLOW = "acd-overflow"  # out of the ACD: another centre, a number, voicemail...
    OVERFLOW_DONE = "acd-overflow-done"  # the overflow's outcome, from a hangup handler
    CALLBACK_OFFER = "acd-callback-offer"  # the press-1 callback dialog
    CALLBACK_LEG = "acd-callback-leg"  # a customer called back, originated
    DIALER_LEG = "acd-dialer-leg"  # a campaign's customer, originated: AMD, then the server
    PREVIEW_AGENT = "acd-preview-agent"  # preview: the agent's phone first, the lead whispered
    PREVIEW_CUSTOMER = "acd-preview-customer"  # preview: the customer, bridged to the agent
    IVR_END = "acd-ivr-end"  # where a menu ends besides a queue (transfer, voicemail)
    IVR_SURVEY = "acd-ivr-survey"  # the after-call survey
    FALLBACK = "acd-fallback"  # the server cannot take the call: per number dialled
    GONE = "acd-gone"  # a taken caller's hangup handler: when their line ended
    TEST = "acd-test"  # fixed test points of the end-to-end tests


class Script(StrEnum):
    """The FastAGI scripts the dialplan calls on this server: AGI(${ACD_AGI}/<script>)."""

    INBOUND = "inbound"  # a customer's call: its IVR menu, or straight to a queue
    SURVEY = "survey"  # the after-call survey
    AGENT = "agent"  # an agent's feature code
    CALLBACK_OFFER = "callback-offer"  # the press-1 callback dialog
    DIALER = "dialer"  # a campaign's call answered: to an agent, the message, or a machine


class Var(StrEnum):
    """Channel variables (and the dialplan's one global, AGI)."""

    AGI = "ACD_AGI"  # global: agi://<server>:<port>
    DID = "ACD_DID"  # the number the caller dialled (inherited by the legs it makes)
    CALL_ID = "ACD_CALL_ID"  # the call's id in the engine and the journal
    QUEUE = "ACD_QUEUE"  # these four: how a restarted server finds its waiting callers
    ENTERED = "ACD_ENTERED"
    PRIORITY = "ACD_PRIORITY"
    SKILLS = "ACD_SKILLS"
    LANGUAGE = "ACD_LANGUAGE"
    POSITION = "ACD_POSITION"  # announcements
    EWT_MIN = "ACD_EWT_MIN"
    AGENT = "ACD_AGENT"  # an agent leg
    WHISPER = "ACD_WHISPER"
    AGENT_WAIT = "ACD_AGENT_WAIT"
    OVF_TO = "ACD_OVF_TO"  # overflow out of the ACD
    OVF_NUMBER = "ACD_OVF_NUMBER"
    OVF_TRUNK = "ACD_OVF_TRUNK"
    OVF_MAILBOX = "ACD_OVF_MAILBOX"
    OVF_PROMPT = "ACD_OVF_PROMPT"
    IVR_NEXT = "ACD_IVR_NEXT"  # where an IVR menu sends the call besides a queue
    IVR_NUMBER = "ACD_IVR_NUMBER"
    IVR_TRUNK = "ACD_IVR_TRUNK"
    IVR_MAILBOX = "ACD_IVR_MAILBOX"
    IVR_SURVEY = "ACD_IVR_SURVEY"
    IVR_VERSION = "ACD_IVR_VERSION"
    CAMPAIGN = "ACD_CAMPAIGN"  # a campaign's customer leg: which campaign, lead, attempt
    LEAD = "ACD_LEAD"  # the lead's number, E.164
    ATTEMPT = "ACD_ATTEMPT"
    AMD = "ACD_AMD"  # AMD()'s arguments, comma-separated; empty: no detection
    EXIT_PROMPT = "ACD_EXIT_PROMPT"  # played in [acd-exit] instead of the apology
    PEER = "ACD_PEER"  # preview: the agent's channel the answered customer is bridged with
    CB_OFFERED = "ACD_CB_OFFERED"  # 1: the caller heard the callback offer (not again)
    BRIDGED = "ACD_BRIDGED"  # the agent a caller was bridged with: out of it, no fallback
    AGI_REFUSED = "ACD_AGI_REFUSED"  # set by our FastAGI server when it is too busy
    # Global, the server's heartbeat: the Unix time until which it answers for the
    # callers on hold; past it, [acd-hold] sends them to their fallback.
    ALIVE_UNTIL = "ACD_ALIVE_UNTIL"
    # Global, + a call id: when that caller's line ended while the heartbeat was late.
    GONE_AT = "ACD_GONE_AT_"

    @property
    def ref(self) -> str:
        """How the dialplan reads it: ``${NAME}``."""
        return f"${{{self.value}}}"


LEASE_S = 15  # the heartbeat's lease: a server silent this long is gone
BEAT_LATE_S = 3  # a beat older than this (one a second): the server may be gone
HOLD_CHECK_S = 5  # [acd-hold] looks at the heartbeat this often (music resumes where it was)

# The AMI events the server reads: the call events the translator turns into the engine's
# (translate.py), the call log's (callflow.py), an async Originate's outcome, the end of a
# login. manager.conf lets only these reach the server's AMI user: Asterisk also sends,
# for every call, each dialplan step, variable set, AGI command and RTCP report - most of
# the events of a busy system, which the server would read, parse and drop.
SERVER_EVENTS = (
    "Hangup",
    "BridgeEnter",
    "BridgeLeave",
    "UserEvent",
    "DeviceStateChange",
    "DTMFEnd",
    "Newchannel",
    "ContactStatus",
    "OriginateResponse",
    "FullyBooted",
)
# The sandbox's second AMI user, for the tests and benchmarks that watch Asterisk: every
# event, and the same rights as the server's user (never "system").
OBSERVER_USER = "acd-observer"

VAR_PREFIX = "ACD_VAR_"  # + the name of a variable an IVR menu set, for the dialplan
