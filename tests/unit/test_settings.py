"""The configuration is refused with file, line and key when it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from acd.core.settings import ConfigError, load_settings, parse_settings
from tests.conftest import PROJECT

VALID = """\
asterisk:
  ami: {username: acd}
  agi: {}
  sip: {}
agents:
  - {id: "1001", name: Alice}
"""


def test_example_config_loads() -> None:
    settings = load_settings(PROJECT / "config" / "acd.yaml")
    assert [a.id for a in settings.agents] == ["1001", "1002", "1003", "1004", "1005"]
    assert settings.ami.port == 5038
    assert settings.agi.port == 4573
    assert settings.trunks[0].match[0] == "127.0.0.2/32"


def test_defaults() -> None:
    settings = parse_settings(VALID)
    assert settings.ami.host == "127.0.0.1"
    assert settings.sip.port == 5060
    assert settings.default_language == "en"
    assert settings.trunks == ()


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        (VALID.replace("sip: {}", "sip: {port: 99999}"), 4, "asterisk.sip.port", "out of range"),
        (VALID.replace("agi: {}", "agi: {hots: x}"), 3, "asterisk.agi.hots", "unknown key"),
        (VALID.replace('"1001"', '"1a"'), 6, "agents[0].id", "not an agent id"),
        (VALID + '  - {id: "1001", name: Bob}\n', 6, "agents", "defined twice"),
        (VALID.replace("ami: {username: acd}", "ami: {}"), 2, "asterisk.ami", "missing"),
        (VALID + "language: de\n", 7, "language", "unknown language"),
        (
            VALID + "trunks:\n  - {name: t, match: [300.1.1.1]}\n",
            8,
            "trunks[0].match[0]",
            "not an address",
        ),
        (VALID + "trunks:\n  - {name: t, match: []}\n", 8, "trunks[0]", "needs 'match'"),
        (
            VALID.replace("sip: {}", "sip: {rtp_ports: [20000, 10000]}"),
            4,
            "asterisk.sip.rtp_ports",
            "first < last",
        ),
        ("asterisk: [\n", 2, "", "not valid YAML"),
        ("- a\n", 1, "", "expected a mapping"),
        ("", 1, "", "missing required key"),
        ("# only a comment\n", 1, "", "missing required key"),
    ],
)
def test_errors_name_file_line_and_key(text: str, line: int, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, "acd.yaml")
    error = caught.value
    assert (error.file, error.line, error.key) == ("acd.yaml", line, key)
    assert words in error.message
    assert str(error).startswith(f"acd.yaml:{line}: ")


def test_unreadable_file_is_a_config_error(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(PROJECT / "config" / "does-not-exist.yaml")


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(yaml_values)
def test_any_yaml_document_is_accepted_or_refused_with_a_location(value: object) -> None:
    text = yaml.safe_dump(value)
    errors: list[ConfigError] = []
    try:
        parse_settings(text, "fuzz.yaml")
    except ConfigError as error:
        errors.append(error)
    for refusal in errors:
        assert refusal.file == "fuzz.yaml"
        assert refusal.line >= 1


def test_a_trunk_with_a_host_takes_calls_out_and_recognises_its_far_end() -> None:
    settings = parse_settings(
        VALID + "trunks:\n  - {name: partner, host: 127.0.0.9, port: 5070}\n"
        "  - {name: carrier, match: [127.0.0.2/32]}\n"
    )
    partner = settings.trunks[0]
    assert (partner.host, partner.port, partner.match) == ("127.0.0.9", 5070, ("127.0.0.9/32",))
    assert settings.outbound_trunk() == "partner"
    assert (partner.max_lines, partner.calls_per_s) == (0, 0.0)  # no limits of its own


def test_a_trunks_own_limits_for_every_campaign() -> None:
    trunk = "trunks:\n  - {name: carrier, host: 127.0.0.8, max_lines: 30, calls_per_s: 5}\n"
    (carrier,) = parse_settings(VALID + trunk).trunks
    assert (carrier.max_lines, carrier.calls_per_s) == (30, 5.0)
    with pytest.raises(ConfigError, match="calls/s"):
        parse_settings(VALID + trunk.replace("calls_per_s: 5", "calls_per_s: 0"))


def test_voicemail_boxes() -> None:
    settings = parse_settings(VALID + 'voicemail:\n  "500": {name: Sales}\n')
    assert [(b.id, b.name) for b in settings.voicemail] == [("500", "Sales")]
    with pytest.raises(ConfigError, match="a mailbox is a number"):
        parse_settings(VALID + "voicemail:\n  sales: {name: Sales}\n")


def test_the_api_listens_beyond_this_machine_only_for_the_names_given() -> None:
    assert parse_settings(VALID + "api: {host: '::1', port: 8090}\n").api.host == "::1"
    with pytest.raises(ConfigError, match="list the names browsers reach it by") as refused:
        parse_settings(VALID + "api: {host: 0.0.0.0}\n")
    assert refused.value.key == "api.host"
    wide = parse_settings(VALID + "api: {host: 0.0.0.0, hosts: [acd.example.com]}\n")
    assert (wide.api.host, wide.api_hosts) == ("0.0.0.0", ("acd.example.com",))
    assert wide.api_token_file == Path("var/api-token")


def test_a_queue_belongs_to_a_declared_tenant() -> None:
    tenants = "tenants: [acme, globex]\nqueues:\n  - name: sales\n    tenant: {}\n"
    settings = parse_settings(VALID + tenants.format("acme"))
    assert settings.tenants == ("acme", "globex")
    assert settings.acd.queues[0].tenant == "acme"
    with pytest.raises(ConfigError, match="no tenant named 'initech'") as refused:
        parse_settings(VALID + tenants.format("initech"))
    assert refused.value.key == "queues[0].tenant"
    with pytest.raises(ConfigError, match="'acme' is defined twice"):
        parse_settings(VALID + "tenants: [acme, acme]\n")


def test_fastagi_takes_connections_from_asterisk_only() -> None:
    settings = parse_settings(VALID)
    assert settings.agi_allow == ("127.0.0.0/8", "::1/128", f"{settings.ami.host}/32")
    given = parse_settings(VALID.replace("agi: {}", "agi: {allow: [10.1.2.3/32]}"))
    assert given.agi_allow == ("10.1.2.3/32",)


def test_callbacks_go_to_the_countries_named() -> None:
    trunk = "trunks: [{name: carrier, host: 127.0.0.8}]\n"
    text = VALID + trunk + "callbacks: {trunk: carrier, countries: [fr, be]}\n"
    assert parse_settings(text).callbacks.countries == frozenset({"FR", "BE"})
    with pytest.raises(ConfigError, match="not a country code"):
        parse_settings(VALID + trunk + "callbacks: {trunk: carrier, countries: [France]}\n")


@pytest.mark.parametrize(
    "name", ['"Alice\\n[evil]\\ntype = endpoint"', '"Bob; secret"', '"x=1"', '""']
)
def test_an_agent_name_cannot_write_into_asterisks_files(name: str) -> None:
    text = VALID.replace("name: Alice", f"name: {name}")
    with pytest.raises(ConfigError) as refused:
        parse_settings(text)
    assert refused.value.key == "agents[0].name"


def test_a_do_not_call_file_is_read_in_any_encoding(tmp_path: Path) -> None:
    (tmp_path / "dnc.txt").write_bytes(
        "\ufeff# liste d'opposition, réf. été\r\n06 12 34 56 78\r\n".encode("utf-8")
    )
    (tmp_path / "old.txt").write_bytes("# réf. été\n06 12 34 56 79\n".encode("latin-1"))
    text = (
        VALID
        + "trunks: [{name: carrier, host: 127.0.0.8}]\n"
        + "callbacks: {trunk: carrier, do_not_call: [dnc.txt, old.txt]}\n"
    )
    (tmp_path / "acd.yaml").write_text(text, encoding="utf-8")
    listed = load_settings(tmp_path / "acd.yaml").callbacks.do_not_call
    assert listed.forbids("+33612345678")
    assert listed.forbids("+33612345679")
