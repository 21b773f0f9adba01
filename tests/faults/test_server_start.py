"""A server that cannot serve says why and stops: `acd run` exits with status 1 and one
line naming what failed (a port taken, an unusable journal, Asterisk unreachable, a task
that died), instead of waiting for a stop signal while serving nothing. Docker and
systemd restart a process that exits; they cannot restart one that hangs.

No Asterisk here: each fault comes before or instead of it (the AMI port of these
configurations has nobody listening)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from acd.core.settings import Settings, load_settings
from acd.server import Server, ServiceDied, StartupError
from acd.server.menus import MenuStore
from testbed.phones.ports import free_tcp_port
from tests.conftest import PROJECT

EXIT_WITHIN_S = 10.0


def _config(tmp: Path, edit: Callable[[dict[str, Any]], None] = lambda c: None) -> Path:
    config = yaml.safe_load((PROJECT / "config" / "acd.yaml").read_text())
    config["journal"] = {"path": str(tmp / "journal.sqlite3"), "queue_log": str(tmp / "ql")}
    config["api"] = {"host": "127.0.0.1", "port": free_tcp_port(), "token": str(tmp / "api-token")}
    config["asterisk"]["agi"]["port"] = free_tcp_port()
    config["asterisk"]["ami"]["port"] = free_tcp_port()  # nobody there
    (tmp / "ivr").mkdir(exist_ok=True)
    config["ivr"] = {"menus": str(tmp / "ivr"), "sounds": str(tmp / "sounds")}
    edit(config)
    path = tmp / "acd.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def _acd_run(tmp: Path, config: Path, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """`acd --config <config> run` in its own process; ``prelude``: Python run first in
    that process (to inject a fault)."""
    code = f"{prelude}\nimport sys\nfrom acd.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(config), "run"],
        cwd=tmp,
        env={**os.environ, "ACD_AMI_SECRET": "not-used", "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=EXIT_WITHIN_S,
        check=False,
    )


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_fastagi_port_taken_exits_and_names_the_port(tmp_path: Path) -> None:
    config = _config(tmp_path)
    port = yaml.safe_load(config.read_text())["asterisk"]["agi"]["port"]
    with socket.create_server(("127.0.0.1", port)):
        result = _acd_run(tmp_path, config)
    assert result.returncode == 1, result.stderr
    line = _last_line(result)
    assert "FastAGI" in line
    assert f"127.0.0.1:{port}" in line
    assert "address already in use" in line.lower()


def test_engine_that_dies_ends_the_process(tmp_path: Path) -> None:
    fault = (
        "from acd.core.engine import Engine\n"
        "def broken(self):\n"
        "    raise RuntimeError('injected fault')\n"
        "Engine.next_deadline = broken\n"
    )
    result = _acd_run(tmp_path, _config(tmp_path), prelude=fault)
    assert result.returncode == 1, result.stderr
    assert "the ACD engine failed: RuntimeError('injected fault')" in _last_line(result)


def test_unusable_journal_exits_and_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    (folder / "journal.sqlite3").mkdir(parents=True)  # a folder where the file should be

    def journal_is_a_folder(config: dict[str, Any]) -> None:
        config["journal"]["path"] = str(folder / "journal.sqlite3")

    result = _acd_run(tmp_path, _config(tmp_path, journal_is_a_folder))
    assert result.returncode == 1, result.stderr
    assert str(folder / "journal.sqlite3") in _last_line(result)


def _settings(tmp: Path) -> Settings:
    return load_settings(_config(tmp))


async def test_asterisk_unreachable_is_a_startup_error_and_closes_the_ports(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    server = Server(settings, "secret", tmp_path / "asterisk", asterisk_wait_s=1.0)
    with pytest.raises(StartupError, match=r"AMI\) at 127\.0\.0\.1:\d+ did not answer within 1 s"):
        await asyncio.wait_for(server.run(asyncio.Event()), EXIT_WITHIN_S)
    assert not server.ready.is_set()
    for endpoint in (settings.api, settings.agi):  # closed again: a restart can bind them
        socket.create_server((endpoint.host, endpoint.port)).close()


async def test_asterisk_files_that_cannot_be_written_is_a_startup_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "asterisk"
    not_a_folder.write_text("a file where Asterisk's file system should be")
    server = Server(_settings(tmp_path), "secret", not_a_folder, asterisk_wait_s=1.0)
    with pytest.raises(StartupError, match=r"cannot prepare Asterisk's files under .*asterisk"):
        await asyncio.wait_for(server.run(asyncio.Event()), EXIT_WITHIN_S)


async def test_menu_watcher_that_dies_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: MenuStore) -> None:
        raise OSError("injected fault")

    monkeypatch.setattr(MenuStore, "watch", broken)
    settings = _settings(tmp_path)
    server = Server(settings, "secret", tmp_path / "asterisk", asterisk_wait_s=5.0)
    with pytest.raises(ServiceDied, match="the IVR menu watcher failed: OSError"):
        await asyncio.wait_for(server.run(asyncio.Event()), EXIT_WITHIN_S)
