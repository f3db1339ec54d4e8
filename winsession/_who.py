"""Who is logged on, and how: :func:`who`, the PsLoggedOn question in one call.

Three sources answer it, each from its own API:

- **Remote Desktop and the console** (wtsapi32): ``WTSEnumerateSessionsExW``, then
  :func:`winsession.wts.session_details` for each session with a user: station, state,
  client name and address, idle time. The client protocol tells the console from Remote
  Desktop (``CONSOLE`` or, when it is not reported, the station named ``Console``).
- **SMB** (netapi32): :func:`winsession.net.enum_sessions` at level 2 (client, open files,
  idle and active time); when that is denied (it needs administrators), level 10, without
  the open-file count, and a note says so -- as ``winsession smb list`` does.
- **Every other logon** (secur32, **this computer only**: LSA has no remote form):
  :func:`winsession.logon.enum_logon_sessions` -- services, batch jobs, network logons with
  no SMB session behind them (WMI, RPC, ...), ``runas /netonly``, cached logons.

The joins, so that one logon is one row:

- An interactive-kind logon (``Interactive``, ``RemoteInteractive``, the cached and unlock
  kinds) in the same Terminal Services session as a console / Remote Desktop row, by the
  same user, is not a row of its own: it completes that row with its logon id, type,
  authentication package and SID (the earliest such logon, when there are several, as with
  an administrator's two UAC tokens).
- A network logon (``Network``, ``NetworkCleartext``) of a user who has an SMB session is
  not repeated. When it is that user's only SMB session and only network logon, it
  completes the SMB row (domain, logon id and time, package, SID); with several, only the
  domain and SID, and only when they agree.
- The system's own logons -- ``SYSTEM``, ``LOCAL SERVICE``, ``NETWORK SERVICE``, the
  anonymous logon and the per-session ``DWM-n`` / ``UMFD-n`` accounts -- are left out
  unless ``include_system=True`` (PsLoggedOn leaves them out too).

A source that fails (access denied, a server without Remote Desktop Services) does not lose
the others: its error is kept in :attr:`LoggedOnUsers.problems` and the rows of the sources
that answered are yielded. Only when *every* source failed is the first error raised (then
nothing answered); ``strict=True`` raises the first failure at once.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Generator, Iterator
from typing import Any, Optional

from . import _args, errors, logon, net, wts
from ._record import Record, record

__all__ = ["LoggedOnUser", "LoggedOnUsers", "Route", "who"]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


class Route(enum.Enum):
    """How a user is on (:attr:`LoggedOnUser.route`).

    >>> from winsession import Route
    >>> Route.REMOTE_DESKTOP.text, Route.LOGON.text
    ('Remote Desktop', 'Logon')
    """

    CONSOLE = "console"
    """At the computer's own keyboard and screen (the console session)."""
    REMOTE_DESKTOP = "remote desktop"
    """In a Remote Desktop (or other remote-protocol) session."""
    SMB = "smb"
    """Over SMB: connected to the server's shares (``net session``)."""
    LOGON = "logon"
    """Another LSA logon of this computer: a service, a batch job, a network logon with no
    SMB session, ``runas /netonly``... (:attr:`LoggedOnUser.logon_type` says which)."""

    @property
    def text(self) -> str:
        """The route in words, as the ``winsession who`` table shows it.

        >>> from winsession import Route
        >>> [r.text for r in Route]
        ['Console', 'Remote Desktop', 'SMB', 'Logon']
        """
        return _TEXT[self]


_TEXT = {Route.CONSOLE: "Console", Route.REMOTE_DESKTOP: "Remote Desktop", Route.SMB: "SMB",
         Route.LOGON: "Logon"}  # fmt: skip


