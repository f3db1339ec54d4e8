"""``winsession smb ...``: SMB sessions on a file server."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Iterator
from typing import Any, Optional

from .. import net
from ..errors import AccessDeniedError, OpenFileNotFoundError
from ._actions import (
    Action,
    Fleet,
    run_actions,
    server_label,
    single_server,
    where_text,
)
from ._common import (
    EXIT_API_ERROR,
    EXIT_OK,
    UsageError,
)
from ._options import (
    add_action_options,
    add_format_options,
    add_server_option,
)
from ._output import (
    Column,
    emit_record,
    emit_rows,
    flag_text,
    human_err,
    net_duration,
    parse_duration,
    warn,
)

# --- records --------------------------------------------------------------------------------

SMB_FIELDS = (
    "client_name", "user_name", "num_opens", "active_time", "idle_time", "user_flags",
    "client_type", "transport",
)  # fmt: skip
"""Every SMB session record has these keys (``None`` where the level does not give it)."""

DEFAULT_LEVEL = 2
"""``smb list``'s level: what ``net session`` shows (Computer, User name, Client type, Opens,
Idle time). It needs administrators; without, ``smb list`` falls back to level 10."""


def smb_record(info: Any) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(SMB_FIELDS)
    record.update(dataclasses.asdict(info))
    return record


def _smb_table(level: int, multi: bool) -> list[Column]:
    columns: list[Column] = []
    if multi:
        columns.append(("SERVER", "<*", lambda r: r["server"] or ""))
    columns.append(("Computer", "<*", lambda r: r["client_name"]))
    if level != 0:
        columns.append(("User name", "<*", lambda r: r["user_name"]))
    if level in (2, 502):
        columns.append(("Client type", "<*", lambda r: r["client_type"]))
    if level in (1, 2, 502):
        columns.append(("Opens", ">", lambda r: r["num_opens"]))
    if level in (1, 10, 502):
        columns.append(("Active", ">", lambda r: net_duration(r["active_time"])))
    if level != 0:
        columns.append(("Idle time", ">", lambda r: net_duration(r["idle_time"])))
    if level == 502:
        columns.append(("Transport", "<|", lambda r: r["transport"]))
    return columns


def _enum(server: Optional[str], level: Optional[int], fell_back: Optional[list[bool]] = None,
          **filters: Any) -> Iterator[Any]:  # fmt: skip
    """Sessions at ``level``; ``None``: the default level, or level 10 with a note on stderr
    when the default needs rights the caller lacks (then ``fell_back`` gets a ``True``)."""
    if level is not None:
        yield from net.enum_sessions(server, level=level, **filters)
        return
    try:
        records = iter(net.enum_sessions(server, level=DEFAULT_LEVEL, **filters))
        first = next(records, None)
    except AccessDeniedError:
        warn(f"{human_err(server_label(server))}: level {DEFAULT_LEVEL} needs administrators;"
             " showing level 10 (no Client type or Opens)")  # fmt: skip
        if fell_back is not None:
            fell_back.append(True)
        yield from net.enum_sessions(server, level=10, **filters)
        return
    if first is not None:
        yield first
        yield from records


def _smb_list(args: argparse.Namespace) -> int:
    fell_back: list[bool] = []

    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for info in _enum(server, args.level, fell_back, client=args.client, user=args.user):
            record = smb_record(info)
            if args.idle_over is None or (record["idle_time"] or 0) >= args.idle_over:
                yield record

    rows = Fleet(args, fetch)

    def table() -> list[Column]:
        level = args.level
        if level is None:  # every server fell back: level 10's columns
            level = 10 if len(fell_back) == len(rows.servers) else DEFAULT_LEVEL
        return _smb_table(level, rows.multi)

    emit_rows(args, rows, table, lambda n: f"{n} session(s)")
    return rows.exit_code


def _smb_info(args: argparse.Namespace) -> int:
    server = single_server(args)
    info = net.get_session_info(args.client, args.user, server=server, level=args.level)
    record = {"server": server, **smb_record(info)}
    if not (args.json or args.jsonl or args.csv):
        record = {k: v for k, v in record.items() if v is not None or k == "server"}
        for key in ("active_time", "idle_time"):
            if key in record:
                record[key] = net_duration(record[key])
        if "user_flags" in record:
            record["user_flags"] = flag_text(net.SessionFlags(record["user_flags"]))
        if record["server"] is None:
            del record["server"]
    emit_record(args, record)
    return EXIT_OK


def _smb_close(args: argparse.Namespace) -> int:
    if args.all and (args.client or args.user or args.idle_over is not None):
        raise UsageError(
            "--all closes every session; do not combine it with --client/--user/--idle-over"
        )
    if not (args.all or args.client or args.user or args.idle_over is not None):
        raise UsageError("say which sessions to close: --client, --user, --idle-over, or --all")

    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for info in net.enum_sessions(server, level=10, client=args.client, user=args.user):
            if args.idle_over is None or info.idle_time >= args.idle_over:
                yield smb_record(info)

    listing = Fleet(args, fetch)
    actions = []
    seen = set()
    for row in listing:
        server, client, user = row["server"], row["client_name"], row["user_name"]
        if args.all:
            # One NetSessionDel per client computer closes all of its sessions.
            key: tuple[Any, ...] = (server, client)
            target = f"the sessions from {client!s}"
            run_user = None
        else:
            key = (server, client, user)
            target = f"the session of {user} from {client}"
            run_user = user or None
        if key in seen:
            continue
        seen.add(key)

        def run(server: Optional[str] = server, client: str = client,
                user: Optional[str] = run_user) -> None:  # fmt: skip
            # An empty or backslash-only client name cannot be named to NetSessionDel (and
            # leaving it out would close other clients' sessions): net refuses it
            # (ValueError), which counts as this item's failure.
            net.delete_session(server, client=client, user=user)

        actions.append(Action(server, target, run, {"client_name": client, "user_name": user}))
    return run_actions(
        args, actions, verb="close", past="closed", noun="SMB session(s)",
        nothing=f"No matching SMB sessions{_where_all(listing.servers)}.",
        failed_servers=len(listing.failed),
    )  # fmt: skip


def _where_all(servers: list[Optional[str]]) -> str:
    if servers == [None]:
        return " on this computer"
    return " on " + ", ".join(human_err(server_label(s)) for s in servers)


# --- open files and connections --------------------------------------------------------------


def _server_column(multi: bool) -> list[Column]:
    return [("SERVER", "<*", lambda r: r["server"] or "")] if multi else []


def _smb_files(args: argparse.Namespace) -> int:
    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for f in net.enum_files(server, base_path=args.path, user=args.user):
            yield dataclasses.asdict(f)

    rows = Fleet(args, fetch)
    table = [
        *_server_column(rows.multi),
        ("ID", ">", lambda r: r["file_id"]),
        ("User name", "<*", lambda r: r["user_name"] or ""),
        ("Locks", ">", lambda r: r["num_locks"]),
        ("Permissions", "<", lambda r: flag_text(r["permissions"])),
        ("Path", "<|", lambda r: r["path_name"] or ""),
    ]
    emit_rows(args, rows, table, lambda n: f"{n} open file(s)")
    return rows.exit_code


def _file_text(f: net.FileInfo3) -> str:
    """What a human reads about a file (escaped where it is printed)."""
    return f"file {f.file_id} ({f.user_name}: {f.path_name})"


def _smb_close_file(args: argparse.Namespace) -> int:
    if args.ids and args.path:
        raise UsageError("give file IDs or --path, not both")
    if not args.ids and not args.path:
        raise UsageError("say which files to close: their IDs (see `smb files`) or --path")
    if args.user and not args.path:
        raise UsageError("--user narrows --path; with IDs it is not needed")
    server = single_server(args)
    missing: list[int] = []
    if args.path:
        targets = list(net.enum_files(server, base_path=args.path, user=args.user))
    else:
        targets = []
        for file_id in dict.fromkeys(args.ids):
            try:
                targets.append(net.get_file_info(file_id, server=server))
            except OpenFileNotFoundError:
                missing.append(file_id)
                warn(f"no open file {file_id} {where_text(server)}")
    actions = []
    for f in targets:

        def run(file_id: int = f.file_id) -> None:
            net.close_file(file_id, server=server)

        fields = {"file_id": f.file_id, "user_name": f.user_name}
        actions.append(Action(server, _file_text(f), run, fields))
    code = run_actions(
        args, actions, verb="close", past="closed", noun="file(s)",
        nothing=f"No open files to close {where_text(server)}.", failed_servers=len(missing),
    )  # fmt: skip
    if missing and not actions:
        return EXIT_API_ERROR
    return code


def _smb_connections(args: argparse.Namespace) -> int:
    by_client = args.qualifier.startswith("\\")

    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for c in net.enum_connections(args.qualifier, server=server, level=args.level):
            yield dataclasses.asdict(c)

    rows = Fleet(args, fetch)
    table = [*_server_column(rows.multi), ("ID", ">", lambda r: r["connection_id"])]
    if args.level == 1:
        table += [
            ("Share" if by_client else "Computer", "<*", lambda r: r["net_name"] or ""),
            ("User name", "<*", lambda r: r["user_name"] or ""),
            ("Type", "<", lambda r: net.ShareType(r["share_type"]).text),
            ("Opens", ">", lambda r: r["num_opens"]),
            ("Users", ">", lambda r: r["num_users"]),
            ("Time", ">", lambda r: net_duration(r["time"])),
        ]
    emit_rows(args, rows, table, lambda n: f"{n} connection(s)")
    return rows.exit_code


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
    add_server_option(p, many=False)
    p.add_argument("--path", help="close every file whose path starts with PREFIX",
                   metavar="PREFIX")  # fmt: skip
    p.add_argument("--user", help="with --path: only that user's files")
    add_action_options(p)
    add_format_options(p, table=False)
    p.set_defaults(run=_smb_close_file)
    p = smb_commands.add_parser(
        "connections", help="connections to a share, or from a client (\\\\PC)"
    )
    p.add_argument(
        "qualifier",
        metavar="SHARE|\\\\CLIENT",
        help="a share name (its connections) or \\\\CLIENT (that computer's)",
    )
    add_server_option(p)
    p.add_argument(
        "--level",
        type=int,
        default=1,
        choices=(0, 1),
        help="information level (default 1; 0: the ids only)",
    )
    add_format_options(p)
    p.set_defaults(run=_smb_connections)


def register(groups: Any) -> None:
    """Add ``smb`` and its commands to the top-level subparsers."""
    smb = groups.add_parser("smb", help="SMB sessions, open files and connections")
    smb_commands = smb.add_subparsers(
        dest="command", metavar="{list,info,close,files,close-file,connections}"
    )
    smb_commands.required = True
    p = smb_commands.add_parser(
        "list", help="list SMB sessions (like `net session`)",
        description="List SMB sessions with net session's columns: Computer, User name,"
        f" Client type, Opens, Idle time (level {DEFAULT_LEVEL}, which needs administrators;"
        " without, level 10 with a note on stderr).",
    )  # fmt: skip
    add_server_option(p)
    p.add_argument("--client", metavar="COMPUTER", help="only sessions from this client computer")
    p.add_argument("--user", metavar="NAME", help="only sessions of this user")
    p.add_argument(
        "--idle-over",
        type=parse_duration,
        metavar="DURATION",
        help="only sessions idle at least this long (90s, 45m, 2h, 1d, 1:30:00)",
    )
    p.add_argument(
        "--level", type=int, default=None, choices=(0, 1, 2, 10, 502),
        help=f"information level (default {DEFAULT_LEVEL}, falling back to 10; 1, 2 and 502"
        " need administrators, 0 and 10 do not)",
    )  # fmt: skip
    add_format_options(p)
    p.set_defaults(run=_smb_list)
    p = smb_commands.add_parser("info", help="one session (NetSessionGetInfo)")
    p.add_argument("client", help="the client computer (PC or \\\\PC)")
    p.add_argument("user", help="the user name")
    add_server_option(p, many=False)
    p.add_argument(
        "--level",
        type=int,
        default=2,
        choices=(0, 1, 2, 10),
        help="information level (default 2; 1 and 2 need administrators)",
    )
    add_format_options(p, record=True)
    p.set_defaults(run=_smb_info)
    p = smb_commands.add_parser(
        "close", help="close SMB sessions (like Close-SmbSession / net session /delete)",
        description="Close the SMB sessions that match. One result line per session, a"
        " summary, exit code 3 when some could not be closed.",
    )  # fmt: skip
    add_server_option(p)
    p.add_argument("--client", metavar="COMPUTER", help="close the sessions from this client")
    p.add_argument("--user", metavar="NAME", help="close the sessions of this user")
    p.add_argument(
        "--idle-over",
        type=parse_duration,
        metavar="DURATION",
        help="close only sessions idle at least this long",
    )
    p.add_argument("--all", action="store_true", help="close every session on the server")
    add_action_options(p)
    add_format_options(p, table=False)
    p.set_defaults(run=_smb_close)
    _register_files(smb_commands)
