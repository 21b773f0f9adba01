"""The server's configuration: one frozen, validated object built at start-up.

The operator edits ``config/acd.yaml``; :func:`load_settings` turns it into
:class:`Settings` or raises :class:`ConfigError` naming file, line and key.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acd.core import yamlfile as y
from acd.core.engine.config import AcdConfig
from acd.core.settings.acd_model import AGENT_KEYS, declared_names, parse_acd, parse_tenants
from acd.core.settings.callbacks_model import CallbackSettings, parse_callbacks
from acd.core.settings.fallback_model import FallbackPlan, Known, parse_fallback
from acd.core.settings.ivr_model import IvrSettings, parse_ivr
from acd.core.settings.journal_model import JournalSettings, parse_journal
from acd.core.settings.numbers_model import QueueEntry, parse_numbers
from acd.core.settings.voicemail_model import Mailbox, parse_voicemail
from acd.core.yamlfile import ConfigError, Node

_AGENT_ID = re.compile(r"^[0-9]{2,8}$")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int


@dataclass(frozen=True)
class SipSettings:
    bind: str
    port: int
    rtp_start: int
    rtp_end: int
    # Networks the agents' phones call from, besides this machine (loopback): with the
    # trunks' addresses, the only ones whose SIP requests Asterisk reads (an ACL).
    allow: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trunk:
    """A SIP trunk. Calls in are recognised by source address (``match``); calls out
    (overflow to another centre, external numbers, callbacks) go to ``host``:``port``."""

    name: str
    match: tuple[str, ...]
    host: str = ""  # "" = this trunk only calls in
    port: int = 5060
    # The carrier's limits for every campaign's calls together (0: none of its own; each
    # campaign still has its own max_lines and calls_per_s).
    max_lines: int = 0
    calls_per_s: float = 0.0


@dataclass(frozen=True)
class AgentAccount:
    """An agent's SIP softphone account on Asterisk (user name = agent id)."""

    id: str
    name: str


@dataclass(frozen=True)
class Settings:
    ami: Endpoint
    ami_username: str
    agi: Endpoint
    # Who may connect to the FastAGI server: Asterisk's addresses (loopback and the AMI
    # host by default); a FastAGI request acts on the channel it names.
    agi_allow: tuple[str, ...]
    api: Endpoint  # the server's own HTTP API (status, agent control), loopback by default
    sip: SipSettings
    trunks: tuple[Trunk, ...]
    agents: tuple[AgentAccount, ...]
    default_language: str
    source: str
    acd: AcdConfig = field(default_factory=AcdConfig)  # queues, pause reasons, agents' skills
    numbers: Mapping[str, QueueEntry] = field(default_factory=dict)  # dialled number -> queue
    journal: JournalSettings = field(default_factory=JournalSettings)
    callbacks: CallbackSettings = field(default_factory=CallbackSettings)
    voicemail: tuple[Mailbox, ...] = ()
    fallback: FallbackPlan = field(default_factory=FallbackPlan)  # when the server cannot
    ivr: IvrSettings = field(default_factory=IvrSettings)
    # The file system Asterisk sees (sounds, spool): "/" for an Asterisk on this machine,
    # the chroot's folder for the sandbox (config/acd.yaml).
    asterisk_files: Path = Path("/")
    # The AMI secret and the agents' SIP passwords, generated once (mode 0600).
    secrets_file: Path = Path("var/secrets.json")
    # The API's users and their password hashes (`acd user`; mode 0600).
    users_file: Path = Path("var/users.json")
    # Written by the server at each start (mode 0600): the token the CLI on this machine
    # uses; whoever can read it is an administrator of the API.
    api_token_file: Path = Path("var/api-token")
    # The names the API is reached by beyond this machine (Host and Origin checks).
    api_hosts: tuple[str, ...] = ()
    tenants: tuple[str, ...] = ()  # client companies (docs/api.md)

    def outbound_trunk(self) -> str:
        """The trunk external numbers are dialled through: the first with a host."""
        return next((t.name for t in self.trunks if t.host), "")


def load_settings(path: Path) -> Settings:
    return _settings(y.load(path))


def parse_settings(text: str, file: str = "<text>") -> Settings:
    return _settings(y.parse(text, file))


