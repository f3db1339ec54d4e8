"""NetFileEnum / NetFileGetInfo / NetFileClose: the files, devices and pipes clients hold
open on a server, and closing one."""

from __future__ import annotations

import ctypes
import enum
from collections.abc import Iterator
from typing import Any, Literal, Optional, Union, overload

from .._record import Record, record
from .._records import Memo, column_decoder
from ..raw import netapi32 as _raw
from ._common import (
    MAX_PREFERRED_LENGTH,
    Stream,
    call_text,
    dword_arg,
    get_one,
    level_arg,
    optional_text,
    pages,
    prefmaxlen_arg,
    server_arg,
)


class FilePermissions(enum.IntFlag):
    """How the file was opened (``fi3_permissions``, FILE_INFO_FLAGS_PERMISSIONS).

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> f = net.get_file_info(102)
    >>> f.permissions.text, int(f.permissions)
    ('READ|WRITE', 3)
    >>> net.FilePermissions.WRITE in f.permissions
    True
    >>> sim.stop()
    """

    READ = _raw.PERM_FILE_READ
    """Permission to read the resource and, by default, run it."""
    WRITE = _raw.PERM_FILE_WRITE
    """Permission to write to the resource."""
    CREATE = _raw.PERM_FILE_CREATE
    """Permission to create a resource; data can be written when creating it."""

    @property
    def text(self) -> str:
        """The names of the bits set, ``"READ|WRITE"``, the same on every Python (a combined
        flag's ``.name`` is ``None`` before Python 3.11, and its repr's order differs)."""
        names, rest = [], int(self)
        for member in type(self):
            bit = int(member)
            if bit and bit & (bit - 1) == 0 and rest & bit:
                names.append(member.name or "")
                rest &= ~bit
        if rest:  # bits no member names
            names.append(hex(rest))
        return "|".join(names)


@record
class FileInfo2(Record):
    """An open file at level 2 (``FILE_INFO_2``): only its identifier.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     [f.file_id for f in net.enum_files(level=2)]
    [101, 102, 103, 205]
    """

    __slots__ = ("file_id",)
    file_id: int
    """The identifier :func:`get_file_info` and :func:`close_file` take."""


@record
class FileInfo3(FileInfo2):
    """An open file at level 3 (``FILE_INFO_3``): identifier, permissions, locks, path, user.

    >>> from winsession import net, testing
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     net.get_file_info(205)
    FileInfo3(file_id=205, permissions=FilePermissions.READ, num_locks=0,
              path_name='C:\\\\Shares\\\\Public\\\\setup.msi', user_name='bob')
    """

    __slots__ = ("num_locks", "path_name", "permissions", "user_name")
    permissions: FilePermissions
    """How the file was opened."""
    num_locks: int
    """File locks the opener holds on it."""
    path_name: str
    """The path of the opened resource, as the server names it."""
    user_name: str
    """The user who opened it (or, on servers with share-level security, the computer)."""


FileInfo = Union[FileInfo2, FileInfo3]
"""Either of the per-level open-file records."""

_RECORDS: dict[int, type[FileInfo2]] = {2: FileInfo2, 3: FileInfo3}
_LEVELS = tuple(_RECORDS)

# Raw fi3_permissions -> FilePermissions; looks the class up when called, not when made.
_PERMISSIONS: Memo[FilePermissions] = Memo(lambda raw: FilePermissions(raw), range(8))

_DECODERS = {
    level: column_decoder(_raw.FILE_INFO_LEVELS[level], record, {"permissions": _PERMISSIONS})
    for level, record in _RECORDS.items()
}


# --- NetFileEnum ---------------------------------------------------------------------------


