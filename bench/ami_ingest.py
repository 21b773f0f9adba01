"""AMI ingest benchmark: events per second parsed and dispatched, ours vs panoramisk 1.4.

    .venv/bin/python bench/ami_ingest.py [--events 200000] [--runs 5] [--read-field KEY]
                                         [--profile]
    .venv/bin/python bench/ami_ingest.py --quick   # 5,000 events, 2 runs: checks that the
                                                   # script works; its figures mean nothing

A loopback peer in its own process (so that its work does not share our CPU) accepts a
plain login and then writes a pre-built stream of realistic AMI events as fast as the
socket takes them. Each client logs in against that same peer, subscribes one callback
that counts events, and is timed from connect to the last event. Same bytes, same count,
same work on both sides: every event is parsed into key/values and handed to a
subscriber. Runs are interleaved (ours, panoramisk, ours, ...) and the median is kept.

Prints human-readable lines, then a last line of JSON:
{"events_per_s": ..., "panoramisk_events_per_s": ..., "ratio": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing
import pstats
import random
import socket
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from _quick import parse_args

from acd.asterisk.ami import AmiClient, Event

USERNAME, SECRET = "bench", "bench"
QUICK = {"events": 5_000, "runs": 2}
SNAPSHOT_KEYS = (
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
)

# -- the event stream ------------------------------------------------------------------


class Calls:
    """Channel snapshots for a pool of calls, shaped like Asterisk 22's."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n = 0

    def snapshot(self, prefix: str = "") -> list[tuple[str, str]]:
        self.n += 1
        rng, n = self.rng, self.n
        uid = f"1795470{n % 1000:03d}.{n}"
        names = ["Zoë Martin", "Jean Dupont", "Alice Smith", "日本 太郎", "<unknown>"]
        values = [
            f"PJSIP/{'carrier' if n % 3 else 1000 + n % 50}-{n:08x}",
            str(rng.choice([0, 4, 5, 6])),
            rng.choice(["Down", "Ring", "Ringing", "Up"]),
            f"06{rng.randrange(10**8):08d}",
            rng.choice(names),
            "<unknown>",
            "<unknown>",
            rng.choice(["en", "fr"]),
            "",
            rng.choice(["from-trunk", "acd-hold", "agents", "ivr-main"]),
            rng.choice(["s", "100", "1001", "h"]),
            str(rng.randrange(1, 12)),
            uid,
            uid,
        ]
        return [(prefix + k, v) for k, v in zip(SNAPSHOT_KEYS, values, strict=True)]


def _bridge(rng: random.Random) -> list[tuple[str, str]]:
    return [
        ("BridgeUniqueid", f"{rng.getrandbits(64):016x}-{rng.getrandbits(32):08x}"),
        ("BridgeType", "basic"),
        ("BridgeTechnology", "simple_bridge"),
        ("BridgeCreator", "<unknown>"),
        ("BridgeName", "<unknown>"),
        ("BridgeNumChannels", str(rng.choice([1, 2]))),
        ("BridgeVideoSourceMode", "none"),
    ]


def _rtcp(rng: random.Random) -> list[tuple[str, str]]:
    fields = [
        ("SSRC", f"0x{rng.getrandbits(32):08x}"),
        ("PT", "200(SR)"),
        ("To", f"127.0.0.{rng.randrange(2, 9)}:{rng.randrange(10000, 20000)}"),
        ("ReportCount", "1"),
        ("SentNTP", f"{time.time():.6f}"),
        ("SentRTP", str(rng.getrandbits(31))),
        ("SentPackets", str(rng.randrange(100, 9000))),
        ("SentOctets", str(rng.randrange(10**4, 10**6))),
    ]
    fields += [
        ("Report0SourceSSRC", f"0x{rng.getrandbits(32):08x}"),
        ("Report0FractionLost", "0"),
        ("Report0CumulativeLost", str(rng.randrange(5))),
        ("Report0HighestSequence", str(rng.randrange(65536))),
        ("Report0SequenceNumberCycles", "0"),
        ("Report0IAJitter", str(rng.randrange(40))),
        ("Report0LSR", str(rng.getrandbits(32))),
        ("Report0DLSR", f"{rng.random() * 5:.4f}"),
    ]
    return fields


