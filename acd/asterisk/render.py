"""Renders Asterisk's configuration from the project's own config (config/acd.yaml).

Templates live in config/asterisk/*.conf.j2. `acd asterisk-config` writes them for an
Asterisk of your own; the sandbox into its chroot's /etc/asterisk-acd, a folder of its
own so Debian's samples are never mixed in.
"""

from __future__ import annotations

import os
import secrets as random_source
from pathlib import Path

import jinja2

from acd.asterisk.dialplan import (
    BEAT_LATE_S,
    HOLD_CHECK_S,
    LEASE_S,
    OBSERVER_USER,
    SERVER_EVENTS,
    Context,
    Script,
    Var,
)
from acd.asterisk.secrets import AsteriskSecrets
from acd.core.engine.config import Strategy
from acd.core.settings import Settings
from acd.core.settings.fallback_model import DEFAULT_MESSAGE

# A queue's copy in app_queue, for when the server cannot take calls ([acd-fallback]):
# the nearest of app_queue's strategies that never sticks to one phone. Not leastrecent
# nor fewestcalls: a registered phone that nobody answers stays the least recent (and
# has the fewest calls), so app_queue rings it again after every timeout. Seen in the
# fault campaign: a caller rang one unattended phone for 4 minutes while three agents
# were free. rrmemory moves on to the next phone after each unanswered ring.
APP_QUEUE_STRATEGY = {
    Strategy.LONGEST_IDLE: "rrmemory",
    Strategy.ROUND_ROBIN: "rrmemory",
    Strategy.FEWEST_CALLS: "rrmemory",
    Strategy.LEAST_TALK_TIME: "rrmemory",
    Strategy.RANDOM: "random",
    Strategy.LINEAR: "linear",
    Strategy.RING_ALL: "ringall",
    Strategy.SKILLS: "rrmemory",
}


def fallback_queue(queue: str) -> str:
    """app_queue's name for the copy of one of our queues."""
    return f"acd-fallback-{queue}"


def render_all(
    templates: Path,
    out: Path,
    settings: Settings,
    secrets: AsteriskSecrets,
    etc_dir: str,
    bench: bool = False,
) -> list[Path]:
    """Write every template to ``out`` (without the .j2 suffix); returns the files written.

    ``etc_dir`` is where Asterisk will read them from (the chroot's own folder for the
    sandbox, usually /etc/asterisk for a production Asterisk). ``bench``: the sandbox's
    app_queue comparison too (extensions 198 and 199, queue "bench")."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly, not as ""
        keep_trailing_newline=True,
        autoescape=False,  # Asterisk config, not HTML
    )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for template in sorted(templates.glob("*.conf.j2")):
        text = env.get_template(template.name).render(
            settings=settings,
            secrets=secrets,
            etc_dir=etc_dir,
            pin=_pin,
            ctx=Context,
            var=Var,
            script=Script,
            bench=bench,
            hold_check_s=HOLD_CHECK_S,
            lease_s=LEASE_S,
            beat_late_s=BEAT_LATE_S,
            server_events=SERVER_EVENTS,
            observer_user=OBSERVER_USER,
            default_message=DEFAULT_MESSAGE,
            fallback_queue=fallback_queue,
            app_queue_strategy=lambda q: APP_QUEUE_STRATEGY[q.strategy],
        )
        target = out / template.name.removesuffix(".j2")
        _write_private(target, text, SECRET_FILES.get(target.name, 0o640))
        written.append(target)
    return written


# Files holding a secret (the AMI secret, SIP passwords, mailbox PINs): their owner only.
# The others: their owner, and Asterisk's group where it runs as its own user.
SECRET_FILES = {"manager.conf": 0o600, "pjsip.conf": 0o600, "voicemail.conf": 0o600}


def _write_private(target: Path, text: str, mode: int) -> None:
    """Written with its mode from the start (never readable by others, even briefly),
    then renamed over the old file."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, mode)  # whatever the umask
    os.replace(tmp, target)


def _pin() -> str:
    """A voicemail box PIN nobody needs to know (no one listens by phone in the sandbox)."""
    return f"{random_source.randbelow(10**6):06d}"
