"""The server's settings for a bench run on the sandbox Asterisk, written to the run's own
folder (bench/answer_to_agent.py, bench/load.py, bench/vs_app_queue.py).

From config/acd.yaml a run takes only what describes the sandbox it runs on (Asterisk's
addresses, trunks, voicemail, and the agents unless it brings its own), so a change to
the example queues cannot change what is measured. The rest is the run's: one queue,
"bench", with no wrap-up, no announcements and no limit on the wait, so that the figures
are the server's own path; its journal, API port and (empty) IVR folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parent.parent
SANDBOX_KEYS = ("language", "asterisk", "trunks", "voicemail")


def sandbox_settings(*more_keys: str) -> dict[str, Any]:
    """config/acd.yaml's entries that describe the sandbox, and ``more_keys`` if present."""
    example: dict[str, Any] = yaml.safe_load((PROJECT / "config" / "acd.yaml").read_text())
    return {key: example[key] for key in (*SANDBOX_KEYS, *more_keys) if key in example}


def agent_ids(agents: int) -> list[str]:
    """The run's agents, 1001 to 1000 + ``agents``: their ids are their SIP accounts too."""
    return [f"{1001 + n}" for n in range(agents)]


def write_many_agents_config(work: Path, agents: int, api_port: int, number: str) -> Path:
    """Writes ``work``/acd.yaml for ``agents`` agents (agent_ids), more than config/acd.yaml
    has, all in the queue "bench" that ``number`` reaches. The secrets file is copied into
    ``work``: the same AMI secret, and the sandbox writes the extra agents' passwords
    there, not into var/secrets.json. Returns the file's path."""
    config = sandbox_settings()
    asterisk = config["asterisk"]
    asterisk["files"] = str(PROJECT / asterisk["files"])
    # A copy of the secrets: the same AMI secret, and the extra agents' passwords stay here.
    secrets = work / "secrets.json"
    shutil.copy(PROJECT / asterisk["secrets"], secrets)
    asterisk["secrets"] = str(secrets)
    ids = agent_ids(agents)
    config["agents"] = [{"id": i, "name": f"Agent {i}", "auto_pause_after": 0} for i in ids]
    return write_bench_config(work, api_port, config, ids, number)


def write_bench_config(
    work: Path, api_port: int, sandbox: dict[str, Any], members: list[str], number: str
) -> Path:
    """Writes ``work``/acd.yaml: ``sandbox`` (its agents included), and the queue "bench"
    of ``members`` that ``number`` reaches with no IVR menu. Returns the file's path."""
    (work / "ivr").mkdir(exist_ok=True)
    config = {
        **sandbox,
        "queues": [
            {
                "name": "bench",
                "members": members,
                "strategy": "longest-idle",
                "wrap_up_s": 0,
                "announce_every_s": 0,
                "join_empty": [],
                "max_wait_s": 0,
                "ring_timeout_s": 15,
            }
        ],
        "numbers": {number: {"queue": "bench"}},
        "journal": {"path": str(work / "journal.sqlite3"), "queue_log": str(work / "ql")},
        "api": {
            "host": "127.0.0.1",
            "port": api_port,
            "token": str(work / "api-token"),
            "users": str(work / "users.json"),
        },
        "ivr": {"menus": str(work / "ivr"), "sounds": str(work / "sounds")},
    }
    path = work / "acd.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path
