"""``winsession smb ...``: SMB sessions on a file server."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
from collections.abc import Iterator
from typing import Any, Callable

from .. import net
from ..errors import (
    SessionNotFoundError,
)
from ._common import (
    EXIT_API_ERROR,
    EXIT_OK,
    UsageError,
    add_format_options,
    add_server_option,
    confirm,
    emit_record,
    emit_rows,
    format_duration,
    output,
    where_text,
)

# --- smb ------------------------------------------------------------------------------------


def _smb_rows(records: Iterator[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(r) for r in records]


def _smb_table(level: int) -> list[tuple[str, str, Callable[[dict[str, Any]], str]]]:
    columns: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
        ("Computer", "<", lambda r: r["client_name"] or "")
    ]
    if level != 0:
        columns.append(("User name", "<", lambda r: r["user_name"] or ""))
    if level in (1, 2, 502):
        columns.append(("Opens", ">", lambda r: str(r["num_opens"])))
    if level != 0:
        columns.append(("Active", ">", lambda r: format_duration(r["active_time"])))
        columns.append(("Idle", ">", lambda r: format_duration(r["idle_time"])))
    if level in (2, 502):
        columns.append(("Client type", "<", lambda r: r["client_type"] or ""))
    if level == 502:
        columns.append(("Transport", "<", lambda r: r["transport"] or ""))
    return columns


def _smb_list(args: argparse.Namespace) -> int:
    rows = _smb_rows(
        net.enum_sessions(args.server, client=args.client, user=args.user, level=args.level)
    )
    emit_rows(args, rows, _smb_table(args.level), f"{len(rows)} session(s)")
    return EXIT_OK


def _smb_info(args: argparse.Namespace) -> int:
    info = net.get_session_info(args.client, args.user, server=args.server, level=args.level)
    record = dataclasses.asdict(info)
    if not (args.json or args.csv):
        for key in ("active_time", "idle_time"):
            if key in record:
                record[key] = datetime.timedelta(seconds=record[key])
        if "user_flags" in record:
            record["user_flags"] = str(net.SessionFlags(record["user_flags"]).name or "none")
    emit_record(args, record)
    return EXIT_OK


def _smb_close(args: argparse.Namespace) -> int:
    if args.all and (args.client or args.user):
        raise UsageError("--all closes every session; do not combine it with --client/--user")
    if not (args.all or args.client or args.user):
        raise UsageError("say which sessions to close: --client, --user, or --all")
    where = where_text(args.server)
    if args.all:
        sessions = net.enum_sessions(args.server, level=0)
        clients = list(dict.fromkeys(s.client_name for s in sessions))
        if not clients:
            output().write(f"No SMB sessions {where}.\n")
            return EXIT_OK
        if not confirm(args, f"Close all {len(clients)} client(s)' SMB sessions {where}?"):
            return EXIT_API_ERROR
        closed = 0
        for client in clients:
            try:
                net.delete_session(args.server, client=client)
                closed += 1
            except SessionNotFoundError:
                pass  # gone meanwhile
        output().write(f"Closed the sessions of {closed} client(s) {where}.\n")
        return EXIT_OK
    what = " ".join(
        part for part in (
            f"from {args.client}" if args.client else "",
            f"of user {args.user}" if args.user else "",
        ) if part
    )  # fmt: skip
    if not confirm(args, f"Close the SMB sessions {what} {where}?"):
        return EXIT_API_ERROR
    net.delete_session(args.server, client=args.client, user=args.user)
    output().write(f"Closed the SMB sessions {what} {where}.\n")
    return EXIT_OK


def register(groups: Any) -> None:
    """Add ``smb`` and its commands to the top-level subparsers."""
    smb = groups.add_parser("smb", help="SMB sessions on a file server")
    smb_commands = smb.add_subparsers(dest="command", metavar="{list,info,close}")
    smb_commands.required = True
    p = smb_commands.add_parser("list", help="list SMB sessions (like `net session`)")
    add_server_option(p)
    p.add_argument("--client", help="only sessions from this client computer")
    p.add_argument("--user", help="only sessions of this user")
    p.add_argument(
        "--level",
        type=int,
        default=10,
        choices=(0, 1, 2, 10, 502),
        help="information level (default 10; 1, 2, 502 need administrators)",
    )
    add_format_options(p)
    p.set_defaults(run=_smb_list)
    p = smb_commands.add_parser("info", help="one session (NetSessionGetInfo)")
    p.add_argument("client")
    p.add_argument("user")
    add_server_option(p)
    p.add_argument("--level", type=int, default=2, choices=(0, 1, 2, 10))
    add_format_options(p)
    p.set_defaults(run=_smb_info)
    p = smb_commands.add_parser("close", help="close SMB sessions (like Close-SmbSession)")
    add_server_option(p)
    p.add_argument("--client", help="close every session from this client")
    p.add_argument("--user", help="close every session of this user")
    p.add_argument("--all", action="store_true", help="close every session on the server")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_smb_close)
