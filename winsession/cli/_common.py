"""What every command shares: exit codes, the global options, output (tables, record views,
CSV, JSON, JSON lines) with escaping, many servers at once (winsession.fleet), bulk actions
with --dry-run and confirmation, and the event pump of the watch commands.

Everything a human reads goes through :func:`human` (winsession._escape.escape): names from
remote clients can carry terminal escape sequences, line breaks and bidi overrides. JSON
stays exact (its own escaping is safe); CSV cells are formula-safe (a leading ``'`` before
``= + - @`` tab CR) and otherwise exact.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime
import enum
import io
import ipaddress
import json
import queue
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Callable, Optional, TextIO, Union

from .. import fleet, wts
from .._escape import csv_safe, display_width, escape
from ..errors import (
    AccessDeniedError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
)

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_DECLINED = 4
EXIT_NEEDS_WINDOWS = 5

EXIT_CODES_TEXT = (
    "exit codes: 0 success; 1 an API call failed; 2 usage (bad command line);"
    " 3 partial failure (some servers or items failed); 4 the confirmation was declined;"
    " 5 this command needs Windows (add --simulate to try it here)"
)


class UsageError(Exception):
    """A command line that parses but makes no sense (exit code 2)."""


class Declined(Exception):
    """The user said no at the confirmation prompt (exit code 4)."""


class NeedsWindows(Exception):
    """This command cannot run here, not even with --simulate (exit code 5)."""


class SensUnavailable(Exception):
    """A SENS subscription could not be made (exit code 1)."""


def on_windows() -> bool:
    return sys.platform == "win32"


# --- values ---------------------------------------------------------------------------------


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


_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """``90s``, ``45m``, ``2h``, ``1d``, ``1:30:00`` (H:MM:SS), ``5:00`` (M:SS) or plain
    seconds, as seconds. For ``--idle-over``.

    >>> [parse_duration(t) for t in ("90s", "45m", "2h", "1d", "1:30:00", "5:00", "30")]
    [90, 2700, 7200, 86400, 5400, 300, 30]
    """
    if ":" in text:
        parts = text.strip().split(":")
        if 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
            seconds = 0
            for p in parts:
                seconds = seconds * 60 + int(p)
            return seconds
    else:
        m = _DURATION.match(text)
        if m:
            return int(m.group(1)) * _UNITS[m.group(2).lower()]
    raise argparse.ArgumentTypeError(
        f"not a duration: {escape(text)!s} (try 90s, 45m, 2h, 1d or 1:30:00)"
    )


def state_text(state: Any) -> str:
    name = getattr(state, "name", None) or str(state)
    return name.replace("_", " ").title().replace(" ", "")


def plain_value(value: Any) -> Any:
    """A JSON/CSV-friendly copy: enums by name, flags as numbers, times in ISO 8601 with
    their UTC offset, durations as integer seconds, addresses as text, bytes as hex."""
    if isinstance(value, wts.Event):
        return str(value)
    if isinstance(value, enum.IntFlag):
        return int(value)  # flags combine: the number is what a script can test
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, wts.ClientAddress):
        return None if value.address is None else str(value.address)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return value


def cell_text(value: Any) -> str:
    """How a value reads in a table or an info view (not yet escaped)."""
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
        return state_text(value)
    if isinstance(value, enum.Enum):
        return value.name or str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- output ---------------------------------------------------------------------------------


class _SafeWriter:
    """A text stream that never fails on a character its encoding lacks: such text is
    written with backslash escapes instead (a name never cuts a listing short)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    @property
    def encoding(self) -> Optional[str]:
        return getattr(self.stream, "encoding", None)

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except UnicodeEncodeError:
            encoding = self.encoding or "ascii"
            safe = text.encode(encoding, "backslashreplace").decode(encoding, "replace")
            return self.stream.write(safe)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())


def output() -> _SafeWriter:
    """Standard output, safe for any text."""
    return _SafeWriter(sys.stdout)


def errors_out() -> _SafeWriter:
    """Standard error, safe for any text."""
    return _SafeWriter(sys.stderr)


def human(value: Any) -> str:
    """``value`` as a human reads it: :func:`cell_text`, escaped for standard output's
    encoding (controls, bidi characters, separators, unencodable characters)."""
    return escape(cell_text(value), getattr(sys.stdout, "encoding", None))


