"""netapi32.dll: SMB server sessions, open files and connections (lmshare.h), NetApi buffers
(lmapibuf.h).

Names, field names, argument order, widths and pointer depths are Microsoft's, checked by
the tests against win32metadata and against mingw-w64's ``lm.h``. Every ``NET_API_STATUS``
function is declared ``_dll.Check("NET_API_STATUS")``: the errcheck attached from above
(:func:`winsession.errors.check_net_api_status`) returns ``NERR_Success`` (0) or
``ERROR_MORE_DATA`` (234) and raises otherwise.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from .. import _dll
from ._types import DWORD, LPBYTE, LPDWORD, LPVOID, LPWSTR, NET_API_STATUS, PDWORD_PTR

if TYPE_CHECKING:
    from ._types import InStr, Out, Ptr

MAX_PREFERRED_LENGTH = 0xFFFFFFFF
"""``prefmaxlen`` asking the API to allocate as much as all the data needs."""

NERR_Success = 0
ERROR_MORE_DATA = 234

# SESSION_INFO_USER_FLAGS
SESS_GUEST = 0x00000001
SESS_NOENCRYPTION = 0x00000002

# FILE_INFO_FLAGS_PERMISSIONS (fi3_permissions)
PERM_FILE_READ = 0x1
PERM_FILE_WRITE = 0x2
PERM_FILE_CREATE = 0x4

# SHARE_TYPE (coni1_type): the low byte is the type, the high bits are modifiers.
STYPE_DISKTREE = 0
STYPE_PRINTQ = 1
STYPE_DEVICE = 2
STYPE_IPC = 3
STYPE_MASK = 0xFF
STYPE_TEMPORARY = 0x40000000
STYPE_SPECIAL = 0x80000000


# Each level's members, in declaration order; member names are "sesi<level>_<field>".
_SESI_TYPES: dict[str, type] = {
    "cname": LPWSTR,
    "username": LPWSTR,
    "num_opens": DWORD,
    "time": DWORD,
    "idle_time": DWORD,
    "user_flags": DWORD,  # SESSION_INFO_USER_FLAGS
    "cltype_name": LPWSTR,
    "transport": LPWSTR,
}


def _sesi(level: int, *fields: str) -> list[tuple[str, type]]:
    return [(f"sesi{level}_{name}", _SESI_TYPES[name]) for name in fields]


class SESSION_INFO_0(ctypes.Structure):
    """Level 0: the client's computer name."""

    _fields_ = _sesi(0, "cname")


class SESSION_INFO_1(ctypes.Structure):
    """Level 1: client, user, open resources, times and flags (administrators only)."""

    _fields_ = _sesi(1, "cname", "username", "num_opens", "time", "idle_time", "user_flags")


class SESSION_INFO_2(ctypes.Structure):
    """Level 2: level 1 plus the client type (administrators only)."""

    _fields_ = _sesi(
        2, "cname", "username", "num_opens", "time", "idle_time", "user_flags", "cltype_name"
    )


class SESSION_INFO_10(ctypes.Structure):
    """Level 10: client, user and times."""

    _fields_ = _sesi(10, "cname", "username", "time", "idle_time")


class SESSION_INFO_502(ctypes.Structure):
    """Level 502: level 2 plus the transport (administrators only)."""

    _fields_ = _sesi(
        502,
        "cname",
        "username",
        "num_opens",
        "time",
        "idle_time",
        "user_flags",
        "cltype_name",
        "transport",
    )


SESSION_INFO_LEVELS: dict[int, type[ctypes.Structure]] = {
    0: SESSION_INFO_0,
    1: SESSION_INFO_1,
    2: SESSION_INFO_2,
    10: SESSION_INFO_10,
    502: SESSION_INFO_502,
}
"""Structure for each level ``NetSessionEnum`` accepts."""


class FILE_INFO_2(ctypes.Structure):
    """Level 2 of NetFileEnum/NetFileGetInfo: the open file's identifier."""

    _fields_ = [("fi2_id", DWORD)]


class FILE_INFO_3(ctypes.Structure):
    """Level 3: identifier, permissions, locks, path and the user who opened it."""

    _fields_ = [
        ("fi3_id", DWORD),
        ("fi3_permissions", DWORD),  # FILE_INFO_FLAGS_PERMISSIONS
        ("fi3_num_locks", DWORD),
        ("fi3_pathname", LPWSTR),
        ("fi3_username", LPWSTR),
    ]


