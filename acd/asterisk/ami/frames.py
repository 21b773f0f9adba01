"""Parsing one AMI frame into a message, two ways that must agree (a property test
checks it): the fast path, one str.split per frame, and the careful path, line by line.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable

from acd.asterisk.ami.message import (
    LINE,
    Action,
    Event,
    Flat,
    Item,
    ProtocolViolation,
    Response,
    flatten,
)

SEP = ": "
MARK = f"{SEP}{LINE}{SEP}".encode()  # what a line end becomes on the fast path
FOLLOWS = b"Response: Follows"
END_COMMAND = b"--END COMMAND--"
FOLLOWS_END = END_COMMAND + b"\n\n"


def parse_marked(
    marked: list[bytes],
    out: list[Item],
    *,
    client: bool,
    careful: Callable[[bytes, list[Item]], None],
) -> None:
    """The hot path. A frame whose line ends are marked ": \\x00: " becomes its flat
    field list [key, value, "\\x00", key, value, ...] with ONE split on ": ". That is the
    right parse exactly when every line holds exactly one ": ", which the stride check
    proves: "\\x00" cannot occur in the text (the caller checked), so the marks sit at
    every third place only if every line split in two. Anything else (a ": " inside a
    value, a line without one, a run of blank lines) goes to `careful`, unmarked."""
    append = out.append
    for frame in marked:
        flat = frame.decode("utf-8", "replace").split(SEP)
        n = len(flat)
        if n % 3 == 2 and flat[2::3].count(LINE) == n // 3:
            key = flat[0]
            if client and key == "Event":
                append(Event(flat, flat[1]))
                continue
            if client and key == "Response":
                append(Response(flat))
                continue
        raw = frame.replace(MARK, b"\n").strip(b"\n")  # strip: runs of blank lines
        if raw:
            careful(raw, out)


def parse_frame(raw: bytes, *, client: bool, max_frame: int) -> Item:
    """One frame, the careful way: each line split at its first ": "."""
    if len(raw) > max_frame:
        return too_big(raw)
    if raw.startswith(FOLLOWS) and client:
        return _parse_follows(raw)
    flat: Flat = []
    for line in raw.decode("utf-8", "replace").split("\n"):
        key, sep, value = line.partition(SEP)
        if not sep:
            return not_ami("line without ': '", raw)
        flat += (key, value, LINE)
    del flat[-1:]
    return _classify(flat, raw, client)


def _classify(flat: Flat, raw: bytes, client: bool) -> Item:
    key = flat[0]
    if client:
        if key == "Event":
            return Event(flat, flat[1])
        if key == "Response":
            return Response(flat)
    keys = [k.lower() for k in flat[0::3]]  # the kind key is not first, or odd case
    if not client:
        return Action(flat) if "action" in keys else not_ami("no Action key", raw)
    # "Event" wins: OriginateResponse events carry a "Response" key of their own.
    if "event" in keys:
        return Event(flat, flat[3 * keys.index("event") + 1])
    if "response" in keys:
        return Response(flat)
    return not_ami("neither Response nor Event", raw)


def _parse_follows(raw: bytes) -> Response:
    """The pre-Asterisk-14 command form: a few headers, raw output, "--END COMMAND--"."""
    lines = raw.decode("utf-8", "replace").split("\n")
    head: list[tuple[str, str]] = []
    while lines and lines[0].split(":", 1)[0].lower() in {"response", "privilege", "actionid"}:
        key, _, value = lines.pop(0).partition(":")
        head.append((key, value.strip()))
    body = "\n".join(lines)
    if body.endswith(END_COMMAND.decode()):
        body = body[: -len(END_COMMAND)].rstrip("\n")
    return Response(flatten(head), body=body)


def too_big(raw: bytes | bytearray) -> ProtocolViolation:
    return ProtocolViolation("frame exceeds max_frame", bytes(raw[:200]), fatal=True)


def not_ami(reason: str, raw: bytes | bytearray) -> ProtocolViolation:
    return ProtocolViolation(reason, bytes(raw[:200]))