def human_err(value: Any) -> str:
    """Like :func:`human`, for standard error."""
    return escape(cell_text(value), getattr(sys.stderr, "encoding", None))


def warn(message: str) -> None:
    """``winsession: message`` on stderr; ``message`` must be escaped already."""
    errors_out().write(f"winsession: {message}\n")


def fmt(args: argparse.Namespace) -> str:
    """The output format asked for: ``table``, ``json``, ``jsonl`` or ``csv``."""
    chosen = [f for f in ("json", "jsonl", "csv") if getattr(args, f, False)]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format, not {' and '.join('--' + c for c in chosen)}")
    return chosen[0] if chosen else "table"


def _csv_cells(plain: dict[str, Any]) -> dict[str, Any]:
    return {k: csv_safe(json.dumps(v) if isinstance(v, (dict, list)) else v)
            for k, v in plain.items()}  # fmt: skip


def _csv_writer(out: Any, fields: list[str]) -> csv.DictWriter[str]:
    """A CSV writer whose header is written: text cells quoted (so a CR or LF inside a name
    stays inside its cell: the csv module quotes those only when they are the line
    terminator), numbers bare (they stay numbers)."""
    csv.writer(out, lineterminator="\n").writerow(fields)
    return csv.DictWriter(out, fieldnames=fields, lineterminator="\n",
                          quoting=csv.QUOTE_NONNUMERIC)  # fmt: skip


Column = tuple[str, str, Callable[[dict[str, Any]], Any]]


def emit_rows(
    args: argparse.Namespace,
    rows: Iterable[dict[str, Any]],
    table: Union[Sequence[Column], Callable[[], Sequence[Column]]],
    footer: Union[str, Callable[[int], Optional[str]], None] = None,
) -> int:
    """Print ``rows`` (plain dicts) as JSON, JSON lines, CSV, or a table of
    ``(heading, align, cell)`` columns; return how many rows there were.

    JSON, JSON lines and CSV stream: each row is written (and flushed) as it arrives. A table
    waits for all rows to align its columns (``table`` may be a function: the columns are
    then chosen after the rows came). Table cells are escaped (:func:`human`); a cell
    may return any value (``None`` is empty). ``footer`` is a line after a table (a function
    gets the row count).
    """
    out = output()
    kind = fmt(args)
    count = 0
    if kind in ("json", "jsonl"):
        if kind == "json":
            out.write("[")
        for r in rows:
            text = json.dumps(plain_value(r), indent=None if kind == "jsonl" else 2)
            if kind == "json":
                text = ("\n" if count == 0 else ",\n") + "  " + text.replace("\n", "\n  ")
            else:
                text += "\n"
            out.write(text)
            out.flush()
            count += 1
        if kind == "json":
            out.write("\n]\n" if count else "]\n")
        return count
    if kind == "csv":
        writer: Optional[csv.DictWriter[str]] = None
        for r in rows:
            plain = plain_value(r)
            if writer is None:
                writer = _csv_writer(out, list(plain))
            writer.writerow(_csv_cells(plain))
            out.flush()
            count += 1
        if writer is None:
            columns = table() if callable(table) else table
            csv.writer(out, lineterminator="\n").writerow([h for h, _, _ in columns])
        return count
    encoding = getattr(sys.stdout, "encoding", None)
    collected = list(rows)
    if isinstance(rows, Fleet):
        collected = rows.in_order(collected)  # a table lists the servers in the order given
    table = table() if callable(table) else table
    cells = [[escape(cell_text(cell(r)), encoding) for _, _, cell in table] for r in collected]
    count = len(cells)
    widths = [
        max([display_width(heading), *(display_width(c[i]) for c in cells)])
        for i, (heading, _, _) in enumerate(table)
    ]

    def line(values: Sequence[str]) -> str:
        parts = []
        for v, w, (_, align, _) in zip(values, widths, table):
            pad = " " * (w - display_width(v))
            parts.append(pad + v if align == ">" else v + pad)
        return "  ".join(parts).rstrip()

    out.write(line([heading for heading, _, _ in table]) + "\n")
    for c in cells:
        out.write(line(c) + "\n")
    tail = footer(count) if callable(footer) else footer
    if tail is not None:
        out.write(tail + "\n")
    return count


