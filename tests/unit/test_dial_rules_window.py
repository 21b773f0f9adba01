"""The calling window of a campaign's dial, in the called person's time zone: France's
hours and public holidays (overseas ones too), the US and UK windows, the days clocks
change in Paris, London and New York, numbers in several zones or none, a lead's own
zone, and a campaign calendar that narrows the window and never widens it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from acd.core.compliance import CallMode, CampaignRules, DialRequest, Lead, check_campaign_dial
from acd.core.compliance.calling_window import country_zones, zones_to_check
from acd.core.compliance.numbers import parse_number
from acd.core.compliance.rule_names import CALLING_WINDOW
from acd.core.compliance.rule_set import RuleSet
from acd.core.hours import Calendar

REQUEST = DialRequest(CallMode.PREVIEW, parse_number("+33170000000"))
RULES = {rule_set: CampaignRules(rule_set) for rule_set in RuleSet}


def local(text: str, zone: str) -> float:
    """Epoch seconds of a wall-clock reading in ``zone`` (the first, if repeated)."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


def utc(text: str) -> float:
    return local(text, "UTC")


def open_at(
    number: str,
    at: float,
    rule_set: RuleSet = RuleSet.FR,
    *,
    zone: str = "",
    rules: CampaignRules | None = None,
) -> bool:
    lead = Lead(parse_number(number), time_zone=zone)
    verdict = check_campaign_dial(REQUEST, lead, rules or RULES[rule_set], at)
    return CALLING_WINDOW not in verdict.refused_by


@pytest.mark.parametrize(
    ("wall", "allowed"),
    [
        ("2026-11-24 09:59:59", False),  # a Tuesday
        ("2026-11-24 10:00", True),
        ("2026-11-24 12:59:59", True),
        ("2026-11-24 13:00", False),  # the lunch gap
        ("2026-11-24 13:59:59", False),
        ("2026-11-24 14:00", True),
        ("2026-11-24 19:59:59", True),
        ("2026-11-24 20:00", False),
        ("2026-11-28 11:00", False),  # Saturday
        ("2026-11-29 11:00", False),  # Sunday
        ("2026-07-14 11:00", False),  # Bastille Day, a Tuesday
        ("2026-04-06 11:00", False),  # Easter Monday
        ("2026-05-14 11:00", False),  # Ascension Thursday
        ("2026-05-25 11:00", False),  # Whit Monday
        ("2026-05-08 11:00", False),  # Victory in Europe Day, a Friday
        ("2026-05-07 11:00", True),
    ],
)
def test_france_weekdays_in_the_called_persons_hours(wall: str, allowed: bool) -> None:
    assert open_at("+33612345678", local(wall, "Europe/Paris")) is allowed


def test_paris_clock_changes_move_the_window_in_utc() -> None:
    # 08:30 UTC: 09:30 on the Friday before summer time, 10:30 on the Monday after.
    assert not open_at("+33612345678", utc("2026-03-27 08:30"))
    assert open_at("+33612345678", utc("2026-03-30 08:30"))
    # And back: 10:30 on the Friday before winter time, 09:30 on the Monday after.
    assert open_at("+33612345678", utc("2026-10-23 08:30"))
    assert not open_at("+33612345678", utc("2026-10-26 08:30"))
    assert open_at("+33612345678", utc("2026-10-26 18:59:59"))  # 19:59:59 CET
    assert not open_at("+33612345678", utc("2026-10-26 19:00"))


@pytest.mark.parametrize(
    ("instant", "allowed"),
    [
        ("2026-03-07 12:59:59", False),  # Saturday 07:59:59 EST
        ("2026-03-07 13:00", True),  # 08:00 EST
        ("2026-03-08 11:59:59", False),  # clocks went forward at 02:00: 07:59:59 EDT
        ("2026-03-08 12:00", True),  # 08:00 EDT, a Sunday: the US window is every day
        ("2026-03-09 00:59:59", True),  # 20:59:59 EDT
        ("2026-03-09 01:00", False),  # 21:00 EDT
        ("2026-10-31 12:30", True),  # 08:30 EDT
        ("2026-11-01 12:30", False),  # clocks went back: 07:30 EST
        ("2026-11-01 13:00", True),
        ("2026-11-02 01:59:59", True),  # 20:59:59 EST
        ("2026-11-02 02:00", False),
    ],
)
def test_new_york_on_the_days_clocks_change(instant: str, allowed: bool) -> None:
    assert open_at("+12015550123", utc(instant), RuleSet.US) is allowed


def test_uk_weekdays_and_saturdays_from_8_to_21_london_time() -> None:
    assert not open_at("+442079460018", utc("2026-03-27 07:30"), RuleSet.UK)  # 07:30 GMT
    assert open_at("+442079460018", utc("2026-03-30 07:30"), RuleSet.UK)  # 08:30 BST
    assert open_at("+442079460018", local("2026-03-28 20:59:59", "Europe/London"), RuleSet.UK)
    assert not open_at("+442079460018", local("2026-03-29 12:00", "Europe/London"), RuleSet.UK)
    assert open_at("+442079460018", local("2026-12-25 12:00", "Europe/London"), RuleSet.UK)


