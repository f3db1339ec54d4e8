"""A simulated netapi32, wtsapi32 and kernel32 for testing code that uses winsession.

Describe the world in a table -- :class:`SmbSession`, :class:`Session`, :class:`Process` --
and run your code inside a :class:`Simulator`. winsession's real code runs unchanged: it
calls through ctypes into this module's pure-Python implementation of the documented API
contracts (the same ones the C stand-ins in ``stubs/`` implement), receives real buffers
(structures followed by strings, as Windows lays them out), and frees them with
``NetApiBufferFree`` / ``WTSFreeMemory`` / ``WTSFreeMemoryExW``, which the simulator counts.
Works on any OS, Windows included, with no compiler and no DLL.

>>> from winsession import net
>>> from winsession.testing import Simulator, SmbSession
>>> with Simulator(smb=[SmbSession("\\\\\\\\10.0.0.5", "alice", idle_time=30)]) as sim:
...     [s.user_name for s in net.enum_sessions(level=10)]
['alice']

Fault injection: :meth:`Simulator.fail_on_call` (a status or last error on the N-th call),
:meth:`Simulator.vanish_on_call` (a Remote Desktop session disappears between calls),
:meth:`Simulator.remove_smb_on_call`, ``stall``/``lazy`` misbehaviours. Accounting:
:meth:`Simulator.assert_clean` fails when a buffer leaked, was freed twice or with the
wrong function, or a server handle stayed open.

With pytest, add ``pytest_plugins = ["winsession.testing"]`` to your ``conftest.py`` and ask
for the ``windows_simulator`` fixture: an entered, empty :class:`Simulator` that is checked
with :meth:`~Simulator.assert_clean` after the test::

    def test_lists_alice(windows_simulator):
        windows_simulator.load(smb=[SmbSession("\\\\\\\\PC1", "alice")])
        assert [s.user_name for s in net.enum_sessions()] == ["alice"]

pytest is not a dependency: the fixture is defined only when pytest has been imported.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import ipaddress
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Callable, Optional, TypeVar, Union

from . import _dll
from .raw import netapi32 as _net
from .raw import wtsapi32 as _wts

__all__ = [
    "LOCAL_SERVER",
    "NetApiSimulator",
    "Process",
    "Session",
    "Simulator",
    "SimulatorError",
    "SmbSession",
    "WtsSimulator",
    "demo_simulator",
]

LOCAL_SERVER = "SIMULATED"
"""The simulated computer's own name (as a server name it means the local server)."""

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]

_WSIZE = ctypes.sizeof(ctypes.c_wchar)
_EPOCH_1601 = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)

# Codes the contracts use.
NERR_SUCCESS = 0
ERROR_INVALID_HANDLE = 6
ERROR_NOT_SUPPORTED = 50
ERROR_BAD_NETPATH = 53
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_LEVEL = 124
ERROR_MORE_DATA = 234
ERROR_NO_MORE_ITEMS = 259
ERROR_INTERNAL_ERROR = 1359
RPC_S_SERVER_UNAVAILABLE = 1722
NERR_USER_NOT_FOUND = 2221
NERR_CLIENT_NAME_NOT_FOUND = 2312
ERROR_CTX_WINSTATION_NOT_FOUND = 7022


class SimulatorError(AssertionError):
    """:meth:`Simulator.assert_clean` found misuse (a leak, a double free, ...).

    >>> raise SimulatorError("1 NetApi buffer leaked")   # doctest: +SKIP
    """


# --- tables ---------------------------------------------------------------------------------


@dataclass
class SmbSession:
    """One SMB session in the simulated server's table (a ``SESSION_INFO_502`` row).

    ``client`` may be given as ``"PC"`` or ``"\\\\\\\\PC"``; it is returned as given. ``server``
    ``None`` is the local server; another name makes that server known.

    >>> SmbSession("\\\\\\\\10.0.0.5", "alice", num_opens=3, active_time=3600, idle_time=20)
    SmbSession(client='\\\\\\\\10.0.0.5', user='alice', num_opens=3, active_time=3600, idle_time=20, user_flags=0, client_type='', transport='', server=None)
    """  # noqa: E501

    client: Optional[str]
    user: Optional[str]
    num_opens: int = 0
    active_time: int = 0
    idle_time: int = 0
    user_flags: int = 0
    client_type: Optional[str] = ""
    transport: Optional[str] = ""
    server: Optional[str] = None


@dataclass
class Session:
    """One Remote Desktop session (what ``WTSQuerySessionInformationW`` reports about it).

    Times are datetimes (naive ones are taken as UTC) or ``None``; ``current_time`` ``None``
    follows the clock. ``session_flags`` is ``WTSINFOEX``'s lock state: 0 locked,
    1 unlocked, -1 unknown (the default). ``client_address`` and ``session_address`` are
    :mod:`ipaddress` objects.

    >>> import datetime, ipaddress
    >>> Session(2, user_name="alice", win_station_name="RDP-Tcp#3",
    ...         client_address=ipaddress.ip_address("10.0.0.5"),
    ...         logon_time=datetime.datetime(2024, 1, 2, 8, 0))   # doctest: +ELLIPSIS
    Session(session_id=2, state=<ConnectState.ACTIVE: 0>, ...)
    """

    session_id: int
    state: int = 0
    win_station_name: str = ""
    user_name: str = ""
    domain_name: str = ""
    client_name: str = ""
    client_address: Optional[IPAddress] = None
    client_protocol: int = 0
    client_build_number: int = 0
    client_product_id: int = 0
    client_hardware_id: int = 0
    client_directory: str = ""
    initial_program: str = ""
    application_name: str = ""
    working_directory: str = ""
    oem_id: str = ""
    host_name: str = ""
    farm_name: str = ""
    connect_time: Optional[datetime.datetime] = None
    disconnect_time: Optional[datetime.datetime] = None
    last_input_time: Optional[datetime.datetime] = None
    logon_time: Optional[datetime.datetime] = None
    current_time: Optional[datetime.datetime] = None
    incoming_bytes: int = 0
    outgoing_bytes: int = 0
    incoming_frames: int = 0
    outgoing_frames: int = 0
    incoming_compressed_bytes: int = 0
    outgoing_compressed_bytes: int = 0
    session_flags: int = -1
    exec_env_id: int = 0
    horizontal_resolution: int = 0
    vertical_resolution: int = 0
    color_depth: int = 0
    encryption_level: int = 0
    is_remote: bool = False
    config_info: bytes = b""
    validation_info: bytes = b""
    session_address: Optional[ipaddress.IPv4Address] = None
    server: Optional[str] = None

    def __post_init__(self) -> None:
        from .wts import ConnectState

        self.state = ConnectState(self.state)


@dataclass
class Process:
    """One process in the simulated process table (``WTS_PROCESS_INFOW``).

    ``user_sid`` is a string SID (``"S-1-5-18"``) or ``None``.

    >>> Process(4242, session_id=2, name="notepad.exe", user_sid="S-1-5-21-1-2-3-1001")
    Process(process_id=4242, session_id=2, name='notepad.exe', user_sid='S-1-5-21-1-2-3-1001', server=None)
    """  # noqa: E501

    process_id: int
    session_id: int = 0
    name: str = ""
    user_sid: Optional[str] = None
    server: Optional[str] = None