def emit_record(args: argparse.Namespace, record: dict[str, Any]) -> None:
    """One record: a JSON object (one line with --jsonl), a one-row CSV, or ``Key  value``
    lines (values escaped)."""
    out = output()
    kind = fmt(args)
    plain = plain_value(record)
    if kind == "json":
        out.write(json.dumps(plain, indent=2) + "\n")
    elif kind == "jsonl":
        out.write(json.dumps(plain) + "\n")
    elif kind == "csv":
        _csv_writer(out, list(plain)).writerow(_csv_cells(plain))
    else:
        labels = {k: k.replace("_", " ").capitalize() for k in record}
        width = max(display_width(v) for v in labels.values())
        for key, value in record.items():
            out.write(f"{labels[key]:<{width}}  {human(value)}".rstrip() + "\n")


# --- many servers ---------------------------------------------------------------------------


def servers_of(args: argparse.Namespace) -> list[Optional[str]]:
    """The servers a command runs on: ``--server`` (repeatable) and ``--servers-file``;
    ``[None]`` (this computer) when neither is given."""
    return list(getattr(args, "servers", None) or [None])


def single_server(args: argparse.Namespace) -> Optional[str]:
    """The one server of a command that takes one (a usage error if several were given)."""
    servers = servers_of(args)
    if len(servers) > 1:
        raise UsageError(f"{args.group} {args.command} takes one --server, not {len(servers)}")
    return servers[0]


def server_label(server: Optional[str]) -> str:
    return server if server else "this computer"


def where_text(server: Optional[str]) -> str:
    return f"on {human(server)}" if server else "on this computer"


