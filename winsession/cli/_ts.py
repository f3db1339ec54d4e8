"""``winsession ts ...``: Remote Desktop / console sessions."""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
from collections.abc import Iterator, Sequence
from typing import Any, Callable, Optional

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
    confirm,
    event_record,
    now,
    pump,
    run_actions,
    servers_of,
    single_server,
    where_text,
)
from ._common import (
    EXIT_DECLINED,
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
    fmt,
    format_duration,
    human,
    human_err,
    output,
    parse_duration,
    state_text,
    warn,
)

# --- the session record (ts list, ts info) --------------------------------------------------

SESSION_FIELDS = (
    "server", "session_id", "session_name", "user_name", "domain_name", "state", "current",
    "locked", "idle_time", "logon_time", "connect_time", "disconnect_time", "last_input_time",
    "current_time", "client_name", "client_address", "client_build_number",
    "client_display", "incoming_bytes", "outgoing_bytes",
)  # fmt: skip
"""The keys of every session record (``ts list`` and ``ts info``; docs/schema.json)."""

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


def _time_cell(value: Optional[datetime.datetime]) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _ts_table(multi: bool) -> list[Column]:
    columns: list[Column] = []
    if multi:
        columns.append(("SERVER", "<", lambda r: r["server"] or ""))
    columns += [
        (" SESSIONNAME", "<", lambda r: (">" if r["current"] else " ") + human(r["session_name"])),
        ("USERNAME", "<", lambda r: r["user_name"]),
        ("ID", ">", lambda r: r["session_id"]),
        ("STATE", "<", lambda r: state_text(r["state"])),
        ("IDLE", ">", lambda r: format_duration(r["idle_time"])),
        ("LOGON TIME (UTC)", "<", lambda r: _time_cell(r["logon_time"])),
        ("LOCKED", "<", lambda r: "" if r["locked"] is None else ("yes" if r["locked"] else "no")),
        ("CLIENT", "<", _client_cell),
    ]  # fmt: skip
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
    emit_rows(args, listing, _ts_table(rows.multi))
    return rows.exit_code


def _session_arg(text: str) -> int:
    if text.lower() == "current":
        return wts.CURRENT_SESSION
    try:
        value = int(text, 10) if text.isascii() and text.isdigit() else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a session id: {human(text)}") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"session id out of range: {human(text)}")
    return value


