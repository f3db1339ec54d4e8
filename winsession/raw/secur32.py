"""secur32.dll: LSA logon sessions (ntsecapi.h) -- ``LsaEnumerateLogonSessions``,
``LsaGetLogonSessionData`` and ``LsaFreeReturnBuffer``.

Names, field names, argument order, widths and pointer depths are Microsoft's, checked by the
tests against win32metadata (the reference's ``logon`` section) and against mingw-w64's
``ntsecapi.h``. The three functions return an ``NTSTATUS`` (a signed 32-bit ``LONG``: errors
are negative) and have no errcheck: the caller maps a failing status through advapi32's
``LsaNtStatusToWinError`` (:mod:`winsession.raw.advapi32`) and
:func:`winsession.errors.lsa_error`, since some statuses (a logon session that ended, one the
caller may not read) are not errors to it.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from .. import _dll
from ._types import DWORD, LARGE_INTEGER, LONG, LPVOID, LPWSTR, ULONG, USHORT

if TYPE_CHECKING:
    from ._types import Out, Ptr

NTSTATUS = LONG
"""``NTSTATUS``: win32metadata's NativeTypedef of ``Int32``."""
PSID = ctypes.c_void_p

# ntstatus.h (as signed 32-bit values, the way the functions return them).
STATUS_SUCCESS = 0
STATUS_ACCESS_DENIED = -0x3FFFFFDE  # 0xC0000022
STATUS_INVALID_PARAMETER = -0x3FFFFFF3  # 0xC000000D
STATUS_NO_MEMORY = -0x3FFFFFE9  # 0xC0000017
STATUS_NO_SUCH_LOGON_SESSION = -0x3FFFFFA1  # 0xC000005F
STATUS_NOT_IMPLEMENTED = -0x3FFFFFFE  # 0xC0000002

# SECURITY_LOGON_TYPE (an Int32 enum in the metadata; the structure holds it as a ULONG).
UndefinedLogonType = 0
Interactive = 2
Network = 3
Batch = 4
Service = 5
Proxy = 6
Unlock = 7
NetworkCleartext = 8
NewCredentials = 9
RemoteInteractive = 10
CachedInteractive = 11
CachedRemoteInteractive = 12
CachedUnlock = 13


class LUID(ctypes.Structure):
    """``LUID``: a 64-bit locally unique identifier as ``LowPart`` (unsigned) and
    ``HighPart`` (signed)."""

    _fields_ = [("LowPart", DWORD), ("HighPart", LONG)]


class UNICODE_STRING(ctypes.Structure):
    """``UNICODE_STRING`` (``LSA_UNICODE_STRING``): ``Length`` and ``MaximumLength`` count
    bytes; ``Buffer`` is not NUL-terminated (the metadata's ``NotNullTerminated``), so it is
    read by ``Length``, never as a C string."""

    _fields_ = [("Length", USHORT), ("MaximumLength", USHORT), ("Buffer", LPWSTR)]


class LSA_LAST_INTER_LOGON_INFO(ctypes.Structure):
    """``LSA_LAST_INTER_LOGON_INFO``: the last successful and failed interactive logons
    (FILETIMEs) and the failed attempts since the last success."""

    _fields_ = [
        ("LastSuccessfulLogon", LARGE_INTEGER),
        ("LastFailedLogon", LARGE_INTEGER),
        ("FailedAttemptCountSinceLastSuccessfulLogon", ULONG),
    ]


class SECURITY_LOGON_SESSION_DATA(ctypes.Structure):
    """``SECURITY_LOGON_SESSION_DATA``. ``Size`` says how far the structure reaches: the
    members from ``UserFlags`` on came with Windows Vista (``_WIN32_WINNT >= 0x0600`` in
    ntsecapi.h), and a shorter ``Size`` means they are absent."""

    _fields_ = [
        ("Size", ULONG),
        ("LogonId", LUID),
        ("UserName", UNICODE_STRING),
        ("LogonDomain", UNICODE_STRING),
        ("AuthenticationPackage", UNICODE_STRING),
        ("LogonType", ULONG),
        ("Session", ULONG),
        ("Sid", PSID),
        ("LogonTime", LARGE_INTEGER),
        ("LogonServer", UNICODE_STRING),
        ("DnsDomainName", UNICODE_STRING),
        ("Upn", UNICODE_STRING),
        ("UserFlags", ULONG),
        ("LastLogonInfo", LSA_LAST_INTER_LOGON_INFO),
        ("LogonScript", UNICODE_STRING),
        ("ProfilePath", UNICODE_STRING),
        ("HomeDirectory", UNICODE_STRING),
        ("HomeDirectoryDrive", UNICODE_STRING),
        ("LogoffTime", LARGE_INTEGER),
        ("KickOffTime", LARGE_INTEGER),
        ("PasswordLastSet", LARGE_INTEGER),
        ("PasswordCanChange", LARGE_INTEGER),
        ("PasswordMustChange", LARGE_INTEGER),
    ]


SECURITY_LOGON_SESSION_DATA_V1_SIZE = SECURITY_LOGON_SESSION_DATA.UserFlags.offset
"""The size of the structure before Windows Vista (through ``Upn``): 136 bytes on x64."""

P = ctypes.POINTER

LsaEnumerateLogonSessions: _dll.Function[[Out, Out], int] = _dll.Function(
    "secur32",
    "LsaEnumerateLogonSessions",
    NTSTATUS,
    [P(ULONG), P(P(LUID))],
    None,
    doc="""``LsaEnumerateLogonSessions(LogonSessionCount, LogonSessionList) -> NTSTATUS``:
    the list is an array of ``LUID`` freed with ``LsaFreeReturnBuffer``.""",
)
LsaGetLogonSessionData: _dll.Function[[Out, Out], int] = _dll.Function(
    "secur32",
    "LsaGetLogonSessionData",
    NTSTATUS,
    [P(LUID), P(P(SECURITY_LOGON_SESSION_DATA))],
    None,
    doc="""``LsaGetLogonSessionData(LogonId, ppLogonSessionData) -> NTSTATUS``: the data is
    freed with ``LsaFreeReturnBuffer``.""",
)
LsaFreeReturnBuffer: _dll.Function[[Ptr], int] = _dll.Function(
    "secur32",
    "LsaFreeReturnBuffer",
    NTSTATUS,
    [LPVOID],
    None,
    doc="""``LsaFreeReturnBuffer(Buffer) -> NTSTATUS``.""",
)

__all__ = [
    "LSA_LAST_INTER_LOGON_INFO",
    "LUID",
    "NTSTATUS",
    "SECURITY_LOGON_SESSION_DATA",
    "SECURITY_LOGON_SESSION_DATA_V1_SIZE",
    "STATUS_ACCESS_DENIED",
    "STATUS_INVALID_PARAMETER",
    "STATUS_NOT_IMPLEMENTED",
    "STATUS_NO_MEMORY",
    "STATUS_NO_SUCH_LOGON_SESSION",
    "STATUS_SUCCESS",
    "UNICODE_STRING",
    "LsaEnumerateLogonSessions",
    "LsaFreeReturnBuffer",
    "LsaGetLogonSessionData",
]
