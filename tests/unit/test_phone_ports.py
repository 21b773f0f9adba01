"""The test bed's phone ports: a SIPp phone binds a block of four above its -mp port, so
every block handed out must be wholly free and never handed out twice while in use."""

from __future__ import annotations

import socket
from pathlib import Path

from acd.core.settings import load_settings
from testbed.phones.ports import BLOCK, PHONE_PORTS, PortBand
from testbed.sandbox.sandbox import _channel_count
from tests.conftest import PROJECT


def test_blocks_come_in_turn_and_never_overlap() -> None:
    band = PortBand(range(30_000, 30_040))
    firsts = [band.block("127.0.0.5") for _ in range(5)]
    assert all(first % 2 == 0 for first in firsts)  # RTP's even port
    ports = [p for first in firsts for p in range(first, first + BLOCK)]
    assert len(set(ports)) == len(ports)


def test_a_block_with_any_port_taken_is_skipped() -> None:
    band = PortBand(range(30_100, 30_140))  # ten blocks
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.5", 30_122))  # the "video" port of the block at 30120
        handed = [band.block("127.0.0.5") for _ in range(9)]
    assert sorted(handed) == [p for p in range(30_100, 30_140, BLOCK) if p != 30_120]


def test_the_band_is_clear_of_asterisk_rtp_and_the_kernels_own_ports() -> None:
    rtp = load_settings(PROJECT / "config" / "acd.yaml").sip
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    assert PHONE_PORTS.start > rtp.rtp_end
    assert PHONE_PORTS.stop <= int(ephemeral[0])


def test_channel_count_reads_asterisk_cli() -> None:
    assert _channel_count("3 active channels\n1 active call\n7 calls processed\n") == 3
    assert _channel_count("1 active channel\n") == 1
    assert _channel_count("") == 0
