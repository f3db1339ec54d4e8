"""NetWkstaUserEnum / NetWkstaUserGetInfo: the users logged on to a workstation."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any, Literal, Optional, Union, overload

from .._record import Record, record
from .._records import column_decoder
from ..raw import netapi32 as _raw
from ._common import (
    MAX_PREFERRED_LENGTH,
    Stream,
    call_text,
    get_one,
    level_arg,
    pages,
    prefmaxlen_arg,
    server_arg,
)


@record
class WorkstationUser0(Record):
    """A logged-on user at level 0 (``WKSTA_USER_INFO_0``): the name only.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     [u.user_name for u in net.enum_workstation_users(level=0)][:2]
    ['alice', 'Administrator']
    """

    __slots__ = ("user_name",)
    user_name: str
    """The user's account name."""


@record
class WorkstationUser1(WorkstationUser0):
    """A logged-on user at level 1 (``WKSTA_USER_INFO_1``).

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     net.get_workstation_user()
    WorkstationUser1(user_name='alice', logon_domain='CONTOSO', other_domains='',
                     logon_server='DC01')
    """

    __slots__ = ("logon_domain", "logon_server", "other_domains")
    logon_domain: str
    """The domain the user is logged on to."""
    other_domains: str
    """Other LAN Manager domains the user browses, space-separated."""
    logon_server: str
    """The server that authenticated the user."""


@record
class WorkstationUser1101(Record):
    """The caller's other domains (``WKSTA_USER_INFO_1101``, ``get_workstation_user`` only).

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     net.get_workstation_user(level=1101)
    WorkstationUser1101(other_domains='')
    """

    __slots__ = ("other_domains",)
    other_domains: str
    """Other LAN Manager domains the user browses, space-separated."""


WorkstationUser = Union[WorkstationUser0, WorkstationUser1, WorkstationUser1101]
"""Any of the per-level workstation-user records."""

_RECORDS: dict[int, type[Record]] = {0: WorkstationUser0, 1: WorkstationUser1,
                                     1101: WorkstationUser1101}  # fmt: skip
_DECODERS = {
    level: column_decoder(_raw.WKSTA_USER_INFO_LEVELS[level], rec, {})
    for level, rec in _RECORDS.items()
}
_ENUM_LEVELS = (0, 1)
_GET_LEVELS = (0, 1, 1101)


@overload
def enum_workstation_users(
    server: Optional[str] = ..., level: Literal[1] = ..., *, prefmaxlen: int = ...
) -> Iterator[WorkstationUser1]: ...
@overload
def enum_workstation_users(
    server: Optional[str] = ..., *, level: Literal[0], prefmaxlen: int = ...
) -> Iterator[WorkstationUser0]: ...
@overload
def enum_workstation_users(
    server: Optional[str], level: Literal[0], *, prefmaxlen: int = ...
) -> Iterator[WorkstationUser0]: ...
@overload
def enum_workstation_users(
    server: Optional[str] = ..., level: int = ..., *, prefmaxlen: int = ...
) -> Iterator[WorkstationUser0]: ...
def enum_workstation_users(
    server: Optional[str] = None, level: int = 1, *, prefmaxlen: int = MAX_PREFERRED_LENGTH
) -> Iterator[WorkstationUser0]:
    """Iterate over the users logged on to ``server`` (``None``: this computer) with
    ``NetWkstaUserEnum``: interactive, service and batch logons, as its page says.

    ``level`` 0 gives :class:`WorkstationUser0` (names), 1 :class:`WorkstationUser1`. Paged
    like :func:`enum_sessions` (``prefmaxlen``, the resume handle through
    ``ERROR_MORE_DATA``, each buffer freed before its records are yielded). Since Windows
    Server 2003 / XP the caller needs administrative rights on ``server``.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [(u.user_name, u.logon_server) for u in net.enum_workstation_users()][:3]
    [('alice', 'DC01'), ('Administrator', 'DC01'), ('bob', 'DC01')]
    >>> [u.user_name for u in net.enum_workstation_users("FS1", level=0)]
    ['svc-sql']
    >>> sim.stop()
    """
    args = (
        server_arg(server),
        level_arg(level, _ENUM_LEVELS, "NetWkstaUserEnum"),
        prefmaxlen_arg(prefmaxlen),
    )
    server_name, lvl, maxlen = args
    current: list[list[Any]] = []

    def call(buf: Any, prefmax: int, read: Any, total: Any, resume: Any) -> int:
        return int(_raw.NetWkstaUserEnum(server_name, lvl, buf, prefmax, read, total, resume))

    stream = pages("NetWkstaUserEnum", call, _DECODERS[lvl], server_name, maxlen,
                   ctypes.c_uint32, current)  # fmt: skip
    names = ("server", "level", "prefmaxlen")
    text = call_text("enum_workstation_users", names, args, (None, 1, MAX_PREFERRED_LENGTH))
    return Stream.start(stream, current, text)


@overload
def get_workstation_user(level: Literal[1] = ..., server: None = ...) -> WorkstationUser1: ...
@overload
def get_workstation_user(level: Literal[0], server: None = ...) -> WorkstationUser0: ...
@overload
def get_workstation_user(level: Literal[1101], server: None = ...) -> WorkstationUser1101: ...
@overload
def get_workstation_user(level: int, server: None = ...) -> Record: ...
def get_workstation_user(level: int = 1, server: None = None) -> Record:
    """The user the calling thread runs as, on this computer (``NetWkstaUserGetInfo``).

    Local only: the function's first parameter is reserved and must be NULL, so it cannot
    ask another computer. ``server`` is there for symmetry with
    :func:`enum_workstation_users` and must stay ``None`` (or ``""``); for a remote computer
    use ``enum_workstation_users(server)``. ``level`` is 0, 1 (the default) or 1101.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.get_workstation_user(level=0)
    WorkstationUser0(user_name='alice')
    >>> net.get_workstation_user(server="FS1")
    Traceback (most recent call last):
    ...
    ValueError: get_workstation_user is local only (NetWkstaUserGetInfo's first parameter is
    reserved and must be NULL); for FS1 use enum_workstation_users('FS1')
    >>> sim.stop()
    """
    if server_arg(server) is not None:
        raise ValueError(
            "get_workstation_user is local only (NetWkstaUserGetInfo's first parameter is"
            f" reserved and must be NULL); for {server} use enum_workstation_users({server!r})"
        )
    lvl = level_arg(level, _GET_LEVELS, "NetWkstaUserGetInfo")
    return get_one(  # type: ignore[no-any-return]
        _DECODERS[lvl], "NetWkstaUserGetInfo", lambda buf: _raw.NetWkstaUserGetInfo(None, lvl, buf)
    )
