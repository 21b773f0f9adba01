"""A person a campaign called answers -> an agent is with them, on the sandbox Asterisk
(needs root: it starts the sandbox), with SIPp customers and SIPp agent phones.

Two progressive campaigns run one after the other, each dialling --people customers
(testbed/phones/customers.py: a person who answers after 300 ms and says hello) at
--rate new calls per second, with --agents agents logged in and ready:

(agent)   the agents' phones answer at once and talk 1.5 s; there are more agents than
          the rate needs, so every person finds one free. Measured: the customer's 200
          OK (the customers' SIPp message trace) to the agent's leg entering the bridge
          with the person (AMI BridgeEnter; the customer's leg enters just before).
(message) the agents' phones ring and never answer: every person waits 1.8 s for an
          agent (dialer/answer.py: 0.2 s less than the law's 2 s, so the message has
          begun within them), then hears the campaign's information message. Measured:
          the 200 OK to the message's start (AMI UserEvent AcdInformationMessage, the
          dialplan step before its Playback); and the same less the 1.8 s wait, which
          is the server's own part. The server counts the wait from the person's entry
          in the queue, a few ms after the answer; the law (Ofcom) counts the 2 s from
          the end of the person's greeting, later still.

Goals: p99 <= 300 ms from the answer to the agent; p99 <= 2 s from the answer to the
message.
The times are this machine's wall clock on both sides: SIPp's traces (local time) and
Asterisk's own stamps on AMI events (timestampevents), not when the bench received them.
Each case is split into its steps (Asterisk's events and the agent phones' traces) to
show where the time goes. A step's p99s do not add up to the total's p99.

The agents: the message case needs 10 calls/s x 2.1 s (ring, then 1.8 s waiting) = 21
agents busy at a time; 70 by default leaves a wide margin. (Before progressive pacing
counted a person waiting for an agent once, it counted them three times, and 30 agents
reached only 4.8 calls/s there.)

The sandbox gets SIP accounts for the agents 1001 to 1000 + --agents for the run (their
passwords in a copy of var/secrets.json in the run's folder); the accounts of
config/acd.yaml are put back at the end. The run's folder (printed) keeps the traces,
the server's log and the AMI events used. The last line is JSON.

    .venv/bin/python bench/answer_to_agent.py [--people 300] [--agents 70] [--rate 10]
    .venv/bin/python bench/answer_to_agent.py --quick   # 20 people a case: checks it runs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _quick import parse_args
from _sandbox_config import agent_ids, write_many_agents_config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acd.asterisk.ami import AmiState
from acd.asterisk.ami import Event as AmiEvent
from acd.core.outbound.facts import LeadCallEnded, LeadDialled
from acd.core.settings import load_settings
from dialer.answer import CONNECT_WITHIN_S, ToAgent
from testbed.phones import AgentPhone, AgentPhoneSpec
from testbed.phones.customers import Customers
from testbed.phones.ports import free_tcp_port
from testbed.phones.trace import TracedMessage, read_trace
from testbed.sandbox import Sandbox
from tests.e2e.acd_harness import facts, login, until
from tests.e2e.dialer_harness import CLOCK, acd, settled
from tests.e2e.server_process import ServerProcess

PROJECT = Path(__file__).resolve().parent.parent
QUICK = {"people": 20}
GOAL_MS = 300.0
# A person's wait for an agent before the information message: 1.8 s, so that the message
# has begun within the law's 2 s (dialer/answer.py).
WAIT_S = ToAgent.max_wait_s
CUSTOMER_RING_MS, TALK_MS = 300, 1500
CAMPAIGN = """
mode: progressive
queue: bench
max_lines: 200
calls_per_s: {rate}
trunk: carrier
caller_id: "+33170000000"
rule_set: FR
purpose: existing_customer
ring_s: 15
information_message: This was Acme, 01 70 00 00 00.
leads:
  columns: {{number: phone}}
