"""The SIP ACL and the sandbox-only app_queue comparison, as rendered: Asterisk reads SIP
requests from this machine, the trunks and the agents' networks only; extensions 198
and 199 exist in the sandbox only."""

from __future__ import annotations

from pathlib import Path

import pytest

from acd.asterisk.render import render_all
from acd.asterisk.secrets import AsteriskSecrets
from acd.core.settings import ConfigError, Settings, parse_settings
from tests.conftest import PROJECT

BASE = """\
asterisk:
  ami: {{username: acd}}
  agi: {{}}
  sip: {sip}
trunks:
  - {{name: carrier, match: [203.0.113.0/28]}}
  - {{name: partner, host: 198.51.100.7}}
agents:
  - {{id: "1001", name: Alice}}
"""


def _render(settings: Settings, tmp_path: Path, bench: bool = False) -> dict[str, str]:
    secrets = AsteriskSecrets("secret", {agent.id: "pw" for agent in settings.agents})
    templates = PROJECT / "config" / "asterisk"
    written = render_all(templates, tmp_path, settings, secrets, "/etc", bench=bench)
    return {path.name: path.read_text() for path in written}


def _acl(pjsip: str) -> list[str]:
    section = pjsip.split("\n[acl]\n", 1)[1].split("\n[", 1)[0]
    return [line for line in section.splitlines() if line.startswith(("deny", "permit"))]


def test_only_this_machine_the_trunks_and_the_agents_networks_are_heard(tmp_path: Path) -> None:
    settings = parse_settings(BASE.format(sip="{bind: 192.0.2.10, allow: [192.168.1.0/24]}"))
    rules = _acl(_render(settings, tmp_path)["pjsip.conf"])
    assert rules[:2] == ["deny = 0.0.0.0/0.0.0.0", "deny = ::/0"]
    permitted = {rule.split(" = ")[1] for rule in rules[2:]}
    assert permitted == {
        "127.0.0.0/8",
        "::1/128",
        "203.0.113.0/28",
        "198.51.100.7/32",
        "198.51.100.7",
        "192.168.1.0/24",
    }


def test_sip_beyond_loopback_needs_the_agents_networks() -> None:
    with pytest.raises(ConfigError, match=r"say where the agents' phones are with sip\.allow"):
        parse_settings(BASE.format(sip="{bind: 192.0.2.10}"), "acd.yaml")
    with pytest.raises(ConfigError, match="is not an address or network"):
        parse_settings(BASE.format(sip="{allow: [lan]}"), "acd.yaml")


def test_the_app_queue_comparison_is_rendered_for_the_sandbox_only(tmp_path: Path) -> None:
    settings = parse_settings(BASE.format(sip="{}"))
    production = _render(settings, tmp_path / "prod")
    assert "Queue(bench" not in production["extensions.conf"]
    assert "[bench]" not in production["queues.conf"]
    sandbox = _render(settings, tmp_path / "sandbox", bench=True)
    assert "exten => 199,1,Answer()" in sandbox["extensions.conf"]
    assert "[bench]" in sandbox["queues.conf"]
