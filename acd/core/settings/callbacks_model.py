"""How callbacks are dialled, in ``config/acd.yaml``.

    callbacks:
      trunk: carrier                 # the trunk customers are dialled through (see 'trunks')
      caller_id: "+33170000000"      # the number customers see
      country: FR                    # numbers typed without a country code
      countries: [FR, GP, MQ]        # where callbacks may go (default: the country's)
      do_not_call: [do-not-call.txt] # beside this file; one number per line; never called
      calling_hours: legal           # 'legal' (the country's rules) or a calendar's name
      ring_s: 30                     # how long the customer's phone rings

A do-not-call file is read at start-up; a line that is not a number stops the start with
the file and line (a list half read would let numbers through).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers

from acd.core import yamlfile as y
from acd.core.compliance import (
    DoNotCall,
    DoNotCallError,
    NumberError,
    decode_list,
    parse_do_not_call,
    to_e164,
)
from acd.core.yamlfile import Node

LEGAL_HOURS = "legal"
COUNTRIES = ("FR", "BE", "CH", "GB")


@dataclass(frozen=True)
class CallbackSettings:
    trunk: str = ""  # "" = callbacks cannot be dialled (the offer is then never made)
    caller_id: str = ""
    country: str = "FR"
    do_not_call: DoNotCall = field(default_factory=DoNotCall)
    do_not_call_files: tuple[str, ...] = ()
    calling_hours: str = LEGAL_HOURS
    # Where callbacks may go (ISO regions); empty: the country (France: with its overseas
    # parts). Premium-rate and shared-cost numbers never, wherever they are.
    countries: frozenset[str] = frozenset()
    ring_s: float = 30.0


def parse_callbacks(
    node: Node, trunks: frozenset[str], calendars: frozenset[str], base: Path
) -> CallbackSettings:
    """``base``: the directory relative file names are read from (the config file's)."""
    fields = y.mapping(
        node,
        {"trunk"},
        {"caller_id", "country", "countries", "do_not_call", "calling_hours", "ring_s"},
    )
    trunk = y.text(fields["trunk"])
    if trunk not in trunks:
        raise fields["trunk"].error(f"no trunk named {trunk!r} (see 'trunks')")
    country = y.text(fields["country"]) if "country" in fields else "FR"
    if country not in COUNTRIES:
        raise fields["country"].error(
            f"unknown country {country!r} (known: {', '.join(COUNTRIES)})"
        )
    files = y.listed(fields["do_not_call"], y.text) if "do_not_call" in fields else ()
    return CallbackSettings(
        trunk=trunk,
        caller_id=_caller_id(fields["caller_id"], country) if "caller_id" in fields else "",
        country=country,
        do_not_call=_load_lists(fields.get("do_not_call"), files, base, country),
        do_not_call_files=files,
        calling_hours=_hours(fields["calling_hours"], calendars)
        if "calling_hours" in fields
        else LEGAL_HOURS,
        ring_s=y.integer(fields["ring_s"], 5, 120) if "ring_s" in fields else 30.0,
        countries=frozenset(y.listed(fields["countries"], _region))
        if "countries" in fields
        else frozenset(),
    )


def _region(node: Node) -> str:
    region = y.text(node).upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise node.error(f"{y.text(node)!r} is not a country code", "two letters: FR, GP, BE...")
    return region


def _caller_id(node: Node, country: str) -> str:
    try:
        return to_e164(y.text(node), country)
    except NumberError as exc:
        raise node.error(str(exc)) from None


def _hours(node: Node, calendars: frozenset[str]) -> str:
    name = y.text(node)
    if name != LEGAL_HOURS and name not in calendars:
        raise node.error(f"no calendar named {name!r}: use 'legal' or one of 'calendars'")
    return name


def _load_lists(node: Node | None, files: tuple[str, ...], base: Path, country: str) -> DoNotCall:
    numbers: set[str] = set()
    for name in files:
        path = base / name
        try:
            # Any encoding: a byte-order mark, UTF-8, UTF-16 or Latin-1 (what spreadsheets
            # and registries write); numbers are ASCII in all of them.
            text = decode_list(path.read_bytes())
        except OSError as exc:
            assert node is not None
            raise node.error(f"cannot read the do-not-call list {name}: {exc.strerror}") from None
        try:
            numbers |= parse_do_not_call(text, name, country).numbers
        except DoNotCallError as exc:
            assert node is not None
            raise node.error(str(exc)) from None
    return DoNotCall(frozenset(numbers))
