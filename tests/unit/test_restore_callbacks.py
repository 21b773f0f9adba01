"""A restarted server serves the booked callbacks the journal has, once each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from acd.adapters.journal import Journal
from acd.core.engine import AcdConfig, AgentConfig, Engine, QueueConfig
from acd.core.engine.commands import Command, RingAgent
from acd.core.engine.config import OverflowRule, OverflowTo, OverflowWhen
from acd.core.engine.errors import UnknownCallError
from acd.core.engine.events import AgentLoggedIn, CallArrived, PhoneState, PhoneStateChanged
from acd.core.engine.facts import CallbackBooked, CallEntered, CallOverflowed
from acd.core.facts import Fact
from acd.server.restore import restore_callbacks
from acd.server.runner import EngineRunner


def test_booked_callbacks_come_back_in_their_order_without_new_journal_facts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append(
            [
                CallbackBooked(50.0, "late", "q", "+33622222222", 40.0, 0, "", "fr", ()),
                CallbackBooked(60.0, "early", "q", "+33611111111", 10.0, 0, "", "fr", ()),
            ]
        )
    offer = OverflowRule(OverflowWhen.WAITED_OVER, OverflowTo.CALLBACK, threshold=5)
    queue = QueueConfig("q", ("1001",), overflow=(offer,))
    config = AcdConfig(queues=(queue,), agents=(AgentConfig("1001"),))
    commands: list[Command] = []
    facts: list[Fact] = []

    def record(batch: Sequence[Fact]) -> None:
        facts.extend(batch)

    runner = EngineRunner(Engine(config), commands.append, record, clock=lambda: 1000.0)
    assert restore_callbacks(path, runner, lambda call_id: True) == (("early", "late"), ())
    for event in (PhoneStateChanged("1001", PhoneState.NOT_INUSE), AgentLoggedIn("1001")):
        runner.feed(event)
    while not runner._inbox.empty():
        runner.step(runner._inbox.get_nowait())
    rings = [c for c in commands if isinstance(c, RingAgent)]
    assert [r.call_id for r in rings] == ["early"]  # entered at 10, before "late" at 40
    assert not [f for f in facts if isinstance(f, CallEntered | CallbackBooked | CallOverflowed)]
    assert runner.engine.explain("late").state == "waiting"


def test_a_callback_whose_customer_line_is_up_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.append(
            [
                CallbackBooked(50.0, "ringing", "q", "+33622222222", 40.0, 0, "", "fr", ()),
                CallbackBooked(60.0, "waiting", "q", "+33611111111", 10.0, 0, "", "fr", ()),
            ]
        )
    config = AcdConfig(queues=(QueueConfig("q", ("1001",)),), agents=(AgentConfig("1001"),))
    runner = EngineRunner(Engine(config), lambda c: None, lambda f: None, clock=lambda: 1000.0)
    restored = restore_callbacks(path, runner, lambda call_id: call_id != "ringing")
    assert restored == (("waiting",), ("ringing",))
    while not runner._inbox.empty():
        runner.step(runner._inbox.get_nowait())
    assert runner.engine.explain("waiting").state == "waiting"
    with pytest.raises(UnknownCallError):
        runner.engine.explain("ringing")  # not in the ACD: not dialled again


def test_a_caller_found_waiting_is_counted_only_if_the_journal_lacks_their_entry() -> None:
    """Found in Asterisk after a restart: the entry written before the kill is not counted
    again; one the killed server never wrote down (it died within milliseconds of the
    caller's entry) is written now, once."""
    config = AcdConfig(queues=(QueueConfig("q", ("1001",)),), agents=(AgentConfig("1001"),))
    facts: list[Fact] = []

    def record(batch: Sequence[Fact]) -> None:
        facts.extend(batch)

    runner = EngineRunner(Engine(config), lambda command: None, record, clock=lambda: 100.0)
    runner.feed_restored(CallArrived("known", "q", 10.0))
    runner.feed_restored(CallArrived("unwritten", "q", 20.0), counted=False)
    while not runner._inbox.empty():
        runner.step(runner._inbox.get_nowait())
    entered = [f for f in facts if isinstance(f, CallEntered)]
    assert [(f.call_id, f.at) for f in entered] == [("unwritten", 100.0)]