# --- helpers --------------------------------------------------------------------------------


def _server_key(name: Optional[str]) -> str:
    return (name or "").lstrip("\\").casefold()


def _filetime(value: Optional[datetime.datetime]) -> int:
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - _EPOCH_1601
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _now_filetime() -> int:
    return _filetime(datetime.datetime.now(datetime.timezone.utc))


def _sid_bytes(sid: Optional[str]) -> Optional[bytes]:
    if sid is None:
        return None
    parts = sid.split("-")
    if len(parts) < 3 or parts[0].upper() != "S":
        raise ValueError(f"not a SID: {sid!r}")
    subs = [int(p) for p in parts[3:]]
    head = bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, "big")
    return head + b"".join(s.to_bytes(4, "little") for s in subs)


def _wstr(address: Optional[int]) -> Optional[str]:
    return None if not address else ctypes.wstring_at(address)


def _wbytes(text: str) -> int:
    """Bytes of ``text`` with its NUL, as this platform's ``wchar_t`` lays it out."""
    return ctypes.sizeof(ctypes.create_unicode_buffer(text))


def _put_u32(address: int, value: int) -> None:
    if address:
        ctypes.c_uint32.from_address(address).value = value & 0xFFFFFFFF


def _put_ptr(address: int, value: Optional[int]) -> None:
    if address:
        ctypes.c_void_p.from_address(address).value = value


def _fit(text: str, chars: int) -> str:
    return text[: chars - 1]


def _address_bytes(address: Optional[IPAddress]) -> tuple[int, bytes]:
    if address is None:
        return 0, b""
    if address.version == 4:
        return 2, b"\0\0" + address.packed  # Windows puts IPv4 at Address[2:6]
    return 23, address.packed


class _Buffers:
    """API buffers: live allocations with how they must be freed, and the counters."""

    def __init__(self) -> None:
        self.live: dict[int, tuple[Any, Any]] = {}
        self.freed: set[int] = set()
        self.reset_counters()

    def reset_counters(self) -> None:
        self.allocs = self.frees = self.double_frees = self.foreign_frees = 0
        self.wrong_frees = self.bad_free_args = 0

    @property
    def outstanding(self) -> int:
        return len(self.live)

    def alloc(self, size: int, tag: Any = None) -> int:
        buf = ctypes.create_string_buffer(max(size, 1))
        address = ctypes.addressof(buf)
        self.live[address] = (buf, tag)
        self.freed.discard(address)
        self.allocs += 1
        return address

    def tag(self, address: int) -> Any:
        return self.live[address][1]

    def free(self, address: int) -> bool:
        if address in self.live:
            del self.live[address]
            self.freed.add(address)
            self.frees += 1
            return True
        if address in self.freed:
            self.double_frees += 1
        else:
            self.foreign_frees += 1
        return False


class _Provider:
    """What ``_dll.load(name)`` returns while simulated: one function pointer per export."""

    def __init__(self, name: str, get_last_error: Callable[[], int]) -> None:
        self._name = name
        self._callbacks: list[Any] = []  # referenced as long as the provider lives
        self.get_last_error = get_last_error

    def export(self, name: str, restype: Any, argtypes: Sequence[Any], impl: Any) -> None:
        prototype = ctypes.CFUNCTYPE(restype, *argtypes)
        callback = prototype(impl)
        self._callbacks.append(callback)
        address = ctypes.cast(callback, ctypes.c_void_p).value
        assert address is not None
        # A fresh pointer of a neutral type: winsession's Function.bind sets argtypes,
        # restype and errcheck on it without touching the callback's own prototype.
        pointer = ctypes.CFUNCTYPE(None)(address)
        setattr(pointer, "__name__", name)  # noqa: B010 (typeshed lacks it; ctypes has it)
        setattr(self, name, pointer)

    def __repr__(self) -> str:
        return f"<winsession.testing simulated {self._name}>"


_V, _U32, _I32, _I64 = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int32, ctypes.c_int64


