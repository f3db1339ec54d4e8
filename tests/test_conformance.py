"""Windows facts from Wine's conformance tests, held against the C stand-ins, the simulator
and, where Wine's own DLLs pass them, Wine's builtin netapi32/wtsapi32.

Wine's conformance tests are run on real Windows by their authors (an assertion that fails
there is fixed or marked ``broken``), so what they assert is how Windows behaves, also where
Microsoft Learn is silent: argument checks and their order, NULL out-pointers, the last error
on success and on failure, what is left untouched. Each fact below is one assertion of those
tests, restated for the functions winsession binds and checked by our own code (the facts
carry over; Wine's code does not). Every fact names its source: the Wine test file, the test
function and the assertion.

Files read (wine-mirror/wine): ``dlls/wtsapi32/tests/wtsapi.c``,
``dlls/netapi32/tests/apibuf.c``, ``dlls/netapi32/tests/access.c``,
``dlls/netapi32/tests/wksta.c`` (``ds.c`` tests only ``DsRoleGetPrimaryDomainInformation``).

``wine`` says how Wine's test marks its own builtin DLL (``todo_wine`` where Wine is known to
differ from Windows); ``builtin`` whether the Wine this project tests with (8.0) passes the
fact, checked by ``test_wine_builtin`` in the wine-builtin tier.

Assertions of those files that are *not* encoded here, and why:

- ``WTSEnumerateProcessesExW`` (wtsapi.c test_WTSEnumerateProcessesW: NULL ppProcessInfo ->
  ERROR_INVALID_PARAMETER with ``*pCount`` untouched; NULL pCount -> ERROR_INVALID_PARAMETER
  with ``*ppProcessInfo`` untouched; success sets the last error to 0) and the ``A``
  functions (``WTSQuerySessionInformationA``, ``WTSEnumerateSessionsA``): winsession binds
  neither, and the stand-ins do not export them.
- Facts about the machine the test ran on, not about the API: the user and computer names
  ``WTSUserName``/``WTSDomainName``/``WTSSessionInfo`` return, "Console" as the caller's
  station, zero byte and frame counters on the console, the caller's own process in the
  process list, each process's SID equal to its token's user. Tables here are what the test
  loads.
- ``NetWkstaUserGetInfo`` (wksta.c run_wkstausergetinfo_tests: levels 0, 1 and 1101 succeed
  into NetApiBufferAllocate buffers; level 10000 -> ERROR_INVALID_LEVEL): the function is
  being added by another change (issue 22), which owns its facts.
- Older versions of apibuf.c asserted that freeing a buffer twice succeeds, that
  ``NetApiBufferSize`` works on a freed buffer and (earlier still) that
  ``NetApiBufferReallocate(NULL, ...)`` fails. Wine dropped them: use after free proves
  nothing, and later Windows allocates for a NULL OldBuffer (the current assertion, encoded
  here). The stand-ins refuse and count double frees instead, as a test aid (stubs/README.md).
- ``NetUserGetInfo``, ``NetQueryDisplayInformation``, ``NetLocalGroup*``, ``NetUserAdd/Del``,
  ``NetWkstaTransportEnum``, ``NetGetJoinInformation``, ``NetpGetComputerName``,
  ``DavGetHTTPFromUNCPath`` (access.c, wksta.c): not functions winsession provides.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable, Optional

import pytest
from stubctl import File as StubFile
from stubctl import NetStub, WtsStub
from stubctl import Session as StubSmb

from winsession import _dll, errors, wts
from winsession.raw import netapi32, wtsapi32
from winsession.testing import (
    OpenFile,
    Process,
    Session,
    Simulator,
    SmbSession,
    _buffers,
    demo_simulator,
)

# Wine's tests preset 0xdeadbeef; ctypes.set_last_error takes a C long (32 bits on Windows).
MARK = 0x6EADBEEF
WCHAR = ctypes.sizeof(ctypes.c_wchar)
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_USER_BUFFER = 1784
FILETIME_UNIX_EPOCH = 116_444_736_000_000_000  # 1970-01-01 in FILETIME ticks
CLOCK_SLACK = 500_000  # 50 ms of FILETIME ticks: the two clocks may be read differently

USER, DOMAIN, CLIENT = "alice", "CONTOSO", "\\\\10.0.0.5"
FILE_ID, FILE_PATH = 7, "C:\\Shares\\Projects\\plan.docx"

PROCESS_INFO = ctypes.POINTER(wtsapi32.WTS_PROCESS_INFOW)

# --- the worlds a fact runs in ----------------------------------------------------------------


class World:
    """What a fact may ask of the DLLs under test: a standard table and the last error.

    The standard table: session 0 "Services" (disconnected) and the caller's session
    "Console" (active, alice@CONTOSO, the current session; CurrentTime follows the clock);
    this process in the process table (with System in session 0 where our kernel32 answers
    for it); one SMB session of alice from 10.0.0.5 with one open file.
    """

    kind = ""

    @property
    def my_session(self) -> int:
        """The session of this process, as ProcessIdToSessionId will say."""
        return 1

    def processes(self) -> list[Process]:
        return [
            Process(os.getpid(), self.my_session, "python.exe", "S-1-5-21-1-2-3-1001"),
            Process(4, 0, "System", "S-1-5-18"),
        ]

    def load(self) -> None:
        raise NotImplementedError

    def set_last_error(self, dll: str, code: int) -> None:
        _dll.set_last_error(dll, code)

    def last_error(self, dll: str) -> int:
        return _dll.last_error(dll)

    @contextlib.contextmanager
    def preset_last_error(self, dll: str) -> Iterator[None]:
        """The last error MARK inside, 0 again after: under Windows the thread's (ctypes')
        last error is shared by every DLL and every later test."""
        self.set_last_error(dll, MARK)
        try:
            yield
        finally:
            self.set_last_error(dll, 0)

    def without_tcb(self) -> None:
        """The caller from now on lacks SE_TCB_NAME (is not LocalSystem)."""
        raise NotImplementedError


class StandinWorld(World):
    kind = "standin"

    def __init__(self, netstub: NetStub, wtsstub: WtsStub) -> None:
        self.net, self.wts = netstub, wtsstub

    @property
    def my_session(self) -> int:
        # Under Wine, kernel32 is Wine's: the table follows what it says of this process.
        return wts.process_session_id(os.getpid()) if sys.platform == "win32" else 1

    def processes(self) -> list[Process]:
        # Under Wine only this process: Wine's ProcessIdToSessionId answers for any id.
        return super().processes()[: 1 if sys.platform == "win32" else 2]

    def load(self) -> None:
        w, me = self.wts, self.my_session
        assert me != 0, "session 0 is the services session of the table"
        w.reset()
        assert w.add_session(None, 0, wtsapi32.WTSDisconnected, "Services") >= 0
        assert w.add_session(None, me, wtsapi32.WTSActive, "Console") >= 0
        assert w.set_string(None, me, wtsapi32.WTSUserName, USER) == 0
        assert w.set_string(None, me, wtsapi32.WTSDomainName, DOMAIN) == 0
        w.set_current_session(me)
        for p in self.processes():
            sid = _buffers._sid_bytes(p.user_sid) or b""
            assert w.add_process(None, p.session_id, p.process_id, p.name, sid, len(sid)) == 0
        self.net.load([StubSmb(CLIENT, USER, 1, 60, 5, 0, "Windows 11", "\\Device\\Tcpip")])
        self.net.load_files([StubFile(FILE_ID, FILE_PATH, USER, CLIENT)])

    def without_tcb(self) -> None:
        self.wts.set_tcb(0)


class SimulatorWorld(World):
    kind = "simulator"

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def load(self) -> None:
        me = self.my_session
        self.sim.load(
            smb=[SmbSession(CLIENT, USER, 1, 60, 5, 0, "Windows 11", "\\Device\\Tcpip")],
            sessions=[
                Session(0, state=wtsapi32.WTSDisconnected, win_station_name="Services"),
                Session(me, state=wtsapi32.WTSActive, win_station_name="Console",
                        user_name=USER, domain_name=DOMAIN),
            ],
            processes=self.processes(),
            files=[OpenFile(FILE_ID, FILE_PATH, USER, CLIENT)],
        )  # fmt: skip
        self.sim.wts.current_session = me

    def set_last_error(self, dll: str, code: int) -> None:
        {"netapi32": self.sim.net, "wtsapi32": self.sim.wts}[dll].set_last_error(code)

    def without_tcb(self) -> None:
        self.sim.wts.tcb_privilege = False


class BuiltinWorld(World):
    """Wine's own DLLs: their table is Wine's, nothing is loaded."""

    kind = "builtin"

    @property
    def my_session(self) -> int:
        return wts.process_session_id(os.getpid())

    def load(self) -> None:
        pass

    def without_tcb(self) -> None:
        pass  # a Wine process is no LocalSystem service either


# --- helpers --------------------------------------------------------------------------------


def fails(call: Callable[[], object]) -> int:
    """The error a raw call failed with (its errcheck raises); the test fails if it succeeds."""
    with pytest.raises(errors.WinSessionError) as info:
        call()
    return info.value.winerror


def filetime_now() -> int:
    return time.time_ns() // 100 + FILETIME_UNIX_EPOCH


def query(cls: int, *, text: bool = False) -> tuple[bytes, Optional[str]]:
    """WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, cls): the
    *pBytesReturned bytes of the answer (and, for a string class, the string), freed."""
    buf, count = ctypes.c_wchar_p(), ctypes.c_uint32()
    assert wtsapi32.WTSQuerySessionInformationW(
        None, wtsapi32.WTS_CURRENT_SESSION, cls, ctypes.byref(buf), ctypes.byref(count)
    )
    address = ctypes.cast(buf, ctypes.c_void_p).value
    assert address, "TRUE without a buffer"
    try:
        return ctypes.string_at(address, count.value), (
            ctypes.wstring_at(address) if text else None
        )
    finally:
        wtsapi32.WTSFreeMemory(address)


def allocate(size: int) -> ctypes.c_void_p:
    p = ctypes.c_void_p()
    assert netapi32.NetApiBufferAllocate(size, ctypes.byref(p)) == 0
    assert p.value
    return p


def buffer_size(p: Any) -> int:
    size = ctypes.c_uint32()
    assert netapi32.NetApiBufferSize(p, ctypes.byref(size)) == 0
    return size.value


# --- the facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One assertion of a Wine conformance test, as a fact about Windows."""

    name: str
    source: str  # Wine test file and test function
    windows: str  # what Windows does, as the assertion says it
    check: Callable[[World], None]
    wine: str  # how the Wine test marks Wine's own DLL
    builtin: bool  # Wine 8.0's builtin DLL passes it (runs in the wine-builtin tier)
    worlds: tuple[str, ...]


