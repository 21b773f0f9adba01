"""Reads ``config/campaigns/*.yaml``, one campaign per file, into frozen Campaigns, or
raises ConfigError naming file, line and key, with a hint (docs/dialer.md).

    context = context_of(settings)          # acd.yaml's queues, agents, trunks that call out
    campaigns = load_campaigns(Path("config/campaigns"), context)   # name -> Campaign

A campaign is named by its ``name:`` key, or else by its file's name (renewals.yaml is
"renewals"). Without a context, the names of queues, agents and trunks are not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from acd.core import yamlfile as y
from acd.core.compliance import DoNotCallList
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.yamlfile import ConfigError, Node
from dialer.campaign import law, read
from dialer.campaign.model import (
    COUNTRY_OF,
    DEFAULT_CALLS_PER_S,
    DEFAULT_MAX_LINES,
    MAX_ABANDON_PERCENT,
    MIN_RING_S,
    CallbackOwner,
    Campaign,
    MachineDetection,
    Mode,
    Retries,
)
from dialer.campaign.sections import (
    load_do_not_call,
    parse_calendar,
    parse_dispositions,
    parse_leads,
    parse_machine_detection,
    parse_retries,
)
from dialer.campaign.who import CampaignContext, parse_message_for, parse_who, trunk
from dialer.dispositions import DEFAULT_DISPOSITIONS

T = TypeVar("T")
_REQUIRED = {"mode", "trunk", "caller_id", "information_message"}
_OPTIONAL = {
    "name",
    "queue",
    "agents",
    "message",
    "rule_set",
    "purpose",
    "calendar",
    "retries",
    "callbacks",
    "max_lines",
    "calls_per_s",
    "ring_s",
    "machine_detection",
    "do_not_call",
    "abandon_target_percent",
    "leads",
    "dispositions",
    "max_dial_ratio",
    "inbound_reserve",
}


def load_campaign(path: Path, context: CampaignContext | None = None) -> Campaign:
    """One campaign file; ConfigError (file, line, key, hint) at the first mistake."""
    return _read(path, context)[0]


def load_campaigns(directory: Path, context: CampaignContext | None = None) -> dict[str, Campaign]:
    """Every ``*.yaml`` of ``directory``, by campaign name; a name used twice is an error."""
    if not directory.is_dir():
        raise ConfigError(str(directory), 0, "", "no such folder", "create it, or fix the path")
    for path in sorted(directory.glob("*.yml")):  # would be skipped without a word
        hint = f"rename it {path.stem}.yaml"
        raise ConfigError(str(path), 0, "", "a campaign file's name ends in .yaml", hint)
    campaigns: dict[str, Campaign] = {}
    for path in sorted(directory.glob("*.yaml")):
        campaign, named_at = _read(path, context)
        if campaign.name in campaigns:
            first = campaigns[campaign.name].source
            raise ConfigError(
                file=campaign.source,
                line=named_at.line,
                key="name",
                message=f"the campaign name {campaign.name!r} is already used by {first}",
                hint="give each campaign its own name (the file's name, or a name: key)",
            )
        campaigns[campaign.name] = campaign
    return campaigns


def _read(path: Path, context: CampaignContext | None) -> tuple[Campaign, Node]:
    """The campaign, and the node that names it (for the error of a name used twice)."""
    try:
        root = y.load(path)
        top = read.fields(root, _REQUIRED, _OPTIONAL)
        return _campaign(root, top, context), top.get("name", root)
    except ConfigError as error:
        raise read.with_hint(error) from None


def _campaign(root: Node, top: dict[str, Node], context: CampaignContext | None) -> Campaign:
    def optional(key: str, read_value: Callable[[Node], T], default: T) -> T:
        return read_value(top[key]) if key in top else default

    name = _name(root, top)
    mode = _mode(top["mode"])
    rule_set = optional("rule_set", lambda n: y.member(n, RuleSet, "rule set"), RuleSet.FR)
    purpose = optional("purpose", lambda n: y.member(n, Purpose, "purpose"), Purpose.PROSPECTING)
    leads = parse_leads(top.get("leads"), COUNTRY_OF[rule_set])
    queue, agents = parse_who(root, top, mode, context)
    base = Path(root.file).parent
    no_lists: tuple[DoNotCallList, ...] = ()
    do_not_call = optional(
        "do_not_call", lambda n: load_do_not_call(n, base, leads.country), no_lists
    )
    campaign = Campaign(
        name=name,
        source=root.file,
        mode=mode,
        trunk=trunk(top["trunk"], context),
        caller_id=law.caller_id(top["caller_id"], rule_set, mode),
        information_message=law.information_message(top["information_message"]),
        queue=queue,
        agents=agents,
        message=parse_message_for(root, top, mode, context),
        rule_set=rule_set,
        purpose=purpose,
        calendar=optional("calendar", lambda n: parse_calendar(n, name), None),
        retries=optional("retries", lambda n: parse_retries(n, rule_set), Retries()),
        callbacks=optional(
            "callbacks",
            lambda n: y.member(n, CallbackOwner, "callback owner"),
            CallbackOwner.ANYONE,
        ),
        max_lines=optional("max_lines", lambda n: y.integer(n, 1, 1000), DEFAULT_MAX_LINES),
        calls_per_s=optional(
            "calls_per_s", lambda n: y.number(n, 0.1, 100.0, "calls/s"), DEFAULT_CALLS_PER_S
        ),
        ring_s=optional("ring_s", law.ring_s, MIN_RING_S),
        max_dial_ratio=optional(
            "max_dial_ratio", lambda n: y.number(n, 1.0, 10.0, "calls per agent"), 3.0
        ),
        inbound_reserve=optional("inbound_reserve", lambda n: y.integer(n, 0, 100), 0),
        machine_detection=optional(
            "machine_detection", parse_machine_detection, MachineDetection()
        ),
        do_not_call=do_not_call,
        abandon_target_percent=optional(
            "abandon_target_percent", law.abandon_target, MAX_ABANDON_PERCENT
        ),
        leads=leads,
        dispositions=optional("dispositions", parse_dispositions, dict(DEFAULT_DISPOSITIONS)),
    )
    law.check_consent(root, top, campaign)
    return campaign


def _name(root: Node, top: dict[str, Node]) -> str:
    if "name" in top:
        return read.name(top["name"])
    stem = Path(root.file).stem
    if not read.is_name(stem):
        raise ConfigError(
            file=root.file,
            line=1,
            key="name",
            message=f"the file's name {stem!r} is not a campaign name",
            hint="rename the file (lower-case letters, digits, '-' or '_'), or add a name: key",
        )
    return stem


def _mode(node: Node) -> Mode:
    return y.member(node, Mode, "mode")