def build_event(calls: Calls, kind: str) -> list[tuple[str, str]]:
    rng = calls.rng
    head = [("Event", kind), ("Privilege", "call,all"), ("Timestamp", f"{time.time():.6f}")]
    snap = calls.snapshot()
    body: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "Newchannel": lambda: snap,
        "Newstate": lambda: snap,
        "Newexten": lambda: [
            *snap,
            ("Extension", "s"),
            ("Application", rng.choice(["AGI", "Set", "MusicOnHold", "Wait"])),
            ("AppData", "agi://127.0.0.1:4573/ivr,main"),
        ],
        "VarSet": lambda: [
            *snap,
            ("Variable", rng.choice(["ACD_QUEUE", "ACD_CALL", "RTPAUDIOQOS", "BRIDGEPEER"])),
            ("Value", f"v-{rng.getrandbits(40):x}"),
        ],
        "Hangup": lambda: [*snap, ("Cause", "16"), ("Cause-txt", "Normal Clearing")],
        "DialBegin": lambda: [*snap, *calls.snapshot("Dest"), ("DialString", "1001")],
        "DialEnd": lambda: [*snap, *calls.snapshot("Dest"), ("DialStatus", "ANSWER")],
        "BridgeEnter": lambda: [*_bridge(rng), *snap, ("SwapUniqueid", "")],
        "BridgeLeave": lambda: [*_bridge(rng), *snap],
        "RTCPSent": lambda: [*snap, *_rtcp(rng)],
        "QueueMemberStatus": lambda: [
            ("Queue", "sales"),
            ("MemberName", f"Agent {1000 + rng.randrange(50)}"),
            ("Interface", f"PJSIP/{1000 + rng.randrange(50)}"),
            ("StateInterface", f"PJSIP/{1000 + rng.randrange(50)}"),
            ("Membership", "dynamic"),
            ("Penalty", "0"),
            ("CallsTaken", str(rng.randrange(40))),
            ("LastCall", "1795470000"),
            ("LastPause", "0"),
            ("LoginTime", "1795460000"),
            ("InCall", str(rng.randrange(2))),
            ("Status", str(rng.randrange(1, 9))),
            ("Paused", "0"),
            ("PausedReason", ""),
            ("Ringinuse", "0"),
            ("Wrapuptime", "0"),
        ],
        "DeviceStateChange": lambda: [
            ("Device", f"PJSIP/{1000 + rng.randrange(50)}"),
            ("State", rng.choice(["NOT_INUSE", "INUSE", "RINGING"])),
        ],
    }
    return head + body[kind]()


MIX = {  # roughly what a busy contact centre's AMI firehose looks like
    "VarSet": 30,
    "Newexten": 18,
    "RTCPSent": 10,
    "Newstate": 8,
    "Newchannel": 6,
    "Hangup": 6,
    "DialBegin": 3,
    "DialEnd": 3,
    "BridgeEnter": 3,
    "BridgeLeave": 3,
    "QueueMemberStatus": 5,
    "DeviceStateChange": 5,
}


def build_stream(count: int, seed: int = 22) -> bytes:
    rng = random.Random(seed)
    calls = Calls(rng)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    out = []
    for kind in kinds:
        fields = build_event(calls, kind)
        out.append("".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n")
    return "".join(out).encode()


# -- the peer (its own process) ----------------------------------------------------------


def serve(listener: socket.socket, stream: bytes) -> None:
    """Accept clients one at a time: banner, answer the Login, then the whole stream."""
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"Asterisk Call Manager/11.0.0\r\n")
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            action_id = ""
            for line in request.decode().split("\r\n"):
                if line.lower().startswith("actionid: "):
                    action_id = line.split(": ", 1)[1]
            conn.sendall(
                f"Response: Success\r\nActionID: {action_id}\r\n"
                "Message: Authentication accepted\r\n\r\n".encode()
            )
            conn.sendall(stream)
            while conn.recv(65536):  # until the client hangs up
                pass


# -- the two clients -----------------------------------------------------------------------


