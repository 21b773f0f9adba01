"""Voicemail boxes in ``config/acd.yaml``: where overflow and closed-hours callers leave
a message (Asterisk's VoiceMail; `acd voicemail list` shows what was left).

    voicemail:
      "500": {name: Sales}
      "501": {name: Support}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acd.core import yamlfile as y
from acd.core.yamlfile import Node

_MAILBOX = re.compile(r"^[0-9]{1,10}$")


@dataclass(frozen=True)
class Mailbox:
    id: str
    name: str


def parse_voicemail(node: Node) -> tuple[Mailbox, ...]:
    boxes = []
    for key, value in y.entries(node):
        box = y.text(key)
        if not _MAILBOX.match(box):
            raise key.error(f"{box!r}: a mailbox is a number of 1 to 10 digits")
        fields = y.mapping(value, {"name"}, set())
        name = y.text(fields["name"])
        if not name.strip() or any(c in name for c in ",\n"):
            raise fields["name"].error("a mailbox name is plain text without commas")
        boxes.append(Mailbox(box, name))
    return tuple(boxes)
