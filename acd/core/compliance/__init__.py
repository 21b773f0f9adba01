"""Calling rules (../shared/compliance.md) as pure predicates: numbers in E.164, the
do-not-call lists (plain and US registry files, their kinds, versions and dates), the
legal calling hours and windows, consent, and the campaign dial check with its verdict.
Used by the dialer and by callbacks. The rules, their names and data:
docs/compliance-rules.md."""

from acd.core.compliance.campaign_dial import check_campaign_dial
from acd.core.compliance.consent import Consent
from acd.core.compliance.dial_check import DialRules, DialVerdict, check_dial
from acd.core.compliance.dial_request import CallMode, CampaignRules, DialRequest, Lead, OptOut
from acd.core.compliance.dnc_formats import ListFormat, decode_list, parse_list
from acd.core.compliance.dnc_lists import DoNotCallList, ListKind, load_do_not_call
from acd.core.compliance.donotcall import DoNotCall, DoNotCallError, parse_do_not_call
from acd.core.compliance.numbers import NumberError, to_e164

__all__ = [
    "CallMode",
    "CampaignRules",
    "Consent",
    "DialRequest",
    "DialRules",
    "DialVerdict",
    "DoNotCall",
    "DoNotCallError",
    "DoNotCallList",
    "Lead",
    "ListFormat",
    "ListKind",
    "NumberError",
    "OptOut",
    "check_campaign_dial",
    "check_dial",
    "decode_list",
    "load_do_not_call",
    "parse_do_not_call",
    "parse_list",
    "to_e164",
]
