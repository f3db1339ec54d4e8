"""``winsession ts ...``: Remote Desktop / console sessions."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any, Callable, Optional

from .. import wts
from ..errors import (
    AccessDeniedError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
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
    now,
    output,
    plain_value,
    pump,
    state_text,
    where_text,
)

# --- ts -------------------------------------------------------------------------------------


def _optional(session_id: int, info_class: wts.InfoClass, server: Any) -> Any:
    try:
        return wts.query_session_information(session_id, info_class, server)
    except (SessionNotFoundError, UnsupportedPlatformError, AccessDeniedError):
        return None


def _ts_list(args: argparse.Namespace) -> int:
    rows = []
    with wts.open_server(args.server) as server:
        for s in wts.enumerate_sessions_ex(server):
            protocol = _optional(s.session_id, wts.InfoClass.CLIENT_PROTOCOL_TYPE, server)
            device = _optional(s.session_id, wts.InfoClass.CLIENT_NAME, server)
            rows.append({
                "session_name": s.session_name,
                "user_name": s.user_name,
                "domain_name": s.domain_name,
                "session_id": s.session_id,
                "state": s.state,
                # qwinsta leaves TYPE empty for sessions nobody is logged on to
                "type": protocol.name.lower() if protocol is not None and s.user_name else "",
                "device": device or "",
            })  # fmt: skip
    table: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
        ("SESSIONNAME", "<", lambda r: r["session_name"]),
        ("USERNAME", "<", lambda r: r["user_name"]),
        ("ID", ">", lambda r: str(r["session_id"])),
        ("STATE", "<", lambda r: state_text(r["state"])),
        ("TYPE", "<", lambda r: r["type"]),
        ("DEVICE", "<", lambda r: r["device"]),
    ]
    emit_rows(args, rows, table)
    return EXIT_OK


def _session_arg(text: str) -> int:
    if text.lower() == "current":
        return wts.CURRENT_SESSION
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a session id: {text!r}") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"session id out of range: {text}")
    return value


def _session_name(session_id: int) -> str:
    return "the current session" if session_id == wts.CURRENT_SESSION else f"session {session_id}"


def _ts_info(args: argparse.Namespace) -> int:
    d = wts.session_details(args.id, args.server)
    record = plain_value(d) if (args.json or args.csv) else {
        f.name: getattr(d, f.name) for f in dataclasses.fields(d)
    }  # fmt: skip
    record["user"] = d.user
    record["idle_time"] = plain_value(d.idle_time) if (args.json or args.csv) else d.idle_time
    emit_record(args, record)
    return EXIT_OK


def _ts_disconnect(args: argparse.Namespace) -> int:
    name = _session_name(args.id)
    if not confirm(args, f"Disconnect {name} {where_text(args.server)}?"):
        return EXIT_API_ERROR
    wts.disconnect_session(args.id, server=args.server, wait=args.wait)
    output().write(f"Disconnected {name}.\n")
    return EXIT_OK


def _ts_logoff(args: argparse.Namespace) -> int:
    name = _session_name(args.id)
    if not confirm(args, f"Log off {name} {where_text(args.server)}?"):
        return EXIT_API_ERROR
    wts.logoff_session(args.id, server=args.server, wait=args.wait)
    output().write(f"Logged off {name}.\n")
    return EXIT_OK


def _ts_message(args: argparse.Namespace) -> int:
    response = wts.send_message(
        args.id, args.title, args.text, timeout=args.timeout, wait=args.wait, server=args.server
    )
    output().write(f"Sent to {_session_name(args.id)}: {response.name}\n")
    return EXIT_OK


def _ts_watch(args: argparse.Namespace) -> int:
    count = args.count
    if count is None and args.simulate:
        from ..testing import DEMO_EVENT_COUNT

        count = DEMO_EVENT_COUNT
    if not args.system_events:
        changes = _session_changes(args)
        if changes is not None:
            return _ts_watch_changes(args, changes, count)
    watcher = wts.watch_events(server=args.server)

    def emit(event: wts.Event) -> None:
        when = now()
        if args.json:
            output().write(json.dumps({"time": when.isoformat(), "event": str(event),
                                     "flags": int(event)}) + "\n")  # fmt: skip
        else:
            output().write(f"{when:%Y-%m-%d %H:%M:%S}Z  {event}\n")

    return pump(iter(watcher), count, emit, watcher.stop)


# --- ts watch with session ids (issue 15) ------------------------------------------------------


def _printable(text: str) -> str:
    """Control and bidirectional-override characters (a remote party may choose a user or
    domain name) shown as escapes, so a terminal never interprets them."""
    return "".join(
        ch if ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E
        and not 0x2066 <= ord(ch) <= 0x2069 else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )  # fmt: skip


def _session_changes(args: argparse.Namespace) -> Optional[wts.SessionChanges]:
    """A started SessionChanges, or None where no window can be made (then ``ts watch`` falls
    back to WTSWaitSystemEvent, which has no session ids)."""
    # A remote server only notifies a window of its own session (Microsoft Learn,
    # WTSRegisterSessionNotificationEx), which says nothing useful here: remote servers use
    # WTSWaitSystemEvent.
    if args.server:
        return None
    try:
        return wts.SessionChanges().start()
    except (WinSessionError, OSError) as exc:
        sys.stderr.write(
            f"winsession: no session change window ({_printable(str(exc))});"
            " watching WTSWaitSystemEvent instead (no session ids)\n"
        )
        return None


def _ts_watch_changes(
    args: argparse.Namespace, changes: wts.SessionChanges, count: Optional[int]
) -> int:
    def emit(change: wts.SessionChange) -> None:
        when = change.received_at.replace(microsecond=0)
        if args.json:
            output().write(json.dumps({
                "time": when.isoformat(), "kind": change.kind.name,
                "session_id": change.session_id, "user": change.user,
            }) + "\n")  # fmt: skip
        else:
            user = _printable(change.user) if change.user else ""
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
    p = ts_commands.add_parser("list", help="list sessions (like qwinsta)")
    add_server_option(p, "Remote Desktop server")
    add_format_options(p)
    p.set_defaults(run=_ts_list)
    p = ts_commands.add_parser("info", help="everything about one session")
    p.add_argument("id", type=_session_arg)
    add_server_option(p, "Remote Desktop server")
    add_format_options(p)
    p.set_defaults(run=_ts_info)
    p = ts_commands.add_parser("disconnect", help="disconnect a session (like tsdiscon)")
    p.add_argument(
        "id",
        type=_session_arg,
        nargs="?",
        default=wts.CURRENT_SESSION,
        help="session id, or 'current' (the default)",
    )
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--wait", action="store_true", help="return once it is done")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_disconnect)
    p = ts_commands.add_parser("logoff", help="log a session off (like logoff)")
    p.add_argument("id", type=_session_arg)
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--wait", action="store_true", help="return once it is done")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_logoff)
    p = ts_commands.add_parser("message", help="show a message box in a session (like msg)")
    p.add_argument("id", type=_session_arg)
    p.add_argument("--title", required=True)
    p.add_argument("text")
    p.add_argument("--timeout", type=int, default=0, help="seconds (0: none)")
    p.add_argument("--wait", action="store_true", help="wait for the user's answer")
    add_server_option(p, "Remote Desktop server")
    p.set_defaults(run=_ts_message)
    p = ts_commands.add_parser("watch", help="print session events until Ctrl-C")
    add_server_option(p, "Remote Desktop server")
    add_format_options(p, csv_too=False)
    p.add_argument("--count", type=int, help="stop after this many events")
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
    question = f"Connect session {args.id} to {_session_name(target)}'s terminal?"
    if not confirm(args, question):
        return EXIT_API_ERROR
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
        args.id, server=args.server, hotkey=args.hotkey, modifiers=args.modifiers
    )
    keys = "+".join(m.name or "" for m in wts.HotkeyModifier if m in args.modifiers)
    output().write(
        f"Shadowing session {args.id} {where_text(args.server)};"
        f" end with {keys}+VK 0x{args.hotkey:02X}.\n"
    )
    return EXIT_OK


def _ts_processes(args: argparse.Namespace) -> int:
    rows = [
        {"process_id": p.process_id, "session_id": p.session_id, "name": p.name,
         "user": p.user, "user_sid": p.user_sid}
        for p in wts.processes(args.server, session_id=args.session)
    ]  # fmt: skip
    table: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
        ("PID", ">", lambda r: str(r["process_id"])),
        ("SESSION", ">", lambda r: str(r["session_id"])),
        ("USER", "<", lambda r: _printable(r["user"] or r["user_sid"] or "")),
        ("IMAGE", "<", lambda r: _printable(r["name"])),
    ]
    emit_rows(args, rows, table)
    return EXIT_OK


def _ts_kill(args: argparse.Namespace) -> int:
    if not confirm(args, f"End process {args.pid} {where_text(args.server)}?"):
        return EXIT_API_ERROR
    wts.terminate_process(args.pid, args.exit_code, server=args.server)
    output().write(f"Ended process {args.pid}.\n")
    return EXIT_OK


def _ts_servers(args: argparse.Namespace) -> int:
    rows = [{"server": name} for name in wts.enumerate_servers(args.domain)]
    emit_rows(args, rows, [("SERVER", "<", lambda r: _printable(r["server"]))])
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
                           f"{_printable(proc.command_line)}\n")  # fmt: skip
            if code is not None:
                output().write(f"Process {proc.pid} ended with exit code {code}.\n")
    return EXIT_OK


_SHUTDOWN = {f.name.lower(): f for f in wts.ShutdownFlag if f.name}


def _ts_shutdown(args: argparse.Namespace) -> int:
    flag = _SHUTDOWN[args.action]
    what = f"{args.action} {where_text(args.server)}"
    if args.dry_run:
        output().write(f"Would {what} (WTSShutdownSystem {flag.name}); nothing was done.\n")
        return EXIT_OK
    if not confirm(args, f"{args.action.capitalize()} {where_text(args.server)}?"):
        return EXIT_API_ERROR
    wts.shutdown_system(flag, args.server)
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
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_connect)
    p = ts_commands.add_parser("shadow", help="remote control (shadow) a session")
    p.add_argument("id", type=_session_arg)
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
    p.add_argument("pid", type=int)
    p.add_argument("--exit-code", type=int, default=1)
    add_server_option(p, "Remote Desktop server")
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
    p.add_argument("id", type=_session_arg)
    p.add_argument(
        "command", nargs=argparse.REMAINDER,
        help="[--cwd DIR] [--hidden] [--wait] [--json] -- COMMAND [ARG...]",
    )  # fmt: skip
    p.set_defaults(run=_ts_spawn)
    p = ts_commands.add_parser("shutdown", help="log off everyone or shut the server down")
    p.add_argument("action", choices=sorted(_SHUTDOWN))
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_shutdown)
