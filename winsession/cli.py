"""The ``winsession`` command (also ``python -m winsession``).

::

    winsession [--simulate] smb list [--server S] [--client C] [--user U] [--level N] [--json|--csv]
    winsession [--simulate] smb info CLIENT USER [--server S] [--level N] [--json|--csv]
    winsession [--simulate] smb close [--server S] [--client C] [--user U] [--all] [--yes]
    winsession [--simulate] ts list [--server S] [--json|--csv]
    winsession [--simulate] ts info ID [--server S] [--json|--csv]
    winsession [--simulate] ts disconnect [ID|current] [--server S] [--wait] [--yes]
    winsession [--simulate] ts logoff ID [--server S] [--wait] [--yes]
    winsession [--simulate] ts message ID --title T TEXT [--timeout S] [--wait] [--server S]
    winsession [--simulate] ts watch [--server S] [--json] [--count N]
    winsession events watch [--json] [--count N]

Exit codes: 0 success, 1 an API error (the message names the code and what to do), 2 usage.
Destructive commands (``smb close``, ``ts disconnect``, ``ts logoff``) ask on a terminal
unless ``--yes``, and refuse without ``--yes`` when stdin is not a terminal.
``--simulate`` runs against :func:`winsession.testing.demo_simulator`'s table, on any OS.

>>> from winsession.cli import main
>>> main(["--simulate", "smb", "list", "--user", "bob"])
Computer    User name   Active     Idle
\\\\10.0.0.6  bob        0:02:05  0:00:05
1 session(s)
0
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import enum
import importlib
import ipaddress
import json
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Callable, Optional

from . import net, wts
from .errors import (
    AccessDeniedError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
)

__all__ = ["format_duration", "main", "main_exit"]

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """A command line that parses but makes no sense (exit code 2)."""


def _on_windows() -> bool:
    return sys.platform == "win32"


def format_duration(value: Any) -> str:
    """Seconds or a ``timedelta`` as ``H:MM:SS`` (hours may exceed 24); ``None`` as ``""``.

    >>> format_duration(3725)
    '1:02:05'
    >>> import datetime; format_duration(datetime.timedelta(days=1, seconds=5))
    '24:00:05'
    """
    if value is None:
        return ""
    seconds = int(value.total_seconds()) if isinstance(value, datetime.timedelta) else int(value)
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _state(state: Any) -> str:
    name = getattr(state, "name", None) or str(state)
    return name.replace("_", " ").title().replace(" ", "")


def _plain(value: Any) -> Any:
    """A JSON/CSV-friendly copy: states by name, flags as numbers, times in ISO 8601,
    addresses as text, bytes as hex."""
    if isinstance(value, wts.Event):
        return str(value)
    if isinstance(value, enum.IntFlag):
        return int(value)  # flags combine: the number is what a script can test
    if isinstance(value, enum.Enum):
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# --- output ---------------------------------------------------------------------------------


def _out() -> Any:
    return sys.stdout


def _emit_rows(
    args: argparse.Namespace,
    rows: Sequence[dict[str, Any]],
    table: Sequence[tuple[str, str, Callable[[dict[str, Any]], str]]],
    footer: Optional[str] = None,
) -> None:
    """Print ``rows`` (plain dicts) as JSON, CSV, or a table of ``(heading, align, cell)``."""
    out = _out()
    if getattr(args, "json", False):
        json.dump([_plain(r) for r in rows], out, indent=2)
        out.write("\n")
        return
    if getattr(args, "csv", False):
        plain = [_plain(r) for r in rows]
        fields = list(plain[0]) if plain else [name for name, _, _ in table]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for r in plain:
            writer.writerow({k: json.dumps(v) if isinstance(v, (dict, list)) else v
                             for k, v in r.items()})  # fmt: skip
        return
    cells = [[cell(r) for _, _, cell in table] for r in rows]
    widths = [
        max([len(heading), *(len(c[i]) for c in cells)]) for i, (heading, _, _) in enumerate(table)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if align == ">" else v.ljust(w)
            for v, w, (_, align, _) in zip(values, widths, table)
        ]
        return "  ".join(parts).rstrip()

    out.write(line([heading for heading, _, _ in table]) + "\n")
    for c in cells:
        out.write(line(c) + "\n")
    if footer is not None:
        out.write(footer + "\n")


def _emit_record(args: argparse.Namespace, record: dict[str, Any]) -> None:
    """One record: JSON object, a one-row CSV, or ``key: value`` lines."""
    out = _out()
    plain = _plain(record)
    if getattr(args, "json", False):
        json.dump(plain, out, indent=2)
        out.write("\n")
    elif getattr(args, "csv", False):
        writer = csv.DictWriter(out, fieldnames=list(plain), lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: json.dumps(v) if isinstance(v, (dict, list)) else v
                         for k, v in plain.items()})  # fmt: skip
    else:
        width = max(len(k) for k in record)
        for key, value in record.items():
            out.write(f"{key.replace('_', ' ').capitalize():<{width}}  {_text(value)}\n")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, wts.ClientAddress):
        return str(value.address) if value.address is not None else f"family {value.family}"
    if isinstance(value, wts.ClientDisplay):
        return (f"{value.horizontal_resolution}x{value.vertical_resolution}"
                f" (colour depth code {value.color_depth})")  # fmt: skip
    if isinstance(value, datetime.timedelta):
        return format_duration(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    if isinstance(value, wts.ConnectState):
        return _state(value)
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- confirmation ---------------------------------------------------------------------------


def _confirm(args: argparse.Namespace, question: str) -> bool:
    """True to go on. On a terminal, ask; elsewhere only ``--yes`` lets a command go on."""
    if args.yes:
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise _UsageError(
            f"{question.rstrip('?')}: refusing without --yes because stdin is not a terminal"
        )
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    sys.stderr.write("winsession: not confirmed; nothing was changed\n")
    return False


def _where(server: Optional[str]) -> str:
    return f"on {server}" if server else "on this computer"


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
    _emit_rows(args, rows, _smb_table(args.level), f"{len(rows)} session(s)")
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
    _emit_record(args, record)
    return EXIT_OK


def _smb_close(args: argparse.Namespace) -> int:
    if args.all and (args.client or args.user):
        raise _UsageError("--all closes every session; do not combine it with --client/--user")
    if not (args.all or args.client or args.user):
        raise _UsageError("say which sessions to close: --client, --user, or --all")
    where = _where(args.server)
    if args.all:
        sessions = net.enum_sessions(args.server, level=0)
        clients = list(dict.fromkeys(s.client_name for s in sessions))
        if not clients:
            _out().write(f"No SMB sessions {where}.\n")
            return EXIT_OK
        if not _confirm(args, f"Close all {len(clients)} client(s)' SMB sessions {where}?"):
            return EXIT_API_ERROR
        closed = 0
        for client in clients:
            try:
                net.delete_session(args.server, client=client)
                closed += 1
            except SessionNotFoundError:
                pass  # gone meanwhile
        _out().write(f"Closed the sessions of {closed} client(s) {where}.\n")
        return EXIT_OK
    what = " ".join(
        part for part in (
            f"from {args.client}" if args.client else "",
            f"of user {args.user}" if args.user else "",
        ) if part
    )  # fmt: skip
    if not _confirm(args, f"Close the SMB sessions {what} {where}?"):
        return EXIT_API_ERROR
    net.delete_session(args.server, client=args.client, user=args.user)
    _out().write(f"Closed the SMB sessions {what} {where}.\n")
    return EXIT_OK


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
        ("STATE", "<", lambda r: _state(r["state"])),
        ("TYPE", "<", lambda r: r["type"]),
        ("DEVICE", "<", lambda r: r["device"]),
    ]
    _emit_rows(args, rows, table)
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
    record = _plain(d) if (args.json or args.csv) else {
        f.name: getattr(d, f.name) for f in dataclasses.fields(d)
    }  # fmt: skip
    record["user"] = d.user
    record["idle_time"] = _plain(d.idle_time) if (args.json or args.csv) else d.idle_time
    _emit_record(args, record)
    return EXIT_OK


def _ts_disconnect(args: argparse.Namespace) -> int:
    name = _session_name(args.id)
    if not _confirm(args, f"Disconnect {name} {_where(args.server)}?"):
        return EXIT_API_ERROR
    wts.disconnect_session(args.id, server=args.server, wait=args.wait)
    _out().write(f"Disconnected {name}.\n")
    return EXIT_OK


def _ts_logoff(args: argparse.Namespace) -> int:
    name = _session_name(args.id)
    if not _confirm(args, f"Log off {name} {_where(args.server)}?"):
        return EXIT_API_ERROR
    wts.logoff_session(args.id, server=args.server, wait=args.wait)
    _out().write(f"Logged off {name}.\n")
    return EXIT_OK


def _ts_message(args: argparse.Namespace) -> int:
    response = wts.send_message(
        args.id, args.title, args.text, timeout=args.timeout, wait=args.wait, server=args.server
    )
    _out().write(f"Sent to {_session_name(args.id)}: {response.name}\n")
    return EXIT_OK


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _pump(source: Iterator[Any], count: Optional[int], emit: Callable[[Any], None],
          stop: Callable[[], None]) -> int:  # fmt: skip
    """Run ``source`` in a thread, emit each item here until ``count`` or Ctrl-C."""
    items: queue.Queue[tuple[str, Any]] = queue.Queue()

    def produce() -> None:
        try:
            for item in source:
                items.put(("item", item))
        except BaseException as exc:
            items.put(("error", exc))
        items.put(("end", None))

    thread = threading.Thread(target=produce, name="winsession-watch", daemon=True)
    thread.start()
    seen = 0
    try:
        while count is None or seen < count:
            try:
                kind, value = items.get(timeout=0.2)
            except queue.Empty:
                continue
            if kind == "end":
                break
            if kind == "error":
                raise value
            emit(value)
            _out().flush()
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        thread.join(5)
    return EXIT_OK


def _ts_watch(args: argparse.Namespace) -> int:
    count = args.count
    if count is None and args.simulate:
        from .testing import DEMO_EVENT_COUNT

        count = DEMO_EVENT_COUNT
    watcher = wts.watch_events(server=args.server)

    def emit(event: wts.Event) -> None:
        when = _now()
        if args.json:
            _out().write(json.dumps({"time": when.isoformat(), "event": str(event),
                                     "flags": int(event)}) + "\n")  # fmt: skip
        else:
            _out().write(f"{when:%Y-%m-%d %H:%M:%S}Z  {event}\n")

    return _pump(iter(watcher), count, emit, watcher.stop)


def _events_watch(args: argparse.Namespace) -> int:
    if args.simulate:
        raise _SensUnavailable(
            "SENS logon events are not simulated; run this on Windows, or try"
            " winsession --simulate ts watch for the Remote Desktop session events"
        )
    try:
        sens = importlib.import_module("winsession.sens")
        events = sens.SessionEvents()
        iterator = events.__enter__()
    except Exception as exc:
        if isinstance(exc, UnsupportedPlatformError) and not _on_windows():
            raise _SensUnavailable(
                "this command needs Windows: SENS logon events come from Windows' COM+ Event"
                f" System, which cannot run on {sys.platform}. --simulate does not cover SENS;"
                " for session events here try: winsession --simulate ts watch"
            ) from None
        raise _SensUnavailable(f"SENS logon events are not available here: {exc}") from None

    def emit(event: Any) -> None:
        when = getattr(event, "received_at", None) or _now()
        kind = getattr(getattr(event, "kind", None), "name", str(getattr(event, "kind", "")))
        if args.json:
            _out().write(json.dumps({
                "time": _plain(when), "kind": kind, "user_name": event.user_name,
                "session_id": event.session_id,
            }) + "\n")  # fmt: skip
        else:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S") if hasattr(when, "strftime") else when
            _out().write(f"{stamp}  {kind:<18} session {event.session_id}  {event.user_name}\n")

    def stop() -> None:
        events.__exit__(None, None, None)

    return _pump(iter(iterator), args.count, emit, stop)


class _SensUnavailable(Exception):
    pass


# --- parser ---------------------------------------------------------------------------------


def _listing(parser: argparse.ArgumentParser, csv_too: bool = True) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="JSON output")
    if csv_too:
        group.add_argument("--csv", action="store_true", help="CSV output")


def _server(parser: argparse.ArgumentParser, what: str = "server") -> None:
    parser.add_argument("--server", help=f"{what} name (default: this computer)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winsession",
        description="See and control Windows sessions: SMB (net session) and Remote Desktop"
        " (qwinsta).",
        epilog="Exit codes: 0 success, 1 API error, 2 usage. Off Windows, add --simulate.",
    )
    parser.add_argument(
        "--simulate", action="store_true",
        help="run against a built-in demo table through winsession.testing (any OS)",
    )  # fmt: skip
    groups = parser.add_subparsers(dest="group", metavar="{smb,ts,events}")
    groups.required = True

    smb = groups.add_parser("smb", help="SMB sessions on a file server")
    smb_commands = smb.add_subparsers(dest="command", metavar="{list,info,close}")
    smb_commands.required = True
    p = smb_commands.add_parser("list", help="list SMB sessions (like `net session`)")
    _server(p)
    p.add_argument("--client", help="only sessions from this client computer")
    p.add_argument("--user", help="only sessions of this user")
    p.add_argument(
        "--level",
        type=int,
        default=10,
        choices=(0, 1, 2, 10, 502),
        help="information level (default 10; 1, 2, 502 need administrators)",
    )
    _listing(p)
    p.set_defaults(run=_smb_list)
    p = smb_commands.add_parser("info", help="one session (NetSessionGetInfo)")
    p.add_argument("client")
    p.add_argument("user")
    _server(p)
    p.add_argument("--level", type=int, default=2, choices=(0, 1, 2, 10))
    _listing(p)
    p.set_defaults(run=_smb_info)
    p = smb_commands.add_parser("close", help="close SMB sessions (like Close-SmbSession)")
    _server(p)
    p.add_argument("--client", help="close every session from this client")
    p.add_argument("--user", help="close every session of this user")
    p.add_argument("--all", action="store_true", help="close every session on the server")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_smb_close)

    ts = groups.add_parser("ts", help="Remote Desktop / console sessions")
    ts_commands = ts.add_subparsers(
        dest="command", metavar="{list,info,disconnect,logoff,message,watch}"
    )
    ts_commands.required = True
    p = ts_commands.add_parser("list", help="list sessions (like qwinsta)")
    _server(p, "Remote Desktop server")
    _listing(p)
    p.set_defaults(run=_ts_list)
    p = ts_commands.add_parser("info", help="everything about one session")
    p.add_argument("id", type=_session_arg)
    _server(p, "Remote Desktop server")
    _listing(p)
    p.set_defaults(run=_ts_info)
    p = ts_commands.add_parser("disconnect", help="disconnect a session (like tsdiscon)")
    p.add_argument(
        "id",
        type=_session_arg,
        nargs="?",
        default=wts.CURRENT_SESSION,
        help="session id, or 'current' (the default)",
    )
    _server(p, "Remote Desktop server")
    p.add_argument("--wait", action="store_true", help="return once it is done")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_disconnect)
    p = ts_commands.add_parser("logoff", help="log a session off (like logoff)")
    p.add_argument("id", type=_session_arg)
    _server(p, "Remote Desktop server")
    p.add_argument("--wait", action="store_true", help="return once it is done")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask")
    p.set_defaults(run=_ts_logoff)
    p = ts_commands.add_parser("message", help="show a message box in a session (like msg)")
    p.add_argument("id", type=_session_arg)
    p.add_argument("--title", required=True)
    p.add_argument("text")
    p.add_argument("--timeout", type=int, default=0, help="seconds (0: none)")
    p.add_argument("--wait", action="store_true", help="wait for the user's answer")
    _server(p, "Remote Desktop server")
    p.set_defaults(run=_ts_message)
    p = ts_commands.add_parser("watch", help="print session events until Ctrl-C")
    _server(p, "Remote Desktop server")
    _listing(p, csv_too=False)
    p.add_argument("--count", type=int, help="stop after this many events")
    p.set_defaults(run=_ts_watch)

    events = groups.add_parser("events", help="logon events from SENS")
    event_commands = events.add_subparsers(dest="command", metavar="{watch}")
    event_commands.required = True
    p = event_commands.add_parser("watch", help="print logon/logoff/... events until Ctrl-C")
    _listing(p, csv_too=False)
    p.add_argument("--count", type=int, help="stop after this many events")
    p.set_defaults(run=_events_watch)
    return parser


# --- errors and main ------------------------------------------------------------------------

_DLLS = ("netapi32", "wtsapi32", "kernel32")
_NOT_WINDOWS = (
    "winsession: this command needs Windows: it calls {dll}.dll, which is part of Windows"
    " and cannot run on {platform}. To see what it does here, add --simulate, which runs it"
    " against a built-in demo table: winsession --simulate {example}"
)


def _advice(exc: WinSessionError) -> str:
    if isinstance(exc, AccessDeniedError):
        return ("Run it from an elevated prompt (Run as administrator), or as a member of"
                " Administrators or Server Operators on the server.")  # fmt: skip
    if isinstance(exc, SessionNotFoundError):
        return ("No such session (it may have ended); see `winsession smb list` or"
                " `winsession ts list`.")  # fmt: skip
    if isinstance(exc, ServerNotFoundError):
        return ("Check the server name, that it is reachable, and that its Server / Remote"
                " Desktop Services service runs.")  # fmt: skip
    if isinstance(exc, UnsupportedPlatformError):
        return "This Windows edition does not offer that API."
    return ""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    0 success, 1 an API error (the message names the symbolic code and says what to do),
    2 usage.

    >>> main(["--simulate", "ts", "logoff", "3", "--yes"])
    Logged off session 3.
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.simulate:
            from .testing import demo_simulator

            with demo_simulator():
                return int(args.run(args))
        return int(args.run(args))
    except _UsageError as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _SensUnavailable as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_API_ERROR
    except UnsupportedPlatformError as exc:
        if exc.function in _DLLS and not _on_windows():  # the loader: no such DLL here
            dll = exc.function
            example = f"{args.group} {args.command}"
            print(_NOT_WINDOWS.format(dll=dll, platform=sys.platform, example=example),
                  file=sys.stderr)  # fmt: skip
        else:
            print(f"winsession: {exc} {_advice(exc)}".rstrip(), file=sys.stderr)
        return EXIT_API_ERROR
    except WinSessionError as exc:
        print(f"winsession: {exc} {_advice(exc)}".rstrip(), file=sys.stderr)
        return EXIT_API_ERROR
    except (TypeError, ValueError) as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


def main_exit() -> None:
    """Console-script entry point (``winsession``): ``sys.exit(main())``.

    >>> import sys
    >>> saved, sys.argv = sys.argv, ["winsession", "--simulate", "smb", "list", "--level", "0"]
    >>> try:
    ...     main_exit()
    ... except SystemExit as done:
    ...     print("exit code", done.code)
    Computer
    \\\\10.0.0.5
    \\\\10.0.0.6
    \\\\10.0.0.7
    3 session(s)
    exit code 0
    >>> sys.argv = saved
    """
    sys.exit(main())
