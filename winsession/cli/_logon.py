"""``winsession logon ...``: LSA logon sessions (``logon list``, this computer only) and the
users logged on to workstations (``logon users``, NetWkstaUserEnum, any server)."""

from __future__ import annotations

import argparse
import dataclasses
import enum
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Optional

from .. import logon, net
from .._escape import display_width, escape
from ._actions import Fleet
from ._common import EXIT_OK
from ._options import add_format_options, add_server_option
from ._output import (
    Column,
    cell_text,
    emit_rows,
    fmt,
    human_err,
    output,
    terminal_width,
    time_cell,
    warn,
)

# --- columns that appear when there is room ---------------------------------------------------


def fitting_columns(
    args: argparse.Namespace,
    rows: Sequence[dict[str, Any]],
    required: Sequence[Column],
    optional: Sequence[Column],
) -> list[Column]:
    """``required``, and each of ``optional`` (in order) while the whole table still fits
    the terminal without shortening a cell; every column with ``--wide``, a pipe or a file.
    The columns keep the order they are given in (``optional`` last)."""
    limit = None if getattr(args, "wide", False) else terminal_width(output())
    if limit is None:
        return [*required, *optional]
    encoding = getattr(sys.stdout, "encoding", None)

    def width(column: Column) -> int:
        heading, _, cell = column
        cells = (display_width(escape(cell_text(cell(r)), encoding)) for r in rows)
        return max([display_width(heading), *cells])

    chosen = list(required)
    used = sum(width(c) for c in chosen) + 2 * (len(chosen) - 1)
    for column in optional:
        extra = width(column) + 2
        if used + extra <= limit:
            chosen.append(column)
            used += extra
    return chosen


def account(domain: Optional[str], user: Optional[str]) -> str:
    """``DOMAIN\\user`` as Windows writes an account (the user alone without a domain)."""
    return f"{domain}\\{user}" if domain else user or ""


# --- logon list -----------------------------------------------------------------------------

LOGON_FIELDS = tuple(f.name for f in dataclasses.fields(logon.LogonSession))


class LogonFlags(enum.IntFlag):
    """``SECURITY_LOGON_SESSION_DATA.UserFlags``: the ``LOGON_*`` values of ntsecapi.h
    (mingw-w64's header; the reference has no entry for them), so that CSV shows them in
    words (``EXTRA_SIDS``) as it does every flag; JSON keeps the number."""

    GUEST = 0x01
    NOENCRYPTION = 0x02
    CACHED_ACCOUNT = 0x04
    USED_LM_PASSWORD = 0x08
    EXTRA_SIDS = 0x20
    SUBAUTH_SESSION_KEY = 0x40
    SERVER_TRUST_ACCOUNT = 0x80
    NTLMV2_ENABLED = 0x100
    RESOURCE_GROUPS = 0x200
    PROFILE_PATH_RETURNED = 0x400
    NT_V2 = 0x800
    LM_V2 = 0x1000
    NTLM_V2 = 0x2000
    OPTIMIZED = 0x4000
    WINLOGON = 0x8000
    PKINIT = 0x10000
    NO_OPTIMIZED = 0x20000
    NO_ELEVATION = 0x40000
    MANAGED_SERVICE = 0x80000


_TYPES = {t.windows_name.casefold(): t for t in logon.LogonType}


def logon_type_arg(text: str) -> logon.LogonType:
    """A ``--type``: Windows' name (``RemoteInteractive``, any case) or the number."""
    key = text.strip().casefold().replace(" ", "").replace("-", "").replace("_", "")
    if key in _TYPES:
        return _TYPES[key]
    if key.isdigit() and int(key) in {int(t) for t in logon.LogonType}:
        return logon.LogonType(int(key))
    names = ", ".join(t.windows_name for t in logon.LogonType if int(t))
    raise argparse.ArgumentTypeError(f"not a logon type: {human_err(text)} ({names})")


def _logon_record(s: logon.LogonSession) -> dict[str, Any]:
    record = {"server": None, **{name: getattr(s, name) for name in LOGON_FIELDS}}
    if s.user_flags is not None:
        record["user_flags"] = LogonFlags(s.user_flags)
    return record


def _matches(s: logon.LogonSession, args: argparse.Namespace) -> bool:
    if args.type and s.logon_type not in args.type:
        return False
    if args.session is not None and s.session_id not in args.session:
        return False
    if args.user:
        names = {s.user_name.casefold(), account(s.logon_domain, s.user_name).casefold()}
        if not any(u.casefold() in names for u in args.user):
            return False
    return True


