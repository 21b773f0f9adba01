"""The sandbox's pure parts: mirror discovery and Asterisk config rendering."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest

from acd.asterisk.render import render_all
from acd.asterisk.secrets import load_or_create
from acd.core.settings import load_settings
from testbed.phones import sipp
from testbed.phones.caller import CallerScript
from testbed.phones.pcap import RtpStream
from testbed.sandbox.errors import ProvisionError
from testbed.sandbox.mirror import find_debian_mirror
from tests.conftest import PROJECT


def _apt(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_mirror_from_deb822_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACD_DEBIAN_MIRROR", raising=False)
    apt = _apt(
        tmp_path,
        {
            "sources.list.d/node.sources": "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\n",
            "sources.list.d/debian.sources": "Types: deb\nURIs: http://mirror.example/debian\n"
            "Suites: bookworm\n",
        },
    )
    assert find_debian_mirror(apt) == "http://mirror.example/debian"


def test_mirror_from_one_line_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACD_DEBIAN_MIRROR", raising=False)
    apt = _apt(
        tmp_path,
        {
            "sources.list": "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian/ "
            "bookworm main\n",
        },
    )
    assert find_debian_mirror(apt) == "http://m.example/debian/"


def test_no_mirror_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACD_DEBIAN_MIRROR", raising=False)
    apt = _apt(tmp_path, {"sources.list": "deb http://archive.ubuntu.com/ubuntu noble main\n"})
    with pytest.raises(ProvisionError, match="ACD_DEBIAN_MIRROR"):
        find_debian_mirror(apt)


def test_rendered_asterisk_config(tmp_path: Path) -> None:
    settings = load_settings(PROJECT / "config" / "acd.yaml")
    settings = replace(settings, secrets_file=tmp_path / "secrets.json")
    secrets = load_or_create(settings)
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0  # private to root
    templates = PROJECT / "config" / "asterisk"
    written = render_all(templates, tmp_path / "etc", settings, secrets, "/etc/asterisk-acd")
    files = {path.name: path.read_text() for path in written}
    manager = files["manager.conf"]
    assert "bindaddr = 127.0.0.1" in manager
    assert f"secret = {secrets.ami_secret}" in manager
    pjsip = files["pjsip.conf"]
    for agent in settings.agents:
        assert f"password = {secrets.agent_passwords[agent.id]}" in pjsip
    assert "match = 127.0.0.4/30" in pjsip
    assert "AGI(${ACD_AGI}/inbound" in files["extensions.conf"]
    assert "ACD_AGI = agi://127.0.0.1:4573" in files["extensions.conf"]
    # Secrets are kept across renders, so phones registered by hand keep working.
    assert load_or_create(settings) == secrets
    # Nobody else reads what holds a secret; nothing is world-readable.
    modes = {path.name: path.stat().st_mode & 0o777 for path in written}
    assert {modes[n] for n in ("manager.conf", "pjsip.conf", "voicemail.conf")} == {0o600}
    assert all(mode & 0o007 == 0 for mode in modes.values()), modes
    # The AMI user cannot run a shell command through Originate (no "system" to write).
    assert "write = call,originate,reporting" in manager
    assert "= all" not in manager


def test_phone_scenarios_are_well_formed_xml(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    paths = [
        sipp.render(
            "caller.xml.j2",
            tmp_path,
            "c",
            number="100",
            caller_id="0600",
            caller_name="C",
            media=tmp_path / "m.pcap",
            media_ms=500,
            hold_ms=100,
            payload_type=0,
            codec="PCMU/8000",
        ),
        sipp.render(
            "agent.xml.j2",
            tmp_path,
            "a",
            user="1001",
            ring_ms=None,
            talk_ms=10,
            rtp_ip="127.0.0.1",
            rtp_port=4000,
        ),
        sipp.render(
            "register.xml.j2",
            tmp_path,
            "r",
            user="1001",
            password="p",
            contact_ip="127.0.0.1",
            contact_port=5099,
            expires=60,
        ),
    ]
    for path in paths:
        ET.parse(path)  # SIPp refuses a scenario that is not well-formed XML
    assert f'play_pcap_audio="{tmp_path / "m.pcap"}"' in paths[0].read_text()


def test_caller_refuses_a_key_a_phone_does_not_have() -> None:
    with pytest.raises(ValueError, match="not a phone key"):
        CallerScript().press("A")


def _read_pcap(path: Path) -> list[tuple[float, bytes]]:
    data = path.read_bytes()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data)
    assert (magic, linktype) == (0xA1B2C3D4, 1)
    packets, offset = [], 24
    while offset < len(data):
        secs, usecs, length, _ = struct.unpack_from("<IIII", data, offset)
        frame = data[offset + 16 : offset + 16 + length]
        packets.append((secs + usecs / 1e6, frame[14 + 20 + 8 :]))  # Ethernet, IPv4, UDP
        offset += 16 + length
    return packets


def test_caller_rtp_stream_only_goes_forward(tmp_path: Path) -> None:
    stream = CallerScript().pause(200).press("31").say(0, [b"\x10" * 160] * 3).stream
    packets = _read_pcap(stream.write_pcap(tmp_path / "m.pcap"))
    seqs = [struct.unpack_from("!H", rtp, 2)[0] for _, rtp in packets]
    stamps = [struct.unpack_from("!I", rtp, 4)[0] for _, rtp in packets]
    times = [at for at, _ in packets]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert stamps == sorted(stamps)
    assert times == sorted(times)
    events = [(rtp[12], rtp[13] >> 7) for _, rtp in packets if rtp[1] & 0x7F == 101]
    ends = [event for event, end in events if end]
    assert ends == [3, 3, 3, 1, 1, 1]  # each key ends with three end packets
    assert times[0] >= 0.2  # the leading pause is silence
    audio = [rtp for _, rtp in packets if rtp[1] & 0x7F == 0]
    assert len(audio) == 3
    assert all(len(rtp) == 12 + 160 for rtp in audio)
    assert stream.duration_ms >= 200 + 2 * 300 + 60


def test_empty_stream_writes_a_valid_pcap(tmp_path: Path) -> None:
    assert _read_pcap(RtpStream().write_pcap(tmp_path / "empty.pcap")) == []