def _session_name(session_id: int) -> str:
    return "the current session" if session_id == wts.CURRENT_SESSION else f"session {session_id}"


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
        return [(server, i, _session_name(i)) for server in servers_of(args)
                for i in dict.fromkeys(args.ids)], 0  # fmt: skip
    if not has_filters:
        if args.command == "disconnect":
            return [(server, wts.CURRENT_SESSION, _session_name(wts.CURRENT_SESSION))
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
        sid = _session_arg(target)
        targets = [(server, sid, _session_name(sid)) for server in servers_of(args)]
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
    if fmt(args) == "csv":
        raise UsageError("ts watch writes text or --json/--jsonl, not --csv")
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
        description="List sessions: SESSIONNAME, USERNAME, ID, STATE, IDLE, LOGON TIME,"
        " LOCKED, CLIENT (name and address); '>' marks your own session.",
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
    add_format_options(p)
    p.set_defaults(run=_ts_list)

    p = ts_commands.add_parser("info", help="everything about one session (same record as"
                                            " ts list)")  # fmt: skip
    p.add_argument(
        "id",
        type=_session_arg,
        help="session id, or 'current' for the session this command runs in",
    )
    add_server_option(p, "Remote Desktop server")
    add_format_options(p)
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
        p.add_argument("ids", type=_session_arg, nargs="*", metavar="ID", help=default_text)
        filters(p, "the sessions")
        add_server_option(p, "Remote Desktop server")
        p.add_argument("--wait", action="store_true", help="return once it is done")
        add_action_options(p)
        add_format_options(p, csv_too=False)
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
    add_format_options(p, csv_too=False)
    p.set_defaults(run=_ts_message)

    p = ts_commands.add_parser("watch", help="print session events until Ctrl-C")
    add_server_option(p, "Remote Desktop server")
    add_format_options(p, csv_too=False)
    p.add_argument("--count", type=int, metavar="N", help="stop after N events")
    p.add_argument(
        "--system-events",
        action="store_true",
        help="watch WTSWaitSystemEvent (no session ids) instead of session change messages",
    )
    p.set_defaults(run=_ts_watch)
    register_session_control(ts_commands)


# --- tscon, shadow, processes, kill, servers, spawn, shutdown (issue 15) -------------------


def _ts_connect(args: argparse.Namespace) -> int:
    target = args.target
    password = args.password
    if args.ask_password:
        import getpass

        password = getpass.getpass(f"Password of the user of session {args.id}: ")
    if args.dry_run:
        output().write(f"Would connect session {args.id} to {_session_name(target)}'s terminal;"
                       " nothing was done.\n")  # fmt: skip
        return EXIT_OK
    question = f"Connect session {args.id} to {_session_name(target)}'s terminal?"
    if not confirm(args, question):
        return EXIT_DECLINED
    wts.connect_session(args.id, target, password, wait=not args.no_wait)
    output().write(f"Connected session {args.id} to {_session_name(target)}'s terminal.\n")
    return EXIT_OK


_MODIFIERS = {"shift": wts.HotkeyModifier.SHIFT, "ctrl": wts.HotkeyModifier.CTRL,
              "alt": wts.HotkeyModifier.ALT}  # fmt: skip


def _modifiers_arg(text: str) -> wts.HotkeyModifier:
    value = wts.HotkeyModifier(0)
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part not in _MODIFIERS:
            raise argparse.ArgumentTypeError(f"not a modifier (shift, ctrl, alt): {part!r}")
        value |= _MODIFIERS[part]
    return value


def _ts_shadow(args: argparse.Namespace) -> int:
    if args.stop:
        wts.stop_remote_control(args.id)
        output().write(f"Stopped the remote control of session {args.id}.\n")
        return EXIT_OK
    wts.start_remote_control(
        args.id, server=single_server(args), hotkey=args.hotkey, modifiers=args.modifiers
    )
    keys = "+".join(m.name or "" for m in wts.HotkeyModifier if m in args.modifiers)
    output().write(
        f"Shadowing session {args.id} {where_text(single_server(args))};"
        f" end with {keys}+VK 0x{args.hotkey:02X}.\n"
    )
    return EXIT_OK


def _ts_processes(args: argparse.Namespace) -> int:
    rows = [
        {"process_id": p.process_id, "session_id": p.session_id, "name": p.name,
         "user": p.user, "user_sid": p.user_sid}
        for p in wts.processes(single_server(args), session_id=args.session)
    ]  # fmt: skip
    table: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
        ("PID", ">", lambda r: str(r["process_id"])),
        ("SESSION", ">", lambda r: str(r["session_id"])),
        ("USER", "<", lambda r: r["user"] or r["user_sid"] or ""),
        ("IMAGE", "<", lambda r: r["name"]),
    ]
    emit_rows(args, rows, table)
    return EXIT_OK


def _ts_kill(args: argparse.Namespace) -> int:
    if args.dry_run:
        output().write(f"Would end process {args.pid} {where_text(single_server(args))};"
                       " nothing was done.\n")  # fmt: skip
        return EXIT_OK
    if not confirm(args, f"End process {args.pid} {where_text(single_server(args))}?"):
        return EXIT_DECLINED
    wts.terminate_process(args.pid, args.exit_code, server=single_server(args))
    output().write(f"Ended process {args.pid}.\n")
    return EXIT_OK


def _ts_servers(args: argparse.Namespace) -> int:
    rows = [{"server": name} for name in wts.enumerate_servers(args.domain)]
    emit_rows(args, rows, [("SERVER", "<", lambda r: r["server"])])
    return EXIT_OK


def _spawn_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="winsession ts spawn ID", add_help=False)
    p.add_argument("--cwd", help="working directory")
    p.add_argument("--hidden", action="store_true", help="no window")
    p.add_argument("--wait", action="store_true", help="wait for it to end")
    p.add_argument("--json", action="store_true", help="JSON output")
    return p


