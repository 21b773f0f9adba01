"""Everything a set of IVR menus plays, made before the menus serve calls: text spoken
by espeak-ng (cached by content hash: a changed text gets a new file, an unchanged one is
never redone) and the operators' recordings converted to what Asterisk plays.

Operators drop WAV or MP3 files in ``sounds/<language>/``; pydub (with ffmpeg) turns
each into ``<Asterisk sounds>/ivr/<language>/<name>.wav``, 8 kHz mono 16-bit, again
whenever the operator's file is newer.
"""

from __future__ import annotations

from pathlib import Path

from acd.adapters.prompts.tts import PromptError, synthesize
from ivr.builtin import all_builtin
from ivr.model import IvrLibrary, Say, SoundFile, prompts_of

RECORDING_SUFFIXES = (".wav", ".mp3")


def prepare(library: IvrLibrary, asterisk_sounds: Path, operator_sounds: Path) -> None:
    """Makes every prompt of ``library`` that is not made yet.
    Raises PromptError naming the text or file that could not be made."""
    for speak in all_builtin():
        synthesize(speak.text, speak.language, asterisk_sounds)
    for menu in library.menus.values():
        for node in menu.nodes.values():
            for prompt in prompts_of(node):
                for part in prompt:
                    if isinstance(part, Say):
                        for language, text in part.texts.items():
                            synthesize(text, language, asterisk_sounds)
                    elif isinstance(part, SoundFile):
                        for language in menu.languages:
                            convert(part.name, language, operator_sounds, asterisk_sounds)


def convert(name: str, language: str, operator_sounds: Path, asterisk_sounds: Path) -> None:
    source = next(
        (
            operator_sounds / language / f"{name}{suffix}"
            for suffix in RECORDING_SUFFIXES
            if (operator_sounds / language / f"{name}{suffix}").exists()
        ),
        None,
    )
    if source is None:
        raise PromptError(f"no recording {name!r} for {language} in {operator_sounds / language}")
    target = asterisk_sounds / "ivr" / language / f"{name}.wav"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return
    from pydub import AudioSegment  # slow to import: only when a file is converted

    try:
        audio = AudioSegment.from_file(source)
    except Exception as exc:  # pydub raises CouldntDecodeError and bare exceptions
        raise PromptError(f"{source}: cannot be read as sound ({exc})") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    audio.set_frame_rate(8000).set_channels(1).set_sample_width(2).export(target, format="wav")
