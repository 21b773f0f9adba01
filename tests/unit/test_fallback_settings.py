"""The fallback (acd.yaml "fallback:"): parsed, refused with file, line and key, and
rendered into Asterisk's dialplan and app_queue so it works with the server gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acd.asterisk.render import render_all
from acd.asterisk.secrets import AsteriskSecrets
from acd.core.settings import ConfigError, Settings, parse_settings
from acd.core.settings.fallback_model import DEFAULT_MESSAGE, Fallback, FallbackKind
from tests.conftest import PROJECT

BASE = """\
asterisk:
  ami: {username: acd}
  agi: {}
  sip: {}
trunks:
  - {name: carrier, match: [127.0.0.2/32]}
  - {name: partner, host: 127.0.0.9}
agents:
  - {id: "1001", name: Alice}
  - {id: "1002", name: Bruno}
voicemail:
  "500": {name: Sales}
queues:
  - {name: sales, strategy: round-robin, members: ["1002"], max_wait_s: 300}
  - name: support
numbers:
  "100": {queue: sales}
  "101": {queue: support}
"""

Q, V, C, M = FallbackKind.QUEUE, FallbackKind.VOICEMAIL, FallbackKind.CENTRE, FallbackKind.MESSAGE


def test_without_the_section_numbers_fall_back_to_their_queue_and_others_to_a_message() -> None:
    plan = parse_settings(BASE).fallback
    assert plan.numbers == {"100": Fallback(Q, "sales"), "101": Fallback(Q, "support")}
    assert plan.default == Fallback(M, DEFAULT_MESSAGE)
    assert plan.queues() == ("sales", "support")


def test_each_kind_of_target_and_a_default() -> None:
    plan = parse_settings(
        BASE
        + """\
fallback:
  default: {voicemail: "500"}
  numbers:
    "101": {centre: partner, number: "+33170000000"}
    "200": {message: custom/closed}
"""
    ).fallback
    assert plan.default == Fallback(V, "500")
    assert plan.numbers["100"] == Fallback(Q, "sales")  # still implied by numbers:
    assert plan.numbers["101"] == Fallback(C, "partner", "+33170000000")
    assert plan.numbers["200"] == Fallback(M, "custom/closed")
    assert plan.queues() == ("sales",)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"100": {queue: billing}', "no queue named 'billing'"),
        ('"100": {voicemail: "599"}', "no mailbox '599'"),
        ('"100": {centre: carrier, number: "0170000000"}', "no trunk 'carrier' that calls out"),
        ('"100": {centre: partner}', "never the number the caller dialled"),
        ('"100": {centre: partner, number: "01&PJSIP/x"}', "is not a number to dial"),
        ('"100": {queue: sales, voicemail: "500"}', "give one of"),
        ('"100": {message: "x;Dial(y)"}', "is not a sound's name"),
        ('"100": {queue: sales, number: "1"}', "a number goes with centre only"),
        ('"1&2": {queue: sales}', "is not a phone number"),
    ],
)
def test_mistakes_are_refused_with_the_line(entry: str, message: str) -> None:
    text = BASE + "fallback:\n  numbers:\n    " + entry + "\n"
    with pytest.raises(ConfigError, match=re.escape(message)) as error:
        parse_settings(text, "acd.yaml")
    assert str(error.value).startswith("acd.yaml:21: fallback.numbers.")


def _render(settings: Settings, tmp_path: Path) -> dict[str, str]:
    secrets = AsteriskSecrets("secret", {agent.id: "pw" for agent in settings.agents})
    written = render_all(PROJECT / "config" / "asterisk", tmp_path, settings, secrets, "/etc")
    return {path.name: path.read_text() for path in written}


def _extension(dialplan: str, context: str, exten: str) -> list[str]:
    """The steps of one extension, comments and blank lines left out."""
    section = dialplan.split(f"\n[{context}]\n", 1)[1].split("\n[", 1)[0]
    steps, inside = [], False
    for raw in section.splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("exten =>"):
            inside = line.startswith(f"exten => {exten},")
        if inside and line:
            steps.append(line)
    return steps


def test_rendered_each_number_gets_its_own_target(tmp_path: Path) -> None:
    settings = parse_settings(
        BASE
        + """\
fallback:
  numbers:
    "101": {centre: partner, number: "+33170000000"}
    "200": {voicemail: "500"}
"""
    )
    files = _render(settings, tmp_path)
    dialplan = files["extensions.conf"]
    sales = _extension(dialplan, "acd-fallback", "100")
    assert any("Queue(acd-fallback-sales,,,,300)" in step for step in sales)
    centre = _extension(dialplan, "acd-fallback", "101")
    assert any("Dial(PJSIP/+33170000000@partner,60)" in step for step in centre)
    assert any("VoiceMail(500@acd,u)" in s for s in _extension(dialplan, "acd-fallback", "200"))
    default = _extension(dialplan, "acd-fallback", "_[0-9+*#]!")
    assert any(f"Playback({DEFAULT_MESSAGE})" in step for step in default)
    # The fallback never dials what the caller dialled.
    assert not [s for s in _code_of(dialplan, "acd-fallback") if "Dial(" in s and "EXTEN" in s]
    copy = files["queues.conf"].split("[acd-fallback-sales]", 1)[1].split("\n[", 1)[0]
    assert "strategy = rrmemory" in copy
    assert "member => PJSIP/1002" in copy
    assert "member => PJSIP/1001" not in copy


def _code_of(dialplan: str, context: str) -> list[str]:
    section = dialplan.split(f"\n[{context}]\n", 1)[1].split("\n[", 1)[0]
    return [line.split(";", 1)[0] for line in section.splitlines()]


def test_a_call_the_server_did_not_take_goes_to_the_fallback(tmp_path: Path) -> None:
    dialplan = _render(parse_settings(BASE), tmp_path)["extensions.conf"]
    entry = _code_of(dialplan, "from-trunk")
    agi = next(i for i, line in enumerate(entry) if "/inbound?" in line)
    after = "\n".join(entry[agi:])
    assert '"${ACD_CALL_ID}" = ""]?acd-fallback,${EXTEN},1' in after
    hold = "\n".join(_code_of(dialplan, "acd-hold"))
    assert "MusicOnHold(default,5)" in hold  # never an endless hold
    assert "GLOBAL(ACD_ALIVE_UNTIL)" in hold
    assert "acd-fallback" in hold


@pytest.mark.parametrize("strategy", ["longest-idle", "fewest-calls", "least-talk-time"])
def test_the_fallback_copy_never_sticks_to_a_phone_nobody_answers(
    tmp_path: Path, strategy: str
) -> None:
    """app_queue's leastrecent and fewestcalls ring the same unanswered phone again and
    again: the copy moves on to the next phone instead."""
    settings = parse_settings(BASE.replace("strategy: round-robin", f"strategy: {strategy}"))
    copy = _render(settings, tmp_path)["queues.conf"].split("[acd-fallback-sales]", 1)[1]
    assert "strategy = rrmemory" in copy.split("\n[", 1)[0]
