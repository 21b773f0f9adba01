"""Who answered, from AMD's verdict: its status and its cause (pure).

Asterisk's AMD() is a timing heuristic (compliance.md), and its cause says which timing
decided. Some causes are weaker than others: a MACHINE for INITIALSILENCE is often a
person who picked up and said nothing. So, like VICIdial, an operator may route one
(status, cause) pair apart from its status: ``{"MACHINE/INITIALSILENCE": "person"}``.

The defaults keep the safe side: only a MACHINE verdict is a machine; HUMAN, a doubt
(NOTSURE) and no detection at all are a person, since hanging up on a person is an
abandoned call (and under the UK rule set an AMD false positive counts as one); HANGUP
(the line dropped during the analysis) leaves nobody.

Routing HUMAN (or NOTSURE) to a machine is allowed, for an operator who finds AMD's
HUMAN wrong on some lines, but it gives up that safety: each such call is taken for a
machine, so it ends as one, and the people among them are AMD false positives, to
count in the campaign's estimated false-positive rate (acd report dialer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Answerer(StrEnum):
    PERSON = "person"
    MACHINE = "machine"
    NOBODY = "nobody"  # hung up during the analysis


# What AMD() sets, per AMDSTATUS: the first word of AMDCAUSE. From Asterisk 22's
# apps/app_amd.c, isAnsweringMachine(): each strcpy(amdStatus, ...) and the
# sprintf(amdCause, ...) beside it. TOOLONG (the analysis time ran out) and NOAUDIODATA
# (no audio frame at all) come with NOTSURE, never with MACHINE; HANGUP sets no cause.
CAUSES: Mapping[str, tuple[str, ...]] = {
    "MACHINE": ("INITIALSILENCE", "LONGGREETING", "MAXWORDLENGTH", "MAXWORDS"),
    "HUMAN": ("HUMAN",),
    "NOTSURE": ("TOOLONG", "NOAUDIODATA"),
    "HANGUP": (),
}
ANY_CAUSE = ""
NO_DETECTION = ""  # AMDSTATUS when AMD did not run (off) or could not (no DSP, no codec)

# (status, cause's first word or ANY_CAUSE) -> who answered.
Rules = Mapping[tuple[str, str], Answerer]
DEFAULT_RULES: Rules = {
    ("MACHINE", ANY_CAUSE): Answerer.MACHINE,
    ("HUMAN", ANY_CAUSE): Answerer.PERSON,
    ("NOTSURE", ANY_CAUSE): Answerer.PERSON,
    ("HANGUP", ANY_CAUSE): Answerer.NOBODY,
    (NO_DETECTION, ANY_CAUSE): Answerer.PERSON,
}


def cause_word(cause: str) -> str:
    """The cause's first word, its name: "LONGGREETING-1700-1500" -> "LONGGREETING"."""
    return cause.split("-", 1)[0].strip().upper()


@dataclass(frozen=True)
class AmdRoutes:
    """Who answered per (status, cause): the most specific rule wins."""

    rules: Rules = field(default_factory=lambda: dict(DEFAULT_RULES))

    def answerer(self, status: str, cause: str) -> Answerer:
        status = status.strip().upper()
        for key in ((status, cause_word(cause)), (status, ANY_CAUSE)):
            if key in self.rules:
                return self.rules[key]
        return Answerer.PERSON  # a status this Asterisk does not give: a doubt is a person


def parse_amd_routes(mapping: Mapping[str, str]) -> AmdRoutes:
    """The operator's routes over the defaults, from e.g. ``{"MACHINE/INITIALSILENCE":
    "person", "NOTSURE": "machine"}``; a ValueError names the bad key or value and what
    is allowed."""
    rules = dict(DEFAULT_RULES)
    seen: dict[tuple[str, str], str] = {}
    for written, value in mapping.items():
        key = _route_key(written)
        if key in seen:
            raise ValueError(f"route {written!r} is written twice (also as {seen[key]!r})")
        seen[key] = written
        rules[key] = _answerer(written, key[0], value)
    return AmdRoutes(rules)


def _route_key(written: str) -> tuple[str, str]:
    status, _, cause = (part.strip().upper() for part in written.partition("/"))
    if status not in CAUSES:
        raise ValueError(
            f"route {written!r}: {status or 'no status'!r} is not an AMD status; "
            f"write STATUS or STATUS/CAUSE, STATUS one of {', '.join(CAUSES)}"
        )
    if "/" in written and cause not in CAUSES[status]:
        raise ValueError(f"route {written!r}: {_cause_error(status, cause)}")
    return status, cause


def _cause_error(status: str, cause: str) -> str:
    if not CAUSES[status]:
        return f"AMD gives no cause with {status}; write {status} alone"
    allowed = f"{status}'s causes: {', '.join(CAUSES[status])}"
    owner = next((other for other, causes in CAUSES.items() if cause in causes), None)
    if owner is not None:  # e.g. TOOLONG, which AMD gives with NOTSURE, not MACHINE
        return f"AMD gives {cause} with {owner}, not with {status} ({allowed})"
    return f"{cause or 'no cause'!r} is not a cause AMD gives ({allowed})"


def _answerer(written: str, status: str, value: str) -> Answerer:
    allowed = ", ".join(answerer.value for answerer in Answerer)
    try:
        answerer = Answerer(value.strip().lower())
    except ValueError:
        raise ValueError(f"route {written!r}: {value!r} is not one of {allowed}") from None
    if status == "HANGUP" and answerer is not Answerer.NOBODY:
        # The line is gone: there is nobody to put through and nothing to leave a message on.
        raise ValueError(f"route {written!r}: HANGUP means the line dropped: only nobody")
    return answerer
