"""The API's users: Argon2id hashes in a file only its owner reads; a wrong password, an
unknown name and a damaged file each say so; `acd user` manages them without ever
showing a password."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from acd.adapters.api.users import User, UserError, UserStore
from acd.cli import main
from tests.conftest import PROJECT

# Cheap parameters for the tests' speed; the product uses argon2-cffi's defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
GOOD = "correct horse battery"


def _store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "var" / "users.json", FAST)


def test_a_user_added_is_verified_by_their_password_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    maria = User("maria", "supervisor", tenant="acme")
    store.add(maria, GOOD)
    again = _store(tmp_path)  # as the server reads it at its start
    assert again.verify("maria", GOOD) == maria
    assert again.verify("maria", GOOD + "!") is None
    assert again.verify("nobody", GOOD) is None
    text = (tmp_path / "var" / "users.json").read_text()
    assert GOOD not in text
    assert json.loads(text)["users"]["maria"]["hash"].startswith("$argon2id$")


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add(User("ops", "admin"), GOOD)
    mode = stat.S_IMODE((tmp_path / "var" / "users.json").stat().st_mode)
    assert mode == 0o600


def test_password_changes_and_removal(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add(User("ops", "admin"), GOOD)
    store.set_password("ops", "another long one")
    assert _store(tmp_path).verify("ops", GOOD) is None
    assert _store(tmp_path).verify("ops", "another long one") is not None
    store.remove("ops")
    assert _store(tmp_path).users() == []


@pytest.mark.parametrize(
    ("user", "password", "said"),
    [
        (User("Maria", "admin"), GOOD, "lower-case"),
        (User("maria", "boss"), GOOD, "role 'boss'"),
        (User("maria", "agent"), GOOD, "which agent"),
        (User("maria", "admin"), "short", "at least 10"),
        (User("maria", "admin", tenant="ACME Inc"), GOOD, "tenant"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_written(
    tmp_path: Path, user: User, password: str, said: str
) -> None:
    store = _store(tmp_path)
    with pytest.raises(UserError, match=said):
        store.add(user, password)
    assert not (tmp_path / "var" / "users.json").exists()


def test_a_name_twice_and_an_unknown_name_are_refused(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add(User("ops", "admin"), GOOD)
    with pytest.raises(UserError, match="already a user 'ops'"):
        store.add(User("ops", "supervisor"), GOOD)
    with pytest.raises(UserError, match="no user 'ghost'"):
        store.set_password("ghost", GOOD)
    with pytest.raises(UserError, match="no user 'ghost'"):
        store.remove("ghost")


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"version": 9, "users": {}}',
        '{"version": 1, "users": {"ops": {"hash": "x"}}}',  # no role
        '{"version": 1, "users": {"OPS": {"role": "admin", "hash": "x"}}}',
        '["a list"]',
    ],
)
def test_a_damaged_file_is_named_in_the_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "var" / "users.json"
    path.parent.mkdir()
    path.write_text(content)
    with pytest.raises(UserError, match=str(path)):
        _store(tmp_path)


def test_a_hash_that_is_not_argon2_never_verifies(tmp_path: Path) -> None:
    path = tmp_path / "var" / "users.json"
    path.parent.mkdir()
    path.write_text('{"version": 1, "users": {"ops": {"role": "admin", "hash": "plain"}}}')
    assert _store(tmp_path).verify("ops", "plain") is None


def _config(tmp_path: Path) -> Path:
    """The example configuration, its users file in ``tmp_path``."""
    text = (PROJECT / "config" / "acd.yaml").read_text()
    users = tmp_path / "users.json"
    config = tmp_path / "acd.yaml"
    config.write_text(text.replace("  port: 8089\n", f"  port: 8089\n  users: {users}\n", 1))
    return config


def test_the_command_adds_lists_changes_and_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert main(["--config", str(config), "user", "add", "1001", "--role", "agent",
                 "--agent", "1001", "--password-stdin"]) == 0  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    assert main(["--config", str(config), "user", "add", "boss", "--role", "admin",
                 "--password-stdin"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["--config", str(config), "user", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split() for line in listed[1:]] == [
        ["1001", "agent", "1001", "-"],
        ["boss", "admin", "-", "-"],
    ]
    assert UserStore(tmp_path / "users.json").verify("boss", GOOD) is not None
    assert main(["--config", str(config), "user", "remove", "boss"]) == 0
    assert [u.name for u in UserStore(tmp_path / "users.json").users()] == ["1001"]
    out = capsys.readouterr()
    assert GOOD not in out.out + out.err


def test_the_command_says_what_is_wrong_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    code = main(["--config", str(config), "user", "add", "x", "--role", "agent",
                 "--agent", "9999", "--password-stdin"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.strip().startswith("acd user: --agent '9999' is not an agent")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = main(["--config", str(config), "user", "add", "ops", "--role", "admin",
                 "--password-stdin"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.strip() == "acd user: a password needs at least 10 characters"
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    code = main(["--config", str(config), "user", "add", "sam", "--role", "supervisor",
                 "--tenant", "initech", "--password-stdin"])  # fmt: skip
    assert code == 2
    assert "--tenant 'initech' is not declared" in capsys.readouterr().err
    assert not (tmp_path / "users.json").exists()
