"""Campaigns: one ``config/campaigns/*.yaml`` file each (docs/dialer.md, "Campaign files"),
read into a frozen :class:`Campaign` or refused with a ConfigError naming file, line and
key, with a hint.

    campaigns = load_campaigns(Path("config/campaigns"), context_of(settings))

Modules: ``model`` (the dataclasses and enums), ``load`` (files and folders), ``who``
(queue, agents, trunk, the agentless message), ``law`` (no looser than the law),
``sections`` (retries, machine detection, leads, calendar, do-not-call lists), ``read``
(small readers and hints).
"""

from acd.core.yamlfile import ConfigError
from dialer.campaign.load import load_campaign, load_campaigns
from dialer.campaign.model import (
    AutomatedMessage,
    CallbackOwner,
    Campaign,
    MachineDetection,
    MachineTreatment,
    Mode,
    Retries,
    RetryRule,
)
from dialer.campaign.who import CampaignContext, context_of

__all__ = [
    "AutomatedMessage",
    "CallbackOwner",
    "Campaign",
    "CampaignContext",
    "ConfigError",
    "MachineDetection",
    "MachineTreatment",
    "Mode",
    "Retries",
    "RetryRule",
    "context_of",
    "load_campaign",
    "load_campaigns",
]
