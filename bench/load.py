"""Load: how many inbound calls a second, and at once, the server and the sandbox Asterisk
carry on this machine before a call is lost; then a soak at 70 % of that rate (needs
root: it starts the sandbox).

Callers: one SIPp process a step (its own rate control: -r calls/s, -l concurrency
limit, -m calls), from the carrier trunk's address 127.0.0.2, dialling number 100
(queue "bench": longest idle, wrap-up 0, no announcements, no overflow). Asterisk
answers each call at once ([from-trunk]), the server queues it (FastAGI, music) and
bridges it to a free agent (AMI). The agents (--agents, logged in) each register their
own SIP account; their phones answer after --ring-ms and hang up after --talk-ms, and
the caller takes Asterisk's BYE. A caller who hears no BYE within 30 s hangs up and SIPp
counts the call as failed. One SIPp UAS answers for the 25 agents of an address (from
127.0.0.10 up), rather than one SIPp a phone: an idle SIPp polls all the time, and 300
of them would take most of a core from the Asterisk being measured. The agents' audio
goes to sockets nobody reads (the kernel drops it).

Talking calls (--talking): every caller sends audio for the whole call (SIPp's
rtp_stream, a second of noise looped) and every agent's phone sends back what it hears
(SIPp's -rtp_echo), so that Asterisk relays a conversation's audio both ways, 50 packets a
second each way and leg, as it does in production; with talk times of tens of seconds the
ramp is one of concurrent calls, where Asterisk's media work, not the call rate, sets the
limit. Without it, nobody sends audio and the short calls make the ramp one of call rate,
where the server's work per call counts most.

Ramp: steps of --steps calls/s, --step-s seconds each, then the step's calls drain and
every agent is ready again. A step is clean when no call is lost: every call SIPp placed
succeeded and the server's journal has it entered, answered by an agent (CallAnswered)
and completed (CallCompleted), and the server's log does not name it as a bridge that
failed (the journal then still says answered and completed); the callers' numbers (one
prefix a step) tie the journal's calls to a step. The ramp stops at the first step that
loses a call, where Asterisk uses >= 90 % of a core, where SIPp cannot place the calls
at the rate asked (< 95 %), or before a step the agents could not carry (--agents <
calls/s x a call's agent time x 1.25). The highest clean step is the figure: calls/s
placed, concurrent calls (SIPp's CurrentCall, mean and peak over the step), and the CPU
over the step's steady part (its first 5 s, or a call's length, left out) from
/proc/<pid>/stat (utime + stime, all threads), as a fraction of one core: the server
process, Asterisk, every SIPp (callers and agents' phones), the bench itself, and the
whole machine (of its cores) - which shows what saturated and how much of the machine
others used.

Soak: --soak-min minutes at 70 % of the highest clean rate; the server's RSS (VmRSS)
after the first minute (the warm-up: caches, pools, the journal's pages) and at the end
of the calls; the growth between the two; calls lost as above.

The sandbox gets SIP accounts for the agents 1001 to 1000 + --agents for the run (their
passwords in a copy of var/secrets.json in the run's folder); the accounts of
config/acd.yaml are put back at the end. The run's folder (printed) keeps the callers'
statistics (SIPp -trace_stat), the server's log and journal. The last line is JSON.

    .venv/bin/python bench/load.py [--steps 2,5,10,...] [--step-s 60] [--soak-min 30]
    .venv/bin/python bench/load.py --talking --talk-ms 30000 --steps 2,4,6,8,10,12 \
        --step-s 90 --agents 500             # concurrent talking calls
    .venv/bin/python bench/load.py --quick   # two 6 s steps, a 15 s soak: checks it runs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import math
import os
import random
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from _quick import parse_args
from _sandbox_config import agent_ids, write_many_agents_config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acd.adapters.journal import Journal
from acd.core.engine.facts import CallAnswered, CallCompleted, CallEntered
from acd.core.settings import load_settings
from testbed.phones import AgentPhone, AgentPhoneSpec, sipp
from testbed.phones.ports import free_media_port, free_tcp_port, free_udp_port
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import login, until
from tests.e2e.server_process import ServerProcess

PROJECT = Path(__file__).resolve().parent.parent
QUICK = {"steps": "2,4", "step_s": 6.0, "soak_min": 0.25, "agents": 30}
AGENTS_PER_ADDRESS = 25
CALLER_IP = "127.0.0.2"  # the carrier trunk's (config/acd.yaml trunks.carrier.match)
NUMBER = "100"
MAX_WAIT_MS = 30_000  # a caller with no BYE by then hangs up: the call is lost
WARM_S = 5.0  # the start of a step left out of its CPU figures
SOAK_WARM_S = 60.0  # the soak's RSS is taken first after this
SOAK_SHARE = 0.7
AGENT_MARGIN = 1.25  # agents needed = calls/s x a call's agent time x this
CALL_SETUP_S = 0.5  # a call's agent time beyond ring and talk (INVITE, bridge, BYE)
ASTERISK_SATURATED = 0.9  # of a core
SERVER_GOAL = 0.25  # of a core, at the highest clean rate
RSS_GOAL = 0.05
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The callers' scenario (SIPp UAC): see the module's docstring. The caller ID is the
# step's prefix then SIPp's call number, so that the journal's calls tie to a step.
SCENARIO = jinja2.Template(
    """<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="acd load caller">
  <send retrans="500"><![CDATA[
INVITE sip:{{ number }}@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:{{ prefix }}[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:{{ number }}@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:{{ prefix }}[call_number]@[local_ip]:[local_port]>
Max-Forwards: 70
User-Agent: acd-load-caller
Content-Type: application/sdp
Content-Length: [len]

v=0
o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio {{ '[rtpstream_audio_port]' if audio else '[media_port]' }} RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16

]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true">
    <action>
      <ereg regexp="&lt;(sip:[^&gt;]*)&gt;" search_in="hdr" header="Contact:"
            check_it="true" assign_to="junk,peer_contact"/>
    </action>
  </recv>
  <send><![CDATA[
ACK [$peer_contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:{{ prefix }}[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:{{ number }}@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
{% if audio %}
  <!-- A caller who talks: their audio, looped, until the call ends. -->
  <nop><action><exec rtp_stream="{{ audio }},-1,0"/></action></nop>
{% endif %}
  <recv request="BYE" timeout="{{ max_wait_ms }}" ontimeout="gave_up"/>
  <send next="end"><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <label id="gave_up"/>
  <send retrans="500"><![CDATA[
BYE [$peer_contact] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Load" <sip:{{ prefix }}[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:{{ number }}@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
  <!-- Nothing comes after the BYE: this times out, and SIPp counts the call as failed. -->
  <recv request="INFO" timeout="1"/>
  <label id="end"/>
  <!-- SIPp refuses variables that are set and never read; the whole-match slot is one. -->
  <Reference variables="junk"/>
</scenario>
"""
)


@dataclass
class Step:
    name: str  # "ramp 10" or "soak"
    prefix: str  # the callers' numbers start with it
    cps: float
    seconds: float
    placed: int = 0
    succeeded: int = 0
    failed: int = 0
    entered: int = 0
    answered: int = 0
    completed: int = 0  # and bridged (see _count_journal)
    unbridged: int = 0  # answered, never bridged, yet completed in the journal
    achieved_cps: float = 0.0
    steady_s: float = 0.0  # the span achieved_cps was measured over
    concurrent_mean: float = 0.0
    concurrent_peak: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # fraction of one core
    rss_kib: tuple[int, int] = (0, 0)  # the server's, after the warm-up and at the end

    @property
    def lost(self) -> int:
        """Calls that failed at the caller or that no agent took and finished."""
        return max(self.failed, self.placed - min(self.answered, self.completed))


@dataclass(frozen=True)
class Calls:
    """What every call of the run does: the agent's phone rings ``ring_ms``, then caller
    and agent talk ``talk_ms``. When ``talking``, the caller sends audio (VOICE, looped)
    for the whole call and the agent's phone sends back what it hears, so that Asterisk
    relays audio both ways as in a real conversation; else neither sends any."""

    ring_ms: int
    talk_ms: int
    talking: bool = False

    @property
    def agent_s(self) -> float:
        """Seconds a call takes an agent."""
        return (self.ring_ms + self.talk_ms) / 1000 + CALL_SETUP_S

    @property
    def max_wait_ms(self) -> int:
        """A caller with no BYE by then (MAX_WAIT_MS beyond ring and talk) hangs up."""
        return MAX_WAIT_MS + self.ring_ms + self.talk_ms

    def warm_s(self, step_s: float) -> float:
        """The start of a step left out of its figures: calls that talk long need a call's
        time before as many are up at once as the rate keeps up."""
        if self.agent_s <= WARM_S:
            return min(WARM_S, step_s / 4)
        return min(self.agent_s, step_s / 2)


@dataclass(frozen=True)
class Pids:
    server: int
    asterisk: int
    work: Path  # every SIPp whose command line names it is the bench's


async def main(
    steps: list[float], step_s: float, soak_min: float, agents: int, calls: Calls
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="load-"))
    print(f"work folder: {work}")
    api_port = free_tcp_port()
    config = write_many_agents_config(work, agents, api_port, NUMBER)
    ids = agent_ids(agents)
    sandbox = Sandbox(PROJECT, load_settings(config))
    server = ServerProcess(config, work / "server.log", api_port)
    phones: list[asyncio.subprocess.Process] = []  # one SIPp UAS an address
    holders: list[socket.socket] = []
    agent_s = calls.agent_s
    ramp: list[Step] = []
    soak: Step | None = None
    stopped = "the last step asked"
    try:
        await sandbox.up()  # the agents' SIP accounts for this run
        await server.start()
        asterisk = sandbox.status().pid
        assert server._proc is not None
        assert asterisk is not None
        pids = Pids(server._proc.pid, asterisk, work)
        for n in range(0, agents, AGENTS_PER_ADDRESS):
            uas, holder = await _agent_phones(sandbox, work, ids[n : n + AGENTS_PER_ADDRESS], calls)
            phones.append(uas)
            if holder is not None:
                holders.append(holder)
        await login(server, *ids)
        print(f"{agents} agents ready; a call takes an agent about {agent_s:.1f} s")
        print(_HEADER)
        for n, cps in enumerate(steps):
            if cps * agent_s * AGENT_MARGIN > agents:
                stopped = f"{cps:g} calls/s would need more than {agents} agents"
                print(f"stop: {stopped}")
                break
            step = Step(f"ramp {cps:g}", f"0170{n:02d}", cps, step_s)
            await _run(step, work, pids, server, calls)
            ramp.append(step)
            print(_line(step))
            stopped = _saturated(step) or stopped
            if _saturated(step):
                print(f"stop: {stopped}")
                break
        clean = [s for s in ramp if s.lost == 0]
        if clean and soak_min > 0:
            rate = round(SOAK_SHARE * clean[-1].cps, 1)
            soak = Step("soak", "017099", rate, soak_min * 60)
            print(f"soak: {soak_min:g} min at {rate:g} calls/s")
            rss_after_s = max(min(SOAK_WARM_S, soak.seconds / 4), calls.warm_s(soak.seconds))
            await _run(soak, work, pids, server, calls, rss_after_s)
            print(_line(soak))
    finally:
        await asyncio.gather(*(sipp.stop(uas) for uas in phones))
        for holder in holders:
            holder.close()
        sipp.stop_all_under(work)
        await server.stop()
        restore = Sandbox(PROJECT, load_settings(PROJECT / "config" / "acd.yaml"))
        await restore.up()  # the sandbox's agent accounts as config/acd.yaml has them
    _server_errors(work / "server.log")
    return _figures(ramp, soak, stopped)


async def _agent_phones(
    sandbox: Sandbox, work: Path, ids: list[str], calls: Calls
) -> tuple[asyncio.subprocess.Process, socket.socket | None]:
    """Up to AGENTS_PER_ADDRESS agents' phones on one address (from 127.0.0.10 up: the
    carrier trunk's addresses, 127.0.0.2-9, are not phones): one SIPp UAS answering for
    all of them (testbed/phones' agent scenario), and each agent's own SIP account
    registered with that UAS as its contact (AgentPhone.register). One SIPp a phone
    would cost the machine a core's quarter for 100 idle phones (SIPp polls all the
    time); one an address costs little. The phones' audio goes to a socket nobody reads
    (the kernel drops what overflows its buffer): the testbed's RtpSink would spend the
    bench's CPU on every packet. Agents who talk (``calls.talking``) send back what they
    hear instead: their SIPp's echo (-rtp_echo, one socket for all its calls)."""
    ip = f"127.0.0.{10 + (int(ids[0]) - 1001) // AGENTS_PER_ADDRESS}"
    folder = work / "agents" / ip
    sink: socket.socket | None = None
    extra = ["-l", str(4 * len(ids)), "-bind_local", "-mi", ip]
    if not calls.talking:
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind((ip, free_media_port(ip)))
        rtp_port = sink.getsockname()[1]
    else:
        rtp_port = free_media_port(ip)
        extra += ["-mp", str(rtp_port), "-rtp_echo"]
    scenario = sipp.render(
        "agent.xml.j2",
        folder,
        "agent",
        user=ids[0],  # only in the Contact of its answers: Asterisk's BYE comes back here
        ring_ms=calls.ring_ms,
        talk_ms=calls.talk_ms,
        rtp_ip=ip,
        rtp_port=rtp_port,
        direction="sendrecv" if calls.talking else "recvonly",
    )
    where = sipp.SippEndpoint("127.0.0.1:5060", ip, free_udp_port(ip))
    uas = await sipp.start(scenario, where, extra, folder / "uas.log")
    passwords = sandbox.secrets().agent_passwords
    for agent in ids:
        phone = AgentPhone(AgentPhoneSpec(agent, passwords[agent], ip=ip), folder)
        phone.sip_port = where.local_port  # its contact: the address's UAS
        await phone.register()
    return uas, sink


async def _run(
    step: Step,
    work: Path,
    pids: Pids,
    server: ServerProcess,
    calls: Calls,
    rss_after_s: float | None = None,
) -> None:
    """One step: its calls placed at its rate, CPU (and RSS) sampled, then drained."""
    folder = work / step.name.replace(" ", "-")
    folder.mkdir(parents=True, exist_ok=True)
    scenario = folder / "caller.xml"
    audio = str(_voice(work)) if calls.talking else ""
    scenario.write_text(
        SCENARIO.render(
            number=NUMBER, prefix=step.prefix, max_wait_ms=calls.max_wait_ms, audio=audio
        )
    )
    count = max(1, round(step.cps * step.seconds))
    limit = max(20, math.ceil(step.cps * calls.max_wait_ms / 1000 * 1.5))
    where = sipp.SippEndpoint("127.0.0.1:5060", CALLER_IP, free_udp_port(CALLER_IP))
    stats = folder / "caller_stats.csv"
    extra = [
        "-bind_local",
        "-mi",
        CALLER_IP,
        "-mp",
        str(free_media_port(CALLER_IP)),
        "-r",
        f"{step.cps:g}",
        "-l",
        str(limit),
        "-m",
        str(count),
        "-trace_stat",
        "-stf",
        str(stats),
        "-fd",
        "1",
    ]
    since = time.time() - 1
    proc = await sipp.start(scenario, where, extra, folder / "caller.log")
    started = time.monotonic()
    warm = calls.warm_s(step.seconds) if rss_after_s is None else rss_after_s
    await asyncio.sleep(warm)
    before, rss_start = _cpu_sample(pids), _rss_kib(pids.server)
    await asyncio.sleep(max(0.0, step.seconds - (time.monotonic() - started)))
    after, rss_end = _cpu_sample(pids), _rss_kib(pids.server)
    step.cpu = _cpu_between(before, after)
    step.rss_kib = (rss_start, rss_end)
    try:
        await asyncio.wait_for(proc.wait(), calls.max_wait_ms / 1000 + 60)
    except TimeoutError:
        await sipp.stop(proc)
    _read_stats(step, stats, warm)
    try:
        await until(server, lambda s: all(a["state"] == "ready" for a in s["agents"]), 60)
    except TimeoutError:  # a step that broke down: its losses are counted all the same
        print(f"{step.name}: agents still not all ready 60 s after its last call")
    # The last calls' facts may still be on their way to the file (group commit): a
    # count taken before they land would call those calls lost.
    try:
        await until(server, lambda s: s["journal"]["pending"] == 0, 10)
    except TimeoutError:
        print(f"{step.name}: the journal still had facts to write 10 s after the step")
    _count_journal(step, work, since)


def _voice(work: Path) -> Path:
    """A second of mu-law noise (not silence: nothing on the way may treat it as less),
    raw, the file SIPp's rtp_stream loops for a talking caller; written once a run."""
    path = work / "voice.ulaw"
    if not path.exists():
        path.write_bytes(random.Random(1).randbytes(8000))
    return path


# -- CPU and memory from /proc ---------------------------------------------------------------


@dataclass(frozen=True)
class CpuSample:
    at: float
    ticks: dict[str, int]  # "server", "asterisk", "bench" -> utime + stime
    sipp: dict[int, int]  # every SIPp of the bench: pid -> utime + stime
    machine: tuple[int, int]  # /proc/stat: busy and total ticks, all cores


def _cpu_sample(pids: Pids) -> CpuSample:
    ticks = {
        "server": _ticks(pids.server),
        "asterisk": _ticks(pids.asterisk),
        "bench": _ticks(os.getpid()),
    }
    return CpuSample(time.monotonic(), ticks, dict(_sipp_ticks(pids.work)), _machine())


def _cpu_between(a: CpuSample, b: CpuSample) -> dict[str, float]:
    """Fractions of one core between two samples; "machine" is of all the cores."""
    wall = b.at - a.at
    cpu = {name: (b.ticks[name] - a.ticks[name]) / CLK_TCK / wall for name in a.ticks}
    # A SIPp started between the samples counts from 0; one that ended is not seen.
    sipp_ticks = sum(t - a.sipp.get(pid, 0) for pid, t in b.sipp.items())
    cpu["sipp"] = sipp_ticks / CLK_TCK / wall
    busy, total = b.machine[0] - a.machine[0], b.machine[1] - a.machine[1]
    cpu["machine"] = busy / total if total else 0.0
    cpu["others"] = max(
        0.0, cpu["machine"] * (os.cpu_count() or 1) - sum(cpu[n] for n in _CPU_COLUMNS)
    )
    return cpu


_CPU_COLUMNS = ("server", "asterisk", "sipp", "bench")


def _ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def _sipp_ticks(work: Path) -> Iterator[tuple[int, int]]:
    needle = str(work).encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().split(b"\0")
            if argv and argv[0].endswith(b"sipp") and needle in b" ".join(argv):
                pid = int(cmdline.parent.name)
                yield pid, _ticks(pid)


def _machine() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # up to steal; guest time is already in user
    return total - idle, total


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# -- what the callers and the journal say ----------------------------------------------------


def _read_stats(step: Step, stats: Path, warm_s: float) -> None:
    """SIPp's statistics file (-trace_stat, one row a second, cumulative counts)."""
    with stats.open() as lines:
        rows = list(csv.DictReader(lines, delimiter=";"))
    if not rows:
        raise SystemExit(f"{stats}: SIPp wrote no statistics (see caller.log next to it)")
    last = rows[-1]
    step.placed = int(last["OutgoingCall(C)"])
    step.succeeded = int(last["SuccessfulCall(C)"])
    step.failed = int(last["FailedCall(C)"])
    # The steady part: after the warm-up, while calls were still being placed.
    steady = [
        r for r in rows if warm_s <= _elapsed(r) <= step.seconds and int(r["OutgoingCall(C)"]) > 0
    ]
    if len(steady) >= 2:
        first, end = steady[0], steady[-1]
        span = _elapsed(end) - _elapsed(first)
        placed = int(end["OutgoingCall(C)"]) - int(first["OutgoingCall(C)"])
        step.achieved_cps = placed / span if span > 0 else 0.0
        step.steady_s = span
        current = [int(r["CurrentCall"]) for r in steady]
        step.concurrent_mean = sum(current) / len(current)
        step.concurrent_peak = max(current)
    else:  # a very short step: the whole run
        step.achieved_cps = step.placed / step.seconds


def _elapsed(row: dict[str, str]) -> float:
    """Seconds since SIPp started: its times end with the epoch ("date\ttime\tepoch")."""
    return _epoch(row["CurrentTime"]) - _epoch(row["StartTime"])


def _epoch(value: str) -> float:
    return float(value.split("\t")[-1])


def _count_journal(step: Step, work: Path, since: float) -> None:
    """The step's calls (by the callers' prefix) entered, answered and completed. The
    journal is read from the step's start, one row at a time: a soak writes many."""
    mine: set[str] = set()
    answered: set[str] = set()
    completed: set[str] = set()
    with Journal.open(work / "journal.sqlite3", create=False) as journal:
        for row in journal.read(since, 2**40):
            fact = row.fact
            if isinstance(fact, CallEntered) and fact.caller.lstrip("+").startswith(step.prefix):
                mine.add(fact.call_id)
            elif isinstance(fact, CallAnswered):
                answered.add(fact.call_id)
            elif isinstance(fact, CallCompleted):
                completed.add(fact.call_id)
    # A bridge that failed after the agent's phone answered (the agent's leg gone before
    # the AMI Bridge came) leaves CONNECT and COMPLETE in the journal, yet caller and
    # agent never talked; the server's log names the call ("engine ignored ConnectFailed").
    unbridged = _unbridged(work / "server.log") & mine
    step.entered, step.answered = len(mine), len(answered & mine)
    step.completed = len((completed & mine) - unbridged)
    step.unbridged = len(unbridged)


def _unbridged(log: Path) -> set[str]:
    marker = "engine ignored ConnectFailed: no call "
    with log.open(errors="replace") as lines:
        return {line.split(marker)[1].split()[0] for line in lines if marker in line}


# -- the report ------------------------------------------------------------------------------

_HEADER = (
    "step        cps/s   placed  lost  conc mean/peak  CPU (cores): server asterisk  sipp"
    "  bench  others  machine%"
)


def _line(step: Step) -> str:
    c = step.cpu
    return (
        f"{step.name:10} {step.cps:5g}/{step.achieved_cps:5.1f} {step.placed:6} {step.lost:5}"
        f"  {step.concurrent_mean:7.1f}/{step.concurrent_peak:4}"
        f"              {c['server']:.3f}   {c['asterisk']:.3f}  {c['sipp']:.3f}"
        f"  {c['bench']:.3f}   {c['others']:.3f}   {100 * c['machine']:5.1f}"
        f"   (failed {step.failed}, entered {step.entered}, answered {step.answered},"
        f" completed {step.completed}, unbridged {step.unbridged})"
    )


def _saturated(step: Step) -> str:
    if step.lost:
        return f"{step.lost} calls lost"
    if step.cpu["asterisk"] >= ASTERISK_SATURATED:
        return f"Asterisk at {step.cpu['asterisk']:.0%} of a core"
    # One call of slack: SIPp's statistics are whole calls, one row a second, so at a
    # few calls a second over a short step one call more or less is 5 % and more.
    slack = 1 / step.steady_s if step.steady_s else 0.0
    if step.achieved_cps + slack < 0.95 * step.cps:
        return f"SIPp placed {step.achieved_cps:.1f} calls/s of {step.cps:g}"
    return ""


def _server_errors(log: Path) -> None:
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    bad = [line for line in lines if " ERROR " in line or "Traceback" in line]
    warnings = [line for line in lines if " WARNING " in line]
    print(f"server log: {len(bad)} errors, {len(warnings)} warnings ({log})")
    for line in bad[:5]:
        print(f"  {line[:200]}")


def _figures(ramp: list[Step], soak: Step | None, stopped: str) -> dict[str, Any]:
    clean = [s for s in ramp if s.lost == 0]
    best = clean[-1] if clean else None
    figures: dict[str, Any] = {
        "max_cps": round(best.achieved_cps, 1) if best else 0.0,
        "max_concurrent": best.concurrent_peak if best else 0,
        "lost": (best.lost if best else 0) + (soak.lost if soak else 0),
        "server_cpu_core_fraction": round(best.cpu["server"], 3) if best else None,
        "asterisk_cpu_core_fraction": round(best.cpu["asterisk"], 3) if best else None,
        "soak_rss_growth": None,
    }
    if soak is not None:
        start, end = soak.rss_kib
        figures["soak_rss_growth"] = round((end - start) / start, 4) if start else None
        figures.update(
            soak_cps=soak.cps,
            soak_minutes=round(soak.seconds / 60, 1),
            soak_calls=soak.placed,
            soak_lost=soak.lost,
            soak_rss_kib=[start, end],
            soak_server_cpu_core_fraction=round(soak.cpu["server"], 3),
        )
    if best is not None:
        figures.update(
            offered_cps=best.cps,
            sipp_cpu_core_fraction=round(best.cpu["sipp"], 3),
            others_cpu_core_fraction=round(best.cpu["others"], 3),
            ramp_stopped_by=stopped,
            steps=[
                {
                    "cps": s.cps,
                    "achieved_cps": round(s.achieved_cps, 1),
                    "placed": s.placed,
                    "lost": s.lost,
                    "concurrent_mean": round(s.concurrent_mean, 1),
                    "concurrent_peak": s.concurrent_peak,
                    **{f"{k}_cpu": round(v, 3) for k, v in s.cpu.items()},
                }
                for s in ramp
            ],
        )
        growth = figures["soak_rss_growth"]
        figures["goal_met"] = (
            best.cpu["server"] <= SERVER_GOAL
            and best.cpu["asterisk"] > best.cpu["server"]
            and figures["lost"] == 0
            and growth is not None
            and growth < RSS_GOAL
        )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", default="2,5,10,20,30,40,50,60,70,80,100", help="calls/s of the ramp's steps"
    )
    parser.add_argument("--step-s", type=float, default=60.0, help="seconds a step places calls")
    parser.add_argument("--soak-min", type=float, default=30.0, help="the soak's minutes")
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--ring-ms", type=int, default=100, help="agents' phones ring this long")
    parser.add_argument("--talk-ms", type=int, default=2000, help="then talk this long")
    parser.add_argument(
        "--talking",
        action="store_true",
        help="callers send audio and agents' phones send it back (Asterisk relays it)",
    )
    args = parse_args(parser, QUICK)
    rates = [float(v) for v in args.steps.split(",")]
    figures = asyncio.run(
        main(
            rates,
            args.step_s,
            args.soak_min,
            args.agents,
            Calls(args.ring_ms, args.talk_ms, args.talking),
        )
    )
    print(json.dumps(figures))
