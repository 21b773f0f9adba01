"""Every kind of fact the journal keeps, from every core: the ACD engine's (each step of
each call, agent states), the IVR's (each menu node a call passes, survey scores) and the
calling rules' (an audit record of every dial checked) and the outbound calls' (acd/core/
outbound: campaign dials, outcomes, AMD verdicts, opt-outs, dispositions), and the agents'
wrap-ups of inbound calls (acd/core/wrapup.py). The
journal's codec finds a stored row's class here by its ``kind``, and the reports read
the same union. The engine itself knows only its own facts (acd/core/engine/facts.py),
and imports no other core."""

from __future__ import annotations

from acd.core.compliance.facts import COMPLIANCE_FACTS, DialChecked
from acd.core.engine.facts import ENGINE_FACTS, EngineFact
from acd.core.lifecycle import LIFECYCLE_FACTS, LifecycleFact
from acd.core.outbound.facts import OUTBOUND_FACTS, OutboundFact
from acd.core.wrapup import WRAPUP_FACTS, CallWrappedUp
from ivr.facts import IVR_FACTS, IvrFact

Fact = EngineFact | IvrFact | DialChecked | OutboundFact | LifecycleFact | CallWrappedUp
FACT_TYPES: tuple[type[Fact], ...] = (
    *ENGINE_FACTS,
    *IVR_FACTS,
    *COMPLIANCE_FACTS,
    *OUTBOUND_FACTS,
    *LIFECYCLE_FACTS,
    *WRAPUP_FACTS,
)