"""
# Only the events the figures use are kept (the sandbox's firehose is much larger).
KEPT_EVENTS = {"BridgeEnter", "UserEvent", "Newchannel", "Newexten"}


@dataclass(frozen=True)
class Case:
    name: str  # "agent" or "message": the campaign's name too
    numbers: tuple[str, ...]
    agent_ring_ms: int | None  # None: the agents' phones never answer
    hold_ms: int  # the person hangs up after this, if nobody did before


async def main(people: int, agents: int, rate: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="answer-to-agent-"))
    api_port = free_tcp_port()
    config = write_many_agents_config(work, agents, api_port, number="100")
    ids = agent_ids(agents)
    cases = (
        Case("agent", _numbers("4", people), 0, 30_000),
        # The person hangs up 2 s into the message: fewer lines up at once, same figure.
        Case("message", _numbers("5", people), None, 4000),
    )
    for case in cases:
        _add_campaign(config, case, rate)
    sandbox = Sandbox(PROJECT, load_settings(config))
    events: list[AmiEvent] = []
    ami = sandbox.ami_client()
    ami.subscribe(lambda e: events.append(e) if _kept(e) else None)
    # A lost AMI link loses the events of its gap: some people would go unmeasured.
    drops: list[AmiState] = []
    ami.on_state(lambda state: drops.append(state) if state is AmiState.DISCONNECTED else None)
    server = ServerProcess(config, work / "server.log", api_port, CLOCK)
    try:
        await sandbox.up()  # the agents' SIP accounts for this run
        await ami.start()
        await ami.wait_connected(10)
        await server.start()
        for case in cases:
            await _run(sandbox, server, config, case, ids)
        links_lost = len(drops)  # before close(), which ends the link too
    finally:
        await server.stop()
        await ami.close()
        restore = Sandbox(PROJECT, load_settings(PROJECT / "config" / "acd.yaml"))
        await restore.up()  # the sandbox's agent accounts as config/acd.yaml has them
    print(f"work folder: {work}")
    with (work / "events.jsonl").open("w") as out:  # for a closer look
        for event in events:
            out.write(json.dumps(dict(event.fields)) + "\n")
    figures = _figures(work, cases, events)
    figures["ami_links_lost"] = links_lost
    if links_lost:
        print(f"the observer's AMI link was lost {links_lost} times: events were missed")
    return figures


def _kept(event: AmiEvent) -> bool:
    if event.name == "VarSet":  # the server's own variables: its AGI round trips
        return (event.get("Variable") or "").startswith("ACD_")
    return event.name in KEPT_EVENTS


def _phone_ip(n: int) -> str:
    """Agent phones 25 to an address: SIPp without -mp finds its media ports in a narrow
    band (from 6000) of its address; past about 50 phones on one, a phone cannot start.
    From 127.0.0.10 up: the carrier trunk's addresses (127.0.0.2-9) are not phones."""
    return f"127.0.0.{10 + n // 25}"


def _numbers(block: str, people: int) -> tuple[str, ...]:
    """Mobile numbers ending in 1: a person who answers (testbed/phones/customers.py)."""
    return tuple(f"+33612{block}{n:04d}1" for n in range(people))


def _add_campaign(config: Path, case: Case, rate: float) -> None:
    folder = config.parent / "campaigns"
    folder.mkdir(exist_ok=True)
    (folder / f"{case.name}.yaml").write_text(CAMPAIGN.format(rate=rate))
    leads = config.parent / f"{case.name}.csv"
    leads.write_text("phone\n" + "".join(f"{number}\n" for number in case.numbers))
    imported = acd(config, "dialer", "import", case.name, str(leads)).stdout
    if f" {len(case.numbers)} leads added" not in imported:
        raise SystemExit(f"the leads were not all imported: {imported}")


async def _run(
    sandbox: Sandbox, server: ServerProcess, config: Path, case: Case, ids: list[str]
) -> None:
    """One case: the agents' phones and the customers, the campaign from start to end."""
    folder = config.parent / case.name
    passwords = sandbox.secrets().agent_passwords
    phones = [
        AgentPhone(
            AgentPhoneSpec(
                agent,
                passwords[agent],
                ip=_phone_ip(n),
                ring_ms=case.agent_ring_ms,
                talk_ms=TALK_MS,
            ),
            folder,
            trace=True,
        )
        for n, agent in enumerate(ids)
    ]
    customers = Customers(folder, "127.0.0.8", 5070, ring_ms=CUSTOMER_RING_MS, hold_ms=case.hold_ms)
    await customers.start()
    try:
        for phone in phones:  # one by one: SIPp picks its media port itself, and two
            await phone.start()  # started at once may pick the same one
        await login(server, *ids)
        acd(config, "dialer", "start", case.name)
        await settled(server, case.name, calls=len(case.numbers), timeout_s=600)
        await until(server, lambda s: all(a["state"] == "ready" for a in s["agents"]))
    finally:
        await asyncio.gather(*(phone.stop() for phone in phones))
        await customers.stop()


# -- the figures ---------------------------------------------------------------------------

