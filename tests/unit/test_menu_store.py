"""The menus in force: a valid edit becomes a new version, a broken one is refused with
every problem and the version in force stays; older versions stay for calls in progress."""

from __future__ import annotations

from pathlib import Path

from acd.adapters.prompts import PromptError
from acd.server.menus import MenuStore
from ivr.model import IvrLibrary
from tests.unit.test_ivr_loader import CONTEXT, SMALL


def _store(folder: Path, made: list[str]) -> MenuStore:
    def prepare(library: IvrLibrary) -> None:
        if any("unspeakable" in str(m.nodes) for m in library.menus.values()):
            raise PromptError("espeak-ng failed")
        made.append(library.version)

    return MenuStore(folder, CONTEXT, prepare)


def test_a_valid_edit_serves_new_calls_and_the_old_version_stays_for_calls_in_progress(
    tmp_path: Path,
) -> None:
    (tmp_path / "small.yaml").write_text(SMALL)
    made: list[str] = []
    store = _store(tmp_path, made)
    assert store.reload() is True
    first = store.current()
    assert first is not None
    assert store.reload() is False  # nothing changed: no new version, prompts not redone
    (tmp_path / "small.yaml").write_text(SMALL.replace("queue: sales}", "queue: support}"))
    assert store.reload() is True
    second = store.current()
    assert second is not None
    assert second.version != first.version
    assert made == [first.version, second.version]
    assert store.version(first.version) is first
    assert store.status()["last_reload"]["accepted"] is True


def test_a_broken_edit_is_refused_and_the_menus_in_force_stay(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL)
    store = _store(tmp_path, [])
    store.reload()
    in_force = store.current()
    assert in_force is not None
    (tmp_path / "small.yaml").write_text(SMALL.replace("options:", "options: [oops"))
    assert store.reload() is False
    assert store.current() is in_force
    status = store.status()
    assert status["version"] == in_force.version
    assert status["last_reload"]["accepted"] is False
    assert any(p.startswith(f"{tmp_path}/small.yaml:") for p in status["last_reload"]["problems"])


def test_a_prompt_that_cannot_be_made_refuses_the_version(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL)
    store = _store(tmp_path, [])
    store.reload()
    in_force = store.current()
    (tmp_path / "small.yaml").write_text(SMALL.replace("Press 1 for sales.", "unspeakable"))
    assert store.reload() is False
    assert store.current() is in_force
    assert store.status()["last_reload"]["problems"] == [
        "a prompt could not be made: espeak-ng failed"
    ]


def test_no_folder_means_no_menus(tmp_path: Path) -> None:
    store = _store(tmp_path / "absent", [])
    assert store.reload() is True
    library = store.current()
    assert library is not None
    assert dict(library.menus) == {}
