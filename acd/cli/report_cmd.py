"""`acd report`: KPIs per queue and per agent for a period, read from the journal.

    acd report                                   today, every queue and agent
    acd report ivr                               today, the IVR menus' drop-off funnel
    acd report dialer --from 2026-12-01          the campaigns: dials, outcomes, abandons
    acd report --from 2024-03-11 --to 2024-03-17 --queue sales --format json

Definitions: docs/kpi.md. Bad input (a date, a queue or agent name, a missing journal)
is one line on stderr naming the option or the file, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path
from typing import Any

from acd.adapters.journal import JournalError
from acd.adapters.journal.period import facts_for_period
from acd.core.engine.config import AcdConfig
from acd.core.facts import Fact
from acd.core.report import (
    ReportError,
    ReportOptions,
    UnknownAgentError,
    UnknownQueueError,
    compute_report,
    dialer,
    ivr,
    parse_period,
    render_text,
    report_json,
)
from acd.core.report.kpi import DEFAULT_SHORT_ABANDON_S, DEFAULT_SL_S
from acd.core.report.period import Period
from acd.core.settings import Settings, load_settings
from acd.core.yamlfile import ConfigError
from dialer.campaign import Campaign, context_of, load_campaigns

DEFAULT_JOURNAL = Path("var/journal.sqlite3")
# Facts read after the period so that calls entered in it have their outcome (and
# wrap-up): a call still going on this long after the period's end is shown as waiting.


def register(commands: Any) -> None:
    parser = commands.add_parser("report", help="KPIs per queue and per agent, from the journal")
    add = parser.add_argument
    add(
        "what",
        nargs="?",
        choices=("calls", "ivr", "dialer"),
        default="calls",
        help="calls: queues, agents and surveys (default); ivr: what callers did in the menus;"
        " dialer: what the campaigns did (docs/dialer.md)",
    )
    add(
        "--from",
        dest="start",
        default="today",
        metavar="DAY",
        help="first day: YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today or yesterday (default: today)",
    )
    add(
        "--to",
        dest="end",
        metavar="DAY",
        help="last day, included (or an instant, excluded); default: the day of --from",
    )
    add("--queue", help="show this queue only")
    add("--agent", help="show this agent only (agent id)")
    add(
        "--short-abandon-s",
        type=_seconds,
        default=DEFAULT_SHORT_ABANDON_S,
        metavar="S",
        help="an abandon after this wait or less is short (default: %(default)s)",
    )
    add(
        "--sl-threshold-s",
        type=_seconds,
        metavar="Y",
        help="service-level threshold for every queue (default: each queue's service_level_s"
        f" in the configuration, else {DEFAULT_SL_S:g})",
    )
    add(
        "--journal",
        type=Path,
        help=f"the journal (default: journal.path in the configuration, else {DEFAULT_JOURNAL})",
    )
    add("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        output = build_report(args, now=time.time())
    except (ReportError, JournalError) as exc:
        print(f"acd report: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(output)
    return 0


def build_report(args: argparse.Namespace, now: float, tz: tzinfo | None = None) -> str:
    """The report's text (or JSON) for the command line ``args``; ``tz`` None: local."""
    settings = _settings(args.config)
    config = settings.acd if settings else None
    journal = args.journal or (settings.journal.path if settings else DEFAULT_JOURNAL)
    period = parse_period(args.start, args.end, now, tz)
    options = _options(args, config)
    queues = [q.name for q in config.queues] if config else []
    agents = [a.id for a in config.agents] if config else []
    # A configured agent named by --agent gets a row even with nothing in the period.
    forced = [args.agent] if args.agent in agents else []
    facts = _read_facts(journal, period)
    if args.what == "ivr":
        rows = ivr.funnel(facts, period)
        if args.format == "json":
            return (
                json.dumps({"period": period.label, "nodes": ivr.funnel_json(rows)}, indent=2)
                + "\n"
            )
        return ivr.funnel_text(rows, period.label)
    if args.what == "dialer":
        campaigns = _campaigns(args.config, settings) if settings else {}
        return _dialer_report(facts, period, args.format, campaigns, now)
    report = compute_report(facts, period, now, options, queues=queues, agents=forced)
    survey = ivr.surveys(facts, period)
    shown_queues = _chosen("--queue", args.queue, [*queues, *(q.queue for q in report.queues)])
    shown_agents = _chosen("--agent", args.agent, [*agents, *(a.agent_id for a in report.agents)])
    if args.format == "json":
        document = report_json(report, shown_queues, shown_agents)
        document["surveys"] = ivr.survey_json(survey)
        return json.dumps(document, indent=2) + "\n"
    text = render_text(report, shown_queues, shown_agents)
    return text + (f"\n{ivr.survey_text(survey)}\n" if survey else "")


def _dialer_report(
    facts: list[Fact], period: Period, form: str, campaigns: Mapping[str, Campaign], now: float
) -> str:
    rows = dialer.campaigns(
        facts,
        period,
        now=now,
        rule_sets={name: c.rule_set for name, c in campaigns.items()},
        amd_false_positive_rates={
            name: c.machine_detection.false_positive_rate for name, c in campaigns.items()
        },
    )
    if form == "json":
        document = {"period": period.label, "campaigns": dialer.campaigns_json(rows)}
        return json.dumps(document, indent=2) + "\n"
    return dialer.campaigns_text(rows, period.label)


def _campaigns(config: Path, settings: Settings) -> dict[str, Campaign]:
    """The campaign files, for their rule sets (how abandoned calls are counted)."""
    folder = config.parent / "campaigns"
    if not folder.is_dir():
        return {}
    try:
        return load_campaigns(folder, context_of(settings))
    except ConfigError as exc:
        print(
            f"acd report: {exc}; abandon rates are reported without the campaigns' rule sets",
            file=sys.stderr,
        )
        return {}


def _read_facts(path: Path, period: Period) -> list[Fact]:
    return facts_for_period(path, period.since, period.until)


def _settings(path: Path | None) -> Settings | None:
    """Thresholds, names and the journal's path; reports also work without the file."""
    if path is None or not path.exists():
        print(
            f"acd report: no configuration at {path}: every queue's SL threshold is "
            f"{DEFAULT_SL_S:g} s unless --sl-threshold-s is given",
            file=sys.stderr,
        )
        return None
    return load_settings(path)


def _options(args: argparse.Namespace, config: AcdConfig | None) -> ReportOptions:
    if args.sl_threshold_s is not None:
        return ReportOptions(args.short_abandon_s, {}, args.sl_threshold_s)
    thresholds = {q.name: q.service_level_s for q in config.queues} if config else {}
    return ReportOptions(args.short_abandon_s, thresholds, DEFAULT_SL_S)


def _chosen(option: str, name: str | None, known: list[str]) -> list[str]:
    if name is None:
        return known
    if name not in known:
        error = UnknownQueueError if option == "--queue" else UnknownAgentError
        listed = ", ".join(sorted(set(known))) or "none in the configuration or the journal"
        raise error(f"{option} {name!r}: no such name (known: {listed})")
    return [name]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 0 to 86400 seconds")
    return value
