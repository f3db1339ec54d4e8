"""NetConnectionEnum: the tree connections made to a share, or from a client computer."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from typing import Any, Literal, Optional, Union, overload

from .. import _args
from .._record import Record, record
from .._records import Memo, column_decoder
from ..raw import netapi32 as _raw
from ..raw._types import DWORD
from ._common import (
    MAX_PREFERRED_LENGTH,
    Stream,
    call_text,
    level_arg,
    pages,
    prefmaxlen_arg,
    server_arg,
)


class ShareType(enum.IntFlag):
    """What a connection is connected to (``coni1_type``, SHARE_TYPE).

    The low byte (``STYPE_MASK``) is one kind -- :attr:`DISKTREE`, :attr:`PRINTQ`,
    :attr:`DEVICE` or :attr:`IPC` -- read it with :attr:`kind`; :attr:`SPECIAL` and
    :attr:`TEMPORARY` may be set besides.

    >>> from winsession import net
    >>> t = net.ShareType(0x80000003)           # IPC$
    >>> t.kind, net.ShareType.SPECIAL in t, t.text
    (<ShareType.IPC: 3>, True, 'IPC|SPECIAL')
    >>> net.ShareType(0).text
    'DISKTREE'
    """

    DISKTREE = _raw.STYPE_DISKTREE
    """A disk drive (a file share)."""
    PRINTQ = _raw.STYPE_PRINTQ
    """A print queue."""
    DEVICE = _raw.STYPE_DEVICE
    """A communication device."""
    IPC = _raw.STYPE_IPC
    """Interprocess communication (``IPC$``)."""
    TEMPORARY = _raw.STYPE_TEMPORARY
    """A temporary share."""
    SPECIAL = _raw.STYPE_SPECIAL
    """A special share: ``IPC$``, ``ADMIN$``, or an administrative share such as ``C$``."""

    @property
    def kind(self) -> ShareType:
        """The kind alone (the ``STYPE_MASK`` bits): DISKTREE, PRINTQ, DEVICE or IPC."""
        return ShareType(int(self) & _raw.STYPE_MASK)

    @property
    def text(self) -> str:
        """The kind's name, then the modifiers': ``"IPC|SPECIAL"``."""
        kind = self.kind
        names = [kind.name if kind.name is not None else str(int(kind))]
        names += [m.name or "" for m in (ShareType.SPECIAL, ShareType.TEMPORARY) if m in self]
        rest = int(self) & ~(_raw.STYPE_MASK | _raw.STYPE_SPECIAL | _raw.STYPE_TEMPORARY)
        if rest:
            names.append(hex(rest))
        return "|".join(names)

    def record_text(self) -> str:
        """How a record's repr shows it: ``ShareType.IPC|ShareType.SPECIAL`` (it evaluates)."""
        kind = self.kind
        named = kind.name is not None and ShareType.__members__.get(kind.name) is kind
        parts = [f"ShareType.{kind.name}" if named else f"ShareType({int(kind)})"]
        parts += [f"ShareType.{m.name}" for m in (ShareType.SPECIAL, ShareType.TEMPORARY)
                  if m in self]  # fmt: skip
        rest = int(self) & ~(_raw.STYPE_MASK | _raw.STYPE_SPECIAL | _raw.STYPE_TEMPORARY)
        if rest:
            parts.append(f"ShareType({hex(rest)})")
        return "|".join(parts)


class _Duration(Record):
    __slots__ = ()
    time: int

    @property
    def duration(self) -> datetime.timedelta:
        """:attr:`time` as a :class:`datetime.timedelta`."""
        return datetime.timedelta(seconds=self.time)


@record
class ConnectionInfo0(Record):
    """A connection at level 0 (``CONNECTION_INFO_0``): only its identifier.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     [c.connection_id for c in net.enum_connections("Public", level=0)]
    [12, 21]
    """

    __slots__ = ("connection_id",)
    connection_id: int
    """The connection's identifier."""


