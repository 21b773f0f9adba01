"""Overflow rules and the closed treatment in acd.yaml: parsed, or refused with file,
line and key."""

from __future__ import annotations

import pytest

from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen
from acd.core.settings import ConfigError, parse_settings

W, T = OverflowWhen, OverflowTo

BASE = """\
asterisk:
  ami: {username: acd}
  agi: {}
  sip: {}
trunks:
  - {name: partner, match: [127.0.0.9/32]}
agents:
  - {id: "1001", name: Alice}
voicemail:
  "500": {name: Sales}
  "1": {name: Tests}
queues:
  - name: support
  - name: sales
"""


def rules(text: str) -> tuple[OverflowRule, ...]:
    sales = parse_settings(BASE + text).acd.queue("sales")
    assert sales is not None
    return sales.overflow


def test_every_condition_and_target() -> None:
    found = rules("""\
    overflow_check_s: 2
    overflow:
      - {when: {estimated_wait_over: 60}, to: {centre: partner, dial: "200"}}
      - {when: {waited_over: 300}, to: {queue: support, priority_boost: 2}}
      - {when: {service_level_under: 70, window_s: 900}, to: callback}
      - {when: {length_over: 20}, to: {number: "+33123456789"}}
      - {when: {per_ready_agent_over: 2.5}, to: {voicemail: "500"}}
      - {when: no_agent_logged_in, to: {message: "Please call again later."}}
      - {when: no_agent_ready, to: {callback: true}}
""")
    assert found == (
        OverflowRule(W.ESTIMATED_WAIT_OVER, T.CENTRE, "partner", 60, number="200"),
        OverflowRule(W.WAITED_OVER, T.QUEUE, "support", 300, priority_boost=2),
        OverflowRule(W.SERVICE_LEVEL_UNDER, T.CALLBACK, "", 70, 900),
        OverflowRule(W.LENGTH_OVER, T.NUMBER, "+33123456789", 20),
        OverflowRule(W.PER_READY_AGENT_OVER, T.VOICEMAIL, "500", 2.5),
        OverflowRule(W.NO_AGENT_LOGGED_IN, T.MESSAGE, "Please call again later."),
        OverflowRule(W.NO_AGENT_READY, T.CALLBACK),
    )


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        (
            "    overflow: [{when: {waited_over: 9}, to: {queue: nowhere}}]\n",
            15,
            "queues[1].overflow[0].to.queue",
            "no queue named 'nowhere'",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {queue: sales}}]\n",
            15,
            "queues[1].overflow[0].to.queue",
            "cannot overflow into itself",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {centre: nope}}]\n",
            15,
            "queues[1].overflow[0].to.centre",
            "no trunk named 'nope'",
        ),
        (
            "    overflow: [{when: {waited_ovr: 9}, to: callback}]\n",
            15,
            "queues[1].overflow[0].when.waited_ovr",
            "unknown condition",
        ),
        (
            "    overflow: [{when: waited_over, to: callback}]\n",
            15,
            "queues[1].overflow[0].when",
            "needs a value",
        ),
        (
            "    overflow: [{when: {closed: 1}, to: callback}]\n",
            15,
            "queues[1].overflow[0].when.closed",
            "takes no value",
        ),
        (
            "    overflow: [{when: {service_level_under: 80}, to: callback}]\n",
            15,
            "queues[1].overflow[0].when",
            "needs window_s",
        ),
        (
            "    overflow: [{when: {service_level_under: 180, window_s: 600}, to: callback}]\n",
            15,
            "queues[1].overflow[0].when.service_level_under",
            "out of range",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {queue: support, voicemail: '1'}}]\n",
            15,
            "queues[1].overflow[0].to",
            "exactly one target",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {voicemail: '1', dial: '12'}}]\n",
            15,
            "queues[1].overflow[0].to.dial",
            "only goes with a 'centre' target",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {number: 'call me'}}]\n",
            15,
            "queues[1].overflow[0].to.number",
            "not a phone number",
        ),
        (
            "    overflow: [{when: {waited_over: 9}, to: {voicemail: '999'}}]\n",
            15,
            "queues[1].overflow[0].to.voicemail",
            "no mailbox '999'",
        ),
        ("    calendar: paris\n", 15, "queues[1].calendar", "no calendar named 'paris'"),
        (
            "    closed: {voicemail: '500'}\n",
            15,
            "queues[1].closed",
            "needs the queue's 'calendar'",
        ),
    ],
)
def test_mistakes_are_refused_with_file_line_and_key(
    text: str, line: int, key: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE + text, "acd.yaml")
    error = caught.value
    assert (error.file, error.line, error.key) == ("acd.yaml", line, key)
    assert message in error.message


def test_callback_options_per_queue() -> None:
    sales = parse_settings(
        BASE
        + """\
    callback_mode: customer-first
    callback_attempts: 5
    callback_retry_s: 120
"""
    ).acd.queue("sales")
    assert sales is not None
    assert (sales.callback_customer_first, sales.callback_attempts, sales.callback_retry_s) == (
        True,
        5,
        120,
    )
    with pytest.raises(ConfigError, match="agent-first or customer-first"):
        parse_settings(BASE + "    callback_mode: whoever\n")
