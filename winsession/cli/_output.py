"""What the commands print, and how: values as people read them (durations, states,
addresses), and output as tables, record views, CSV, JSON and JSON lines.

Everything a human reads goes through :func:`human` (winsession._escape.escape): names from
remote clients can carry terminal escape sequences, line breaks and bidi overrides. JSON
stays exact (its own escaping is safe); CSV cells are formula-safe (a leading ``'`` before
``= + - @`` tab CR) and otherwise exact.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime
import enum
import ipaddress
import json
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Callable, Optional, TextIO, Union

from .. import net, wts
from .._escape import csv_safe, display_width, escape
from ._common import UsageError

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


def net_duration(value: Any) -> str:
    """Seconds as ``net session`` shows them: ``HH:MM:SS``, hours at least two digits (the
    ``net session`` page of Microsoft Learn shows ``00:00:13`` and ``01:05:13``; it does not
    show a time of 100 hours or more, which gets more digits here); ``None`` as ``""``.

    >>> net_duration(20), net_duration(3913), net_duration(360000)
    ('00:00:20', '01:05:13', '100:00:00')
    """
    text = format_duration(value)
    return "0" + text if text[:1].isdigit() and text.index(":") == 1 else text


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


_QWINSTA_STATES = {"CONNECTED": "Conn", "CONNECT_QUERY": "ConnQ", "DISCONNECTED": "Disc"}


def short_state(state: Any) -> str:
    """A session state as qwinsta writes it in its STATE column: ``Active``, ``Conn``,
    ``ConnQ``, ``Shadow``, ``Disc``, ``Idle``, ``Listen``, ``Reset``, ``Down``, ``Init``.

    >>> from winsession import wts
    >>> short_state(wts.ConnectState.DISCONNECTED), short_state(wts.ConnectState.LISTEN)
    ('Disc', 'Listen')
    """
    name = getattr(state, "name", None) or str(state)
    return _QWINSTA_STATES.get(name, state_text(state))


def time_cell(value: Optional[datetime.datetime]) -> str:
    """A time in a table: UTC to the minute (the heading says UTC).

    >>> time_cell(datetime.datetime(2024, 5, 6, 8, 30, 59)), time_cell(None)
    ('2024-05-06 08:30', '')
    """
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


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


def flag_text(value: enum.IntFlag) -> str:
    """A flag value in words, the same on every Python: the library's ``.text`` where the
    type has one (``net.ShareType``: ``IPC|SPECIAL``), else the names of the bits set joined
    with ``+`` (``READ+WRITE``, ``GUEST``); ``none`` for no bit.

    >>> from winsession import net
    >>> flag_text(net.FilePermissions(3)), flag_text(net.SessionFlags(0))
    ('READ+WRITE', 'none')
    """
    text = getattr(value, "text", None)
    if isinstance(text, str):
        if isinstance(value, net.ShareType):
            return text
    else:
        names, rest = [], int(value)
        for member in type(value):
            bit = int(member)
            if bit and bit & (bit - 1) == 0 and rest & bit:
                names.append(member.name or "")
                rest &= ~bit
        if rest:
            names.append(hex(rest))
        text = "|".join(names)
    return text.replace("|", "+") or "none"


def csv_value(value: Any) -> Any:
    """A CSV cell: what the table shows in words, numbers where it shows numbers. Booleans
    ``yes``/``no``, flags by name (:func:`flag_text`), enums by name, the client's display
    as ``1920x1080 (colour depth code 24)``; times in ISO 8601 and durations in seconds
    (as in JSON: a spreadsheet can sort and sum them); ``None`` empty.

    >>> from winsession import net
    >>> csv_value(True), csv_value(net.FilePermissions(1)), csv_value(None), csv_value(20)
    ('yes', 'READ', '', 20)
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.IntFlag) and not isinstance(value, wts.Event):
        return flag_text(value)
    if isinstance(value, wts.ClientDisplay):
        return cell_text(value)
    return plain_value(value)


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


