"""Configuration: the typed settings model, read with acd.core.yamlfile, whose ConfigError
names the file, line and key of a mistake."""

from acd.core.settings.model import (
    AgentAccount,
    Endpoint,
    Settings,
    SipSettings,
    Trunk,
    load_settings,
    parse_settings,
)
from acd.core.yamlfile import ConfigError

__all__ = [
    "AgentAccount",
    "ConfigError",
    "Endpoint",
    "Settings",
    "SipSettings",
    "Trunk",
    "load_settings",
    "parse_settings",
]
