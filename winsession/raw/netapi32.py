"""netapi32.dll: SMB server sessions (lmshare.h) and NetApi buffers (lmapibuf.h).

Names, field names, argument order, widths and pointer depths are Microsoft's, checked by
the tests against win32metadata and against mingw-w64's ``lm.h``. Every ``NET_API_STATUS``
function has :func:`winsession.errors.check_net_api_status` as errcheck: it returns
``NERR_Success`` (0) or ``ERROR_MORE_DATA`` (234) and raises otherwise.
"""

from __future__ import annotations

import ctypes

from .. import _dll
from ..errors import check_net_api_status
from ._types import DWORD, LPBYTE, LPDWORD, LPVOID, LPWSTR, NET_API_STATUS

MAX_PREFERRED_LENGTH = 0xFFFFFFFF
"""``prefmaxlen`` asking the API to allocate as much as all the data needs."""

NERR_Success = 0
ERROR_MORE_DATA = 234

# SESSION_INFO_USER_FLAGS
SESS_GUEST = 0x00000001
SESS_NOENCRYPTION = 0x00000002


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


def _net(name: str, argtypes: list[object], doc: str) -> _dll.Function:
    return _dll.Function("netapi32", name, NET_API_STATUS, argtypes, check_net_api_status, doc)


NetSessionEnum = _net(
    "NetSessionEnum",
    [LPWSTR, LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE), DWORD, LPDWORD, LPDWORD, LPDWORD],
    "NetSessionEnum(servername, UncClientName, username, level, bufptr, prefmaxlen,"
    " entriesread, totalentries, resume_handle) -> NET_API_STATUS",
)
NetSessionGetInfo = _net(
    "NetSessionGetInfo",
    [LPWSTR, LPWSTR, LPWSTR, DWORD, ctypes.POINTER(LPBYTE)],
    "NetSessionGetInfo(servername, UncClientName, username, level, bufptr) -> NET_API_STATUS",
)
NetSessionDel = _net(
    "NetSessionDel",
    [LPWSTR, LPWSTR, LPWSTR],
    "NetSessionDel(servername, UncClientName, username) -> NET_API_STATUS",
)
NetApiBufferAllocate = _net(
    "NetApiBufferAllocate",
    [DWORD, ctypes.POINTER(LPVOID)],
    "NetApiBufferAllocate(ByteCount, Buffer) -> NET_API_STATUS",
)
NetApiBufferFree = _net(
    "NetApiBufferFree",
    [LPVOID],
    "NetApiBufferFree(Buffer) -> NET_API_STATUS",
)
NetApiBufferReallocate = _net(
    "NetApiBufferReallocate",
    [LPVOID, DWORD, ctypes.POINTER(LPVOID)],
    "NetApiBufferReallocate(OldBuffer, NewByteCount, NewBuffer) -> NET_API_STATUS",
)
NetApiBufferSize = _net(
    "NetApiBufferSize",
    [LPVOID, LPDWORD],
    "NetApiBufferSize(Buffer, ByteCount) -> NET_API_STATUS",
)

__all__ = [
    "ERROR_MORE_DATA",
    "MAX_PREFERRED_LENGTH",
    "SESSION_INFO_0",
    "SESSION_INFO_1",
    "SESSION_INFO_2",
    "SESSION_INFO_10",
    "SESSION_INFO_502",
    "SESSION_INFO_LEVELS",
    "SESS_GUEST",
    "SESS_NOENCRYPTION",
    "NERR_Success",
    "NetApiBufferAllocate",
    "NetApiBufferFree",
    "NetApiBufferReallocate",
    "NetApiBufferSize",
    "NetSessionDel",
    "NetSessionEnum",
    "NetSessionGetInfo",
]
