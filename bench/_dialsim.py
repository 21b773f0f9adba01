"""The virtual-clock simulation behind bench/dialer_efficiency.py: one outbound campaign
of N agents dialling a list of numbers, paced by a policy through the interface the server
uses (dialer/predictive/model.py): the pacer observes the same PacingEvents, is asked on
every event (a dial placed or ended, a person put through or abandoned, a talk or a
wrap-up ended) and at every whole second, and its Decision is obeyed up to ``lines_free``.

The campaign, as the issue states it:

* all agents ready at t = 0 (the cold start is inside every run); after a call, wrap-up of
  ``WRAP_S`` s, then ready again;
* a dial is answered by a person with probability p (the live share of the run, which may
  step down at half time); a person answers after U(4, 16) s of ringing; every other dial
  (machine, no answer, busy: all ``Ending.NOT_REACHED`` here, as pacing treats them alike)
  ends after U(5, 30) s;
* the person is put through to an agent ready at that moment, else to the first agent who
  frees within ``GRACE_S`` s (first answered, first served); nobody by then: abandoned;
* talk times exponential, or lognormal of the same mean with sigma ``LOGNORMAL_SIGMA``.

The list is drawn in advance, in dial order: each number's fate (a uniform draw compared
with the live share at the moment it is dialled), its ring time and its talk time come
from the run's seeded Random, the same draws a number whatever the policy. Every policy of
a cell gets its own Random seeded alike, so all dial the same people in the same order
(common random numbers: the differences between policies are not the lists' noise). The
outcome oracle skips the numbers that will not answer (``skip_unreached``) without
spending time on them.

The event loop is a heap of timed events; ready agents are a count, busy ones are keyed by
their call (when they started talking or wrapping up): nothing loops over the agents each
second, only the PoolState handed to the pacer lists the busy ones, as the server's does.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from dialer.predictive.model import (
    DialEnded,
    DialPlaced,
    Ending,
    LiveAbandoned,
    LiveConnected,
    Pacer,
    PoolState,
    TalkEnded,
    WrapEnded,
)

WRAP_S = 10.0
GRACE_S = 2.0  # a person who answered waits this long for an agent, then is abandoned
LIVE_RING_S = (4.0, 16.0)
OTHER_RING_S = (5.0, 30.0)
LOGNORMAL_SIGMA = 0.8
LINES_PER_AGENT = 3  # calls ringing at most per agent: the campaign's max_dial_ratio
WINDOW_S = 3600.0  # the rolling window judged
MIN_LIVE = 50  # a window (or the campaign so far) is judged from this many live answers

# Event kinds, in the heap as (time, order, kind, key).
_TICK, _DIAL_END, _GRACE_END, _TALK_END, _WRAP_END = range(5)


@dataclass(frozen=True)
class Campaign:
    agents: int
    live_share: float
    talk_mean_s: float
    talk_law: str  # "exponential" or "lognormal"
    hours: float
    seed: str  # the same for every policy of a cell
    live_share_after: float | None = None  # the live share from half time on (step change)


@dataclass(frozen=True)
class RunResult:
    occupancy: float  # (talk + wrap-up) / (agents x duration)
    talk_min_per_agent_hour: float
    dials: int
    live: int  # people who answered (put through or abandoned)
    abandons: int
    worst_hour: float | None  # worst rolling hour holding >= MIN_LIVE answers
    worst_cumulative: float | None  # worst rate since the start, from the MIN_LIVE-th answer
    cumulative_15min: float | None  # since the start, at 15 min and at 1 h (for the issue's
    cumulative_1h: float | None  # figures of VICIdial's cold start)
    seconds: float = 0.0  # wall time of the run (filled in by the caller)


class Numbers:
    """The campaign's list in dial order, each number's fate drawn in advance."""

    def __init__(self, campaign: Campaign) -> None:
        self._rng = random.Random(campaign.seed)
        self._share = campaign.live_share
        self._share_after = campaign.live_share_after
        self._step_at = campaign.hours * 3600.0 / 2
        self._talk = _talk_law(campaign, self._rng)

    def next(self, now: float) -> tuple[bool, float, float]:
        """The next number: answered by a person?, its ring time, its talk time."""
        fate, ring, talk = self._rng.random(), self._rng.random(), self._talk()
        share = self._share
        if self._share_after is not None and now >= self._step_at:
            share = self._share_after
        low, high = LIVE_RING_S if fate < share else OTHER_RING_S
        return fate < share, low + (high - low) * ring, talk


def _talk_law(campaign: Campaign, rng: random.Random) -> Callable[[], float]:
    mean = campaign.talk_mean_s
    if campaign.talk_law == "exponential":
        return lambda: rng.expovariate(1.0 / mean)
    if campaign.talk_law == "lognormal":
        mu = math.log(mean) - LOGNORMAL_SIGMA**2 / 2  # so that the mean is ``mean``
        return lambda: rng.lognormvariate(mu, LOGNORMAL_SIGMA)
    raise ValueError(f"unknown talk-time law {campaign.talk_law!r}")


class Simulation:
    """One run: a campaign, a pacer, until the campaign's hours are up."""

    def __init__(self, campaign: Campaign, pacer: Pacer, skip_unreached: bool = False) -> None:
        self.campaign, self.pacer, self.skip_unreached = campaign, pacer, skip_unreached
        self.numbers = Numbers(campaign)
        self.end = campaign.hours * 3600.0
        self.lines = LINES_PER_AGENT * campaign.agents
        self.events: list[tuple[float, int, int, int]] = []
        self.order = itertools.count()  # ties in the heap, and keys of calls and people
        self.ready = campaign.agents
        self.ringing: dict[int, float] = {}  # dial -> placed at
        self.fates: dict[int, tuple[bool, float]] = {}  # dial -> live?, talk time
        self.talking: dict[int, float] = {}  # call -> talk started at
        self.wrapping: dict[int, float] = {}  # call -> wrap-up started at
        self.waiting: deque[int] = deque()  # people answered, no agent yet (first first)
        self.people: dict[int, tuple[float, float]] = {}  # waiting -> answered at, talk time
        self.answered_at: list[float] = []  # every live answer settled, in answer order
        self.abandoned: list[bool] = []
        self.talk_s = self.wrap_s = 0.0  # finished talks and wrap-ups
        self.dials = 0

    def run(self) -> RunResult:
        self._push(0.0, _TICK, 0)
        handlers = {
            _TICK: self._tick,
            _DIAL_END: self._dial_ended,
            _GRACE_END: self._grace_ended,
            _TALK_END: self._talk_ended,
            _WRAP_END: self._wrap_ended,
        }
        while self.events:
            now, _, kind, key = heapq.heappop(self.events)
            if now > self.end:
                break
            handlers[kind](now, key)
            self._decide(now)
        return self._result()

    # -- the campaign --------------------------------------------------------------------

    def _push(self, at: float, kind: int, key: int) -> None:
        heapq.heappush(self.events, (at, next(self.order), kind, key))

    def _tick(self, now: float, _: int) -> None:
        self._push(now + 1.0, _TICK, 0)  # the pacer is asked at least every second

    def _decide(self, now: float) -> None:
        ringing = tuple(map(now.__sub__, self.ringing.values()))
        state = PoolState(
            now=now,
            ready=self.ready,
            talking=tuple(map(now.__sub__, self.talking.values())),
            wrapping=tuple(map(now.__sub__, self.wrapping.values())),
            ringing=ringing,
            lines_free=max(0, self.lines - len(ringing)),
        )
        for _ in range(max(0, min(self.pacer.decide(state).dials, state.lines_free))):
            self._place(now)

    def _place(self, now: float) -> None:
        live, ring_s, talk_s = self.numbers.next(now)
        while self.skip_unreached and not live:  # the oracle: never rings those
            live, ring_s, talk_s = self.numbers.next(now)
        dial = next(self.order)
        self.ringing[dial] = now
        self.fates[dial] = (live, talk_s)
        self.dials += 1
        self.pacer.observe(DialPlaced(at=now))
        self._push(now + ring_s, _DIAL_END, dial)

    def _dial_ended(self, now: float, dial: int) -> None:
        placed_at = self.ringing.pop(dial)
        live, talk_s = self.fates.pop(dial)
        ending = Ending.LIVE if live else Ending.NOT_REACHED
        self.pacer.observe(DialEnded(at=now, placed_at=placed_at, ending=ending))
        if not live:
            return
        if self.ready:
            self.ready -= 1
            self._connect(now, now, talk_s)
            return
        person = next(self.order)
        self.people[person] = (now, talk_s)
        self.waiting.append(person)
        self._push(now + GRACE_S, _GRACE_END, person)

    def _grace_ended(self, now: float, person: int) -> None:
        found = self.people.pop(person, None)
        if found is None:
            return  # put through in time
        # The longest waiting is the first to run out of grace: the head of the line.
        head = self.waiting.popleft()
        assert head == person, (head, person)
        self.answered_at.append(found[0])
        self.abandoned.append(True)
        self.pacer.observe(LiveAbandoned(at=now))

    def _connect(self, now: float, answered_at: float, talk_s: float) -> None:
        self.answered_at.append(answered_at)
        self.abandoned.append(False)
        self.pacer.observe(LiveConnected(at=now, wait_s=now - answered_at))
        call = next(self.order)
        self.talking[call] = now
        self._push(now + talk_s, _TALK_END, call)

    def _talk_ended(self, now: float, call: int) -> None:
        talk_s = now - self.talking.pop(call)
        self.talk_s += talk_s
        self.pacer.observe(TalkEnded(at=now, talk_s=talk_s))
        self.wrapping[call] = now
        self._push(now + WRAP_S, _WRAP_END, call)

    def _wrap_ended(self, now: float, call: int) -> None:
        self.wrap_s += now - self.wrapping.pop(call)
        self.pacer.observe(WrapEnded(at=now, wrap_s=WRAP_S))
        if self.waiting:  # everybody still in the line is within their grace
            person = self.waiting.popleft()
            answered_at, talk_s = self.people.pop(person)
            self._connect(now, answered_at, talk_s)
        else:
            self.ready += 1

    # -- the figures ---------------------------------------------------------------------

    def _result(self) -> RunResult:
        # Talks and wrap-ups still going at the end count up to the end.
        talking = sum(self.end - started for started in self.talking.values())
        wrapping = sum(self.end - started for started in self.wrapping.values())
        agent_s = self.campaign.agents * self.end
        talk_s = self.talk_s + talking
        worst_hour, worst_cumulative = worst_windows(self.answered_at, self.abandoned)
        return RunResult(
            occupancy=(talk_s + self.wrap_s + wrapping) / agent_s,
            talk_min_per_agent_hour=talk_s / 60 / (agent_s / 3600),
            dials=self.dials,
            live=len(self.abandoned),
            abandons=sum(self.abandoned),
            worst_hour=worst_hour,
            worst_cumulative=worst_cumulative,
            cumulative_15min=cumulative_at(self.answered_at, self.abandoned, 900.0),
            cumulative_1h=cumulative_at(self.answered_at, self.abandoned, 3600.0),
        )


def worst_windows(
    answered_at: list[float], abandoned: list[bool]
) -> tuple[float | None, float | None]:
    """The worst abandon rate of a rolling hour (looked at on every answer, counted when it
    holds MIN_LIVE answers or more) and the worst since the start (from the MIN_LIVE-th
    answer on); None when never judged."""
    worst_hour: float | None = None
    worst_cumulative: float | None = None
    first = in_window = total = 0
    for last, at in enumerate(answered_at):
        in_window += abandoned[last]
        total += abandoned[last]
        while answered_at[first] <= at - WINDOW_S:
            in_window -= abandoned[first]
            first += 1
        count = last - first + 1
        if count >= MIN_LIVE:
            worst_hour = max(worst_hour or 0.0, in_window / count)
        if last + 1 >= MIN_LIVE:
            worst_cumulative = max(worst_cumulative or 0.0, total / (last + 1))
    return worst_hour, worst_cumulative


def cumulative_at(answered_at: list[float], abandoned: list[bool], at: float) -> float | None:
    """Abandoned / live answers from the start to ``at``."""
    flags = [gone for when, gone in zip(answered_at, abandoned, strict=True) if when <= at]
    return sum(flags) / len(flags) if flags else None