def _csv_cells(record: dict[str, Any]) -> dict[str, Any]:
    cells = {k: csv_value(v) for k, v in record.items()}
    return {k: csv_safe(json.dumps(v) if isinstance(v, (dict, list)) else v)
            for k, v in cells.items()}  # fmt: skip


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

    ``align`` is ``<`` (left) or ``>`` (right); ``<*`` and ``<|`` mark a column of names
    that may be shortened (at the end, or in the middle for paths) to fit the terminal. On a
    terminal the table fits its width (:func:`terminal_width`) unless ``args.wide``; a pipe or
    a file gets every cell whole. CSV rows are the records' fields in the table's words
    (:func:`csv_value`).

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
            if writer is None:
                writer = _csv_writer(out, list(r))
            writer.writerow(_csv_cells(r))
            out.flush()
            count += 1
        if writer is None:
            columns = table() if callable(table) else table
            csv.writer(out, lineterminator="\n").writerow([h for h, _, _ in columns])
        return count
    encoding = getattr(sys.stdout, "encoding", None)
    collected = list(rows)
    in_order = getattr(rows, "in_order", None)  # a Fleet (._actions): servers as given
    if in_order is not None:
        collected = in_order(collected)
    table = table() if callable(table) else table
    cells = [[escape(cell_text(cell(r)), encoding) for _, _, cell in table] for r in collected]
    count = len(cells)
    widths = [
        max([display_width(heading), *(display_width(c[i]) for c in cells)])
        for i, (heading, _, _) in enumerate(table)
    ]
    limit = None if getattr(args, "wide", False) else terminal_width(out)
    if limit is not None:
        widths = fit_widths(widths, [(h, a) for h, a, _ in table], limit)
    mark = "\u2026" if escape("\u2026", encoding) == "\u2026" else "~"

    def line(values: Sequence[str]) -> str:
        parts = []
        for v, w, (_, align, _) in zip(values, widths, table):
            v = shorten(v, w, "middle" if align.endswith("|") else "end", mark)
            pad = " " * (w - display_width(v))
            parts.append(pad + v if align.startswith(">") else v + pad)
        return "  ".join(parts).rstrip()

    out.write(line([heading for heading, _, _ in table]) + "\n")
    for c in cells:
        out.write(line(c) + "\n")
    tail = footer(count) if callable(footer) else footer
    if tail is not None:
        out.write(tail + "\n")
    return count


def terminal_width(out: _SafeWriter) -> Optional[int]:
    """The columns a table may use: the terminal's width (:func:`shutil.get_terminal_size`)
    when ``out`` is a terminal, ``None`` (no limit) for a pipe or a file. On Windows one less:
    the console wraps a line that fills its last column, leaving an empty line."""
    if not out.isatty():
        return None
    columns = shutil.get_terminal_size().columns
    return max(columns - (1 if sys.platform == "win32" else 0), 20)


def fit_widths(widths: list[int], columns: Sequence[tuple[str, str]], limit: int) -> list[int]:
    """Column widths that fit ``limit`` (two spaces between columns), taking from the widest
    column that may be shortened (align ``<*`` or ``<|``) until the line fits or every such
    column is as narrow as its heading (at least 6). Others keep their width.

    >>> fit_widths([10, 20, 5], [("A", "<"), ("NAME", "<*"), ("N", ">")], 30)
    [10, 11, 5]
    """
    widths = list(widths)
    floors = [
        min(w, max(display_width(heading), 6)) if align[1:] in ("*", "|") else w
        for w, (heading, align) in zip(widths, columns)
    ]
    excess = sum(widths) + 2 * (len(widths) - 1) - limit
    while excess > 0:
        room = [(w - f, w, i) for i, (w, f) in enumerate(zip(widths, floors)) if w > f]
        if not room:
            break
        _, _, i = max(room, key=lambda t: (t[1], t[0]))
        widths[i] -= 1
        excess -= 1
    return widths


def shorten(text: str, width: int, where: str = "end", mark: str = "\u2026") -> str:
    """``text`` cut to ``width`` terminal columns with ``mark`` where text was left out: at
    the end, or in the ``middle`` (paths keep their file name).

    >>> shorten("Administrator", 8), shorten("/srv/shares/projects/plan.docx", 16, "middle")
    ('Adminis\u2026', '/srv/\u2026/plan.docx')
    """
    if display_width(text) <= width:
        return text
    room = max(width - display_width(mark), 0)
    head_room = room if where == "end" else room // 3  # a path's end names the file
    head, used = "", 0
    for ch in text:
        if used + display_width(ch) > head_room:
            break
        head += ch
        used += display_width(ch)
    tail, used = "", 0
    if where != "end":
        for ch in reversed(text):
            if used + display_width(ch) > room - head_room:
                break
            tail = ch + tail
            used += display_width(ch)
    return head + mark + tail


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
        _csv_writer(out, list(record)).writerow(_csv_cells(record))
    else:
        labels = {k: k.replace("_", " ").capitalize() for k in record}
        width = max(display_width(v) for v in labels.values())
        for key, value in record.items():
            out.write(f"{labels[key]:<{width}}  {human(value)}".rstrip() + "\n")