FACTS: list[Fact] = []
SOURCES = ("wtsapi.c", "apibuf.c", "access.c", "wksta.c")
ALIKE = "Windows and Wine alike (not todo_wine)"
# Wine's current wtsapi.c asserts these without todo_wine; Wine 8.0, which the wine-builtin tier
# runs, predates its support for the class (FALSE, no error code set).
WINE8_CLASS = ALIKE + "; Wine 8.0 lacks the class (FALSE, error 0)"
WINE_UNIMPLEMENTED = ALIKE + "; Wine 8.0 does not implement the function (a call aborts)"


def fact(
    source: str,
    windows: str,
    *,
    wine: str = ALIKE,
    builtin: bool = False,
    worlds: tuple[str, ...] = ("standin", "simulator"),
) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    def register(check: Callable[[World], None]) -> Callable[[World], None]:
        FACTS.append(Fact(check.__name__, source, windows, check, wine, builtin, worlds))
        return check

    return register


# wtsapi.c, test_WTSEnumerateProcessesW


def _enum_processes_fails(w: World, reserved: int, version: int, *, info: bool = True,
                          count: bool = True) -> None:  # fmt: skip
    w.load()
    pinfo, pcount = PROCESS_INFO(), ctypes.c_uint32()
    code = fails(lambda: wtsapi32.WTSEnumerateProcessesW(
        None, reserved, version, ctypes.byref(pinfo) if info else None,
        ctypes.byref(pcount) if count else None,
    ))  # fmt: skip
    assert code == ERROR_INVALID_PARAMETER
    # The test frees what it passed afterwards (WTSFreeMemory(info), info preset to NULL):
    # a failure leaves ppProcessInfo alone, and WTSFreeMemory(NULL) is harmless.
    assert not pinfo
    wtsapi32.WTSFreeMemory(ctypes.cast(pinfo, ctypes.c_void_p))


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "Reserved 1 (Version 1) -> FALSE, ERROR_INVALID_PARAMETER",
    builtin=True,
)
def enum_processes_reserved_not_zero(w: World) -> None:
    _enum_processes_fails(w, 1, 1)


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "Version 0 -> FALSE, ERROR_INVALID_PARAMETER",
    builtin=True,
)
def enum_processes_version_zero(w: World) -> None:
    _enum_processes_fails(w, 0, 0)


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "Version 2 -> FALSE, ERROR_INVALID_PARAMETER",
    builtin=True,
)
def enum_processes_version_two(w: World) -> None:
    _enum_processes_fails(w, 0, 2)


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "NULL ppProcessInfo -> FALSE, ERROR_INVALID_PARAMETER",
    builtin=True,
)
def enum_processes_null_info(w: World) -> None:
    _enum_processes_fails(w, 0, 1, info=False)


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "NULL pCount -> FALSE, ERROR_INVALID_PARAMETER (ppProcessInfo left NULL)",
    builtin=True,
)
def enum_processes_null_count(w: World) -> None:
    _enum_processes_fails(w, 0, 1, count=False)


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW",
    "success -> TRUE and the last error set to 0 (preset 0xdeadbeef)",
    builtin=True,
)
def enum_processes_success_clears_last_error(w: World) -> None:
    w.load()
    pinfo, pcount = PROCESS_INFO(), ctypes.c_uint32()
    with w.preset_last_error("wtsapi32"):
        assert wtsapi32.WTSEnumerateProcessesW(
            None, 0, 1, ctypes.byref(pinfo), ctypes.byref(pcount)
        )
        try:
            assert w.last_error("wtsapi32") == 0
            assert pinfo and pcount.value > 0
        finally:
            wtsapi32.WTSFreeMemory(ctypes.cast(pinfo, ctypes.c_void_p))


