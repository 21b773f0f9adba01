"""Campaign files (config/campaigns/*.yaml): the examples load; defaults; every kind of
mistake is refused with file, line, key and a hint; nothing looser than the law."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from acd.core.compliance import ListKind
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.rule_set import Purpose, RuleSet
from acd.core.settings import load_settings
from dialer.amd_routes import Answerer
from dialer.campaign import (
    CallbackOwner,
    CampaignContext,
    ConfigError,
    MachineTreatment,
    Mode,
    context_of,
    load_campaign,
    load_campaigns,
)
from dialer.campaign.model import DEFAULT_RETRIES
from dialer.leads.columns import LeadColumns
from tests.conftest import PROJECT

CONTEXT = context_of(load_settings(PROJECT / "config" / "acd.yaml"))

# A smallest valid campaign, one key a line: the tests replace a line or add some after.
BASE = {
    "mode": "mode: progressive",
    "queue": "queue: sales",
    "trunk": "trunk: carrier",
    "caller_id": 'caller_id: "+33170000000"',
    "purpose": "purpose: existing_customer",
    "information_message": 'information_message: "Acme here. Call 01 70 00 00 00; say stop."',
}
NEXT_LINE = len(BASE) + 1
CONSENT_COLUMNS = "{consent_at: at, consent_channel: how, consent_proof: proof, consent_scope: to}"
# Agentless: the message's queue instead of the campaign's, an ARCEP verified caller ID,
# and consent for every lead (automated calls in France).
AGENTLESS = {
    "mode": "mode: agentless",
    "queue": "",
    "caller_id": 'caller_id: "01 62 00 00 00"',
    "purpose": f"leads: {{columns: {CONSENT_COLUMNS}}}",
}
MESSAGE = 'message: {text: "Press 1.", queue: support, opt_out_confirmation: "Done."}\n'


def write(tmp_path: Path, replace: dict[str, str] | None = None, extra: str = "") -> Path:
    lines = {**BASE, **(replace or {})}
    path = tmp_path / "test.yaml"
    path.write_text("\n".join(lines.values()) + "\n" + extra, encoding="utf-8")
    return path


def refused(path: Path, context: CampaignContext | None = CONTEXT) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_campaign(path, context)
    error = caught.value
    assert error.hint, f"no hint in {error}"
    where = f"{error.file}:{error.line}: " + (f"{error.key}: " if error.key else "")
    assert str(error).startswith(where)
    return error


# ---- the examples --------------------------------------------------------------------


def test_the_example_campaigns_load_against_the_example_acd_yaml() -> None:
    campaigns = load_campaigns(PROJECT / "config" / "campaigns", CONTEXT)
    assert sorted(campaigns) == ["reminders", "renewals"]
    renewals, reminders = campaigns["renewals"], campaigns["reminders"]
    assert (renewals.mode, renewals.queue, renewals.trunk) == (Mode.PROGRESSIVE, "sales", "carrier")
    assert (renewals.purpose, renewals.callbacks) == (
        Purpose.EXISTING_CUSTOMER,
        CallbackOwner.AGENT,
    )
    assert renewals.calendar is not None
    assert renewals.calendar.week[0] == ((600, 750), (840, 1140))
    assert renewals.leads.delimiter == ";"
    assert renewals.retries.rule(DialOutcome.FAILED) is not None
    assert reminders.mode is Mode.AGENTLESS
    assert reminders.message is not None
    assert (reminders.message.queue, reminders.message.agent_key) == ("support", "1")
    assert reminders.message.opt_out_key == "9"
    assert reminders.caller_id == "+33162000000"
    assert reminders.machine_detection.on_machine is MachineTreatment.LEAVE_MESSAGE
    assert reminders.machine_detection.amd_arguments() == "2500,1500,800,5000,100,50,2,256,5000"


def test_the_examples_load_without_acd_yaml_too() -> None:
    for name in ("renewals", "reminders"):
        assert load_campaign(PROJECT / "config" / "campaigns" / f"{name}.yaml").name == name


# ---- defaults ------------------------------------------------------------------------


def test_defaults(tmp_path: Path) -> None:
    campaign = load_campaign(write(tmp_path), CONTEXT)
    assert campaign.name == "test"  # the file's name
    assert (campaign.rule_set, campaign.ring_s, campaign.abandon_target_percent) == (
        RuleSet.FR,
        15.0,
        3.0,
    )
    assert (campaign.max_lines, campaign.calls_per_s) == (10, 1.0)
    assert campaign.callbacks is CallbackOwner.ANYONE
    assert campaign.calendar is None
    assert campaign.retries.max_attempts == 4
    assert campaign.retries.rule(DialOutcome.NO_ANSWER) == DEFAULT_RETRIES[DialOutcome.NO_ANSWER]
    assert campaign.retries.rule(DialOutcome.ANSWERED) is None
    assert campaign.leads == LeadColumns()
    assert not campaign.machine_detection.enabled
    assert campaign.machine_detection.amd_arguments() == ""  # no detection
    assert campaign.do_not_call == ()


def test_amd_defaults_are_asterisks() -> None:
    amd = load_campaign(PROJECT / "config" / "campaigns" / "renewals.yaml").machine_detection
    assert (amd.initial_silence_ms, amd.greeting_ms, amd.after_greeting_silence_ms) == (
        2500,
        1500,
        800,
    )
    assert (amd.total_analysis_time_ms, amd.minimum_word_length_ms) == (5000, 100)
    assert (amd.between_words_silence_ms, amd.maximum_number_of_words) == (50, 2)
    assert (amd.silence_threshold, amd.maximum_word_length_ms) == (256, 5000)


def test_agentless_keys_default_to_1_and_9(tmp_path: Path) -> None:
    message = load_campaign(write(tmp_path, AGENTLESS, MESSAGE), CONTEXT).message
    assert message is not None
    assert (message.agent_key, message.opt_out_key) == ("1", "9")


def test_a_retry_rule_given_in_part_keeps_the_rest_of_the_default(tmp_path: Path) -> None:
    path = write(tmp_path, extra="retries:\n  max_attempts: 2\n  busy: {delay_min: 5}\n")
    retries = load_campaign(path, CONTEXT).retries
    busy = retries.rule(DialOutcome.BUSY)
    assert busy is not None
    assert (busy.delay_s, busy.max_attempts) == (300.0, 2)  # default 3, capped by the lead's 2


def test_lead_columns_and_lists_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "dnc.txt").write_text("# opted out\n06 12 34 56 78\n", encoding="utf-8")
    extra = (
        "do_not_call: [dnc.txt]\n"
        "leads:\n  delimiter: ';'\n  country: be\n"
        "  columns: {number: tel, name: ~, reference: id}\n"
    )
    campaign = load_campaign(write(tmp_path, extra=extra), CONTEXT)
    assert campaign.leads == LeadColumns(
        number="tel", name=None, reference="id", delimiter=";", country="BE"
    )
    (listed,) = campaign.do_not_call
    assert (listed.kind, listed.source) == (ListKind.CAMPAIGN, "dnc.txt")
    assert not listed.forbids("+33612345678")  # read in Belgium: +32...
    assert listed.forbids("+32612345678")


def test_a_registry_list_has_its_date_and_format(tmp_path: Path) -> None:
    (tmp_path / "us.txt").write_bytes(b"\xef\xbb\xbf201,5550123\r\n2125550199\r\n")
    (tmp_path / "own.txt").write_bytes("# liste \xe9t\xe9\n06.12.34.56.78\n".encode("latin-1"))
    extra = (
        "do_not_call:\n"
        "  - own.txt\n"
        "  - {file: us.txt, kind: national_registry, format: us_registry, date: 2026-11-30}\n"
    )
    own, registry = load_campaign(write(tmp_path, extra=extra), CONTEXT).do_not_call
    assert own.forbids("+33612345678")  # a Latin-1 file is read, comments and all
    assert registry.kind is ListKind.NATIONAL_REGISTRY
    assert registry.data_date == date(2026, 11, 30)
    assert registry.forbids("+12015550123")
    assert registry.forbids("+12125550199")


def test_a_registry_without_a_date_is_dated_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "us.txt").write_text("201,5550123\n", encoding="ascii")
    os.utime(tmp_path / "us.txt", (1_700_000_000, 1_700_000_000))  # 2023-11-14 UTC
    extra = "do_not_call: [{file: us.txt, kind: national_registry}]\n"
    (registry,) = load_campaign(write(tmp_path, extra=extra), CONTEXT).do_not_call
    assert registry.data_date == date(2023, 11, 14)


def test_a_name_key_names_the_campaign(tmp_path: Path) -> None:
    assert load_campaign(write(tmp_path, extra="name: spring-offer\n")).name == "spring-offer"


# ---- mistakes ------------------------------------------------------------------------

N = NEXT_LINE
MISTAKES = [
    # (replace, extra, key, line, message, hint)
    ({}, "ring_time: 20\n", "ring_time", N, "unknown key", "did you mean 'ring_s'?"),
    ({}, "mode: preview\n", "mode", N, "appears twice", "keep only one"),
    ({}, "max_dial_ratio: 12\n", "max_dial_ratio", N, "1 to 10 calls per agent", "dialer.md"),
    ({"mode": "mode: auto"}, "", "mode", 1, "unknown mode 'auto'", "docs/dialer.md"),
    ({"queue": "queue: nowhere"}, "", "queue", 2, "no queue named 'nowhere'", "acd.yaml"),
    ({"queue": ""}, "", "queue", 1, "exactly one of queue or agents", "agents"),
    ({}, 'agents: ["1001"]\n', "agents", N, "exactly one of queue or agents", "agents"),
    ({"trunk": "trunk: nowhere"}, "", "trunk", 3, "no trunk named 'nowhere'", "host"),
    ({"caller_id": "caller_id: hello"}, "", "caller_id", 4, "not a phone number", "E.164"),
    ({"caller_id": ""}, "", "", 1, "missing required key 'caller_id'", "docs/dialer.md"),
    (
        {"information_message": "information_message: Acme calling."},
        "",
        "information_message",
        6,
        "no number to call back",
        "digits",
    ),
    ({}, "message: {text: hi}\n", "message", N, "only an agentless campaign", "information"),
    ({}, "purpose: sales\n", "purpose", N, "appears twice", "keep only one"),
    ({"purpose": "purpose: sales"}, "", "purpose", 5, "unknown purpose 'sales'", "docs"),
    ({}, "rule_set: DE\n", "rule_set", N, "unknown rule set 'DE'", "docs"),
    ({}, "callbacks: me\n", "callbacks", N, "unknown callback owner", "docs"),
    ({}, "max_lines: 0\n", "max_lines", N, "out of range", "docs"),
    ({}, "calls_per_s: fast\n", "calls_per_s", N, "expected a number", "docs"),
    ({"queue": ""}, "agents: []\n", "agents", N, "list of agents is empty", "give a queue"),
    ({"queue": ""}, "agents: ['1001', '1001']\n", "agents[1]", N, "listed twice", "once"),
    ({"queue": ""}, "agents: ['9999']\n", "agents[0]", N, "not an agent", "acd.yaml"),
    ({}, "retries: {answered: {delay_min: 5}}\n", "retries.answered", N, "never retried", "done"),
    (
        {},
        "retries:\n  max_attempts: 2\n  busy: {max_attempts: 3}\n",
        "retries.busy.max_attempts",
        N + 2,
        "more than the lead's max_attempts (2)",
        "at most 2",
    ),
    ({}, "retries: {busy: {delay_min: 0}}\n", "retries.busy.delay_min", N, "out of range", "docs"),
    ({}, "retries: {busy: {wait: 5}}\n", "retries.busy.wait", N, "unknown key", "docs"),
    (
        {},
        "calendar: {timezone: Europe/Paris, hours: {lundi: ['10:00-12:00']}}\n",
        "calendar.hours.lundi",
        N,
        "days are mon, tue",
        "docs",
    ),
    (
        {},
        "calendar:\n  timezone: Europe/Paris\n  hours:\n    mon: ['10:00-25:00']\n",
        "calendar.hours.mon[0]",
        N + 3,
        "not a time of day",
        "docs",
    ),
    ({}, "calendar: {hours: {}}\n", "calendar", N, "missing required key 'timezone'", "docs"),
    (
        {},
        "machine_detection: {enabled: maybe}\n",
        "machine_detection.enabled",
        N,
        "true or false",
        "docs",
    ),
    (
        {},
        "machine_detection: {greeting_ms: -1}\n",
        "machine_detection.greeting_ms",
        N,
        "out of range",
        "docs",
    ),
    (
        {},
        "machine_detection: {on_machine: voicemail}\n",
        "machine_detection.on_machine",
        N,
        "unknown machine treatment",
        "docs",
    ),
    ({}, "leads: {delimiter: ab}\n", "leads.delimiter", N, "not a delimiter", "quoted"),
    ({}, "leads: {country: XX}\n", "leads.country", N, "unknown country 'XX'", "ISO"),
    ({}, "leads: {columns: {number: ~}}\n", "leads.columns.number", N, "required", "CSV"),
    ({}, "leads: {columns: {phone: tel}}\n", "leads.columns.phone", N, "unknown key", "docs"),
    ({}, "do_not_call: [missing.txt]\n", "do_not_call[0]", N, "cannot read", "relative"),
    ({}, "do_not_call: [bad.txt]\n", "do_not_call[0]", N, "bad.txt:2:", "one number per line"),
    ({}, "do_not_call: [{file: x.txt, kind: opt_outs}]\n", "do_not_call[0]", N, "kind", "acd.yaml"),
    (
        {},
        "do_not_call: [{file: x.txt, date: soon}]\n",
        "do_not_call[0].date",
        N,
        "not a date",
        "2026",
    ),
    ({}, "name: Spring Offer\n", "name", N, "not a name", "lower-case"),
]


@pytest.mark.parametrize(("replace", "extra", "key", "line", "message", "hint"), MISTAKES)
def test_each_mistake_names_file_line_key_and_gives_a_hint(
    tmp_path: Path,
    replace: dict[str, str],
    extra: str,
    key: str,
    line: int,
    message: str,
    hint: str,
) -> None:
    (tmp_path / "bad.txt").write_text("0612345678\ncall me\n", encoding="utf-8")
    error = refused(write(tmp_path, replace, extra))
    assert (error.file, error.line, error.key) == (str(tmp_path / "test.yaml"), line, key)
    assert message in error.message
    assert hint in error.hint


def test_agentless_mistakes(tmp_path: Path) -> None:
    error = refused(write(tmp_path, AGENTLESS))
    assert (error.key, error.message) == ("message", "an agentless campaign needs its message")
    error = refused(write(tmp_path, {**AGENTLESS, "queue": "queue: sales"}))
    assert (error.key, error.line) == ("queue", 2)
    assert "message.queue" in error.hint
    message = 'message: {text: "1 or 9", queue: %s, opt_out_confirmation: "Done."%s}\n'
    error = refused(write(tmp_path, AGENTLESS, message % ("nowhere", "")))
    assert (error.key, error.line) == ("message.queue", NEXT_LINE)
    error = refused(write(tmp_path, AGENTLESS, message % ("support", ", opt_out_key: 1")))
    assert (error.key, error.message) == (
        "message.opt_out_key",
        "the agent key and the opt-out key are both '1'",
    )
    error = refused(write(tmp_path, AGENTLESS, message % ("support", ", agent_key: '10'")))
    assert error.key == "message.agent_key"
    blank = 'message: {text: " ", queue: support, opt_out_confirmation: "Done."}\n'
    error = refused(write(tmp_path, AGENTLESS, blank))
    assert (error.key, error.message) == ("message.text", "the text is empty")
    error = refused(write(tmp_path, AGENTLESS, 'message: {text: " ", queue: support}\n'))
    assert "missing required key 'opt_out_confirmation'" in error.message


def test_a_file_that_is_not_a_campaign_name_needs_a_name_key(tmp_path: Path) -> None:
    path = tmp_path / "Spring Offer.yaml"
    path.write_text(write(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    error = refused(path)
    assert (error.line, error.key) == (1, "name")
    assert "name: key" in error.hint
    spring = path.read_text(encoding="utf-8") + "name: spring\n"
    path.write_text(spring, encoding="utf-8")
    assert load_campaign(path).name == "spring"


def test_two_campaigns_with_one_name_are_refused(tmp_path: Path) -> None:
    write(tmp_path)  # test.yaml, named "test" by its file
    (tmp_path / "zz.yaml").write_text("\n".join(BASE.values()) + "\nname: test\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_campaigns(tmp_path, CONTEXT)
    error = caught.value
    assert (error.file, error.line, error.key) == (str(tmp_path / "zz.yaml"), NEXT_LINE, "name")
    assert "already used by" in error.message
    assert error.hint


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such folder"):
        load_campaigns(tmp_path / "nowhere")


def test_a_yml_file_is_refused_rather_than_skipped(tmp_path: Path) -> None:
    (tmp_path / "spring.yml").write_text("mode: progressive\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ends in \.yaml") as caught:
        load_campaigns(tmp_path)
    assert caught.value.hint == "rename it spring.yaml"


def test_names_are_not_checked_without_a_context(tmp_path: Path) -> None:
    path = write(tmp_path, {"queue": "queue: nowhere", "trunk": "trunk: nowhere"})
    assert load_campaign(path).queue == "nowhere"


def test_a_trunk_without_a_host_does_not_call_out(tmp_path: Path) -> None:
    context = CampaignContext(queues=frozenset({"sales"}), agents=frozenset(), trunks=frozenset())
    error = refused(write(tmp_path), context)
    assert error.key == "trunk"
    assert "host" in error.hint


# ---- only stricter than the law --------------------------------------------------------


@pytest.mark.parametrize(("ring_s", "allowed"), [("15", True), ("40", True), ("14.9", False)])
def test_a_phone_rings_at_least_15_seconds(tmp_path: Path, ring_s: str, allowed: bool) -> None:
    path = write(tmp_path, extra=f"ring_s: {ring_s}\n")
    if allowed:
        assert load_campaign(path).ring_s == float(ring_s)
    else:
        error = refused(path)
        assert (error.key, error.line) == ("ring_s", NEXT_LINE)
        assert "law's floor" in error.hint


@pytest.mark.parametrize(("percent", "allowed"), [("0", True), ("3", True), ("3.5", False)])
def test_the_abandon_target_is_at_most_3_percent(
    tmp_path: Path, percent: str, allowed: bool
) -> None:
    path = write(tmp_path, extra=f"abandon_target_percent: {percent}\n")
    if allowed:
        assert load_campaign(path).abandon_target_percent == float(percent)
    else:
        error = refused(path)
        assert error.key == "abandon_target_percent"
        assert "only be stricter" in error.hint


def test_uk_waits_72_hours_after_an_abandoned_call(tmp_path: Path) -> None:
    uk = {"caller_id": 'caller_id: "+442079460000"'}
    error = refused(write(tmp_path, uk, "rule_set: UK\nretries: {abandoned: {delay_min: 60}}\n"))
    assert (error.key, error.line) == ("retries.abandoned", NEXT_LINE + 1)
    assert "Ofcom" in error.hint
    ok = "rule_set: UK\nretries: {abandoned: {delay_min: 4320}}\n"
    assert load_campaign(write(tmp_path, uk, ok)).rule_set is RuleSet.UK
    never = "rule_set: UK\nretries: {abandoned: {delay_min: 60, max_attempts: 0}}\n"
    assert load_campaign(write(tmp_path, uk, never)).rule_set is RuleSet.UK
    assert load_campaign(write(tmp_path, uk, "rule_set: UK\n")).caller_id == "+442079460000"


def test_automated_calls_in_france_show_a_verified_number(tmp_path: Path) -> None:
    ordinary = {**AGENTLESS, "caller_id": 'caller_id: "+33170000000"'}
    error = refused(write(tmp_path, ordinary, MESSAGE))
    assert (error.key, error.line) == ("caller_id", 4)
    assert "ARCEP" in error.hint
    verified = {**AGENTLESS, "caller_id": 'caller_id: "09 48 00 00 00"'}
    assert load_campaign(write(tmp_path, verified, MESSAGE)).caller_id == "+33948000000"
    uk = {**ordinary, "purpose": "rule_set: UK"}  # the ARCEP ranges are France's
    uk["caller_id"] = 'caller_id: "+442079460000"'
    assert load_campaign(write(tmp_path, uk, MESSAGE)).rule_set is RuleSet.UK


def test_automated_calls_in_france_need_consent_even_for_customers(tmp_path: Path) -> None:
    customers = {**AGENTLESS, "purpose": "purpose: existing_customer"}
    error = refused(write(tmp_path, customers, MESSAGE))
    assert (error.key, error.line) == ("leads.columns.consent_at", 1)
    assert "automated" in error.message


def test_consent_is_needed_to_prospect_or_automate_in_france(tmp_path: Path) -> None:
    prospecting = {"purpose": "purpose: prospecting"}
    error = refused(write(tmp_path, prospecting))
    assert (error.key, error.line) == ("leads.columns.consent_at", 1)
    error = refused(write(tmp_path, prospecting, "leads: {delimiter: ';'}\n"))
    assert (error.key, error.line) == ("leads.columns.consent_at", NEXT_LINE)
    partial = "leads: {columns: {consent_at: at, consent_channel: how, consent_proof: p}}\n"
    error = refused(write(tmp_path, prospecting, partial))
    assert (error.key, error.line) == ("leads.columns.consent_scope", NEXT_LINE)
    assert "consent scope" in error.message
    consent = f"leads: {{columns: {CONSENT_COLUMNS}}}\n"
    assert load_campaign(write(tmp_path, prospecting, consent)).purpose is Purpose.PROSPECTING
    us = {**prospecting, "caller_id": 'caller_id: "+12025550143"'}
    assert load_campaign(write(tmp_path, us, "rule_set: US\n")).rule_set is RuleSet.US


def test_dispositions_default_and_a_campaigns_own(tmp_path: Path) -> None:
    default = load_campaign(write(tmp_path), CONTEXT).dispositions
    assert {d: c.code for d, c in default.items()} == {
        "1": "sale",
        "2": "not_interested",
        "3": "callback",
        "4": "do_not_call",
        "5": "wrong_number",
        "6": "no_decision",
    }
    own = (
        "dispositions:\n  1: {code: renewed, effect: done}\n"
        "  9: {code: stop, effect: do_not_call}\n"
    )
    found = load_campaign(write(tmp_path, extra=own), CONTEXT).dispositions
    assert {d: (c.code, c.effect.value) for d, c in found.items()} == {
        "1": ("renewed", "done"),
        "9": ("stop", "do_not_call"),
    }


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("dispositions:\n  12: {code: a, effect: done}\n", "dispositions.12", "not a digit"),
        ("dispositions:\n  1: {code: a, effect: maybe}\n", "dispositions.1.effect", "effect"),
        (
            "dispositions:\n  1: {code: a, effect: done}\n  2: {code: a, effect: done}\n",
            "dispositions.2.code",
            "listed twice",
        ),
    ],
)
def test_bad_dispositions_are_named(tmp_path: Path, text: str, key: str, message: str) -> None:
    error = refused(write(tmp_path, extra=text))
    assert error.key == key
    assert message in error.message


def test_amd_routes_and_false_positive_rate(tmp_path: Path) -> None:
    extra = (
        "machine_detection:\n  enabled: true\n  false_positive_rate: 0.04\n"
        "  routes: {MACHINE/INITIALSILENCE: person, NOTSURE: machine}\n"
    )
    amd = load_campaign(write(tmp_path, extra=extra), CONTEXT).machine_detection
    assert amd.false_positive_rate == 0.04
    assert amd.routes.answerer("MACHINE", "INITIALSILENCE-2500-2500") is Answerer.PERSON
    assert amd.routes.answerer("MACHINE", "LONGGREETING-1700-1500") is Answerer.MACHINE
    assert amd.routes.answerer("NOTSURE", "TOOLONG-5000") is Answerer.MACHINE
    bad = "machine_detection:\n  routes: {MACHINE/TOOLONG: person}\n"
    error = refused(write(tmp_path, extra=bad))
    assert error.key == "machine_detection.routes"
    assert "NOTSURE" in error.message
