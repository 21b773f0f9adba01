"""Where calls go when this server cannot take them, in ``config/acd.yaml``.

Asterisk sends a caller to the fallback when the server is not running, refuses the call
(too busy) or stops answering while the caller waits (its heartbeat is 15 s old). The
fallback is plain dialplan, rendered from this file, so it works with the server gone:

fallback:
  default: {message: tt-allbusy}          # every number not listed below
  numbers:
    "100": {queue: sales}                 # app_queue, ringing the same agents' phones
    "101": {voicemail: "501"}             # the "unavailable" greeting, then a message
    "200": {centre: partner, number: "0170000000"}  # another centre, through a trunk
    "210": {message: tt-allbusy}          # a recorded message, then hang up

Without this section, each number of ``numbers:`` falls back to an app_queue queue of its
own queue's agents, and every other number (IVR menus) to the message. The number a
fallback dials is always written here: never the number the caller dialled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from acd.core import yamlfile as y
from acd.core.engine.config import AcdConfig
from acd.core.settings.numbers_model import QueueEntry
from acd.core.yamlfile import Node

_NUMBER = re.compile(r"^[0-9+*#]{1,20}$")
_DIAL = re.compile(r"^\+?[0-9]{2,20}$")
_PROMPT = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
DEFAULT_MESSAGE = "tt-allbusy"  # "All circuits are busy now. Please try your call again later."


class FallbackKind(Enum):
    QUEUE = "queue"
    VOICEMAIL = "voicemail"
    CENTRE = "centre"
    MESSAGE = "message"


@dataclass(frozen=True)
class Fallback:
    kind: FallbackKind
    target: str  # the queue, mailbox, trunk or prompt
    number: str = ""  # for a centre: the number dialled there


DEFAULT_FALLBACK = Fallback(FallbackKind.MESSAGE, DEFAULT_MESSAGE)


@dataclass(frozen=True)
class FallbackPlan:
    default: Fallback = DEFAULT_FALLBACK
    numbers: Mapping[str, Fallback] = field(default_factory=dict)

    def queues(self) -> tuple[str, ...]:
        """The queues app_queue needs a copy of, each once, in the order first used."""
        used = [self.default, *self.numbers.values()]
        return tuple(dict.fromkeys(f.target for f in used if f.kind is FallbackKind.QUEUE))


@dataclass(frozen=True)
class Known:
    """What a fallback may name: checked here, so the dialplan never names a stranger."""

    acd: AcdConfig
    mailboxes: frozenset[str]
    trunks_out: frozenset[str]  # trunks with a host: the only ones that can dial


def parse_fallback(
    node: Node | None, known: Known, numbers: Mapping[str, QueueEntry]
) -> FallbackPlan:
    implied = {n: Fallback(FallbackKind.QUEUE, e.queue) for n, e in numbers.items()}
    if node is None:
        return FallbackPlan(numbers=implied)
    fields = y.mapping(node, set(), {"default", "numbers"})
    default = _target(fields["default"], known) if "default" in fields else DEFAULT_FALLBACK
    listed: dict[str, Fallback] = {}
    for key, value in y.entries(fields["numbers"]) if "numbers" in fields else ():
        number = y.text(key)
        if not _NUMBER.match(number):
            raise key.error(f"{number!r} is not a phone number (digits, +, * or #)")
        listed[number] = _target(value, known)
    return FallbackPlan(default, {**implied, **listed})


def _target(node: Node, known: Known) -> Fallback:
    fields = y.mapping(node, set(), {"queue", "voicemail", "centre", "number", "message"})
    kinds = [k for k in FallbackKind if k.value in fields]
    if len(kinds) != 1:
        raise node.error("give one of queue, voicemail, centre or message")
    kind = kinds[0]
    value = y.text(fields[kind.value])
    if "number" in fields and kind is not FallbackKind.CENTRE:
        raise fields["number"].error("a number goes with centre only")
    if kind is FallbackKind.QUEUE and known.acd.queue(value) is None:
        names = ", ".join(q.name for q in known.acd.queues) or "none configured"
        raise fields[kind.value].error(f"no queue named {value!r} (queues: {names})")
    if kind is FallbackKind.VOICEMAIL and value not in known.mailboxes:
        boxes = ", ".join(sorted(known.mailboxes)) or "none configured"
        raise fields[kind.value].error(f"no mailbox {value!r} (voicemail: {boxes})")
    if kind is FallbackKind.MESSAGE and not _PROMPT.match(value):
        raise fields[kind.value].error(f"{value!r} is not a sound's name (letters, digits, _-/)")
    if kind is FallbackKind.CENTRE:
        return _centre(fields, value, known)
    return Fallback(kind, value)


def _centre(fields: dict[str, Node], trunk: str, known: Known) -> Fallback:
    if trunk not in known.trunks_out:
        names = ", ".join(sorted(known.trunks_out)) or "none with a host"
        raise fields["centre"].error(f"no trunk {trunk!r} that calls out (trunks: {names})")
    if "number" not in fields:
        raise fields["centre"].error(
            "a centre needs the number to dial there: never the number the caller dialled"
        )
    number = y.text(fields["number"])
    if not _DIAL.match(number):
        raise fields["number"].error(f"{number!r} is not a number to dial (digits, a leading +)")
    return Fallback(FallbackKind.CENTRE, trunk, number)