@fact(
    "wtsapi.c test_WTSEnumerateProcessesW (check_wts_process_info)",
    "each process's SessionId is its session as the system knows it (NT process "
    "information; here ProcessIdToSessionId)",
    builtin=True,
)
def enum_processes_session_ids(w: World) -> None:
    w.load()
    pinfo, pcount = PROCESS_INFO(), ctypes.c_uint32()
    assert wtsapi32.WTSEnumerateProcessesW(None, 0, 1, ctypes.byref(pinfo), ctypes.byref(pcount))
    try:
        listed = [(pinfo[i].ProcessId, pinfo[i].SessionId) for i in range(pcount.value)]
    finally:
        wtsapi32.WTSFreeMemory(ctypes.cast(pinfo, ctypes.c_void_p))
    assert (os.getpid(), w.my_session) in listed
    for pid, session_id in listed:
        assert wts.process_session_id(pid) == session_id, pid


# wtsapi.c, test_WTSQuerySessionInformation


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSConnectState of WTS_CURRENT_SESSION -> TRUE, *pBytesReturned == "
    "sizeof(WTS_CONNECTSTATE_CLASS) (4), the state WTSActive",
    wine=WINE8_CLASS,
)
def query_connect_state(w: World) -> None:
    w.load()
    data, _ = query(wtsapi32.WTSConnectState)
    assert len(data) == 4
    assert int.from_bytes(data, sys.byteorder) == wtsapi32.WTSActive