FILE_INFO_LEVELS: dict[int, type[ctypes.Structure]] = {2: FILE_INFO_2, 3: FILE_INFO_3}
"""Structure for each level ``NetFileEnum`` and ``NetFileGetInfo`` accept."""


class CONNECTION_INFO_0(ctypes.Structure):
    """Level 0 of NetConnectionEnum: the connection's identifier."""

    _fields_ = [("coni0_id", DWORD)]


class CONNECTION_INFO_1(ctypes.Structure):
    """Level 1: identifier, share type, opens, users, seconds connected, user and name."""

    _fields_ = [
        ("coni1_id", DWORD),
        ("coni1_type", DWORD),  # SHARE_TYPE
        ("coni1_num_opens", DWORD),
        ("coni1_num_users", DWORD),
        ("coni1_time", DWORD),
        ("coni1_username", LPWSTR),
        ("coni1_netname", LPWSTR),
    ]


CONNECTION_INFO_LEVELS: dict[int, type[ctypes.Structure]] = {
    0: CONNECTION_INFO_0,
    1: CONNECTION_INFO_1,
}
"""Structure for each level ``NetConnectionEnum`` accepts."""


_NET_API_STATUS = _dll.Check("NET_API_STATUS")  # 0 and ERROR_MORE_DATA succeed


def _net(name: str, argtypes: list[object], doc: str) -> _dll.Function[..., int]:
    return _dll.Function("netapi32", name, NET_API_STATUS, argtypes, _NET_API_STATUS, doc)


NetSessionEnum: _dll.Function[[InStr, InStr, InStr, int, Out, int, Out, Out, Out], int] = _net(
    "NetSessionEnum",
    [LPWSTR, LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE), DWORD, LPDWORD, LPDWORD, LPDWORD],
    "NetSessionEnum(servername, UncClientName, username, level, bufptr, prefmaxlen,"
    " entriesread, totalentries, resume_handle) -> NET_API_STATUS",
)
NetSessionGetInfo: _dll.Function[[InStr, InStr, InStr, int, Out], int] = _net(
    "NetSessionGetInfo",
    [LPWSTR, LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE)],
    "NetSessionGetInfo(servername, UncClientName, username, level, bufptr) -> NET_API_STATUS",
)
NetSessionDel: _dll.Function[[InStr, InStr, InStr], int] = _net(
    "NetSessionDel",
    [LPWSTR, LPWSTR, LPWSTR],
    "NetSessionDel(servername, UncClientName, username) -> NET_API_STATUS",
)
NetFileEnum: _dll.Function[[InStr, InStr, InStr, int, Out, int, Out, Out, Out], int] = _net(
    "NetFileEnum",
    [LPWSTR, LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE), DWORD, LPDWORD, LPDWORD, PDWORD_PTR],
    "NetFileEnum(servername, basepath, username, level, bufptr, prefmaxlen, entriesread,"
    " totalentries, resume_handle) -> NET_API_STATUS  (resume_handle is a PDWORD_PTR)",
)
NetFileGetInfo: _dll.Function[[InStr, int, int, Out], int] = _net(
    "NetFileGetInfo",
    [LPWSTR, DWORD, DWORD, ctypes.POINTER(LPBYTE)],
    "NetFileGetInfo(servername, fileid, level, bufptr) -> NET_API_STATUS",
)
NetFileClose: _dll.Function[[InStr, int], int] = _net(
    "NetFileClose",
    [LPWSTR, DWORD],
    "NetFileClose(servername, fileid) -> NET_API_STATUS",
)
NetConnectionEnum: _dll.Function[[InStr, InStr, int, Out, int, Out, Out, Out], int] = _net(
    "NetConnectionEnum",
    [LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE), DWORD, LPDWORD, LPDWORD, LPDWORD],
    "NetConnectionEnum(servername, qualifier, level, bufptr, prefmaxlen, entriesread,"
    " totalentries, resume_handle) -> NET_API_STATUS",
)
NetApiBufferAllocate: _dll.Function[[int, Out], int] = _net(
    "NetApiBufferAllocate",
    [DWORD, ctypes.POINTER(LPVOID)],
    "NetApiBufferAllocate(ByteCount, Buffer) -> NET_API_STATUS",
)
NetApiBufferFree: _dll.Function[[Ptr], int] = _net(
    "NetApiBufferFree",
    [LPVOID],
    "NetApiBufferFree(Buffer) -> NET_API_STATUS",
)
NetApiBufferReallocate: _dll.Function[[Ptr, int, Out], int] = _net(
    "NetApiBufferReallocate",
    [LPVOID, DWORD, ctypes.POINTER(LPVOID)],
    "NetApiBufferReallocate(OldBuffer, NewByteCount, NewBuffer) -> NET_API_STATUS",
)
NetApiBufferSize: _dll.Function[[Ptr, Out], int] = _net(
    "NetApiBufferSize",
    [LPVOID, LPDWORD],
    "NetApiBufferSize(Buffer, ByteCount) -> NET_API_STATUS",
)

