"""wtsapi32.dll: Remote Desktop Services sessions (wtsapi32.h).

Names, members, argument order, widths and pointer depths are Microsoft's, checked by the
tests against win32metadata and mingw-w64's ``wtsapi32.h``. Every ``BOOL`` function that
sets the last error is declared ``_dll.Check("BOOL")``: the errcheck that raises
(:class:`winsession.errors.BoolCheck`) is attached from above. Structures with
inline ``WCHAR`` arrays differ in size between Windows (2-byte WCHAR) and the Linux
stand-ins (4-byte ``wchar_t``), exactly as the C stand-ins do.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, Optional

from .. import _dll
from ._types import (
    BOOL,
    BYTE,
    DWORD,
    HANDLE,
    HWND,
    INT,
    LARGE_INTEGER,
    LONG,
    LPVOID,
    LPWSTR,
    USHORT,
    WCHAR,
)

if TYPE_CHECKING:
    from ._types import Handle, InStr, Out, Ptr

WTS_CURRENT_SERVER_HANDLE = None
"""``(HANDLE)NULL``: the server this process runs on."""
WTS_CURRENT_SESSION = 0xFFFFFFFF
WTS_ANY_SESSION = 0xFFFFFFFE

PSID = ctypes.c_void_p
MESSAGEBOX_STYLE = ctypes.c_uint32
MESSAGEBOX_RESULT = ctypes.c_int32

# WTS_CONNECTSTATE_CLASS
WTSActive, WTSConnected, WTSConnectQuery, WTSShadow, WTSDisconnected = 0, 1, 2, 3, 4
WTSIdle, WTSListen, WTSReset, WTSDown, WTSInit = 5, 6, 7, 8, 9
WTS_CONNECTSTATE_CLASS = INT

# WTS_INFO_CLASS
WTS_INFO_CLASS = INT
WTSInitialProgram, WTSApplicationName, WTSWorkingDirectory, WTSOEMId = 0, 1, 2, 3
WTSSessionId, WTSUserName, WTSWinStationName, WTSDomainName = 4, 5, 6, 7
WTSConnectState, WTSClientBuildNumber, WTSClientName, WTSClientDirectory = 8, 9, 10, 11
WTSClientProductId, WTSClientHardwareId, WTSClientAddress, WTSClientDisplay = 12, 13, 14, 15
WTSClientProtocolType, WTSIdleTime, WTSLogonTime, WTSIncomingBytes = 16, 17, 18, 19
WTSOutgoingBytes, WTSIncomingFrames, WTSOutgoingFrames, WTSClientInfo = 20, 21, 22, 23
WTSSessionInfo, WTSSessionInfoEx, WTSConfigInfo, WTSValidationInfo = 24, 25, 26, 27
WTSSessionAddressV4, WTSIsRemoteSession = 28, 29

# WTS_TYPE_CLASS
WTS_TYPE_CLASS = INT
WTSTypeProcessInfoLevel0, WTSTypeProcessInfoLevel1, WTSTypeSessionInfoLevel1 = 0, 1, 2

# WTSWaitSystemEvent flags
WTS_EVENT_NONE = 0x00000000
WTS_EVENT_CREATE = 0x00000001
WTS_EVENT_DELETE = 0x00000002
WTS_EVENT_RENAME = 0x00000004
WTS_EVENT_CONNECT = 0x00000008
WTS_EVENT_DISCONNECT = 0x00000010
WTS_EVENT_LOGON = 0x00000020
WTS_EVENT_LOGOFF = 0x00000040
WTS_EVENT_STATECHANGE = 0x00000080
WTS_EVENT_LICENSE = 0x00000100
WTS_EVENT_ALL = 0x7FFFFFFF
WTS_EVENT_FLUSH = 0x80000000

# WTSINFOEX_LEVEL1_W.SessionFlags
WTS_SESSIONSTATE_UNKNOWN = 0xFFFFFFFF
WTS_SESSIONSTATE_LOCK = 0x00000000
WTS_SESSIONSTATE_UNLOCK = 0x00000001

# WTSClientProtocolType
WTS_PROTOCOL_TYPE_CONSOLE, WTS_PROTOCOL_TYPE_ICA, WTS_PROTOCOL_TYPE_RDP = 0, 1, 2

# WTSRegisterSessionNotification
NOTIFY_FOR_THIS_SESSION, NOTIFY_FOR_ALL_SESSIONS = 0, 1

# Lengths (wtsapi32.h)
WINSTATIONNAME_LENGTH = 32
DOMAIN_LENGTH = 17
USERNAME_LENGTH = 20
CLIENTNAME_LENGTH = 20
CLIENTADDRESS_LENGTH = 30
MAX_PATH = 260

# Message box styles and responses (winuser.h) used with WTSSendMessageW
MB_OK, MB_OKCANCEL, MB_ABORTRETRYIGNORE, MB_YESNOCANCEL = 0x0, 0x1, 0x2, 0x3
MB_YESNO, MB_RETRYCANCEL, MB_CANCELTRYCONTINUE = 0x4, 0x5, 0x6
MB_ICONHAND, MB_ICONQUESTION, MB_ICONEXCLAMATION, MB_ICONASTERISK = 0x10, 0x20, 0x30, 0x40
MB_DEFBUTTON2, MB_DEFBUTTON3, MB_SYSTEMMODAL = 0x100, 0x200, 0x1000
MB_SETFOREGROUND, MB_TOPMOST = 0x10000, 0x40000
IDOK, IDCANCEL, IDABORT, IDRETRY, IDIGNORE, IDYES, IDNO = 1, 2, 3, 4, 5, 6, 7
IDTRYAGAIN, IDCONTINUE = 10, 11
IDTIMEOUT = 32000
IDASYNC = 32001


class WTS_SESSION_INFOW(ctypes.Structure):
    """One session from ``WTSEnumerateSessionsW``."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        SessionId: int
        pWinStationName: Optional[str]
        State: int

    _fields_ = [
        ("SessionId", DWORD),
        ("pWinStationName", LPWSTR),
        ("State", WTS_CONNECTSTATE_CLASS),
    ]