def _query_fails(count: Optional[int], *, buffer: bool) -> tuple[int, Optional[int]]:
    pcount = None if count is None else ctypes.c_uint32(count)
    buf = ctypes.c_wchar_p()
    code = fails(lambda: wtsapi32.WTSQuerySessionInformationW(
        None, wtsapi32.WTS_CURRENT_SESSION, wtsapi32.WTSUserName,
        ctypes.byref(buf) if buffer else None, None if pcount is None else ctypes.byref(pcount),
    ))  # fmt: skip
    assert not buf
    return code, None if pcount is None else pcount.value


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "NULL ppBuffer (*pBytesReturned 0) -> FALSE, ERROR_INVALID_USER_BUFFER, count still 0",
    builtin=True,
)
def query_null_buffer(w: World) -> None:
    w.load()
    assert _query_fails(0, buffer=False) == (ERROR_INVALID_USER_BUFFER, 0)


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "NULL ppBuffer (*pBytesReturned 1) -> FALSE, ERROR_INVALID_USER_BUFFER, count still 1 "
    "(left untouched)",
    builtin=True,
)
def query_null_buffer_leaves_count(w: World) -> None:
    w.load()
    assert _query_fails(1, buffer=False) == (ERROR_INVALID_USER_BUFFER, 1)


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "NULL pBytesReturned -> FALSE, ERROR_INVALID_USER_BUFFER",
    builtin=True,
)
def query_null_count(w: World) -> None:
    w.load()
    assert _query_fails(None, buffer=True) == (ERROR_INVALID_USER_BUFFER, None)


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSUserName -> TRUE, a buffer, *pBytesReturned == (lstrlenW + 1) * sizeof(WCHAR)",
    builtin=True,
)
def query_user_name_size(w: World) -> None:
    w.load()
    data, text = query(wtsapi32.WTSUserName, text=True)
    assert text is not None and len(data) == (len(text) + 1) * WCHAR
    assert w.kind == "builtin" or text == USER


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSDomainName -> TRUE, a buffer, *pBytesReturned == (lstrlenW + 1) * sizeof(WCHAR)",
    builtin=True,
)
def query_domain_name_size(w: World) -> None:
    w.load()
    data, text = query(wtsapi32.WTSDomainName, text=True)
    assert text is not None and len(data) == (len(text) + 1) * WCHAR
    assert w.kind == "builtin" or text == DOMAIN


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSClientProtocolType -> TRUE, *pBytesReturned == sizeof(USHORT) (asserted through "
    "WTSQuerySessionInformationA; the W function returns the same USHORT)",
    builtin=True,
)
def query_protocol_type_size(w: World) -> None:
    w.load()
    data, _ = query(wtsapi32.WTSClientProtocolType)
    assert len(data) == 2


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSSessionInfo -> TRUE, *pBytesReturned == sizeof(WTSINFOW), State WTSActive, "
    "SessionId == ProcessIdToSessionId(GetCurrentProcessId())",
    wine=WINE8_CLASS,
)
def query_session_info(w: World) -> None:
    w.load()
    data, _ = query(wtsapi32.WTSSessionInfo)
    assert len(data) == ctypes.sizeof(wtsapi32.WTSINFOW)
    info = wtsapi32.WTSINFOW.from_buffer_copy(data)
    assert info.State == wtsapi32.WTSActive
    assert info.SessionId == wts.process_session_id(os.getpid()) == w.my_session


