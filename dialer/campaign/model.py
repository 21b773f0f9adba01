"""A campaign as the dialer uses it: one ``config/campaigns/*.yaml`` file, read and checked
(dialer.campaign.load), frozen. Every key and its default: docs/dialer.md, "Campaign files".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from acd.core.compliance import DoNotCallList
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.hours import Calendar
from dialer.amd_routes import AmdRoutes
from dialer.dispositions import DEFAULT_DISPOSITIONS, DispositionCode
from dialer.leads.columns import LeadColumns

MIN_RING_S = 15.0  # the law's floor (US TSR, UK Ofcom): ring at least 15 seconds
MAX_ABANDON_PERCENT = 3.0  # US and UK law, French policy: at most 3 % of answered calls
DEFAULT_MAX_LINES = 10
DEFAULT_CALLS_PER_S = 1.0
# The outcomes a lead is dialled again after; answered ends it, refused is not an attempt.
RETRIED = (
    DialOutcome.NO_ANSWER,
    DialOutcome.BUSY,
    DialOutcome.CONGESTION,
    DialOutcome.MACHINE,
    DialOutcome.FAILED,
    DialOutcome.ABANDONED,
)
# The country a rule set's numbers are read in (a caller ID or lead written nationally).
COUNTRY_OF = {RuleSet.FR: "FR", RuleSet.US: "US", RuleSet.UK: "GB"}


class Mode(StrEnum):
    """How calls are placed."""

    PREVIEW = "preview"  # an agent sees the lead first, then the call is placed
    PROGRESSIVE = "progressive"  # one call per free agent, placed by the dialer
    PREDICTIVE = "predictive"  # ahead of free agents, under the abandon target (pacing)
    AGENTLESS = "agentless"  # an automated message; a key reaches an agent


class CallbackOwner(StrEnum):
    """Who calls back a customer who asked for a call later."""

    AGENT = "agent"  # the agent who booked it
    ANYONE = "anyone"  # any agent of the campaign


class MachineTreatment(StrEnum):
    LEAVE_MESSAGE = "leave_message"  # the information message, after the greeting
    HANG_UP = "hang_up"


@dataclass(frozen=True)
class RetryRule:
    """After a dial ending this way: wait ``delay_s``; dial again only while the lead has
    had fewer than ``max_attempts`` dials ending this way (0: never again)."""

    delay_s: float
    max_attempts: int


DEFAULT_RETRIES = {
    DialOutcome.NO_ANSWER: RetryRule(delay_s=7200.0, max_attempts=3),
    DialOutcome.BUSY: RetryRule(delay_s=900.0, max_attempts=3),
    DialOutcome.CONGESTION: RetryRule(delay_s=300.0, max_attempts=3),
    DialOutcome.MACHINE: RetryRule(delay_s=14400.0, max_attempts=2),
    DialOutcome.FAILED: RetryRule(delay_s=3600.0, max_attempts=1),
    DialOutcome.ABANDONED: RetryRule(delay_s=259200.0, max_attempts=1),  # 72 h (UK's floor)
}


@dataclass(frozen=True)
class Retries:
    """When a lead is dialled again (recycled), per outcome of its last dial."""

    max_attempts: int = 4  # dials of one lead, every outcome together
    rules: Mapping[DialOutcome, RetryRule] = field(default_factory=lambda: dict(DEFAULT_RETRIES))

    def rule(self, outcome: DialOutcome) -> RetryRule | None:
        """None for an outcome never retried (answered, refused)."""
        return self.rules.get(outcome)


@dataclass(frozen=True)
class MachineDetection:
    """Asterisk's AMD(), with its own defaults (compliance.md)."""

    enabled: bool = False
    on_machine: MachineTreatment = MachineTreatment.LEAVE_MESSAGE
    initial_silence_ms: int = 2500
    greeting_ms: int = 1500
    after_greeting_silence_ms: int = 800
    total_analysis_time_ms: int = 5000
    minimum_word_length_ms: int = 100
    between_words_silence_ms: int = 50
    maximum_number_of_words: int = 2
    silence_threshold: int = 256
    maximum_word_length_ms: int = 5000
    # Who answered, per AMD (status, cause): e.g. MACHINE/INITIALSILENCE -> person.
    routes: AmdRoutes = field(default_factory=AmdRoutes)
    # The share of MACHINE verdicts that were people, as measured on the campaign's own
    # calls (listen to a sample): the UK counts them as abandoned calls (Ofcom).
    false_positive_rate: float = 0.0

    def amd_arguments(self) -> str:
        """AMD()'s arguments in its order, comma-separated; "" when detection is off (the
        dialplan's ACD_AMD: empty means no detection)."""
        if not self.enabled:
            return ""
        values = (
            self.initial_silence_ms,
            self.greeting_ms,
            self.after_greeting_silence_ms,
            self.total_analysis_time_ms,
            self.minimum_word_length_ms,
            self.between_words_silence_ms,
            self.maximum_number_of_words,
            self.silence_threshold,
            self.maximum_word_length_ms,
        )
        return ",".join(str(value) for value in values)


@dataclass(frozen=True)
class AutomatedMessage:
    """What an agentless campaign's answered person hears, and the keys they may press."""

    text: str
    queue: str  # where the agent key sends them
    opt_out_confirmation: str  # said after the opt-out key, before hanging up
    agent_key: str = "1"
    opt_out_key: str = "9"


@dataclass(frozen=True)
class Campaign:
    name: str
    source: str  # the file it was read from
    mode: Mode
    trunk: str
    caller_id: str  # E.164
    information_message: str  # who called, a number to call back, how to opt out
    queue: str = ""  # the acd.yaml queue whose agents take the calls ("" : agents, or agentless)
    agents: tuple[str, ...] = ()  # or these agents (ids)
    message: AutomatedMessage | None = None  # agentless only
    rule_set: RuleSet = RuleSet.FR
    purpose: Purpose = Purpose.PROSPECTING
    calendar: Calendar | None = None  # when it calls, within the rule set's legal hours
    retries: Retries = field(default_factory=Retries)
    callbacks: CallbackOwner = CallbackOwner.ANYONE
    max_lines: int = DEFAULT_MAX_LINES  # calls up at once on the trunk, connected ones included
    calls_per_s: float = DEFAULT_CALLS_PER_S
    ring_s: float = MIN_RING_S
    max_dial_ratio: float = 3.0  # predictive: calls ringing per agent of the campaign, at most
    inbound_reserve: int = 0  # predictive: ready agents kept for inbound callers (blending)
    machine_detection: MachineDetection = field(default_factory=MachineDetection)
    do_not_call: tuple[DoNotCallList, ...] = ()  # the campaign's own lists and registries
    abandon_target_percent: float = MAX_ABANDON_PERCENT
    leads: LeadColumns = field(default_factory=LeadColumns)
    # The phone's digit (after *45) -> the agents' verdict on a call and its effect.
    dispositions: Mapping[str, DispositionCode] = field(
        default_factory=lambda: dict(DEFAULT_DISPOSITIONS)
    )
