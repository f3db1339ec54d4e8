"""The options commands share: --json/--csv/--format, --server/--servers-file, --dry-run and
--yes, and what is checked once the command line is parsed."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from typing import Any

from .. import fleet, wts
from .._escape import escape
from ._common import UsageError, command_name
from ._output import fmt, human, human_err

# --- options --------------------------------------------------------------------------------
# The global options work before or after the subcommand: the top-level parser defines them
# with real defaults, each subcommand again with argparse.SUPPRESS (so a subcommand that
# does not see one leaves the top level's value alone).


def add_format_options(parser: argparse.ArgumentParser, table: bool = True,
                       top: bool = False, wide: str = "",
                       record: bool = False) -> None:  # fmt: skip
    """``--json`` and ``--jsonl`` (every command has them), ``--csv`` and ``--wide`` only
    where the command prints a table (``table``; ``wide``: what ``--wide`` does beyond
    printing every cell whole; a ``record`` view such as ``ts info`` has ``--csv``, one row,
    but no ``--wide``): an option a command has always does what it says."""
    default: Any = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--json",
        action="store_true",
        default=default,
        help="JSON output (one array, or one object for a single record; winsession --json-schema)",
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        default=default,
        help="JSON lines: one object per line, written as rows arrive",
    )
    if table or top:
        parser.add_argument("--csv", action="store_true", default=default,
                            help="CSV output of the table's rows (formula-safe: text starting"
                                 " with = + - @ tab or CR gets a leading ')")  # fmt: skip
    if table and not (top or record):
        parser.add_argument("--wide", "-w", action="store_true",
                            help=wide or "never shorten a cell to fit the terminal (lines may"
                                         " wrap); pipes always get every cell whole")  # fmt: skip


def add_server_option(parser: argparse.ArgumentParser, what: str = "server",
                      top: bool = False, many: bool = True) -> None:  # fmt: skip
    """``--server``; with ``many`` repeatable, with ``--servers-file``, ``--parallel`` and
    ``--timeout`` (the servers go through :func:`winsession.fleet.fan_out`). Without
    ``many`` the command works on one server, says so, and refuses a second (exit 2)."""
    suppress: Any = argparse.SUPPRESS
    parser.add_argument(
        "--server",
        action="append",
        default=None if top else suppress,
        metavar="NAME",
        help=f"{what} name (default: this computer); repeat it for several servers"
        if many
        else f"{what} name (default: this computer); one server only",
    )
    if not many:
        return
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


GLOBAL_OPTIONS = ("json", "jsonl", "csv", "server", "servers_file", "parallel", "timeout")
"""The options the top level takes for every command: each command must also take them
itself, or a value given before the subcommand is refused (see :func:`finish_options`)."""


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
    accepts = getattr(args, "accepts", None)
    if accepts is not None:
        for dest in GLOBAL_OPTIONS:
            if getattr(args, dest, None) not in (None, False) and dest not in accepts:
                option = "--" + dest.replace("_", "-")
                raise UsageError(f"{command_name(args)} does not take {option}")
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


def session_id_arg(text: str) -> int:
    """A session id on the command line: ASCII digits (decimal), ``0x...``, or ``current``."""
    if text.lower() == "current":
        return wts.CURRENT_SESSION
    try:
        value = int(text, 10) if text.isascii() and text.isdigit() else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a session id: {human(text)}") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"session id out of range: {human(text)}")
    return value


def session_name(session_id: int) -> str:
    return "the current session" if session_id == wts.CURRENT_SESSION else f"session {session_id}"
