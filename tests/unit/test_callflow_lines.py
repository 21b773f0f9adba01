"""The operator's console: one readable line per overflow and callback fact; the
routine steps of every call with -v only."""

from __future__ import annotations

import logging

import pytest

from acd.core.engine.facts import (
    AgentStateChanged,
    CallbackAttempt,
    CallbackBooked,
    CallOffered,
    CallOverflowed,
)
from acd.server.callflow import describe, log_fact


def test_overflow_lines_say_where_and_why() -> None:
    out = CallOverflowed(
        1.0, "c1", "sales", 0, "estimated_wait_over", "centre", "partner", 3, 2.0, 73.5
    )
    assert (
        describe(out) == "sales: c1 overflows to centre partner (rule 1: estimated_wait_over 73.5)"
    )
    closed = CallOverflowed(1.0, "c2", "sales", 1, "closed", "voicemail", "500", 1, 0.0, 1.0)
    assert describe(closed) == "sales: c2 overflows to voicemail 500 (rule 2: closed)"


def test_callback_lines() -> None:
    booked = CallbackBooked(1.0, "c1", "sales", "+33611", 0.0, 0, "", "fr", (), "c0")
    assert describe(booked) == "sales: callback booked for +33611, merged into c0"
    failed = CallbackAttempt(2.0, "c1", "sales", "1001", 3, "busy", True)
    assert describe(failed) == "sales: callback c1 not reached (busy), gives up"


def test_routine_steps_are_logged_with_v_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="acd.calls")
    log_fact(AgentStateChanged(1.0, "1001", "reserved", "ready"))  # rung: routine
    log_fact(AgentStateChanged(2.0, "1001", "paused", "ready", "lunch"))  # news
    log_fact(CallOffered(3.0, "c1", "sales", "1001", ("1001",), "longest-idle", 1))
    assert [r.getMessage() for r in caplog.records] == ["agent 1001: ready -> paused (lunch)"]
    caplog.clear()
    caplog.set_level(logging.DEBUG, logger="acd.calls")
    log_fact(AgentStateChanged(4.0, "1001", "on_call", "reserved"))
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
