"""The ``winsession`` command (also ``python -m winsession``).

So far: ``winsession smb list [--server S] [--client C] [--user U] [--level N] [--json]``,
a ``net session``-like table of the SMB sessions on a server.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
from collections.abc import Sequence
from typing import Optional, TextIO

from . import net
from .errors import WinSessionError

__all__ = ["main", "main_exit"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winsession", description="See and control Windows sessions."
    )
    groups = parser.add_subparsers(dest="group", required=True)
    smb = groups.add_parser("smb", help="SMB sessions on a file server")
    smb_commands = smb.add_subparsers(dest="command", required=True)
    smb_list = smb_commands.add_parser("list", help="list SMB sessions (like `net session`)")
    smb_list.add_argument("--server", help="server name (default: this computer)")
    smb_list.add_argument("--client", help="only sessions from this client")
    smb_list.add_argument("--user", help="only sessions of this user")
    smb_list.add_argument("--level", type=int, default=10, choices=(0, 1, 2, 10, 502))
    smb_list.add_argument("--json", action="store_true", help="one JSON array")
    return parser


def _smb_list(args: argparse.Namespace, out: TextIO) -> None:
    sessions = net.enum_sessions(args.server, client=args.client, user=args.user, level=args.level)
    # Fetch the first page before printing anything, so an error is not preceded by a header.
    first = next(sessions, None)
    records = itertools.chain([] if first is None else [first], sessions)
    if args.json:
        json.dump([dataclasses.asdict(s) for s in records], out, indent=2)
        out.write("\n")
        return
    out.write(f"{'Computer':<24} {'User name':<20} {'Active':>10} {'Idle':>10}\n")
    count = 0
    for s in records:
        user = getattr(s, "user_name", "")
        active = getattr(s, "active_duration", "")
        idle = getattr(s, "idle_duration", "")
        out.write(f"{s.client_name:<24} {user:<20} {active!s:>10} {idle!s:>10}\n")
        count += 1
    out.write(f"{count} session(s)\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    0 success, 1 an API error (the message says what to do), 2 usage.
    """
    args = _parser().parse_args(argv)
    try:
        _smb_list(args, sys.stdout)
    except WinSessionError as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return 1
    return 0


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())
