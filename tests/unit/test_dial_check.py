"""The dial-time check: a pure predicate over the number, the instant and the rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from acd.core.compliance import DialRules, DoNotCall, check_dial
from acd.core.compliance.numbers import to_e164

NUMBERS = st.sampled_from(["+33612345678", "+33698765432", "+442071234567"])
# Premium rate (08 9x) and shared cost (08 1x) bill the caller's side; never called back.
ELSEWHERE = {"+442071234567"}


@given(
    number=NUMBERS,
    listed=st.frozensets(NUMBERS),
    at=st.floats(0, 4e9),
    opens_at=st.floats(0, 4e9),
)
def test_allowed_exactly_when_not_listed_in_france_and_within_the_hours(
    number: str, listed: frozenset[str], at: float, opens_at: float
) -> None:
    verdict = check_dial(number, at, DialRules(DoNotCall(listed), lambda t: t >= opens_at))
    abroad = number in ELSEWHERE
    assert verdict.allowed == (number not in listed and not abroad and at >= opens_at)
    assert set(verdict.refused_by) <= set(verdict.checked)
    assert ("do_not_call" in verdict.refused_by) == (number in listed)
    assert ("destination" in verdict.refused_by) == abroad
    assert ("calling_hours" in verdict.refused_by) == (at < opens_at)


def test_premium_shared_cost_and_other_countries_are_never_called_back() -> None:
    rules = DialRules(DoNotCall(), lambda t: True, frozenset({"FR", "GB"}))
    for number in ("+33899123456", "+33810123456", "+12025550143", "+3361234"):
        assert check_dial(number, 0.0, rules).refused_by == ("destination",), number
    assert check_dial("+442071234567", 0.0, rules).allowed


def test_a_number_listed_in_another_format_is_refused() -> None:
    listed = DoNotCall(frozenset({to_e164("06 12 34 56 78")}))
    verdict = check_dial(to_e164("0033612345678"), 0.0, DialRules(listed, lambda t: True))
    assert verdict.refused_by == ("do_not_call",)