class WTS_SESSION_INFO_1W(ctypes.Structure):
    """One session from ``WTSEnumerateSessionsExW`` (level 1)."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        ExecEnvId: int
        State: int
        SessionId: int
        pSessionName: Optional[str]
        pHostName: Optional[str]
        pUserName: Optional[str]
        pDomainName: Optional[str]
        pFarmName: Optional[str]

    _fields_ = [
        ("ExecEnvId", DWORD),
        ("State", WTS_CONNECTSTATE_CLASS),
        ("SessionId", DWORD),
        ("pSessionName", LPWSTR),
        ("pHostName", LPWSTR),
        ("pUserName", LPWSTR),
        ("pDomainName", LPWSTR),
        ("pFarmName", LPWSTR),
    ]


class WTS_PROCESS_INFOW(ctypes.Structure):
    """One process from ``WTSEnumerateProcessesW``."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        SessionId: int
        ProcessId: int
        pProcessName: Optional[str]
        pUserSid: Optional[int]

    _fields_ = [
        ("SessionId", DWORD),
        ("ProcessId", DWORD),
        ("pProcessName", LPWSTR),
        ("pUserSid", PSID),
    ]


class WTS_CLIENT_ADDRESS(ctypes.Structure):
    """``WTSClientAddress``: IPv4 bytes at ``Address[2:6]``, IPv6 at ``Address[0:16]``."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        AddressFamily: int
        Address: ctypes.Array[ctypes.c_uint8]

    _fields_ = [("AddressFamily", DWORD), ("Address", BYTE * 20)]


class WTS_CLIENT_DISPLAY(ctypes.Structure):
    """``WTSClientDisplay``: resolution and colour depth code."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        HorizontalResolution: int
        VerticalResolution: int
        ColorDepth: int

    _fields_ = [
        ("HorizontalResolution", DWORD),
        ("VerticalResolution", DWORD),
        ("ColorDepth", DWORD),
    ]


