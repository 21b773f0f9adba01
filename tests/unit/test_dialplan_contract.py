"""The dialplan contract (acd/asterisk/dialplan.py): the templates take every context and
ACD_* variable name from it, and the rendered dialplan defines every context the server
sends calls to. A name spelled by hand on one side only would break calls at run time."""

from __future__ import annotations

import re
from pathlib import Path

from acd.adapters.callcontrol.legs import Legs
from acd.adapters.callcontrol.translate import Translator
from acd.asterisk.dialplan import OBSERVER_USER, SERVER_EVENTS, Context, Script, Var
from acd.asterisk.render import render_all
from acd.asterisk.secrets import AsteriskSecrets
from acd.core.settings import load_settings
from acd.server.callflow import CallLog
from tests.conftest import PROJECT

TEMPLATES = PROJECT / "config" / "asterisk"


def _code(text: str) -> list[str]:
    """The lines' code, without Asterisk's ';' comments."""
    return [line.split(";", 1)[0] for line in text.splitlines() if line.split(";", 1)[0].strip()]


def _rendered(tmp_path: Path) -> dict[str, str]:
    settings = load_settings(PROJECT / "config" / "acd.yaml")
    secrets = AsteriskSecrets("secret", {agent.id: "pw" for agent in settings.agents})
    written = render_all(TEMPLATES, tmp_path, settings, secrets, "/etc/asterisk-acd")
    return {path.name: path.read_text() for path in written}


def test_templates_spell_no_context_or_variable_by_hand() -> None:
    names = [c.value for c in Context] + [v.value for v in Var]
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    for template in TEMPLATES.glob("*.j2"):
        for line in _code(template.read_text()):
            assert not pattern.search(line), f"{template.name}: {line!r}"


def test_every_context_is_defined_and_every_variable_is_in_the_contract(tmp_path: Path) -> None:
    files = _rendered(tmp_path)
    dialplan = _code(files["extensions.conf"])
    sections = {line[1:-1] for line in dialplan if line.startswith("[")}
    assert {c.value for c in Context} <= sections
    used = {name for line in dialplan for name in re.findall(r"ACD_[A-Z_]+", line)}
    assert used <= {v.value for v in Var}
    called = {name for line in dialplan for name in re.findall(r"ACD_AGI}/([a-z-]+)", line)}
    assert called == {s.value for s in Script}
    assert f"context = {Context.FROM_TRUNK}" in files["pjsip.conf"]
    assert f"context = {Context.FROM_AGENTS}" in files["pjsip.conf"]


def test_names_read_as_plain_strings() -> None:
    """AMI fields and channel variables are written with these: they must be the bare
    names, whatever way Python turns them into text."""
    assert f"{Context.HOLD}" == str(Context.HOLD) == "acd-hold"
    assert f"{Var.CALL_ID}" == "ACD_CALL_ID"
    assert Var.CALL_ID.ref == "${ACD_CALL_ID}"
    fields: dict[str, str] = {Var.QUEUE: "sales"}
    assert fields["ACD_QUEUE"] == "sales"


def test_the_servers_ami_user_is_sent_every_event_the_server_reads(tmp_path: Path) -> None:
    read = Translator(Legs(), set()).events | CallLog.EVENTS | {"OriginateResponse"}
    assert read <= set(SERVER_EVENTS), read - set(SERVER_EVENTS)
    server_user = _rendered(tmp_path)["manager.conf"].split("\n[")[2]  # after [general]
    filters = re.findall(r"^eventfilter\(name\((\w+)\)\) =$", server_user, re.MULTILINE)
    assert filters == list(SERVER_EVENTS)
    assert OBSERVER_USER not in server_user  # the observer is the sandbox's only
