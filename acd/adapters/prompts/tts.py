"""Text to speech for prompts (whispers to agents now; IVR prompts later)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

# espeak-ng voice per prompt language.
VOICES = {"en": "en-gb", "fr": "fr-fr"}
FOLDER = "acd"  # under Asterisk's sounds folder: Playback(acd/tts-...)


class PromptError(Exception):
    """A prompt could not be made (missing tool, or the tool failed)."""


def prompt_name(text: str, language: str) -> str:
    """What Playback() is given: the same text and language always give the same name."""
    digest = hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:16]
    return f"{FOLDER}/tts-{digest}"


def synthesize(text: str, language: str, sounds_dir: Path) -> Path:
    """Writes the prompt under ``sounds_dir`` (Asterisk's sounds folder) unless it exists."""
    target = sounds_dir / f"{prompt_name(text, language)}.wav"
    if target.exists():
        return target
    for tool, package in (("espeak-ng", "espeak-ng"), ("sox", "sox")):
        if shutil.which(tool) is None:
            raise PromptError(
                f"'{tool}' is not installed. Install it with: apt-get install {package}"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        spoken = Path(tmp) / "spoken.wav"
        _run(["espeak-ng", "-v", VOICES.get(language, "en-gb"), "-w", str(spoken), text])
        # Asterisk's format_wav plays 8 kHz, mono, 16-bit PCM.
        _run(["sox", str(spoken), "-r", "8000", "-c", "1", "-b", "16", str(target)])
    return target


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    if result.returncode != 0:
        raise PromptError(f"{argv[0]} failed: {result.stderr.strip()[-300:]}")
