"""``winsession ts ...``: Remote Desktop / console sessions."""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
from collections.abc import Iterator, Sequence
from typing import Any, Optional

from .. import wts
from ..errors import (
    AccessDeniedError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
)
from ._actions import (
    Action,
    Fleet,
    event_record,
    now,
    pump,
    run_actions,
    servers_of,
    single_server,
)
from ._common import (
    UsageError,
)
from ._options import (
    add_action_options,
    add_format_options,
    add_server_option,
    session_id_arg,
    session_name,
)
from ._output import (
    Column,
    emit_record,
    emit_rows,
    fmt,
    format_duration,
    human,
    human_err,
    output,
    parse_duration,
    short_state,
    time_cell,
    warn,
)
from ._ts_control import SESSION_CONTROL_COMMANDS, register_session_control

# --- the session record (ts list, ts info) --------------------------------------------------

SESSION_FIELDS = (
    "server", "session_id", "session_name", "user_name", "domain_name", "state", "current",
    "locked", "idle_time", "logon_time", "connect_time", "disconnect_time", "last_input_time",
    "current_time", "client_name", "client_address", "client_build_number",
    "client_display", "incoming_bytes", "outgoing_bytes",
)  # fmt: skip
"""The keys of every session record (``ts list`` and ``ts info``; schema.json)."""

_MISSING = (SessionNotFoundError, UnsupportedPlatformError, AccessDeniedError)


def _idle(ex: Any) -> Optional[datetime.timedelta]:
    """quser's IDLE: since the disconnection for a disconnected session, else since the last
    input; ``None`` without a user or times."""
    if not ex.user_name:
        return None
    since = ex.disconnect_time if ex.state == wts.ConnectState.DISCONNECTED else None
    since = since or ex.last_input_time
    if since is None or ex.current_time is None:
        return None
    idle: datetime.timedelta = ex.current_time - since
    return max(idle, datetime.timedelta(0))


def _current_session_id(server: Optional[str]) -> Optional[int]:
    """The caller's own session (only meaningful on this computer): one query per listing."""
    if server is not None:
        return None
    try:
        return int(wts.query_session_information(wts.CURRENT_SESSION, wts.InfoClass.SESSION_ID))
    except WinSessionError:
        return None


def session_record(
    server: wts.Server, session_id: int, current_id: Optional[int], missing_ok: bool = True
) -> Optional[dict[str, Any]]:
    """One session as ``ts list``/``ts info`` show it: one ``SESSION_INFO_EX`` query, and one
    ``CLIENT_INFO`` query when someone is logged on (nobody: no client). ``None`` when the
    session ended meanwhile."""
    try:
        ex = wts.query_session_information(session_id, wts.InfoClass.SESSION_INFO_EX, server)
    except SessionNotFoundError:
        if missing_ok:
            return None
        raise
    client = None
    if ex.user_name:
        try:
            client = wts.query_session_information(session_id, wts.InfoClass.CLIENT_INFO, server)
        except _MISSING:
            client = None
    display = None
    if client is not None and (client.horizontal_resolution or client.vertical_resolution):
        display = wts.ClientDisplay(
            client.horizontal_resolution, client.vertical_resolution, client.color_depth
        )
    address = client.client_address if client is not None else None
    return {
        "server": server.name,
        "session_id": ex.session_id,
        "session_name": ex.win_station_name,
        "user_name": ex.user_name,
        "domain_name": ex.domain_name,
        "state": ex.state,
        "current": ex.session_id == current_id,
        "locked": ex.locked if ex.user_name else None,
        "idle_time": _idle(ex),
        "logon_time": ex.logon_time,
        "connect_time": ex.connect_time,
        "disconnect_time": ex.disconnect_time,
        "last_input_time": ex.last_input_time,
        "current_time": ex.current_time,
        "client_name": client.client_name if client is not None else "",
        "client_address": None if address is None or address.address is None else address,
        "client_build_number": client.client_build_number if client is not None else 0,
        "client_display": display,
        "incoming_bytes": ex.incoming_bytes,
        "outgoing_bytes": ex.outgoing_bytes,
    }


