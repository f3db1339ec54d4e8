"""``ts connect``, ``shadow``, ``processes``, ``kill``, ``servers``, ``spawn`` and
``shutdown``: the session control commands (tscon, shadow, tskill, ...), registered into the
``ts`` group by :func:`register_session_control`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any, Optional

from .. import wts
from ._actions import (
    Action,
    Fleet,
    run_one,
    single_server,
    where_text,
)
from ._common import (
    EXIT_OK,
    UsageError,
)
from ._options import (
    add_format_options,
    add_server_option,
    session_id_arg,
    session_name,
)
from ._output import (
    Column,
    emit_rows,
    fmt,
    human,
    output,
)


def _ts_connect(args: argparse.Namespace) -> int:
    target = args.target
    password = args.password
    if args.ask_password:
        import getpass

        password = getpass.getpass(f"Password of the user of session {args.id}: ")
    what = f"session {args.id} to {session_name(target)}'s terminal"

    def run() -> None:
        wts.connect_session(args.id, target, password, wait=not args.no_wait)

    return run_one(
        args, Action(None, what, run, {"session_id": args.id}), verb="connect",
        would=f"Would connect {what}; nothing was done.", done=f"Connected {what}.",
        question=f"Connect {what}?",
    )  # fmt: skip


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
    server = single_server(args)
    where = where_text(server)
    fields = {"session_id": args.id}
    if args.stop:
        if server is not None:
            raise UsageError("ts shadow --stop works on this computer only"
                             " (WTSStopRemoteControlSession takes no server)")  # fmt: skip
        stop = Action(server, f"session {args.id}",
                      lambda: wts.stop_remote_control(args.id), fields)  # fmt: skip
        return run_one(args, stop, verb="stop shadowing", would="", question=None,
                       done=f"Stopped the remote control of session {args.id}.")  # fmt: skip
    keys = "+".join(m.name or "" for m in wts.HotkeyModifier if m in args.modifiers)

    def run() -> None:
        wts.start_remote_control(args.id, server=server, hotkey=args.hotkey,
                                 modifiers=args.modifiers)  # fmt: skip

    return run_one(
        args, Action(server, f"session {args.id}", run, fields), verb="shadow", would="",
        done=f"Shadowing session {args.id} {where}; end with {keys}+VK 0x{args.hotkey:02X}.",
        question=None,
    )  # fmt: skip


def _ts_processes(args: argparse.Namespace) -> int:
    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for p in wts.processes(server, session_id=args.session):
            yield {"process_id": p.process_id, "session_id": p.session_id, "name": p.name,
                   "user": p.user, "user_sid": p.user_sid}  # fmt: skip

    rows = Fleet(args, fetch)
    table: list[Column] = [("SERVER", "<*", lambda r: r["server"] or "")] if rows.multi else []
    table += [
        ("PID", ">", lambda r: r["process_id"]),
        ("SESSION", ">", lambda r: r["session_id"]),
        ("USER", "<*", lambda r: r["user"] or r["user_sid"] or ""),
        ("IMAGE", "<*", lambda r: r["name"]),
    ]
    emit_rows(args, rows, table)
    return rows.exit_code


def _ts_kill(args: argparse.Namespace) -> int:
    server = single_server(args)
    where = where_text(server)

    def run() -> None:
        wts.terminate_process(args.pid, args.exit_code, server=server)

    return run_one(
        args, Action(server, f"process {args.pid}", run, {"process_id": args.pid}),
        verb="end", would=f"Would end process {args.pid} {where}; nothing was done.",
        done=f"Ended process {args.pid}.", question=f"End process {args.pid} {where}?",
    )  # fmt: skip


def _ts_servers(args: argparse.Namespace) -> int:
    rows = [{"server": name} for name in wts.enumerate_servers(args.domain)]
    emit_rows(args, rows, [("SERVER", "<*", lambda r: r["server"])])
    return EXIT_OK


def _spawn_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="winsession ts spawn ID", add_help=False)
    p.add_argument("--cwd", help="working directory")
    p.add_argument("--hidden", action="store_true", help="no window")
    p.add_argument("--wait", action="store_true", help="wait for it to end")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--jsonl", action="store_true", help="JSON output on one line")
    return p


def _ts_spawn(args: argparse.Namespace) -> int:
    # Everything after ID arrives here (argparse.REMAINDER): the options up to "--", then the
    # command, taken as it is even where its words look like options.
    rest = list(args.argv)  # (not args.command: that names the subcommand, "spawn")
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
    kind = fmt(args)
    if not command:
        raise UsageError("ts spawn needs a command after --")
    with wts.spawn_in_session(
        args.id, command, cwd=args.cwd, visible=not args.hidden
    ) as proc:  # fmt: skip
        code = proc.wait() if args.wait else None
        if kind in ("json", "jsonl"):
            record = {"pid": proc.pid, "session_id": proc.session_id,
                      "command_line": proc.command_line, "exit_code": code}  # fmt: skip
            output().write(json.dumps(record, indent=2 if kind == "json" else None) + "\n")
        else:
            output().write(f"Started process {proc.pid} in session {proc.session_id}: "
                           f"{human(proc.command_line)}\n")  # fmt: skip
            if code is not None:
                output().write(f"Process {proc.pid} ended with exit code {code}.\n")
    return EXIT_OK


_SHUTDOWN = {f.name.lower(): f for f in wts.ShutdownFlag if f.name}


def _ts_shutdown(args: argparse.Namespace) -> int:
    flag = _SHUTDOWN[args.action]
    server = single_server(args)
    what = f"{args.action} {where_text(server)}"
    action = Action(server, server or "this computer",
                    lambda: wts.shutdown_system(flag, server))  # fmt: skip
    return run_one(
        args, action, verb=args.action,
        would=f"Would {what} (WTSShutdownSystem {flag.name}); nothing was done.",
        done=f"Requested: {what}.", question=f"{args.action.capitalize()} {where_text(server)}?",
    )  # fmt: skip


SESSION_CONTROL_COMMANDS = "connect,shadow,processes,kill,servers,spawn,shutdown"


def register_session_control(ts_commands: Any) -> None:
    """Add ts connect, shadow, processes, kill, servers, spawn and shutdown."""
    p = ts_commands.add_parser("connect", help="connect a session to a terminal (like tscon)")
    p.add_argument("id", type=session_id_arg, help="the session to connect")
    p.add_argument("--target", type=session_id_arg, default=wts.CURRENT_SESSION,
                   help="the session whose terminal it takes (default: current)")  # fmt: skip
    p.add_argument("--password", default="", help="password of the session's user")
    p.add_argument("--ask-password", action="store_true", help="ask for the password")
    p.add_argument("--no-wait", action="store_true", help="return before it is done")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    add_format_options(p, table=False)
    p.set_defaults(run=_ts_connect)
    p = ts_commands.add_parser("shadow", help="remote control (shadow) a session")
    p.add_argument("id", type=session_id_arg, help="the session to watch and control")
    add_server_option(p, "Remote Desktop server", many=False)
    p.add_argument("--hotkey", type=lambda t: int(t, 0), default=0x6A,
                   help="virtual-key code that ends it (default 0x6A, keypad *)")  # fmt: skip
    p.add_argument("--modifiers", type=_modifiers_arg, default=wts.HotkeyModifier.CTRL,
                   help="keys held with it: shift,ctrl,alt (default ctrl)")  # fmt: skip
    p.add_argument("--stop", action="store_true",
                   help="stop shadowing the session (this computer only)")  # fmt: skip
    add_format_options(p, table=False)
    p.set_defaults(run=_ts_shadow)
    p = ts_commands.add_parser("processes", help="processes with their users (like qprocess)")
    p.add_argument("--session", type=session_id_arg, help="only this session's")
    add_server_option(p, "Remote Desktop server")
    add_format_options(p)
    p.set_defaults(run=_ts_processes)
    p = ts_commands.add_parser("kill", help="end a process (like tskill)")
    p.add_argument("pid", type=int, help="the process id (see ts processes)")
    p.add_argument("--exit-code", type=int, default=1, help="its exit code (default 1)")
    add_server_option(p, "Remote Desktop server", many=False)
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    add_format_options(p, table=False)
    p.set_defaults(run=_ts_kill)
    p = ts_commands.add_parser("servers", help="Remote Desktop servers of a domain")
    p.add_argument("--domain", help="domain (default: this computer's)")
    add_format_options(p)
    p.set_defaults(run=_ts_servers)
    p = ts_commands.add_parser(
        "spawn", help="start a program in a user's session (service)",
        usage="winsession ts spawn ID [--cwd DIR] [--hidden] [--wait] [--json|--jsonl]"
        " -- COMMAND...",
    )  # fmt: skip
    p.add_argument("id", type=session_id_arg, help="the session to start it in")
    p.add_argument(
        "argv", nargs=argparse.REMAINDER, metavar="...",
        help="[--cwd DIR] [--hidden] [--wait] [--json|--jsonl] -- COMMAND [ARG...]",
    )  # fmt: skip
    # Its options are parsed by _spawn_options; --json/--jsonl before the subcommand count.
    p.set_defaults(run=_ts_spawn, accepts=frozenset({"json", "jsonl"}))
    p = ts_commands.add_parser("shutdown", help="log off everyone or shut the server down")
    p.add_argument(
        "action",
        choices=sorted(_SHUTDOWN),
        help="what WTSShutdownSystem does: " + ", ".join(sorted(_SHUTDOWN)),
    )
    add_server_option(p, "Remote Desktop server", many=False)
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    add_format_options(p, table=False)
    p.set_defaults(run=_ts_shutdown)