@fact(
    "wtsapi.c test_WTSQuerySessionInformation",
    "WTSSessionInfo's CurrentTime is the system time of the call "
    "(GetSystemTimeAsFileTime before <= CurrentTime <= after)",
    wine=WINE8_CLASS,
)
def query_session_info_current_time(w: World) -> None:
    w.load()
    before = filetime_now()
    data, _ = query(wtsapi32.WTSSessionInfo)
    after = filetime_now()
    now = wtsapi32.WTSINFOW.from_buffer_copy(data).CurrentTime
    assert before - CLOCK_SLACK <= now <= after + CLOCK_SLACK


# wtsapi.c, test_WTSQueryUserToken


@fact(
    "wtsapi.c test_WTSQueryUserToken",
    "NULL phToken -> FALSE, ERROR_INVALID_PARAMETER, also for a caller without "
    "SE_TCB_NAME (the test does not run as LocalSystem): checked before the privilege",
    builtin=True,
)
def query_user_token_null(w: World) -> None:
    w.load()
    call = lambda: wtsapi32.WTSQueryUserToken(wtsapi32.WTS_CURRENT_SESSION, None)  # noqa: E731
    assert fails(call) == ERROR_INVALID_PARAMETER
    w.without_tcb()
    assert fails(call) == ERROR_INVALID_PARAMETER


# wtsapi.c, test_WTSEnumerateSessions


