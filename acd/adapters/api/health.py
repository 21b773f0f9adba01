"""`GET /health`: can this server take calls now? For load balancers and monitors.

Three checks, each with the figures behind it: Asterisk's manager link is logged in
(without it no caller is matched or bridged), the FastAGI listener accepts connections
(without it every call goes to the dialplan's fallback), and the journal's writer runs
(without it nothing is recorded and reports go wrong). All pass: 200 and "ok"; one
fails: 503 and "failing", with the one named, so that a balancer sends calls elsewhere
and an operator sees why. Queued facts and dropped ones are shown, not judged: a burst
queues facts for a moment, and a dropped fact is history, not a reason to stop calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Health:
    asterisk: str  # the AMI link: connected, disconnected, login_failed, closed
    fastagi_listening: bool
    fastagi_sessions: int  # calls' FastAGI connections being served
    journal_running: bool
    journal_pending: int  # batches of facts submitted, not yet committed
    journal_dropped: int  # facts that could not be stored, since the start

    @property
    def checks(self) -> dict[str, bool]:
        return {
            "asterisk": self.asterisk == "connected",
            "fastagi": self.fastagi_listening,
            "journal": self.journal_running,
        }

    @property
    def ok(self) -> bool:
        return all(self.checks.values())


def health_body(health: Health) -> tuple[int, dict[str, Any]]:
    """The HTTP status and the JSON body of ``GET /health``."""
    checks = health.checks
    body = {
        "status": "ok" if health.ok else "failing",
        "failing": [name for name, passed in checks.items() if not passed],
        "asterisk": {"ok": checks["asterisk"], "link": health.asterisk},
        "fastagi": {"ok": checks["fastagi"], "sessions": health.fastagi_sessions},
        "journal": {
            "ok": checks["journal"],
            "pending": health.journal_pending,
            "dropped": health.journal_dropped,
        },
    }
    return (200 if health.ok else 503), body
