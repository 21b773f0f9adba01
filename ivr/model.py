"""An IVR menu as the server holds it: frozen, checked, built from one YAML file.

A file under ``config/ivr/`` is one menu: the numbers it answers, its languages, its
first node and its nodes by name. Every node knows where it was written (``Where``), so
the session's journal facts, the report and every error can point back at the file.
The loader (``ivr.loader``) builds these objects; nothing here reads files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Where:
    file: str
    line: int
    key: str  # e.g. "nodes.main.options.1"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


NOWHERE = Where("", 0, "")


# ---- prompts: what the caller hears -------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Text spoken by the speech synthesiser, per language (``{"fr": "...", "en": "..."}``)."""

    texts: Mapping[str, str]


@dataclass(frozen=True)
class SoundFile:
    """An operator's recording: ``sounds/<language>/<name>.wav`` (or .mp3)."""

    name: str


@dataclass(frozen=True)
class CoreSound:
    """One of Asterisk's own sounds (e.g. ``vm-goodbye``), in the call's language."""

    name: str


PromptPart = Say | SoundFile | CoreSound
Prompt = tuple[PromptPart, ...]  # played in order; () = silence


# ---- condition tests -----------------------------------------------------------------


@dataclass(frozen=True)
class IsOpen:
    """True while ``calendar`` (acd.yaml's calendars) is open; ``closed`` inverts it."""

    calendar: str
    closed: bool = False


@dataclass(frozen=True)
class CallerMatches:
    """The caller's number matches ``pattern`` (a regular expression, whole number)."""

    pattern: str


@dataclass(frozen=True)
class CallerWithheld:
    """The caller's number is withheld (empty, "anonymous", "unknown")."""

    withheld: bool = True


class Compare(enum.Enum):
    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    MATCHES = "matches"  # a regular expression, whole value
    ONE_OF = "one_of"
    IS_SET = "is_set"  # value: "true" or "false"


@dataclass(frozen=True)
class VariableTest:
    variable: str
    compare: Compare
    values: tuple[str, ...]  # one value, except for ONE_OF


Test = IsOpen | CallerMatches | CallerWithheld | VariableTest


@dataclass(frozen=True)
class Case:
    when: Test
    to: str
    where: Where = field(default=NOWHERE, compare=False)


# ---- nodes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a branch goes: a node of this menu, or another menu's first node."""

    node: str = ""
    menu: str = ""  # "" = this menu

    def __str__(self) -> str:
        return f"{self.menu}:{self.node or '(start)'}" if self.menu else self.node


@dataclass(frozen=True)
class Option:
    key: str  # one phone key: 0-9, * or #
    to: str  # node name
    words: tuple[str, ...] = ()  # spoken keywords choosing this option
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Retry:
    """How many tries the caller gets, and what they hear when a try fails."""

    timeout_s: float = 5.0
    tries: int = 3
    invalid: Prompt = ()  # () = the built-in "that is not a valid choice"
    no_input: Prompt = ()  # () = the built-in "I did not hear your choice"


@dataclass(frozen=True)
class Play:
    name: str
    prompt: Prompt
    next: str
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Menu:
    name: str
    prompt: Prompt
    options: tuple[Option, ...]
    on_fail: str  # after the last failed try
    retry: Retry = Retry()
    repeat_key: str = ""  # plays the menu again, not counted as a try
    back_key: str = ""  # the menu the caller came from
    main_key: str = ""  # the menu's first node (``start``)
    where: Where = field(default=NOWHERE, compare=False)

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(word for option in self.options for word in option.words)


