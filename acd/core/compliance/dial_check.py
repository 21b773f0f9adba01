"""The check a number passes at the moment it is dialled, every attempt (a first dial,
a retry, a callback given back after a restart), and when a callback is booked: the same
predicate both times, so what was allowed at booking is checked again at dialling.

A verdict names every rule it checked and every rule that refused, for the journal.
Callbacks check three rules: the do-not-call lists, the destination (a number in service
in an allowed country, never premium rate or shared cost: the number a caller types, or
the caller ID they present, which can be forged) and the calling hours. A campaign's
dial checks its rule set's (campaign_dial.check_campaign_dial) and gives the same verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from acd.core.compliance.donotcall import DoNotCall
from acd.core.compliance.numbers import NumberError, NumberKind, parse_number
from acd.core.compliance.rule_names import CALLING_HOURS, DESTINATION, DO_NOT_CALL

__all__ = ["CALLING_HOURS", "DESTINATION", "DO_NOT_CALL", "DialRules", "DialVerdict", "check_dial"]

# Never called back: the called number bills us (premium), shares the cost, or is not one.
_REFUSED_KINDS = frozenset({NumberKind.PREMIUM_RATE, NumberKind.SHARED_COST, NumberKind.UNKNOWN})


@dataclass(frozen=True)
class DialRules:
    do_not_call: DoNotCall
    may_call_at: Callable[[float], bool]  # the calling hours: open at that instant?
    countries: frozenset[str] = frozenset({"FR"})  # where numbers may go (ISO regions)


@dataclass(frozen=True)
class DialVerdict:
    number: str
    at: float
    checked: tuple[str, ...]
    refused_by: tuple[str, ...]
    do_not_call_version: str
    # What else the rules read, as (what, version): each list's hash (a registry's with
    # its data date), the consent record, the rule set. () for callbacks.
    data_versions: tuple[tuple[str, str], ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.refused_by


def check_dial(number: str, at: float, rules: DialRules) -> DialVerdict:
    """May ``number`` (E.164) be dialled at ``at`` (epoch seconds)?"""
    refused = []
    if rules.do_not_call.forbids(number):
        refused.append(DO_NOT_CALL)
    if not _destination_allowed(number, rules.countries):
        refused.append(DESTINATION)
    if not rules.may_call_at(at):
        refused.append(CALLING_HOURS)
    checked = (DO_NOT_CALL, DESTINATION, CALLING_HOURS)
    return DialVerdict(number, at, checked, tuple(refused), rules.do_not_call.version)


def _destination_allowed(number: str, countries: frozenset[str]) -> bool:
    try:
        parsed = parse_number(number)
    except NumberError:
        return False
    return parsed.kind not in _REFUSED_KINDS and parsed.country in countries
