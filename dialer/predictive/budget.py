"""The abandon budget (pure): live answers and abandoned calls counted per minute, and for
each window (the last hour, 24 hours, 30 days, the campaign so far) the rate and how many
more abandons the target allows. The law judges a campaign over 24 hours (UK; our French
policy) or 30 days (US); the last hour is our own, stricter: a burst of abandons in a bad
hour is spent goodwill even when the day's rate is fine.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

MINUTE = 60.0
WINDOWS: dict[str, float] = {
    "1h": 3600.0,
    "24h": 86_400.0,
    "30d": 30 * 86_400.0,
    "campaign": math.inf,
}


@dataclass
class _Window:
    span_s: float
    live: int = 0
    abandoned: int = 0
    minutes: deque[tuple[int, int, int]] = field(default_factory=deque)  # (minute, live, ab)


@dataclass
class AbandonBudget:
    target: float  # e.g. 0.03: abandons per live answer at most
    windows: dict[str, _Window] = field(init=False)

    def __post_init__(self) -> None:
        self.windows = {name: _Window(span) for name, span in WINDOWS.items()}

    def add(self, at: float, abandoned: bool) -> None:
        """A live answer (abandoned or put through) at ``at``."""
        minute = int(at // MINUTE)
        for window in self.windows.values():
            window.live += 1
            window.abandoned += int(abandoned)
            if window.minutes and window.minutes[-1][0] == minute:
                _, live, ab = window.minutes[-1]
                window.minutes[-1] = (minute, live + 1, ab + int(abandoned))
            else:
                window.minutes.append((minute, 1, int(abandoned)))
        self.expire(at)

    def expire(self, now: float) -> None:
        """Drops the minutes that fell out of each window."""
        for window in self.windows.values():
            if math.isinf(window.span_s):
                window.minutes.clear()  # the campaign's window needs only its totals
                continue
            oldest = int((now - window.span_s) // MINUTE)
            while window.minutes and window.minutes[0][0] <= oldest:
                _, live, ab = window.minutes.popleft()
                window.live -= live
                window.abandoned -= ab

    def left(self, name: str, pending_live: float = 0.0) -> float:
        """More abandons the window allows now, counting the live answers expected from
        the calls in flight (``pending_live``) as answers to come."""
        window = self.windows[name]
        return self.target * (window.live + pending_live) - window.abandoned

    def least_left(self, pending_live: float = 0.0) -> tuple[str, float]:
        """The window closest to its limit, and the abandons it still allows."""
        return min(
            ((name, self.left(name, pending_live)) for name in self.windows),
            key=lambda found: found[1],
        )

    def rate(self, name: str) -> float:
        window = self.windows[name]
        return window.abandoned / window.live if window.live else 0.0

    def live(self, name: str) -> int:
        return self.windows[name].live
