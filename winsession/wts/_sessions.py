"""Enumerating sessions and processes and acting on them (disconnect, log off, message,
terminate); the two kernel32 session functions."""

from __future__ import annotations

import ctypes
from typing import Any, Optional

from .. import _args, errors
from .._records import Memo, column_decoder
from .._winerror import ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_DATA, ERROR_NO_MORE_ITEMS
from ..errors import UnsupportedPlatformError, WinSessionError
from ..raw import kernel32 as _k32
from ..raw import wtsapi32 as _raw
from ..raw._types import DWORD
from ._enums import CURRENT_SESSION, ConnectState, MessageResponse
from ._query import _sid
from ._server import Server, ServerArg, Using, _name
from ._types import Process, SessionInfo, SessionInfo1

# --- enumeration ------------------------------------------------------------------------------

_FREE_NOTE = """Every buffer is freed by calling the bound ctypes function (``Function.bind()``)
straight from ``finally``: a KeyboardInterrupt is delivered only where Python code runs, and
between ``if buf:`` and that C call none does, so an interrupt cannot skip the free. (Through
``Function.__call__`` it could land in that method's frame, before the call.)"""


# Raw states -> ConnectState; a value the API adds later becomes an UNKNOWN_n pseudo-member.
_STATES: Memo[ConnectState] = Memo(ConnectState, map(int, ConnectState))

_decode_sessions = column_decoder(_raw.WTS_SESSION_INFOW, SessionInfo, {"state": _STATES})
"""(address, count) -> SessionInfo records, built from the layout."""

_decode_sessions_ex = column_decoder(_raw.WTS_SESSION_INFO_1W, SessionInfo1, {"state": _STATES})
"""(address, count) -> SessionInfo1 records; the NULL names ("contain NULL" when there is
none, as Microsoft documents pHostName ... pFarmName) become ``""``."""


def _address(buf: Any, count: int, function: str) -> int:
    """The address of an API buffer holding ``count`` entries, 0 when there are none. A count
    without a buffer is ``ERROR_INVALID_DATA``: nothing is read from NULL."""
    address = ctypes.cast(buf, ctypes.c_void_p).value or 0
    if count and not address:
        raise errors.wts_error(
            ERROR_INVALID_DATA,
            function,
            message=f"{function}: reported {count} entries but returned no buffer",
        )
    return address if count else 0


def _session_infos(buf: Any, count: int) -> list[SessionInfo]:
    """Copy ``count`` WTS_SESSION_INFOW at ``buf`` into records (before the buffer is freed)."""
    address = _address(buf, count, "WTSEnumerateSessionsW")
    return _decode_sessions(address, count) if address else []


def enumerate_sessions(server: ServerArg = None) -> list[SessionInfo]:
    """The sessions on ``server`` (``WTSEnumerateSessionsW``), in the server's order.

    ``ERROR_NO_MORE_ITEMS``, which some systems return when nobody is logged on, is an
    empty list.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [s.session_id for s in wts.enumerate_sessions()]
    [0, 1, 2, 3, 65536]
    >>> [s.win_station_name for s in wts.enumerate_sessions() if s.state == wts.ConnectState.ACTIVE]
    ['Console', 'RDP-Tcp#3']
    >>> sim.stop()
    """
    buf = ctypes.POINTER(_raw.WTS_SESSION_INFOW)()
    count = DWORD(0)
    free = _raw.WTSFreeMemory.bind()  # called straight from finally: see _FREE_NOTE
    with Using(server) as handle:
        try:
            _raw.WTSEnumerateSessionsW(handle, 0, 1, ctypes.byref(buf), ctypes.byref(count))
            return _session_infos(buf, count.value)
        except WinSessionError as err:
            if err.winerror == ERROR_NO_MORE_ITEMS:
                return []
            raise
        finally:
            if buf:
                free(buf)