class Rate(NamedTuple):
    wall: float  # events per second of elapsed time: the figure asked for
    cpu: float  # events per CPU second of this process: steadier on a noisy machine


def now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def rate(count: int, started: tuple[float, float], finished: tuple[float, float]) -> Rate:
    return Rate(count / (finished[0] - started[0]), count / (finished[1] - started[1]))


async def run_ours(port: int, count: int, read_field: str | None) -> Rate:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[float, float]] = loop.create_future()
    seen = 0

    def count_event(event: Event) -> None:
        nonlocal seen
        if read_field is not None:
            event.get(read_field)
        seen += 1
        if seen == count:
            done.set_result(now())

    client = AmiClient(
        "127.0.0.1", port, USERNAME, SECRET, auth="plain", ping_interval=3600, action_timeout=60
    )
    client.subscribe(count_event)
    started = now()
    await client.start()
    finished = await done
    await client.close()
    return rate(count, started, finished)


async def run_panoramisk(port: int, count: int, read_field: str | None) -> Rate:
    from panoramisk import Manager  # imported lazily: a benchmark-only dependency

    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[float, float]] = loop.create_future()
    seen = 0

    def count_event(manager: Any, event: Any) -> None:
        nonlocal seen
        if read_field is not None:
            event.get(read_field)
        seen += 1
        if seen == count:
            done.set_result(now())

    manager = Manager(
        host="127.0.0.1",
        port=port,
        username=USERNAME,
        secret=SECRET,
        ping_delay=3600,
        ping_interval=3600,
        loop=loop,
    )
    manager.register_event("*", count_event)
    started = now()
    manager.connect()
    finished = await done
    manager.close()
    return rate(count, started, finished)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--read-field",
        metavar="KEY",
        help="the subscriber also looks up this field in each event (both clients)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one run of ours")
    args = parse_args(parser, QUICK)

    stream = build_stream(args.events)
    print(f"stream: {args.events} events, {len(stream) / 1e6:.1f} MB, mix {MIX}")
    if args.read_field:
        print(f"each subscriber also reads the {args.read_field!r} field of every event")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    peer = multiprocessing.get_context("fork").Process(
        target=serve, args=(listener, stream), daemon=True
    )
    peer.start()
    try:
        if args.profile:
            profile(port, args.events, args.read_field)
            return
        ours: list[Rate] = []
        theirs: list[Rate] = []
        for run in range(1, args.runs + 1):
            ours.append(asyncio.run(run_ours(port, args.events, args.read_field)))
            theirs.append(asyncio.run(run_panoramisk(port, args.events, args.read_field)))
            print(
                f"run {run}: ours {ours[-1].wall:,.0f} ev/s, panoramisk {theirs[-1].wall:,.0f}"
                f" ev/s (per CPU second: {ours[-1].cpu:,.0f} vs {theirs[-1].cpu:,.0f})"
            )
    finally:
        peer.kill()
    report(ours, theirs)


def report(ours: list[Rate], theirs: list[Rate]) -> None:
    """Medians, per-run ratios (each pair ran back to back), then the JSON line."""
    ours_median = statistics.median(r.wall for r in ours)
    theirs_median = statistics.median(r.wall for r in theirs)
    ratio = ours_median / theirs_median
    pair_ratios = ", ".join(f"{a.wall / b.wall:.2f}" for a, b in zip(ours, theirs, strict=True))
    cpu_ratio = statistics.median(r.cpu for r in ours) / statistics.median(r.cpu for r in theirs)
    print(
        f"median: ours {ours_median:,.0f} ev/s, panoramisk {theirs_median:,.0f} ev/s,"
        f" ratio {ratio:.2f} (per run: {pair_ratios}; per CPU second: {cpu_ratio:.2f})"
    )
    print(f"python {sys.version.split()[0]}")
    result = {
        "events_per_s": round(ours_median),
        "panoramisk_events_per_s": round(theirs_median),
        "ratio": round(ratio, 2),
    }
    print(json.dumps(result))


def profile(port: int, count: int, read_field: str | None) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    measured = asyncio.run(run_ours(port, count, read_field))
    profiler.disable()
    print(f"ours under cProfile: {measured.wall:,.0f} ev/s")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
