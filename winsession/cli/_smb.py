"""``winsession smb ...``: SMB sessions on a file server."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
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


# --- open files and connections --------------------------------------------------------------


def _permissions_text(value: Any) -> str:
    return net.FilePermissions(value).text.replace("|", "+") or "none"


_FILES_TABLE: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
    ("ID", ">", lambda r: str(r["file_id"])),
    ("User name", "<", lambda r: r["user_name"] or ""),
    ("Locks", ">", lambda r: str(r["num_locks"])),
    ("Permissions", "<", lambda r: _permissions_text(r["permissions"])),
    ("Path", "<", lambda r: r["path_name"] or ""),
]


def _smb_files(args: argparse.Namespace) -> int:
    rows = _smb_rows(net.enum_files(args.server, base_path=args.path, user=args.user))
    emit_rows(args, rows, _FILES_TABLE, f"{len(rows)} open file(s)")
    return EXIT_OK


def _shown(text: str) -> str:
    """A name a remote client chose, safe to print: control, format (bidi) and other
    unprintable characters as escapes, so a path cannot rewrite the terminal or the line."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _file_text(f: net.FileInfo3) -> str:
    return f"file {f.file_id} ({_shown(f.user_name)}: {_shown(f.path_name)})"


def _smb_close_file(args: argparse.Namespace) -> int:
    if args.ids and args.path:
        raise UsageError("give file IDs or --path, not both")
    if not args.ids and not args.path:
        raise UsageError("say which files to close: their IDs (see `smb files`) or --path")
    if args.user and not args.path:
        raise UsageError("--user narrows --path; with IDs it is not needed")
    where = where_text(args.server)
    out = output()
    missing: list[int] = []
    if args.path:
        targets = list(net.enum_files(args.server, base_path=args.path, user=args.user))
    else:
        targets = []
        for file_id in dict.fromkeys(args.ids):
            try:
                targets.append(net.get_file_info(file_id, server=args.server))
            except SessionNotFoundError:
                missing.append(file_id)
                sys.stderr.write(f"winsession: no open file {file_id} {where}\n")
    if not targets:
        out.write(f"No open files to close {where}.\n")
        return EXIT_API_ERROR if missing else EXIT_OK
    if args.dry_run:
        for f in targets:
            out.write(f"Would close {_file_text(f)} {where}.\n")
        out.write(f"Dry run: {len(targets)} file(s) would be closed; nothing was changed.\n")
        return EXIT_API_ERROR if missing else EXIT_OK
    question = (
        f"Close {_file_text(targets[0])} {where}?"
        if len(targets) == 1
        else f"Close {len(targets)} open files {where}?"
    )
    if not confirm(args, question):
        return EXIT_API_ERROR
    closed = 0
    for f in targets:
        try:
            net.close_file(f.file_id, server=args.server)
        except SessionNotFoundError:
            missing.append(f.file_id)  # closed meanwhile
            sys.stderr.write(f"winsession: file {f.file_id} was already closed\n")
            continue
        closed += 1
        out.write(f"Closed {_file_text(f)} {where}.\n")
    if len(targets) > 1:
        out.write(f"Closed {closed} of {len(targets)} file(s).\n")
    return EXIT_API_ERROR if missing else EXIT_OK


def _smb_connections(args: argparse.Namespace) -> int:
    by_client = args.qualifier.startswith("\\")
    rows = _smb_rows(net.enum_connections(args.qualifier, server=args.server, level=args.level))
    table: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
        ("ID", ">", lambda r: str(r["connection_id"]))
    ]
    if args.level == 1:
        table += [
            ("Share" if by_client else "Computer", "<", lambda r: r["net_name"] or ""),
            ("User name", "<", lambda r: r["user_name"] or ""),
            ("Type", "<", lambda r: net.ShareType(r["share_type"]).text),
            ("Opens", ">", lambda r: str(r["num_opens"])),
            ("Users", ">", lambda r: str(r["num_users"])),
            ("Time", ">", lambda r: format_duration(r["time"])),
        ]
    emit_rows(args, rows, table, f"{len(rows)} connection(s)")
    return EXIT_OK


def _file_id(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a file ID: {text!r}") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"file IDs are 0..4294967295, not {value}")
    return value


def _register_files(smb_commands: Any) -> None:
    p = smb_commands.add_parser("files", help="list open files (like `net file`)")
    add_server_option(p)
    p.add_argument("--path", help="only files whose path starts with PREFIX", metavar="PREFIX")
    p.add_argument(
        "--user", help="only files of this user (or, as \\\\PC, opened from that computer)"
    )
    add_format_options(p)
    p.set_defaults(run=_smb_files)
    p = smb_commands.add_parser(
        "close-file", help="force open files closed (like `net file ID /close`)"
    )
    p.add_argument("ids", nargs="*", type=_file_id, metavar="ID", help="file IDs (`smb files`)")
    add_server_option(p)
    p.add_argument("--path", help="close every file whose path starts with PREFIX",
                   metavar="PREFIX")  # fmt: skip
    p.add_argument("--user", help="with --path: only that user's files")
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print exactly what would be closed and change nothing")  # fmt: skip
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_smb_close_file)
    p = smb_commands.add_parser(
        "connections", help="connections to a share, or from a client (\\\\PC)"
    )
    p.add_argument("qualifier", metavar="SHARE|\\\\CLIENT")
    add_server_option(p)
    p.add_argument("--level", type=int, default=1, choices=(0, 1))
    add_format_options(p)
    p.set_defaults(run=_smb_connections)


def register(groups: Any) -> None:
    """Add ``smb`` and its commands to the top-level subparsers."""
    smb = groups.add_parser("smb", help="SMB sessions, open files and connections")
    smb_commands = smb.add_subparsers(
        dest="command", metavar="{list,info,close,files,close-file,connections}"
    )
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
    _register_files(smb_commands)
