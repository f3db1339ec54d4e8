"""Remote Desktop Services (Terminal Services) sessions: list, inspect, disconnect, log off,
message, and wait for session events.

>>> from winsession import wts
>>> for s in wts.enumerate_sessions():
...     print(s.session_id, s.win_station_name, s.state.name)
0 Services DISCONNECTED
1 Console ACTIVE
2 RDP-Tcp#3 ACTIVE
3  DISCONNECTED
65536 RDP-Tcp LISTEN
>>> print(wts.session_details(2).user)
CONTOSO\\alice

The examples here show the output of ``winsession.testing.demo_simulator()``, the small
Remote Desktop server that ``winsession --simulate`` runs against.

Every function takes ``server=``: ``None`` (this computer), a server name, or a
:class:`Server` from :func:`open_server` (reuse one handle for many calls). Buffers the API
hands out are copied into Python objects and freed (``WTSFreeMemory``/``WTSFreeMemoryExW``)
before a function returns.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import enum
import ipaddress
import sys
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union, overload

from . import _args, errors
from ._records import Memo, Record, column_decoder
from .errors import WinSessionError
from .raw import kernel32 as _k32
from .raw import wtsapi32 as _raw
from .raw._types import DWORD

__all__ = [
    "CURRENT_SERVER_HANDLE",
    "CURRENT_SESSION",
    "ClientAddress",
    "ClientDisplay",
    "ClientInfo",
    "ConnectState",
    "Event",
    "EventWatcher",
    "InfoClass",
    "MessageResponse",
    "MessageStyle",
    "Process",
    "ProtocolType",
    "Server",
    "SessionDetails",
    "SessionInfo",
    "SessionInfo1",
    "StationInfo",
    "StationInfoEx",
    "active_console_session_id",
    "disconnect_session",
    "enumerate_sessions",
    "enumerate_sessions_ex",
    "logoff_session",
    "open_server",
    "process_session_id",
    "processes",
    "query_session_information",
    "send_message",
    "session_details",
    "terminate_process",
    "wait_system_event",
    "watch_events",
]

CURRENT_SERVER_HANDLE = _raw.WTS_CURRENT_SERVER_HANDLE
"""The handle meaning "this computer" (``NULL``)."""
CURRENT_SESSION: int = _raw.WTS_CURRENT_SESSION
"""The session id meaning "the caller's session" (``0xFFFFFFFF``)."""

_U32_MAX = 0xFFFFFFFF


class _Open(enum.IntEnum):
    # Values the API may add later decode to a pseudo-member instead of raising.
    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member


class ConnectState(_Open):
    """A session's connection state (``WTS_CONNECTSTATE_CLASS``).

    Values a newer Windows may add decode to ``UNKNOWN_<n>`` instead of raising.

    >>> from winsession import wts
    >>> [s.state.name for s in wts.enumerate_sessions()]
    ['DISCONNECTED', 'ACTIVE', 'ACTIVE', 'DISCONNECTED', 'LISTEN']
    >>> wts.ConnectState(42)
    <ConnectState.UNKNOWN_42: 42>
    """

    ACTIVE = _raw.WTSActive
    CONNECTED = _raw.WTSConnected
    CONNECT_QUERY = _raw.WTSConnectQuery
    SHADOW = _raw.WTSShadow
    DISCONNECTED = _raw.WTSDisconnected
    IDLE = _raw.WTSIdle
    LISTEN = _raw.WTSListen
    RESET = _raw.WTSReset
    DOWN = _raw.WTSDown
    INIT = _raw.WTSInit


class InfoClass(enum.IntEnum):
    """What :func:`query_session_information` asks for (``WTS_INFO_CLASS``).

    >>> from winsession import wts
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_NAME)
    'ALICE-PC'
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_BUILD_NUMBER)
    22631
    """

    INITIAL_PROGRAM = _raw.WTSInitialProgram
    APPLICATION_NAME = _raw.WTSApplicationName
    WORKING_DIRECTORY = _raw.WTSWorkingDirectory
    OEM_ID = _raw.WTSOEMId
    SESSION_ID = _raw.WTSSessionId
    USER_NAME = _raw.WTSUserName
    WIN_STATION_NAME = _raw.WTSWinStationName
    DOMAIN_NAME = _raw.WTSDomainName
    CONNECT_STATE = _raw.WTSConnectState
    CLIENT_BUILD_NUMBER = _raw.WTSClientBuildNumber
    CLIENT_NAME = _raw.WTSClientName
    CLIENT_DIRECTORY = _raw.WTSClientDirectory
    CLIENT_PRODUCT_ID = _raw.WTSClientProductId
    CLIENT_HARDWARE_ID = _raw.WTSClientHardwareId
    CLIENT_ADDRESS = _raw.WTSClientAddress
    CLIENT_DISPLAY = _raw.WTSClientDisplay
    CLIENT_PROTOCOL_TYPE = _raw.WTSClientProtocolType
    IDLE_TIME = _raw.WTSIdleTime
    LOGON_TIME = _raw.WTSLogonTime
    INCOMING_BYTES = _raw.WTSIncomingBytes
    OUTGOING_BYTES = _raw.WTSOutgoingBytes
    INCOMING_FRAMES = _raw.WTSIncomingFrames
    OUTGOING_FRAMES = _raw.WTSOutgoingFrames
    CLIENT_INFO = _raw.WTSClientInfo
    SESSION_INFO = _raw.WTSSessionInfo
    SESSION_INFO_EX = _raw.WTSSessionInfoEx
    CONFIG_INFO = _raw.WTSConfigInfo
    VALIDATION_INFO = _raw.WTSValidationInfo
    SESSION_ADDRESS_V4 = _raw.WTSSessionAddressV4
    IS_REMOTE_SESSION = _raw.WTSIsRemoteSession


class ProtocolType(_Open):
    """How the client is connected (``WTSClientProtocolType``).

    >>> from winsession import wts
    >>> wts.query_session_information(1, wts.InfoClass.CLIENT_PROTOCOL_TYPE)
    <ProtocolType.CONSOLE: 0>
    >>> wts.session_details(2).client_protocol
    <ProtocolType.RDP: 2>
    """

    CONSOLE = _raw.WTS_PROTOCOL_TYPE_CONSOLE
    ICA = _raw.WTS_PROTOCOL_TYPE_ICA
    RDP = _raw.WTS_PROTOCOL_TYPE_RDP


class Event(enum.IntFlag):
    """Session events for :func:`wait_system_event` (``WTS_EVENT_*``).

    Flags: combine them into a mask with ``|``; ``str()`` gives their names.

    >>> from winsession import wts
    >>> mask = wts.Event.LOGON | wts.Event.LOGOFF
    >>> print(mask, wts.Event.LOGOFF in mask, wts.Event.CONNECT in mask)
    LOGON|LOGOFF True False
    >>> print(wts.wait_system_event(mask))      # the demo's first queued event
    LOGON
    """

    NONE = _raw.WTS_EVENT_NONE
    CREATE = _raw.WTS_EVENT_CREATE
    DELETE = _raw.WTS_EVENT_DELETE
    RENAME = _raw.WTS_EVENT_RENAME
    CONNECT = _raw.WTS_EVENT_CONNECT
    DISCONNECT = _raw.WTS_EVENT_DISCONNECT
    LOGON = _raw.WTS_EVENT_LOGON
    LOGOFF = _raw.WTS_EVENT_LOGOFF
    STATE_CHANGE = _raw.WTS_EVENT_STATECHANGE
    LICENSE = _raw.WTS_EVENT_LICENSE
    ALL = _raw.WTS_EVENT_ALL

    def __str__(self) -> str:
        # "LOGON|CONNECT" on every Python (3.11 made str() of an IntFlag the number).
        names = [m.name for m in Event if m.name and m not in (Event.NONE, Event.ALL) and m in self]
        return "|".join(names) or "NONE"


class MessageStyle(enum.IntFlag):
    """``MessageBox`` style flags for :func:`send_message`.

    >>> from winsession import wts
    >>> style = wts.MessageStyle.YES_NO | wts.MessageStyle.ICON_QUESTION
    >>> int(style)
    36
    >>> wts.send_message(2, "Updates", "Restart now?", style=style, timeout=60, wait=True)
    <MessageResponse.TIMEOUT: 32000>
    """

    OK = _raw.MB_OK
    OK_CANCEL = _raw.MB_OKCANCEL
    ABORT_RETRY_IGNORE = _raw.MB_ABORTRETRYIGNORE
    YES_NO_CANCEL = _raw.MB_YESNOCANCEL
    YES_NO = _raw.MB_YESNO
    RETRY_CANCEL = _raw.MB_RETRYCANCEL
    CANCEL_TRY_CONTINUE = _raw.MB_CANCELTRYCONTINUE
    ICON_ERROR = _raw.MB_ICONHAND
    ICON_QUESTION = _raw.MB_ICONQUESTION
    ICON_WARNING = _raw.MB_ICONEXCLAMATION
    ICON_INFORMATION = _raw.MB_ICONASTERISK
    DEFAULT_BUTTON2 = _raw.MB_DEFBUTTON2
    DEFAULT_BUTTON3 = _raw.MB_DEFBUTTON3
    SYSTEM_MODAL = _raw.MB_SYSTEMMODAL
    SET_FOREGROUND = _raw.MB_SETFOREGROUND
    TOPMOST = _raw.MB_TOPMOST


class MessageResponse(_Open):
    """The button the user chose, or ``TIMEOUT``/``ASYNC`` (``MESSAGEBOX_RESULT``).

    >>> from winsession import wts
    >>> wts.send_message(2, "Backup", "Backup finished.")
    <MessageResponse.ASYNC: 32001>
    >>> wts.MessageResponse(6), wts.MessageResponse(99)
    (<MessageResponse.YES: 6>, <MessageResponse.UNKNOWN_99: 99>)
    """

    OK = _raw.IDOK
    CANCEL = _raw.IDCANCEL
    ABORT = _raw.IDABORT
    RETRY = _raw.IDRETRY
    IGNORE = _raw.IDIGNORE
    YES = _raw.IDYES
    NO = _raw.IDNO
    TRY_AGAIN = _raw.IDTRYAGAIN
    CONTINUE = _raw.IDCONTINUE
    TIMEOUT = _raw.IDTIMEOUT
    """The timeout ran out before the user answered."""
    ASYNC = _raw.IDASYNC
    """``wait=False``: the message was sent without waiting for an answer."""


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class SessionInfo(Record):
    """A session from :func:`enumerate_sessions` (``WTS_SESSION_INFOW``).

    >>> from winsession import wts
    >>> wts.enumerate_sessions()[2]
    SessionInfo(session_id=2, win_station_name='RDP-Tcp#3', state=ConnectState.ACTIVE)
    """

    __slots__ = ("session_id", "state", "win_station_name")  # servers can have thousands
    session_id: int
    win_station_name: str
    state: ConnectState


@dataclass(frozen=True, repr=False)
class SessionInfo1(Record):
    """A session from :func:`enumerate_sessions_ex` (``WTS_SESSION_INFO_1W``).

    >>> from winsession import wts
    >>> wts.enumerate_sessions_ex()[2]
    SessionInfo1(exec_env_id=0, state=ConnectState.ACTIVE, session_id=2,
                 session_name='RDP-Tcp#3', host_name='RDS01', user_name='alice',
                 domain_name='CONTOSO', farm_name='')
    """

    exec_env_id: int
    state: ConnectState
    session_id: int
    session_name: str
    host_name: str
    user_name: str
    domain_name: str
    farm_name: str


@dataclass(frozen=True, repr=False)
class ClientAddress(Record):
    """The client's network address (``WTS_CLIENT_ADDRESS``).

    ``address`` is an :mod:`ipaddress` object for AF_INET (2) and AF_INET6 (23), else
    ``None``; ``raw`` keeps the 20 bytes as the API gave them.

    >>> from winsession import wts
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_ADDRESS)
    ClientAddress(family=2, address=IPv4Address('10.0.0.5'))
    >>> str(wts.session_details(2).client_address.address)
    '10.0.0.5'
    """

    family: int
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]
    raw: bytes = field(repr=False)


@dataclass(frozen=True, repr=False)
class ClientDisplay(Record):
    """The client's display (``WTS_CLIENT_DISPLAY``); ``color_depth`` is the API's code.

    >>> from winsession import wts
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_DISPLAY)
    ClientDisplay(horizontal_resolution=1920, vertical_resolution=1080, color_depth=24)
    """

    horizontal_resolution: int
    vertical_resolution: int
    color_depth: int


@dataclass(frozen=True, repr=False)
class ClientInfo(Record):
    """Everything the client reported (``WTSCLIENTW``).

    >>> from winsession import wts
    >>> client = wts.query_session_information(2, wts.InfoClass.CLIENT_INFO)
    >>> client.client_name, client.user_name, client.client_build_number
    ('ALICE-PC', 'alice', 22631)
    >>> client.horizontal_resolution, client.vertical_resolution
    (1920, 1080)
    """

    client_name: str
    domain: str
    user_name: str
    work_directory: str
    initial_program: str
    encryption_level: int
    client_address_family: int
    client_address: str
    """The address as text: WTSCLIENTW keeps it as USHORT characters, not bytes."""
    horizontal_resolution: int
    vertical_resolution: int
    color_depth: int
    client_directory: str
    client_build_number: int
    client_hardware_id: int
    client_product_id: int
    out_buf_count_host: int
    out_buf_count_client: int
    out_buf_length: int
    device_id: str


@dataclass(frozen=True, repr=False)
class StationInfo(Record):
    """``WTSSessionInfo`` (``WTSINFOW``): counters and times (UTC; ``None`` when unset).

    >>> from winsession import wts
    >>> info = wts.query_session_information(3, wts.InfoClass.SESSION_INFO)
    >>> info
    StationInfo(state=ConnectState.DISCONNECTED, session_id=3, ..., user_name='bob', ...)
    >>> print(info.disconnect_time, info.current_time - info.disconnect_time)
    2024-05-06 09:30:00+00:00 1:55:00
    """

    state: ConnectState
    session_id: int
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    incoming_compressed_bytes: int
    outgoing_compressed_bytes: int
    win_station_name: str
    domain: str
    user_name: str
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    logon_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]


@dataclass(frozen=True, repr=False)
class StationInfoEx(Record):
    """``WTSSessionInfoEx`` level 1 (``WTSINFOEX_LEVEL1_W``).

    ``session_flags`` is the raw value (``WTS_SESSIONSTATE_LOCK`` 0, ``_UNLOCK`` 1, -1
    unknown); :attr:`locked` interprets it, including Windows 7 / Server 2008 R2's
    documented inversion.

    >>> from winsession import wts
    >>> ex = wts.query_session_information(3, wts.InfoClass.SESSION_INFO_EX)
    >>> ex.user_name, ex.session_flags, ex.locked
    ('bob', 0, True)
    >>> wts.query_session_information(2, wts.InfoClass.SESSION_INFO_EX).locked
    False
    """

    session_id: int
    state: ConnectState
    session_flags: int
    win_station_name: str
    user_name: str
    domain_name: str
    logon_time: Optional[datetime.datetime]
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    incoming_compressed_bytes: int
    outgoing_compressed_bytes: int

    @property
    def locked(self) -> Optional[bool]:
        """``True`` locked, ``False`` unlocked, ``None`` unknown."""
        return _lock_state(self.session_flags)


@dataclass(frozen=True, repr=False)
class Process(Record):
    """A process from :func:`processes` (``WTS_PROCESS_INFOW``).

    >>> from winsession import wts
    >>> wts.processes()[1]
    Process(session_id=2, process_id=4242, name='notepad.exe',
            user_sid='S-1-5-21-1004336348-1177238915-682003330-1001')
    """

    session_id: int
    process_id: int
    name: str
    user_sid: Optional[str]
    """The owner's SID as ``S-1-5-...``, or ``None`` when the API gave none."""


