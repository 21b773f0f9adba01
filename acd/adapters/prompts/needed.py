"""The spoken prompts a configuration needs, made when the server starts (in production
as in the sandbox): each queue's whisper to the agent, each overflow "message", and the
fixed dialogues (the callback offer) in every language they are written in. Texts
already made are not made again (their file name is a hash of the text)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from acd.adapters.prompts.tts import synthesize
from acd.core.engine.config import OverflowTo
from acd.core.settings import Settings

Dialogues = Mapping[str, Mapping[str, str]]  # prompt key -> language -> text


def make_needed_prompts(settings: Settings, sounds: Path, dialogues: Dialogues) -> int:
    """Writes the prompts under Asterisk's ``sounds`` folder; returns how many texts."""
    needed = set(_needed(settings, dialogues))
    for text, language in sorted(needed):
        synthesize(text, language, sounds)
    return len(needed)


def _needed(settings: Settings, dialogues: Dialogues) -> Iterator[tuple[str, str]]:
    language = settings.default_language
    for queue in settings.acd.queues:
        if queue.whisper:
            yield queue.whisper, language
        for rule in queue.overflow:
            if rule.to is OverflowTo.MESSAGE:
                yield rule.target, language
    for texts in dialogues.values():
        for spoken_in, text in texts.items():
            yield text, spoken_in