@fact(
    "wtsapi.c test_WTSEnumerateSessions",
    "WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1) -> TRUE with at least two "
    'sessions: "Console" WTSActive and "Services" (session 0) WTSDisconnected. Held '
    "against the simulator's demo table, which `winsession --simulate` shows",
    wine="todo_wine: Wine lists only the console (count >= 2 and Services found)",
    worlds=("simulator",),
)
def demo_sessions_look_like_windows(w: World) -> None:
    with demo_simulator():
        pinfo = ctypes.POINTER(wtsapi32.WTS_SESSION_INFOW)()
        count = ctypes.c_uint32()
        assert wtsapi32.WTSEnumerateSessionsW(None, 0, 1, ctypes.byref(pinfo), ctypes.byref(count))
        try:
            rows = {pinfo[i].pWinStationName: (pinfo[i].SessionId, pinfo[i].State)
                    for i in range(count.value)}  # fmt: skip
        finally:
            wtsapi32.WTSFreeMemory(ctypes.cast(pinfo, ctypes.c_void_p))
    assert count.value >= 2
    assert rows["Console"][1] == wtsapi32.WTSActive
    assert rows["Services"] == (0, wtsapi32.WTSDisconnected)


# apibuf.c, run_apibuf_tests


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferAllocate(1024, &p) -> NERR_Success; NetApiBufferSize -> NERR_Success, >= 1024",
    builtin=True,
)
def buffer_allocate_and_size(w: World) -> None:
    p = allocate(1024)
    try:
        assert buffer_size(p) >= 1024
    finally:
        assert netapi32.NetApiBufferFree(p) == 0


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferReallocate(p, 1500, &p) -> NERR_Success; NetApiBufferSize >= 1500",
    builtin=True,
)
def buffer_reallocate_grows(w: World) -> None:
    p = allocate(1024)
    try:
        assert netapi32.NetApiBufferReallocate(p, 1500, ctypes.byref(p)) == 0
        assert p.value and buffer_size(p) >= 1500
    finally:
        assert netapi32.NetApiBufferFree(p) == 0


@fact("apibuf.c run_apibuf_tests", "NetApiBufferFree(p) -> NERR_Success", builtin=True)
def buffer_free(w: World) -> None:
    assert netapi32.NetApiBufferFree(allocate(16)) == 0


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferSize(NULL, &size) -> ERROR_INVALID_PARAMETER",
    builtin=True,
)
def buffer_size_of_null(w: World) -> None:
    size = ctypes.c_uint32()
    assert fails(lambda: netapi32.NetApiBufferSize(None, ctypes.byref(size))) == 87


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferReallocate(NULL, 1500, &p) -> NERR_Success with a new buffer, which "
    "NetApiBufferFree frees",
    builtin=True,
)
def buffer_reallocate_null_allocates(w: World) -> None:
    p = ctypes.c_void_p()
    assert netapi32.NetApiBufferReallocate(None, 1500, ctypes.byref(p)) == 0
    assert p.value
    assert netapi32.NetApiBufferFree(p) == 0


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferReallocate(p, 0, &p) -> NERR_Success, p set to NULL (the buffer freed)",
    builtin=True,
)
def buffer_reallocate_to_zero_frees(w: World) -> None:
    p = allocate(1024)
    assert netapi32.NetApiBufferReallocate(p, 0, ctypes.byref(p)) == 0
    assert p.value is None  # and not leaked: the fixtures' accounting fails the test


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferAllocate(0, &p) -> NERR_Success; NetApiBufferSize -> NERR_Success, "
    "< 0xFFFFFFFF; NetApiBufferFree -> NERR_Success",
    builtin=True,
)
def buffer_of_zero_bytes(w: World) -> None:
    p = allocate(0)
    try:
        assert buffer_size(p) < 0xFFFFFFFF
    finally:
        assert netapi32.NetApiBufferFree(p) == 0


def _allocate_into_null(w: World, size: int) -> None:
    with w.preset_last_error("netapi32"):
        code = fails(lambda: netapi32.NetApiBufferAllocate(size, None))
        assert code == ERROR_INVALID_PARAMETER
        assert w.last_error("netapi32") == MARK


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferAllocate(0, NULL) -> ERROR_INVALID_PARAMETER, the last error untouched",
    builtin=True,
)
def buffer_allocate_zero_into_null(w: World) -> None:
    _allocate_into_null(w, 0)


@fact(
    "apibuf.c run_apibuf_tests",
    "NetApiBufferAllocate(1024, NULL) -> ERROR_INVALID_PARAMETER, the last error untouched",
    builtin=True,
)
def buffer_allocate_into_null(w: World) -> None:
    _allocate_into_null(w, 1024)


