"""A caller on a FastAGI call, played through the fake Asterisk (agi_peer.py): every
command the server sends is answered the way res_agi.c answers it, and the caller's
keys are given in order to the commands that read keys.

    call = await ScriptedCall.start(port, "inbound?did=200", keys=["2"])
    commands = await call.run()      # every command, split like Asterisk, until EOF

``keys``: one entry per key-reading command (STREAM FILE with escape digits, WAIT FOR
DIGIT, GET DATA), in order; "" = nothing pressed (the prompt plays to its end, the wait
or the input times out). Once they run out, the caller presses nothing.
``hang_up_at``: the caller hangs up during the first command it matches (Asterisk
answers result=-1, then its HANGUP notice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from tests.fakes.agi_peer import FakeAsterisk

Command = list[str]


class ScriptedCall:
    def __init__(
        self,
        peer: FakeAsterisk,
        keys: Iterable[str] = (),
        variables: Mapping[str, str] | None = None,
        hang_up_at: Callable[[Command], bool] | None = None,
    ) -> None:
        self.peer = peer
        self.keys = list(keys)
        self.variables = dict(variables or {})
        self.hang_up_at = hang_up_at
        self.commands: list[Command] = []

    @classmethod
    async def start(
        cls,
        port: int,
        script: str,
        *,
        keys: Iterable[str] = (),
        variables: Mapping[str, str] | None = None,
        hang_up_at: Callable[[Command], bool] | None = None,
        **headers: str,
    ) -> ScriptedCall:
        peer = await FakeAsterisk.start_call(port, script, **headers)
        return cls(peer, keys, variables, hang_up_at)

    async def run(self) -> list[Command]:
        """Answers commands until the server closes the connection; returns them all."""
        try:
            while True:
                try:
                    command = await self.peer.read_command()
                except EOFError:
                    return self.commands
                self.commands.append(command)
                if self.hang_up_at is not None and self.hang_up_at(command):
                    await self.peer.reply("200 result=-1 endpos=0", "HANGUP")
                    self.hang_up_at = None
                    continue
                await self.peer.reply(self._answer(command))
        finally:
            await self.peer.close()

    def _answer(self, command: Command) -> str:
        verb = " ".join(command[:2])
        if verb == "GET VARIABLE":
            value = self.variables.get(command[2])
            return "200 result=0" if value is None else f"200 result=1 ({value})"
        if verb == "STREAM FILE":
            key = self._key() if command[3:] and command[3] else ""
            return f"200 result={ord(key) if key else 0} endpos=8000"
        if verb == "WAIT FOR":
            key = self._key()
            return f"200 result={ord(key) if key else 0}"
        if verb == "GET DATA":
            digits = self._key()
            return f"200 result={digits}" if digits else "200 result= (timeout)"
        return "200 result=1"  # SET VARIABLE, HANGUP, ANSWER...

    def _key(self) -> str:
        return self.keys.pop(0) if self.keys else ""


def words(*prefix: str) -> Callable[[Command], bool]:
    """Matches a command that starts with these words (e.g. "STREAM", "FILE", name)."""
    return lambda command: command[: len(prefix)] == list(prefix)