def _settings(root: Node) -> Settings:
    optional = {
        "trunks",
        "language",
        "api",
        "queues",
        "pause_reasons",
        "numbers",
        "journal",
        "callbacks",
        "calendars",
        "voicemail",
        "ivr",
        "fallback",
        "tenants",
    }
    top = y.mapping(root, {"asterisk", "agents"}, optional)
    ast = y.mapping(top["asterisk"], {"ami", "agi", "sip"}, {"files", "secrets"})
    agi = y.mapping(ast["agi"], set(), {"host", "port", "allow"})
    ami = y.mapping(ast["ami"], {"username"}, {"host", "port"})
    trunks = y.listed(top["trunks"], _trunk) if "trunks" in top else ()
    agents = y.listed(top["agents"], _agent)
    y.unique([t.name for t in trunks], top.get("trunks", root))
    y.unique([a.id for a in agents], top["agents"])
    language = y.text(top["language"]) if "language" in top else "en"
    if language not in LANGUAGES:
        raise top["language"].error(f"unknown language {language!r} (known: en, fr)")
    acd = parse_acd(top)
    numbers = parse_numbers(top["numbers"], acd) if "numbers" in top else {}
    voicemail = parse_voicemail(top["voicemail"]) if "voicemail" in top else ()
    known = Known(
        acd, frozenset(m.id for m in voicemail), frozenset(t.name for t in trunks if t.host)
    )
    return Settings(
        ami=_endpoint(ami, 5038),
        ami_username=_name(ami["username"]),
        agi=_endpoint(agi, 4573),
        agi_allow=_agi_allow(agi, _endpoint(ami, 5038).host),
        api=_api(top["api"]) if "api" in top else Endpoint("127.0.0.1", 8089),
        sip=_sip(ast["sip"]),
        trunks=trunks,
        agents=agents,
        default_language=language,
        source=root.file,
        acd=acd,
        numbers=numbers,
        journal=parse_journal(top["journal"]) if "journal" in top else JournalSettings(),
        callbacks=_callbacks(top, trunks, Path(root.file).parent),
        voicemail=voicemail,
        fallback=parse_fallback(top.get("fallback"), known, numbers),
        ivr=parse_ivr(top["ivr"]) if "ivr" in top else IvrSettings(),
        asterisk_files=Path(y.text(ast["files"])) if "files" in ast else Path("/"),
        secrets_file=Path(y.text(ast["secrets"])) if "secrets" in ast else Path("var/secrets.json"),
        **(_api_files(top["api"]) if "api" in top else {}),
        tenants=parse_tenants(top["tenants"]) if "tenants" in top else (),
    )


def _callbacks(top: dict[str, Node], trunks: tuple[Trunk, ...], base: Path) -> CallbackSettings:
    if "callbacks" not in top:
        return CallbackSettings()
    names = frozenset(t.name for t in trunks)
    return parse_callbacks(top["callbacks"], names, declared_names(top, "calendars"), base)


def _endpoint(fields: dict[str, Node], default_port: int) -> Endpoint:
    host = _loopback_or_ip(fields["host"]) if "host" in fields else "127.0.0.1"
    port = y.integer(fields["port"], 1, 65535) if "port" in fields else default_port
    return Endpoint(host, port)


def _agi_allow(fields: dict[str, Node], ami_host: str) -> tuple[str, ...]:
    if "allow" in fields:
        return y.listed(fields["allow"], _network)
    return ("127.0.0.0/8", "::1/128", str(ipaddress.ip_network(ami_host)))


_API_KEYS = {"host", "port", "users", "token", "hosts"}


def _api(node: Node) -> Endpoint:
    """Beyond this machine, the API answers only to the names in ``hosts`` (a page from
    elsewhere cannot use a browser here against it, nor a DNS name pointed at it)."""
    fields = y.mapping(node, set(), _API_KEYS)
    api = _endpoint(fields, 8089)
    if not ipaddress.ip_address(api.host).is_loopback and "hosts" not in fields:
        raise fields["host"].error(
            f"the HTTP API listens on {api.host}: list the names browsers reach it by in "
            "'hosts' (e.g. hosts: [acd.example.com]); put HTTPS in front of it "
            "(docs/api.md)"
        )
    return api


