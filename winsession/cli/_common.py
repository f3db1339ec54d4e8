"""What every command shares: exit codes, output (tables, CSV, JSON, record views),
confirmation, and the event pump of the watch commands."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import enum
import ipaddress
import json
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Callable, Optional

from .. import wts

EXIT_OK, EXIT_API_ERROR, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that parses but makes no sense (exit code 2)."""


def on_windows() -> bool:
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


def state_text(state: Any) -> str:
    name = getattr(state, "name", None) or str(state)
    return name.replace("_", " ").title().replace(" ", "")


def plain_value(value: Any) -> Any:
    """A JSON/CSV-friendly copy: states by name, flags as numbers, times in ISO 8601,
    addresses as text, bytes as hex."""
    if isinstance(value, wts.Event):
        return str(value)
    if isinstance(value, enum.IntFlag):
        return int(value)  # flags combine: the number is what a script can test
    if isinstance(value, enum.Enum):
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (datetime.datetime, datetime.date)):
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


# --- output ---------------------------------------------------------------------------------


def output() -> Any:
    return sys.stdout


def emit_rows(
    args: argparse.Namespace,
    rows: Sequence[dict[str, Any]],
    table: Sequence[tuple[str, str, Callable[[dict[str, Any]], str]]],
    footer: Optional[str] = None,
) -> None:
    """Print ``rows`` (plain dicts) as JSON, CSV, or a table of ``(heading, align, cell)``."""
    out = output()
    if getattr(args, "json", False):
        json.dump([plain_value(r) for r in rows], out, indent=2)
        out.write("\n")
        return
    if getattr(args, "csv", False):
        plain = [plain_value(r) for r in rows]
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


def emit_record(args: argparse.Namespace, record: dict[str, Any]) -> None:
    """One record: JSON object, a one-row CSV, or ``key: value`` lines."""
    out = output()
    plain = plain_value(record)
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
            out.write(f"{key.replace('_', ' ').capitalize():<{width}}  {cell_text(value)}\n")


def cell_text(value: Any) -> str:
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
        return value.name
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# --- confirmation ---------------------------------------------------------------------------


def confirm(args: argparse.Namespace, question: str) -> bool:
    """True to go on. On a terminal, ask; elsewhere only ``--yes`` lets a command go on."""
    if args.yes:
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise UsageError(
            f"{question.rstrip('?')}: refusing without --yes because stdin is not a terminal"
        )
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    sys.stderr.write("winsession: not confirmed; nothing was changed\n")
    return False


def where_text(server: Optional[str]) -> str:
    return f"on {server}" if server else "on this computer"


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


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


class SensUnavailable(Exception):
    """A SENS subscription could not be made (exit code 1)."""


def add_format_options(parser: argparse.ArgumentParser, csv_too: bool = True) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="JSON output")
    if csv_too:
        group.add_argument("--csv", action="store_true", help="CSV output")


def add_server_option(parser: argparse.ArgumentParser, what: str = "server") -> None:
    parser.add_argument("--server", help=f"{what} name (default: this computer)")
