"""advapi32.dll: tokens and starting a process as another user (spawn_in_session), and SID
to account name lookup (process owners).

``DuplicateTokenEx`` and ``CreateProcessAsUserW`` with their structures follow the
reference's ``support`` section (win32metadata). ``LookupAccountSidW`` is not in that slice;
its declaration follows Microsoft Learn's page for it (``BOOL LookupAccountSidW(LPCWSTR
lpSystemName, PSID Sid, LPWSTR Name, LPDWORD cchName, LPWSTR ReferencedDomainName, LPDWORD
cchReferencedDomainName, PSID_NAME_USE peUse)``) and mingw-w64's ``winbase.h``.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from .. import _dll
from ._types import BOOL, BYTE, DWORD, HANDLE, INT, LPCWSTR, LPDWORD, LPVOID, LPWSTR, WORD

if TYPE_CHECKING:
    from ._types import Handle, InStr, Out, Ptr, WBuf

PSID = ctypes.c_void_p

# TOKEN_ACCESS_MASK
TOKEN_ASSIGN_PRIMARY = 0x0001
TOKEN_DUPLICATE = 0x0002
TOKEN_IMPERSONATE = 0x0004
TOKEN_QUERY = 0x0008
TOKEN_ADJUST_DEFAULT = 0x0080
TOKEN_ADJUST_SESSIONID = 0x0100
TOKEN_ALL_ACCESS = 0x000F00FF  # the metadata value (winnt.h adds TOKEN_ADJUST_SESSIONID)
MAXIMUM_ALLOWED = 0x02000000

# SECURITY_IMPERSONATION_LEVEL
SecurityAnonymous, SecurityIdentification, SecurityImpersonation, SecurityDelegation = 0, 1, 2, 3
# TOKEN_TYPE
TokenPrimary, TokenImpersonation = 1, 2

# PROCESS_CREATION_FLAGS (those used here)
CREATE_NEW_CONSOLE = 0x00000010
CREATE_UNICODE_ENVIRONMENT = 0x00000400
CREATE_NO_WINDOW = 0x08000000
# STARTUPINFOW_FLAGS
STARTF_USESHOWWINDOW = 0x00000001
# ShowWindow commands (winuser.h)
SW_HIDE = 0
SW_SHOWNORMAL = 1
SW_SHOW = 5


class SECURITY_ATTRIBUTES(ctypes.Structure):
    """``SECURITY_ATTRIBUTES``."""

    _fields_ = [("nLength", DWORD), ("lpSecurityDescriptor", LPVOID), ("bInheritHandle", BOOL)]


class STARTUPINFOW(ctypes.Structure):
    """``STARTUPINFOW``: ``cb`` must be ``sizeof(STARTUPINFOW)``."""

    _fields_ = [
        ("cb", DWORD),
        ("lpReserved", LPWSTR),
        ("lpDesktop", LPWSTR),
        ("lpTitle", LPWSTR),
        ("dwX", DWORD),
        ("dwY", DWORD),
        ("dwXSize", DWORD),
        ("dwYSize", DWORD),
        ("dwXCountChars", DWORD),
        ("dwYCountChars", DWORD),
        ("dwFillAttribute", DWORD),
        ("dwFlags", DWORD),
        ("wShowWindow", WORD),
        ("cbReserved2", WORD),
        ("lpReserved2", ctypes.POINTER(BYTE)),
        ("hStdInput", HANDLE),
        ("hStdOutput", HANDLE),
        ("hStdError", HANDLE),
    ]


class PROCESS_INFORMATION(ctypes.Structure):
    """``PROCESS_INFORMATION``: both handles must be closed by the caller."""

    _fields_ = [
        ("hProcess", HANDLE),
        ("hThread", HANDLE),
        ("dwProcessId", DWORD),
        ("dwThreadId", DWORD),
    ]


_check = _dll.Check("BOOL")  # zero fails; the reason is the last error
P = ctypes.POINTER

DuplicateTokenEx: _dll.Function[[Handle, int, Ptr, int, int, Out], int] = _dll.Function(
    "advapi32",
    "DuplicateTokenEx",
    BOOL,
    [HANDLE, DWORD, P(SECURITY_ATTRIBUTES), INT, INT, P(HANDLE)],
    _check,
    doc="""``DuplicateTokenEx(hExistingToken, dwDesiredAccess, lpTokenAttributes,
    ImpersonationLevel, TokenType, phNewToken) -> BOOL``.""",
)

CreateProcessAsUserW: _dll.Function[
    [Handle, InStr, WBuf, Ptr, Ptr, int, int, Ptr, InStr, Out, Out], int
] = _dll.Function(
    "advapi32",
    "CreateProcessAsUserW",
    BOOL,
    [
        HANDLE,
        LPWSTR,
        LPWSTR,
        P(SECURITY_ATTRIBUTES),
        P(SECURITY_ATTRIBUTES),
        BOOL,
        DWORD,
        LPVOID,
        LPWSTR,
        P(STARTUPINFOW),
        P(PROCESS_INFORMATION),
    ],
    _check,
    doc="""``CreateProcessAsUserW(hToken, lpApplicationName, lpCommandLine, ...,
    lpProcessInformation) -> BOOL``. ``lpCommandLine`` must be writable (the function may
    modify it); an environment block of ``WCHAR`` needs ``CREATE_UNICODE_ENVIRONMENT``.""",
)

# SID_NAME_USE
SidTypeUser, SidTypeGroup, SidTypeDomain, SidTypeAlias, SidTypeWellKnownGroup = 1, 2, 3, 4, 5

LookupAccountSidW: _dll.Function[[InStr, Ptr, WBuf, Out, WBuf, Out, Out], int] = _dll.Function(
    "advapi32",
    "LookupAccountSidW",
    BOOL,
    [LPCWSTR, PSID, LPWSTR, LPDWORD, LPWSTR, LPDWORD, P(INT)],
    _check,
    doc="""``LookupAccountSidW(lpSystemName, Sid, Name, cchName, ReferencedDomainName,
    cchReferencedDomainName, peUse) -> BOOL``: ``ERROR_INSUFFICIENT_BUFFER`` with the sizes
    needed; ``ERROR_NONE_MAPPED`` when the SID names no account.""",
)

# --- LSA status mapping (issue 22; the reference's logon section) --------------------------

LsaNtStatusToWinError: _dll.Function[[int], int] = _dll.Function(
    "advapi32",
    "LsaNtStatusToWinError",
    ctypes.c_uint32,  # ULONG
    [ctypes.c_int32],  # NTSTATUS
    None,
    doc="""``LsaNtStatusToWinError(Status) -> ULONG``: the Win32 error code for an NTSTATUS;
    ``ERROR_MR_MID_NOT_FOUND`` (317) for a status without one. Never fails.""",
)
