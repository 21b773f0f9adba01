"""The ACD part of ``config/acd.yaml``: queues, pause reasons, agents' skills.

    pause_reasons: {1: lunch, 2: training}      # digit after the pause code -> reason
    agents:
      - {id: "1001", name: Alice, skills: {english: 5, french: 3}, auto_pause_after: 3}
    queues:
      - name: sales
        strategy: longest-idle                  # see acd.core.engine.config.Strategy
        members: ["1001", "1002"]               # default: every agent, in file order
        skills: {english: 1}
        escalation: [{after_s: 30, skills: {english: 0}}]
        ...                                     # and the keys of _QUEUE_KEYS

:func:`parse_acd` turns the top-level mapping into the engine's frozen
:class:`~acd.core.engine.config.AcdConfig`, or raises ConfigError with file, line and key.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import yaml

from acd.core import yamlfile as y
from acd.core.engine.config import (
    AUTO_PAUSE_REASON,
    MAX_PROFICIENCY,
    MIN_PROFICIENCY,
    AcdConfig,
    AgentConfig,
    EscalationStep,
    MemberCondition,
    OverflowRule,
    PauseReason,
    QueueConfig,
    Skills,
    Strategy,
)
from acd.core.settings.hours_model import parse_calendars
from acd.core.settings.overflow_model import Known, parse_closed, parse_rules
from acd.core.yamlfile import Node

T = TypeVar("T")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
_DAY_S = 86400.0
# key -> (lowest, highest) seconds
_QUEUE_SECONDS = {
    "max_wait_s": (0.0, _DAY_S),
    "ring_timeout_s": (1.0, 600.0),
    "reoffer_delay_s": (0.0, 3600.0),
    "wrap_up_s": (0.0, 3600.0),
    "service_level_s": (1.0, 3600.0),
    "announce_every_s": (0.0, 3600.0),
    "default_handle_s": (1.0, _DAY_S),
    "overflow_check_s": (0.5, 60.0),
    "callback_retry_s": (10.0, _DAY_S),
}
_QUEUE_KEYS = {
    "strategy",
    "members",
    "skills",
    "max_length",
    "join_empty",
    "leave_when_empty",
    "exit_key",
    "escalation",
    "whisper",
    "calendar",
    "closed",
    "overflow",
    "callback_mode",
    "callback_attempts",
    "tenant",
    *_QUEUE_SECONDS,
}
_QUEUE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(QueueConfig)}
AGENT_KEYS = {"skills", "auto_pause_after"}  # beyond id and name (read by settings.model)


def parse_acd(top: dict[str, Node]) -> AcdConfig:
    """``top``: the entries of the file's top-level mapping (``agents`` is required)."""
    agents = y.listed(top["agents"], _agent)
    names = _Names(
        declared_names(top, "queues"),
        declared_names(top, "trunks"),
        declared_names(top, "calendars"),
        declared_names(top, "voicemail"),
        frozenset(parse_tenants(top["tenants"])) if "tenants" in top else frozenset(),
    )
    queues = y.listed(top["queues"], lambda n: _queue(n, agents, names)) if "queues" in top else ()
    if "queues" in top:
        y.unique([q.name for q in queues], top["queues"])
    reasons = _pause_reasons(top["pause_reasons"]) if "pause_reasons" in top else ()
    calendars = parse_calendars(top["calendars"]) if "calendars" in top else {}
    return AcdConfig(queues=queues, agents=agents, pause_reasons=reasons, calendars=calendars)


def _agent(node: Node) -> AgentConfig:
    fields = y.mapping(node, {"id", "name"}, AGENT_KEYS)
    skills = skills_of(fields["skills"], MIN_PROFICIENCY) if "skills" in fields else ()
    pause_after = 0
    if "auto_pause_after" in fields:
        pause_after = y.integer(fields["auto_pause_after"], 0, 100)
    return AgentConfig(y.text(fields["id"]), skills, pause_after)


@dataclass(frozen=True)
class _Names:
    """Names declared elsewhere in the file that a queue may refer to."""

    queues: frozenset[str]
    trunks: frozenset[str]
    calendars: frozenset[str]
    mailboxes: frozenset[str]
    tenants: frozenset[str] = frozenset()


def declared_names(top: dict[str, Node], section: str) -> frozenset[str]:
    """The names a section declares, read ahead so a queue may refer to one declared
    further down; the section's own parser checks everything else."""
    raw = top[section].raw if section in top else None
    if isinstance(raw, yaml.MappingNode):  # calendars: a mapping by name
        return frozenset(str(key.value) for key, _ in raw.value)
    if isinstance(raw, yaml.SequenceNode):  # queues, trunks: a list of {name: ...}
        return frozenset(
            str(value.value)
            for item in raw.value
            if isinstance(item, yaml.MappingNode)
            for key, value in item.value
            if key.value == "name"
        )
    return frozenset()