Steps = tuple[tuple[str, str], ...]  # (name, what it is)
AGENT_STEPS: Steps = (
    ("to_script", "customer's 200 OK -> the dialer script starts (FastAGI)"),
    ("script", "the script's AGI round trips, to its last channel variable"),
    ("to_agent_leg", "-> the agent's leg exists (engine's choice, AMI Originate)"),
    ("to_agent_invite", "agent's leg -> the INVITE at the agent's phone"),
    ("agent_phone", "INVITE -> the agent's phone answers (its 200 OK)"),
    ("to_answered_event", "agent's 200 OK -> [acd-agent-leg] says so (UserEvent)"),
    ("to_bridge", "UserEvent -> the agent's leg enters the bridge (server, AMI Bridge)"),
)


MESSAGE_STEPS: Steps = (
    ("to_queue", "customer's 200 OK -> in the queue (the script sets ACD_ENTERED)"),
    ("after_wait", "in the queue + 1.8 s -> the message starts (timer, AMI Redirect)"),
)


def _figures(work: Path, cases: Iterable[Case], events: list[AmiEvent]) -> dict[str, Any]:
    number_of = {f.call_id: f.number for f in facts(work) if isinstance(f, LeadDialled)}
    outcomes = [f for f in facts(work) if isinstance(f, LeadCallEnded)]
    timeline = _Timeline(events)
    figures: dict[str, Any] = {}
    for case in cases:
        folder = work / case.name
        answers = _answers(folder / "customers" / "uas.messages")
        mine = set(case.numbers)
        ended: dict[str, int] = defaultdict(int)
        for fact in outcomes:
            if fact.number in mine:
                ended[fact.outcome] += 1
        print(f"{case.name}: outcomes {dict(ended)}")
        rate = _rate([at for number, at in answers.items() if number in mine])
        print(f"{case.name}: {rate:.2f} people answering per second")
        figures[f"{case.name}_answers_per_s"] = round(rate, 2)
        if case.name == "agent":
            steps = _agent_steps(timeline, answers, number_of, _agent_traces(folder))
            totals = [sum(step.values()) for step in steps]
            figures.update(_percentiles("answer_to_agent", totals))
            figures["agent_samples"] = len(totals)
            figures["agent_case_abandoned"] = ended.get("abandoned", 0)
            _steps(figures, "agent", steps, AGENT_STEPS)
        else:
            steps = _message_steps(timeline, answers, number_of)
            heard = [sum(step.values()) + WAIT_S * 1000 for step in steps]
            figures.update(_percentiles("answer_to_message", heard))
            figures.update(_percentiles("message_beyond_wait", [v - WAIT_S * 1000 for v in heard]))
            figures["message_samples"] = len(heard)
            _steps(figures, "message", steps, MESSAGE_STEPS)
    figures["agent_goal_met"] = figures["answer_to_agent_p99_ms"] <= GOAL_MS
    figures["message_goal_met"] = figures["answer_to_message_p99_ms"] <= CONNECT_WITHIN_S * 1000
    first = [key for key in HEADLINE if key in figures]
    return {key: figures[key] for key in [*first, *sorted(set(figures) - set(first))]}


HEADLINE = (
    "answer_to_agent_p50_ms",
    "answer_to_agent_p99_ms",
    "answer_to_message_p50_ms",
    "answer_to_message_p99_ms",
    "message_beyond_wait_p50_ms",
    "message_beyond_wait_p99_ms",
    "agent_samples",
    "message_samples",
    "agent_answers_per_s",
    "message_answers_per_s",
    "agent_goal_met",
    "message_goal_met",
)


class _Timeline:
    """Asterisk's events by channel, each at its own time stamp (timestampevents)."""

    def __init__(self, events: list[AmiEvent]) -> None:
        self.by_channel: dict[str, list[tuple[float, AmiEvent]]] = defaultdict(list)
        self.user_events: dict[str, list[tuple[float, AmiEvent]]] = defaultdict(list)
        for event in events:
            at = float(event.get("Timestamp") or 0)
            self.by_channel[event.get("Uniqueid") or ""].append((at, event))
            if event.name == "UserEvent":
                self.user_events[event.get("UserEvent") or ""].append((at, event))

    def first(self, channel: str, name: str, **fields: str) -> float | None:
        for at, event in self.by_channel.get(channel, []):
            if event.name == name and all(event.get(k) == v for k, v in fields.items()):
                return at
        return None

    def last_before(self, channel: str, name: str, before: float) -> float | None:
        found = [at for at, e in self.by_channel.get(channel, []) if e.name == name and at < before]
        return max(found, default=None)