__all__ = [
    "CONNECTION_INFO_0",
    "CONNECTION_INFO_1",
    "CONNECTION_INFO_LEVELS",
    "ERROR_MORE_DATA",
    "FILE_INFO_2",
    "FILE_INFO_3",
    "FILE_INFO_LEVELS",
    "MAX_PREFERRED_LENGTH",
    "PERM_FILE_CREATE",
    "PERM_FILE_READ",
    "PERM_FILE_WRITE",
    "SESSION_INFO_0",
    "SESSION_INFO_1",
    "SESSION_INFO_2",
    "SESSION_INFO_10",
    "SESSION_INFO_502",
    "SESSION_INFO_LEVELS",
    "SESS_GUEST",
    "SESS_NOENCRYPTION",
    "STYPE_DEVICE",
    "STYPE_DISKTREE",
    "STYPE_IPC",
    "STYPE_MASK",
    "STYPE_PRINTQ",
    "STYPE_SPECIAL",
    "STYPE_TEMPORARY",
    "NERR_Success",
    "NetApiBufferAllocate",
    "NetApiBufferFree",
    "NetApiBufferReallocate",
    "NetApiBufferSize",
    "NetConnectionEnum",
    "NetFileClose",
    "NetFileEnum",
    "NetFileGetInfo",
    "NetSessionDel",
    "NetSessionEnum",
    "NetSessionGetInfo",
]

# --- workstation users (lmwksta.h; issue 22) -----------------------------------------------


class WKSTA_USER_INFO_0(ctypes.Structure):
    """Level 0 of NetWkstaUserEnum/NetWkstaUserGetInfo: the user's name."""

    _fields_ = [("wkui0_username", LPWSTR)]


class WKSTA_USER_INFO_1(ctypes.Structure):
    """Level 1: user, logon domain, other domains the user browses, and the logon server."""

    _fields_ = [
        ("wkui1_username", LPWSTR),
        ("wkui1_logon_domain", LPWSTR),
        ("wkui1_oth_domains", LPWSTR),
        ("wkui1_logon_server", LPWSTR),
    ]


class WKSTA_USER_INFO_1101(ctypes.Structure):
    """Level 1101 (NetWkstaUserGetInfo only): the other domains, space-separated."""

    _fields_ = [("wkui1101_oth_domains", LPWSTR)]


WKSTA_USER_INFO_LEVELS: dict[int, type[ctypes.Structure]] = {
    0: WKSTA_USER_INFO_0,
    1: WKSTA_USER_INFO_1,
    1101: WKSTA_USER_INFO_1101,
}
"""Structure for each level; ``NetWkstaUserEnum`` takes 0 and 1, ``NetWkstaUserGetInfo``
0, 1 and 1101."""

NetWkstaUserEnum: _dll.Function[[InStr, int, Out, int, Out, Out, Out], int] = _net(
    "NetWkstaUserEnum",
    [LPWSTR, DWORD, ctypes.POINTER(LPBYTE), DWORD, LPDWORD, LPDWORD, LPDWORD],
    "NetWkstaUserEnum(servername, level, bufptr, prefmaxlen, entriesread, totalentries,"
    " resumehandle) -> NET_API_STATUS",
)
NetWkstaUserGetInfo: _dll.Function[[InStr, int, Out], int] = _net(
    "NetWkstaUserGetInfo",
    [LPWSTR, DWORD, ctypes.POINTER(LPBYTE)],
    "NetWkstaUserGetInfo(reserved, level, bufptr) -> NET_API_STATUS  (reserved must be NULL:"
    " the function answers for the calling thread's user on this computer only)",
)

__all__ += [
    "WKSTA_USER_INFO_0",
    "WKSTA_USER_INFO_1",
    "WKSTA_USER_INFO_1101",
    "WKSTA_USER_INFO_LEVELS",
    "NetWkstaUserEnum",
    "NetWkstaUserGetInfo",
]
