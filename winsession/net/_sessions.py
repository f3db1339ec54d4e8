"""NetSessionEnum / NetSessionGetInfo / NetSessionDel: SMB sessions and their records."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from typing import Any, Literal, Optional, Union, overload

from .. import errors
from .._record import Record, record
from .._records import Memo, column_decoder
from ..raw import netapi32 as _raw
from ..raw._types import DWORD
from ._common import (
    MAX_PREFERRED_LENGTH,
    Stream,
    call_text,
    client_arg,
    get_one,
    level_arg,
    optional_text,
    pages,
    prefmaxlen_arg,
    server_arg,
)


class SessionFlags(enum.IntFlag):
    """How the user established the session (``sesiN_user_flags``).

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.SessionFlags(1)
    <SessionFlags.GUEST: 1>
    >>> bob = net.get_session_info("10.0.0.6", "bob")
    >>> net.SessionFlags.GUEST in bob.user_flags, int(bob.user_flags)
    (True, 1)
    >>> sim.stop()
    """

    GUEST = _raw.SESS_GUEST
    """The user connected with the guest account."""
    NOENCRYPTION = _raw.SESS_NOENCRYPTION
    """The user connected without password encryption."""


class _Durations(Record):
    # active_time/idle_time stay int seconds as the API gives them; these read them as
    # timedelta for people who want to print or compare durations.
    __slots__ = ()
    active_time: int
    idle_time: int

    @property
    def active_duration(self) -> datetime.timedelta:
        """:attr:`active_time` as a :class:`datetime.timedelta`."""
        return datetime.timedelta(seconds=self.active_time)

    @property
    def idle_duration(self) -> datetime.timedelta:
        """:attr:`idle_time` as a :class:`datetime.timedelta`."""
        return datetime.timedelta(seconds=self.idle_time)


@record
class SessionInfo0(Record):
    """A session at level 0 (``SESSION_INFO_0``): only the client's name.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.get_session_info("10.0.0.5", "alice", level=0)
    SessionInfo0(client_name='\\\\\\\\10.0.0.5')
    >>> [s.client_name for s in net.enum_sessions(level=0)]
    ['\\\\\\\\10.0.0.5', '\\\\\\\\10.0.0.6', '\\\\\\\\10.0.0.7']
    >>> sim.stop()
    """

    __slots__ = ("client_name",)
    client_name: str
    """The client computer, as the server reports it (usually ``\\\\name`` or ``\\\\ip``)."""


@record
class SessionInfo10(SessionInfo0, _Durations):
    """A session at level 10 (``SESSION_INFO_10``): client, user and times.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> s = net.get_session_info("10.0.0.5", "alice", level=10)
    >>> s
    SessionInfo10(client_name='\\\\\\\\10.0.0.5', user_name='alice', active_time=3600,
                  idle_time=20)
    >>> s.idle_time, s.idle_duration
    (20, datetime.timedelta(seconds=20))
    >>> sim.stop()
    """

    __slots__ = ("active_time", "idle_time", "user_name")
    user_name: str
    """The user who established the session."""
    active_time: int
    """Seconds the session has been active."""
    idle_time: int
    """Seconds the session has been idle."""


@record
class SessionInfo1(SessionInfo0, _Durations):
    """A session at level 1 (``SESSION_INFO_1``).

    >>> import dataclasses
    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     dataclasses.asdict(net.get_session_info("10.0.0.6", "bob", level=1))
    {'client_name': '\\\\\\\\10.0.0.6', 'user_name': 'bob', 'num_opens': 1, 'active_time': 125,
     'idle_time': 5, 'user_flags': <SessionFlags.GUEST: 1>}
    """

    __slots__ = ("active_time", "idle_time", "num_opens", "user_flags", "user_name")
    user_name: str
    """The user who established the session."""
    num_opens: int
    """Files, devices and pipes the user has open in this session."""
    active_time: int
    """Seconds the session has been active."""
    idle_time: int
    """Seconds the session has been idle."""
    user_flags: SessionFlags
    """How the user established the session."""


@record
class SessionInfo2(SessionInfo1):
    """A session at level 2 (``SESSION_INFO_2``): level 1 plus the client type.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> s = net.get_session_info("10.0.0.7", "carol")     # level 2 is the default
    >>> s.client_type, s.num_opens, s.active_duration
    ('Windows 11 Pro', 0, datetime.timedelta(seconds=9000))
    >>> sim.stop()
    """

    __slots__ = ("client_type",)
    client_type: str
    """The type of client that established the session (e.g. ``"Windows 10"``)."""


@record
class SessionInfo502(SessionInfo2):
    """A session at level 502 (``SESSION_INFO_502``): level 2 plus the transport.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     {s.user_name: s.transport for s in net.enum_sessions(level=502)}
    {'alice': '\\\\Device\\\\NetbiosSmb', 'bob': '\\\\Device\\\\Tcpip',
     'carol': '\\\\Device\\\\NetbiosSmb'}
    """

    __slots__ = ("transport",)
    transport: str
    """The transport the client uses (e.g. ``"\\\\Device\\\\NetbiosSmb"``)."""


SessionInfo = Union[SessionInfo0, SessionInfo1, SessionInfo2, SessionInfo10, SessionInfo502]
"""Any of the per-level session records."""

_RECORDS: dict[int, type[SessionInfo0]] = {
    0: SessionInfo0,
    1: SessionInfo1,
    2: SessionInfo2,
    10: SessionInfo10,
    502: SessionInfo502,
}
_ENUM_LEVELS = tuple(_RECORDS)
_GET_INFO_LEVELS = (0, 1, 2, 10)


# Raw user_flags -> SessionFlags; looks SessionFlags up when called, not when made.
_FLAG_CACHE: Memo[SessionFlags] = Memo(lambda raw: SessionFlags(raw), range(4))

_DECODERS = {
    level: column_decoder(_raw.SESSION_INFO_LEVELS[level], record, {"user_flags": _FLAG_CACHE})
    for level, record in _RECORDS.items()
}
"""(address, count) -> records, per level, built from the layouts."""


# --- NetSessionEnum -------------------------------------------------------------------------


@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[502] = ...,
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo502]: ...
@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[0],
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo0]: ...
@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[1],
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo1]: ...
@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[2],
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo2]: ...
@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[10],
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo10]: ...
@overload
def enum_sessions(
    server: Optional[str] = ...,
    *,
    client: Optional[str] = ...,
    user: Optional[str] = ...,
    level: int,
    prefmaxlen: int = ...,
) -> Iterator[SessionInfo0]: ...
def enum_sessions(
    server: Optional[str] = None,
    *,
    client: Optional[str] = None,
    user: Optional[str] = None,
    level: int = 502,
    prefmaxlen: int = MAX_PREFERRED_LENGTH,
) -> Iterator[SessionInfo0]:
    """Iterate over the SMB sessions on ``server`` (``None``: this computer).

    Args:
        server: DNS or NetBIOS name of the server, with or without ``\\\\``.
        client: only sessions from this client computer (``"PC"`` or ``"\\\\PC"``).
        user: only sessions of this user.
        level: 0, 1, 2, 10 or 502 -- which :class:`SessionInfo0` ... :class:`SessionInfo502`
            record is yielded. Levels 1, 2 and 502 need administrative rights.
        prefmaxlen: preferred page size in bytes; the default asks for one page holding
            everything. Smaller values stream in pages: memory stays bounded by one page.

    Arguments are checked at once (``TypeError``/``ValueError`` naming the argument); API
    errors are raised when iteration reaches them. A ``client`` or ``user`` filter that
    matches no session gives an empty iteration rather than
    :class:`~winsession.errors.SessionNotFoundError`.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [s.user_name for s in net.enum_sessions(level=10)]
    ['alice', 'bob', 'carol']
    >>> [(s.user_name, s.idle_time) for s in net.enum_sessions(client="10.0.0.7", level=10)]
    [('carol', 7200)]
    >>> list(net.enum_sessions(user="nobody"))
    []
    >>> sim.stop()
    """
    args = (
        server_arg(server),
        client_arg(client),
        optional_text(user, "user"),
        level_arg(level, _ENUM_LEVELS, "NetSessionEnum"),
        prefmaxlen_arg(prefmaxlen),
    )
    current: list[list[list[Any]]] = []
    server_name, client_name, user_name, lvl, maxlen = args

    def call(buf: Any, prefmax: int, read: Any, total: Any, resume: Any) -> int:
        return int(_raw.NetSessionEnum(server_name, client_name, user_name, lvl, buf, prefmax,
                                       read, total, resume))  # fmt: skip

    filtered = client_name is not None or user_name is not None
    stream = pages("NetSessionEnum", call, _DECODERS[lvl], server_name, maxlen, DWORD, current,
                   errors.SessionNotFoundError if filtered else None)  # fmt: skip
    names = ("server", "client", "user", "level", "prefmaxlen")
    defaults = (None, None, None, None, MAX_PREFERRED_LENGTH)
    return Stream.start(stream, current, call_text("enum_sessions", names, args, defaults))


# --- NetSessionGetInfo -----------------------------------------------------------------------


@overload
def get_session_info(
    client: str, user: str, *, server: Optional[str] = ..., level: Literal[2] = ...
) -> SessionInfo2: ...
@overload
def get_session_info(
    client: str, user: str, *, server: Optional[str] = ..., level: Literal[0]
) -> SessionInfo0: ...
@overload
def get_session_info(
    client: str, user: str, *, server: Optional[str] = ..., level: Literal[1]
) -> SessionInfo1: ...
@overload
def get_session_info(
    client: str, user: str, *, server: Optional[str] = ..., level: Literal[10]
) -> SessionInfo10: ...
@overload
def get_session_info(
    client: str, user: str, *, server: Optional[str] = ..., level: int
) -> SessionInfo0: ...
def get_session_info(
    client: str, user: str, *, server: Optional[str] = None, level: int = 2
) -> SessionInfo0:
    """The session of ``user`` from ``client`` on ``server`` (``NetSessionGetInfo``).

    ``level`` is 0, 1, 2 (the default, the richest this API offers) or 10; for the transport
    (level 502) use ``enum_sessions(client=..., user=..., level=502)``. Raises
    :class:`~winsession.errors.SessionNotFoundError` when there is no such session.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.get_session_info("10.0.0.6", "bob", level=10)
    SessionInfo10(client_name='\\\\\\\\10.0.0.6', user_name='bob', active_time=125, idle_time=5)
    >>> net.get_session_info("10.0.0.6", "alice")
    Traceback (most recent call last):
    ...
    winsession.errors.NetApiSessionNotFoundError: NetSessionGetInfo failed: NERR_UserNotFound ...
    >>> sim.stop()
    """
    if client is None:
        raise TypeError("client is required: the client computer's name")
    if user is None:
        raise TypeError("user is required: the user name of the session")
    server_name = server_arg(server)
    client_name = client_arg(client)
    user_name = optional_text(user, "user")
    lvl = level_arg(level, _GET_INFO_LEVELS, "NetSessionGetInfo")
    return get_one(  # type: ignore[no-any-return]
        _DECODERS[lvl],
        "NetSessionGetInfo",
        lambda buf: _raw.NetSessionGetInfo(server_name, client_name, user_name, lvl, buf),
    )


# --- NetSessionDel -------------------------------------------------------------------------


def delete_session(
    server: Optional[str] = None, *, client: Optional[str] = None, user: Optional[str] = None
) -> None:
    """Close SMB sessions on ``server`` (``NetSessionDel``); open files are closed with them.

    - ``client`` only: every session from that client computer;
    - ``user`` only: every session of that user;
    - both: that user's session from that client.

    Passing neither is a ``ValueError``: closing every session on a server is not something
    to do by leaving out an argument. Raises
    :class:`~winsession.errors.SessionNotFoundError` when nothing matches.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.delete_session(user="bob")
    >>> [s.user_name for s in net.enum_sessions(level=10)]
    ['alice', 'carol']
    >>> net.delete_session()
    Traceback (most recent call last):
    ...
    ValueError: delete_session needs client=, user= or both; ...
    >>> sim.stop()
    """
    server_name = server_arg(server)
    client_name = client_arg(client)
    user_name = optional_text(user, "user")
    if client_name is None and user_name is None:
        raise ValueError(
            "delete_session needs client=, user= or both; to close every session, enumerate"
            " them and close each client explicitly"
        )
    _raw.NetSessionDel(server_name, client_name, user_name)