@overload
def enum_files(
    server: Optional[str] = ...,
    *,
    base_path: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[3] = ...,
    prefmaxlen: int = ...,
) -> Iterator[FileInfo3]: ...
@overload
def enum_files(
    server: Optional[str] = ...,
    *,
    base_path: Optional[str] = ...,
    user: Optional[str] = ...,
    level: Literal[2],
    prefmaxlen: int = ...,
) -> Iterator[FileInfo2]: ...
@overload
def enum_files(
    server: Optional[str] = ...,
    *,
    base_path: Optional[str] = ...,
    user: Optional[str] = ...,
    level: int,
    prefmaxlen: int = ...,
) -> Iterator[FileInfo2]: ...
def enum_files(
    server: Optional[str] = None,
    *,
    base_path: Optional[str] = None,
    user: Optional[str] = None,
    level: int = 3,
    prefmaxlen: int = MAX_PREFERRED_LENGTH,
) -> Iterator[FileInfo2]:
    """Iterate over the files, devices and pipes open on ``server`` (``NetFileEnum``).

    Args:
        server: DNS or NetBIOS name of the server, with or without ``\\\\``; ``None``: this
            computer.
        base_path: only resources whose path starts with this prefix.
        user: only resources opened by this user; ``"\\\\\\\\client"`` selects those opened
            from that client computer instead (Windows Server 2012 and later).
        level: 3 (the default: :class:`FileInfo3`) or 2 (:class:`FileInfo2`, ids only).
        prefmaxlen: preferred page size in bytes; the default asks for one page holding
            everything. Smaller values stream in pages: memory stays bounded by one page.

    The same guarantees as :func:`enum_sessions`: each page is copied and its buffer freed
    before a record is yielded; stopping early, an exception or ``close()`` leaks nothing;
    paging that stalls or never ends raises instead of looping. Arguments are checked at
    once; API errors are raised when iteration reaches them. Needs administrative rights.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> for f in net.enum_files():
    ...     print(f.file_id, f.user_name, f.num_locks, f.path_name)
    101 alice 0 C:\\Shares\\Projects\\plan.docx
    102 alice 1 C:\\Shares\\Projects\\budget.xlsx
    103 alice 0 C:\\Shares\\Public\\readme.txt
    205 bob 0 C:\\Shares\\Public\\setup.msi
    >>> [f.file_id for f in net.enum_files(base_path="C:\\\\Shares\\\\Public")]
    [103, 205]
    >>> [f.path_name for f in net.enum_files(user="bob")]
    ['C:\\\\Shares\\\\Public\\\\setup.msi']
    >>> sim.stop()
    """
    args = (
        server_arg(server),
        optional_text(base_path, "base_path"),
        optional_text(user, "user"),
        level_arg(level, _LEVELS, "NetFileEnum"),
        prefmaxlen_arg(prefmaxlen),
    )
    server_name, path, user_name, lvl, maxlen = args
    current: list[list[Any]] = []

    def call(buf: Any, prefmax: int, read: Any, total: Any, resume: Any) -> int:
        return int(_raw.NetFileEnum(server_name, path, user_name, lvl, buf, prefmax, read,
                                    total, resume))  # fmt: skip

    # NetFileEnum's resume handle is a PDWORD_PTR: pointer-sized, unlike NetSessionEnum's.
    stream = pages("NetFileEnum", call, _DECODERS[lvl], server_name, maxlen, ctypes.c_size_t,
                   current)  # fmt: skip
    names = ("server", "base_path", "user", "level", "prefmaxlen")
    defaults = (None, None, None, 3, MAX_PREFERRED_LENGTH)
    return Stream.start(stream, current, call_text("enum_files", names, args, defaults))


# --- NetFileGetInfo ------------------------------------------------------------------------


@overload
def get_file_info(
    file_id: int, *, server: Optional[str] = ..., level: Literal[3] = ...
) -> FileInfo3: ...
@overload
def get_file_info(file_id: int, *, server: Optional[str] = ..., level: Literal[2]) -> FileInfo2: ...
@overload
def get_file_info(file_id: int, *, server: Optional[str] = ..., level: int) -> FileInfo2: ...
def get_file_info(file_id: int, *, server: Optional[str] = None, level: int = 3) -> FileInfo2:
    """The open file ``file_id`` on ``server`` (``NetFileGetInfo``), at level 3 or 2.

    An id that is not (or no longer) open raises
    :class:`~winsession.errors.OpenFileNotFoundError`, a ``LookupError``.

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.get_file_info(101).path_name
    'C:\\\\Shares\\\\Projects\\\\plan.docx'
    >>> net.get_file_info(999)
    Traceback (most recent call last):
    ...
    winsession.errors.NetApiOpenFileNotFoundError: NetFileGetInfo failed: ERROR_FILE_NOT_FOUND ...
    >>> sim.stop()
    """
    fid = dword_arg(file_id, "file_id")
    server_name = server_arg(server)
    lvl = level_arg(level, _LEVELS, "NetFileGetInfo")
    return get_one(  # type: ignore[no-any-return]
        _DECODERS[lvl],
        "NetFileGetInfo",
        lambda buf: _raw.NetFileGetInfo(server_name, fid, lvl, buf),
    )


# --- NetFileClose --------------------------------------------------------------------------


def close_file(file_id: int, *, server: Optional[str] = None) -> None:
    """Force the open file ``file_id`` on ``server`` closed (``NetFileClose``).

    Data the client cached is not written first: this is for a file that cannot be closed
    any other way. An id that is not open raises
    :class:`~winsession.errors.OpenFileNotFoundError` (a ``LookupError``).

    >>> from winsession import net, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> net.close_file(102)
    >>> [f.file_id for f in net.enum_files(level=2)]
    [101, 103, 205]
    >>> try:
    ...     net.close_file(102)
    ... except LookupError as e:
    ...     print(e.winerror, e.function)
    2 NetFileClose
    >>> sim.stop()
    """
    fid = dword_arg(file_id, "file_id")
    _raw.NetFileClose(server_arg(server), fid)