@dataclass(frozen=True, repr=False)
class SessionDetails(Record):
    """A session as Cassia users know it, gathered from several info classes.

    Times are timezone-aware UTC datetimes or ``None`` when Windows reports none.

    >>> from winsession import wts
    >>> alice = wts.session_details(2)
    >>> alice.user, alice.client_name, alice.state
    ('CONTOSO\\\\alice', 'ALICE-PC', <ConnectState.ACTIVE: 0>)
    >>> print(alice.logon_time, alice.idle_time)
    2024-05-06 08:30:00+00:00 0:05:00
    """

    server: Optional[str]
    session_id: int
    user_name: str
    domain_name: str
    win_station_name: str
    state: ConnectState
    client_name: str
    client_address: Optional[ClientAddress]
    client_protocol: Optional[ProtocolType]
    client_build_number: int
    client_display: Optional[ClientDisplay]
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    logon_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    locked: Optional[bool]

    @property
    def idle_time(self) -> Optional[datetime.timedelta]:
        """How long the session has been idle, as Cassia computes it.

        Disconnected: since the disconnection; otherwise since the last input.
        """
        since = self.disconnect_time if self.state == ConnectState.DISCONNECTED else None
        since = since or self.last_input_time
        if since is None or self.current_time is None:
            return None
        return max(self.current_time - since, datetime.timedelta(0))

    @property
    def user(self) -> str:
        """``DOMAIN\\user``, or just the user name when there is no domain."""
        return f"{self.domain_name}\\{self.user_name}" if self.domain_name else self.user_name


