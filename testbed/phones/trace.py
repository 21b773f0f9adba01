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
    headers: tuple[str, ...] = ()  # "Name: value" lines, as received or sent

    def header(self, name: str) -> str:
        """The first header of that name (case-insensitive), "" if absent."""
        prefix = name.lower() + ":"
        line = next((h for h in self.headers if h.lower().startswith(prefix)), "")
        return line[len(prefix) :].strip()

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
        start = next((j for j in range(i + 2, min(i + 5, len(lines))) if lines[j].strip()), i + 2)
        messages.append(
            TracedMessage(
                at,
                received,
                lines[start].strip() if start < len(lines) else "",
                tuple(_headers(lines, start + 1)),
            )
        )
    return messages


def _headers(lines: list[str], start: int) -> list[str]:
    """The header lines of the message starting at ``start``: up to the blank line."""
    found = []
    for line in lines[start:]:
        if not line.strip() or line.startswith("-----"):
            break
        found.append(line.strip())
    return found
