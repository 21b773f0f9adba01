"""`acd status` renders the server's status for a person."""

from __future__ import annotations

from acd.cli.status_cmd import render

STATUS = {
    "asterisk": "connected",
    "journal": {"pending": 0, "dropped": 0},
    "fastagi": {"sessions": 2},
    "queues": [
        {
            "name": "sales",
            "waiting": 2,
            "longest_wait_s": 75.2,
            "answered": 4,
            "abandoned": 1,
            "service_level": 0.75,
            "service_level_s": 20,
        }
    ],
    "agents": [
        {
            "agent_id": "1001",
            "state": "paused",
            "since": 1700000000.0,
            "in_state_s": 62.0,
            "phone": "not_inuse",
            "calls": 3,
            "reason": "lunch",
            "call_id": "",
            "pending": "nothing",
        },
        {
            "agent_id": "1002",
            "state": "logged_out",
            "since": 0.0,
            "in_state_s": 1.7e9,
            "phone": "unavailable",
            "calls": 0,
            "reason": "",
            "call_id": "",
            "pending": "nothing",
        },
    ],
}


def test_status_lines() -> None:
    lines = render(STATUS).splitlines()
    assert lines[0] == "Asterisk: connected; journal: 0 batches to write; FastAGI: 2 calls"
    assert lines[3].split() == ["sales", "2", "1:15", "4", "1", "75%", "within", "20", "s"]
    assert lines[6].split() == ["1001", "paused", "1:02", "not_inuse", "3", "lunch"]
    assert lines[7].split() == ["1002", "logged_out", "-", "unavailable", "0"]


def test_lost_journal_facts_are_shouted() -> None:
    status = {**STATUS, "journal": {"pending": 3, "dropped": 2}}
    assert "3 batches to write, 2 FACTS LOST" in render(status).splitlines()[0]