@record
class LoggedOnUser(Record):
    """One user on one route (:func:`who`); a field the route does not give is ``None``.

    >>> import winsession
    >>> from winsession import testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> alice = next(u for u in winsession.who() if u.user_name == "alice")
    >>> alice.route, alice.session_id, alice.state, alice.client_name, str(alice.client_address)
    (<Route.REMOTE_DESKTOP: 'remote desktop'>, 2, <ConnectState.ACTIVE: 0>, 'ALICE-PC', '10.0.0.5')
    >>> hex(alice.logon_id), alice.logon_type.windows_name, alice.authentication_package
    ('0x3b9c2', 'RemoteInteractive', 'Kerberos')
    >>> print(alice.idle_time, alice.logon_time)
    0:05:00 2024-05-06 08:30:00+00:00
    >>> sim.stop()
    """

    __slots__ = (
        "active_time", "authentication_package", "client_address", "client_name",
        "domain_name", "idle_time", "logon_id", "logon_time", "logon_type", "num_opens",
        "route", "server", "session_id", "sid", "state", "user_name", "win_station_name",
    )  # fmt: skip
    server: Optional[str]
    """The server asked (``None``: this computer)."""
    route: Route
    """How the user is on."""
    user_name: str
    """The account name."""
    domain_name: str
    """The account's domain ("" when the source does not say: SMB alone gives none)."""
    session_id: Optional[int]
    """The Terminal Services session (console, Remote Desktop, and LSA logons)."""
    win_station_name: Optional[str]
    """The session's station (``Console``, ``RDP-Tcp#3``; "" once disconnected)."""
    state: Optional[wts.ConnectState]
    """The Remote Desktop / console session's state."""
    client_name: Optional[str]
    """The client computer: its name (Remote Desktop) or ``\\\\address`` (SMB)."""
    client_address: Optional[str]
    """The Remote Desktop client's IP address, as text."""
    idle_time: Optional[datetime.timedelta]
    """How long the session has been idle (Remote Desktop: since the last input, or since
    the disconnection; SMB: since the last request)."""
    active_time: Optional[datetime.timedelta]
    """How long the SMB session has been open."""
    num_opens: Optional[int]
    """Files, devices and pipes the SMB session has open (``None`` at level 10)."""
    logon_type: Optional[logon.LogonType]
    """The LSA logon's type (this computer only)."""
    logon_id: Optional[int]
    """The LSA logon session's id (LUID as one int; this computer only)."""
    logon_time: Optional[datetime.datetime]
    """When the user logged on (aware UTC)."""
    authentication_package: Optional[str]
    """The package that authenticated the logon (``Kerberos``, ``NTLM``...)."""
    sid: Optional[str]
    """The account's SID (string form), from the LSA logon."""


class LoggedOnUsers(Iterator[LoggedOnUser]):
    """What :func:`who` returns: an iterator of :class:`LoggedOnUser` that keeps what it
    could not ask. The sources are asked when iteration starts; the attributes are complete
    once it ends.

    >>> import winsession
    >>> from winsession import testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> users = winsession.who("SIMULATED")
    >>> [(u.route.text, u.user_name) for u in users][:4]
    [('Console', 'Administrator'), ('Remote Desktop', 'alice'), ('Remote Desktop', 'bob'), ('SMB', 'alice')]
    >>> users.local_logons, users.problems
    (False, [])
    >>> users.notes
    ['logons other than Remote Desktop and SMB (LSA) are listed for this computer only']
    >>> sim.stop()
    """  # noqa: E501

    server: Optional[str]
    """The server asked (``None``: this computer)."""
    local_logons: bool
    """Whether LSA's logon sessions were asked: only on this computer (``server=None``)."""
    problems: list[errors.WinSessionError]
    """The failure of each source that did not answer (its ``.function`` names the API)."""
    notes: list[str]
    """What a reader should know about the rows: a level fallback, logons not listed..."""
    skipped: int
    """LSA logon sessions the caller may not read (other users', when not elevated)."""

    def __init__(self, server: Optional[str], strict: bool, include_system: bool) -> None:
        self.server = server
        self.local_logons = server is None
        self.problems = []
        self.notes = []
        self.skipped = 0
        self._strict = strict
        self._include_system = include_system
        self._run = self._rows()

    def __next__(self) -> LoggedOnUser:
        return next(self._run)

    def close(self) -> None:
        """Stop (the rows not yet yielded are dropped)."""
        self._run.close()

    def __repr__(self) -> str:
        return (
            f"<who iterator: server={self.server!r}, problems={len(self.problems)},"
            f" skipped={self.skipped}>"
        )

    # --- the sources --------------------------------------------------------------------

    def _ask(self, source: Any) -> Optional[list[Any]]:
        """``source()``'s rows, or ``None`` with the error kept (raised when strict)."""
        try:
            rows: list[Any] = source()
        except errors.WinSessionError as exc:
            if self._strict:
                raise
            self.problems.append(exc)
            return None
        return rows

    def _desktop(self) -> list[LoggedOnUser]:
        rows = []
        with wts.open_server(self.server) as srv:
            for s in wts.enumerate_sessions_ex(srv):
                if not s.user_name:
                    continue
                try:
                    d = wts.session_details(s.session_id, srv)
                except errors.SessionNotFoundError:
                    continue  # logged off between the enumeration and the query
                except errors.WinSessionError:
                    d = None  # the enumeration's fields still say who and where
                rows.append(self._desktop_row(s, d))
        return sorted(rows, key=lambda r: r.session_id or 0)  # as quser lists them

    def _desktop_row(self, s: wts.SessionInfo1, d: Optional[wts.SessionDetails]) -> LoggedOnUser:
        station = s.session_name if d is None else d.win_station_name
        protocol = None if d is None else d.client_protocol
        # The station names the console; a disconnected session has none, and then the
        # protocol of its last client tells (ProtocolType.CONSOLE, or RDP / ICA) -- unless
        # it had a client computer, which the console never has.
        client = "" if d is None else d.client_name
        console = station.casefold() == "console" or (
            not station and not client and protocol == wts.ProtocolType.CONSOLE
        )
        address = None if d is None or d.client_address is None else d.client_address.address
        return LoggedOnUser(
            self.server, Route.CONSOLE if console else Route.REMOTE_DESKTOP, s.user_name,
            s.domain_name, s.session_id, station, s.state if d is None else d.state,
            None if d is None else d.client_name, None if address is None else str(address),
            None if d is None else d.idle_time, None, None, None, None,
            None if d is None else d.logon_time, None, None,
        )  # fmt: skip

    def _smb(self) -> list[LoggedOnUser]:
        try:
            sessions: list[Any] = list(net.enum_sessions(self.server, level=2))
        except errors.AccessDeniedError:
            sessions = list(net.enum_sessions(self.server, level=10))
            self.notes.append(
                "SMB sessions at level 10: level 2 needs administrators (no open-file counts)"
            )
        rows = []
        for s in sessions:
            opens = getattr(s, "num_opens", None)
            rows.append(LoggedOnUser(
                self.server, Route.SMB, s.user_name, "", None, None, None, s.client_name,
                None, datetime.timedelta(seconds=s.idle_time),
                datetime.timedelta(seconds=s.active_time), opens, None, None, None, None,
                None,
            ))  # fmt: skip
        return rows

    def _logons(self) -> list[logon.LogonSession]:
        sessions = logon.enum_logon_sessions()
        found = list(sessions)
        self.skipped = sessions.skipped
        if sessions.skipped:
            self.notes.append(
                f"{sessions.skipped} logon session(s) of other users not readable without"
                " elevation (run as administrator)"
            )
        return found

    # --- the joins ----------------------------------------------------------------------

    def _rows(self) -> Generator[LoggedOnUser, None, None]:
        desktop = self._ask(self._desktop)
        smb = self._ask(self._smb)
        lsa: Optional[list[logon.LogonSession]] = []
        if self.local_logons:
            lsa = self._ask(self._logons)
        else:
            self.notes.append(
                "logons other than Remote Desktop and SMB (LSA) are listed for this computer only"
            )
        if len(self.problems) == (3 if self.local_logons else 2):
            raise self.problems[0]  # nothing answered: that is an error, not "nobody"
        desktop, smb, others = _join(desktop or [], smb or [], lsa or [], self._include_system)
        yield from desktop
        yield from smb
        for s in others:
            yield LoggedOnUser(
                self.server, Route.LOGON, s.user_name, s.logon_domain, s.session_id, None,
                None, None, None, None, None, None, s.logon_type, s.logon_id, s.logon_time,
                s.authentication_package, s.sid,
            )  # fmt: skip