class _Api:
    """What both simulated DLLs share: a lock, a last error per thread, calls and faults."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tls = threading.local()
        self.buffers = _Buffers()
        self.calls = 0
        self.schedule: dict[int, list[tuple[str, Any]]] = {}
        self.internal_errors: list[BaseException] = []

    def get_last_error(self) -> int:
        return int(getattr(self._tls, "error", 0))

    def set_last_error(self, code: int) -> None:
        self._tls.error = code

    def _at(self, call_no: int, kind: str, arg: Any = None) -> None:
        if call_no < 1:
            raise ValueError("call numbers start at 1")
        with self.lock:
            self.schedule.setdefault(call_no, []).append((kind, arg))

    def fail_on_call(self, call_no: int, code: int) -> None:
        """Make the ``call_no``-th call (1-based, since the last reset) fail with ``code``."""
        self._at(call_no, "fail", code)

    @property
    def outstanding(self) -> int:
        """API buffers handed out and not yet freed."""
        return self.buffers.outstanding

    @property
    def allocs(self) -> int:
        """Buffers handed out since the last reset."""
        return self.buffers.allocs

    @property
    def frees(self) -> int:
        """Buffers freed since the last reset."""
        return self.buffers.frees

    @property
    def double_frees(self) -> int:
        """Frees of a buffer already freed."""
        return self.buffers.double_frees

    @property
    def foreign_frees(self) -> int:
        """Frees of a pointer this DLL never handed out."""
        return self.buffers.foreign_frees

    def _guard(self, failure: Any, impl: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            try:
                return impl(*args)
            except BaseException as exc:  # an exception must never cross the FFI
                self.internal_errors.append(exc)
                self.set_last_error(ERROR_INTERNAL_ERROR)
                return failure

        run.__name__ = getattr(impl, "__name__", "run")
        return run


# --- netapi32 -------------------------------------------------------------------------------

_LEVEL_FIELDS = {
    0: ("cname",),
    1: ("cname", "username", "num_opens", "time", "idle_time", "user_flags"),
    2: ("cname", "username", "num_opens", "time", "idle_time", "user_flags", "cltype_name"),
    10: ("cname", "username", "time", "idle_time"),
    502: (
        "cname", "username", "num_opens", "time", "idle_time", "user_flags", "cltype_name",
        "transport",
    ),
}  # fmt: skip
_SMB_ATTR = {
    "cname": "client", "username": "user", "num_opens": "num_opens", "time": "active_time",
    "idle_time": "idle_time", "user_flags": "user_flags", "cltype_name": "client_type",
    "transport": "transport",
}  # fmt: skip
_STRING_FIELDS = frozenset({"cname", "username", "cltype_name", "transport"})


class NetApiSimulator(_Api):
    """The simulated netapi32: ``NetSessionEnum/GetInfo/Del`` and the ``NetApiBuffer*`` family.

    Behaves as ``stubs/README.md`` describes the C stand-in (filters, paging with
    ``prefmaxlen`` and the resume handle, ``NetSessionDel`` semantics, strict buffer
    accounting). Reach it as ``Simulator.net``.

    >>> sim = Simulator(smb=[SmbSession("\\\\\\\\PC1", "alice")])
    >>> sim.net.sessions[0].user
    'alice'
    """

    def __init__(self, local_name: str = LOCAL_SERVER) -> None:
        super().__init__()
        self.local_name = local_name
        self.servers: list[str] = []
        self.sessions: list[SmbSession] = []
        self.last_prefmaxlen = 0
        self.provider = _Provider("netapi32", self.get_last_error)
        status = _U32
        for name, argtypes, impl in (
            ("NetSessionEnum", [_V, _V, _V, _U32, _V, _U32, _V, _V, _V], self._enum),
            ("NetSessionGetInfo", [_V, _V, _V, _U32, _V], self._get_info),
            ("NetSessionDel", [_V, _V, _V], self._del),
            ("NetApiBufferFree", [_V], self._buffer_free),
            ("NetApiBufferAllocate", [_U32, _V], self._buffer_allocate),
            ("NetApiBufferSize", [_V, _V], self._buffer_size),
        ):
            self.provider.export(name, status, argtypes, self._guard(ERROR_INTERNAL_ERROR, impl))

    # control
    def reset(self) -> None:
        """Empty table, only the local server; counters and schedule cleared.

        ``outstanding`` is kept: a reset never hides a leak.
        """
        with self.lock:
            self.servers.clear()
            self.sessions.clear()
            self.schedule.clear()
            self.calls = 0
            self.buffers.reset_counters()

    def add_server(self, name: str) -> None:
        """Make a remote server known (sessions may name it)."""
        with self.lock:
            if self._find_server(name) is None:
                self.servers.append(name)

    def add(self, session: SmbSession) -> None:
        """Append a session to the table (a copy)."""
        with self.lock:
            if session.server is not None:
                self.add_server(session.server)
            self.sessions.append(dataclasses.replace(session))

    def remove_on_call(self, call_no: int, index: int) -> None:
        """Just before serving call ``call_no``, remove the ``index``-th session of the table."""
        self._at(call_no, "remove", index)

    def stall_on_call(self, call_no: int) -> None:
        """That call says ``ERROR_MORE_DATA`` yet returns nothing (a misbehaving server)."""
        self._at(call_no, "stall")

    def lazy_on_call(self, call_no: int) -> None:
        """That call returns success without writing any out-parameter (like Wine's builtin)."""
        self._at(call_no, "lazy")

    # implementation
    def _find_server(self, name: Optional[str]) -> Optional[int]:
        key = _server_key(name)
        if not key or key == _server_key(self.local_name):
            return 0
        for i, known in enumerate(self.servers):
            if _server_key(known) == key:
                return i + 1
        return None

    def _server_of(self, s: SmbSession) -> Optional[int]:
        return 0 if s.server is None else self._find_server(s.server)

    def _scheduled(self, out: Sequence[int]) -> Optional[int]:
        self.calls += 1
        decided: Optional[int] = None
        for kind, arg in self.schedule.pop(self.calls, []):
            if kind == "remove":
                if 0 <= arg < len(self.sessions):
                    del self.sessions[arg]
                continue
            if decided is not None:
                continue
            if kind == "fail":
                decided = arg
            elif kind == "lazy":
                decided = NERR_SUCCESS
            else:  # stall
                decided = ERROR_MORE_DATA
                if out:
                    _put_ptr(out[0], None)
                for address in out[1:]:
                    _put_u32(address, 0)
        return decided

    def _filter(self, server: Optional[int], client: Optional[int], user: Optional[int]) -> Any:
        sid = self._find_server(_wstr(server))
        if sid is None:
            return ERROR_BAD_NETPATH
        c, u = _wstr(client), _wstr(user)
        if c and not c.startswith("\\\\"):
            return ERROR_INVALID_PARAMETER
        return (sid, c or None, u or None)

    @staticmethod
    def _client_eq(a: Optional[str], b: str) -> bool:
        return a is not None and a.lstrip("\\").casefold() == b.lstrip("\\").casefold()

    def _matches(self, s: SmbSession, f: tuple[int, Optional[str], Optional[str]]) -> bool:
        sid, client, user = f
        if self._server_of(s) != sid:
            return False
        if client is not None and not self._client_eq(s.client, client):
            return False
        return user is None or (s.user is not None and s.user.casefold() == user.casefold())

    def _not_found(self, f: tuple[int, Optional[str], Optional[str]]) -> int:
        sid, client, _ = f
        if client is None:
            return NERR_USER_NOT_FOUND
        if any(self._matches(s, (sid, client, None)) for s in self.sessions):
            return NERR_USER_NOT_FOUND
        return NERR_CLIENT_NAME_NOT_FOUND

    @staticmethod
    def _entry_size(level: int, s: SmbSession) -> int:
        size = ctypes.sizeof(_net.SESSION_INFO_LEVELS[level])
        for name in _LEVEL_FIELDS[level]:
            if name in _STRING_FIELDS:
                value = getattr(s, _SMB_ATTR[name])
                if value is not None:
                    size += _wbytes(value)
        return size

    def _pack(self, level: int, rows: Sequence[SmbSession], size: int) -> int:
        structure = _net.SESSION_INFO_LEVELS[level]
        each = ctypes.sizeof(structure)
        base = self.buffers.alloc(size)
        strings = base + each * len(rows)
        for i, s in enumerate(rows):
            entry = base + i * each
            for name in _LEVEL_FIELDS[level]:
                offset = getattr(structure, f"sesi{level}_{name}").offset
                value = getattr(s, _SMB_ATTR[name])
                if name in _STRING_FIELDS:
                    if value is None:
                        _put_ptr(entry + offset, None)
                        continue
                    text = ctypes.create_unicode_buffer(value)
                    ctypes.memmove(strings, text, ctypes.sizeof(text))
                    _put_ptr(entry + offset, strings)
                    strings += ctypes.sizeof(text)
                else:
                    _put_u32(entry + offset, int(value))
        return base

    def _enum(
        self, server: Any, client: Any, user: Any, level: int, bufptr: Any, prefmaxlen: int,
        entriesread: Any, totalentries: Any, resume: Any,
    ) -> int:  # fmt: skip
        with self.lock:
            self.last_prefmaxlen = prefmaxlen
            decided = self._scheduled((bufptr or 0, entriesread or 0, totalentries or 0))
            if decided is not None:
                return decided
            if not bufptr or not entriesread or not totalentries:
                return ERROR_INVALID_PARAMETER
            if level not in _LEVEL_FIELDS:
                return ERROR_INVALID_LEVEL
            f = self._filter(server, client, user)
            if isinstance(f, int):
                return f
            matching = [s for s in self.sessions if self._matches(s, f)]
            if not matching and (f[1] is not None or f[2] is not None):
                return self._not_found(f)
            start = ctypes.c_uint32.from_address(resume).value if resume else 0
            total = len(matching) - start if start < len(matching) else 0
            n = size = 0
            while n < total:
                entry = self._entry_size(level, matching[start + n])
                if n > 0 and prefmaxlen != _net.MAX_PREFERRED_LENGTH and size + entry > prefmaxlen:
                    break
                size += entry
                n += 1
            buf = self._pack(level, matching[start : start + n], size) if n else None
            more = n < total
            _put_ptr(bufptr, buf)
            _put_u32(entriesread, n)
            _put_u32(totalentries, total)
            if resume:
                _put_u32(resume, start + n if more else 0)
            return ERROR_MORE_DATA if more else NERR_SUCCESS

    def _get_info(self, server: Any, client: Any, user: Any, level: int, bufptr: Any) -> int:
        with self.lock:
            decided = self._scheduled((bufptr or 0,))
            if decided is not None:
                return decided
            if not bufptr:
                return ERROR_INVALID_PARAMETER
            if level not in _LEVEL_FIELDS or level == 502:
                return ERROR_INVALID_LEVEL
            f = self._filter(server, client, user)
            if isinstance(f, int):
                return f
            if f[1] is None or f[2] is None:
                return ERROR_INVALID_PARAMETER
            for s in self.sessions:
                if self._matches(s, f):
                    _put_ptr(bufptr, self._pack(level, [s], self._entry_size(level, s)))
                    return NERR_SUCCESS
            return self._not_found(f)

    def _del(self, server: Any, client: Any, user: Any) -> int:
        with self.lock:
            decided = self._scheduled(())
            if decided is not None:
                return decided
            f = self._filter(server, client, user)
            if isinstance(f, int):
                return f
            if f[1] is None and f[2] is None:
                return ERROR_INVALID_PARAMETER
            only_first = f[1] is not None and f[2] is not None
            deleted = 0
            i = 0
            while i < len(self.sessions):
                if not self._matches(self.sessions[i], f):
                    i += 1
                    continue
                del self.sessions[i]
                deleted += 1
                if only_first:
                    break
            return NERR_SUCCESS if deleted else self._not_found(f)

    def _buffer_free(self, address: Any) -> int:
        if not address:
            return NERR_SUCCESS
        with self.lock:
            return NERR_SUCCESS if self.buffers.free(address) else ERROR_INVALID_PARAMETER

    def _buffer_allocate(self, count: int, out: Any) -> int:
        if not out:
            return ERROR_INVALID_PARAMETER
        with self.lock:
            _put_ptr(out, self.buffers.alloc(count))
        return NERR_SUCCESS

    def _buffer_size(self, address: Any, out: Any) -> int:
        with self.lock:
            if not address or not out or address not in self.buffers.live:
                return ERROR_INVALID_PARAMETER
            _put_u32(out, ctypes.sizeof(self.buffers.live[address][0]))
        return NERR_SUCCESS

    def problems(self) -> list[str]:
        """What :meth:`Simulator.assert_clean` would complain about here."""
        found = []
        if self.outstanding:
            found.append(f"{self.outstanding} NetApi buffer(s) leaked")
        if self.double_frees:
            found.append("a NetApi buffer was freed twice")
        if self.foreign_frees:
            found.append("NetApiBufferFree got a pointer it never handed out")
        found += [f"netapi32 simulator error: {e!r}" for e in self.internal_errors]
        return found


# --- wtsapi32 (and kernel32's two session functions) ----------------------------------------

_EX_TAG = "ex"
_STRING_CLASSES = {
    0: "initial_program", 1: "application_name", 2: "working_directory", 3: "oem_id",
    5: "user_name", 6: "win_station_name", 7: "domain_name", 10: "client_name",
    11: "client_directory",
}  # fmt: skip
_UNSUPPORTED = frozenset(range(17, 23))
_N_CLASSES = 30


@dataclass
class _Waiter:
    server: str
    mask: int
    flags: int = 0
    done: bool = False


class WtsSimulator(_Api):
    """The simulated wtsapi32 (and kernel32's ``WTSGetActiveConsoleSessionId``,
    ``ProcessIdToSessionId``). Reach it as ``Simulator.wts``.

    Server handles, sessions and processes per server, every ``WTSQuerySessionInformationW``
    class with the documented buffer shapes, disconnect/logoff/message state changes,
    ``WTSWaitSystemEvent`` fed by :meth:`queue_event`, and ``WTSFreeMemory(ExW)`` accounting,
    as ``stubs/README.md`` describes the C stand-in.

    >>> sim = Simulator(sessions=[Session(1, win_station_name="Console")])
    >>> sim.wts.session(1).win_station_name
    'Console'
    """

    def __init__(self, local_name: str = LOCAL_SERVER) -> None:
        super().__init__()
        self.local_name = local_name
        self.servers: list[str] = []
        self.sessions: list[Session] = []
        self.processes: list[Process] = []
        self.handles: dict[int, Optional[str]] = {}
        self._serial = 0
        self.current_session: Optional[int] = None
        self.console_session: Optional[int] = None
        self.empty_is_error = False
        self.unsupported: set[int] = set()
        self.message_response = 0
        self.last_message: tuple[str, str, int] = ("", "", 0)
        self.last_timeout = 0
        self.last_wait = 0
        self.events: list[int] = []
        self.waiters: list[_Waiter] = []
        self.registrations: list[int] = []
        self.bad_closes = 0
        self._wake = threading.Condition(self.lock)
        self.provider = _Provider("wtsapi32", self.get_last_error)
        self.kernel32 = _Provider("kernel32", self.get_last_error)
        B = _I32
        false = 0
        exports: list[tuple[str, Any, list[Any], Any, Any]] = [
            ("WTSOpenServerW", _V, [_V], self._open, None),
            ("WTSOpenServerExW", _V, [_V], self._open, None),
            ("WTSCloseServer", None, [_V], self._close, None),
            ("WTSEnumerateSessionsW", B, [_V, _U32, _U32, _V, _V], self._enum_sessions, false),
            ("WTSEnumerateSessionsExW", B, [_V, _V, _U32, _V, _V], self._enum_ex, false),
            ("WTSEnumerateProcessesW", B, [_V, _U32, _U32, _V, _V], self._enum_processes, false),
            ("WTSTerminateProcess", B, [_V, _U32, _U32], self._terminate, false),
            ("WTSFreeMemory", None, [_V], self._free, None),
            ("WTSFreeMemoryExW", B, [_I32, _V, _U32], self._free_ex, false),
            ("WTSQuerySessionInformationW", B, [_V, _U32, _I32, _V, _V], self._query, false),
            ("WTSDisconnectSession", B, [_V, _U32, _I32], self._disconnect, false),
            ("WTSLogoffSession", B, [_V, _U32, _I32], self._logoff, false),
            (
                "WTSSendMessageW", B,
                [_V, _U32, _V, _U32, _V, _U32, _U32, _U32, _V, _I32], self._send, false,
            ),
            ("WTSWaitSystemEvent", B, [_V, _U32, _V], self._wait, false),
            ("WTSRegisterSessionNotification", B, [_V, _U32], self._register, false),
            ("WTSUnRegisterSessionNotification", B, [_V], self._unregister, false),
        ]  # fmt: skip
        for name, restype, argtypes, impl, failure in exports:
            self.provider.export(name, restype, argtypes, self._guard(failure, impl))
        self.kernel32.export(
            "WTSGetActiveConsoleSessionId", _U32, [], self._guard(0xFFFFFFFF, self._console)
        )
        self.kernel32.export(
            "ProcessIdToSessionId", _I32, [_U32, _V], self._guard(0, self._pid_to_session)
        )

    # control
    def reset(self) -> None:
        """No servers but the local one, no sessions or processes, counters cleared
        (``outstanding`` is kept), no events; blocked waits return."""
        with self.lock:
            self.servers.clear()
            self.sessions.clear()
            self.processes.clear()
            self.schedule.clear()
            self.calls = 0
            self.buffers.reset_counters()
            self.bad_closes = 0
            self.registrations.clear()
            self.events.clear()
            self.current_session = self.console_session = None
            self.empty_is_error = False
            self.unsupported.clear()
            self.message_response = 0
            self._flush(None)

    def add_server(self, name: str) -> None:
        """Make a remote server known: handles opened to it work."""
        with self.lock:
            if self._find_server(name) is None:
                self.servers.append(name)

    def add(self, item: Union[Session, Process]) -> None:
        """Add a session or a process (a copy); a session id must be new on its server."""
        with self.lock:
            if item.server is not None:
                self.add_server(item.server)
            if isinstance(item, Session):
                if self.session(item.session_id, item.server) is not None:
                    raise ValueError(f"session {item.session_id} exists already")
                self.sessions.append(dataclasses.replace(item))
            else:
                self.processes.append(dataclasses.replace(item))

    def session(self, session_id: int, server: Optional[str] = None) -> Optional[Session]:
        """The table's session ``session_id`` on ``server`` (``None``: local), or ``None``."""
        key = self._find_server(server)
        with self.lock:
            for s in self.sessions:
                if s.session_id == session_id and self._find_server(s.server) == key:
                    return s
        return None

    def vanish_on_call(self, call_no: int, session_id: int, server: Optional[str] = None) -> None:
        """Just before serving WTS call ``call_no``, remove session ``session_id``."""
        self._at(call_no, "vanish", (session_id, server))

    def queue_event(self, flags: int) -> None:
        """Queue a system event (``wts.Event`` flags) for ``WTSWaitSystemEvent``."""
        with self.lock:
            self.events.append(int(flags))
            self._dispatch()

    @property
    def waiters_blocked(self) -> int:
        """How many ``WTSWaitSystemEvent`` calls are blocked now."""
        with self.lock:
            return sum(1 for w in self.waiters if not w.done)

    @property
    def wrong_frees(self) -> int:
        """``WTSFreeMemory`` on an Ex buffer, or ``WTSFreeMemoryExW`` on a plain one."""
        return self.buffers.wrong_frees

    @property
    def bad_free_args(self) -> int:
        """``WTSFreeMemoryExW`` with a wrong type class or count."""
        return self.buffers.bad_free_args

    @property
    def open_handles(self) -> int:
        """Server handles opened and not closed."""
        return len(self.handles)

    # implementation: servers and calls
    def _find_server(self, name: Optional[str]) -> Optional[str]:
        key = _server_key(name)
        if not key or key == _server_key(self.local_name):
            return ""
        for known in self.servers:
            if _server_key(known) == key:
                return key
        return None

    def _begin(self, handle: Any = None, has_server: bool = True) -> Union[int, str]:
        """Count the call, apply what is scheduled; the server key, or an error code."""
        self.calls += 1
        failed: Optional[int] = None
        for kind, arg in self.schedule.pop(self.calls, []):
            if kind == "vanish":
                found = self.session(*arg)
                if found is not None:
                    self.sessions.remove(found)
            elif failed is None:
                failed = arg
        if failed is not None:
            return failed
        if not has_server or not handle:
            return ""
        if handle not in self.handles:
            return ERROR_INVALID_HANDLE
        key = self._find_server(self.handles[handle])
        return RPC_S_SERVER_UNAVAILABLE if key is None else key

    def _fail(self, code: int) -> int:
        self.set_last_error(code)
        return 0

    def _find(self, server: str, session_id: int) -> Optional[Session]:
        if session_id == _wts.WTS_CURRENT_SESSION:
            if self.current_session is None:
                return None
            session_id = self.current_session
        for s in self.sessions:
            if s.session_id == session_id and self._find_server(s.server) == server:
                return s
        return None

    def _open(self, name: Any) -> Optional[int]:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                self.set_last_error(r)
                return None
            self._serial += 1
            value = 0x575400000000 + self._serial * 16
            self.handles[value] = _wstr(name)
            return value

    def _close(self, handle: Any) -> None:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                self.set_last_error(r)
            elif handle and self.handles.pop(handle, _Missing) is _Missing:
                self.bad_closes += 1
                self.set_last_error(ERROR_INVALID_HANDLE)

    # buffers
    def _put_strings(self, texts: Sequence[Optional[str]], base: int) -> list[Optional[int]]:
        out: list[Optional[int]] = []
        for text in texts:
            if text is None:
                out.append(None)
                continue
            buf = ctypes.create_unicode_buffer(text)
            ctypes.memmove(base, buf, ctypes.sizeof(buf))
            out.append(base)
            base += ctypes.sizeof(buf)
        return out

    def _pack_rows(
        self, structure: Any, rows: Sequence[Any], strings: Callable[[Any], list[Optional[str]]],
        pointer_fields: Sequence[str], fill: Callable[[Any, Any], None], tag: Any,
        blobs: Optional[Callable[[Any], Optional[bytes]]] = None, blob_field: str = "",
    ) -> int:  # fmt: skip
        each = ctypes.sizeof(structure)
        texts = [strings(r) for r in rows]
        blob_list = [blobs(r) if blobs else None for r in rows]
        size = each * len(rows)
        size += sum(_wbytes(t) for ts in texts for t in ts if t is not None)
        size = (size + 7) // 8 * 8
        size += sum(len(b) + 8 for b in blob_list if b is not None)
        base = self.buffers.alloc(size, tag)
        cursor = base + each * len(rows)
        for i, row in enumerate(rows):
            entry = structure.from_address(base + i * each)
            fill(entry, row)
            addresses = self._put_strings(texts[i], cursor)
            for name, address in zip(pointer_fields, addresses):
                _put_ptr(base + i * each + getattr(structure, name).offset, address)
            cursor += sum(_wbytes(t) for t in texts[i] if t is not None)
        cursor = (cursor + 7) // 8 * 8
        for i, blob in enumerate(blob_list):
            if blob is not None:
                ctypes.memmove(cursor, blob, len(blob))
                _put_ptr(base + i * each + getattr(structure, blob_field).offset, cursor)
                cursor += len(blob) + 8
        return base

    def _enumerate(self, rows: list[Any], kind: str, pp: Any, pcount: Any) -> int:
        if not pp or not pcount:
            return ERROR_INVALID_PARAMETER
        if not rows and self.empty_is_error:
            return ERROR_NO_MORE_ITEMS
        if kind == "sessions":
            base = self._pack_rows(
                _wts.WTS_SESSION_INFOW, rows, lambda s: [s.win_station_name],
                ["pWinStationName"], _fill_session_info, None,
            )  # fmt: skip
        elif kind == "ex":
            base = self._pack_rows(
                _wts.WTS_SESSION_INFO_1W, rows,
                lambda s: [s.win_station_name, s.host_name, s.user_name, s.domain_name,
                           s.farm_name],
                ["pSessionName", "pHostName", "pUserName", "pDomainName", "pFarmName"],
                _fill_session_info_1, (_EX_TAG, _wts.WTSTypeSessionInfoLevel1, len(rows)),
            )  # fmt: skip
        else:
            base = self._pack_rows(
                _wts.WTS_PROCESS_INFOW, rows, lambda p: [p.name], ["pProcessName"],
                _fill_process, None, lambda p: _sid_bytes(p.user_sid), "pUserSid",
            )  # fmt: skip
        _put_ptr(pp, base)
        _put_u32(pcount, len(rows))
        return 0

    def _on_server(self, table: Sequence[Any], server: str) -> list[Any]:
        return [r for r in table if self._find_server(r.server) == server]

    def _enum_common(self, handle: Any, args_ok: bool, kind: str, pp: Any, pcount: Any) -> int:
        with self.lock:
            r = self._begin(handle)
            if isinstance(r, int):
                return self._fail(r)
            if not args_ok:
                return self._fail(ERROR_INVALID_PARAMETER)
            table = self.processes if kind == "processes" else self.sessions
            err = self._enumerate(self._on_server(table, r), kind, pp, pcount)
            return self._fail(err) if err else 1

    def _enum_sessions(self, h: Any, reserved: int, version: int, pp: Any, pcount: Any) -> int:
        return self._enum_common(h, reserved == 0 and version == 1, "sessions", pp, pcount)

    def _enum_ex(self, h: Any, plevel: Any, filt: int, pp: Any, pcount: Any) -> int:
        level_ok = bool(plevel) and ctypes.c_uint32.from_address(plevel).value == 1
        return self._enum_common(h, level_ok and filt == 0, "ex", pp, pcount)

    def _enum_processes(self, h: Any, reserved: int, version: int, pp: Any, pcount: Any) -> int:
        return self._enum_common(h, reserved == 0 and version == 1, "processes", pp, pcount)

    def _terminate(self, h: Any, pid: int, code: int) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            for p in self._on_server(self.processes, r):
                if p.process_id == pid:
                    self.processes.remove(p)
                    return 1
            return self._fail(ERROR_INVALID_PARAMETER)

    def _free_buffer(self, address: int, ex: bool, type_class: int = 0, count: int = 0) -> int:
        if address not in self.buffers.live:
            self.buffers.free(address)  # counts a double or foreign free
            return ERROR_INVALID_PARAMETER
        tag = self.buffers.tag(address)
        if ex != (tag is not None):
            self.buffers.wrong_frees += 1
            return ERROR_INVALID_PARAMETER
        if ex and tag != (_EX_TAG, type_class, count):
            self.buffers.bad_free_args += 1
            return ERROR_INVALID_PARAMETER
        self.buffers.free(address)
        return 0

    def _free(self, address: Any) -> None:
        if address:
            with self.lock:
                self._free_buffer(address, False)

    def _free_ex(self, type_class: int, address: Any, count: int) -> int:
        err = ERROR_INVALID_PARAMETER
        if address:
            with self.lock:
                err = self._free_buffer(address, True, type_class, count)
        return self._fail(err) if err else 1

    # query
    def _query(self, h: Any, session_id: int, cls: int, pp: Any, pbytes: Any) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            if not pp or not pbytes or not 0 <= cls < _N_CLASSES:
                return self._fail(ERROR_INVALID_PARAMETER)
            if cls in _UNSUPPORTED or cls in self.unsupported:
                return self._fail(ERROR_NOT_SUPPORTED)
            s = self._find(r, session_id)
            if s is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            data = self._query_bytes(s, cls)
            base = self.buffers.alloc(len(data))
            ctypes.memmove(base, data, len(data))
            _put_ptr(pp, base)
            _put_u32(pbytes, len(data))
            return 1

    def _query_bytes(self, s: Session, cls: int) -> bytes:
        if cls in _STRING_CLASSES:
            return bytes(ctypes.create_unicode_buffer(getattr(s, _STRING_CLASSES[cls])))
        numbers: dict[int, tuple[Any, int]] = {
            4: (ctypes.c_uint32, s.session_id), 8: (ctypes.c_int32, int(s.state)),
            9: (ctypes.c_uint32, s.client_build_number),
            12: (ctypes.c_uint16, s.client_product_id),
            13: (ctypes.c_uint32, s.client_hardware_id),
            16: (ctypes.c_uint16, s.client_protocol), 29: (ctypes.c_uint8, int(s.is_remote)),
        }  # fmt: skip
        if cls in numbers:
            ctype, value = numbers[cls]
            return bytes(ctype(value))
        if cls == 26:
            return bytes(s.config_info)
        if cls == 27:
            return bytes(s.validation_info)
        if cls in (14, 28):
            family, raw = _address_bytes(s.client_address if cls == 14 else s.session_address)
            address = _wts.WTS_CLIENT_ADDRESS()
            address.AddressFamily = family if cls == 14 else 2
            ctypes.memmove(address.Address, raw, len(raw))
            return bytes(address)
        if cls == 15:
            return bytes(_wts.WTS_CLIENT_DISPLAY(
                s.horizontal_resolution, s.vertical_resolution, s.color_depth
            ))  # fmt: skip
        if cls == 23:
            return bytes(self._client_info(s))
        if cls == 24:
            return bytes(self._station_info(s))
        # 25: WTSINFOEXW level 1
        info = _wts.WTSINFOEXW()
        info.Level = 1
        self._fill_ex(info.Data.WTSInfoExLevel1, s)
        return bytes(info)

    def _current_time(self, s: Session) -> int:
        return _filetime(s.current_time) if s.current_time is not None else _now_filetime()

    def _times(self, target: Any, s: Session) -> None:
        target.ConnectTime = _filetime(s.connect_time)
        target.DisconnectTime = _filetime(s.disconnect_time)
        target.LastInputTime = _filetime(s.last_input_time)
        target.LogonTime = _filetime(s.logon_time)
        target.CurrentTime = self._current_time(s)
        for name in (
            "IncomingBytes", "OutgoingBytes", "IncomingFrames", "OutgoingFrames",
            "IncomingCompressedBytes", "OutgoingCompressedBytes",
        ):  # fmt: skip
            attr = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
            setattr(target, name, getattr(s, attr) & 0xFFFFFFFF)

    def _station_info(self, s: Session) -> Any:
        info = _wts.WTSINFOW()
        info.State = int(s.state)
        info.SessionId = s.session_id
        info.WinStationName = _fit(s.win_station_name, _wts.WINSTATIONNAME_LENGTH)
        info.Domain = _fit(s.domain_name, _wts.DOMAIN_LENGTH)
        info.UserName = _fit(s.user_name, _wts.USERNAME_LENGTH + 1)
        self._times(info, s)
        return info

    def _fill_ex(self, info: Any, s: Session) -> None:
        info.SessionId = s.session_id
        info.SessionState = int(s.state)
        info.SessionFlags = s.session_flags
        info.WinStationName = _fit(s.win_station_name, _wts.WINSTATIONNAME_LENGTH + 1)
        info.UserName = _fit(s.user_name, _wts.USERNAME_LENGTH + 1)
        info.DomainName = _fit(s.domain_name, _wts.DOMAIN_LENGTH + 1)
        self._times(info, s)

    def _client_info(self, s: Session) -> Any:
        c = _wts.WTSCLIENTW()
        c.ClientName = _fit(s.client_name, _wts.CLIENTNAME_LENGTH + 1)
        c.Domain = _fit(s.domain_name, _wts.DOMAIN_LENGTH + 1)
        c.UserName = _fit(s.user_name, _wts.USERNAME_LENGTH + 1)
        c.WorkDirectory = _fit(s.working_directory, _wts.MAX_PATH + 1)
        c.InitialProgram = _fit(s.initial_program, _wts.MAX_PATH + 1)
        c.EncryptionLevel = s.encryption_level
        family, raw = _address_bytes(s.client_address)
        c.ClientAddressFamily = family
        for i, b in enumerate(raw[: _wts.CLIENTADDRESS_LENGTH + 1]):
            c.ClientAddress[i] = b
        c.HRes, c.VRes = s.horizontal_resolution, s.vertical_resolution
        c.ColorDepth = s.color_depth
        c.ClientDirectory = _fit(s.client_directory, _wts.MAX_PATH + 1)
        c.ClientBuildNumber = s.client_build_number
        c.ClientHardwareId = s.client_hardware_id
        c.ClientProductId = s.client_product_id
        return c

    # actions
    def _end(self, h: Any, session_id: int, wait: int, logoff: bool) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            s = self._find(r, session_id)
            if s is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            self.last_wait = wait
            if logoff:
                self.sessions.remove(s)
            else:
                from .wts import ConnectState

                s.state = ConnectState.DISCONNECTED
                now = self._current_time(s)
                s.disconnect_time = _EPOCH_1601 + datetime.timedelta(microseconds=now // 10)
            return 1

    def _disconnect(self, h: Any, session_id: int, wait: int) -> int:
        return self._end(h, session_id, wait, False)

    def _logoff(self, h: Any, session_id: int, wait: int) -> int:
        return self._end(h, session_id, wait, True)

    def _send(
        self, h: Any, session_id: int, title: Any, title_len: int, msg: Any, msg_len: int,
        style: int, timeout: int, presponse: Any, wait: int,
    ) -> int:  # fmt: skip
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            t, m = _wstr(title), _wstr(msg)
            if (
                not presponse or t is None or m is None
                or title_len != _wbytes(t) - _WSIZE or msg_len != _wbytes(m) - _WSIZE
            ):  # fmt: skip
                return self._fail(ERROR_INVALID_PARAMETER)
            if self._find(r, session_id) is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            self.last_message = (t, m, style)
            self.last_timeout = timeout
            self.last_wait = wait
            if not wait:
                response = _wts.IDASYNC
            elif self.message_response:
                response = self.message_response
            else:
                response = _wts.IDTIMEOUT if timeout > 0 else _wts.IDOK
            ctypes.c_int32.from_address(presponse).value = response
            return 1

    # events
    def _dispatch(self) -> None:
        released = False
        while self.events and any(not w.done for w in self.waiters):
            event = self.events.pop(0)
            for w in self.waiters:
                if not w.done and w.mask & event:
                    w.flags, w.done, released = event & w.mask, True, True
                    break
        if released:
            self._wake.notify_all()

    def _flush(self, server: Optional[str]) -> None:
        for w in self.waiters:
            if not w.done and (server is None or w.server == server):
                w.flags, w.done = 0, True
        self._wake.notify_all()

    def _wait(self, h: Any, mask: int, pflags: Any) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            if not pflags or mask == 0:
                return self._fail(ERROR_INVALID_PARAMETER)
            if mask & _wts.WTS_EVENT_FLUSH:
                self._flush(r)
                _put_u32(pflags, 0)
                return 1
            waiter = _Waiter(r, mask)
            self.waiters.append(waiter)
            self._dispatch()
            while not waiter.done:
                self._wake.wait()
            self.waiters.remove(waiter)
            _put_u32(pflags, waiter.flags)
            return 1

    def _register(self, hwnd: Any, flags: int) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            if not hwnd or flags > 1:
                return self._fail(ERROR_INVALID_PARAMETER)
            self.registrations.append(hwnd)
            return 1

    def _unregister(self, hwnd: Any) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            if not hwnd or hwnd not in self.registrations:
                return self._fail(ERROR_INVALID_PARAMETER)
            self.registrations.remove(hwnd)
            return 1

    # kernel32
    def _console(self) -> int:
        with self.lock:
            return 0xFFFFFFFF if self.console_session is None else self.console_session

    def _pid_to_session(self, pid: int, out: Any) -> int:
        with self.lock:
            for p in self._on_server(self.processes, ""):
                if p.process_id == pid and out:
                    _put_u32(out, p.session_id)
                    return 1
            return self._fail(ERROR_INVALID_PARAMETER)

    def problems(self) -> list[str]:
        """What :meth:`Simulator.assert_clean` would complain about here."""
        found = []
        if self.outstanding:
            found.append(f"{self.outstanding} WTS buffer(s) leaked")
        for counter in ("double_frees", "foreign_frees", "wrong_frees", "bad_free_args"):
            if getattr(self, counter):
                found.append(f"WTS {counter}: {getattr(self, counter)}")
        if self.bad_closes:
            found.append("a server handle was closed twice or never opened")
        if self.handles:
            found.append(f"{len(self.handles)} server handle(s) left open")
        found += [f"wtsapi32 simulator error: {e!r}" for e in self.internal_errors]
        return found


class _MissingType:
    pass


_Missing = _MissingType()


def _fill_session_info(entry: Any, s: Session) -> None:
    entry.SessionId = s.session_id
    entry.State = int(s.state)


def _fill_session_info_1(entry: Any, s: Session) -> None:
    entry.ExecEnvId = s.exec_env_id
    entry.State = int(s.state)
    entry.SessionId = s.session_id


def _fill_process(entry: Any, p: Process) -> None:
    entry.SessionId = p.session_id
    entry.ProcessId = p.process_id


# --- the simulator --------------------------------------------------------------------------

_DLLS = ("netapi32", "wtsapi32", "kernel32")


class Simulator:
    """A simulated Windows for winsession: netapi32, wtsapi32 and kernel32 in pure Python.

    A context manager: entering binds the three simulated DLLs through winsession's loader
    (replacing whatever was bound, stand-ins or the real DLLs), leaving restores what was
    there before. Tables can be given here or loaded later with :meth:`load`.

    >>> from winsession import net, wts
    >>> from winsession.testing import Session, Simulator, SmbSession
    >>> with Simulator(smb=[SmbSession("\\\\\\\\PC1", "alice"), SmbSession("\\\\\\\\PC2", "bob")],
    ...                sessions=[Session(2, user_name="alice")]) as sim:
    ...     net.delete_session(client="PC1")
    ...     print([s.user_name for s in net.enum_sessions(level=10)])
    ...     print(wts.enumerate_sessions_ex()[0].user_name)
    ...     sim.assert_clean()
    ['bob']
    alice

    ``sim.net`` and ``sim.wts`` are the two simulated DLLs with their counters
    (``calls``, ``outstanding``, ``allocs``, ``frees``, ...) and controls.
    """

    def __init__(
        self,
        smb: Iterable[SmbSession] = (),
        sessions: Iterable[Session] = (),
        processes: Iterable[Process] = (),
        servers: Iterable[str] = (),
        *,
        current_session: Optional[int] = None,
        console_session: Optional[int] = None,
        local_name: str = LOCAL_SERVER,
    ) -> None:
        self.net = NetApiSimulator(local_name)
        self.wts = WtsSimulator(local_name)
        self._previous: Optional[dict[str, Any]] = None
        self.load(smb, sessions, processes, servers)
        self.wts.current_session = current_session
        self.wts.console_session = console_session

    def load(
        self,
        smb: Iterable[SmbSession] = (),
        sessions: Iterable[Session] = (),
        processes: Iterable[Process] = (),
        servers: Iterable[str] = (),
    ) -> None:
        """Reset both DLLs (counters too, but not ``outstanding``) and load these tables."""
        self.net.reset()
        self.wts.reset()
        for name in servers:
            self.net.add_server(name)
            self.wts.add_server(name)
        for s in smb:
            self.net.add(s)
        for session in sessions:
            self.wts.add(session)
        for process in processes:
            self.wts.add(process)

    # fault injection
    def fail_on_call(self, call_no: int, code: int, *, api: str = "net") -> None:
        """Make call ``call_no`` of ``api`` (``"net"`` or ``"wts"``) fail with ``code``.

        netapi32 returns the status; wtsapi32 returns FALSE with that last error. Calls are
        counted per DLL from 1 since the last :meth:`load` (free functions are not counted).

        >>> sim = Simulator(smb=[SmbSession("\\\\\\\\PC1", "alice")])
        >>> sim.fail_on_call(1, 5)      # ERROR_ACCESS_DENIED on the first NetSession* call
        """
        self._api(api).fail_on_call(call_no, code)

    def vanish_on_call(self, call_no: int, session_id: int, server: Optional[str] = None) -> None:
        """Remove Remote Desktop session ``session_id`` just before WTS call ``call_no``:
        a session logging off between enumeration and query.

        >>> sim = Simulator(sessions=[Session(2)])
        >>> sim.vanish_on_call(2, 2)
        """
        self.wts.vanish_on_call(call_no, session_id, server)

    def remove_smb_on_call(self, call_no: int, index: int) -> None:
        """Remove the ``index``-th SMB session just before netapi32 call ``call_no``."""
        self.net.remove_on_call(call_no, index)

    def _api(self, api: str) -> _Api:
        if api in ("net", "netapi32"):
            return self.net
        if api in ("wts", "wtsapi32"):
            return self.wts
        raise ValueError(f"api must be 'net' or 'wts', not {api!r}")

    # accounting
    def problems(self) -> list[str]:
        """Every leak or misuse found so far (empty when clean)."""
        return self.net.problems() + self.wts.problems()

    def assert_clean(self) -> None:
        """Raise :class:`SimulatorError` if a buffer leaked or was misfreed, a handle is open.

        >>> with Simulator() as sim:
        ...     sim.assert_clean()
        """
        found = self.problems()
        if found:
            raise SimulatorError("; ".join(found))

    # binding
    @property
    def active(self) -> bool:
        """Whether this simulator is bound now (inside its ``with`` block)."""
        return self._previous is not None

    def __enter__(self) -> Simulator:
        if self._previous is not None:
            raise RuntimeError("this Simulator is already active")
        providers = {
            "netapi32": self.net.provider,
            "wtsapi32": self.wts.provider,
            "kernel32": self.wts.kernel32,
        }
        self._previous = {name: _dll.use_simulator(name, providers[name]) for name in _DLLS}
        return self

    def __exit__(self, *exc: object) -> None:
        previous, self._previous = self._previous, None
        with self.wts.lock:
            self.wts._flush(None)  # nothing stays blocked in a simulator that is gone
        if previous is not None:
            for name in _DLLS:
                _dll.clear_simulator(name, previous[name])


# --- the demo table (winsession --simulate) -------------------------------------------------


def demo_simulator() -> Simulator:
    """The simulator ``winsession --simulate`` runs against: a small file and RDS server.

    >>> with demo_simulator():
    ...     from winsession import net
    ...     len(list(net.enum_sessions()))
    3
    """
    t0 = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.timezone.utc)
    now = t0 + datetime.timedelta(hours=3, minutes=25)
    minutes = datetime.timedelta(minutes=1)
    smb = [
        SmbSession("\\\\10.0.0.5", "alice", 3, 3600, 20, 0, "Windows 10 Enterprise",
                   "\\Device\\NetbiosSmb"),
        SmbSession("\\\\10.0.0.6", "bob", 1, 125, 5, 1, "Samba 4.19", "\\Device\\Tcpip"),
        SmbSession("\\\\10.0.0.7", "carol", 0, 9000, 7200, 0, "Windows 11 Pro",
                   "\\Device\\NetbiosSmb"),
    ]  # fmt: skip
    sessions = [
        Session(0, state=4, win_station_name="Services", current_time=now),
        Session(1, state=0, win_station_name="Console", user_name="Administrator",
                domain_name="CONTOSO", client_protocol=0, logon_time=t0, connect_time=t0,
                last_input_time=now - 2 * minutes, current_time=now, session_flags=1,
                host_name="RDS01"),
        Session(2, state=0, win_station_name="RDP-Tcp#3", user_name="alice",
                domain_name="CONTOSO", client_name="ALICE-PC",
                client_address=ipaddress.ip_address("10.0.0.5"), client_protocol=2,
                client_build_number=22631, horizontal_resolution=1920,
                vertical_resolution=1080, color_depth=24, logon_time=t0 + 30 * minutes,
                connect_time=t0 + 30 * minutes, last_input_time=now - 5 * minutes,
                current_time=now, session_flags=1, is_remote=True, host_name="RDS01"),
        Session(3, state=4, win_station_name="", user_name="bob", domain_name="CONTOSO",
                client_name="BOB-LAPTOP", client_protocol=2,
                logon_time=t0 + 60 * minutes, connect_time=t0 + 60 * minutes,
                disconnect_time=t0 + 90 * minutes, current_time=now, session_flags=0,
                is_remote=True, host_name="RDS01"),
        Session(65536, state=6, win_station_name="RDP-Tcp", current_time=now),
    ]  # fmt: skip
    processes = [
        Process(4, 0, "System", "S-1-5-18"),
        Process(4242, 2, "notepad.exe", "S-1-5-21-1004336348-1177238915-682003330-1001"),
    ]
    sim = Simulator(smb, sessions, processes, current_session=2, console_session=1)
    for flags in (0x20, 0x08, 0x10):  # LOGON, CONNECT, DISCONNECT
        sim.wts.events.append(flags)
    return sim


DEMO_EVENT_COUNT = 3
"""How many events :func:`demo_simulator` has queued for ``WTSWaitSystemEvent``."""


# --- pytest ---------------------------------------------------------------------------------

_pytest = sys.modules.get("pytest")  # never imported here: pytest is not a dependency
if _pytest is not None:
    _F = TypeVar("_F", bound=Callable[..., Any])
    _fixture: Callable[[_F], _F] = _pytest.fixture

    @_fixture
    def windows_simulator() -> Iterator[Simulator]:
        """An entered, empty :class:`Simulator`, checked with ``assert_clean()`` afterwards.

        Enable it with ``pytest_plugins = ["winsession.testing"]`` in ``conftest.py``.
        """
        with Simulator() as sim:
            yield sim
            sim.assert_clean()
