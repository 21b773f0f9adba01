"""Queues, pause reasons and agents' skills in acd.yaml: parsed, or refused with file,
line and key."""

from __future__ import annotations

import pytest

from acd.core.engine import MemberCondition, Strategy
from acd.core.settings import ConfigError, load_settings, parse_settings
from tests.conftest import PROJECT

BASE = """\
asterisk:
  ami: {username: acd}
  agi: {}
  sip: {}
agents:
  - {id: "1001", name: Alice, skills: {french: 5, billing: 2}, auto_pause_after: 3}
  - {id: "1002", name: Bruno}
pause_reasons: {1: lunch, 2: training}
queues:
  - name: sales
"""


def test_the_example_configuration_has_two_queues_with_skills() -> None:
    acd = load_settings(PROJECT / "config" / "acd.yaml").acd
    assert [q.name for q in acd.queues] == ["sales", "support"]
    assert [(r.digit, r.code) for r in acd.pause_reasons] == [
        ("1", "lunch"),
        ("2", "training"),
        ("3", "admin"),
    ]
    assert len(acd.agents) == 5
    assert all(a.skills for a in acd.agents)
    support = acd.queue("support")
    assert support is not None
    assert support.strategy is Strategy.SKILLS
    assert [step.after_s for step in support.escalation] == [60, 120]


def test_defaults_and_full_queue() -> None:
    acd = parse_settings(BASE).acd
    sales = acd.queues[0]
    assert sales.members == ("1001", "1002")
    assert sales.strategy is Strategy.LONGEST_IDLE
    assert (sales.ring_timeout_s, sales.max_wait_s, sales.join_empty) == (15, 0, frozenset())
    assert acd.agents[0].skills == (("billing", 2), ("french", 5))
    assert acd.agents[0].auto_pause_after == 3
    assert acd.agents[1].auto_pause_after == 0
    full = parse_settings(
        BASE
        + """\
    strategy: ring-all
    members: ["1002"]
    skills: {french: 2}
    max_length: 10
    join_empty: [paused, unavailable]
    leave_when_empty: [penalty]
    max_wait_s: 600
    exit_key: "#"
    ring_timeout_s: 20.5
    wrap_up_s: 10
    announce_every_s: 30
    escalation: [{after_s: 30, skills: {french: 0}}]
"""
    ).acd.queues[0]
    assert full.strategy is Strategy.RING_ALL
    assert full.members == ("1002",)
    assert full.join_empty == {MemberCondition.PAUSED, MemberCondition.UNAVAILABLE}
    assert (full.ring_timeout_s, full.exit_key, full.escalation[0].skills) == (
        20.5,
        "#",
        (("french", 0),),
    )


@pytest.mark.parametrize(
    ("extra", "line", "key", "words"),
    [
        ("    strategy: fastest\n", 11, "queues[0].strategy", "unknown strategy"),
        ('    members: ["1001", "9999"]\n', 11, "queues[0].members[1]", "not a configured agent"),
        ('    members: ["1001", "1001"]\n', 11, "queues[0].members[1]", "listed twice"),
        ("    skills: {french: 6}\n", 11, "queues[0].skills.french", "out of range"),
        ("    skills: {french: 0}\n", 11, "queues[0].skills.french", "out of range"),
        ("    join_empty: [paused, away]\n", 11, "queues[0].join_empty[1]", "unknown member state"),
        (
            "    leave_when_empty: [gone]\n",
            11,
            "queues[0].leave_when_empty[0]",
            "unknown member state",
        ),
        ("  - name: sales\n", 10, "queues", "defined twice"),
        (
            "    escalation: [{after_s: 60, skills: {}}, {after_s: 30, skills: {}}]\n",
            11,
            "queues[0].escalation[1].after_s",
            "increasing",
        ),
        ("    ring_timeout_s: 0\n", 11, "queues[0].ring_timeout_s", "out of range"),
        ("    max_wait_s: soon\n", 11, "queues[0].max_wait_s", "number of seconds"),
        ("    exit_key: 12\n", 11, "queues[0].exit_key", "exit key"),
        ("    colour: red\n", 11, "queues[0].colour", "unknown key"),
        ("  - strategy: linear\n", 11, "queues[1]", "missing required key 'name'"),
    ],
)
def test_queue_errors_name_file_line_and_key(extra: str, line: int, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE + extra, "acd.yaml")
    error = caught.value
    assert (error.file, error.line, error.key) == ("acd.yaml", line, key)
    assert words in error.message


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("billing: 2}", "billing: 9}", "agents[0].skills.billing", "out of range"),
        (
            "auto_pause_after: 3",
            "auto_pause_after: -1",
            "agents[0].auto_pause_after",
            "out of range",
        ),
        ("Bruno}", "Bruno, team: x}", "agents[1].team", "unknown key"),
        ("{1: lunch, 2: training}", "{1: lunch, 12: training}", "pause_reasons.12", "one digit"),
        ("{1: lunch, 2: training}", "{1: lunch, 2: lunch}", "pause_reasons.2", "already used"),
        ("{1: lunch, 2: training}", "{1: auto}", "pause_reasons.1", "reserved"),
        ("{1: lunch, 2: training}", "{1: Lunch Break}", "pause_reasons.1", "lower-case"),
        ("skills: {french: 5", "skills: {French: 5", "agents[0].skills.French", "lower-case"),
    ],
)
def test_agent_and_pause_errors(old: str, new: str, key: str, words: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE.replace(old, new), "acd.yaml")
    assert caught.value.key == key
    assert words in caught.value.message