_LOGON_REQUIRED: list[Column] = [
    ("LOGON ID", ">", lambda r: f"{r['logon_id']:#x}"),
    ("USER", "<*", lambda r: account(r["logon_domain"], r["user_name"])),
    ("TYPE", "<", lambda r: r["logon_type"].windows_name),
    ("SESSION", ">", lambda r: r["session_id"]),
    ("LOGON TIME (UTC)", "<", lambda r: time_cell(r["logon_time"])),
]
_LOGON_OPTIONAL: list[Column] = [
    ("AUTH PACKAGE", "<", lambda r: r["authentication_package"]),
    ("LOGON SERVER", "<*", lambda r: r["logon_server"]),
]


def _logon_list(args: argparse.Namespace) -> int:
    sessions = logon.enum_logon_sessions(skip_denied=not args.strict)

    def records() -> Iterator[dict[str, Any]]:
        for s in sessions:
            if _matches(s, args):
                yield _logon_record(s)

    rows: Iterable[dict[str, Any]] = records()
    if fmt(args) == "table":
        rows = list(rows)
        columns = fitting_columns(args, rows, _LOGON_REQUIRED, _LOGON_OPTIONAL)
    else:
        columns = [*_LOGON_REQUIRED, *_LOGON_OPTIONAL]
    emit_rows(args, rows, columns, lambda n: f"{n} logon session(s)")
    if sessions.skipped:
        warn(
            f"{sessions.skipped} logon session(s) of other users were skipped: reading them"
            " needs an elevated prompt (Run as administrator); --strict makes that an error"
        )
    return EXIT_OK


# --- logon users ----------------------------------------------------------------------------


def _logon_users(args: argparse.Namespace) -> int:
    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        for u in net.enum_workstation_users(server, level=1):
            yield dataclasses.asdict(u)

    rows = Fleet(args, fetch)
    table: list[Column] = [("SERVER", "<*", lambda r: r["server"] or "")] if rows.multi else []
    table += [
        ("USER", "<*", lambda r: account(r["logon_domain"], r["user_name"])),
        ("LOGON SERVER", "<*", lambda r: r["logon_server"]),
        ("OTHER DOMAINS", "<*", lambda r: r["other_domains"]),
    ]
    emit_rows(args, rows, table, lambda n: f"{n} user(s)")
    return rows.exit_code


def register(groups: Any) -> None:
    """Add ``logon`` and its commands to the top-level subparsers."""
    group = groups.add_parser("logon", help="LSA logon sessions and workstation users")
    commands = group.add_subparsers(dest="command", metavar="{list,users}")
    commands.required = True
    p = commands.add_parser(
        "list", help="list LSA logon sessions, this computer only (like logonsessions)",
        description="List the logon sessions Windows keeps on this computer (LSA:"
        " LsaEnumerateLogonSessions; it has no remote form, so there is no --server):"
        " LOGON ID (hex, as Windows shows LUIDs), USER, TYPE (Windows' names: Interactive,"
        " Network, RemoteInteractive, Service, Batch...), SESSION, LOGON TIME, and where"
        " the terminal has room (always with --wide or in a pipe) AUTH PACKAGE and LOGON"
        " SERVER. Without elevation the logon sessions of other users cannot be read: they"
        " are skipped and counted on stderr.",
    )  # fmt: skip
    p.add_argument(
        "--type", action="append", type=logon_type_arg, metavar="TYPE",
        help="only logons of this type (Interactive, Network, Batch, Service,"
        " RemoteInteractive, CachedInteractive, ...; any case; repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--user", action="append", metavar="NAME",
        help="only logons of this user (NAME or DOMAIN\\NAME; repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--session", action="append", type=_session_arg, metavar="ID",
        help="only logons in this Terminal Services session (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "--strict", action="store_true",
        help="fail (exit 1) on a logon session that may not be read, instead of skipping it",
    )  # fmt: skip
    add_format_options(p)
    p.set_defaults(run=_logon_list)
    p = commands.add_parser(
        "users", help="users logged on to a workstation (NetWkstaUserEnum)",
        description="List the users logged on to this computer or --server (NetWkstaUserEnum:"
        " interactive, service and batch logons; it needs administrators on the server)."
        " USER, LOGON SERVER, OTHER DOMAINS.",
    )  # fmt: skip
    add_server_option(p)
    add_format_options(p)
    p.set_defaults(run=_logon_users)


def _session_arg(text: str) -> int:
    try:
        value = int(text, 10) if text.isascii() and text.isdigit() else int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a session id: {human_err(text)}") from None
    if not 0 <= value <= 0xFFFFFFFF:
        raise argparse.ArgumentTypeError(f"session id out of range: {human_err(text)}")
    return value
