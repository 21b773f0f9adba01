"""`acd user`: the people who may use the API and the web console (acd/adapters/api/users.py).

    acd user add maria --role supervisor [--tenant acme]    asks for the password twice
    acd user add 1001 --role agent --agent 1001
    acd user add ops --role admin --password-stdin < file   a password from a program
    acd user passwd maria
    acd user remove maria
    acd user list

The file is acd.yaml's `api.users` (default var/users.json), mode 0600. A password is
never printed, logged or taken from the command line (other local accounts can read
command lines). Mistakes are one line naming what is wrong, and exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from acd.adapters.api.users import ROLES, User, UserError, UserStore
from acd.core.settings import Settings, load_settings


def register(commands: Any) -> None:
    parser = commands.add_parser("user", help="who may use the API: add, passwd, remove, list")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="a new user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--agent", default="", help="the agent id (role agent)")
    add.add_argument("--tenant", default="", help="the client company the user belongs to")
    add.add_argument("--password-stdin", action="store_true", help="read the password there")
    add.set_defaults(handler=_add)
    passwd = actions.add_parser("passwd", help="a new password for a user")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password there")
    passwd.set_defaults(handler=_passwd)
    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)
    listed = actions.add_parser("list", help="the users: name, role, agent, tenant")
    listed.set_defaults(handler=_list)


def _add(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.role == "agent" and args.agent not in {a.id for a in settings.acd.agents}:
        return _fail(f"--agent {args.agent!r} is not an agent of {settings.source}")
    if args.tenant and args.tenant not in settings.tenants:
        declared = ", ".join(settings.tenants) or "none"
        return _fail(
            f"--tenant {args.tenant!r} is not declared in {settings.source} (tenants: {declared})"
        )
    user = User(args.name, args.role, args.agent, args.tenant)
    return _change(settings, lambda store: store.add(user, _password(args)), f"added {user.name}")


def _passwd(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    return _change(
        settings,
        lambda store: store.set_password(args.name, _password(args)),
        f"new password for {args.name}",
    )


def _remove(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    return _change(settings, lambda store: store.remove(args.name), f"removed {args.name}")


def _list(args: argparse.Namespace) -> int:
    try:
        users = UserStore(load_settings(args.config).users_file).users()
    except UserError as exc:
        return _fail(str(exc))
    print(f"{'USER':<20} {'ROLE':<11} {'AGENT':<8} TENANT")
    for u in users:
        print(f"{u.name:<20} {u.role:<11} {u.agent or '-':<8} {u.tenant or '-'}")
    return 0


def _change(settings: Settings, change: Callable[[UserStore], None], done: str) -> int:
    try:
        store = UserStore(settings.users_file)
        change(store)
    except UserError as exc:
        return _fail(str(exc))
    print(f"acd user: {done} ({settings.users_file})")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ; nothing changed")
    return first


def _fail(message: str) -> int:
    print(f"acd user: {message}", file=sys.stderr)
    return 2
