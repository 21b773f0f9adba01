"""What a tenant (a client company of the centre) may see and act on.

A queue belongs to a tenant by its ``tenant`` key (config/acd.yaml); a campaign to its
queue's tenant; an agent to every tenant whose queues they are a member of (an agent may
serve two clients). A user with a tenant sees those queues, agents and campaigns and
the facts naming one of them; a fact naming none (an IVR step, a survey score, a
restart) is the centre's own. A user without a tenant sees everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tenancy:
    queue_tenant: Mapping[str, str]  # queue -> tenant ("" = the centre's own)
    queue_members: Mapping[str, tuple[str, ...]]  # queue -> agent ids
    campaign_queue: Mapping[str, str]  # campaign -> its queue

    @classmethod
    def of(
        cls, queues: Iterable[tuple[str, str, tuple[str, ...]]], campaigns: Mapping[str, str]
    ) -> Tenancy:
        """``queues``: (name, tenant, members) each; ``campaigns``: name -> queue."""
        listed = list(queues)
        return cls(
            {name: tenant for name, tenant, _ in listed},
            {name: members for name, _, members in listed},
            dict(campaigns),
        )

    def queues(self, tenant: str) -> frozenset[str]:
        return frozenset(q for q, t in self.queue_tenant.items() if t == tenant)

    def agents(self, tenant: str) -> frozenset[str]:
        return frozenset(a for q in self.queues(tenant) for a in self.queue_members.get(q, ()))

    def campaigns(self, tenant: str) -> frozenset[str]:
        mine = self.queues(tenant)
        return frozenset(c for c, q in self.campaign_queue.items() if q in mine)

    def owns_agent(self, tenant: str, agent: str) -> bool:
        return not tenant or agent in self.agents(tenant)

    def owns_campaign(self, tenant: str, campaign: str) -> bool:
        return not tenant or campaign in self.campaigns(tenant)

    def tenants_of(self, fact: object) -> frozenset[str]:
        """The tenants a fact concerns, by the queue, agent or campaign it names."""
        found = set()
        queue = getattr(fact, "queue", None)
        if isinstance(queue, str) and self.queue_tenant.get(queue):
            found.add(self.queue_tenant[queue])
        campaign = getattr(fact, "campaign", None)
        if isinstance(campaign, str) and campaign in self.campaign_queue:
            owner = self.queue_tenant.get(self.campaign_queue[campaign], "")
            if owner:
                found.add(owner)
        agent = getattr(fact, "agent_id", None)
        if isinstance(agent, str) and queue is None and campaign is None:
            # an agent's own state: every tenant the agent serves
            found.update(
                t for q, t in self.queue_tenant.items() if t and agent in self.queue_members[q]
            )
        return frozenset(found)

    def status_for(self, tenant: str, status: Mapping[str, Any]) -> dict[str, Any]:
        """/api/status as a tenant's user sees it: their queues and agents only."""
        if not tenant:
            return dict(status)
        queues, agents = self.queues(tenant), self.agents(tenant)
        return {
            **status,
            "queues": [q for q in status["queues"] if q["name"] in queues],
            "agents": [a for a in status["agents"] if a["agent_id"] in agents],
        }

    def campaigns_for(self, tenant: str, campaigns: list[Any]) -> list[Any]:
        if not tenant:
            return campaigns
        mine = self.campaigns(tenant)
        return [c for c in campaigns if c["campaign"] in mine]
