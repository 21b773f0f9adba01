"""Calling rules (../shared/compliance.md) as pure predicates: numbers in E.164, the
do-not-call lists, the legal calling hours. Used by the dialer and by callbacks."""

from acd.core.compliance.dial_check import DialRules, DialVerdict, check_dial
from acd.core.compliance.donotcall import DoNotCall, DoNotCallError, parse_do_not_call
from acd.core.compliance.numbers import NumberError, to_e164

__all__ = [
    "DialRules",
    "DialVerdict",
    "DoNotCall",
    "DoNotCallError",
    "NumberError",
    "check_dial",
    "parse_do_not_call",
    "to_e164",
]
