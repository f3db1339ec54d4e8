"""The simulated secur32 (LSA logon sessions, with advapi32's ``LsaNtStatusToWinError``) and
netapi32's workstation-user calls (``NetWkstaUserEnum``, ``NetWkstaUserGetInfo``).

Behaviours are Microsoft's documented ones, as ``stubs/secur32.c`` (and the workstation part
of ``stubs/netapi32.c``) implement them, each with its page:

- ``LsaEnumerateLogonSessions``: the LUID array of every logon session, freed with
  ``LsaFreeReturnBuffer``.
- ``LsaGetLogonSessionData``: "To retrieve information about a logon session, the caller
  must be the owner of the session or a local system administrator" (its remarks). Here the
  owner is the account (SID) of the caller's own logon session (:attr:`LsaSimulator.caller`);
  without :attr:`LsaSimulator.privileged`, another account's session is
  ``STATUS_ACCESS_DENIED``. An id that is not (or no longer) a logon session is
  ``STATUS_NO_SUCH_LOGON_SESSION`` (the page is silent on the code; it is what Windows
  returns). ``Size`` is :attr:`LsaSimulator.data_size` (default: the whole structure; 136
  plays a Windows before Vista, whose structure ends after ``Upn``).
- ``NetWkstaUserEnum``: levels 0 and 1, paged as the other enumerations; ``servername``
  names this computer or a known server. ``NetWkstaUserGetInfo``: ``reserved`` "must be
  NULL" (else ``ERROR_INVALID_PARAMETER``); levels 0, 1 and 1101; the caller's row is the
  first of the local table.
"""

from __future__ import annotations

import array
import ctypes
import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any, Optional

from .._records import to_filetime
from .._winerror import (
    ERROR_ACCESS_DENIED,
    ERROR_BAD_NETPATH,
    ERROR_INVALID_LEVEL,
    ERROR_INVALID_PARAMETER,
    ERROR_NOT_ENOUGH_MEMORY,
    NERR_Success,
)
from ..raw import netapi32 as _net
from ..raw import secur32 as _lsa
from ._buffers import _I32, _U32, _V, _Api, _Provider, _put_ptr, _put_u32, _sid_bytes, _wstr

# --- tables ---------------------------------------------------------------------------------


@dataclass
class LogonSession:
    """One LSA logon session of the simulated computer (``SECURITY_LOGON_SESSION_DATA``).

    Times are datetimes (naive ones are UTC) or ``None``; ``sid`` is a string SID.

    >>> LogonSession(0x3E7, "SIMULATED$", "CONTOSO", "Negotiate", 5, sid="S-1-5-18")
    ... # doctest: +ELLIPSIS
    LogonSession(logon_id=999, user_name='SIMULATED$', logon_domain='CONTOSO', ...)
    """

    logon_id: int
    user_name: str = ""
    logon_domain: str = ""
    authentication_package: str = ""
    logon_type: int = 0
    session_id: int = 0
    sid: Optional[str] = None
    logon_time: Optional[datetime.datetime] = None
    logon_server: str = ""
    dns_domain_name: str = ""
    upn: str = ""
    user_flags: int = 0
    last_successful_logon: Optional[datetime.datetime] = None
    last_failed_logon: Optional[datetime.datetime] = None
    failed_attempt_count: int = 0
    logon_script: str = ""
    profile_path: str = ""
    home_directory: str = ""
    home_directory_drive: str = ""
    logoff_time: Optional[datetime.datetime] = None
    kick_off_time: Optional[datetime.datetime] = None
    password_last_set: Optional[datetime.datetime] = None
    password_can_change: Optional[datetime.datetime] = None
    password_must_change: Optional[datetime.datetime] = None


@dataclass
class WorkstationUser:
    """A user logged on to a simulated workstation (a ``WKSTA_USER_INFO_1`` row); ``server``
    ``None`` is this computer.

    >>> WorkstationUser("alice", "CONTOSO", "", "DC01")
    WorkstationUser(user_name='alice', logon_domain='CONTOSO', other_domains='', logon_server='DC01', server=None)
    """  # noqa: E501

    user_name: str
    logon_domain: str = ""
    other_domains: str = ""
    logon_server: str = ""
    server: Optional[str] = None