@dataclass(frozen=True)
class Collect:
    """Digits typed by the caller into ``variable`` (e.g. an account number)."""

    name: str
    prompt: Prompt
    variable: str
    next: str
    on_fail: str
    min_digits: int = 1
    max_digits: int = 20
    terminator: str = "#"  # "" = none; ends the input before max_digits
    pattern: str = ""  # a regular expression the whole input must match; "" = any digits
    retry: Retry = Retry()
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Condition:
    name: str
    cases: tuple[Case, ...]  # the first that holds wins
    otherwise: str
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Lookup:
    """An HTTP call (a CRM, a webhook); fields of its JSON answer become variables."""

    name: str
    url: str  # may hold {caller}, {did}, {call_id} and {variables.NAME}
    next: str
    on_error: str  # no answer within timeout_s, an error status, or not JSON
    method: str = "GET"  # or POST (a JSON body with caller, did, call_id and variables)
    timeout_s: float = 2.0
    assign: Mapping[str, str] = field(default_factory=dict)  # variable -> JSON field (a.b.c)
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class SetValues:
    name: str
    next: str
    language: str = ""  # "" = unchanged
    variables: Mapping[str, str] = field(default_factory=dict)
    priority: int | None = None
    skills: Mapping[str, int] = field(default_factory=dict)  # added to the call's skills
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class ToQueue:
    """The end of the menu: the caller waits in an ACD queue."""

    name: str
    queue: str
    priority: int | None = None  # None = the call's (set nodes), else 0
    skills: Mapping[str, int] = field(default_factory=dict)
    after_call: str = ""  # a survey node played when the agent hangs up first
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Transfer:
    """Out of this centre: an external number, or another centre over a trunk."""

    name: str
    number: str = ""  # "" = the number the caller dialled (to another centre)
    trunk: str = ""  # "" = the first trunk that calls out
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Voicemail:
    name: str
    mailbox: str
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class CallbackRequest:
    """Offer to be called back (the number called from, or one typed) by ``queue``."""

    name: str
    queue: str
    on_fail: str  # declined, refused (do-not-call, hours) or no valid number
    where: Where = field(default=NOWHERE, compare=False)


class Scale(enum.Enum):
    CSAT = "csat"  # 1-5
    NPS = "nps"  # 0-10
    CES = "ces"  # 1-7

    @property
    def bounds(self) -> tuple[int, int]:
        return {Scale.CSAT: (1, 5), Scale.NPS: (0, 10), Scale.CES: (1, 7)}[self]


@dataclass(frozen=True)
class Survey:
    """A score keyed by the caller, recorded in the journal; then thanks and goodbye."""

    name: str
    scale: Scale
    prompt: Prompt
    thanks: Prompt = ()
    retry: Retry = Retry()
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Hangup:
    name: str
    prompt: Prompt = ()
    where: Where = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Goto:
    name: str
    to: Target
    where: Where = field(default=NOWHERE, compare=False)


Node = (
    Play
    | Menu
    | Collect
    | Condition
    | Lookup
    | SetValues
    | ToQueue
    | Transfer
    | Voicemail
    | CallbackRequest
    | Survey
    | Hangup
    | Goto
)


@dataclass(frozen=True)
class Entry:
    """Which calls start in a menu: dialled numbers, or any call from a trunk."""

    numbers: tuple[str, ...] = ()
    trunks: tuple[str, ...] = ()


@dataclass(frozen=True)
class IvrMenu:
    name: str  # the file's name without .yaml
    entry: Entry
    languages: tuple[str, ...]  # the first is the call's language until a set node
    start: str
    nodes: Mapping[str, Node]
    where: Where = field(default=NOWHERE, compare=False)
    start_where: Where = field(default=NOWHERE, compare=False)  # the line of "start:"
    entry_where: Where = field(default=NOWHERE, compare=False)  # the line of "entry:"


@dataclass(frozen=True)
class IvrLibrary:
    """Every menu of one load of ``config/ivr/``, as one version. A call keeps the
    library it started with; a reload builds a new one."""

    menus: Mapping[str, IvrMenu]
    version: str  # a hash of the files' contents
    by_number: Mapping[str, str] = field(default_factory=dict)  # dialled number -> menu
    by_trunk: Mapping[str, str] = field(default_factory=dict)  # trunk -> menu

    def for_call(self, number: str, trunk: str) -> IvrMenu | None:
        name = self.by_number.get(number) or self.by_trunk.get(trunk)
        return self.menus.get(name) if name else None


def prompts_of(node: Node) -> list[Prompt]:
    """Every prompt a node may play (to make them in advance, to check them)."""
    found: list[Prompt] = []
    for name in ("prompt", "thanks"):
        prompt = getattr(node, name, None)
        if prompt:
            found.append(prompt)
    retry = getattr(node, "retry", None)
    if isinstance(retry, Retry):
        found += [p for p in (retry.invalid, retry.no_input) if p]
    return found
