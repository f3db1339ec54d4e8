"""The simulated wtsapi32 (and kernel32's two session functions) over the session table."""

from __future__ import annotations

import ctypes
import dataclasses
from collections.abc import Sequence
from typing import Any, Callable, Optional, Union

from .._records import from_filetime, to_filetime
from .._winerror import (
    ERROR_CTX_WINSTATION_NOT_FOUND,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    ERROR_NO_MORE_ITEMS,
    ERROR_NOT_SUPPORTED,
    RPC_S_SERVER_UNAVAILABLE,
)
from ..raw import wtsapi32 as _wts
from ._buffers import (
    _I32,
    _U32,
    _V,
    _WSIZE,
    _address_bytes,
    _Api,
    _fit,
    _now_filetime,
    _Provider,
    _put_ptr,
    _put_u32,
    _server_key,
    _sid_bytes,
    _wbytes,
    _wstr,
)
from ._control import ControlMixin
from ._notifications import NotificationsMixin
from ._spawn import SpawnMixin
from ._tables import LOCAL_SERVER, Process, Session

# --- wtsapi32 (and kernel32's two session functions) ----------------------------------------

_EX_TAG = "ex"
_STRING_CLASSES = {
    0: "initial_program", 1: "application_name", 2: "working_directory", 3: "oem_id",
    5: "user_name", 6: "win_station_name", 7: "domain_name", 10: "client_name",
    11: "client_directory",
}  # fmt: skip
# WTS_INFO_CLASS (Microsoft Learn): 17-22 "This value returns FALSE ... ERROR_NOT_SUPPORTED";
# 27 WTSValidationInfo "This value is not supported".
_UNSUPPORTED = frozenset((*range(17, 23), 27))
_SESSION_ADDRESS_V4 = 28
_IS_REMOTE_SESSION = 29
_N_CLASSES = 30
# winerror.h. WTSQuerySessionInformationW's answer to a NULL ppBuffer or pBytesReturned on
# Windows (its page is silent; Wine's dlls/wtsapi32/tests/wtsapi.c asserts it there).
ERROR_INVALID_USER_BUFFER = 1784


