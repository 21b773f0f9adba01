"""Who takes a campaign's calls: a queue of acd.yaml or a list of its agents (preview,
progressive), or nobody at first (agentless: the message, whose agent key reaches a
queue); and the trunk the calls go out on. Names are checked against acd.yaml's when the
loader is given a context."""

from __future__ import annotations

from dataclasses import dataclass

from acd.core import yamlfile as y
from acd.core.settings import Settings
from acd.core.yamlfile import ConfigError, Node
from dialer.campaign import read
from dialer.campaign.model import AutomatedMessage, Mode
from dialer.campaign.sections import parse_message


@dataclass(frozen=True)
class CampaignContext:
    """What a campaign may refer to in acd.yaml (see :func:`context_of`)."""

    queues: frozenset[str]
    agents: frozenset[str]
    trunks: frozenset[str]  # those that call out


def context_of(settings: Settings) -> CampaignContext:
    """acd.yaml's queues, agents, and the trunks that call out (those with a host)."""
    return CampaignContext(
        queues=frozenset(q.name for q in settings.acd.queues),
        agents=frozenset(a.id for a in settings.agents),
        trunks=frozenset(t.name for t in settings.trunks if t.host),
    )


def parse_who(
    root: Node, top: dict[str, Node], mode: Mode, context: CampaignContext | None
) -> tuple[str, tuple[str, ...]]:
    """(queue, agents) of a preview or progressive campaign; ("", ()) for agentless."""
    given = [top[key] for key in ("queue", "agents") if key in top]
    if mode is Mode.AGENTLESS:
        if given:
            raise given[0].error(
                "an agentless campaign has no queue or agents of its own",
                "the queue its agent key reaches is message.queue",
            )
        return "", ()
    message = f"a {mode.value} campaign needs exactly one of queue or agents"
    hint = "queue: an acd.yaml queue's name, or agents: a list of agent ids"
    if len(given) > 1:
        raise given[1].error(message, hint)
    if not given:
        raise ConfigError(file=root.file, line=root.line, key="queue", message=message, hint=hint)
    if "queue" in top:
        return queue(top["queue"], context), ()
    return "", _agents(top["agents"], context)


def parse_message_for(
    root: Node, top: dict[str, Node], mode: Mode, context: CampaignContext | None
) -> AutomatedMessage | None:
    """The automated message: required in agentless mode, refused in the others."""
    if mode is not Mode.AGENTLESS:
        if "message" in top:
            raise top["message"].error(
                f"only an agentless campaign has a message (this one is {mode.value})",
                "what a person hears when no agent is free is information_message",
            )
        return None
    if "message" not in top:
        raise ConfigError(
            file=root.file,
            line=root.line,
            key="message",
            message="an agentless campaign needs its message",
            hint="message: {text: ..., queue: ..., opt_out_confirmation: ...}",
        )
    return parse_message(top["message"], lambda node: queue(node, context))


def trunk(node: Node, context: CampaignContext | None) -> str:
    name = y.text(node)
    if context is not None and name not in context.trunks:
        known = ", ".join(sorted(context.trunks)) or "none"
        raise node.error(
            f"no trunk named {name!r} that calls out (trunks with a host: {known})",
            "a trunk calls out when acd.yaml's trunks give it a host",
        )
    return name


def queue(node: Node, context: CampaignContext | None) -> str:
    name = read.name(node)
    if context is not None and name not in context.queues:
        known = ", ".join(sorted(context.queues)) or "none configured"
        raise node.error(f"no queue named {name!r} (queues: {known})", "see acd.yaml's queues")
    return name


def _agents(node: Node, context: CampaignContext | None) -> tuple[str, ...]:
    agents: list[str] = []
    for item in y.sequence(node):
        agent = y.text(item)
        if agent in agents:
            raise item.error(f"agent {agent!r} is listed twice", "list each agent once")
        if context is not None and agent not in context.agents:
            raise item.error(f"{agent!r} is not an agent of acd.yaml", "see acd.yaml's agents")
        agents.append(agent)
    if not agents:
        raise node.error("the list of agents is empty", "list agent ids, or give a queue")
    return tuple(agents)
