"""The call as the IVR sees it, and the tests a condition node makes on it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ivr.model import CallerMatches, CallerWithheld, Compare, IsOpen, Test, VariableTest

# What carriers put in the caller ID of a withheld number.
_WITHHELD = {"", "anonymous", "unknown", "restricted", "private", "unavailable"}


@dataclass
class IvrCall:
    """What the menu has learnt and decided so far; a queue node hands it to the ACD."""

    call_id: str
    caller: str  # the caller's number as received ("" when withheld)
    did: str  # the number dialled
    language: str
    variables: dict[str, str] = field(default_factory=dict)
    priority: int = 0
    skills: dict[str, int] = field(default_factory=dict)

    @property
    def withheld(self) -> bool:
        return self.caller.strip().lower() in _WITHHELD

    def placeholders(self) -> dict[str, str]:
        """Values a lookup URL may hold: {caller}, {did}, {call_id}, {variables.NAME}."""
        values = {"caller": self.caller, "did": self.did, "call_id": self.call_id}
        values.update({f"variables.{name}": value for name, value in self.variables.items()})
        return values


IsOpenAt = Callable[[str, float], bool]  # (calendar name, now) -> open?


def holds(test: Test, call: IvrCall, now: float, is_open: IsOpenAt) -> bool:
    if isinstance(test, IsOpen):
        return is_open(test.calendar, now) != test.closed
    if isinstance(test, CallerWithheld):
        return call.withheld == test.withheld
    if isinstance(test, CallerMatches):
        return not call.withheld and re.fullmatch(test.pattern, call.caller) is not None
    return _variable_holds(test, call.variables)


def _variable_holds(test: VariableTest, variables: Mapping[str, str]) -> bool:
    value = variables.get(test.variable)
    if test.compare is Compare.IS_SET:
        return (value is not None) == (test.values[0] == "true")
    if value is None:
        return test.compare is Compare.NOT_EQUALS
    if test.compare is Compare.EQUALS:
        return value == test.values[0]
    if test.compare is Compare.NOT_EQUALS:
        return value != test.values[0]
    if test.compare is Compare.MATCHES:
        return re.fullmatch(test.values[0], value) is not None
    return value in test.values


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each {name} replaced; unknown names become empty (the checker
    refuses them in files, so this only happens for a variable not set on this call)."""
    return re.sub(r"\{([a-z_][a-z0-9_.]*)\}", lambda m: values.get(m.group(1), ""), template)
