"""Free UDP ports for phones: each SIPp instance needs its own SIP and media ports.

Ports come from a band of their own (PHONE_PORTS): below the kernel's ephemeral range
(32768 and up), where any program's outgoing socket may land, and above Asterisk's RTP
range (10000-20000 in config/acd.yaml). Every port handed out is the first of a block of
four, all checked free, because SIPp binds audio on -mp and video on -mp + 2 and fails
the whole run (exit code 254) when any of them is taken: checking only the first port
once made a caller fail in CI when its video port was another phone's.
"""

from __future__ import annotations

import itertools
import os
import socket

PHONE_PORTS = range(20_100, 32_000)  # Asterisk may take 20000 itself
BLOCK = 4  # SIPp's media: audio RTP, RTCP, video RTP (-mp + 2), RTCP


class PortBand:
    """Hands out blocks of BLOCK ports in turn, each checked free when handed out.

    A phone binds its ports a little after it is given them; handing out blocks in turn
    (rather than asking the kernel, or picking at random) means two phones started one
    after another never get the same port in that gap. The cursor starts at a place
    drawn from the process id, so two test processes rarely walk the same blocks.
    """

    def __init__(self, band: range = PHONE_PORTS) -> None:
        self._band = band
        blocks = len(band) // BLOCK
        self._cursor = itertools.count(os.getpid() % blocks)
        self._blocks = blocks

    def block(self, ip: str) -> int:
        """The first port of a block free on ``ip`` right now (even: RTP's convention)."""
        for _ in range(self._blocks):
            first = self._band.start + (next(self._cursor) % self._blocks) * BLOCK
            if all(_udp_free(ip, port) for port in range(first, first + BLOCK)):
                return first
        raise OSError(f"no {BLOCK} free consecutive UDP ports on {ip} in {self._band}")


# The test bed's one port cursor, shared by every phone of this process (as the kernel's
# own port cursor is shared by every socket); the product has no such state.
_BAND = PortBand()


def free_udp_port(ip: str) -> int:
    """A free UDP port (a phone's SIP port): the first of a block nobody else is given."""
    return _BAND.block(ip)


def free_media_port(ip: str) -> int:
    """The -mp port of a SIPp phone: the whole block SIPp binds above it is free too."""
    return _BAND.block(ip)


def free_tcp_port(ip: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now (a test's web server, or a dead one's address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((ip, 0))
        port: int = probe.getsockname()[1]
        return port


def _udp_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True