def _api_files(node: Node) -> dict[str, Any]:
    fields = y.mapping(node, set(), _API_KEYS)
    found: dict[str, Any] = {}
    if "users" in fields:
        found["users_file"] = Path(y.text(fields["users"]))
    if "token" in fields:
        found["api_token_file"] = Path(y.text(fields["token"]))
    if "hosts" in fields:
        found["api_hosts"] = y.listed(fields["hosts"], y.text)
    return found


def _sip(node: Node) -> SipSettings:
    fields = y.mapping(node, set(), {"bind", "port", "rtp_ports", "allow"})
    bind = _loopback_or_ip(fields["bind"]) if "bind" in fields else "127.0.0.1"
    port = y.integer(fields["port"], 1, 65535) if "port" in fields else 5060
    start, end = 10000, 20000
    if "rtp_ports" in fields:
        bounds = y.listed(fields["rtp_ports"], lambda n: y.integer(n, 1024, 65535))
        if len(bounds) != 2 or bounds[0] >= bounds[1]:
            raise fields["rtp_ports"].error("expected [first, last] with first < last")
        start, end = bounds
    allow = y.listed(fields["allow"], _network) if "allow" in fields else ()
    if not ipaddress.ip_address(bind).is_loopback and not allow:
        raise (fields.get("allow") or fields["bind"]).error(
            f"SIP listens on {bind}: say where the agents' phones are with sip.allow "
            "(e.g. [192.168.1.0/24]); requests from elsewhere than the trunks and those "
            "networks are refused (docs/security.md)"
        )
    return SipSettings(bind, port, start, end, allow)


def _trunk(node: Node) -> Trunk:
    fields = y.mapping(node, {"name"}, {"match", "host", "port", "max_lines", "calls_per_s"})
    host = _loopback_or_ip(fields["host"]) if "host" in fields else ""
    port = y.integer(fields["port"], 1, 65535) if "port" in fields else 5060
    if "port" in fields and not host:
        raise fields["port"].error("a port goes with a host: where calls out are sent")
    match = y.listed(fields["match"], _network) if "match" in fields else ()
    if host and f"{host}/32" not in match:
        match = (*match, f"{host}/32")  # the far end's own calls and replies are the trunk's
    if not match:
        raise node.error("a trunk needs 'match' (addresses it calls from) or 'host'")
    lines = y.integer(fields["max_lines"], 1, 10_000) if "max_lines" in fields else 0
    rate = (
        y.number(fields["calls_per_s"], 0.1, 1000.0, "calls/s") if "calls_per_s" in fields else 0.0
    )
    return Trunk(_name(fields["name"]), match, host, port, lines, rate)


def _agent(node: Node) -> AgentAccount:
    fields = y.mapping(node, {"id", "name"}, AGENT_KEYS)
    agent_id = y.text(fields["id"])
    if not _AGENT_ID.match(agent_id):
        raise fields["id"].error(f"{agent_id!r} is not an agent id (2 to 8 digits)")
    return AgentAccount(agent_id, _display_name(fields["name"]))


def _display_name(node: Node) -> str:
    """A person's name as phones and reports show it: any letters, but no line break or
    control character, and none of ``[ ] ; =`` (it is written into Asterisk's files,
    where those would start a section, a comment or a setting)."""
    value = y.text(node)
    if not value.strip() or len(value) > 60:
        raise node.error(f"{value[:70]!r}: a name of 1 to 60 characters")
    if any(c in "[];=\\" or not c.isprintable() for c in value):
        raise node.error(
            f"{value[:70]!r}: a name cannot hold a line break, a control character "
            "or any of [ ] ; = \\"
        )
    return value


def _name(node: Node) -> str:
    value = y.text(node)
    if not _NAME.match(value):
        raise node.error(f"{value!r}: use lower-case letters, digits, '-' or '_'")
    return value


def _network(node: Node) -> str:
    value = y.text(node)
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        raise node.error(f"{value!r} is not an address or network ({exc})") from exc


def _loopback_or_ip(node: Node) -> str:
    value = y.text(node)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise node.error(f"{value!r} is not an IP address") from exc


__all__ = [
    "AgentAccount",
    "ConfigError",
    "Endpoint",
    "Settings",
    "SipSettings",
    "Trunk",
    "load_settings",
]
