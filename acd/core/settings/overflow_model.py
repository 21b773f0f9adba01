"""A queue's overflow rules and closed treatment in ``config/acd.yaml``.

    queues:
      - name: sales
        calendar: paris                       # see 'calendars' (docs/hours.md)
        closed: {voicemail: "500"}            # outside hours: same targets as below
        overflow_check_s: 1                   # how often rules are checked (default 1 s)
        overflow:                             # in order; the first that holds wins
          - when: {estimated_wait_over: 60}
            to: {centre: partner, dial: "200"}
          - when: {waited_over: 300}
            to: {queue: support, priority_boost: 2}
          - when: {service_level_under: 70, window_s: 900}
            to: callback
          - when: no_agent_logged_in
            to: {message: "All our advisers are busy. Please call again later."}

``closed: T`` is the rule ``{when: closed, to: T}`` placed first. Conditions without a
value (no_agent_logged_in, no_agent_ready, closed) and the callback target may be given
as a bare word. ``dial`` is the number called at the other centre (default: the
number the caller dialled). Every mistake is reported with file, line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acd.core import yamlfile as y
from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen
from acd.core.yamlfile import Node

_BARE_CONDITIONS = {
    OverflowWhen.NO_AGENT_LOGGED_IN,
    OverflowWhen.NO_AGENT_READY,
    OverflowWhen.CLOSED,
}
_LIMITS = {  # condition -> (lowest, highest, unit)
    OverflowWhen.WAITED_OVER: (0.0, 86400.0, "seconds"),
    OverflowWhen.ESTIMATED_WAIT_OVER: (0.0, 86400.0, "seconds"),
    OverflowWhen.LENGTH_OVER: (0.0, 1_000_000.0, "callers"),
    OverflowWhen.PER_READY_AGENT_OVER: (0.0, 10_000.0, "callers per ready agent"),
    OverflowWhen.SERVICE_LEVEL_UNDER: (0.0, 100.0, "percent"),
}
_NUMBER = re.compile(r"^\+?[0-9]{2,20}$")


@dataclass(frozen=True)
class Known:
    """Names a rule may refer to, declared elsewhere in the file."""

    queue: str  # the queue the rules belong to (a rule may not send callers to it)
    queues: frozenset[str]
    trunks: frozenset[str]
    mailboxes: frozenset[str] = frozenset()


def parse_rules(node: Node, known: Known) -> tuple[OverflowRule, ...]:
    return y.listed(node, lambda item: _rule(item, known))


def parse_closed(node: Node, known: Known) -> OverflowRule:
    return _target(node, OverflowWhen.CLOSED, 0.0, 0.0, known)


def _rule(node: Node, known: Known) -> OverflowRule:
    fields = y.mapping(node, {"when", "to"}, set())
    when, threshold, window = _condition(fields["when"])
    return _target(fields["to"], when, threshold, window, known)


def _condition(node: Node) -> tuple[OverflowWhen, float, float]:
    if node.is_scalar:
        when = _when(node)
        if when not in _BARE_CONDITIONS:
            raise node.error(f"'{when.value}' needs a value, e.g. {{{when.value}: 60}}")
        return when, 0.0, 0.0
    pairs = [(key, value) for key, value in y.entries(node) if y.text(key) != "window_s"]
    if len(pairs) != 1:
        raise node.error("give exactly one condition, e.g. {waited_over: 120}")
    key, value = pairs[0]
    when = _when(key)
    if when in _BARE_CONDITIONS:
        raise key.error(f"'{when.value}' takes no value: write 'when: {when.value}'")
    low, high, unit = _LIMITS[when]
    threshold = y.number(value, low, high, unit)
    window = _window(node, when)
    return when, threshold, window


def _window(node: Node, when: OverflowWhen) -> float:
    window_node = next((v for k, v in y.entries(node) if y.text(k) == "window_s"), None)
    if when is not OverflowWhen.SERVICE_LEVEL_UNDER:
        if window_node is not None:
            raise window_node.error("window_s only goes with service_level_under")
        return 0.0
    if window_node is None:
        raise node.error("service_level_under needs window_s: the last how many seconds")
    return y.number(window_node, 60.0, 86400.0, "seconds")


def _when(node: Node) -> OverflowWhen:
    return y.member(node, OverflowWhen, "condition")


def _target(
    node: Node, when: OverflowWhen, threshold: float, window: float, known: Known
) -> OverflowRule:
    if node.is_scalar:
        if y.text(node) != OverflowTo.CALLBACK.value:
            raise node.error("expected a target such as {queue: support} or callback")
        return OverflowRule(
            when=when, to=OverflowTo.CALLBACK, target="", threshold=threshold, window_s=window
        )
    fields = y.mapping(node, set(), {t.value for t in OverflowTo} | {"priority_boost", "dial"})
    chosen = [t for t in OverflowTo if t.value in fields]
    if len(chosen) != 1:
        raise node.error("give exactly one target: " + ", ".join(t.value for t in OverflowTo))
    to = chosen[0]
    target = _target_name(fields[to.value], to, known)
    boost = _only_for(fields, "priority_boost", to, OverflowTo.QUEUE)
    dial = _only_for(fields, "dial", to, OverflowTo.CENTRE)
    return OverflowRule(
        when=when,
        to=to,
        target=target,
        threshold=threshold,
        window_s=window,
        priority_boost=y.integer(boost, 0, 100) if boost else 0,
        number=_phone_number(dial) if dial else "",
    )


def _target_name(node: Node, to: OverflowTo, known: Known) -> str:
    if to is OverflowTo.CALLBACK:
        if not (node.is_scalar and str(node.raw.value).lower() in ("true", "yes")):
            raise node.error("write 'to: callback' (or {callback: true})")
        return ""
    value = y.text(node)
    if to is OverflowTo.QUEUE and value not in known.queues:
        raise node.error(f"no queue named {value!r} (see 'queues')")
    if to is OverflowTo.QUEUE and value == known.queue:
        raise node.error(f"a queue cannot overflow into itself ({value!r})")
    if to is OverflowTo.CENTRE and value not in known.trunks:
        raise node.error(f"no trunk named {value!r} (see 'trunks')")
    if to is OverflowTo.NUMBER:
        return _phone_number(node)
    if to is OverflowTo.VOICEMAIL and value not in known.mailboxes:
        raise node.error(f"no mailbox {value!r} (see 'voicemail')")
    if to is OverflowTo.MESSAGE and not value.strip():
        raise node.error("the message is empty: write what the caller should hear")
    return value


def _only_for(
    fields: dict[str, Node], key: str, to: OverflowTo, allowed: OverflowTo
) -> Node | None:
    if key in fields and to is not allowed:
        raise fields[key].error(f"{key} only goes with a '{allowed.value}' target")
    return fields.get(key)


def _phone_number(node: Node) -> str:
    value = y.text(node)
    if not _NUMBER.match(value):
        raise node.error(f"{value!r} is not a phone number (digits, optional leading +)")
    return value
