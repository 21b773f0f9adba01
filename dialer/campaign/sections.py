"""The sections of a campaign file that are mappings of their own: ``retries``,
``machine_detection``, ``message`` (agentless), ``leads``, ``calendar`` (read by acd.yaml's
calendar reader) and the ``do_not_call`` lists read beside the file."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import phonenumbers
import yaml

from acd.core import yamlfile as y
from acd.core.compliance import DoNotCallError, DoNotCallList, ListFormat, ListKind
from acd.core.compliance import load_do_not_call as load_compliance_list
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.rule_set import RuleSet
from acd.core.hours import Calendar
from acd.core.settings.hours_model import parse_calendars
from acd.core.yamlfile import Node
from dialer.amd_routes import AmdRoutes, parse_amd_routes
from dialer.campaign import read
from dialer.campaign.model import (
    DEFAULT_RETRIES,
    RETRIED,
    AutomatedMessage,
    MachineDetection,
    MachineTreatment,
    Retries,
    RetryRule,
)
from dialer.dispositions import DispositionCode, Effect
from dialer.leads.columns import LeadColumns

_UK_ABANDON_S = 72 * 3600.0  # Ofcom: no call again within 72 h of an abandoned call
_MAX_DELAY_MIN = 90 * 24 * 60
_AMD_LIMITS = {  # key -> (lowest, highest); every default is Asterisk's
    "initial_silence_ms": (0, 60_000),
    "greeting_ms": (0, 60_000),
    "after_greeting_silence_ms": (0, 60_000),
    "total_analysis_time_ms": (500, 60_000),
    "minimum_word_length_ms": (0, 60_000),
    "between_words_silence_ms": (0, 60_000),
    "maximum_number_of_words": (1, 100),
    "silence_threshold": (1, 32_767),
    "maximum_word_length_ms": (0, 60_000),
}
_COLUMNS = {f.name for f in dataclasses.fields(LeadColumns)} - {"delimiter", "country"}
_DELIMITERS = (",", ";", "\t", "|")


def parse_retries(node: Node, rule_set: RuleSet) -> Retries:
    outcomes = {outcome.value for outcome in RETRIED}
    for key, _ in y.entries(node):
        if y.text(key) in (DialOutcome.ANSWERED, DialOutcome.REFUSED):
            raise key.error(
                f"{y.text(key)} calls are never retried",
                "an answered lead is done; a dial a calling rule refused is not an attempt",
            )
    found = read.fields(node, set(), {"max_attempts", *outcomes})
    most = (
        y.integer(found["max_attempts"], 1, 50)
        if "max_attempts" in found
        else Retries().max_attempts
    )
    rules = {}
    for outcome in RETRIED:
        default = DEFAULT_RETRIES[outcome]
        if outcome.value in found:
            rules[outcome] = _rule(found[outcome.value], default, most)
        else:  # never more than the lead's own limit
            rules[outcome] = RetryRule(default.delay_s, min(default.max_attempts, most))
    abandoned = rules[DialOutcome.ABANDONED]
    if rule_set is RuleSet.UK and abandoned.max_attempts and abandoned.delay_s < _UK_ABANDON_S:
        raise found.get("abandoned", node).error(
            "the UK rule set allows no call within 72 hours of an abandoned call",
            "delay_min: 4320 or more (Ofcom), or max_attempts: 0",
        )
    return Retries(max_attempts=most, rules=rules)


def _rule(node: Node, default: RetryRule, most: int) -> RetryRule:
    found = read.fields(node, set(), {"delay_min", "max_attempts"})
    delay_s = default.delay_s
    if "delay_min" in found:
        delay_s = y.number(found["delay_min"], 0.1, _MAX_DELAY_MIN, "minutes") * 60.0
    if "max_attempts" not in found:
        return RetryRule(delay_s=delay_s, max_attempts=min(default.max_attempts, most))
    attempts = y.integer(found["max_attempts"], 0, 50)
    if attempts > most:
        raise found["max_attempts"].error(
            f"{attempts} is more than the lead's max_attempts ({most}): never reached",
            f"at most {most}, or raise retries.max_attempts",
        )
    return RetryRule(delay_s=delay_s, max_attempts=attempts)


def parse_machine_detection(node: Node) -> MachineDetection:
    optional = {"enabled", "on_machine", "routes", "false_positive_rate", *_AMD_LIMITS}
    found = read.fields(node, set(), optional)
    defaults = MachineDetection()
    amd = {key: y.integer(found[key], *_AMD_LIMITS[key]) for key in _AMD_LIMITS if key in found}
    on_machine = defaults.on_machine
    if "on_machine" in found:
        on_machine = y.member(found["on_machine"], MachineTreatment, "machine treatment")
    enabled = read.boolean(found["enabled"]) if "enabled" in found else defaults.enabled
    routes = _amd_routes(found["routes"]) if "routes" in found else defaults.routes
    rate = defaults.false_positive_rate
    if "false_positive_rate" in found:
        rate = y.number(found["false_positive_rate"], 0.0, 1.0, "(a share: 0.05 is 5 %)")
    return dataclasses.replace(
        defaults,
        enabled=enabled,
        on_machine=on_machine,
        routes=routes,
        false_positive_rate=rate,
        **amd,
    )


def _amd_routes(node: Node) -> AmdRoutes:
    """``routes: {MACHINE/INITIALSILENCE: person, NOTSURE: machine}``."""
    written = {y.text(key): y.text(value) for key, value in y.entries(node)}
    try:
        return parse_amd_routes(written)
    except ValueError as exc:
        raise node.error(
            str(exc), "keys are STATUS or STATUS/CAUSE; values person, machine or nobody"
        ) from None


def parse_message(node: Node, read_queue: Callable[[Node], str]) -> AutomatedMessage:
    """``read_queue`` reads and checks the name of the queue the agent key reaches."""
    found = read.fields(
        node, {"text", "queue", "opt_out_confirmation"}, {"agent_key", "opt_out_key"}
    )
    agent_key = read.phone_key(found["agent_key"]) if "agent_key" in found else "1"
    opt_out_key = read.phone_key(found["opt_out_key"]) if "opt_out_key" in found else "9"
    if agent_key == opt_out_key:
        raise found.get("opt_out_key", node).error(
            f"the agent key and the opt-out key are both {agent_key!r}",
            "give them different keys (default: 1 for an agent, 9 to opt out)",
        )
    return AutomatedMessage(
        text=read.spoken(found["text"]),
        queue=read_queue(found["queue"]),
        opt_out_confirmation=read.spoken(found["opt_out_confirmation"]),
        agent_key=agent_key,
        opt_out_key=opt_out_key,
    )


def parse_leads(node: Node | None, default_country: str) -> LeadColumns:
    """The ``leads`` section (``None``: absent), into the CSV reader's LeadColumns."""
    if node is None:
        return LeadColumns(country=default_country)
    found = read.fields(node, set(), {"columns", "delimiter", "country"})
    named = _columns(found["columns"]) if "columns" in found else {}
    default = LeadColumns()

    def column(key: str, default: str | None) -> str | None:
        return named.get(key, default)

    return LeadColumns(
        number=named.get("number") or default.number,  # never empty: checked by _columns
        name=column("name", default.name),
        reference=column("reference", default.reference),
        time_zone=column("time_zone", default.time_zone),
        postcode=column("postcode", default.postcode),
        consent_at=column("consent_at", default.consent_at),
        consent_channel=column("consent_channel", default.consent_channel),
        consent_proof=column("consent_proof", default.consent_proof),
        consent_scope=column("consent_scope", default.consent_scope),
        existing_contract=column("existing_contract", default.existing_contract),
        delimiter=_delimiter(found["delimiter"]) if "delimiter" in found else default.delimiter,
        country=_country(found["country"]) if "country" in found else default_country,
    )


