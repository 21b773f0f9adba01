"""`GET /metrics`: the server's figures in Prometheus' text format (prometheus-client).

Read from the engine's snapshot and the server's health when Prometheus scrapes, never
counted per event: a scrape costs one snapshot, a call costs nothing more. Counters
(``_total``) count since the server started, as the engine's own statistics do; a
restart sets them back to zero, which Prometheus' rate() and increase() expect. The
reports (`acd report`) remain the reference for a day's KPIs: they read the journal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from acd.adapters.api.health import Health
from acd.core.engine.snapshot import Snapshot
from acd.core.engine.state import AgentState

METRICS_CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what generate_latest() writes


class ServerCollector(Collector):
    """Queues, agents and the server's links, as of the scrape."""

    def __init__(self, snapshot: Callable[[], Snapshot], health: Callable[[], Health]) -> None:
        self._snapshot = snapshot
        self._health = health

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        yield from _queues(snapshot)
        yield from _agents(snapshot)
        yield from _links(self._health())


def render(collector: ServerCollector) -> bytes:
    """The text exposition of one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)


def _queues(snapshot: Snapshot) -> Iterator[Metric]:
    labels = ["queue"]
    waiting = GaugeMetricFamily(
        "acd_queue_waiting", "Callers waiting or being rung in the queue", labels=labels
    )
    longest = GaugeMetricFamily(
        "acd_queue_longest_wait_seconds", "Wait so far of the queue's longest waiter", labels=labels
    )
    level = GaugeMetricFamily(
        "acd_queue_service_level_ratio",
        "Calls answered within the queue's service level threshold / calls answered",
        labels=labels,
    )
    handle = GaugeMetricFamily(
        "acd_queue_handle_seconds", "The engine's estimate of a call's handle time", labels=labels
    )
    counters = {
        "answered": CounterMetricFamily(
            "acd_queue_answered", "Calls answered by an agent", labels=labels
        ),
        "answered_within_sl": CounterMetricFamily(
            "acd_queue_answered_within_service_level",
            "Calls answered within the service level threshold",
            labels=labels,
        ),
        "abandoned": CounterMetricFamily(
            "acd_queue_abandoned", "Callers who hung up while waiting", labels=labels
        ),
        "removed": CounterMetricFamily(
            "acd_queue_removed",
            "Callers taken out of the queue (time limit, exit key, empty queue)",
            labels=labels,
        ),
    }
    for q in snapshot.queues:
        waiting.add_metric([q.name], q.waiting)
        longest.add_metric([q.name], q.longest_wait_s)
        handle.add_metric([q.name], q.handle_s)
        if q.service_level is not None:  # no answer yet: no ratio, rather than a made-up 0
            level.add_metric([q.name], q.service_level)
        for field, family in counters.items():
            family.add_metric([q.name], getattr(q, field))
    yield from (waiting, longest, level, handle, *counters.values())


def _agents(snapshot: Snapshot) -> Iterator[Metric]:
    by_state = GaugeMetricFamily("acd_agents", "Agents in each state", labels=["state"])
    counts = Counter(a.state for a in snapshot.agents)
    for state in AgentState:  # every state, at 0 too: a series never vanishes
        by_state.add_metric([state.value], counts[state.value])
    calls = CounterMetricFamily("acd_agent_calls", "Calls the agent answered", labels=["agent"])
    talk = CounterMetricFamily(
        "acd_agent_talk_seconds", "The agent's time on calls", labels=["agent"]
    )
    for a in snapshot.agents:
        calls.add_metric([a.agent_id], a.calls)
        talk.add_metric([a.agent_id], a.talk_s)
    yield from (by_state, calls, talk)


def _links(health: Health) -> Iterator[Metric]:
    checks = health.checks
    yield GaugeMetricFamily(
        "acd_asterisk_connected",
        "1 while the AMI link to Asterisk is logged in",
        checks["asterisk"],
    )
    yield GaugeMetricFamily(
        "acd_fastagi_listening", "1 while the FastAGI listener accepts calls", checks["fastagi"]
    )
    yield GaugeMetricFamily(
        "acd_fastagi_sessions", "Calls' FastAGI connections being served", health.fastagi_sessions
    )
    yield GaugeMetricFamily(
        "acd_journal_running", "1 while the journal's writer runs", checks["journal"]
    )
    yield GaugeMetricFamily(
        "acd_journal_pending_batches",
        "Batches of facts submitted to the journal, not yet committed",
        health.journal_pending,
    )
    yield CounterMetricFamily(
        "acd_journal_dropped_facts",
        "Facts the journal could not store, since the start",
        health.journal_dropped,
    )
