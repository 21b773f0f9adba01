"""What IVR menus may refer to, taken from acd.yaml and the Asterisk files: queues,
calendars, trunks, mailboxes, recordings, Asterisk's core sounds, the recogniser's words.
Used by the server (reloads) and by `acd ivr check`, so both refuse the same files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from acd.core.settings import Settings
from ivr.loader import MenuContext
from ivr.speech import PocketsphinxRecogniser

SOUNDS_IN_ASTERISK = Path("usr/share/asterisk/sounds")  # under the file system's root


def menu_context(settings: Settings, operator_sounds: Path, asterisk_files: Path) -> MenuContext:
    """``asterisk_files``: the file system Asterisk sees; core sounds are checked only
    when its sounds folder is there (not before the sandbox is built)."""
    sounds = asterisk_files / SOUNDS_IN_ASTERISK
    return MenuContext(
        queues=frozenset(q.name for q in settings.acd.queues),
        calendars=frozenset(settings.acd.calendars),
        trunks=frozenset(t.name for t in settings.trunks),
        mailboxes=frozenset(box.id for box in settings.voicemail),
        sounds_dir=operator_sounds,
        core_sound_exists=core_sounds(asterisk_files, sounds) if sounds.is_dir() else None,
        unknown_words=PocketsphinxRecogniser().unknown_words,
    )


def core_sounds(root: Path, sounds: Path) -> Callable[[str, str], bool]:
    def exists(name: str, language: str) -> bool:
        folder = _inside(root, sounds / language) / Path(name).parent
        stem = Path(name).name.removesuffix(Path(name).suffix)
        return folder.is_dir() and any(folder.glob(f"{stem}.*"))

    return exists


def _inside(root: Path, path: Path) -> Path:
    """``path`` with its symbolic links followed as Asterisk sees them: Debian links
    sounds/en to /etc/alternatives/..., which is inside the chroot, not on this machine."""
    for _ in range(8):
        if not path.is_symlink():
            return path
        target = Path(path.readlink())
        path = root / target.relative_to("/") if target.is_absolute() else path.parent / target
    return path
