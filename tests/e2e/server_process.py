"""The real server, run as its own process (`python -m acd run`), as an operator runs it:
so a test can kill it with SIGKILL and start it again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp

from acd.adapters.api.auth import read_token_file
from acd.core.settings import load_settings


class ServerProcess:
    def __init__(
        self, config: Path, log: Path, api_port: int, run_args: tuple[str, ...] = ()
    ) -> None:
        self._config, self._log, self._port = config, log, api_port
        self._token_file = load_settings(config).api_token_file
        self._run_args = run_args  # e.g. ("--clock-start", "2026-12-07T11:00+01:00")
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self, timeout_s: float = 20) -> None:
        with open(self._log, "ab") as out:  # noqa: ASYNC230 (a local log file)
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "acd",
                "--config",
                str(self._config),
                "run",
                *self._run_args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        await asyncio.wait_for(self._until_ready(), timeout_s)

    async def _until_ready(self) -> None:
        # Polling a process that is starting: there is no event to await before its API is up.
        while True:
            assert self._proc is not None
            assert self._proc.returncode is None, self.log_tail()
            try:
                status = await self.get("/api/status")
                if status.get("asterisk") == "connected":
                    return
            except (aiohttp.ClientError, OSError):
                pass
            await asyncio.sleep(0.1)

    async def get(self, path: str) -> Any:
        return await self.request("GET", path)

    async def request(self, method: str, path: str, body: object = None) -> Any:
        _, text = await self.call(method, path, body)
        return json.loads(text)

    async def call(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """The HTTP status and the body as text: for /metrics, and to check answers
        against the OpenAPI document, errors included. With the local token the server
        wrote, as the CLI on this machine, unless ``headers`` say otherwise."""
        url = f"http://127.0.0.1:{self._port}{path}"
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session,
            session.request(
                method, url, json=body, headers=self.local_auth() if headers is None else headers
            ) as response,
        ):
            return response.status, await response.text()

    @property
    def token_file(self) -> Path:
        return self._token_file

    def local_auth(self) -> dict[str, str]:
        try:
            return {"Authorization": f"Bearer {read_token_file(self._token_file)}"}
        except FileNotFoundError:  # not written yet: the server is starting
            return {}

    async def stop(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self._proc.wait(), 10)
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()

    async def kill_9(self) -> None:
        assert self._proc is not None
        self._proc.kill()
        await self._proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self._log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
