"""Generated credentials: the AMI secret and one SIP password per agent phone.

Generated once and kept in the file acd.yaml names (``asterisk.secrets``, by default
var/secrets.json, mode 0600), so phones registered by hand keep working across restarts;
new agents in the config get a password the next time the file is read. The server
reads its AMI secret there (unless ACD_AMI_SECRET is set); `acd asterisk-config` and
the sandbox write the same secrets into Asterisk's configuration.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from acd.core.settings import Settings


@dataclass(frozen=True)
class AsteriskSecrets:
    ami_secret: str
    agent_passwords: dict[str, str]


def ami_secret(settings: Settings) -> str:
    """The server's AMI secret: ACD_AMI_SECRET if set, else the secrets file's."""
    return os.environ.get("ACD_AMI_SECRET") or load_or_create(settings).ami_secret


def load_or_create(settings: Settings) -> AsteriskSecrets:
    path = settings.secrets_file
    data: dict[str, object] = json.loads(path.read_text()) if path.exists() else {}
    ami_secret = str(data.get("ami_secret") or secrets.token_urlsafe(18))
    stored = data.get("agent_passwords")
    passwords = {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}
    for agent in settings.agents:
        passwords.setdefault(agent.id, secrets.token_urlsafe(12))
    result = AsteriskSecrets(ami_secret, passwords)
    _write_private(path, {"ami_secret": ami_secret, "agent_passwords": passwords})
    return result


def _write_private(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
    os.replace(tmp, path)
