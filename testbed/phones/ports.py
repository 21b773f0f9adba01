"""Free UDP ports for phones: each SIPp instance needs its own SIP and media ports."""

from __future__ import annotations

import socket


def free_udp_port(ip: str) -> int:
    """A UDP port free on ``ip`` right now (the OS picks it; the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((ip, 0))
        port: int = sock.getsockname()[1]
        return port


def free_even_udp_port(ip: str) -> int:
    """RTP ports are even by convention (RTCP takes the odd one above)."""
    for _ in range(50):
        port = free_udp_port(ip)
        if port % 2 == 0 and port < 65534:
            return port
    raise OSError(f"no free even UDP port found on {ip}")


def free_tcp_port(ip: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now (a test's web server, or a dead one's address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((ip, 0))
        port: int = probe.getsockname()[1]
        return port