_INTERACTIVE = frozenset({
    logon.LogonType.INTERACTIVE, logon.LogonType.REMOTE_INTERACTIVE,
    logon.LogonType.CACHED_INTERACTIVE, logon.LogonType.CACHED_REMOTE_INTERACTIVE,
    logon.LogonType.UNLOCK, logon.LogonType.CACHED_UNLOCK,
})  # fmt: skip
_NETWORK = frozenset({logon.LogonType.NETWORK, logon.LogonType.NETWORK_CLEARTEXT})
# SYSTEM, LOCAL SERVICE, NETWORK SERVICE, ANONYMOUS LOGON (well-known SIDs) and the virtual
# accounts Windows logs on per session: Window Manager (DWM-n) and Font Driver Host (UMFD-n).
_SYSTEM_SIDS = frozenset({"S-1-5-18", "S-1-5-19", "S-1-5-20", "S-1-5-7"})
_SYSTEM_SID_PREFIXES = ("S-1-5-90-", "S-1-5-96-")


def _is_system(s: logon.LogonSession) -> bool:
    return s.sid in _SYSTEM_SIDS or (s.sid or "").startswith(_SYSTEM_SID_PREFIXES)


def _same_user(row: LoggedOnUser, s: logon.LogonSession) -> bool:
    if row.user_name.casefold() != s.user_name.casefold():
        return False
    # A domain on both sides must agree (CONTOSO\admin is not the local admin).
    return not (row.domain_name and s.logon_domain) or (
        row.domain_name.casefold() == s.logon_domain.casefold()
    )


