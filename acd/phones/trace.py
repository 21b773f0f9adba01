"""Reads SIPp's message trace (-trace_msg): when each SIP message was sent or received.

SIPp writes a block per message: a dashed line ending with the date and time, then
"UDP message received [N] bytes :" or "UDP message sent (N bytes):", then the message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TracedMessage:
    at: float  # epoch seconds (SIPp writes local time)
    received: bool
    first_line: str  # e.g. "INVITE sip:1005@127.0.0.1:40001 SIP/2.0" or "SIP/2.0 200 OK"

    @property
    def method(self) -> str:
        """The request method, or the response's "<code>" (e.g. "200")."""
        words = self.first_line.split()
        return words[1] if words and words[0] == "SIP/2.0" else (words[0] if words else "")


def read_trace(path: Path) -> list[TracedMessage]:
    lines = path.read_text(errors="replace").splitlines()
    messages = []
    for i, line in enumerate(lines[:-2]):
        if not line.startswith("-----"):
            continue
        stamp = " ".join(line.rsplit(maxsplit=2)[-2:])
        at = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").timestamp()
        received = "received" in lines[i + 1]
        first = next((x for x in lines[i + 2 : i + 5] if x.strip()), "")
        messages.append(TracedMessage(at, received, first.strip()))
    return messages