@pytest.mark.parametrize(
    ("number", "wall", "zone", "allowed"),
    [
        ("+590690221234", "2026-05-27 11:00", "America/Guadeloupe", False),  # abolition day
        ("+590690221234", "2026-05-22 11:00", "America/Guadeloupe", True),
        ("+596696123456", "2026-05-22 11:00", "America/Martinique", False),
        ("+596696123456", "2026-05-27 11:00", "America/Martinique", True),
        ("+594694201234", "2026-06-10 11:00", "America/Cayenne", False),
        ("+262262123456", "2027-12-20 11:00", "Indian/Reunion", False),  # a Monday
        ("+262269612345", "2026-04-27 11:00", "Indian/Mayotte", False),
        ("+590590871234", "2026-10-09 11:00", "America/Guadeloupe", False),  # Saint-Barthélemy
        ("+590690221234", "2026-07-14 11:00", "America/Guadeloupe", False),  # national holiday
        ("+590690221234", "2026-11-24 09:59", "America/Guadeloupe", False),
        ("+590690221234", "2026-11-24 10:00", "America/Guadeloupe", True),  # 15:00 in Paris
    ],
)
def test_overseas_numbers_in_their_own_zone_with_their_own_holiday(
    number: str, wall: str, zone: str, allowed: bool
) -> None:
    assert open_at(number, local(wall, zone)) is allowed


def test_a_lead_zone_overrides_the_number_and_brings_its_holidays() -> None:
    paris_mobile = "+33612345678"
    at = local("2026-11-24 19:30", "Europe/Paris")  # 14:30 in Guadeloupe
    assert open_at(paris_mobile, at)
    assert not open_at(paris_mobile, at + 3600, zone="Europe/Paris")
    assert open_at(paris_mobile, at + 3600, zone="America/Guadeloupe")
    abolition = local("2026-05-27 11:00", "America/Guadeloupe")
    assert not open_at(paris_mobile, abolition, zone="America/Guadeloupe")
    assert not open_at(paris_mobile, at, zone="Mars/Olympus")  # no such zone: never


def test_a_number_in_two_zones_is_called_when_both_are_open() -> None:
    reunion_or_mayotte = "+262692123456"  # a mobile of La Réunion and Mayotte's plan
    assert set(zones_to_check(parse_number(reunion_or_mayotte))) == {
        "Indian/Mayotte",
        "Indian/Reunion",
    }
    assert not open_at(reunion_or_mayotte, utc("2026-11-24 06:30"))  # 09:30 in Mayotte
    assert open_at(reunion_or_mayotte, utc("2026-11-24 07:00"))
    assert not open_at(reunion_or_mayotte, utc("2026-11-24 16:00"))  # 20:00 in Réunion
    assert open_at(reunion_or_mayotte, local("2026-12-21 11:00", "Indian/Reunion"))
    assert not open_at(reunion_or_mayotte, local("2027-12-20 11:00", "Indian/Reunion"))
    assert not open_at(reunion_or_mayotte, local("2026-04-27 11:00", "Indian/Reunion"))


def test_an_ambiguous_us_number_needs_every_us_zone_open() -> None:
    idaho = "+12085550123"  # area code 208: Boise or Los Angeles time
    zones = zones_to_check(parse_number(idaho))
    assert {"America/Boise", "America/Los_Angeles", "Pacific/Honolulu"} <= set(zones)
    assert set(country_zones("US")) <= set(zones)
    assert not open_at(idaho, utc("2026-07-15 16:00"), RuleSet.US)  # 06:00 in Honolulu
    assert open_at(idaho, utc("2026-07-15 19:00"), RuleSet.US)
    assert not open_at(idaho, utc("2026-07-16 01:00"), RuleSet.US)  # 21:00 in New York


def test_a_number_with_no_zone_and_no_country_is_never_called() -> None:
    assert zones_to_check(parse_number("+262639123456")) == ()
    assert not open_at("+262639123456", local("2026-11-24 11:00", "Europe/Paris"))


def test_a_campaign_calendar_narrows_the_window_and_never_widens_it() -> None:
    morning = Calendar("mornings", "Europe/Paris", (((540, 660),),) * 7, "france")
    rules = CampaignRules(calendar=morning)
    tuesday = "2026-11-24 {}"
    assert open_at("+33612345678", local(tuesday.format("10:30"), "Europe/Paris"), rules=rules)
    assert not open_at("+33612345678", local(tuesday.format("11:30"), "Europe/Paris"), rules=rules)
    assert not open_at("+33612345678", local(tuesday.format("09:30"), "Europe/Paris"), rules=rules)
    saturday = local("2026-11-28 10:30", "Europe/Paris")
    assert morning.is_open(saturday)
    assert not open_at("+33612345678", saturday, rules=rules)