def _join(
    desktop: list[LoggedOnUser],
    smb: list[LoggedOnUser],
    lsa: list[logon.LogonSession],
    include_system: bool,
) -> tuple[list[LoggedOnUser], list[LoggedOnUser], list[logon.LogonSession]]:
    """The desktop and SMB rows completed from LSA, and the LSA logons left over (see the
    module's docstring for the rules)."""
    others: list[logon.LogonSession] = []
    by_session: dict[int, list[logon.LogonSession]] = {}
    network: dict[str, list[logon.LogonSession]] = {}
    smb_users = {row.user_name.casefold() for row in smb}
    for s in sorted(lsa, key=lambda s: (s.logon_time is None, s.logon_time or 0, s.logon_id)):
        if _is_system(s) and not include_system:
            continue
        home = [r for r in desktop if r.session_id == s.session_id and _same_user(r, s)]
        if s.logon_type in _INTERACTIVE and home:
            by_session.setdefault(s.session_id, []).append(s)
        elif s.logon_type in _NETWORK and s.user_name.casefold() in smb_users:
            network.setdefault(s.user_name.casefold(), []).append(s)
        else:
            others.append(s)
    order = {id(s): i for i, s in enumerate(lsa)}
    others.sort(key=lambda s: order[id(s)])  # back in the LSA's order
    done_desktop = []
    for row in desktop:
        first = next((s for s in by_session.get(row.session_id or 0, []) if _same_user(row, s)),
                     None)  # fmt: skip
        if first is not None:
            row = _with_logon(row, first, row.logon_time or first.logon_time)
        done_desktop.append(row)
    done_smb = []
    for row in smb:
        key = row.user_name.casefold()
        logons = network.get(key, [])
        if len(logons) == 1 and sum(r.user_name.casefold() == key for r in smb) == 1:
            row = _with_logon(row, logons[0], logons[0].logon_time)
        elif logons and len({(s.logon_domain.casefold(), s.sid) for s in logons}) == 1:
            row = _replace(row, domain_name=logons[0].logon_domain, sid=logons[0].sid)
        done_smb.append(row)
    return done_desktop, done_smb, others


def _replace(row: LoggedOnUser, **changes: Any) -> LoggedOnUser:
    fields = {name: getattr(row, name) for name in _FIELDS}
    fields.update(changes)
    return LoggedOnUser(**fields)


def _with_logon(row: LoggedOnUser, s: logon.LogonSession,
                when: Optional[datetime.datetime]) -> LoggedOnUser:  # fmt: skip
    return _replace(
        row, domain_name=row.domain_name or s.logon_domain, logon_type=s.logon_type,
        logon_id=s.logon_id, logon_time=when, authentication_package=s.authentication_package,
        sid=s.sid,
    )  # fmt: skip


_FIELDS = (
    "server", "route", "user_name", "domain_name", "session_id", "win_station_name", "state",
    "client_name", "client_address", "idle_time", "active_time", "num_opens", "logon_type",
    "logon_id", "logon_time", "authentication_package", "sid",
)  # fmt: skip


def who(
    server: Optional[str] = None, *, strict: bool = False, include_system: bool = False
) -> LoggedOnUsers:
    """Who is logged on to ``server`` (``None``: this computer), and how: one
    :class:`LoggedOnUser` per user and route -- console and Remote Desktop sessions, SMB
    sessions, and on this computer the other LSA logons (services, batch jobs, network
    logons without an SMB session...), joined so that one logon is one row (the
    rules: the docs' "Who is logged on" page, and this module's docstring).

    A source that fails is kept in :attr:`LoggedOnUsers.problems` and the others are still
    listed (``strict=True``: the first failure is raised); when every source fails, the
    first error is raised. ``include_system``: also the system's own logons (``SYSTEM``,
    ``LOCAL SERVICE``, ``NETWORK SERVICE``, ``DWM-1``...). On another server LSA is not
    asked (it has no remote form): :attr:`LoggedOnUsers.local_logons` is ``False`` and a
    note says so.

    >>> import winsession
    >>> from winsession import testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> for u in winsession.who():
    ...     print(f"{u.route.text:15} {u.domain_name}\\\\{u.user_name:13} {u.session_id}")
    Console         CONTOSO\\Administrator 1
    Remote Desktop  CONTOSO\\alice         2
    Remote Desktop  CONTOSO\\bob           3
    SMB             CONTOSO\\alice         None
    SMB             CONTOSO\\bob           None
    SMB             CONTOSO\\carol         None
    Logon           CONTOSO\\svc-backup    0
    >>> users = winsession.who("FS1")                    # no Remote Desktop there
    >>> [(u.route.text, u.user_name, u.num_opens) for u in users]
    [('SMB', 'dave', 2)]
    >>> [e.function for e in users.problems]
    ['WTSEnumerateSessionsExW']
    >>> sim.stop()
    """
    name = _args.server_name(server)
    return LoggedOnUsers(
        name, _args.flag(strict, "strict"), _args.flag(include_system, "include_system")
    )