class WTS_SESSION_ADDRESS(ctypes.Structure):
    """``WTSSessionAddressV4``: the session's own virtual IP."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        AddressFamily: int
        Address: ctypes.Array[ctypes.c_uint8]

    _fields_ = [("AddressFamily", DWORD), ("Address", BYTE * 20)]


# The traffic counters WTSINFOW and WTSINFOEX_LEVEL1_W both carry (at different places).
_TRAFFIC = [
    ("IncomingBytes", DWORD),
    ("OutgoingBytes", DWORD),
    ("IncomingFrames", DWORD),
    ("OutgoingFrames", DWORD),
    ("IncomingCompressedBytes", DWORD),
    ("OutgoingCompressedBytes", DWORD),
]


class WTSINFOW(ctypes.Structure):
    """``WTSSessionInfo``: station, user, counters and times (FILETIME ticks)."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        State: int
        SessionId: int
        IncomingBytes: int
        OutgoingBytes: int
        IncomingFrames: int
        OutgoingFrames: int
        IncomingCompressedBytes: int
        OutgoingCompressedBytes: int
        WinStationName: str
        Domain: str
        UserName: str
        ConnectTime: int
        DisconnectTime: int
        LastInputTime: int
        LogonTime: int
        CurrentTime: int

    _fields_ = [
        ("State", WTS_CONNECTSTATE_CLASS),
        ("SessionId", DWORD),
        *_TRAFFIC,
        ("WinStationName", WCHAR * WINSTATIONNAME_LENGTH),
        ("Domain", WCHAR * DOMAIN_LENGTH),
        ("UserName", WCHAR * (USERNAME_LENGTH + 1)),
        ("ConnectTime", LARGE_INTEGER),
        ("DisconnectTime", LARGE_INTEGER),
        ("LastInputTime", LARGE_INTEGER),
        ("LogonTime", LARGE_INTEGER),
        ("CurrentTime", LARGE_INTEGER),
    ]


class WTSINFOEX_LEVEL1_W(ctypes.Structure):
    """``WTSSessionInfoEx`` level 1: WTSINFOW's facts plus the lock state."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        SessionId: int
        SessionState: int
        SessionFlags: int
        WinStationName: str
        UserName: str
        DomainName: str
        LogonTime: int
        ConnectTime: int
        DisconnectTime: int
        LastInputTime: int
        CurrentTime: int
        IncomingBytes: int
        OutgoingBytes: int
        IncomingFrames: int
        OutgoingFrames: int
        IncomingCompressedBytes: int
        OutgoingCompressedBytes: int

    _fields_ = [
        ("SessionId", DWORD),
        ("SessionState", WTS_CONNECTSTATE_CLASS),
        ("SessionFlags", LONG),
        ("WinStationName", WCHAR * (WINSTATIONNAME_LENGTH + 1)),
        ("UserName", WCHAR * (USERNAME_LENGTH + 1)),
        ("DomainName", WCHAR * (DOMAIN_LENGTH + 1)),
        ("LogonTime", LARGE_INTEGER),
        ("ConnectTime", LARGE_INTEGER),
        ("DisconnectTime", LARGE_INTEGER),
        ("LastInputTime", LARGE_INTEGER),
        ("CurrentTime", LARGE_INTEGER),
        *_TRAFFIC,
    ]


class WTSINFOEX_LEVEL_W(ctypes.Union):
    """The level-dependent part of ``WTSINFOEXW``."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        WTSInfoExLevel1: WTSINFOEX_LEVEL1_W

    _fields_ = [("WTSInfoExLevel1", WTSINFOEX_LEVEL1_W)]