class WtsSimulator(SpawnMixin, ControlMixin, NotificationsMixin, _Api):
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
        self.bad_closes = 0
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
        ]  # fmt: skip
        # Calls whose first argument is a server handle: the delay knob applies to them.
        on_server = {
            "WTSEnumerateSessionsW", "WTSEnumerateSessionsExW", "WTSEnumerateProcessesW",
            "WTSTerminateProcess", "WTSQuerySessionInformationW", "WTSDisconnectSession",
            "WTSLogoffSession", "WTSSendMessageW",
        }  # fmt: skip
        for name, restype, argtypes, impl, failure in exports:
            server_of = self._handle_server if name in on_server else None
            self.provider.export(name, restype, argtypes, self._guard(failure, impl, server_of))
        self.kernel32.export(
            "WTSGetActiveConsoleSessionId", _U32, [], self._guard(0xFFFFFFFF, self._console)
        )
        self.kernel32.export(
            "ProcessIdToSessionId", _I32, [_U32, _V], self._guard(0, self._pid_to_session)
        )
        self._init_spawn(self.provider, self._guard)
        self._init_control(self.provider, self._guard)
        self._init_notifications(self.provider, self._guard)

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
            self.current_session = self.console_session = None
            self.empty_is_error = False
            self.unsupported.clear()
            self.message_response = 0
            self._reset_spawn()
            self._reset_control()
            self._reset_notifications()

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

    @property
    def wrong_frees(self) -> int:
        """``WTSFreeMemory`` on an Ex buffer (``WTSFreeMemoryExW`` may free any buffer)."""
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
    def _handle_server(self, handle: Any) -> Optional[str]:
        return self.handles.get(handle) if handle else None

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
                # WTS_SESSION_INFO_1W: pHostName, pUserName, pDomainName and pFarmName are
                # NULL when there is none ("the string contains NULL").
                lambda s: [s.win_station_name, s.host_name or None, s.user_name or None,
                           s.domain_name or None, s.farm_name or None],
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
        ok = self._enum_common(h, reserved == 0 and version == 1, "processes", pp, pcount)
        if ok:
            # Windows sets the last error to 0 on success (Wine's wtsapi.c conformance test,
            # test_WTSEnumerateProcessesW, asserts it on Windows; the page is silent).
            self.set_last_error(0)
        return ok

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
        # WTSFreeMemoryEx's page: Ex buffers "you must" free with it, and "To free other
        # buffers, you can call either" function. Only WTSFreeMemory on an Ex buffer is wrong.
        if not ex and tag is not None:
            self.buffers.wrong_frees += 1
            return ERROR_INVALID_PARAMETER
        if ex and tag is not None and tag != (_EX_TAG, type_class, count):
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
            if not pp or not pbytes:  # *pBytesReturned stays as it was, as on Windows
                return self._fail(ERROR_INVALID_USER_BUFFER)
            if not 0 <= cls < _N_CLASSES:
                return self._fail(ERROR_INVALID_PARAMETER)
            if cls in _UNSUPPORTED or cls in self.unsupported:
                return self._fail(ERROR_NOT_SUPPORTED)
            # WTSIsRemoteSession: "hServer ... must contain WTS_CURRENT_SERVER_HANDLE" (the
            # error for another handle is not documented; the stand-in's choice).
            if cls == _IS_REMOTE_SESSION and h:
                return self._fail(ERROR_INVALID_PARAMETER)
            s = self._find(r, session_id)
            if s is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            # WTSSessionAddressV4: no virtual IP address -> ERROR_NOT_SUPPORTED.
            if cls == _SESSION_ADDRESS_V4 and s.session_address is None:
                return self._fail(ERROR_NOT_SUPPORTED)
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
            13: (ctypes.c_uint32, 0),  # "will always return a value of 0"
            16: (ctypes.c_uint16, s.client_protocol), 29: (ctypes.c_uint8, int(s.is_remote)),
        }  # fmt: skip
        if cls in numbers:
            ctype, value = numbers[cls]
            return bytes(ctype(value))
        if cls == 26:  # WTSCONFIGINFOW; its reserved members stay 0
            config = _wts.WTSCONFIGINFOW()
            config.fDisablePrinterRedirection = int(s.disable_printer_redirection)
            config.fDisableDefaultMainClientPrinter = int(s.disable_default_main_client_printer)
            config.ShadowSettings = s.shadow_settings
            config.LogonUserName = _fit(s.logon_user_name, _wts.USERNAME_LENGTH + 1)
            config.LogonDomain = _fit(s.logon_domain, _wts.DOMAIN_LENGTH + 1)
            config.WorkDirectory = _fit(s.working_directory, _wts.MAX_PATH + 1)
            config.InitialProgram = _fit(s.initial_program, _wts.MAX_PATH + 1)
            return bytes(config)
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
        return to_filetime(s.current_time) if s.current_time is not None else _now_filetime()

    def _times(self, target: Any, s: Session) -> None:
        target.ConnectTime = to_filetime(s.connect_time)
        target.DisconnectTime = to_filetime(s.disconnect_time)
        target.LastInputTime = to_filetime(s.last_input_time)
        target.LogonTime = to_filetime(s.logon_time)
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
        # WTSCLIENT remarks: AF_INET "will return in string format, for example 127.0.0.1"
        # (USHORT characters), AF_INET6 "will return in binary form" (the 16 address bytes).
        family, raw = _address_bytes(s.client_address)
        c.ClientAddressFamily = family
        if s.client_address is not None and s.client_address.version == 4:
            for i, ch in enumerate(str(s.client_address)):
                c.ClientAddress[i] = ord(ch)
        else:
            ctypes.memmove(c.ClientAddress, raw, len(raw))
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
                from ..wts import ConnectState

                s.state = ConnectState.DISCONNECTED
                now = self._current_time(s)
                s.disconnect_time = from_filetime(now)
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
        if self.registrations_ex:
            found.append(f"{len(self.registrations_ex)} session notification registration(s) left")
        found += self._spawn_problems()
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
