"""The simulated netapi32: NetSession* over the SMB table, NetFile* over the open files,
NetConnectionEnum over the connections, NetApiBuffer* with accounting.

Behaviours are Microsoft's documented ones, as stubs/README.md spells them out for the C
stand-in (each with the page it comes from); where the documentation is silent, the README
says so and what both stand-ins do instead."""

from __future__ import annotations

import ctypes
import dataclasses
from collections.abc import Container, Sequence
from typing import Any, Optional

from .._winerror import (
    ERROR_ACCESS_DENIED,
    ERROR_BAD_NETPATH,
    ERROR_FILE_NOT_FOUND,
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
from ._tables import LOCAL_SERVER, OpenFile, SmbConnection, SmbSession

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
        self.files: list[OpenFile] = []
        self._quirk: Optional[str] = None
        self.connections: list[SmbConnection] = []
        self.last_prefmaxlen = 0
        self.privileged = True
        self.provider = _Provider("netapi32", self.get_last_error)
        status = _U32
        for name, argtypes, impl in (
            ("NetSessionEnum", [_V, _V, _V, _U32, _V, _U32, _V, _V, _V], self._enum),
            ("NetSessionGetInfo", [_V, _V, _V, _U32, _V], self._get_info),
            ("NetSessionDel", [_V, _V, _V], self._del),
            ("NetFileEnum", [_V, _V, _V, _U32, _V, _U32, _V, _V, _V], self._file_enum),
            ("NetFileGetInfo", [_V, _U32, _U32, _V], self._file_get_info),
            ("NetFileClose", [_V, _U32], self._file_close),
            ("NetConnectionEnum", [_V, _V, _U32, _V, _U32, _V, _V, _V], self._connection_enum),
            ("NetApiBufferFree", [_V], self._buffer_free),
            ("NetApiBufferReallocate", [_V, _U32, _V], self._buffer_reallocate),
            ("NetApiBufferAllocate", [_U32, _V], self._buffer_allocate),
            ("NetApiBufferSize", [_V, _V], self._buffer_size),
        ):
            server_of = _wstr if name.startswith("NetSession") else None
            self.provider.export(
                name, status, argtypes, self._guard(ERROR_INTERNAL_ERROR, impl, server_of)
            )

    # control
    def reset(self) -> None:
        """Empty table, only the local server; counters and schedule cleared.

        ``outstanding`` is kept: a reset never hides a leak.
        """
        with self.lock:
            self.servers.clear()
            self.sessions.clear()
            self.files.clear()
            self.connections.clear()
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

    def add_file(self, row: OpenFile) -> None:
        """Append an open file to the table (a copy)."""
        with self.lock:
            if row.server is not None:
                self.add_server(row.server)
            self.files.append(dataclasses.replace(row))

    def add_connection(self, row: SmbConnection) -> None:
        """Append a connection to the table (a copy)."""
        with self.lock:
            if row.server is not None:
                self.add_server(row.server)
            self.connections.append(dataclasses.replace(row))

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

    def remove_file_on_call(self, call_no: int, index: int) -> None:
        """Just before serving call ``call_no``, close the ``index``-th open file."""
        self._at(call_no, "remove_file", index)

    def rewind_on_call(self, call_no: int) -> None:
        """That NetFileEnum/NetConnectionEnum call serves its page but says "more data" and
        hands back the resume handle it was given (a server that would loop forever)."""
        self._at(call_no, "rewind")

    def hollow_on_call(self, call_no: int) -> None:
        """That NetFileEnum/NetConnectionEnum call says "more data", returns nothing and moves
        the resume handle on (a server whose paging never ends)."""
        self._at(call_no, "hollow")

    def _remove_session(self, index: int) -> None:
        # Closing a session closes its opens and disconnects its tree connects (MS-SMB2
        # 3.3.4.12 "Server Application Requests Closing a Session": "MUST close every Open
        # in Session.OpenTable ... MUST disconnect every TreeConnect"). A file or connection
        # belongs to the session of the same server, client and user.
        s = self.sessions.pop(index)
        sid = self._server_of(s)

        def owned(row: Any) -> bool:
            return (
                self._server_of(row) == sid
                and self._client_eq(row.client, s.client or "")
                and (row.user or "").casefold() == (s.user or "").casefold()
            )

        self.files[:] = [f for f in self.files if not owned(f)]
        self.connections[:] = [c for c in self.connections if not owned(c)]

    def _server_of(self, s: Any) -> Optional[int]:
        return 0 if s.server is None else self._find_server(s.server)

    def _scheduled(self, out: Sequence[int]) -> Optional[int]:
        self.calls += 1
        decided: Optional[int] = None
        for kind, arg in self.schedule.pop(self.calls, []):
            if kind == "remove":
                if 0 <= arg < len(self.sessions):
                    self._remove_session(arg)
                continue
            if kind == "remove_file":
                if 0 <= arg < len(self.files):
                    del self.files[arg]
                continue
            if kind in ("rewind", "hollow"):
                self._quirk = kind  # applied by _serve_page (NetFileEnum, NetConnectionEnum)
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
                self._remove_session(i)
                deleted += 1
                if only_first:
                    break
            # NetSessionDel's page lists NERR_ClientNameNotFound, not NERR_UserNotFound.
            return NERR_Success if deleted else NERR_ClientNameNotFound

    # --- NetFile* and NetConnectionEnum ---------------------------------------------------

    def _pack_rows(self, structure: Any, rows: Sequence[Sequence[Any]]) -> Optional[int]:
        """One buffer: the structures (field values in declaration order), then their
        strings, as Windows lays an enumeration's buffer out."""
        if not rows:
            return None
        each = ctypes.sizeof(structure)
        fields = [(getattr(structure, name).offset, ctype is ctypes.c_wchar_p)
                  for name, ctype in structure._fields_]  # fmt: skip
        size = each * len(rows) + sum(_wbytes(v) for row in rows for v in row
                                      if isinstance(v, str))  # fmt: skip
        base = self.buffers.alloc(size)
        strings = base + each * len(rows)
        for i, row in enumerate(rows):
            entry = base + i * each
            for (offset, is_text), value in zip(fields, row):
                if not is_text:
                    _put_u32(entry + offset, int(value))
                elif value is None:
                    _put_ptr(entry + offset, None)
                else:
                    text = ctypes.create_unicode_buffer(value)
                    ctypes.memmove(strings, text, ctypes.sizeof(text))
                    _put_ptr(entry + offset, strings)
                    strings += ctypes.sizeof(text)
        return base

    def _serve_page(
        self, structure: Any, rows: Sequence[Sequence[Any]], bufptr: int, prefmaxlen: int,
        entriesread: int, totalentries: int, resume: int, resume_type: Any,
    ) -> int:  # fmt: skip
        """Paging as for NetSessionEnum: the resume handle is the index of the next row,
        at least one entry per page however small ``prefmaxlen`` is."""
        start = resume_type.from_address(resume).value if resume else 0
        quirk, self._quirk = self._quirk, None
        if quirk == "hollow" and resume:  # "more data", nothing, and the handle moves on
            _put_ptr(bufptr, None)
            _put_u32(entriesread, 0)
            _put_u32(totalentries, len(rows))
            resume_type.from_address(resume).value = start + 1
            return ERROR_MORE_DATA
        total = len(rows) - start if start < len(rows) else 0
        each = ctypes.sizeof(structure)
        n = size = 0
        while n < total:
            row = rows[start + n]
            entry = each + sum(_wbytes(v) for v in row if isinstance(v, str))
            if n > 0 and prefmaxlen != _net.MAX_PREFERRED_LENGTH and size + entry > prefmaxlen:
                break
            size += entry
            n += 1
        more = n < total
        _put_ptr(bufptr, self._pack_rows(structure, rows[start : start + n]))
        _put_u32(entriesread, n)
        _put_u32(totalentries, total)
        if quirk == "rewind" and resume:  # a page, "more data", and the same handle again
            resume_type.from_address(resume).value = start
            return ERROR_MORE_DATA
        if resume:
            resume_type.from_address(resume).value = start + n if more else 0
        return ERROR_MORE_DATA if more else NERR_Success

    def _enum_checks(
        self, server: Any, level: int, levels: Container[int], bufptr: Any, prefmaxlen: int,
        entriesread: Any, totalentries: Any,
    ) -> tuple[Optional[int], int]:  # fmt: skip
        """What NetFileEnum and NetConnectionEnum check, in this order, before they look at
        a row: (the status to return, or None) and the server's index. The lock is held."""
        self.last_prefmaxlen = prefmaxlen
        decided = self._scheduled((bufptr or 0, entriesread or 0, totalentries or 0))
        if decided is not None:
            return decided, 0
        if not bufptr or not entriesread or not totalentries:
            return ERROR_INVALID_PARAMETER, 0
        if level not in levels:
            return ERROR_INVALID_LEVEL, 0
        sid = self._find_server(_wstr(server))
        if sid is None:
            return ERROR_BAD_NETPATH, 0
        if not self.privileged:  # both pages' remarks: administrators and operators only
            return ERROR_ACCESS_DENIED, 0
        return None, sid

    @staticmethod
    def _file_values(level: int, f: OpenFile) -> list[Any]:
        if level == 2:
            return [f.file_id]
        return [f.file_id, f.permissions, f.num_locks, f.path, f.user]

    def _file_enum(
        self, server: Any, basepath: Any, username: Any, level: int, bufptr: Any,
        prefmaxlen: int, entriesread: Any, totalentries: Any, resume: Any,
    ) -> int:  # fmt: skip
        with self.lock:
            # NetFileEnum's page: levels 2 and 3; Administrators or Server Operators only.
            status, sid = self._enum_checks(server, level, _net.FILE_INFO_LEVELS, bufptr,
                                            prefmaxlen, entriesread, totalentries)  # fmt: skip
            if status is not None:
                return status
            # basepath: "only resources that have the value of the basepath parameter as a
            # prefix"; username: a user name, or with two leading backslashes a connection
            # (client) name (NetFileEnum's page). Case-insensitive, as Windows names are.
            prefix = (_wstr(basepath) or "").casefold()
            who = _wstr(username) or ""
            rows: list[list[Any]] = []
            for f in self.files:
                if self._server_of(f) != sid:
                    continue
                if prefix and not (f.path or "").casefold().startswith(prefix):
                    continue
                if who.startswith("\\\\"):
                    if not self._client_eq(f.client, who):
                        continue
                elif who and (f.user or "").casefold() != who.casefold():
                    continue
                rows.append(self._file_values(level, f))
            # A filter that matches nothing is an empty success: the page lists no
            # not-found code for NetFileEnum.
            return self._serve_page(_net.FILE_INFO_LEVELS[level], rows, bufptr, prefmaxlen,
                                    entriesread, totalentries, resume, ctypes.c_size_t)  # fmt: skip

    def _find_file(self, server: Any, file_id: int) -> Any:
        sid = self._find_server(_wstr(server))
        if sid is None:
            return (ERROR_BAD_NETPATH,)
        if not self.privileged:  # NetFileGetInfo/Close: Administrators or Server Operators
            return (ERROR_ACCESS_DENIED,)
        for i, f in enumerate(self.files):
            if self._server_of(f) == sid and f.file_id == file_id:
                return i
        # NetFileGetInfo's and NetFileClose's pages: ERROR_FILE_NOT_FOUND, "The file was
        # not found" (MS-SRVS names NERR_FileIdNotFound for the RPC; fail_on_call gives it).
        return (ERROR_FILE_NOT_FOUND,)

    def _file_get_info(self, server: Any, file_id: int, level: int, bufptr: Any) -> int:
        with self.lock:
            decided = self._scheduled((bufptr or 0,))
            if decided is not None:
                return decided
            if not bufptr:
                return ERROR_INVALID_PARAMETER
            if level not in _net.FILE_INFO_LEVELS:
                return ERROR_INVALID_LEVEL
            found = self._find_file(server, file_id)
            if isinstance(found, tuple):
                return int(found[0])
            row = self._file_values(level, self.files[found])
            _put_ptr(bufptr, self._pack_rows(_net.FILE_INFO_LEVELS[level], [row]))
            return NERR_Success

    def _file_close(self, server: Any, file_id: int) -> int:
        with self.lock:
            decided = self._scheduled(())
            if decided is not None:
                return decided
            found = self._find_file(server, file_id)
            if isinstance(found, tuple):
                return int(found[0])
            del self.files[found]
            return NERR_Success

    def _connection_enum(
        self, server: Any, qualifier: Any, level: int, bufptr: Any, prefmaxlen: int,
        entriesread: Any, totalentries: Any, resume: Any,
    ) -> int:  # fmt: skip
        with self.lock:
            # NetConnectionEnum's page: levels 0 and 1; Administrators, operators, Power Users.
            status, sid = self._enum_checks(server, level, _net.CONNECTION_INFO_LEVELS, bufptr,
                                            prefmaxlen, entriesread, totalentries)  # fmt: skip
            if status is not None:
                return status
            q = _wstr(qualifier) or ""
            if not q:
                return ERROR_INVALID_PARAMETER  # the qualifier is what is enumerated
            # "If it is a share name, then all the connections made to that share name are
            # listed. If it is a computer name (it starts with two backslash characters),
            # all connections made from that computer" (NetConnectionEnum's page); the name
            # not given is coni1_netname (CONNECTION_INFO_1's page).
            by_client = q.startswith("\\\\")
            rows: list[list[Any]] = []
            for c in self.connections:
                if self._server_of(c) != sid:
                    continue
                if by_client:
                    if not self._client_eq(c.client, q):
                        continue
                    net_name = c.share
                elif c.share.casefold() != q.casefold():
                    continue
                else:
                    net_name = c.client.lstrip("\\")
                if level == 0:
                    rows.append([c.connection_id])
                else:
                    rows.append([c.connection_id, c.share_type, c.num_opens, c.num_users,
                                 c.time, c.user, net_name])  # fmt: skip
            # No connection matches: an empty success (the page lists no not-found code).
            return self._serve_page(_net.CONNECTION_INFO_LEVELS[level], rows, bufptr,
                                    prefmaxlen, entriesread, totalentries, resume,
                                    ctypes.c_uint32)  # fmt: skip

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

    def _buffer_reallocate(self, address: Any, count: int, out: Any) -> int:
        # As on Windows (Wine's netapi32 apibuf.c conformance test): a NULL OldBuffer
        # allocates, a NewByteCount of 0 frees and hands back NULL, otherwise the contents
        # move to a buffer of the new size. A pointer never handed out (or freed) is counted
        # as a double or foreign free and refused, as by NetApiBufferFree.
        if not out:
            return ERROR_INVALID_PARAMETER
        with self.lock:
            if address and address not in self.buffers.live:
                self.buffers.free(address)
                return ERROR_INVALID_PARAMETER
            if address and not count:
                self.buffers.free(address)
                _put_ptr(out, None)
                return NERR_Success
            new = self.buffers.alloc(count)
            if address:
                kept = min(ctypes.sizeof(self.buffers.live[address][0]), count)
                ctypes.memmove(new, address, kept)
                self.buffers.free(address)
            _put_ptr(out, new)
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
