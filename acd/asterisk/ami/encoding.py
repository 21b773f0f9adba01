"""Encoding actions: strict on output. Always "\\r\\n", keys checked, and no CR, LF or NUL in a
value, because a value that smuggles "\\r\\n" would let a caller inject headers (or a whole
second action, say an Originate) into the stream.

Part of the sans-I/O codec: imports no asyncio, socket or database code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from acd.asterisk.ami.errors import AmiEncodeError

FieldValue = str | int | bool | Sequence[str]
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_UNSAFE_VALUE = re.compile(r"[\r\n\x00]")


def encode_action(
    name: str,
    action_id: str,
    fields: Mapping[str, FieldValue] | Iterable[tuple[str, FieldValue]] = (),
) -> bytes:
    """Encode one action frame. A list/tuple value repeats its key (Variable: a=1 ...).

    Raises AmiEncodeError for a bad key, a value with CR, LF or NUL (which would let a
    caller inject headers or a whole second action), or text that is not encodable.
    """
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    lines = [
        f"Action: {_checked_value('Action', name)}",
        f"ActionID: {_checked_value('ActionID', action_id)}",
    ]
    for key, value in pairs:
        _check_key(key)
        for item in _values(key, value):
            lines.append(f"{key}: {_checked_value(key, item)}")
    lines.append("\r\n")
    try:
        return "\r\n".join(lines).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AmiEncodeError(f"action {name!r}: text is not encodable as UTF-8") from exc


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise AmiEncodeError(f"invalid AMI key {key!r}")
    if key.lower() in {"action", "actionid"}:
        raise AmiEncodeError(f"{key!r} is set by the client, not by the caller")


def _values(key: str, value: FieldValue) -> Sequence[str]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, int):
        return (str(value),)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return value
    raise AmiEncodeError(f"value of {key!r} must be str, int, bool or a list of str")


def _checked_value(key: str, value: str) -> str:
    if not isinstance(value, str):
        raise AmiEncodeError(f"value of {key!r} must be a str")
    if _UNSAFE_VALUE.search(value):
        raise AmiEncodeError(f"value of {key!r} contains CR, LF or NUL (header injection)")
    return value