def enumerate_sessions_ex(server: ServerArg = None) -> list[SessionInfo1]:
    """The sessions on ``server`` with user, domain and host (``WTSEnumerateSessionsExW``).

    The buffer is freed with ``WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, ...)`` as the
    API requires.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [(s.session_id, s.user_name, s.state.name) for s in wts.enumerate_sessions_ex()
    ...  if s.user_name]
    [(1, 'Administrator', 'ACTIVE'), (2, 'alice', 'ACTIVE'), (3, 'bob', 'DISCONNECTED')]
    >>> sim.stop()
    """
    buf = ctypes.POINTER(_raw.WTS_SESSION_INFO_1W)()
    count = DWORD(0)
    level = DWORD(1)
    free = _raw.WTSFreeMemoryExW.bind()  # called straight from finally: see _FREE_NOTE
    with Using(server) as handle:
        try:
            _raw.WTSEnumerateSessionsExW(
                handle, ctypes.byref(level), 0, ctypes.byref(buf), ctypes.byref(count)
            )
            address = _address(buf, count.value, "WTSEnumerateSessionsExW")
            return _decode_sessions_ex(address, count.value) if address else []
        except WinSessionError as err:
            if err.winerror == ERROR_NO_MORE_ITEMS:
                return []
            raise
        finally:
            if buf:
                free(_raw.WTSTypeSessionInfoLevel1, buf, count.value)


def processes(
    server: ServerArg = None, *, session_id: Optional[int] = None, resolve_users: bool = True
) -> list[Process]:
    """The processes on ``server`` (``WTSEnumerateProcessesW``), with owner SIDs and, where
    ``LookupAccountSidW`` knows them, owner names; ``session_id`` keeps one session's.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [(p.process_id, p.name, p.session_id, p.user) for p in wts.processes()]
    [(4, 'System', 0, 'NT AUTHORITY\\\\SYSTEM'), (4242, 'notepad.exe', 2, 'CONTOSO\\\\alice')]
    >>> [p.name for p in wts.processes(session_id=2)]
    ['notepad.exe']
    >>> wts.processes()[0].user_sid
    'S-1-5-18'
    >>> sim.stop()
    """
    wanted = None if session_id is None else _args.u32(session_id, "session_id")
    resolve = _args.flag(resolve_users, "resolve_users")
    buf = ctypes.POINTER(_raw.WTS_PROCESS_INFOW)()
    count = DWORD(0)
    free = _raw.WTSFreeMemory.bind()  # called straight from finally: see _FREE_NOTE
    with Using(server) as handle:
        names = _AccountNames(server.name if isinstance(server, Server) else _name(server))
        try:
            _raw.WTSEnumerateProcessesW(handle, 0, 1, ctypes.byref(buf), ctypes.byref(count))
            _address(buf, count.value, "WTSEnumerateProcessesW")
            return [
                Process(
                    p.SessionId, p.ProcessId, p.pProcessName or "", _sid(p.pUserSid),
                    names.lookup(p.pUserSid) if resolve else None,
                )
                for p in buf[: count.value]
                if wanted is None or p.SessionId == wanted
            ]  # fmt: skip
        finally:
            if buf:
                free(buf)


class _AccountNames:
    """SID -> ``DOMAIN\\name`` through ``LookupAccountSidW``, once per SID; gives up for
    good (``None`` for every SID) when advapi32 is not there (the host tier)."""

    def __init__(self, server: Optional[str]) -> None:
        self._server = server or None
        self._cache: dict[str, Optional[str]] = {}
        self._unavailable = False

    def lookup(self, psid: Optional[int]) -> Optional[str]:
        text = _sid(psid)
        if text is None or self._unavailable:
            return None
        if text not in self._cache:
            self._cache[text] = self._ask(psid)
        return self._cache[text]

    def _ask(self, psid: Optional[int]) -> Optional[str]:
        from ..raw import advapi32 as _adv

        name_len, domain_len = DWORD(64), DWORD(64)
        use = ctypes.c_int32(0)
        for _ in range(3):  # the sizes asked for can grow once; never loop for ever
            name = ctypes.create_unicode_buffer(name_len.value + 1)
            domain = ctypes.create_unicode_buffer(domain_len.value + 1)
            name_len.value, domain_len.value = len(name), len(domain)
            try:
                _adv.LookupAccountSidW(
                    self._server, psid, name, ctypes.byref(name_len), domain,
                    ctypes.byref(domain_len), ctypes.byref(use),
                )  # fmt: skip
            except UnsupportedPlatformError:
                self._unavailable = True
                return None
            except WinSessionError as err:
                if err.winerror == ERROR_INSUFFICIENT_BUFFER and name_len.value < 0x10000:
                    continue
                return None
            return f"{domain.value}\\{name.value}" if domain.value else name.value
        return None


