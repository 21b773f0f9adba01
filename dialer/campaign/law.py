"""The checks that keep a campaign file no looser than the law (../shared/compliance.md):
a campaign may only be stricter. The dialer checks each number again at dial time (legal
hours in the called person's zone, attempts per 30 days, do-not-call lists); these are the
ones a file can fail on its own."""

from __future__ import annotations

import re

from acd.core import yamlfile as y
from acd.core.compliance.dial_request import VERIFIED_CALLER_IDS_FR
from acd.core.compliance.numbers import NumberError, parse_number
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.yamlfile import ConfigError, Node
from dialer.campaign.model import COUNTRY_OF, MAX_ABANDON_PERCENT, MIN_RING_S, Campaign, Mode

_NUMBER_IN_DIGITS = re.compile(r"\+?\d(?:[ .-]?\d){7,}")


def caller_id(node: Node, rule_set: RuleSet, mode: Mode) -> str:
    """The number shown to the called person, in E.164 (national numbers are read in the
    rule set's country)."""
    written = y.text(node)
    try:
        number = parse_number(written, COUNTRY_OF[rule_set])
    except NumberError as exc:
        raise node.error(str(exc), "write it in E.164, e.g. +33170000000") from None
    if not number.valid:
        raise node.error(f"{written!r} is not a number in service", "a number people can call back")
    if (
        mode is Mode.AGENTLESS
        and rule_set is RuleSet.FR
        and not number.e164.startswith(VERIFIED_CALLER_IDS_FR)
    ):
        raise node.error(
            f"{written!r}: an automated calling system in France must show a verified number",
            "ARCEP's numéros polyvalents vérifiés: 01 62, 01 63, 02 70, 02 71, 03 77, 03 78, "
            "04 24, 04 25, 05 68, 05 69, 09 48 or 09 49",
        )
    return number.e164


def information_message(node: Node) -> str:
    """Said when no agent comes within 2 s, or left on a machine: who called, a number to
    call back (checked: written in digits), how to opt out."""
    text = " ".join(y.text(node).split())
    if not text:
        raise node.error(
            "the information message is empty",
            "say who is calling, a number to call back, and how to opt out",
        )
    if not _NUMBER_IN_DIGITS.search(text):
        raise node.error(
            "the information message gives no number to call back",
            "write the number in digits, e.g. 01 70 00 00 00",
        )
    return text


def ring_s(node: Node) -> float:
    value = y.number(node, 0.0, 300.0, "seconds")
    if value < MIN_RING_S:
        raise node.error(
            f"{value:g} s is too short: a phone must ring at least {MIN_RING_S:g} seconds",
            "15 s is the law's floor in the US and the UK; the dialer keeps it for every rule set",
        )
    return value


def abandon_target(node: Node) -> float:
    value = y.number(node, 0.0, 100.0, "percent")
    if value > MAX_ABANDON_PERCENT:
        raise node.error(
            f"{value:g} % is above {MAX_ABANDON_PERCENT:g} %",
            "3 % of answered calls is the ceiling in the US and the UK, and the policy in "
            "France; a campaign may only be stricter",
        )
    return value


def check_consent(root: Node, top: dict[str, Node], campaign: Campaign) -> None:
    """In France, prospecting (Code de la consommation L. 223-1) and any automated calling
    system (CPCE L. 34-5) need each person's prior consent, which must be provable: the
    lead file must say when it was given, how, the proof and whom it covers; a consent
    missing one of these is not counted at the dial."""
    if campaign.rule_set is not RuleSet.FR:
        return
    if campaign.mode is Mode.AGENTLESS:
        why = "an automated-message campaign in France calls only people who consented"
    elif campaign.purpose is Purpose.PROSPECTING:
        why = "prospecting in France calls only people who consented"
    else:
        return
    missing = [key for key in _CONSENT_COLUMNS if getattr(campaign.leads, key) is None]
    if not missing:
        return
    where = top.get("leads", root)
    raise ConfigError(
        file=where.file,
        line=where.line,
        key=f"leads.columns.{missing[0]}",
        message=f"{why}: the lead file's {_CONSENT_COLUMNS[missing[0]]} column is not named",
        hint="name the CSV columns of the consent: consent_at (when), consent_channel "
        "(how), consent_proof (the wording or where the proof is) and consent_scope "
        "(whom it covers)",
    )


_CONSENT_COLUMNS = {
    "consent_at": "consent date",
    "consent_channel": "consent channel",
    "consent_proof": "consent proof",
    "consent_scope": "consent scope",
}