# --- secur32 --------------------------------------------------------------------------------

_DATA = _lsa.SECURITY_LOGON_SESSION_DATA
_STRINGS = (
    ("UserName", "user_name"), ("LogonDomain", "logon_domain"),
    ("AuthenticationPackage", "authentication_package"), ("LogonServer", "logon_server"),
    ("DnsDomainName", "dns_domain_name"), ("Upn", "upn"), ("LogonScript", "logon_script"),
    ("ProfilePath", "profile_path"), ("HomeDirectory", "home_directory"),
    ("HomeDirectoryDrive", "home_directory_drive"),
)  # fmt: skip
_TIMES = (
    ("LogonTime", "logon_time"), ("LogoffTime", "logoff_time"),
    ("KickOffTime", "kick_off_time"), ("PasswordLastSet", "password_last_set"),
    ("PasswordCanChange", "password_can_change"),
    ("PasswordMustChange", "password_must_change"),
)  # fmt: skip
# RtlNtStatusToDosError for the statuses the simulator and the stand-in give.
_WIN_ERROR = {
    _lsa.STATUS_SUCCESS: 0,
    _lsa.STATUS_ACCESS_DENIED: ERROR_ACCESS_DENIED,
    _lsa.STATUS_INVALID_PARAMETER: ERROR_INVALID_PARAMETER,
    _lsa.STATUS_NO_MEMORY: ERROR_NOT_ENOUGH_MEMORY,
    _lsa.STATUS_NO_SUCH_LOGON_SESSION: 1312,  # ERROR_NO_SUCH_LOGON_SESSION
    _lsa.STATUS_NOT_IMPLEMENTED: 1,  # ERROR_INVALID_FUNCTION
}
_ERROR_MR_MID_NOT_FOUND = 317


