"""The simulated netapi32: NetSession* over the SMB table, NetApiBuffer* with accounting."""

from __future__ import annotations

import ctypes
import dataclasses
from collections.abc import Sequence
from typing import Any, Optional

from .._winerror import (
    ERROR_ACCESS_DENIED,
    ERROR_BAD_NETPATH,
    ERROR_INTERNAL_ERROR,
    ERROR_INVALID_LEVEL,
    ERROR_INVALID_PARAMETER,
    ERROR_MORE_DATA,
    NERR_ClientNameNotFound,
    NERR_InvalidComputer,
    NERR_Success,
    NERR_UserNotFound,
)
from ..raw import netapi32 as _net
from ._buffers import _U32, _V, _Api, _Provider, _put_ptr, _put_u32, _server_key, _wbytes, _wstr
from ._tables import LOCAL_SERVER, SmbSession

_BAD_COMPUTER_CHARS = frozenset('\\/:*?"<>|')

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
    accounting). Reach it as ``Simulator.net``. ``privileged`` (default ``True``) says whether
    the caller is in Administrators or Server Operators; without, levels 1 and 2 of
    ``NetSessionEnum``/``NetSessionGetInfo`` and ``NetSessionDel`` give
    ``ERROR_ACCESS_DENIED``, as their remarks document.

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
        self.privileged = True
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
            self.privileged = True
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
                decided = NERR_Success
            else:  # stall
                decided = ERROR_MORE_DATA
                if out:
                    _put_ptr(out[0], None)
                for address in out[1:]:
                    _put_u32(address, 0)
        return decided

    def _filter(self, server: Optional[int], client: Optional[int], user: Optional[int]) -> Any:
        # NERR_InvalidComputer ("The computer name is not valid", the NetSession* pages) for
        # a character a NetBIOS computer name disallows (Microsoft's naming conventions for
        # computers): \ / : * ? " < > |
        if any(ch in _BAD_COMPUTER_CHARS for ch in (_wstr(server) or "").lstrip("\\")):
            return NERR_InvalidComputer
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
            return NERR_UserNotFound
        if any(self._matches(s, (sid, client, None)) for s in self.sessions):
            return NERR_UserNotFound
        return NERR_ClientNameNotFound

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
            if not self.privileged and level in (1, 2):  # "at level 1 or level 2"
                return ERROR_ACCESS_DENIED
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
            return ERROR_MORE_DATA if more else NERR_Success

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
            if not self.privileged and level in (1, 2):
                return ERROR_ACCESS_DENIED
            for s in self.sessions:
                if self._matches(s, f):
                    _put_ptr(bufptr, self._pack(level, [s], self._entry_size(level, s)))
                    return NERR_Success
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
            if not self.privileged:  # NetSessionDel: Administrators or Server Operators only
                return ERROR_ACCESS_DENIED
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
            # NetSessionDel's page lists NERR_ClientNameNotFound, not NERR_UserNotFound.
            return NERR_Success if deleted else NERR_ClientNameNotFound

    def _buffer_free(self, address: Any) -> int:
        if not address:
            return NERR_Success
        with self.lock:
            return NERR_Success if self.buffers.free(address) else ERROR_INVALID_PARAMETER

    def _buffer_allocate(self, count: int, out: Any) -> int:
        if not out:
            return ERROR_INVALID_PARAMETER
        with self.lock:
            _put_ptr(out, self.buffers.alloc(count))
        return NERR_Success

    def _buffer_size(self, address: Any, out: Any) -> int:
        with self.lock:
            if not address or not out or address not in self.buffers.live:
                return ERROR_INVALID_PARAMETER
            _put_u32(out, ctypes.sizeof(self.buffers.live[address][0]))
        return NERR_Success

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
