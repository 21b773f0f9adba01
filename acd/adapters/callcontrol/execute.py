"""Engine commands -> AMI actions. Each command is one short function.

Nothing here waits on a person: an Originate is sent with Async and its outcome comes
back later as an event (answered: the UserEvent from [acd-agent-leg]; failed: the
OriginateResponse), which is fed to the engine like any other event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from acd.adapters.callcontrol.callback_offer import CallbackReplies
from acd.adapters.callcontrol.callback_prompts import text
from acd.adapters.callcontrol.customer_leg import CustomerCall, CustomerDialer
from acd.adapters.callcontrol.legs import Legs
from acd.adapters.prompts import prompt_name
from acd.asterisk.ami import AmiClient, AmiError
from acd.asterisk.dialplan import Context, Var
from acd.core.compliance import DialRules, DialVerdict, DoNotCall, check_dial
from acd.core.engine.commands import (
    Announce,
    CancelRing,
    Command,
    ConfirmCallback,
    ConnectCall,
    DialCustomer,
    MoveCaller,
    OverflowCaller,
    PauseAgent,
    ReleaseCaller,
    RemoveCaller,
    RingAgent,
)
from acd.core.engine.config import OverflowTo
from acd.core.engine.events import AgentMissed, ConnectFailed, CustomerUnreachable, EngineEvent
from acd.core.facts import Fact

log = logging.getLogger(__name__)

# OriginateResponse Reason codes (Asterisk's AST_CONTROL_* values) -> why the offer failed.
_MISS_REASONS = {"3": "noanswer", "5": "busy", "1": "rejected", "8": "failed", "0": "failed"}
# The engine times the ring itself and cancels; Asterisk's own timeout is only a backstop.
_ORIGINATE_MARGIN_S = 5.0
# How long an agent leg waits in [acd-agent-leg] for its bridge: a callback's agent waits
# while the customer's phone rings.
_AGENT_WAIT_S, _CALLBACK_AGENT_WAIT_S = 30, 90


@dataclass(frozen=True)
class CallbackDialling:
    """How customers are dialled back (settings.callbacks)."""

    trunk: str = ""
    caller_id: str = ""
    ring_s: float = 30.0
    outbound_trunk: str = ""  # external numbers of overflow rules
    rules: DialRules = field(default_factory=lambda: DialRules(DoNotCall(), _any_time))


def _any_time(at: float) -> bool:
    return True


class Executor:
    def __init__(
        self,
        ami: AmiClient,
        legs: Legs,
        feed: Callable[[EngineEvent], None],
        language: str = "en",  # of the whispers to agents
        dialling: CallbackDialling | None = None,
        replies: CallbackReplies | None = None,
        clock: Callable[[], float] = time.time,  # for the calling hours at dial time
        record: Callable[[Sequence[Fact]], None] = lambda facts: None,  # to the journal
    ) -> None:
        self._ami = ami
        self._clock = clock
        self._record = record
        self._language = language
        self._dialling = dialling or CallbackDialling()
        self._replies = replies or CallbackReplies()
        self._legs = legs
        self._customers = CustomerDialer(ami, clock, record)
        self._feed = feed  # back into the engine's inbox
        self._tasks: set[asyncio.Task[None]] = set()
        self._on_line: dict[str, asyncio.Task[None]] = {}  # call id -> its last line command

    def execute(self, command: Command) -> None:
        """Starts the AMI work for ``command`` and returns at once (the engine never waits).

        Commands that move one caller's line (bridge, redirect, hang up) run one after
        the other, in the engine's order: a redirect to an announcement decided before a
        bridge must not land after it and pull the caller out of the call."""
        if isinstance(command, _ON_THE_CALLERS_LINE):
            previous = self._on_line.get(command.call_id)
            task = asyncio.create_task(self._after(previous, command))
            self._on_line[command.call_id] = task
            task.add_done_callback(lambda done: self._line_done(command.call_id, done))
        else:
            task = asyncio.create_task(self._run(command))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _after(self, previous: asyncio.Task[None] | None, command: Command) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # whatever became of it (its errors are logged)
        await self._run(command)

    def _line_done(self, call_id: str, task: asyncio.Task[None]) -> None:
        if self._on_line.get(call_id) is task:
            del self._on_line[call_id]

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, command: Command) -> None:
        try:
            match command:
                case RingAgent():
                    await self._ring(command)
                case CancelRing():
                    await self._cancel_ring(command)
                case ConnectCall():
                    await self._connect(command)
                case Announce():
                    await self._announce(command)
                case RemoveCaller():
                    await self._remove(command)
                case OverflowCaller():
                    await self._overflow(command)
                case MoveCaller():
                    await self._move(command)
                case ConfirmCallback():
                    self._replies.resolve(command.call_id, command.merged)
                case DialCustomer():
                    await self._dial_customer(command)
                case ReleaseCaller():
                    await self._release(command)
                case PauseAgent():
                    log.info("agent %s paused automatically (%s)", command.agent_id, command.reason)
        except AmiError as exc:
            log.warning("%s failed: %s", type(command).__name__, exc)

    async def _ring(self, cmd: RingAgent) -> None:
        caller = self._legs.callers.get(cmd.call_id)
        leg = self._legs.new_agent_leg(cmd.call_id, cmd.agent_id)
        spoken = text("agent_whisper", self._language) if cmd.callback else cmd.whisper
        whisper = prompt_name(spoken, self._language) if spoken else ""
        wait_s = _CALLBACK_AGENT_WAIT_S if cmd.callback else _AGENT_WAIT_S
        variables: dict[str, str] = {
            Var.CALL_ID: cmd.call_id,
            Var.AGENT: cmd.agent_id,
            Var.WHISPER: whisper,
            Var.AGENT_WAIT: str(wait_s),
        }
        try:
            result = await self._ami.originate(
                f"PJSIP/{cmd.agent_id}",
                context=Context.AGENT_LEG,
                exten="s",
                priority=1,
                variables=variables,
                caller_id=caller.number if caller else None,
                timeout_ms=math.ceil((cmd.timeout_s + _ORIGINATE_MARGIN_S) * 1000),
                extra={"ChannelId": leg.leg_id},
            )
        except AmiError as exc:
            self._legs.drop_agent_leg(leg.leg_id)
            self._feed(AgentMissed(cmd.call_id, cmd.agent_id, "failed"))
            raise exc
        if result.get("Response") != "Success":
            self._legs.drop_agent_leg(leg.leg_id)
            reason = _MISS_REASONS.get(result.get("Reason") or "", "failed")
            self._feed(AgentMissed(cmd.call_id, cmd.agent_id, reason))

    async def _cancel_ring(self, cmd: CancelRing) -> None:
        leg = self._legs.agent_leg_for(cmd.call_id, cmd.agent_id)
        if leg is not None:
            self._legs.drop_agent_leg(leg.leg_id)
            await self._ami.action("Hangup", {"Channel": leg.leg_id, "Cause": "19"})

    async def _connect(self, cmd: ConnectCall) -> None:
        caller = self._legs.callers.get(cmd.call_id)
        leg = self._legs.agent_leg_for(cmd.call_id, cmd.agent_id)
        if caller is None or leg is None:
            log.info("call %s ended before it could be connected", cmd.call_id)
            return
        caller.connected_to = cmd.agent_id
        # Marked first: back in [acd-hold] out of the bridge, the caller is hung up (or
        # taken to the survey), never sent to the fallback as if waiting (server gone).
        mark = {"Channel": caller.channel, "Variable": Var.BRIDGED}
        bridged = bridge_mark(cmd.agent_id, leg.leg_id, self._clock())
        await self._ami.action("Setvar", {**mark, "Value": bridged})
        try:
            await self._ami.action(
                "Bridge", {"Channel1": caller.channel, "Channel2": leg.leg_id, "Tone": "no"}
            )
        except AmiError as exc:
            log.warning("could not connect call %s to agent %s: %s", cmd.call_id, cmd.agent_id, exc)
            told = caller.connected_to != cmd.agent_id  # the agent's leg ended first: known
            caller.connected_to = ""
            self._legs.drop_agent_leg(leg.leg_id)
            with contextlib.suppress(AmiError):  # still waiting: the heartbeat rule applies
                await self._ami.action("Setvar", {**mark, "Value": ""})
                await self._ami.action("Hangup", {"Channel": leg.leg_id, "Cause": "16"})
            if not told:
                self._feed(ConnectFailed(cmd.call_id, cmd.agent_id))  # the caller keeps their place

    async def _release(self, cmd: ReleaseCaller) -> None:
        caller = self._legs.drop_caller(cmd.call_id)
        if caller is not None and caller.after_call:  # the menu's survey, then goodbye
            await self._ami.action(
                "Redirect",
                {
                    "Channel": caller.channel,
                    "Context": Context.IVR_SURVEY,
                    "Exten": "s",
                    "Priority": "1",
                },
            )
        elif caller is not None:
            await self._ami.action("Hangup", {"Channel": caller.channel, "Cause": "16"})

    async def _announce(self, cmd: Announce) -> None:
        caller = self._legs.callers.get(cmd.call_id)
        if caller is None or caller.connected_to or caller.announcing or caller.in_dialog:
            return
        caller.announcing = True  # until [acd-announce] reports AcdAnnounced
        minutes = _minutes(cmd.estimated_wait_s)
        try:
            for name, value in ((Var.POSITION, cmd.position), (Var.EWT_MIN, minutes)):
                await self._ami.action(
                    "Setvar", {"Channel": caller.channel, "Variable": name, "Value": str(value)}
                )
            await self._redirect(caller.channel, Context.ANNOUNCE)
        except AmiError:
            # No AcdAnnounced will come to clear the flag: without this, one lost
            # announcement would silence the caller for good. (After a timeout the
            # Redirect may still have run: at worst the next announcement cuts it.)
            caller.announcing = False
            raise

    async def _remove(self, cmd: RemoveCaller) -> None:
        caller = self._legs.drop_caller(cmd.call_id)
        if caller is not None:
            await self._redirect(caller.channel, Context.EXIT)

    async def _overflow(self, cmd: OverflowCaller) -> None:
        if cmd.to is OverflowTo.CALLBACK:  # the caller keeps their place meanwhile
            caller = self._legs.callers.get(cmd.call_id)
            if caller is not None and not caller.connected_to:
                caller.in_dialog = True  # until [acd-callback-offer] reports its end
                await self._redirect(caller.channel, Context.CALLBACK_OFFER)
            return
        caller = self._legs.drop_caller(cmd.call_id)  # out of the ACD from now on
        if caller is None:
            return
        for name, value in self._overflow_variables(cmd).items():
            await self._ami.action(
                "Setvar", {"Channel": caller.channel, "Variable": name, "Value": value}
            )
        await self._ami.action(
            "Redirect",
            {
                "Channel": caller.channel,
                "Context": Context.OVERFLOW,
                "Exten": cmd.to.value,
                "Priority": "1",
            },
        )

    def _overflow_variables(self, cmd: OverflowCaller) -> dict[str, str]:
        if cmd.to is OverflowTo.CENTRE:
            return {Var.OVF_TRUNK: cmd.target, Var.OVF_NUMBER: cmd.number}
        if cmd.to is OverflowTo.NUMBER:
            return {Var.OVF_TRUNK: self._dialling.outbound_trunk, Var.OVF_NUMBER: cmd.target}
        if cmd.to is OverflowTo.VOICEMAIL:
            return {Var.OVF_MAILBOX: cmd.target}
        return {Var.OVF_PROMPT: prompt_name(cmd.target, self._language)}

    async def _move(self, cmd: MoveCaller) -> None:
        """The caller now waits in another queue: a restarted server must find them there."""
        caller = self._legs.callers.get(cmd.call_id)
        if caller is None:
            return
        caller.queue = cmd.queue
        for name, value in ((Var.QUEUE, cmd.queue), (Var.PRIORITY, str(cmd.priority))):
            await self._ami.action(
                "Setvar", {"Channel": caller.channel, "Variable": name, "Value": value}
            )

    async def _dial_customer(self, cmd: DialCustomer) -> None:
        """Dial the callback's customer from the trunk; answered -> [acd-callback-leg]
        says so (CustomerAnswered); busy, no answer or a failure -> CustomerUnreachable.

        The number is checked again now (do-not-call lists, calling hours), at every
        attempt: a number listed since the booking, or a retry that falls outside the
        hours, is not dialled; the engine journals the attempt with the rules that
        refused it, and retries or gives up as for a customer who did not answer."""
        dialling = self._dialling
        leg = self._legs.new_customer_leg(cmd.call_id, cmd.queue, cmd.number)
        call = CustomerCall(
            call_id=cmd.call_id,
            channel_id=leg.channel,
            queue=cmd.queue,
            number=cmd.number,
            trunk=dialling.trunk,
            caller_id=dialling.caller_id,
            ring_s=dialling.ring_s,
            context=Context.CALLBACK_LEG,
            # As on a caller's line: once bridged, a restarted server finds the call.
            variables={Var.QUEUE: cmd.queue, Var.ENTERED: f"{cmd.entered_at:.6f}"},
        )
        dialled = await self._customers.dial(call, self._check_callback)
        if not dialled.answered:
            self._legs.drop_caller(cmd.call_id)
            self._feed(CustomerUnreachable(cmd.call_id, dialled.reason))

    def _check_callback(self, number: str, at: float) -> DialVerdict:
        return check_dial(number, at, self._dialling.rules)

    async def _redirect(self, channel: str, context: str) -> None:
        await self._ami.action(
            "Redirect", {"Channel": channel, "Context": context, "Exten": "s", "Priority": "1"}
        )


# Commands that act on the caller's own channel; each call's run in order (see execute).
_ON_THE_CALLERS_LINE = (
    ConnectCall,
    Announce,
    RemoveCaller,
    OverflowCaller,
    MoveCaller,
    ReleaseCaller,
)


def bridge_mark(agent_id: str, leg_id: str, at: float) -> str:
    """ACD_BRIDGED's value: who, which leg, since when (recovery.py reads it back)."""
    return f"{agent_id} {leg_id} {at:.3f}"


def _minutes(estimated_wait_s: float) -> int:
    """Whole minutes to announce; 0 = under a minute; -1 = unknown (nobody to answer)."""
    if not math.isfinite(estimated_wait_s) or estimated_wait_s < 0:
        return -1
    return 0 if estimated_wait_s < 60 else round(estimated_wait_s / 60)