def terminate_process(pid: int, exit_code: int = 1, *, server: ServerArg = None) -> None:
    """End process ``pid`` on ``server`` with ``exit_code`` (``WTSTerminateProcess``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.terminate_process(4242)
    >>> [p.name for p in wts.processes()]
    ['System']
    >>> sim.stop()
    """
    pid = _args.u32(pid, "pid")
    code = _args.u32(exit_code, "exit_code")
    with Using(server) as handle:
        _raw.WTSTerminateProcess(handle, pid, code)


# --- actions ----------------------------------------------------------------------------------


def disconnect_session(
    session_id: int = CURRENT_SESSION, *, server: ServerArg = None, wait: bool = False
) -> None:
    """Disconnect a session, leaving it logged on (``WTSDisconnectSession``).

    The default, :data:`CURRENT_SESSION`, is the caller's own: the "switch user" use that
    Microsoft's page describes. ``wait=True`` returns once the disconnection is complete.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.disconnect_session(2, wait=True)
    >>> wts.session_details(2).state
    <ConnectState.DISCONNECTED: 4>
    >>> wts.session_details(2).user_name        # still logged on
    'alice'
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    wait = _args.flag(wait, "wait")
    with Using(server, sid) as handle:
        _raw.WTSDisconnectSession(handle, sid, wait)


def logoff_session(session_id: int, *, server: ServerArg = None, wait: bool = False) -> None:
    """Log a session off (``WTSLogoffSession``); ``wait=True`` waits for it to finish.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.logoff_session(3, wait=True)
    >>> [s.session_id for s in wts.enumerate_sessions()]
    [0, 1, 2, 65536]
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    wait = _args.flag(wait, "wait")
    with Using(server, sid) as handle:
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

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.send_message(2, "Maintenance", "The server restarts at 18:00.")
    <MessageResponse.ASYNC: 32001>
    >>> wts.send_message(2, "Maintenance", "Restart now?", style=wts.MessageStyle.OK_CANCEL,
    ...                  timeout=30, wait=True)      # nobody answered within 30 seconds
    <MessageResponse.TIMEOUT: 32000>
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    title = _args.text(title, "title")
    message = _args.text(message, "message")
    style = _args.u32(style, "style")
    timeout = _args.u32(timeout, "timeout")
    wait = _args.flag(wait, "wait")
    response = ctypes.c_int32(0)
    with Using(server, sid) as handle:
        _raw.WTSSendMessageW(
            handle, sid, title, _byte_length(title), message, _byte_length(message),
            style, timeout, ctypes.byref(response), wait,
        )  # fmt: skip
    return MessageResponse(response.value)


# --- kernel32 ---------------------------------------------------------------------------------


_NO_CONSOLE_SESSION = 0xFFFFFFFF
"""What WTSGetActiveConsoleSessionId returns while no session is attached to the console."""


def active_console_session_id() -> Optional[int]:
    """The session attached to the physical console, or ``None`` during a switch.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.active_console_session_id()
    1
    >>> wts.session_details(wts.active_console_session_id()).user_name
    'Administrator'
    >>> sim.stop()
    """
    value = int(_k32.WTSGetActiveConsoleSessionId())
    return None if value == _NO_CONSOLE_SESSION else value


def process_session_id(pid: int) -> int:
    """The Remote Desktop session process ``pid`` runs in (``ProcessIdToSessionId``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.process_session_id(4242)         # notepad.exe, in alice's session
    2
    >>> wts.process_session_id(4)            # System runs in session 0
    0
    >>> sim.stop()
    """
    p = _args.u32(pid, "pid")
    out = DWORD(0)
    _k32.ProcessIdToSessionId(p, ctypes.byref(out))
    return int(out.value)
