"""Runs SIPp with a scenario rendered from testbed/phones/scenarios/*.xml.j2."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import jinja2

SCENARIOS = Path(__file__).parent / "scenarios"
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(SCENARIOS),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # SIP messages inside CDATA, not HTML
    trim_blocks=True,
    lstrip_blocks=True,
)


class SippError(Exception):
    """SIPp is missing, or a scenario did not end as expected."""


@dataclass(frozen=True)
class SippEndpoint:
    """Where SIPp talks to (Asterisk) and where it listens."""

    remote: str  # "127.0.0.1:5060"
    local_ip: str
    local_port: int


def render(template: str, workdir: Path, name: str, **values: object) -> Path:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{name}.xml"
    path.write_text(_TEMPLATES.get_template(template).render(**values), encoding="utf-8")
    return path


def sipp_binary() -> str:
    path = shutil.which("sipp")
    if path is None:
        raise SippError("SIPp is not installed. Install it with: apt-get install sip-tester")
    return path


async def start(
    scenario: Path, where: SippEndpoint, extra: list[str], log: Path
) -> asyncio.subprocess.Process:
    argv = [
        sipp_binary(),
        where.remote,
        "-sf",
        str(scenario),
        "-i",
        where.local_ip,
        "-p",
        str(where.local_port),
        "-nostdin",
        "-trace_err",
        "-error_file",
        str(log.with_suffix(".errors")),
        *extra,
    ]
    with open(log, "wb") as out:  # noqa: ASYNC230 (a local log file opens in microseconds)
        return await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT
        )


async def finish(
    proc: asyncio.subprocess.Process, timeout_s: float, what: str, log: Path | None = None
) -> None:
    """Waits for a one-shot SIPp run; exit code 0 means every call of it succeeded.

    ``log`` is the one given to :func:`start`: its error file's last line (SIPp's own
    reason, e.g. "Unable to bind video RTP socket") goes into the error."""
    try:
        code = await asyncio.wait_for(proc.wait(), timeout_s)
    except TimeoutError:
        await stop(proc)
        raise SippError(f"{what}: SIPp did not finish within {timeout_s} s") from None
    if code != 0:
        reason = _last_error(log.with_suffix(".errors")) if log is not None else ""
        raise SippError(f"{what}: SIPp exited with code {code}{reason}")


def _last_error(path: Path) -> str:
    """The last event of SIPp's error file: its lines start with a date; a quoted SIP
    message may follow on the next lines, and only its first line is kept."""
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    events = [line for line in lines if re.match(r"\d{4}-\d\d-\d\d\s", line)]
    last = (events or lines or [""])[-1].strip()
    return f" ({last[:400]})" if last else ""


def stop_all_under(directory: Path) -> int:
    """Kills every SIPp still running whose files are under ``directory`` (a test's
    phones, left behind when the test failed half-way); returns how many."""
    killed = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        if argv and argv[0].endswith(b"sipp") and str(directory).encode() in b" ".join(argv):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(cmdline.parent.name), signal.SIGKILL)
                killed += 1
    return killed


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()