def _answers(messages: Path) -> dict[str, float]:
    """Number dialled -> when the customer's phone sent its 200 OK to the INVITE."""
    dialled: dict[str, str] = {}  # SIP Call-ID -> the number in the Request-URI
    answered: dict[str, float] = {}
    for message in read_trace(messages):
        call = message.header("Call-ID")
        if message.received and message.method == "INVITE":
            dialled[call] = message.first_line.split()[1].removeprefix("sip:").split("@")[0]
        elif (
            not message.received
            and message.method == "200"
            and call in dialled
            and message.header("CSeq").endswith("INVITE")
        ):
            answered.setdefault(dialled[call], message.at)  # not its retransmissions
    return answered


def _agent_traces(folder: Path) -> dict[str, list[TracedMessage]]:
    return {
        path.parent.name.removeprefix("agent-"): read_trace(path)
        for path in folder.glob("agent-*/uas.messages")
    }


def _agent_steps(
    timeline: _Timeline,
    answers: dict[str, float],
    number_of: dict[str, str],
    traces: dict[str, list[TracedMessage]],
) -> list[dict[str, float]]:
    """Per person put through: each step's duration (ms), answer to bridge."""
    steps = []
    missing: dict[str, int] = defaultdict(int)
    for said, event in timeline.user_events["AcdAgentAnswered"]:
        call, leg = event.get("CallId") or "", event.get("Uniqueid") or ""
        agent = event.get("Agent") or ""
        answer = answers.get(number_of.get(call, ""))
        bridged = timeline.first(leg, "BridgeEnter")
        agi = timeline.first(call, "Newexten", Application="AGI")
        created = timeline.first(leg, "Newchannel")
        if answer is None or bridged is None or agi is None or created is None:
            # a call that ended before its bridge, or events the observer never got
            found = {"answer": answer, "bridge": bridged, "script": agi, "agent leg": created}
            missing[", ".join(name for name, at in found.items() if at is None)] += 1
            continue
        script_done = timeline.last_before(call, "VarSet", created) or agi
        invite, ok = _agent_answer(traces.get(agent, []), said)
        at = (answer, agi, script_done, created, invite, ok, said, bridged)
        steps.append(
            {name: (b - a) * 1000 for (name, _), a, b in zip(AGENT_STEPS, at, at[1:], strict=False)}
        )
    print(
        f"agent: {len(steps)} people measured; not measured, by what was missing: {dict(missing)}"
    )
    return steps


def _agent_answer(trace: list[TracedMessage], said: float) -> tuple[float, float]:
    """The INVITE the agent's phone received last before ``said`` and its 200 OK."""
    invites = [m for m in trace if m.received and m.method == "INVITE" and m.at <= said]
    invite = invites[-1]
    call = invite.header("Call-ID")
    ok = next(
        m.at for m in trace if not m.received and m.method == "200" and m.header("Call-ID") == call
    )
    return invite.at, ok


def _message_steps(
    timeline: _Timeline, answers: dict[str, float], number_of: dict[str, str]
) -> list[dict[str, float]]:
    """Per person who heard the message: answer to queue, then beyond the 2 s wait."""
    steps = []
    for at, event in timeline.user_events["AcdInformationMessage"]:
        call = event.get("CallId") or ""
        answer = answers.get(number_of.get(call, ""))
        entered = timeline.first(call, "VarSet", Variable="ACD_ENTERED")
        if answer is not None and entered is not None:
            to_queue = (entered - answer) * 1000
            steps.append({"to_queue": to_queue, "after_wait": (at - entered - WAIT_S) * 1000})
    return steps


def _steps(figures: dict[str, Any], case: str, steps: list[dict[str, float]], table: Steps) -> None:
    for name, what in table:
        p50, p99 = _p50_p99([step[name] for step in steps])
        print(f"  {name:18} p50 {p50:7.1f}  p99 {p99:7.1f} ms  {what}")
        figures.setdefault(f"{case}_steps_p50_ms", {})[name] = round(p50, 1)
        figures.setdefault(f"{case}_steps_p99_ms", {})[name] = round(p99, 1)


def _rate(times: list[float]) -> float:
    times = sorted(times)
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def _p50_p99(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]


def _percentiles(name: str, values: list[float]) -> dict[str, float]:
    p50, p99 = _p50_p99(values)
    print(f"{name:20} n={len(values):4}  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    return {f"{name}_p50_ms": round(p50, 1), f"{name}_p99_ms": round(p99, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300, help="people called in each case")
    parser.add_argument("--agents", type=int, default=70)
    parser.add_argument("--rate", type=float, default=10.0, help="new calls per second")
    args = parse_args(parser, QUICK)
    print(json.dumps(asyncio.run(main(args.people, args.agents, args.rate))))