# --- decoding helpers -----------------------------------------------------------------------

_EPOCH_1601 = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)


def _filetime(ticks: int) -> Optional[datetime.datetime]:
    """FILETIME (100 ns since 1601, UTC) -> datetime; 0 and unrepresentable values -> None."""
    if ticks <= 0:
        return None
    try:
        return _EPOCH_1601 + datetime.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None


def _lock_state(flags: int) -> Optional[bool]:
    if flags not in (_raw.WTS_SESSIONSTATE_LOCK, _raw.WTS_SESSIONSTATE_UNLOCK):
        return None  # -1 (WTS_SESSIONSTATE_UNKNOWN) or anything else
    locked = flags == _raw.WTS_SESSIONSTATE_LOCK
    # Microsoft documents that Windows 7 / Server 2008 R2 report the two values reversed.
    if _is_windows_7():
        locked = not locked
    return locked


def _is_windows_7() -> bool:
    if sys.platform != "win32":
        return False
    version = sys.getwindowsversion()
    return (version.major, version.minor) == (6, 1)


def _address(family: int, raw: bytes) -> ClientAddress:
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]] = None
    if family == 2:  # AF_INET: Microsoft documents the address at bytes 2..5
        address = ipaddress.IPv4Address(raw[2:6])
    elif family == 23:  # AF_INET6
        address = ipaddress.IPv6Address(raw[0:16])
    return ClientAddress(family, address, raw)