def _columns(node: Node) -> dict[str, str | None]:
    """Column names by LeadColumns field; ``~`` (nothing) for a column not to read."""
    found = read.fields(node, set(), _COLUMNS)
    columns = {key: read.optional_text(value) for key, value in found.items()}
    if "number" in found and not columns["number"]:
        raise found["number"].error(
            "the number column is required", "name the CSV column that holds the numbers"
        )
    return columns


def _delimiter(node: Node) -> str:
    value = y.text(node)
    if value not in _DELIMITERS:
        raise node.error(
            f"{value!r} is not a delimiter", 'one of ",", ";", "|" or "\\t" (a tab), quoted'
        )
    return value


def _country(node: Node) -> str:
    value = y.text(node).upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise node.error(f"unknown country {value!r}", "a two-letter ISO code such as FR or GB")
    return value


def parse_calendar(node: Node, campaign: str) -> Calendar:
    """The campaign's own calendar, in acd.yaml's calendar format (docs/hours.md) and read
    by its reader. That reader takes calendars by name, so the campaign's one is handed
    over under its own key: errors name ``calendar.hours`` as written in the file."""
    key = yaml.ScalarNode("tag:yaml.org,2002:str", "calendar", start_mark=node.raw.start_mark)
    wrapper = yaml.MappingNode("tag:yaml.org,2002:map", [(key, node.raw)], node.raw.start_mark)
    calendar = parse_calendars(Node(wrapper, node.file, node.path[:-1]))["calendar"]
    return dataclasses.replace(calendar, name=f"campaign-{campaign}")


