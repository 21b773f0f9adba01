"""Phone numbers to E.164, so one person is one number however it was written; and what
kind of number it is and where (its time zones), which the calling rules need.

``+33 6 12 34 56 78``, ``06.12.34.56.78``, ``0033612345678`` and ``+33 (0)6 12 34 56 78``
are the same number, ``+33612345678``: a do-not-call list must match all of them
(compliance.md, "Always"). Numbers written without a country are read in the centre's
country (France by default). Parsing, types and zones come from ``phonenumbers`` (Google's
libphonenumber metadata, kept current for every country), not from our own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberType, timezone

_UNKNOWN_ZONE = "Etc/Unknown"
# France's overseas departments and collectivities share its ten-digit national plan
# (0590 ... is Guadeloupe, 0262 ... Réunion) but have their own country codes and zones.
_SHARES_NATIONAL_PLAN = {"FR": ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")}
# Their blocks in that plan (ARCEP), national prefix -> where to read the number, tried in
# order. Decided by prefix, not by "not valid in FR": phonenumbers' FR metadata also finds
# 0263, 0269, 0508, 0596 ... valid, which would put them in Paris's calling hours. The
# five-digit ones and 0708/0709 are phonenumbers' metadata for those regions (a unit test
# checks the table still covers it). GP stands for BL and MF too, RE for YT: they share a
# country code, and phonenumbers tells them apart once the code is known.
_OVERSEAS_BLOCKS = {
    "FR": {
        **dict.fromkeys(("0262", "0263", "02688", "0692", "0693", "07092"), ("RE",)),
        **dict.fromkeys(("02689", "0269", "0639"), ("YT",)),
        **dict.fromkeys(("0590", "05987", "0690", "0691", "07090"), ("GP",)),
        **dict.fromkeys(("0594", "05988", "0694"), ("GF",)),
        **dict.fromkeys(("0596", "05989", "0696", "0697", "07091"), ("MQ",)),
        **dict.fromkeys(("0508", "07084", "07085"), ("PM",)),
        "07093": ("GF", "YT"),
    }
}


class NumberError(ValueError):
    """Not a phone number: says what was given and what is expected."""


class NumberKind(StrEnum):
    """What a number is, as the calling rules see it (phonenumbers' PhoneNumberType)."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    FIXED_OR_MOBILE = "fixed_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL = "personal"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"  # not a number in service per the numbering plan


_KINDS = {
    PhoneNumberType.FIXED_LINE: NumberKind.FIXED_LINE,
    PhoneNumberType.MOBILE: NumberKind.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: NumberKind.FIXED_OR_MOBILE,
    PhoneNumberType.TOLL_FREE: NumberKind.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE: NumberKind.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST: NumberKind.SHARED_COST,
    PhoneNumberType.VOIP: NumberKind.VOIP,
    PhoneNumberType.PERSONAL_NUMBER: NumberKind.PERSONAL,
    PhoneNumberType.PAGER: NumberKind.PAGER,
    PhoneNumberType.UAN: NumberKind.UAN,
    PhoneNumberType.VOICEMAIL: NumberKind.VOICEMAIL,
}


@dataclass(frozen=True)
class PhoneNumber:
    e164: str  # "+33612345678"
    country: str | None  # ISO region of the number ("FR", "GP", "US"), None if unknown
    kind: NumberKind
    time_zones: tuple[str, ...]  # IANA zones the number may be in; () when unknown

    @property
    def valid(self) -> bool:
        """In service per the numbering plan (an unknown kind is not dialled)."""
        return self.kind is not NumberKind.UNKNOWN


def parse_number(raw: str, country: str = "FR") -> PhoneNumber:
    """The number ``raw`` (written in any usual way; national numbers read in
    ``country``), or NumberError saying what is wrong."""
    if country.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise NumberError(f"unknown country {country!r} (expected a two-letter ISO code)")
    number = _parse(raw, country.upper())
    if not raw.strip().startswith(("+", "00")):  # a written country code is the writer's
        number = _overseas(number, country.upper())
    valid = phonenumbers.is_valid_number(number)
    kind = _KINDS.get(phonenumbers.number_type(number), NumberKind.UNKNOWN)
    zones = tuple(z for z in timezone.time_zones_for_number(number) if z != _UNKNOWN_ZONE)
    return PhoneNumber(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        country=phonenumbers.region_code_for_number(number),
        kind=kind if valid else NumberKind.UNKNOWN,
        time_zones=zones,
    )


def _overseas(number: phonenumbers.PhoneNumber, country: str) -> phonenumbers.PhoneNumber:
    """``number``, read in ``country``'s plan, in the overseas part its prefix says."""
    national = "0" + phonenumbers.national_significant_number(number)
    blocks = _OVERSEAS_BLOCKS.get(country, {})
    regions = next((r for prefix, r in blocks.items() if national.startswith(prefix)), ())
    if regions:
        # The prefix settles the territory even when no reading is valid: such a number is
        # not dialled, rather than dialled in Paris's hours.
        readings = _readings(national, regions)
        return next((n for n in readings if phonenumbers.is_valid_number(n)), readings[0])
    if phonenumbers.is_valid_number(number):
        return number
    # A block newer than the table: the first overseas part where the number is valid.
    readings = _readings(national, _SHARES_NATIONAL_PLAN.get(country, ()))
    return next((n for n in readings if phonenumbers.is_valid_number(n)), number)


def _readings(national: str, regions: tuple[str, ...]) -> list[phonenumbers.PhoneNumber]:
    return [
        phonenumbers.PhoneNumber(country_code=code, national_number=int(digits))
        for code in map(phonenumbers.country_code_for_region, regions)
        # Saint-Pierre-et-Miquelon's fixed lines have six digits: 05 08 41 23 45 in the
        # plan is +508 41 23 45, the prefix being its country code.
        for digits in dict.fromkeys((national[1:], national[1:].removeprefix(str(code))))
    ]


def _parse(raw: str, country: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(raw.strip(), country)
    except phonenumbers.NumberParseException as exc:
        raise NumberError(_not_a_number(raw)) from exc
    if not phonenumbers.is_possible_number(number):
        raise NumberError(_not_a_number(raw))
    return number


def to_e164(raw: str, country: str = "FR") -> str:
    """The number as ``+<country code><number>``, or NumberError."""
    return parse_number(raw, country).e164


def _not_a_number(raw: str) -> str:
    return (
        f"{raw!r} is not a phone number: expected a national number (e.g. 06 12 34 56 78) "
        "or an international one (+ or 00, then the country code)"
    )