@record
class ConnectionInfo1(ConnectionInfo0, _Duration):
    """A connection at level 1 (``CONNECTION_INFO_1``).

    ``net_name`` is whichever name the qualifier did not give: the client computer when
    listing a share's connections, the share when listing a client's.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     next(net.enum_connections("\\\\\\\\10.0.0.6"))
    ConnectionInfo1(connection_id=21, share_type=ShareType.DISKTREE, num_opens=1, num_users=1,
                    time=120, user_name='bob', net_name='Public')
    """

    __slots__ = ("net_name", "num_opens", "num_users", "share_type", "time", "user_name")
    share_type: ShareType
    """What is connected to: see :class:`ShareType`."""
    num_opens: int
    """Files open through this connection."""
    num_users: int
    """Users on this connection."""
    time: int
    """Seconds since the connection was made."""
    user_name: str
    """The user who made the connection."""
    net_name: str
    """The share (for a client qualifier) or the client computer (for a share qualifier)."""


ConnectionInfo = Union[ConnectionInfo0, ConnectionInfo1]
"""Either of the per-level connection records."""

_RECORDS: dict[int, type[ConnectionInfo0]] = {0: ConnectionInfo0, 1: ConnectionInfo1}
_LEVELS = tuple(_RECORDS)

_SHARE_TYPES: Memo[ShareType] = Memo(
    lambda raw: ShareType(raw), (0, 1, 2, 3, 0x80000000, 0x80000003)
)

_DECODERS = {
    level: column_decoder(_raw.CONNECTION_INFO_LEVELS[level], record, {"share_type": _SHARE_TYPES})
    for level, record in _RECORDS.items()
}


def _qualifier(value: object) -> str:
    if value is None:
        raise TypeError(
            "qualifier is required: a share name, or a client computer as '\\\\\\\\name'"
        )
    text = _args.text(value, "qualifier")
    if not text.lstrip("\\"):
        raise ValueError(f"qualifier must name a share or a computer, not {text!r}")
    if text.startswith("\\"):
        return "\\\\" + text.lstrip("\\")  # a computer: the API wants exactly two backslashes
    return text


@overload
def enum_connections(
    qualifier: str,
    *,
    server: Optional[str] = ...,
    level: Literal[1] = ...,
    prefmaxlen: int = ...,
) -> Iterator[ConnectionInfo1]: ...
@overload
def enum_connections(
    qualifier: str, *, server: Optional[str] = ..., level: Literal[0], prefmaxlen: int = ...
) -> Iterator[ConnectionInfo0]: ...
@overload
def enum_connections(
    qualifier: str, *, server: Optional[str] = ..., level: int, prefmaxlen: int = ...
) -> Iterator[ConnectionInfo0]: ...
def enum_connections(
    qualifier: str,
    *,
    server: Optional[str] = None,
    level: int = 1,
    prefmaxlen: int = MAX_PREFERRED_LENGTH,
) -> Iterator[ConnectionInfo0]:
    """Iterate over the connections to share ``qualifier``, or from client computer
    ``qualifier`` when it starts with a backslash (``"\\\\\\\\PC"``), on ``server``
    (``NetConnectionEnum``).

    ``level`` 1 (the default) gives :class:`ConnectionInfo1` (share type, open files, users,
    time, user, name), 0 :class:`ConnectionInfo0` (ids only). Streams like
    :func:`enum_sessions`, with the same guarantees.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> for c in net.enum_connections("Public"):
    ...     print(c.net_name, c.user_name, c.num_opens, c.share_type.text)
    10.0.0.5 alice 1 DISKTREE
    10.0.0.6 bob 1 DISKTREE
    >>> [(c.net_name, c.share_type.text) for c in net.enum_connections("\\\\\\\\10.0.0.5")]
    [('Projects', 'DISKTREE'), ('Public', 'DISKTREE'), ('IPC$', 'IPC|SPECIAL')]
    >>> sim.stop()
    """
    args = (
        _qualifier(qualifier),
        server_arg(server),
        level_arg(level, _LEVELS, "NetConnectionEnum"),
        prefmaxlen_arg(prefmaxlen),
    )
    qualifier_text, server_name, lvl, maxlen = args
    current: list[list[Any]] = []

    def call(buf: Any, prefmax: int, read: Any, total: Any, resume: Any) -> int:
        return int(_raw.NetConnectionEnum(server_name, qualifier_text, lvl, buf, prefmax, read,
                                          total, resume))  # fmt: skip

    stream = pages("NetConnectionEnum", call, _DECODERS[lvl], server_name, maxlen, DWORD,
                   current)  # fmt: skip
    names = ("qualifier", "server", "level", "prefmaxlen")
    defaults = (None, None, 1, MAX_PREFERRED_LENGTH)
    return Stream.start(stream, current, call_text("enum_connections", names, args, defaults))