def load_do_not_call(node: Node, base: Path, country: str) -> tuple[DoNotCallList, ...]:
    """The lists named (relative to ``base``, the campaign file's folder), read now: a
    list missing or half read would let numbers through. An entry is a file name (the
    campaign's own list, format detected) or a mapping: ``file``, ``kind`` (campaign or
    national_registry), ``format`` (auto, plain, us_registry) and, for a registry,
    ``date``: the day its data was downloaded (default: the file's modification day)."""
    return tuple(_one_list(where, base, country) for where in y.sequence(node))


def _one_list(where: Node, base: Path, country: str) -> DoNotCallList:
    if isinstance(where.raw, yaml.MappingNode):
        found = read.fields(where, {"file"}, {"kind", "format", "date"})
        name = y.text(found["file"])
        kind = y.member(found["kind"], ListKind, "list kind") if "kind" in found else None
        list_format = (
            y.member(found["format"], ListFormat, "list format")
            if "format" in found
            else ListFormat.AUTO
        )
        day = _list_date(found["date"]) if "date" in found else None
    else:
        name, kind, list_format, day = y.text(where), None, ListFormat.AUTO, None
    kind = kind or ListKind.CAMPAIGN
    if kind not in (ListKind.CAMPAIGN, ListKind.NATIONAL_REGISTRY):
        raise where.error(
            f"a campaign's list is of kind campaign or national_registry, not {kind}",
            "the company's list is callbacks.do_not_call in acd.yaml; opt-outs are kept "
            "by the server",
        )
    path = base / name
    try:
        data = path.read_bytes()
        if kind is ListKind.NATIONAL_REGISTRY and day is None:
            day = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    except OSError as exc:
        raise where.error(
            f"cannot read the do-not-call list {name}: {exc.strerror}",
            f"paths are relative to the campaign file's folder ({base})",
        ) from None
    try:
        return load_compliance_list(
            data, name, kind, country=country, list_format=list_format, data_date=day
        )
    except DoNotCallError as exc:
        raise where.error(
            str(exc),
            "one number per line, written any usual way (# starts a comment), or the US "
            "registry's full list (area code,number)",
        ) from None


def _list_date(node: Node) -> date:
    try:
        return date.fromisoformat(y.text(node))
    except ValueError:
        raise node.error(
            f"{y.text(node)!r} is not a date", "write the day the data was downloaded: 2026-12-01"
        ) from None


def parse_dispositions(node: Node) -> dict[str, DispositionCode]:
    """``dispositions: {1: {code: sale, effect: done}, ...}``: the digit the agent dials
    after *45, the code reports show, and what it does to the lead."""
    found: dict[str, DispositionCode] = {}
    codes: set[str] = set()
    for key, value in y.entries(node):
        digit = y.text(key)
        if len(digit) != 1 or not digit.isdigit():
            raise key.error(
                f"{digit!r} is not a digit", "agents dial *45 then one digit (0-9) at wrap-up"
            )
        fields = read.fields(value, {"code", "effect"}, set())
        code = read.name(fields["code"])
        if code in codes:
            raise fields["code"].error(
                f"the disposition {code!r} is listed twice", "give each digit its own code"
            )
        codes.add(code)
        found[digit] = DispositionCode(code, y.member(fields["effect"], Effect, "effect"))
    if not found:
        raise node.error("no disposition listed", "list at least one, or leave the key out")
    return found
