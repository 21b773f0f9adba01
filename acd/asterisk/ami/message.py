"""What the AMI decoder yields: messages (`Response`, `Event`, `Action`), the `Banner`, and
`ProtocolViolation` items for input that is not AMI.

An AMI message is an ordered list of "Key: Value" lines. Keys repeat (ChanVariable,
Variable, Output) and Asterisk compares them case-insensitively, so a message keeps every
(key, value) pair in arrival order and answers `get` / `get_all` without regard to case.
Messages are immutable: there is no way to change a field once decoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Self

Fields = tuple[tuple[str, str], ...]

# How a message stores its fields: one flat list, [key0, value0, LINE, key1, value1, LINE,
# ..., keyN, valueN] (stride 3). It is exactly what the decoder's fast path gets from ONE
# str.split call (see codec.py), so decoding allocates one list per message instead of a
# tuple per line; that, and the garbage collection it saves, is most of the decoder's
# speed. The list is private and never handed out, so messages stay immutable.
Flat = list[str]
LINE = "\x00"  # the line marker; a 1-char str, so CPython shares one object for all


def flatten(fields: Iterable[tuple[str, str]]) -> Flat:
    flat: Flat = []
    for key, value in fields:
        flat += (key, value, LINE)
    del flat[-1:]
    return flat


# Statuses that mean "it worked"; everything else ("Error", "Failure", ...) did not.
_OK_STATUSES = frozenset({"success", "follows", "goodbye"})


class AmiMessage:
    """An immutable, ordered multi-map of AMI fields with case-insensitive lookup."""

    __slots__ = ("_flat", "_index")

    def __init__(self, flat: Flat) -> None:
        self._flat = flat
        # Lower-cased keys, built by the first get() that misses the exact spelling.
        self._index: dict[str, str] | None = None

    @classmethod
    def from_fields(cls, fields: Iterable[tuple[str, str]]) -> Self:
        """Build a message from (key, value) pairs (tests, fakes, hand-made messages)."""
        return cls(flatten(fields))

    @property
    def fields(self) -> Fields:
        """Every (key, value) pair, in the order received, repeated keys included."""
        flat = self._flat
        return tuple(zip(flat[0::3], flat[1::3], strict=True))

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of `key`, compared without case as Asterisk does; `default` if absent.

        Looked up in the spelling given first (Asterisk's own spelling is what callers
        write, and list.index finds it without building anything), then without case. So
        if one message carried a key in two spellings, the exact spelling would win."""
        value = self.exact(key)
        if value is not None:
            return value
        flat = self._flat
        index = self._index
        if index is None:
            index = {}
            for k, v in zip(flat[0::3], flat[1::3], strict=True):
                index.setdefault(k.lower(), v)
            self._index = index
        return index.get(key.lower(), default)

    def exact(self, key: str) -> str | None:
        """The value of `key` spelt exactly so, else None: for a key Asterisk always
        spells one way (ActionID), on every event, without building the index."""
        flat = self._flat
        start = 0
        try:
            while True:
                found = flat.index(key, start)
                if found % 3 == 0:
                    return flat[found + 1]
                start = found + 1
        except ValueError:
            return None

    def get_all(self, key: str) -> list[str]:
        """Every value of `key` (any case), in order; empty if absent."""
        wanted = key.lower()
        flat = self._flat
        return [v for k, v in zip(flat[0::3], flat[1::3], strict=True) if k.lower() == wanted]

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.fields)

    def __len__(self) -> int:
        return (len(self._flat) + 1) // 3

    @property
    def action_id(self) -> str | None:
        return self.get("ActionID")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, AmiMessage)
        return self._flat == other._flat and self._extra() == other._extra()

    def __hash__(self) -> int:
        return hash((type(self), tuple(self._flat), self._extra()))

    def _extra(self) -> object:
        """State beyond the fields that equality must compare (the legacy command body)."""
        return None

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.fields[:6])
        more = ", ..." if len(self) > 6 else ""
        return f"<{type(self).__name__} {shown}{more}>"


class Event(AmiMessage):
    """An unsolicited (or list-item) message: its first field is "Event: <name>"."""

    __slots__ = ("_name",)

    def __init__(self, flat: Flat, name: str) -> None:
        self._flat = flat
        self._index = None
        self._name = name

    @property
    def name(self) -> str:
        """The event's name, the value of its "Event" field."""
        return self._name

    @classmethod
    def from_fields(cls, fields: Iterable[tuple[str, str]]) -> Self:
        flat = flatten(fields)
        keys = [k.lower() for k in flat[0::3]]
        return cls(flat, flat[3 * keys.index("event") + 1] if "event" in keys else "")


class Response(AmiMessage):
    """The answer to an action: "Response: Success|Error|Follows|Goodbye" plus fields.

    `body` holds the raw output of the legacy "Response: Follows" command form (Asterisk
    < 14); Asterisk 22 sends command output as repeated "Output:" fields instead.
    """

    __slots__ = ("body",)

    def __init__(self, flat: Flat, body: str = "") -> None:
        super().__init__(flat)
        self.body = body

    def _extra(self) -> object:
        return self.body

    @property
    def status(self) -> str:
        return self.get("Response") or ""

    @property
    def ok(self) -> bool:
        return self.status.lower() in _OK_STATUSES

    @property
    def message(self) -> str | None:
        return self.get("Message")

    @property
    def is_list_start(self) -> bool:
        """True when events follow ("EventList: start", or the old "... will follow")."""
        if (self.get("EventList") or "").lower() == "start":
            return True
        return "will follow" in (self.message or "").lower()

    @property
    def output(self) -> list[str]:
        """Command output lines, from either the Output: fields or the legacy body."""
        lines = self.get_all("Output")
        if lines or not self.body:
            return lines
        return self.body.split("\n")


class Action(AmiMessage):
    """An action as a server receives it (used by fakes and round-trip tests)."""

    __slots__ = ()

    @property
    def name(self) -> str:
        return self.get("Action") or ""


@dataclass(frozen=True, slots=True)
class Banner:
    """The greeting line Asterisk sends first: "Asterisk Call Manager/<version>"."""

    version: str


@dataclass(frozen=True, slots=True)
class ProtocolViolation:
    """Input that is not AMI. Returned by the decoder, never raised.

    `fatal` means the byte stream can no longer be trusted (an oversized frame was cut
    off): the client resets the connection. Otherwise the bad frame is skipped.
    """

    reason: str
    raw: bytes  # at most the first 200 bytes, for the log
    fatal: bool = False


Item = Banner | Response | Event | Action | ProtocolViolation