def _ts_spawn(args: argparse.Namespace) -> int:
    # Everything after ID arrives here (argparse.REMAINDER): the options up to "--", then the
    # command, taken as it is even where its words look like options.
    rest = list(args.command)
    if "--" in rest:
        cut = rest.index("--")
        options, command = rest[:cut], rest[cut + 1 :]
    else:
        options, command = [], rest
    _, unknown = _spawn_options().parse_known_args(options, namespace=args)
    if unknown:
        raise UsageError(
            f"ts spawn: unknown options {' '.join(unknown)} (the command goes after --)"
        )
    if not command:
        raise UsageError("ts spawn needs a command after --")
    with wts.spawn_in_session(
        args.id, command, cwd=args.cwd, visible=not args.hidden
    ) as proc:  # fmt: skip
        code = proc.wait() if args.wait else None
        if args.json:
            output().write(json.dumps({"pid": proc.pid, "session_id": proc.session_id,
                                       "command_line": proc.command_line,
                                       "exit_code": code}) + "\n")  # fmt: skip
        else:
            output().write(f"Started process {proc.pid} in session {proc.session_id}: "
                           f"{human(proc.command_line)}\n")  # fmt: skip
            if code is not None:
                output().write(f"Process {proc.pid} ended with exit code {code}.\n")
    return EXIT_OK


_SHUTDOWN = {f.name.lower(): f for f in wts.ShutdownFlag if f.name}


def _ts_shutdown(args: argparse.Namespace) -> int:
    flag = _SHUTDOWN[args.action]
    what = f"{args.action} {where_text(single_server(args))}"
    if args.dry_run:
        output().write(f"Would {what} (WTSShutdownSystem {flag.name}); nothing was done.\n")
        return EXIT_OK
    if not confirm(args, f"{args.action.capitalize()} {where_text(single_server(args))}?"):
        return EXIT_DECLINED
    wts.shutdown_system(flag, single_server(args))
    output().write(f"Requested: {what}.\n")
    return EXIT_OK


SESSION_CONTROL_COMMANDS = "connect,shadow,processes,kill,servers,spawn,shutdown"


def register_session_control(ts_commands: Any) -> None:
    """Add ts connect, shadow, processes, kill, servers, spawn and shutdown."""
    p = ts_commands.add_parser("connect", help="connect a session to a terminal (like tscon)")
    p.add_argument("id", type=_session_arg, help="the session to connect")
    p.add_argument("--target", type=_session_arg, default=wts.CURRENT_SESSION,
                   help="the session whose terminal it takes (default: current)")  # fmt: skip
    p.add_argument("--password", default="", help="password of the session's user")
    p.add_argument("--ask-password", action="store_true", help="ask for the password")
    p.add_argument("--no-wait", action="store_true", help="return before it is done")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_connect)
    p = ts_commands.add_parser("shadow", help="remote control (shadow) a session")
    p.add_argument("id", type=_session_arg, help="the session to watch and control")
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--hotkey", type=lambda t: int(t, 0), default=0x6A,
                   help="virtual-key code that ends it (default 0x6A, keypad *)")  # fmt: skip
    p.add_argument("--modifiers", type=_modifiers_arg, default=wts.HotkeyModifier.CTRL,
                   help="keys held with it: shift,ctrl,alt (default ctrl)")  # fmt: skip
    p.add_argument("--stop", action="store_true", help="stop shadowing the session")
    p.set_defaults(run=_ts_shadow)
    p = ts_commands.add_parser("processes", help="processes with their users (like qprocess)")
    p.add_argument("--session", type=_session_arg, help="only this session's")
    add_server_option(p, "Remote Desktop server")
    add_format_options(p)
    p.set_defaults(run=_ts_processes)
    p = ts_commands.add_parser("kill", help="end a process (like tskill)")
    p.add_argument("pid", type=int, help="the process id (see ts processes)")
    p.add_argument("--exit-code", type=int, default=1, help="its exit code (default 1)")
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_kill)
    p = ts_commands.add_parser("servers", help="Remote Desktop servers of a domain")
    p.add_argument("--domain", help="domain (default: this computer's)")
    add_format_options(p)
    p.set_defaults(run=_ts_servers)
    p = ts_commands.add_parser(
        "spawn", help="start a program in a user's session (service)",
        usage="winsession ts spawn ID [--cwd DIR] [--hidden] [--wait] [--json] -- COMMAND...",
    )  # fmt: skip
    p.add_argument("id", type=_session_arg, help="the session to start it in")
    p.add_argument(
        "command", nargs=argparse.REMAINDER,
        help="[--cwd DIR] [--hidden] [--wait] [--json] -- COMMAND [ARG...]",
    )  # fmt: skip
    p.set_defaults(run=_ts_spawn)
    p = ts_commands.add_parser("shutdown", help="log off everyone or shut the server down")
    p.add_argument(
        "action",
        choices=sorted(_SHUTDOWN),
        help="what WTSShutdownSystem does: " + ", ".join(sorted(_SHUTDOWN)),
    )
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_shutdown)
