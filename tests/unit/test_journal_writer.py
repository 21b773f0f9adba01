"""AsyncJournal: batches written off the event loop, in order, retried on failure, given
to the sinks after the commit; a stuck disk costs facts, never the event loop."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from acd.adapters.journal import (
    AsyncJournal,
    Journal,
    JournalClosedError,
    JournalTimeoutError,
    JournalWriteError,
)
from acd.core.engine.facts import AgentStateChanged
from acd.core.facts import Fact


def fact(n: int) -> Fact:
    return AgentStateChanged(float(n), "1001", "ready" if n % 2 else "paused", "x")


class FlakyJournal(Journal):
    """Fails the first ``failures`` appends, or blocks each append until ``gate`` opens."""

    def __init__(self, real: Journal, failures: int = 0, gate: threading.Event | None = None):
        super().__init__(real._connection(), real.path)
        self.failures, self.gate, self.calls = failures, gate, 0

    def append(self, facts: Sequence[Fact]) -> None:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait()
        if self.failures:
            self.failures -= 1
            raise JournalWriteError("disk full")
        super().append(facts)


def read_all(path: str) -> list[Fact]:
    with Journal.open(path, create=False) as journal:
        return [row.fact for row in journal.read(0, 1e9)]


async def test_batches_are_written_in_order_and_flush_waits_for_them(tmp_path: Path) -> None:
    writer = AsyncJournal(Journal.open(tmp_path / "j.sqlite3"))
    for n in range(200):
        writer.submit([fact(n)])
    await writer.flush()
    assert writer.pending == 0
    assert read_all(str(tmp_path / "j.sqlite3")) == [fact(n) for n in range(200)]
    await writer.close()


async def test_sinks_get_each_batch_after_it_is_committed(tmp_path: Path) -> None:
    path = str(tmp_path / "j.sqlite3")
    seen: list[tuple[list[Fact], int]] = []

    def sink(facts: Sequence[Fact]) -> None:
        seen.append((list(facts), len(read_all(path))))  # committed already?

    writer = AsyncJournal(Journal.open(path), sinks=[sink])
    writer.submit([fact(1), fact(2)])
    await writer.flush()
    assert seen == [([fact(1), fact(2)], 2)]
    await writer.close()


async def test_a_failed_write_is_retried_until_it_works(tmp_path: Path) -> None:
    flaky = FlakyJournal(Journal.open(tmp_path / "j.sqlite3"), failures=2)
    writer = AsyncJournal(flaky, retry_s=0)
    writer.submit([fact(1)])
    await writer.flush()
    assert flaky.calls == 3
    assert read_all(flaky.path) == [fact(1)]
    await writer.close()


async def test_a_broken_sink_does_not_stop_the_journal(tmp_path: Path) -> None:
    def broken(facts: Sequence[Fact]) -> None:
        raise OSError("queue_log disk gone")

    writer = AsyncJournal(Journal.open(tmp_path / "j.sqlite3"), sinks=[broken])
    writer.submit([fact(1)])
    writer.submit([fact(2)])
    await writer.flush()
    assert read_all(str(tmp_path / "j.sqlite3")) == [fact(1), fact(2)]
    await writer.close()


async def test_a_stuck_disk_drops_new_batches_instead_of_blocking(tmp_path: Path) -> None:
    gate = threading.Event()
    stuck = FlakyJournal(Journal.open(tmp_path / "j.sqlite3"), gate=gate)
    writer = AsyncJournal(stuck, max_pending=3)
    for n in range(5):
        writer.submit([fact(n), fact(n + 100)])
    assert writer.pending == 3
    assert writer.dropped == 4  # two batches of two
    with pytest.raises(JournalTimeoutError, match="3 batches not committed after 0 s"):
        await writer.flush(timeout_s=0)
    gate.set()
    await writer.flush()
    assert read_all(stuck.path) == [fact(0), fact(100), fact(1), fact(101), fact(2), fact(102)]
    await writer.close()


async def test_close_writes_what_is_queued_then_refuses_more(tmp_path: Path) -> None:
    writer = AsyncJournal(Journal.open(tmp_path / "j.sqlite3"))
    writer.submit([fact(1)])
    await writer.close()
    assert read_all(str(tmp_path / "j.sqlite3")) == [fact(1)]
    with pytest.raises(JournalClosedError):
        writer.submit([fact(2)])
    await writer.close()  # twice is fine


async def test_close_gives_up_on_a_dead_disk_and_fails_waiters(tmp_path: Path) -> None:
    flaky = FlakyJournal(Journal.open(tmp_path / "j.sqlite3"), failures=10**9)
    writer = AsyncJournal(flaky, retry_s=60)
    writer.submit([fact(1)])
    with pytest.raises(JournalTimeoutError):
        await writer.close(timeout_s=0.05)
    with pytest.raises(JournalClosedError, match="journal writer stopped"):
        await writer.flush()


class PoisonJournal(Journal):
    """Cannot store one fact (a bug: a value the codec does not know)."""

    def __init__(self, real: Journal, poison: Fact):
        super().__init__(real._connection(), real.path)
        self.poison = poison

    def append(self, facts: Sequence[Fact]) -> None:
        if self.poison in facts:
            raise TypeError("Object of type Decimal is not JSON serializable")
        super().append(facts)


async def test_a_fact_that_cannot_be_stored_costs_that_fact_only(tmp_path: Path) -> None:
    poison = fact(2)
    writer = AsyncJournal(PoisonJournal(Journal.open(tmp_path / "j.sqlite3"), poison))
    writer.submit([fact(1), poison, fact(3)])
    await writer.flush()
    writer.submit([fact(4)])  # the writer lives on
    await writer.flush()
    assert read_all(str(tmp_path / "j.sqlite3")) == [fact(1), fact(3), fact(4)]
    assert writer.dropped == 1
    await writer.close()


async def test_batches_submitted_close_together_share_one_commit(tmp_path: Path) -> None:
    """Group commit: batches within the gathering window go in one transaction."""
    journal = FlakyJournal(Journal.open(tmp_path / "j.sqlite3"))
    writer = AsyncJournal(journal, gather_s=5.0)  # longer than the test needs: never reached
    for n in range(3):
        writer.submit([fact(n)])
    await writer.close()  # the stop ends the gathering: written at once, together
    assert journal.calls == 1
    assert read_all(str(tmp_path / "j.sqlite3")) == [fact(0), fact(1), fact(2)]