# access.c run_usergetinfo_tests and wksta.c run_wkstausergetinfo_tests: "Is allocated with
# NetApiBufferAllocate" -- what a Net*GetInfo function returns is a NetApiBuffer: its
# NetApiBufferSize covers the structure and every string with its NUL.


def _get_info_buffer(call: Callable[[Any], object], structure: Any, strings: list[str]) -> None:
    buf = ctypes.POINTER(ctypes.c_ubyte)()
    call(ctypes.byref(buf))
    try:
        info = ctypes.cast(buf, ctypes.POINTER(structure)).contents
        texts = [getattr(info, name) for name in strings]
        need = ctypes.sizeof(structure) + sum((len(t) + 1) * WCHAR for t in texts if t)
        assert buffer_size(buf) >= need
    finally:
        assert netapi32.NetApiBufferFree(buf) == 0


@fact(
    "access.c run_usergetinfo_tests / wksta.c run_wkstausergetinfo_tests",
    "a Net*GetInfo buffer (here NetSessionGetInfo level 2) is a NetApiBufferAllocate "
    "buffer: NetApiBufferSize >= the structure + its strings with their NULs",
    wine=WINE_UNIMPLEMENTED,
)
def session_get_info_is_a_netapi_buffer(w: World) -> None:
    w.load()
    _get_info_buffer(
        lambda out: netapi32.NetSessionGetInfo(None, CLIENT, USER, 2, out),
        netapi32.SESSION_INFO_2,
        ["sesi2_cname", "sesi2_username", "sesi2_cltype_name"],
    )


@fact(
    "access.c run_usergetinfo_tests / wksta.c run_wkstausergetinfo_tests",
    "a Net*GetInfo buffer (here NetFileGetInfo level 3) is a NetApiBufferAllocate buffer: "
    "NetApiBufferSize >= the structure + its strings with their NULs",
    wine=WINE_UNIMPLEMENTED,
)
def file_get_info_is_a_netapi_buffer(w: World) -> None:
    w.load()
    _get_info_buffer(
        lambda out: netapi32.NetFileGetInfo(None, FILE_ID, 3, out),
        netapi32.FILE_INFO_3, ["fi3_pathname", "fi3_username"],
    )  # fmt: skip


# --- running them ---------------------------------------------------------------------------


def facts_in(world: str) -> list[Any]:
    return [pytest.param(f, id=f.name) for f in FACTS if world in f.worlds]


@pytest.fixture(autouse=True)
def _clear_last_error() -> Iterator[None]:
    """Every fact ends with the thread's last error 0, as the tests after it may expect (under
    Windows it is one value for every DLL); torn down after the simulator has left."""
    yield
    for dll in ("netapi32", "wtsapi32"):
        _dll.set_last_error(dll, 0)


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator() as sim:
        yield sim
        sim.assert_clean()


@pytest.mark.parametrize("fact", facts_in("standin"))
def test_standin(fact: Fact, netstub: NetStub, wtsstub: WtsStub) -> None:
    """The C stand-ins (host and wine-standin tiers)."""
    fact.check(StandinWorld(netstub, wtsstub))


@pytest.mark.parametrize("fact", facts_in("simulator"))
def test_simulator(fact: Fact, simulator: Simulator) -> None:
    """winsession.testing (every tier but wine-builtin)."""
    fact.check(SimulatorWorld(simulator))


@pytest.mark.builtin_dll
@pytest.mark.parametrize("fact", [pytest.param(f, id=f.name) for f in FACTS if f.builtin])
def test_wine_builtin(fact: Fact) -> None:
    """Wine's own DLLs, for the facts Wine passes: the facts hold on a third implementation."""
    fact.check(BuiltinWorld())


def test_fact_table() -> None:
    """Every fact names its Wine test file and function and says what Windows does."""
    assert len(FACTS) >= 25
    assert len({f.name for f in FACTS}) == len(FACTS)
    for f in FACTS:
        assert f.source.split()[0] in SOURCES, f.name
        assert " test_" in f.source or " run_" in f.source, f.name
        assert "->" in f.windows or " is " in f.windows, f.name
        assert set(f.worlds) <= {"standin", "simulator"} and f.worlds, f.name
    # Where Wine's test marks its own DLL todo_wine, Wine is not trusted with the fact.
    assert not [f.name for f in FACTS if f.builtin and f.wine.startswith("todo_wine")]
