"""The simulated tscon, shadowing, server list and shutdown: ``WTSConnectSessionW``,
``WTSStartRemoteControlSessionW``, ``WTSStopRemoteControlSession``, ``WTSEnumerateServersW``
and ``WTSShutdownSystem``, as their Microsoft Learn pages describe them and as
``stubs/wtsapi32.c`` implements them (the parity suite holds both to the same results).

- ``WTSConnectSessionW``: "The value of pPassword cannot be NULL" (ERROR_INVALID_PARAMETER);
  an unknown session is ERROR_CTX_WINSTATION_NOT_FOUND; ``TargetLogonId`` may be the current
  session. The pages do not say what happens to the sessions' states: here the connected
  session becomes ACTIVE and the target, when it is another session, DISCONNECTED (what
  ``tscon`` does to the session whose terminal is taken).
- ``WTSStartRemoteControlSessionW``: the session must exist on the named server (NULL or
  the local name: this one; an unknown name is RPC_S_SERVER_UNAVAILABLE) and be ACTIVE
  (otherwise ERROR_CTX_WINSTATION_NOT_FOUND: the page names no error; the stand-in's choice);
  it becomes SHADOW until ``WTSStopRemoteControlSession``, which for a session nobody
  shadows fails with ERROR_INVALID_PARAMETER (the page is silent).
- ``WTSEnumerateServersW``: ``Reserved`` must be 0 and ``Version`` 1; the list is
  ``domain_servers`` (free it with ``WTSFreeMemory``).
- ``WTSShutdownSystem``: ``ShutdownFlag`` must be one ``WTS_WSD_*`` value.
  ``WTS_WSD_LOGOFF`` "Forces all client sessions to log off (except the session calling the
  function)": sessions with a user, other than the current one, are removed. The others are
  recorded (``shutdowns``); the simulated computer does not go away.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional

from .._winerror import (
    ERROR_CTX_WINSTATION_NOT_FOUND,
    ERROR_INVALID_PARAMETER,
    RPC_S_SERVER_UNAVAILABLE,
)
from ..raw import wtsapi32 as _wts
from ._buffers import _I32, _U32, _V, _Provider, _put_ptr, _put_u32, _wstr, _WtsPart

_WSD_FLAGS = frozenset((1, 2, 4, 8, 16))
_ACTIVE, _SHADOW, _DISCONNECTED = 0, 3, 4


class ControlMixin(_WtsPart):
    """The tscon/shadow/servers/shutdown part of :class:`WtsSimulator` (see this module)."""

    def _init_control(self, provider: _Provider, guard: Any) -> None:
        self.domain_servers: list[str] = []
        self.connects: list[tuple[int, int, str, int]] = []
        self.remote_controls: list[tuple[Optional[str], int, int, int]] = []
        self.shutdowns: list[tuple[str, int]] = []
        self.last_domain: Optional[str] = None
        self._shadowed: dict[tuple[str, int], int] = {}
        B = _I32
        exports: list[tuple[str, Any, list[Any], Any]] = [
            ("WTSConnectSessionW", B, [_U32, _U32, _V, _I32], self._connect),
            ("WTSStartRemoteControlSessionW", B, [_V, _U32, ctypes.c_uint8, ctypes.c_uint16],
             self._start_shadow),
            ("WTSStopRemoteControlSession", B, [_U32], self._stop_shadow),
            ("WTSEnumerateServersW", B, [_V, _U32, _U32, _V, _V], self._enum_servers),
            ("WTSShutdownSystem", B, [_V, _U32], self._shutdown),
        ]  # fmt: skip
        for name, restype, argtypes, impl in exports:
            provider.export(name, restype, argtypes, guard(0, impl))

    def _reset_control(self) -> None:
        self.domain_servers.clear()
        self.connects.clear()
        self.remote_controls.clear()
        self.shutdowns.clear()
        self.last_domain = None
        self._shadowed.clear()

    def _connect(self, sid: int, target: int, password: Any, wait: int) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            if not password:
                return self._fail(ERROR_INVALID_PARAMETER)
            source = self._find("", sid)
            taken = self._find("", target)
            if source is None or taken is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            self.connects.append((sid, target, _wstr(password) or "", wait))
            if taken is not source:
                taken.state = type(taken.state)(_DISCONNECTED)
            source.state = type(source.state)(_ACTIVE)
            return 1

    def _start_shadow(self, server: Any, sid: int, vk: int, modifiers: int) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            name = _wstr(server)
            key = self._find_server(name)
            if key is None:
                return self._fail(RPC_S_SERVER_UNAVAILABLE)
            s = self._find(key, sid)
            if s is None or int(s.state) != _ACTIVE:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            self.remote_controls.append((name, sid, vk, modifiers))
            self._shadowed[(key, s.session_id)] = int(s.state)
            s.state = type(s.state)(_SHADOW)
            return 1

    def _stop_shadow(self, sid: int) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            s = self._find("", sid)
            if s is None or ("", s.session_id) not in self._shadowed:
                return self._fail(ERROR_INVALID_PARAMETER)
            s.state = type(s.state)(self._shadowed.pop(("", s.session_id)))
            return 1

    def _enum_servers(self, domain: Any, reserved: int, version: int, pp: Any, pcount: Any) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            if reserved != 0 or version != 1 or not pp or not pcount:
                return self._fail(ERROR_INVALID_PARAMETER)
            self.last_domain = _wstr(domain)
            names = list(self.domain_servers)
            base = self._pack_rows(
                _wts.WTS_SERVER_INFOW, names, lambda n: [n], ["pServerName"],
                lambda entry, row: None, None,
            )  # fmt: skip
            _put_ptr(pp, base)
            _put_u32(pcount, len(names))
            return 1

    def _shutdown(self, h: Any, flag: int) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            if flag not in _WSD_FLAGS:
                return self._fail(ERROR_INVALID_PARAMETER)
            self.shutdowns.append((r, flag))
            if flag == _wts.WTS_WSD_LOGOFF:
                keep = self.current_session if not r else None
                self.sessions[:] = [
                    s for s in self.sessions
                    if self._find_server(s.server) != r
                    or not s.user_name or s.session_id == keep
                ]  # fmt: skip
            return 1