class WTSINFOEXW(ctypes.Structure):
    """``WTSSessionInfoEx``: ``Level`` (1) and the matching data."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        Level: int
        Data: WTSINFOEX_LEVEL_W

    _fields_ = [("Level", DWORD), ("Data", WTSINFOEX_LEVEL_W)]


class WTSCLIENTW(ctypes.Structure):
    """``WTSClientInfo``: everything the client reported."""

    if TYPE_CHECKING:  # what mypy sees of the fields the decoders read
        ClientName: str
        Domain: str
        UserName: str
        WorkDirectory: str
        InitialProgram: str
        EncryptionLevel: int
        ClientAddressFamily: int
        ClientAddress: ctypes.Array[ctypes.c_uint16]
        HRes: int
        VRes: int
        ColorDepth: int
        ClientDirectory: str
        ClientBuildNumber: int
        ClientHardwareId: int
        ClientProductId: int
        OutBufCountHost: int
        OutBufCountClient: int
        OutBufLength: int
        DeviceId: str

    _fields_ = [
        ("ClientName", WCHAR * (CLIENTNAME_LENGTH + 1)),
        ("Domain", WCHAR * (DOMAIN_LENGTH + 1)),
        ("UserName", WCHAR * (USERNAME_LENGTH + 1)),
        ("WorkDirectory", WCHAR * (MAX_PATH + 1)),
        ("InitialProgram", WCHAR * (MAX_PATH + 1)),
        ("EncryptionLevel", BYTE),
        ("ClientAddressFamily", DWORD),
        ("ClientAddress", USHORT * (CLIENTADDRESS_LENGTH + 1)),
        ("HRes", USHORT),
        ("VRes", USHORT),
        ("ColorDepth", USHORT),
        ("ClientDirectory", WCHAR * (MAX_PATH + 1)),
        ("ClientBuildNumber", DWORD),
        ("ClientHardwareId", DWORD),
        ("ClientProductId", USHORT),
        ("OutBufCountHost", USHORT),
        ("OutBufCountClient", USHORT),
        ("OutBufLength", USHORT),
        ("DeviceId", WCHAR * (MAX_PATH + 1)),
    ]


class WTSCONFIGINFOW(ctypes.Structure):
    """``WTSConfigInfo``: the session's configuration. Not in the vendored win32metadata
    slice: laid out from Microsoft Learn's "WTSCONFIGINFOW structure (wtsapi32.h)" (six
    ULONGs, then WCHAR arrays of USERNAME_LENGTH + 1, DOMAIN_LENGTH + 1 and three of
    MAX_PATH + 1). ``version``, ``fConnectClientDrivesAtLogon``, ``fConnectPrinterAtLogon``
    and ``ApplicationName`` are documented as reserved."""

    _fields_ = [
        ("version", DWORD),
        ("fConnectClientDrivesAtLogon", DWORD),
        ("fConnectPrinterAtLogon", DWORD),
        ("fDisablePrinterRedirection", DWORD),
        ("fDisableDefaultMainClientPrinter", DWORD),
        ("ShadowSettings", DWORD),
        ("LogonUserName", WCHAR * (USERNAME_LENGTH + 1)),
        ("LogonDomain", WCHAR * (DOMAIN_LENGTH + 1)),
        ("WorkDirectory", WCHAR * (MAX_PATH + 1)),
        ("InitialProgram", WCHAR * (MAX_PATH + 1)),
        ("ApplicationName", WCHAR * (MAX_PATH + 1)),
    ]


_check = _dll.Check("BOOL")  # zero fails; the reason is the last error


def _wts(
    name: str, restype: Any, argtypes: list[Any], checked: bool = True
) -> _dll.Function[..., Any]:
    return _dll.Function("wtsapi32", name, restype, argtypes, _check if checked else None)


P = ctypes.POINTER

# Open/close: no last error by contract ("a handle that is not valid" shows on use).
WTSOpenServerW: _dll.Function[[InStr], Optional[int]] = _wts(
    "WTSOpenServerW", HANDLE, [LPWSTR], checked=False
)
WTSOpenServerExW: _dll.Function[[InStr], Optional[int]] = _wts(
    "WTSOpenServerExW", HANDLE, [LPWSTR], checked=False
)
WTSCloseServer: _dll.Function[[Handle], None] = _wts(
    "WTSCloseServer", None, [HANDLE], checked=False
)
WTSEnumerateSessionsW: _dll.Function[[Handle, int, int, Out, Out], int] = _wts(
    "WTSEnumerateSessionsW", BOOL, [HANDLE, DWORD, DWORD, P(P(WTS_SESSION_INFOW)), P(DWORD)]
)
WTSEnumerateSessionsExW: _dll.Function[[Handle, Out, int, Out, Out], int] = _wts(
    "WTSEnumerateSessionsExW", BOOL, [HANDLE, P(DWORD), DWORD, P(P(WTS_SESSION_INFO_1W)), P(DWORD)]
)
WTSEnumerateProcessesW: _dll.Function[[Handle, int, int, Out, Out], int] = _wts(
    "WTSEnumerateProcessesW", BOOL, [HANDLE, DWORD, DWORD, P(P(WTS_PROCESS_INFOW)), P(DWORD)]
)
WTSTerminateProcess: _dll.Function[[Handle, int, int], int] = _wts(
    "WTSTerminateProcess", BOOL, [HANDLE, DWORD, DWORD]
)
WTSFreeMemory: _dll.Function[[Ptr], None] = _wts("WTSFreeMemory", None, [LPVOID], checked=False)
WTSFreeMemoryExW: _dll.Function[[int, Ptr, int], int] = _wts(
    "WTSFreeMemoryExW", BOOL, [WTS_TYPE_CLASS, LPVOID, DWORD]
)
WTSQuerySessionInformationW: _dll.Function[[Handle, int, int, Out, Out], int] = _wts(
    "WTSQuerySessionInformationW", BOOL, [HANDLE, DWORD, WTS_INFO_CLASS, P(LPWSTR), P(DWORD)]
)
WTSDisconnectSession: _dll.Function[[Handle, int, int], int] = _wts(
    "WTSDisconnectSession", BOOL, [HANDLE, DWORD, BOOL]
)
WTSLogoffSession: _dll.Function[[Handle, int, int], int] = _wts(
    "WTSLogoffSession", BOOL, [HANDLE, DWORD, BOOL]
)
WTSSendMessageW: _dll.Function[[Handle, int, InStr, int, InStr, int, int, int, Out, int], int] = (
    _wts(
        "WTSSendMessageW",
        BOOL,
        [
            HANDLE,
            DWORD,
            LPWSTR,
            DWORD,
            LPWSTR,
            DWORD,
            MESSAGEBOX_STYLE,
            DWORD,
            P(MESSAGEBOX_RESULT),
            BOOL,
        ],
    )
)
WTSWaitSystemEvent: _dll.Function[[Handle, int, Out], int] = _wts(
    "WTSWaitSystemEvent", BOOL, [HANDLE, DWORD, P(DWORD)]
)
WTSRegisterSessionNotification: _dll.Function[[Handle, int], int] = _wts(
    "WTSRegisterSessionNotification", BOOL, [HWND, DWORD]
)
WTSUnRegisterSessionNotification: _dll.Function[[Handle], int] = _wts(
    "WTSUnRegisterSessionNotification", BOOL, [HWND]
)
WTSRegisterSessionNotificationEx: _dll.Function[[Handle, Handle, int], int] = _wts(
    "WTSRegisterSessionNotificationEx", BOOL, [HANDLE, HWND, DWORD]
)
WTSUnRegisterSessionNotificationEx: _dll.Function[[Handle, Handle], int] = _wts(
    "WTSUnRegisterSessionNotificationEx", BOOL, [HANDLE, HWND]
)
WTSQueryUserToken: _dll.Function[[int, Out], int] = _wts(
    "WTSQueryUserToken", BOOL, [DWORD, P(HANDLE)]
)
"""``WTSQueryUserToken(SessionId, phToken) -> BOOL``: the caller must run as LocalSystem
with ``SE_TCB_NAME`` (else ``ERROR_PRIVILEGE_NOT_HELD``); the token is closed with
``CloseHandle``."""
WTSConnectSessionW: _dll.Function[[int, int, InStr, int], int] = _wts(
    "WTSConnectSessionW", BOOL, [DWORD, DWORD, LPWSTR, BOOL]
)
WTSStartRemoteControlSessionW: _dll.Function[[InStr, int, int, int], int] = _wts(
    "WTSStartRemoteControlSessionW", BOOL, [LPWSTR, DWORD, BYTE, USHORT]
)
WTSStopRemoteControlSession: _dll.Function[[int], int] = _wts(
    "WTSStopRemoteControlSession", BOOL, [DWORD]
)
WTSShutdownSystem: _dll.Function[[Handle, int], int] = _wts(
    "WTSShutdownSystem", BOOL, [HANDLE, DWORD]
)


class WTS_SERVER_INFOW(ctypes.Structure):
    """One server from ``WTSEnumerateServersW``."""

    _fields_ = [("pServerName", LPWSTR)]


WTSEnumerateServersW: _dll.Function[[InStr, int, int, Out, Out], int] = _wts(
    "WTSEnumerateServersW", BOOL, [LPWSTR, DWORD, DWORD, P(P(WTS_SERVER_INFOW)), P(DWORD)]
)

# WTSShutdownSystem flags
WTS_WSD_LOGOFF = 0x00000001
WTS_WSD_SHUTDOWN = 0x00000002
WTS_WSD_REBOOT = 0x00000004
WTS_WSD_POWEROFF = 0x00000008
WTS_WSD_FASTREBOOT = 0x00000010

# WTSStartRemoteControlSessionW HotkeyModifiers (wtsapi32.h)
REMOTECONTROL_KBDSHIFT_HOTKEY = 0x1
REMOTECONTROL_KBDCTRL_HOTKEY = 0x2
REMOTECONTROL_KBDALT_HOTKEY = 0x4
VK_MULTIPLY = 0x6A
