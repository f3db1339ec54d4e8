"""``ts connect``, ``shadow``, ``processes``, ``kill``, ``servers``, ``spawn`` and
``shutdown``: the session control commands (tscon, shadow, tskill, ...), registered into the
``ts`` group by :func:`register_session_control`."""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

from .. import wts
from ._actions import (
    confirm,
    single_server,
    where_text,
)
from ._common import (
    EXIT_DECLINED,
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
    emit_rows,
    human,
    output,
)


def _ts_connect(args: argparse.Namespace) -> int:
    target = args.target
    password = args.password
    if args.ask_password:
        import getpass

        password = getpass.getpass(f"Password of the user of session {args.id}: ")
    if args.dry_run:
        output().write(f"Would connect session {args.id} to {session_name(target)}'s terminal;"
                       " nothing was done.\n")  # fmt: skip
        return EXIT_OK
    question = f"Connect session {args.id} to {session_name(target)}'s terminal?"
    if not confirm(args, question):
        return EXIT_DECLINED
    wts.connect_session(args.id, target, password, wait=not args.no_wait)
    output().write(f"Connected session {args.id} to {session_name(target)}'s terminal.\n")
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
    p.add_argument("id", type=session_id_arg, help="the session to connect")
    p.add_argument("--target", type=session_id_arg, default=wts.CURRENT_SESSION,
                   help="the session whose terminal it takes (default: current)")  # fmt: skip
    p.add_argument("--password", default="", help="password of the session's user")
    p.add_argument("--ask-password", action="store_true", help="ask for the password")
    p.add_argument("--no-wait", action="store_true", help="return before it is done")
    p.add_argument("--dry-run", action="store_true", help="say what would happen, do nothing")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_connect)
    p = ts_commands.add_parser("shadow", help="remote control (shadow) a session")
    p.add_argument("id", type=session_id_arg, help="the session to watch and control")
    add_server_option(p, "Remote Desktop server")
    p.add_argument("--hotkey", type=lambda t: int(t, 0), default=0x6A,
                   help="virtual-key code that ends it (default 0x6A, keypad *)")  # fmt: skip
    p.add_argument("--modifiers", type=_modifiers_arg, default=wts.HotkeyModifier.CTRL,
                   help="keys held with it: shift,ctrl,alt (default ctrl)")  # fmt: skip
    p.add_argument("--stop", action="store_true", help="stop shadowing the session")
    p.set_defaults(run=_ts_shadow)
    p = ts_commands.add_parser("processes", help="processes with their users (like qprocess)")
    p.add_argument("--session", type=session_id_arg, help="only this session's")
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
    p.add_argument("id", type=session_id_arg, help="the session to start it in")
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