def _sid(address: Optional[int]) -> Optional[str]:
    """Binary SID at ``address`` -> ``S-R-A-S1-S2...`` (no advapi32 round trip needed)."""
    if not address:
        return None
    head = ctypes.string_at(address, 8)
    count = head[1]
    authority = int.from_bytes(head[2:8], "big")
    subs = ctypes.string_at(address + 8, 4 * count)
    parts = [int.from_bytes(subs[i : i + 4], "little") for i in range(0, 4 * count, 4)]
    return "-".join(["S", str(head[0]), str(authority), *map(str, parts)])


def _text(chars: Any) -> str:
    # Inline WCHAR arrays read as str up to the first NUL.
    return str(chars)


# --- servers ------------------------------------------------------------------------------


class Server:
    """An open Remote Desktop server handle (``WTSOpenServerW``), a context manager.

    ``Server(None)`` is this computer (``WTS_CURRENT_SERVER_HANDLE``; nothing to close).
    The handle is closed exactly once: by :meth:`close`, the ``with`` block, or garbage
    collection. Using a closed server raises ``ValueError``.

    >>> from winsession import wts
    >>> with wts.Server() as here:
    ...     print(here, here.handle, [s.session_id for s in wts.enumerate_sessions(here)])
    <wts.Server local open> None [0, 1, 2, 3, 65536]
    >>> wts.enumerate_sessions(here)
    Traceback (most recent call last):
    ValueError: <wts.Server local closed> is closed
    """

    def __init__(self, name: Optional[str] = None) -> None:
        self.name: Optional[str] = _name(name)
        self._handle: Optional[int] = None
        self._closed = False
        self._finalizer: Optional[weakref.finalize[[int], Server]] = None
        if self.name is not None:
            handle = _raw.WTSOpenServerW(self.name)
            if not handle:
                raise errors.error_class(errors.WtsError, 1722)(1722, "WTSOpenServerW", self.name)
            self._handle = handle
            self._finalizer = weakref.finalize(self, _raw.WTSCloseServer, handle)

    @property
    def handle(self) -> Optional[int]:
        """The raw ``HANDLE`` (``None`` for this computer)."""
        if self._closed:
            raise ValueError(f"{self!r} is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def close(self) -> None:
        """Close the handle (``WTSCloseServer``); later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self._finalizer is not None:
            self._finalizer()  # runs WTSCloseServer once, and never again at collection

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<wts.Server {self.name or 'local'} {state}>"


def open_server(name: Optional[str]) -> Server:
    """Open a handle to the Remote Desktop server ``name`` (``None``: this computer).

    Opening does not contact the server; the first call on the handle does. The demo knows
    no remote server, so the first example fails as an unreachable server would; the
    second builds a simulator (nested inside the demo one) that knows ``RDS02``.

    >>> from winsession import wts
    >>> with wts.open_server("RDS02") as srv:
    ...     wts.enumerate_sessions(srv)
    Traceback (most recent call last):
    winsession.errors.WtsServerNotFoundError: WTSEnumerateSessionsW on RDS02 failed: ...
    >>> from winsession.testing import Session, Simulator
    >>> with Simulator(sessions=[Session(5, user_name="carol", server="RDS02")]):
    ...     with wts.open_server("RDS02") as srv:
    ...         print(srv, [(s.session_id, s.user_name) for s in wts.enumerate_sessions_ex(srv)])
    <wts.Server RDS02 open> [(5, 'carol')]
    """
    return Server(name)


ServerArg = Union[None, str, Server]


def _name(value: object) -> Optional[str]:
    if value is None or value == "":
        return None
    return _args.text(value, "server", "a str, a wts.Server or None")


@contextlib.contextmanager
def _server(server: object, session_id: Optional[int] = None) -> Iterator[Any]:
    """Yield the handle for ``server``; a name is opened for this call only.

    API errors leaving the block are re-raised naming the server and session.
    """
    if isinstance(server, Server):
        handle, name, owned = server.handle, server.name, None
    else:
        owned = Server(_name(server))
        handle, name = owned.handle, owned.name
    try:
        yield handle
    except WinSessionError as err:
        raise err.with_context(name, session_id) from None
    finally:
        if owned is not None:
            owned.close()


def _session_id(value: object, argument: str = "session_id") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    if not 0 <= value <= _U32_MAX:
        raise ValueError(f"{argument} must be between 0 and 0xFFFFFFFF, not {value}")
    return value


def _u32(value: object, argument: str) -> int:
    return _session_id(value, argument)


def _bool(value: object, argument: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{argument} must be True or False, not {type(value).__name__}")
    return value


# --- enumeration ------------------------------------------------------------------------------

_ERROR_NO_MORE_ITEMS = 259


# Raw states -> ConnectState; a value the API adds later becomes an UNKNOWN_n pseudo-member.
_STATES: Memo[ConnectState] = Memo(ConnectState, map(int, ConnectState))

_decode_sessions = column_decoder(_raw.WTS_SESSION_INFOW, SessionInfo, {"state": _STATES})
"""(address, count) -> SessionInfo records, built from the layout."""


def _session_infos(buf: Any, count: int) -> list[SessionInfo]:
    """Copy ``count`` WTS_SESSION_INFOW at ``buf`` into records (before the buffer is freed)."""
    address = ctypes.cast(buf, ctypes.c_void_p).value
    if not count or not address:
        return []
    return _decode_sessions(address, count)


def enumerate_sessions(server: ServerArg = None) -> list[SessionInfo]:
    """The sessions on ``server`` (``WTSEnumerateSessionsW``), in the server's order.

    ``ERROR_NO_MORE_ITEMS``, which some systems return when nobody is logged on, is an
    empty list.

    >>> from winsession import wts
    >>> [s.session_id for s in wts.enumerate_sessions()]
    [0, 1, 2, 3, 65536]
    >>> [s.win_station_name for s in wts.enumerate_sessions() if s.state == wts.ConnectState.ACTIVE]
    ['Console', 'RDP-Tcp#3']
    """
    buf = ctypes.POINTER(_raw.WTS_SESSION_INFOW)()
    count = DWORD(0)
    with _server(server) as handle:
        try:
            _raw.WTSEnumerateSessionsW(handle, 0, 1, ctypes.byref(buf), ctypes.byref(count))
            return _session_infos(buf, count.value)
        except WinSessionError as err:
            if err.winerror == _ERROR_NO_MORE_ITEMS:
                return []
            raise
        finally:
            if buf:
                _raw.WTSFreeMemory(buf)


def enumerate_sessions_ex(server: ServerArg = None) -> list[SessionInfo1]:
    """The sessions on ``server`` with user, domain and host (``WTSEnumerateSessionsExW``).

    The buffer is freed with ``WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, ...)`` as the
    API requires.

    >>> from winsession import wts
    >>> [(s.session_id, s.user_name, s.state.name) for s in wts.enumerate_sessions_ex()
    ...  if s.user_name]
    [(1, 'Administrator', 'ACTIVE'), (2, 'alice', 'ACTIVE'), (3, 'bob', 'DISCONNECTED')]
    """
    buf = ctypes.POINTER(_raw.WTS_SESSION_INFO_1W)()
    count = DWORD(0)
    level = DWORD(1)
    with _server(server) as handle:
        try:
            _raw.WTSEnumerateSessionsExW(
                handle, ctypes.byref(level), 0, ctypes.byref(buf), ctypes.byref(count)
            )
            return [
                SessionInfo1(
                    s.ExecEnvId,
                    ConnectState(s.State),
                    s.SessionId,
                    s.pSessionName or "",
                    s.pHostName or "",
                    s.pUserName or "",
                    s.pDomainName or "",
                    s.pFarmName or "",
                )
                for s in buf[: count.value]
            ]
        except WinSessionError as err:
            if err.winerror == _ERROR_NO_MORE_ITEMS:
                return []
            raise
        finally:
            if buf:
                _raw.WTSFreeMemoryExW(_raw.WTSTypeSessionInfoLevel1, buf, count.value)


def processes(server: ServerArg = None) -> list[Process]:
    """The processes on ``server`` (``WTSEnumerateProcessesW``), with owner SIDs.

    >>> from winsession import wts
    >>> [(p.process_id, p.name, p.session_id) for p in wts.processes()]
    [(4, 'System', 0), (4242, 'notepad.exe', 2)]
    >>> wts.processes()[0].user_sid
    'S-1-5-18'
    """
    buf = ctypes.POINTER(_raw.WTS_PROCESS_INFOW)()
    count = DWORD(0)
    with _server(server) as handle:
        try:
            _raw.WTSEnumerateProcessesW(handle, 0, 1, ctypes.byref(buf), ctypes.byref(count))
            return [
                Process(p.SessionId, p.ProcessId, p.pProcessName or "", _sid(p.pUserSid))
                for p in buf[: count.value]
            ]
        finally:
            if buf:
                _raw.WTSFreeMemory(buf)


def terminate_process(process_id: int, exit_code: int = 0, *, server: ServerArg = None) -> None:
    """End process ``process_id`` on ``server`` (``WTSTerminateProcess``).

    >>> from winsession import wts
    >>> wts.terminate_process(4242, exit_code=1)
    >>> [p.name for p in wts.processes()]
    ['System']
    """
    pid = _u32(process_id, "process_id")
    code = _u32(exit_code, "exit_code")
    with _server(server) as handle:
        _raw.WTSTerminateProcess(handle, pid, code)


# --- WTSQuerySessionInformationW ------------------------------------------------------------

_STRING_CLASSES = frozenset(
    {
        InfoClass.INITIAL_PROGRAM,
        InfoClass.APPLICATION_NAME,
        InfoClass.WORKING_DIRECTORY,
        InfoClass.OEM_ID,
        InfoClass.USER_NAME,
        InfoClass.WIN_STATION_NAME,
        InfoClass.DOMAIN_NAME,
        InfoClass.CLIENT_NAME,
        InfoClass.CLIENT_DIRECTORY,
    }
)
_ULONG_CLASSES = frozenset(
    {InfoClass.SESSION_ID, InfoClass.CLIENT_BUILD_NUMBER, InfoClass.CLIENT_HARDWARE_ID}
)
# Microsoft: "This value returns FALSE" (ERROR_NOT_SUPPORTED) for these; use SESSION_INFO.
_UNSUPPORTED_CLASSES = frozenset(range(InfoClass.IDLE_TIME, InfoClass.OUTGOING_FRAMES + 1))


def _decode_station(s: Any) -> StationInfo:
    return StationInfo(
        ConnectState(s.State), s.SessionId, s.IncomingBytes, s.OutgoingBytes,
        s.IncomingFrames, s.OutgoingFrames, s.IncomingCompressedBytes,
        s.OutgoingCompressedBytes, _text(s.WinStationName), _text(s.Domain),
        _text(s.UserName), _filetime(s.ConnectTime), _filetime(s.DisconnectTime),
        _filetime(s.LastInputTime), _filetime(s.LogonTime), _filetime(s.CurrentTime),
    )  # fmt: skip


def _decode_station_ex(info: Any) -> StationInfoEx:
    if info.Level != 1:
        raise errors.error_class(errors.WtsError, 13)(
            13, "WTSQuerySessionInformationW", message=f"WTSINFOEXW level {info.Level} is not 1"
        )
    s = info.Data.WTSInfoExLevel1
    return StationInfoEx(
        s.SessionId, ConnectState(s.SessionState), s.SessionFlags, _text(s.WinStationName),
        _text(s.UserName), _text(s.DomainName), _filetime(s.LogonTime),
        _filetime(s.ConnectTime), _filetime(s.DisconnectTime), _filetime(s.LastInputTime),
        _filetime(s.CurrentTime), s.IncomingBytes, s.OutgoingBytes, s.IncomingFrames,
        s.OutgoingFrames, s.IncomingCompressedBytes, s.OutgoingCompressedBytes,
    )  # fmt: skip


def _ushort_text(units: Any) -> str:
    chars = []
    for unit in units:
        if not unit:
            break
        chars.append(chr(unit))
    return "".join(chars)


def _decode_client(c: Any) -> ClientInfo:
    return ClientInfo(
        _text(c.ClientName), _text(c.Domain), _text(c.UserName), _text(c.WorkDirectory),
        _text(c.InitialProgram), c.EncryptionLevel, c.ClientAddressFamily,
        _ushort_text(c.ClientAddress),
        c.HRes, c.VRes, c.ColorDepth, _text(c.ClientDirectory), c.ClientBuildNumber,
        c.ClientHardwareId, c.ClientProductId, c.OutBufCountHost, c.OutBufCountClient,
        c.OutBufLength, _text(c.DeviceId),
    )  # fmt: skip


# info class -> (structure, decoder) for the fixed-size shapes.
_STRUCTS: dict[int, tuple[type[ctypes.Structure], Any]] = {
    InfoClass.CLIENT_ADDRESS: (
        _raw.WTS_CLIENT_ADDRESS,
        lambda a: _address(a.AddressFamily, bytes(a.Address)),
    ),
    InfoClass.CLIENT_DISPLAY: (
        _raw.WTS_CLIENT_DISPLAY,
        lambda d: ClientDisplay(d.HorizontalResolution, d.VerticalResolution, d.ColorDepth),
    ),
    InfoClass.SESSION_ADDRESS_V4: (
        _raw.WTS_SESSION_ADDRESS,
        lambda a: _address(a.AddressFamily, bytes(a.Address)),
    ),
    InfoClass.CLIENT_INFO: (_raw.WTSCLIENTW, _decode_client),
    InfoClass.SESSION_INFO: (_raw.WTSINFOW, _decode_station),
    InfoClass.SESSION_INFO_EX: (_raw.WTSINFOEXW, _decode_station_ex),
}


def _decode(info_class: InfoClass, address: int, size: int) -> Any:
    def need(n: int) -> None:
        if size < n:
            raise errors.error_class(errors.WtsError, 13)(
                13,
                "WTSQuerySessionInformationW",
                message=f"{info_class.name}: {size} bytes returned, {n} expected",
            )

    if info_class in _STRING_CLASSES:
        chars = size // ctypes.sizeof(ctypes.c_wchar)
        return ctypes.wstring_at(address, chars).split("\0", 1)[0] if chars else ""
    if info_class in _ULONG_CLASSES:
        need(4)
        return DWORD.from_address(address).value
    if info_class == InfoClass.CONNECT_STATE:
        need(4)
        return ConnectState(ctypes.c_int32.from_address(address).value)
    if info_class == InfoClass.CLIENT_PRODUCT_ID:
        need(2)
        return ctypes.c_uint16.from_address(address).value
    if info_class == InfoClass.CLIENT_PROTOCOL_TYPE:
        need(2)
        return ProtocolType(ctypes.c_uint16.from_address(address).value)
    if info_class == InfoClass.IS_REMOTE_SESSION:
        need(1)
        return ctypes.string_at(address, 1) != b"\0"
    if info_class in (InfoClass.CONFIG_INFO, InfoClass.VALIDATION_INFO):
        return ctypes.string_at(address, size)
    structure, decoder = _STRUCTS[info_class]
    need(ctypes.sizeof(structure))
    return decoder(structure.from_address(address))


StrClass = Literal[
    InfoClass.INITIAL_PROGRAM, InfoClass.APPLICATION_NAME, InfoClass.WORKING_DIRECTORY,
    InfoClass.OEM_ID, InfoClass.USER_NAME, InfoClass.WIN_STATION_NAME, InfoClass.DOMAIN_NAME,
    InfoClass.CLIENT_NAME, InfoClass.CLIENT_DIRECTORY,
]  # fmt: skip
IntClass = Literal[
    InfoClass.SESSION_ID, InfoClass.CLIENT_BUILD_NUMBER, InfoClass.CLIENT_HARDWARE_ID,
    InfoClass.CLIENT_PRODUCT_ID,
]  # fmt: skip
AddressClass = Literal[InfoClass.CLIENT_ADDRESS, InfoClass.SESSION_ADDRESS_V4]
BytesClass = Literal[InfoClass.CONFIG_INFO, InfoClass.VALIDATION_INFO]


@overload
def query_session_information(
    session_id: int, info_class: StrClass, server: ServerArg = ...
) -> str: ...
@overload
def query_session_information(
    session_id: int, info_class: IntClass, server: ServerArg = ...
) -> int: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CONNECT_STATE], server: ServerArg = ...
) -> ConnectState: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_PROTOCOL_TYPE], server: ServerArg = ...
) -> ProtocolType: ...
@overload
def query_session_information(
    session_id: int, info_class: AddressClass, server: ServerArg = ...
) -> ClientAddress: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_DISPLAY], server: ServerArg = ...
) -> ClientDisplay: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_INFO], server: ServerArg = ...
) -> ClientInfo: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.SESSION_INFO], server: ServerArg = ...
) -> StationInfo: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.SESSION_INFO_EX], server: ServerArg = ...
) -> StationInfoEx: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.IS_REMOTE_SESSION], server: ServerArg = ...
) -> bool: ...
@overload
def query_session_information(
    session_id: int, info_class: BytesClass, server: ServerArg = ...
) -> bytes: ...
@overload
def query_session_information(
    session_id: int, info_class: Union[InfoClass, int], server: ServerArg = ...
) -> Any: ...
def query_session_information(
    session_id: int, info_class: Union[InfoClass, int], server: ServerArg = None
) -> Any:
    """One fact about a session (``WTSQuerySessionInformationW``), decoded by class.

    str for names and paths, int for ids and numbers, :class:`ConnectState`,
    :class:`ProtocolType`, :class:`ClientAddress`, :class:`ClientDisplay`,
    :class:`ClientInfo`, :class:`StationInfo`, :class:`StationInfoEx`, bool for
    ``IS_REMOTE_SESSION``, and raw bytes for ``CONFIG_INFO``/``VALIDATION_INFO``.
    ``IDLE_TIME`` ... ``OUTGOING_FRAMES`` are not supported by Windows ("This value
    returns FALSE"); they raise :class:`~winsession.errors.UnsupportedPlatformError`
    pointing at ``SESSION_INFO``.

    >>> from winsession import wts
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_ADDRESS)
    ClientAddress(family=2, address=IPv4Address('10.0.0.5'))
    >>> wts.query_session_information(wts.CURRENT_SESSION, wts.InfoClass.USER_NAME)
    'alice'
    >>> wts.query_session_information(2, wts.InfoClass.IDLE_TIME)
    Traceback (most recent call last):
    winsession.errors.WtsUnsupportedPlatformError: WTSQuerySessionInformationW does not support
    IDLE_TIME (ERROR_NOT_SUPPORTED); Windows gives these facts through InfoClass.SESSION_INFO ...
    """
    sid = _session_id(session_id)
    if isinstance(info_class, bool) or not isinstance(info_class, int):
        raise TypeError(f"info_class must be a wts.InfoClass, not {type(info_class).__name__}")
    try:
        cls = InfoClass(info_class)
    except ValueError:
        raise ValueError(f"info_class {info_class} is not a WTS_INFO_CLASS value") from None
    buf = ctypes.c_wchar_p()
    size = DWORD(0)
    with _server(server, sid) as handle:
        try:
            _raw.WTSQuerySessionInformationW(
                handle, sid, cls, ctypes.byref(buf), ctypes.byref(size)
            )
            address = ctypes.cast(buf, ctypes.c_void_p).value
            if not address:
                raise errors.error_class(errors.WtsError, 13)(
                    13, "WTSQuerySessionInformationW", message="no buffer returned"
                )
            return _decode(cls, address, size.value)
        except errors.UnsupportedPlatformError as err:
            if cls in _UNSUPPORTED_CLASSES:
                raise errors.error_class(errors.WtsError, err.winerror)(
                    err.winerror,
                    err.function,
                    message=(
                        f"WTSQuerySessionInformationW does not support {cls.name}"
                        f" ({err.symbol}); Windows gives these facts through"
                        " InfoClass.SESSION_INFO (see session_details())"
                    ),
                    session_id=sid,
                ) from None
            raise
        finally:
            if buf:
                _raw.WTSFreeMemory(buf)


def session_details(session_id: int, server: ServerArg = None) -> SessionDetails:
    """A session's user, station, state, client and times in one object.

    Gathered with one server handle from ``SESSION_INFO``, the client classes and
    ``SESSION_INFO_EX`` (for the lock state; ``locked`` is ``None`` where the system does
    not report it).

    >>> from winsession import wts
    >>> bob = wts.session_details(3)
    >>> bob.user_name, bob.client_name, bob.state, bob.locked
    ('bob', 'BOB-LAPTOP', <ConnectState.DISCONNECTED: 4>, True)
    >>> print(bob.disconnect_time, bob.idle_time)       # idle since the disconnection
    2024-05-06 09:30:00+00:00 1:55:00
    """
    sid = _session_id(session_id)
    srv = server if isinstance(server, Server) else Server(_name(server))
    try:
        station = query_session_information(sid, InfoClass.SESSION_INFO, srv)

        def optional(info_class: InfoClass) -> Any:
            try:
                return query_session_information(sid, info_class, srv)
            except errors.UnsupportedPlatformError:
                return None

        ex = optional(InfoClass.SESSION_INFO_EX)
        return SessionDetails(
            server=srv.name,
            session_id=station.session_id,
            user_name=station.user_name,
            domain_name=station.domain,
            win_station_name=station.win_station_name,
            state=station.state,
            client_name=query_session_information(sid, InfoClass.CLIENT_NAME, srv),
            client_address=optional(InfoClass.CLIENT_ADDRESS),
            client_protocol=optional(InfoClass.CLIENT_PROTOCOL_TYPE),
            client_build_number=optional(InfoClass.CLIENT_BUILD_NUMBER) or 0,
            client_display=optional(InfoClass.CLIENT_DISPLAY),
            connect_time=station.connect_time,
            disconnect_time=station.disconnect_time,
            last_input_time=station.last_input_time,
            logon_time=station.logon_time,
            current_time=station.current_time,
            incoming_bytes=station.incoming_bytes,
            outgoing_bytes=station.outgoing_bytes,
            incoming_frames=station.incoming_frames,
            outgoing_frames=station.outgoing_frames,
            locked=None if ex is None else ex.locked,
        )
    finally:
        if srv is not server:
            srv.close()


# --- actions ----------------------------------------------------------------------------------


def disconnect_session(
    session_id: int = CURRENT_SESSION, *, server: ServerArg = None, wait: bool = False
) -> None:
    """Disconnect a session, leaving it logged on (``WTSDisconnectSession``).

    The default, :data:`CURRENT_SESSION`, is the caller's own: the "switch user" use that
    Microsoft's page describes. ``wait=True`` returns once the disconnection is complete.

    >>> from winsession import wts
    >>> wts.disconnect_session(2, wait=True)
    >>> wts.session_details(2).state
    <ConnectState.DISCONNECTED: 4>
    >>> wts.session_details(2).user_name        # still logged on
    'alice'
    """
    sid = _session_id(session_id)
    wait = _bool(wait, "wait")
    with _server(server, sid) as handle:
        _raw.WTSDisconnectSession(handle, sid, wait)


def logoff_session(session_id: int, *, server: ServerArg = None, wait: bool = False) -> None:
    """Log a session off (``WTSLogoffSession``); ``wait=True`` waits for it to finish.

    >>> from winsession import wts
    >>> wts.logoff_session(3, wait=True)
    >>> [s.session_id for s in wts.enumerate_sessions()]
    [0, 1, 2, 65536]
    """
    sid = _session_id(session_id)
    wait = _bool(wait, "wait")
    with _server(server, sid) as handle:
        _raw.WTSLogoffSession(handle, sid, wait)


def _byte_length(text: str) -> int:
    # The API takes lengths in BYTES without the NUL (a classic bug passes characters).
    return ctypes.sizeof(ctypes.create_unicode_buffer(text)) - ctypes.sizeof(ctypes.c_wchar)


def send_message(
    session_id: int,
    title: str,
    message: str,
    *,
    style: int = 0,
    timeout: int = 0,
    wait: bool = False,
    server: ServerArg = None,
) -> MessageResponse:
    """Show a message box on a session's desktop (``WTSSendMessageW``).

    ``style`` is :class:`MessageStyle` flags; ``timeout`` seconds (0: no timeout). With
    ``wait=False`` the result is :attr:`MessageResponse.ASYNC`; otherwise the button the
    user chose, or :attr:`MessageResponse.TIMEOUT`.

    >>> from winsession import wts
    >>> wts.send_message(2, "Maintenance", "The server restarts at 18:00.")
    <MessageResponse.ASYNC: 32001>
    >>> wts.send_message(2, "Maintenance", "Restart now?", style=wts.MessageStyle.OK_CANCEL,
    ...                  timeout=30, wait=True)      # nobody answered within 30 seconds
    <MessageResponse.TIMEOUT: 32000>
    """
    sid = _session_id(session_id)
    title = _args.text(title, "title")
    message = _args.text(message, "message")
    style = _u32(style, "style")
    timeout = _u32(timeout, "timeout")
    wait = _bool(wait, "wait")
    response = ctypes.c_int32(0)
    with _server(server, sid) as handle:
        _raw.WTSSendMessageW(
            handle, sid, title, _byte_length(title), message, _byte_length(message),
            style, timeout, ctypes.byref(response), wait,
        )  # fmt: skip
    return MessageResponse(response.value)


# --- events -----------------------------------------------------------------------------------


def _mask(value: object) -> int:
    mask = _u32(value, "mask")
    if mask & _raw.WTS_EVENT_FLUSH:
        raise ValueError("mask must not include WTS_EVENT_FLUSH; stop a watcher with .stop()")
    if not mask:
        raise ValueError("mask must name at least one event")
    return mask


def wait_system_event(mask: int = Event.ALL, *, server: ServerArg = None) -> Event:
    """Block until one of the ``mask`` events happens on ``server``; return which.

    The wait runs without the GIL, so other Python threads keep running. Returns
    ``Event.NONE`` when another thread flushed the waits (see :func:`watch_events`).

    >>> from winsession import wts
    >>> print(wts.wait_system_event())       # at once: the demo has three events queued
    LOGON
    >>> print(wts.wait_system_event(wts.Event.DISCONNECT | wts.Event.LOGOFF))  # skips CONNECT
    DISCONNECT
    """
    m = _mask(mask)
    flags = DWORD(0)
    with _server(server) as handle:
        _raw.WTSWaitSystemEvent(handle, m, ctypes.byref(flags))
    return Event(flags.value)


class EventWatcher:
    """An iterator of :class:`Event` values; :meth:`stop` ends it from any thread.

    >>> import threading
    >>> from winsession import wts
    >>> watcher = wts.watch_events()
    >>> print(next(watcher), next(watcher), next(watcher))   # the demo's three queued events
    LOGON CONNECT DISCONNECT
    >>> threading.Timer(0.1, watcher.stop).start()           # stop() from another thread ...
    >>> for event in watcher:                                # ... ends this blocked loop
    ...     print(event)
    """

    def __init__(self, mask: int, server: ServerArg) -> None:
        self._mask = _mask(mask)
        self._own = not isinstance(server, Server)
        self._server = server if isinstance(server, Server) else Server(_name(server))
        self._stopped = threading.Event()
        self._idle = threading.Event()  # set while no thread is inside the wait
        self._idle.set()
        self._lock = threading.Lock()

    def __iter__(self) -> EventWatcher:
        return self

    def __next__(self) -> Event:
        while True:
            with self._lock:
                if self._stopped.is_set():
                    self._finish()
                    raise StopIteration
                self._idle.clear()
            try:
                flags = DWORD(0)
                with _server(self._server) as handle:
                    _raw.WTSWaitSystemEvent(handle, self._mask, ctypes.byref(flags))
            finally:
                self._idle.set()
            if flags.value:
                return Event(flags.value)
            # Event.NONE: a flush, from stop() or from someone else's watcher; loop to check.

    def stop(self, timeout: float = 5.0) -> None:
        """End the iteration; safe from any thread, also while a wait is blocked.

        Sends ``WTS_EVENT_FLUSH`` until the waiting thread has left the wait (a flush that
        lands before the wait begins would be lost otherwise).
        """
        with self._lock:
            self._stopped.set()
        deadline = timeout
        while not self._idle.wait(0.05):
            flags = DWORD(0)
            with _server(self._server) as handle:
                _raw.WTSWaitSystemEvent(handle, _raw.WTS_EVENT_FLUSH, ctypes.byref(flags))
            deadline -= 0.05
            if deadline <= 0:
                raise TimeoutError("the event watcher did not leave WTSWaitSystemEvent")

    def _finish(self) -> None:
        if self._own:
            self._server.close()

    def __enter__(self) -> EventWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._idle.is_set():
            self._finish()


def watch_events(mask: int = Event.ALL, *, server: ServerArg = None) -> EventWatcher:
    """Iterate over session events until :meth:`EventWatcher.stop` is called.

    Unlike pywin32's ``WTSWaitSystemEvent``, waiting never holds the GIL. Leaving a ``with``
    block stops the watcher.

    >>> from winsession import wts
    >>> with wts.watch_events(wts.Event.LOGON | wts.Event.DISCONNECT) as watcher:
    ...     print(next(watcher), next(watcher))
    LOGON DISCONNECT
    """
    return EventWatcher(mask, server)


# --- kernel32 ---------------------------------------------------------------------------------


def active_console_session_id() -> Optional[int]:
    """The session attached to the physical console, or ``None`` during a switch.

    >>> from winsession import wts
    >>> wts.active_console_session_id()
    1
    >>> wts.session_details(wts.active_console_session_id()).user_name
    'Administrator'
    """
    value = int(_k32.WTSGetActiveConsoleSessionId())
    return None if value == _U32_MAX else value


def process_session_id(pid: int) -> int:
    """The Remote Desktop session process ``pid`` runs in (``ProcessIdToSessionId``).

    >>> from winsession import wts
    >>> wts.process_session_id(4242)         # notepad.exe, in alice's session
    2
    >>> wts.process_session_id(4)            # System runs in session 0
    0
    """
    p = _u32(pid, "pid")
    out = DWORD(0)
    _k32.ProcessIdToSessionId(p, ctypes.byref(out))
    return int(out.value)