def _queue(node: Node, agents: tuple[AgentConfig, ...], names: _Names) -> QueueConfig:
    fields = y.mapping(node, {"name"}, _QUEUE_KEYS)
    name = _name(fields["name"])
    known = Known(name, names.queues, names.trunks, names.mailboxes)

    def optional(key: str, read: Callable[[Node], T], default: T) -> T:
        return read(fields[key]) if key in fields else default

    def seconds(key: str) -> float:
        default = _QUEUE_DEFAULTS[key]
        assert isinstance(default, float)
        return _seconds(fields[key], *_QUEUE_SECONDS[key]) if key in fields else default

    return QueueConfig(
        name=name,
        members=optional("members", lambda n: _members(n, agents), tuple(a.id for a in agents)),
        strategy=optional("strategy", _strategy, Strategy.LONGEST_IDLE),
        skills=optional("skills", lambda n: skills_of(n, MIN_PROFICIENCY), ()),
        max_length=optional("max_length", lambda n: y.integer(n, 0, 1_000_000), 0),
        join_empty=optional("join_empty", _conditions, frozenset()),
        leave_when_empty=optional("leave_when_empty", _conditions, frozenset()),
        exit_key=optional("exit_key", _exit_key, ""),
        escalation=optional("escalation", _escalation, ()),
        whisper=optional("whisper", y.text, ""),
        overflow=_overflow(fields, known),
        overflow_check_s=seconds("overflow_check_s"),
        calendar=optional("calendar", lambda n: _calendar(n, names.calendars), ""),
        callback_attempts=optional("callback_attempts", lambda n: y.integer(n, 1, 10), 3),
        callback_retry_s=seconds("callback_retry_s"),
        callback_customer_first=optional("callback_mode", _customer_first, False),
        tenant=optional("tenant", lambda n: _tenant(n, names.tenants), ""),
        max_wait_s=seconds("max_wait_s"),
        ring_timeout_s=seconds("ring_timeout_s"),
        reoffer_delay_s=seconds("reoffer_delay_s"),
        wrap_up_s=seconds("wrap_up_s"),
        service_level_s=seconds("service_level_s"),
        announce_every_s=seconds("announce_every_s"),
        default_handle_s=seconds("default_handle_s"),
    )


def _overflow(fields: dict[str, Node], known: Known) -> tuple[OverflowRule, ...]:
    closed = (parse_closed(fields["closed"], known),) if "closed" in fields else ()
    rules = parse_rules(fields["overflow"], known) if "overflow" in fields else ()
    if "closed" in fields and "calendar" not in fields:
        raise fields["closed"].error("a closed treatment needs the queue's 'calendar'")
    return closed + rules


def parse_tenants(node: Node) -> tuple[str, ...]:
    """``tenants: [acme, globex]``: the client companies whose users see their own queues
    only (docs/api.md)."""
    tenants = y.listed(node, _name)
    y.unique(list(tenants), node)
    return tenants


def _tenant(node: Node, tenants: frozenset[str]) -> str:
    value = y.text(node)
    if value not in tenants:
        known = ", ".join(sorted(tenants)) or "none is declared"
        raise node.error(f"no tenant named {value!r} (see 'tenants': {known})")
    return value


def _customer_first(node: Node) -> bool:
    value = y.text(node)
    if value not in ("agent-first", "customer-first"):
        raise node.error(f"{value!r}: callback_mode is agent-first or customer-first")
    return value == "customer-first"


def _calendar(node: Node, calendars: frozenset[str]) -> str:
    value = y.text(node)
    if value not in calendars:
        raise node.error(f"no calendar named {value!r} (see 'calendars')")
    return value


def _strategy(node: Node) -> Strategy:
    return y.member(node, Strategy, "strategy")


def _members(node: Node, agents: tuple[AgentConfig, ...]) -> tuple[str, ...]:
    known = {a.id for a in agents}
    members = []
    for item in y.sequence(node):
        agent_id = y.text(item)
        if agent_id not in known:
            raise item.error(f"{agent_id!r} is not a configured agent (see 'agents')")
        if agent_id in members:
            raise item.error(f"{agent_id!r} is listed twice")
        members.append(agent_id)
    return tuple(members)


def skills_of(node: Node, lowest: int) -> Skills:
    """A mapping skill name -> level, ``lowest`` to 5."""
    levels = {}
    for key, value in y.entries(node):
        levels[_name(key)] = y.integer(value, lowest, MAX_PROFICIENCY)
    return tuple(sorted(levels.items()))


def _conditions(node: Node) -> frozenset[MemberCondition]:
    found = set()
    for item in y.sequence(node):
        found.add(y.member(item, MemberCondition, "member state"))
    return frozenset(found)


def _escalation(node: Node) -> tuple[EscalationStep, ...]:
    steps: list[EscalationStep] = []
    for item in y.sequence(node):
        fields = y.mapping(item, {"after_s", "skills"}, set())
        after = _seconds(fields["after_s"], 0.0, _DAY_S)
        if steps and after <= steps[-1].after_s:
            raise fields["after_s"].error(
                f"steps must come in increasing order of time ({after:g} <= {steps[-1].after_s:g})"
            )
        steps.append(EscalationStep(after, skills_of(fields["skills"], 0)))
    return tuple(steps)


def _pause_reasons(node: Node) -> tuple[PauseReason, ...]:
    reasons: list[PauseReason] = []
    for key, value in y.entries(node):
        if not (len(key.raw.value) == 1 and key.raw.value.isdigit()):
            raise key.error(f"{key.raw.value!r}: a pause reason is chosen by one digit, 0 to 9")
        code = _name(value)
        if code == AUTO_PAUSE_REASON or code in [r.code for r in reasons]:
            raise value.error(f"{code!r} is reserved or already used by another digit")
        reasons.append(PauseReason(key.raw.value, code))
    return tuple(reasons)


def _exit_key(node: Node) -> str:
    value = y.text(node)
    if len(value) != 1 or value not in "0123456789*#":
        raise node.error(f"{value!r}: the exit key is one of 0-9, * or #")
    return value


def _seconds(node: Node, low: float, high: float) -> float:
    return y.number(node, low, high, "seconds")


def _name(node: Node) -> str:
    value = y.text(node)
    if not _NAME.match(value):
        raise node.error(f"{value!r}: use lower-case letters, digits, '-' or '_'")
    return value