def _state_arg(text: str) -> wts.ConnectState:
    key = text.strip().upper().replace("-", "_")
    aliases = {"DISC": "DISCONNECTED", "CONN": "CONNECTED", "LISTENING": "LISTEN"}
    key = aliases.get(key, key)
    try:
        return wts.ConnectState[key]
    except KeyError:
        names = ", ".join(s.name.lower() for s in wts.ConnectState if not s.name.startswith("UNK"))
        raise argparse.ArgumentTypeError(f"not a session state: {human(text)} ({names})") from None


def _user_matches(user_name: str, domain_name: str, wanted: Sequence[str]) -> bool:
    if not user_name:
        return False
    full = f"{domain_name}\\{user_name}".casefold()
    return any(w.casefold() in (user_name.casefold(), full) for w in wanted)


def _sessions(args: argparse.Namespace, server: Optional[str],
              users_only: bool = False) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Session records on ``server`` that pass the filters (--user, --state, --idle-over).

    ``WTSEnumerateSessionsExW`` once, then per session that passes --user/--state one
    ``SESSION_INFO_EX`` query (and ``CLIENT_INFO`` where someone is logged on)."""
    users = getattr(args, "user", None) or []
    states = set(getattr(args, "state", None) or [])
    idle_over = getattr(args, "idle_over", None)
    current_id = _current_session_id(server)
    with wts.open_server(server) as srv:
        for s in wts.enumerate_sessions_ex(srv):
            if states and s.state not in states:
                continue
            if users and not _user_matches(s.user_name, s.domain_name, users):
                continue
            if users_only and not s.user_name:
                continue
            row = session_record(srv, s.session_id, current_id)
            if row is None:
                continue  # logged off between the enumeration and the query
            if idle_over is not None and (
                row["idle_time"] is None or row["idle_time"].total_seconds() < idle_over
            ):
                continue
            yield row


def _client_cell(r: dict[str, Any]) -> str:
    name = r["client_name"] or ""
    address = r["client_address"]
    if address is not None and address.address is not None:
        return f"{name} ({address.address})" if name else str(address.address)
    return name


def _ts_table(multi: bool, wide: bool) -> list[Column]:
    """quser's and qwinsta's columns in 80 terminal columns; ``--wide`` adds the client
    (name and address)."""
    columns: list[Column] = []
    if multi:
        columns.append(("SERVER", "<*", lambda r: r["server"] or ""))
    columns += [
        (" SESSIONNAME", "<*",
         lambda r: (">" if r["current"] else " ") + human(r["session_name"])),
        ("USERNAME", "<*", lambda r: r["user_name"]),
        ("ID", ">", lambda r: r["session_id"]),
        ("STATE", "<", lambda r: short_state(r["state"])),
        ("IDLE", ">", lambda r: format_duration(r["idle_time"])),
        ("LOGON TIME (UTC)", "<", lambda r: time_cell(r["logon_time"])),
        ("LOCKED", "<", lambda r: r["locked"]),
    ]  # fmt: skip
    if wide:
        columns.append(("CLIENT", "<*", _client_cell))
    return columns


_SORT_KEYS: dict[str, Any] = {
    "server": lambda r: (r["server"] or "").casefold(),
    "session": lambda r: r["session_name"].casefold(),
    "user": lambda r: r["user_name"].casefold(),
    "id": lambda r: r["session_id"],
    "state": lambda r: int(r["state"]),
    "idle": lambda r: -1 if r["idle_time"] is None else r["idle_time"].total_seconds(),
    "logon": lambda r: r["logon_time"] or datetime.datetime.min.replace(
        tzinfo=datetime.timezone.utc),
    "client": lambda r: (r["client_name"] or "").casefold(),
}  # fmt: skip


def _ts_list(args: argparse.Namespace) -> int:
    rows = Fleet(args, lambda server: _sessions(args, server))
    listing: Any = rows
    if args.sort:
        listing = sorted(rows, key=_SORT_KEYS[args.sort], reverse=args.reverse)
    emit_rows(args, listing, _ts_table(rows.multi, args.wide))
    return rows.exit_code


def _ts_info(args: argparse.Namespace) -> int:
    server = single_server(args)
    current_id = _current_session_id(server)
    session_id = args.id
    if session_id == wts.CURRENT_SESSION:
        session_id = wts.query_session_information(
            wts.CURRENT_SESSION, wts.InfoClass.SESSION_ID, server
        )
    with wts.open_server(server) as srv:
        record = session_record(srv, session_id, current_id, missing_ok=False)
    assert record is not None
    if fmt(args) == "table":
        record = dict(record)
        if record["server"] is None:
            del record["server"]
        record["client_address"] = _client_cell(
            {"client_name": "", "client_address": record["client_address"]}
        )
    emit_record(args, record)
    return 0


# --- bulk actions: logoff, disconnect, message -------------------------------------------------


def _label(row: dict[str, Any]) -> str:
    user = row["user_name"]
    if user and row["domain_name"]:
        user = f"{row['domain_name']}\\{user}"
    return f"session {row['session_id']} ({user})" if user else f"session {row['session_id']}"


def _targets(args: argparse.Namespace) -> tuple[list[tuple[Optional[str], int, str]], int]:
    """(server, session id, label) for --dry-run/confirmation, and how many servers failed."""
    has_filters = bool(args.user or args.state or args.idle_over is not None)
    if args.ids and has_filters:
        raise UsageError("give session ids or filters (--user, --state, --idle-over), not both")
    if args.ids:
        return [(server, i, session_name(i)) for server in servers_of(args)
                for i in dict.fromkeys(args.ids)], 0  # fmt: skip
    if not has_filters:
        if args.command == "disconnect":
            return [(server, wts.CURRENT_SESSION, session_name(wts.CURRENT_SESSION))
                    for server in servers_of(args)], 0  # fmt: skip
        raise UsageError(f"say which sessions to {args.command}: ids, or --user/--state/"
                         "--idle-over")  # fmt: skip
    listing = Fleet(args, lambda server: _sessions(args, server, users_only=True))
    found = [(row["server"], row["session_id"], _label(row)) for row in listing]
    return found, len(listing.failed)


def _bulk(args: argparse.Namespace, verb: str, past: str,
          act: Any) -> int:  # fmt: skip
    targets, failed_servers = _targets(args)
    actions = []
    for server, sid, label in targets:

        def run(server: Optional[str] = server, sid: int = sid) -> None:
            act(sid, server=server, wait=args.wait)

        fields = {"session_id": None if sid == wts.CURRENT_SESSION else sid}
        actions.append(Action(server, label, run, fields))
    return run_actions(
        args,
        actions,
        verb=verb,
        past=past,
        noun="session(s)",
        nothing="No matching sessions.",
        failed_servers=failed_servers,
    )


def _ts_disconnect(args: argparse.Namespace) -> int:
    return _bulk(args, "disconnect", "disconnected", wts.disconnect_session)


def _ts_logoff(args: argparse.Namespace) -> int:
    return _bulk(args, "log off", "logged off", wts.logoff_session)


def _default_title() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment
        user = ""
    return f"Message from {user}" if user else "Message"


def _ts_message(args: argparse.Namespace) -> int:
    target = args.target
    # msg's rule: digits (ASCII) or "current" name a session, anything else a user.
    if target == "*" or not (target == "current" or (target.isascii() and target.isdigit())):
        if target == "*":
            args.state = [wts.ConnectState.ACTIVE]
            args.user = []
        else:
            args.state = []
            args.user = [target]
        args.idle_over = None
        listing = Fleet(args, lambda server: _sessions(args, server, users_only=True))
        targets = [(row["server"], row["session_id"], _label(row)) for row in listing]
        failed_servers = len(listing.failed)
    else:
        sid = session_id_arg(target)
        targets = [(server, sid, session_name(sid)) for server in servers_of(args)]
        failed_servers = 0
    title = args.title if args.title is not None else _default_title()
    wait = args.wait is not None
    actions = []
    for server, sid, label in targets:

        def run(server: Optional[str] = server, sid: int = sid) -> str:
            response = wts.send_message(sid, title, args.text, timeout=args.wait or args.time,
                                        wait=wait, server=server)  # fmt: skip
            return response.name

        actions.append(Action(server, label, run, {"session_id": sid}))
    return run_actions(args, actions, verb="send to", past="sent to", noun="session(s)",
                       nothing="No matching sessions.", failed_servers=failed_servers,
                       ask=False)  # fmt: skip


# --- watch ----------------------------------------------------------------------------------


def _ts_watch(args: argparse.Namespace) -> int:
    count = args.count
    if count is None and args.simulate:
        from ..testing import DEMO_EVENT_COUNT

        count = DEMO_EVENT_COUNT
    server = single_server(args)
    if not args.system_events:
        changes = _session_changes(server)
        if changes is not None:
            return _ts_watch_changes(args, changes, count)
    watcher = wts.watch_events(server=server)

    def emit(event: wts.Event) -> None:
        when = now()
        if fmt(args) in ("json", "jsonl"):
            record = event_record(when, str(event), server=server, flags=int(event),
                                  source="wts")  # fmt: skip
            output().write(json.dumps(record) + "\n")
        else:
            output().write(f"{when:%Y-%m-%d %H:%M:%S}Z  {human(str(event))}\n")

    return pump(iter(watcher), count, emit, watcher.stop)


# --- ts watch with session ids (issue 15) ------------------------------------------------------


def _session_changes(server: Optional[str]) -> Optional[wts.SessionChanges]:
    """A started SessionChanges, or None where no window can be made (then ``ts watch`` falls
    back to WTSWaitSystemEvent, which has no session ids)."""
    # A remote server only notifies a window of its own session (Microsoft Learn,
    # WTSRegisterSessionNotificationEx), which says nothing useful here: remote servers use
    # WTSWaitSystemEvent.
    if server:
        return None
    try:
        return wts.SessionChanges().start()
    except (WinSessionError, OSError) as exc:
        warn(
            f"no session change window ({human_err(str(exc))});"
            " watching WTSWaitSystemEvent instead (no session ids)"
        )
        return None


def _ts_watch_changes(
    args: argparse.Namespace, changes: wts.SessionChanges, count: Optional[int]
) -> int:
    def emit(change: wts.SessionChange) -> None:
        when = change.received_at.replace(microsecond=0)
        if fmt(args) in ("json", "jsonl"):
            record = event_record(when, change.kind.name, session_id=change.session_id,
                                  user_name=change.user or None, source="wts")  # fmt: skip
            output().write(json.dumps(record) + "\n")
        else:
            user = human(change.user) if change.user else ""
            output().write(
                f"{when:%Y-%m-%d %H:%M:%S}Z  {change.kind.name:<22} session"
                f" {change.session_id:<6} {user}".rstrip()
                + "\n"
            )

    return pump(iter(changes), count, emit, changes.stop)


def register(groups: Any) -> None:
    """Add ``ts`` and its commands to the top-level subparsers."""
    ts = groups.add_parser("ts", help="Remote Desktop / console sessions")
    ts_commands = ts.add_subparsers(
        dest="command",
        metavar="{list,info,disconnect,logoff,message,watch," + SESSION_CONTROL_COMMANDS + "}",
    )
    ts_commands.required = True

    def filters(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument(
            "--user",
            action="append",
            metavar="NAME",
            help=f"{what} of this user (NAME or DOMAIN\\NAME; repeatable)",
        )
        p.add_argument("--state", action="append", type=_state_arg, metavar="STATE",
                       help=f"{what} in this state (active, disconnected, listen, ...;"
                            " repeatable)")  # fmt: skip
        p.add_argument(
            "--idle-over",
            type=parse_duration,
            metavar="DURATION",
            help=f"{what} idle at least this long (90s, 45m, 2h, 1d, 1:30:00)",
        )

    p = ts_commands.add_parser(
        "list", help="list sessions (like quser and qwinsta together)",
        description="List sessions: SESSIONNAME, USERNAME, ID, STATE (as qwinsta: Active,"
        " Disc, Listen, ...), IDLE, LOGON TIME, LOCKED; with --wide also CLIENT (name and"
        " address). '>' marks your own session. On a terminal the table fits its width"
        " (long names are shortened with an ellipsis); --wide and pipes print every cell"
        " whole.",
    )  # fmt: skip
    add_server_option(p, "Remote Desktop server")
    filters(p, "only sessions")
    p.add_argument(
        "--sort",
        choices=sorted(_SORT_KEYS),
        metavar="COLUMN",
        help=f"sort by COLUMN ({', '.join(sorted(_SORT_KEYS))})",
    )
    p.add_argument("--reverse", action="store_true", help="with --sort: descending")
    add_format_options(p, wide="add the CLIENT column (name and address) and never shorten"
                               " a cell (lines may wrap)")  # fmt: skip
    p.set_defaults(run=_ts_list)

    p = ts_commands.add_parser("info", help="everything about one session (same record as"
                                            " ts list)")  # fmt: skip
    p.add_argument(
        "id",
        type=session_id_arg,
        help="session id, or 'current' for the session this command runs in",
    )
    add_server_option(p, "Remote Desktop server", many=False)
    add_format_options(p, record=True)
    p.set_defaults(run=_ts_info)

    for name, helptext, default_text in (
        ("disconnect", "disconnect sessions (like tsdiscon)",
         "session ids or 'current' (default: the current session)"),
        ("logoff", "log sessions off (like logoff)", "session ids or 'current'"),
    ):  # fmt: skip
        p = ts_commands.add_parser(
            name, help=helptext,
            description=f"{helptext[0].upper()}{helptext[1:]}: given ids, or every session"
            " (with a user logged on) that the filters select. One result line per session,"
            " a summary, exit code 3 when some failed.",
        )  # fmt: skip
        p.add_argument("ids", type=session_id_arg, nargs="*", metavar="ID", help=default_text)
        filters(p, "the sessions")
        add_server_option(p, "Remote Desktop server")
        p.add_argument("--wait", action="store_true", help="return once it is done")
        add_action_options(p)
        add_format_options(p, table=False)
        p.set_defaults(run=_ts_disconnect if name == "disconnect" else _ts_logoff)

    p = ts_commands.add_parser(
        "message", help="show a message box in sessions (like msg)",
        description="Show a message in a session (id), in every session of a user (name),"
        " or in every active session (*).",
    )  # fmt: skip
    p.add_argument("target", metavar="TARGET", help="session id, 'current', user name, or *")
    p.add_argument("text", help="the message")
    p.add_argument("--title", help="the box's title (default: 'Message from YOU')")
    p.add_argument(
        "--wait",
        type=int,
        metavar="SECONDS",
        default=None,
        help="wait up to SECONDS for the answer and show it (YES, NO, TIMEOUT, ...)",
    )
    p.add_argument(
        "--time",
        type=int,
        metavar="SECONDS",
        default=0,
        help="close the box after SECONDS without waiting (0: never)",
    )
    add_server_option(p, "Remote Desktop server")
    add_format_options(p, table=False)
    p.set_defaults(run=_ts_message)

    p = ts_commands.add_parser("watch", help="print session events until Ctrl-C")
    add_server_option(p, "Remote Desktop server", many=False)
    add_format_options(p, table=False)
    p.add_argument("--count", type=int, metavar="N", help="stop after N events")
    p.add_argument(
        "--system-events",
        action="store_true",
        help="watch WTSWaitSystemEvent (no session ids) instead of session change messages",
    )
    p.set_defaults(run=_ts_watch)
    register_session_control(ts_commands)
