"""Facts to journal columns and back, and the key that makes a write idempotent. Pure.

A fact is stored as its ``kind``, its time ``at``, the three columns queries filter on
(``call_id``, ``queue``, ``agent_id``; NULL when the fact has none) and every other
field in ``data`` (JSON). Decoding ignores keys it does not know, so a row written by a
later minor version with an extra field still reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from acd.adapters.journal.errors import CorruptFactError
from acd.core.facts import FACT_TYPES, Fact

_BY_KIND: dict[str, type[Fact]] = {cls.kind: cls for cls in FACT_TYPES}
_COLUMNS = ("at", "call_id", "queue", "agent_id")


class StoredFact(NamedTuple):
    """One row of the ``facts`` table, as written (``id`` is given by SQLite)."""

    at: float
    kind: str
    call_id: str | None
    queue: str | None
    agent_id: str | None
    data: str  # JSON of the remaining fields
    fact_key: str  # UNIQUE: replaying a batch inserts nothing twice


def encode(fact: Fact, occurrence: int = 0) -> StoredFact:
    fields = _values(fact)
    data = {k: v for k, v in fields.items() if k not in _COLUMNS}
    return StoredFact(
        at=fact.at,
        kind=fact.kind,
        call_id=fields.get("call_id"),
        queue=fields.get("queue"),
        agent_id=fields.get("agent_id"),
        data=_canonical(data),
        fact_key=_key(fact.kind, fields, occurrence),
    )


def _values(fact: Fact) -> dict[str, Any]:
    """The fact's fields by name. Facts hold plain values and tuples of them, which JSON
    takes as they are: ``dataclasses.asdict`` (a deep copy, several times slower, on
    every fact the server writes) only for a fact that holds a dataclass."""
    values = {f.name: getattr(fact, f.name) for f in dataclasses.fields(fact)}
    if any(dataclasses.is_dataclass(v) or isinstance(v, list | dict) for v in values.values()):
        return dataclasses.asdict(fact)
    return values


def encode_batch(facts: Sequence[Fact]) -> list[StoredFact]:
    """Encode a batch; two equal facts in one batch (an agent going ready -> reserved ->
    ready -> reserved at one instant) get different keys, so both are kept."""
    seen: dict[Fact, int] = {}
    rows = []
    for fact in facts:
        occurrence = seen.get(fact, 0)
        seen[fact] = occurrence + 1
        rows.append(encode(fact, occurrence))
    return rows


def fact_key(fact: Fact, occurrence: int = 0) -> str:
    """A digest of every field of the fact (``at`` to the last bit) and its occurrence.

    Not (kind, call_id, agent_id, at) alone: one engine step can move an agent twice at
    the same ``at`` (wrap_up -> ready -> reserved), and SQLite treats NULLs as distinct in
    a UNIQUE index, so agent facts without a call would never be recognised as replays.
    """
    return _key(fact.kind, _values(fact), occurrence)


def _key(kind: str, fields: dict[str, Any], occurrence: int) -> str:
    content = _canonical({"kind": kind, **fields})
    digest = hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
    return f"{digest}:{occurrence}"


def decode(row_id: int, kind: str, columns: dict[str, Any], data: str) -> Fact:
    """Rebuild the fact of row ``row_id``; CorruptFactError says what is wrong with it."""
    build = _BY_KIND.get(kind)
    if build is None:
        raise CorruptFactError(f"journal row {row_id}: unknown kind {kind!r}")
    try:
        values = json.loads(data)
    except ValueError as exc:
        raise CorruptFactError(f"journal row {row_id}: data is not JSON ({exc})") from exc
    if not isinstance(values, dict):
        raise CorruptFactError(f"journal row {row_id}: data is not a JSON object")
    values.update({k: v for k, v in columns.items() if v is not None})
    names = {f.name for f in dataclasses.fields(build)}
    known: dict[str, Any] = {k: _tuples(v) for k, v in values.items() if k in names}
    try:
        return build(**known)
    except TypeError as exc:
        raise CorruptFactError(f"journal row {row_id} ({kind}): {exc}") from exc


def _canonical(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the facts hold (skills are tuples of pairs)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value