class Fleet:
    """Rows from every server of ``args`` through :func:`winsession.fleet.fan_out`.

    Failing servers are reported on stderr as they fail and counted; :attr:`exit_code` is
    0 when every server answered, 3 (partial) when some failed. When *every* server failed,
    iterating re-raises the first server's error (main() reports it with advice: exit 1,
    or 5 off Windows). One server runs in this thread, with no pool.
    """

    def __init__(self, args: argparse.Namespace,
                 fetch: Callable[[Optional[str]], Iterable[dict[str, Any]]]) -> None:  # fmt: skip
        self.args = args
        self.fetch = fetch
        self.servers = servers_of(args)
        self.failed: list[fleet.Failure] = []
        self.multi = len(self.servers) > 1

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def in_order(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` (as they arrived) grouped by server in the order the servers were given."""
        rank = {name: i for i, name in enumerate(self.servers)}
        return sorted(rows, key=lambda r: rank.get(r.get("server"), len(rank)))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if not self.multi:
            server = self.servers[0]
            for row in self.fetch(server):
                yield {"server": server, **row}
            return
        err = errors_out()
        show_progress = err.isatty()
        total = len(self.servers)

        def progress(done: int, total: int) -> None:
            if show_progress:
                err.write(f"\r{done}/{total} servers done")
                err.flush()

        answered = 0
        try:
            for result in fleet.fan_out(
                self.servers, self.fetch, parallel=getattr(self.args, "parallel", None)
                or fleet.DEFAULT_PARALLEL, timeout=getattr(self.args, "timeout", None),
                progress=progress,
            ):  # fmt: skip
                if isinstance(result, fleet.Failure):
                    self.failed.append(result)
                    if show_progress:
                        err.write("\r\x1b[K")
                    warn(f"{human_err(server_label(result.server))}: {error_text(result.error)}")
                    continue
                answered += 1
                yield {"server": result.server, **result.value}
        finally:
            if show_progress:
                err.write("\r\x1b[K")
                err.flush()
        if len(self.failed) == total:
            raise self.failed[0].error


def advice(exc: BaseException) -> str:
    """What to do about an API error, naming the service of the API that failed (an SMB
    failure never mentions Remote Desktop)."""
    if not isinstance(exc, WinSessionError):
        return ""
    function = exc.function or ""
    service = (
        "Server (LanmanServer)" if function.startswith("Net")
        else "Remote Desktop Services (TermService)" if function.startswith("WTS")
        else ""
    )  # fmt: skip
    if isinstance(exc, AccessDeniedError):
        return ("Run it from an elevated prompt (Run as administrator), or as a member of"
                " Administrators or Server Operators on the server.")  # fmt: skip
    if isinstance(exc, SessionNotFoundError):
        listing = ("`winsession smb list`" if function.startswith("Net")
                   else "`winsession ts list`")  # fmt: skip
        return f"No such session (it may have ended); see {listing}."
    if isinstance(exc, ServerNotFoundError):
        tail = f" and that its {service} service runs" if service else ""
        return f"Check the server name, that it is reachable{tail}."
    if isinstance(exc, UnsupportedPlatformError):
        return "This Windows edition does not offer that API."
    return ""


def error_text(exc: BaseException) -> str:
    """An exception's message for stderr, escaped (it may echo a name), with advice."""
    text = human_err(str(exc) or type(exc).__name__)
    return f"{text} {advice(exc)}".rstrip()


# --- actions: --dry-run, confirmation, one result line per item, a summary -------------------


@dataclasses.dataclass
class Action:
    """One thing a destructive command will do.

    ``target`` is what a human reads (unescaped: it is escaped when printed), ``fields`` the
    JSON record's identifying fields (``session_id``, ``client_name``, ``user_name``,
    ``file_id``).
    """

    server: Optional[str]
    target: str
    run: Callable[[], Any]
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)


def confirm(args: argparse.Namespace, question: str) -> bool:
    """True to go on. On a terminal, ask; elsewhere only ``--yes`` lets a command go on
    (without it: a usage error, exit 2). ``question`` must be escaped already."""
    if getattr(args, "yes", False):
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise UsageError(
            f"{question.rstrip('?')}: refusing without --yes because stdin is not a terminal"
        )
    err = errors_out()
    err.write(f"{question} [y/N] ")
    err.flush()
    answer = stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    err.write("winsession: not confirmed; nothing was changed\n")
    return False


def _action_record(action: Action, verb: str, status: str,
                   error: Optional[BaseException] = None) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {
        "server": action.server,
        "action": verb,
        "target": action.target,
        "session_id": None,
        "client_name": None,
        "user_name": None,
        "file_id": None,
    }
    record.update(action.fields)
    record["status"] = status
    record["response"] = None
    record["error"] = None if error is None else (str(error) or type(error).__name__)
    record["winerror"] = getattr(error, "winerror", None) if error is not None else None
    return record


def run_actions(
    args: argparse.Namespace,
    actions: Sequence[Action],
    *,
    verb: str,
    past: str,
    noun: str,
    nothing: str,
    failed_servers: int = 0,
    ask: bool = True,
) -> int:
    """Do ``actions`` with the house rules and return the exit code.

    ``--dry-run`` prints what would be done and changes nothing (exit 0). Otherwise one
    confirmation for all (declined: exit 4), one result line per item (failures on stderr,
    with the error), a summary when there was more than one, and exit 0 (all done), 3 (some
    failed; or servers failed while listing: ``failed_servers``), 1 (all failed).
    With --json/--jsonl a result record per item (``status`` done/failed/dry-run).
    """
    kind = fmt(args)
    machine = kind in ("json", "jsonl")
    partial = EXIT_PARTIAL if failed_servers else EXIT_OK
    if kind == "csv":
        raise UsageError("actions report as text or --json/--jsonl, not --csv")
    out = output()
    if not actions:
        if machine:
            emit_rows(args, [], [])
        else:
            out.write(nothing + "\n")
        return partial
    many = len(actions) > 1
    if getattr(args, "dry_run", False):
        if machine:
            emit_rows(args, (_action_record(a, verb, "dry-run") for a in actions), [])
        else:
            for a in actions:
                out.write(f"Would {verb} {human(a.target)} {where_text(a.server)}.\n")
            out.write(f"Dry run: {len(actions)} {noun} would be {past}; nothing was changed.\n")
        return partial
    question = (
        f"{verb.capitalize()} {len(actions)} {noun}?" if many
        else f"{verb.capitalize()} {human(actions[0].target)} {where_text(actions[0].server)}?"
    )  # fmt: skip
    if ask and not confirm(args, question):
        return EXIT_DECLINED
    done = failed = 0
    records: list[dict[str, Any]] = []
    first_error: Optional[BaseException] = None
    for a in actions:
        try:
            result = a.run()
        except (WinSessionError, ValueError) as exc:
            failed += 1
            first_error = first_error or exc
            records.append(_action_record(a, verb, "failed", exc))
            if not machine:
                warn(f"could not {verb} {human_err(a.target)} {where_text(a.server)}:"
                     f" {error_text(exc)}")  # fmt: skip
            continue
        done += 1
        record = _action_record(a, verb, "done")
        record["response"] = result if isinstance(result, str) else None
        records.append(record)
        if not machine:
            where = f" {where_text(a.server)}" if a.server else ""
            tail = f": {human(result)}" if isinstance(result, str) else "."
            out.write(f"{past.capitalize()} {human(a.target)}{where}{tail}\n")
            out.flush()
    if machine:
        emit_rows(args, records, [])
    elif many:
        tail = f"; {failed} failed" if failed else ""
        out.write(f"{past.capitalize()} {done} of {len(actions)} {noun}{tail}.\n")
    if failed and not done:
        return EXIT_API_ERROR
    return EXIT_PARTIAL if failed else partial


# --- event pump -----------------------------------------------------------------------------


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def event_record(
    time: datetime.datetime, kind: str, *, server: Optional[str] = None,
    session_id: Optional[int] = None, user_name: Optional[str] = None,
    flags: Optional[int] = None, source: str,
) -> dict[str, Any]:  # fmt: skip
    """The one event record of ``ts watch`` and ``events watch`` (docs/schema.json)."""
    return {
        "time": plain_value(time), "source": source, "server": server, "kind": kind,
        "session_id": session_id, "user_name": user_name, "flags": flags,
    }  # fmt: skip


def pump(source: Iterator[Any], count: Optional[int], emit: Callable[[Any], None],
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
            output().flush()
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        thread.join(5)
    return EXIT_OK


# --- options --------------------------------------------------------------------------------
# The global options work before or after the subcommand: the top-level parser defines them
# with real defaults, each subcommand again with argparse.SUPPRESS (so a subcommand that
# does not see one leaves the top level's value alone).


def add_format_options(parser: argparse.ArgumentParser, csv_too: bool = True,
                       top: bool = False) -> None:  # fmt: skip
    default: Any = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--json",
        action="store_true",
        default=default,
        help="JSON output (one array, or one object for a single record)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        default=default,
        help="JSON lines: one object per line, written as rows arrive",
    )
    if csv_too or top:
        parser.add_argument("--csv", action="store_true", default=default,
                            help="CSV output (formula-safe: text starting with = + - @ tab"
                                 " or CR gets a leading ')")  # fmt: skip


def add_server_option(parser: argparse.ArgumentParser, what: str = "server",
                      top: bool = False) -> None:  # fmt: skip
    """``--server`` (repeatable), ``--servers-file``, ``--parallel``, ``--timeout``."""
    suppress: Any = argparse.SUPPRESS
    parser.add_argument(
        "--server",
        action="append",
        default=None if top else suppress,
        metavar="NAME",
        help=f"{what} name (default: this computer); repeat it for several servers",
    )
    parser.add_argument(
        "--servers-file",
        default=None if top else suppress,
        metavar="FILE",
        help="read server names from FILE (one per line, # comments)",
    )
    parser.add_argument(
        "--parallel",
        type=_positive_int,
        default=None if top else suppress,
        metavar="N",
        help=f"servers queried at the same time (default {fleet.DEFAULT_PARALLEL})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=None if top else suppress,
        metavar="SECONDS",
        help="give up on a server after this long (default: no limit)",
    )


def add_action_options(parser: argparse.ArgumentParser) -> None:
    """``--dry-run`` and ``--yes`` for a destructive command (see :func:`run_actions`)."""
    parser.add_argument(
        "--dry-run",
        "-n",
        action="store_true",
        help="print exactly what would be done and change nothing",
    )
    parser.add_argument(
        "--yes", "-y", action="store_true", help="do not ask (needed when stdin is not a terminal)"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {escape(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {escape(text)}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {escape(text)}")
    return value


def finish_options(args: argparse.Namespace) -> None:
    """After parsing: check the format options, gather the servers into ``args.servers``
    (and ``args.server``: the first, or ``None``)."""
    fmt(args)
    names = list(getattr(args, "server", None) or [])
    path = getattr(args, "servers_file", None)
    if path:
        try:
            names += fleet.read_servers_file(path)
        except OSError as exc:
            raise UsageError(f"--servers-file: {human_err(exc)}") from None
    for name in names:
        if not name.strip() or "\0" in name:
            raise UsageError(f"not a server name: {human_err(repr(name))}")
    args.servers = list(dict.fromkeys(names))
    args.server = args.servers[0] if args.servers else None


def make_stdio_safe() -> None:
    """Never let an unencodable character end the program: standard output and error
    write what their encoding lacks as backslash escapes (``errors="backslashreplace"``)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            with contextlib.suppress(ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="backslashreplace")