def _signed(status: int) -> int:
    return ((status & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000


class LsaSimulator(_Api):
    """The simulated secur32 (and advapi32's ``LsaNtStatusToWinError``). Reach it as
    ``Simulator.lsa``; see this module for the behaviours.

    >>> from winsession.testing import LogonSession, Simulator
    >>> sim = Simulator(logon_sessions=[LogonSession(0x3E7, "SYSTEM", sid="S-1-5-18")])
    >>> sim.lsa.logon_sessions[0].user_name, sim.lsa.privileged
    ('SYSTEM', True)
    """

    def __init__(self) -> None:
        super().__init__()
        self.logon_sessions: list[LogonSession] = []
        self.privileged = True
        self.caller: Optional[int] = None
        self.data_size: Optional[int] = None
        self.provider = _Provider("secur32", self.get_last_error)
        for name, argtypes, impl in (
            ("LsaEnumerateLogonSessions", [_V, _V], self._enumerate),
            ("LsaGetLogonSessionData", [_V, _V], self._get_data),
            ("LsaFreeReturnBuffer", [_V], self._free),
        ):
            self.provider.export(name, _I32, argtypes, self._guard(_lsa.STATUS_NO_MEMORY, impl))

    def install(self, advapi32: _Provider) -> None:
        """Export ``LsaNtStatusToWinError`` on the simulated advapi32."""
        advapi32.export("LsaNtStatusToWinError", _U32, [_I32], self._to_win_error)

    # control
    def reset(self) -> None:
        """Empty table, privileged caller, full ``Size``; counters and schedule cleared
        (``outstanding`` is kept: a reset never hides a leak)."""
        with self.lock:
            self.logon_sessions.clear()
            self.schedule.clear()
            self.calls = 0
            self.privileged = True
            self.caller = None
            self.data_size = None
            self.buffers.reset_counters()

    def add(self, row: LogonSession) -> None:
        """Append a logon session (a copy)."""
        with self.lock:
            self.logon_sessions.append(dataclasses.replace(row))

    def vanish_on_call(self, call_no: int, logon_id: int) -> None:
        """Just before call ``call_no``, the logon session ``logon_id`` ends."""
        self._at(call_no, "vanish", logon_id)

    def fail_on_call(self, call_no: int, code: int) -> None:
        """Make call ``call_no`` (1-based; frees are not counted) return NTSTATUS ``code``."""
        self._at(call_no, "fail", _signed(code))

    # implementation
    def _scheduled(self) -> Optional[int]:
        self.calls += 1
        decided: Optional[int] = None
        for kind, arg in self.schedule.pop(self.calls, []):
            if kind == "vanish":
                self.logon_sessions[:] = [s for s in self.logon_sessions if s.logon_id != arg]
            elif decided is None:
                decided = arg
        return decided

    @staticmethod
    def _to_win_error(status: int) -> int:
        return _WIN_ERROR.get(_signed(status), _ERROR_MR_MID_NOT_FOUND)

    def _enumerate(self, pcount: Any, plist: Any) -> int:
        with self.lock:
            decided = self._scheduled()
            if decided is not None:
                return decided
            if not pcount or not plist:
                return _lsa.STATUS_INVALID_PARAMETER
            ids = [s.logon_id & ((1 << 64) - 1) for s in self.logon_sessions]
            base = None
            if ids:
                base = self.buffers.alloc(8 * len(ids))
                ctypes.memmove(base, array.array("Q", ids).tobytes(), 8 * len(ids))
            _put_u32(pcount, len(ids))
            _put_ptr(plist, base)
            return _lsa.STATUS_SUCCESS

    def _readable(self, row: LogonSession) -> bool:
        if self.privileged:
            return True
        own = next((s for s in self.logon_sessions if s.logon_id == self.caller), None)
        return own is not None and own.sid is not None and own.sid == row.sid

    def _get_data(self, pluid: Any, pdata: Any) -> int:
        with self.lock:
            decided = self._scheduled()
            if decided is not None:
                return decided
            if not pluid or not pdata:
                return _lsa.STATUS_INVALID_PARAMETER
            wanted = ctypes.c_uint64.from_address(pluid).value
            row = next((s for s in self.logon_sessions
                        if s.logon_id & ((1 << 64) - 1) == wanted), None)  # fmt: skip
            if row is None:
                return _lsa.STATUS_NO_SUCH_LOGON_SESSION
            if not self._readable(row):
                return _lsa.STATUS_ACCESS_DENIED
            _put_ptr(pdata, self._pack(row))
            return _lsa.STATUS_SUCCESS

    def _pack(self, row: LogonSession) -> int:
        """One buffer: the structure (``Size`` bytes of it), the SID, then the strings."""
        full = ctypes.sizeof(_DATA)
        size = full if self.data_size is None else self.data_size
        head = (min(size, full) + 7) // 8 * 8
        sid = _sid_bytes(row.sid) or b""
        texts = [(field, getattr(row, attr).encode("utf-16-le")) for field, attr in _STRINGS]
        total = head + len(sid) + sum(len(t) + 2 for _, t in texts) + 8
        base = self.buffers.alloc(total)
        data = _DATA()
        data.Size = size
        data.LogonId.LowPart = row.logon_id & 0xFFFFFFFF
        data.LogonId.HighPart = _signed(row.logon_id >> 32)
        data.LogonType = row.logon_type
        data.Session = row.session_id
        data.UserFlags = row.user_flags
        last = data.LastLogonInfo
        last.LastSuccessfulLogon = to_filetime(row.last_successful_logon)
        last.LastFailedLogon = to_filetime(row.last_failed_logon)
        last.FailedAttemptCountSinceLastSuccessfulLogon = row.failed_attempt_count
        for field, attr in _TIMES:
            setattr(data, field, to_filetime(getattr(row, attr)))
        at = base + head
        if sid:
            ctypes.memmove(at, sid, len(sid))
            data.Sid = at
            at += len(sid)
        at = (at + 1) // 2 * 2
        for field, text in texts:
            ctypes.memmove(at, text, len(text))  # the NUL after it is the buffer's zero
            value = getattr(data, field)
            value.Length, value.MaximumLength = len(text), len(text) + 2
            ctypes.c_void_p.from_buffer(value, _lsa.UNICODE_STRING.Buffer.offset).value = at
            at += len(text) + 2
        ctypes.memmove(base, ctypes.addressof(data), min(size, full))
        return base

    def _free(self, address: Any) -> int:
        if not address:
            return _lsa.STATUS_INVALID_PARAMETER
        with self.lock:
            return 0 if self.buffers.free(address) else _lsa.STATUS_INVALID_PARAMETER

    def problems(self) -> list[str]:
        """What :meth:`Simulator.assert_clean` would complain about here."""
        found = []
        if self.outstanding:
            found.append(f"{self.outstanding} LSA buffer(s) leaked")
        if self.double_frees:
            found.append("an LSA buffer was freed twice")
        if self.foreign_frees:
            found.append("LsaFreeReturnBuffer got a pointer it never handed out")
        found += [f"secur32 simulator error: {e!r}" for e in self.internal_errors]
        return found


# --- netapi32's workstation users -------------------------------------------------------------


def install_workstation(net: Any) -> None:
    """Add ``NetWkstaUserEnum`` and ``NetWkstaUserGetInfo`` to the simulated netapi32 ``net``
    (a ``NetApiSimulator``): its lock, call counter, schedule, buffers and paging serve them;
    the rows are ``net.workstation_users``."""
    net.workstation_users = []

    def values(level: int, row: WorkstationUser) -> list[Any]:
        if level == 0:
            return [row.user_name]
        if level == 1101:
            return [row.other_domains]
        return [row.user_name, row.logon_domain, row.other_domains, row.logon_server]

    def rows_of(server: Optional[int]) -> list[WorkstationUser]:
        return [r for r in net.workstation_users if net._server_of(r) == server]

    def enum(server: Any, level: int, bufptr: Any, prefmaxlen: int, entriesread: Any,
             totalentries: Any, resume: Any) -> int:  # fmt: skip
        with net.lock:
            net.last_prefmaxlen = prefmaxlen
            decided = net._scheduled((bufptr or 0, entriesread or 0, totalentries or 0))
            if decided is not None:
                return int(decided)
            if not bufptr or not entriesread or not totalentries:
                return ERROR_INVALID_PARAMETER
            if level not in (0, 1):  # NetWkstaUserEnum's page: levels 0 and 1
                return ERROR_INVALID_LEVEL
            sid = net._find_server(_wstr(server))
            if sid is None:
                return ERROR_BAD_NETPATH
            rows = [values(level, r) for r in rows_of(sid)]
            return int(net._serve_page(_net.WKSTA_USER_INFO_LEVELS[level], rows, bufptr,
                                       prefmaxlen, entriesread, totalentries, resume,
                                       ctypes.c_uint32))  # fmt: skip

    def get_info(reserved: Any, level: int, bufptr: Any) -> int:
        with net.lock:
            decided = net._scheduled((bufptr or 0,))
            if decided is not None:
                return int(decided)
            if reserved or not bufptr:  # "This parameter must be set to NULL."
                return ERROR_INVALID_PARAMETER
            if level not in _net.WKSTA_USER_INFO_LEVELS:
                return ERROR_INVALID_LEVEL
            mine = rows_of(0)
            if not mine:  # no user to describe: the page is silent; the stand-ins' choice
                return 1312  # ERROR_NO_SUCH_LOGON_SESSION
            structure = _net.WKSTA_USER_INFO_LEVELS[level]
            _put_ptr(bufptr, net._pack_rows(structure, [values(level, mine[0])]))
            return NERR_Success

    argtypes = [_V, _U32, _V, _U32, _V, _V, _V]
    net.provider.export("NetWkstaUserEnum", _U32, argtypes, net._guard(1359, enum, _wstr))
    net.provider.export("NetWkstaUserGetInfo", _U32, [_V, _U32, _V], net._guard(1359, get_info))


def clear_workstation_users(net: Any) -> None:
    """Empty ``net``'s workstation-user table."""
    with net.lock:
        net.workstation_users.clear()


def add_workstation_user(net: Any, row: WorkstationUser) -> None:
    """Append a workstation user to ``net``'s table (a copy)."""
    with net.lock:
        if row.server is not None:
            net.add_server(row.server)
        net.workstation_users.append(dataclasses.replace(row))
