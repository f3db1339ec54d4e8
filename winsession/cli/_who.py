"""``winsession who``: who is logged on, and how (console, Remote Desktop, SMB, other LSA
logons), on this computer or on many servers at once (:func:`winsession.who`)."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Optional

from .._who import LoggedOnUser, who
from ._actions import Fleet, error_text, server_label
from ._common import EXIT_PARTIAL
from ._logon import account, fitting_columns
from ._options import add_format_options, add_server_option
from ._output import (
    Column,
    emit_rows,
    fmt,
    format_duration,
    human_err,
    short_state,
    time_cell,
    warn,
)

WHO_FIELDS = (
    "server", "route", "user_name", "domain_name", "session_id", "win_station_name", "state",
    "client_name", "client_address", "idle_time", "active_time", "num_opens", "logon_type",
    "logon_id", "logon_time", "authentication_package", "sid",
)  # fmt: skip
"""The keys of every ``who`` record (schema.json's ``logged_on_user``)."""


def who_record(u: LoggedOnUser) -> dict[str, Any]:
    return {name: getattr(u, name) for name in WHO_FIELDS}


def _how(r: dict[str, Any]) -> str:
    """The HOW column: the route, or for another LSA logon its type in Windows' words."""
    if r["route"].name == "LOGON" and r["logon_type"] is not None:
        return str(r["logon_type"].windows_name)
    return str(r["route"].text)


def _client(r: dict[str, Any]) -> str:
    name, address = r["client_name"] or "", r["client_address"]
    if address:
        return f"{name} ({address})" if name else str(address)
    return name


def _state(r: dict[str, Any]) -> str:
    return "" if r["state"] is None else short_state(r["state"])


def _who(args: argparse.Namespace) -> int:
    problems: list[str] = []
    remote: list[Optional[str]] = []
    lock = threading.Lock()

    def fetch(server: Optional[str]) -> Iterator[dict[str, Any]]:
        users = who(server, include_system=args.all)
        for u in users:
            yield who_record(u)
        label = human_err(server_label(server))
        with lock:  # (servers answer in the pool's threads)
            if not users.local_logons:
                remote.append(server)
            for note in users.notes:
                if not note.startswith("logons other than"):  # said once, below
                    warn(f"{label}: {human_err(note)}")
            for exc in users.problems:
                problems.append(label)
                warn(f"{label}: {error_text(exc)}")

    rows = Fleet(args, fetch)
    listing: Iterable[dict[str, Any]] = rows
    required: list[Column] = [("SERVER", "<*", lambda r: r["server"] or "")] if rows.multi else []
    required += [
        ("USER", "<*", lambda r: account(r["domain_name"], r["user_name"])),
        ("HOW", "<", _how),
        ("ID", ">", lambda r: r["session_id"]),
        ("STATE", "<", _state),
        ("CLIENT", "<*", _client),
        ("IDLE", ">", lambda r: format_duration(r["idle_time"])),
    ]
    optional: list[Column] = [
        ("OPENS", ">", lambda r: r["num_opens"]),
        ("LOGON TIME (UTC)", "<", lambda r: time_cell(r["logon_time"])),
    ]
    columns = [*required, *optional]
    if fmt(args) == "table":
        collected = rows.in_order(list(rows))
        listing = collected
        columns = fitting_columns(args, collected, required, optional)
    emit_rows(args, listing, columns, lambda n: f"{n} user logon(s)")
    if remote:
        names = ", ".join(human_err(server_label(s)) for s in rows.servers if s in remote)
        warn(
            "logons other than Remote Desktop and SMB (services, batch jobs, other network"
            f" logons: LSA) are listed for this computer only, not for {names}"
        )
    return EXIT_PARTIAL if problems else rows.exit_code


def register(groups: Any) -> None:
    """Add the ``who`` command to the top-level subparsers."""
    p = groups.add_parser(
        "who", help="who is logged on, and how (like PsLoggedOn)",
        description="Who is logged on, and how: console and Remote Desktop sessions (USER,"
        " HOW, session ID, STATE, CLIENT, IDLE), SMB sessions (CLIENT, IDLE, OPENS), and on"
        " this computer the other logons LSA keeps (services, batch jobs, network logons"
        " without an SMB session, ...; LSA has no remote form, so on --server they are not"
        " listed and a note on stderr says so). One row per user and route: the logon behind"
        " a Remote Desktop or SMB session completes its row instead of repeating it. LOGON"
        " TIME and OPENS appear where the terminal has room (always with --wide or in a"
        " pipe). A source that fails (access denied, no Remote Desktop Services) is reported"
        " on stderr, the others are still listed, and the exit code is 3.",
    )  # fmt: skip
    add_server_option(p)
    p.add_argument("--all", action="store_true",
                   help="also the system's own logons (SYSTEM, LOCAL SERVICE, NETWORK SERVICE,"
                        " DWM-n, UMFD-n)")  # fmt: skip
    add_format_options(p)
    p.set_defaults(run=_who)
