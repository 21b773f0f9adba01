"""A UDP socket that receives an agent phone's audio and tells what arrived.

SIPp answers the call, but the SDP it sends points here, so the test can check that
the agent really heard something: RTP packets of the agreed payload type, not silence.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import cast

# µ-law bytes around zero amplitude: a stream made only of these is silence.
_ULAW_SILENCE = frozenset({0xFF, 0x7F, 0xFE, 0x7E})
_RTP_HEADER = 12


@dataclass
class RtpStats:
    packets: int = 0
    payload_types: set[int] = field(default_factory=set)
    audible_bytes: int = 0
    payload_bytes: int = 0


class RtpSink(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.stats = RtpStats()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls, ip: str, port: int) -> RtpSink:
        loop = asyncio.get_running_loop()
        _, sink = await loop.create_datagram_endpoint(cls, local_addr=(ip, port))
        return sink

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if len(data) < _RTP_HEADER or data[0] >> 6 != 2:
            return  # not RTP version 2
        payload_type = data[1] & 0x7F
        self.stats.packets += 1
        self.stats.payload_types.add(payload_type)
        if payload_type == 0:
            payload = data[_RTP_HEADER:]
            self.stats.payload_bytes += len(payload)
            self.stats.audible_bytes += sum(1 for b in payload if b not in _ULAW_SILENCE)
        for count, waiter in self._waiters:
            if self.stats.packets >= count and not waiter.done():
                waiter.set_result(None)

    async def wait_for_packets(self, count: int, timeout_s: float) -> RtpStats:
        if self.stats.packets < count:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append((count, waiter))
            try:
                await asyncio.wait_for(waiter, timeout_s)
            finally:
                self._waiters.remove((count, waiter))
        return self.stats

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
