"""Control side of the stand-in DLLs (see stubs/README.md), bound with exact argtypes.

The stand-in is the very library winsession loaded (same handle), so what the tests set up
here is what the binding under test sees through the real FFI.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from winsession import _dll

c_u32, c_i32, c_i64, c_wstr = ctypes.c_uint32, ctypes.c_int32, ctypes.c_int64, ctypes.c_wchar_p

# Hostile modes (stubs/README.md, "Hostile modes"): stub_net_hostile(mode, arg).
NET_NULL_BUFFER, NET_COUNT_OVER, NET_SPIN, NET_REPEAT, NET_SHORT_BUFFER = 1, 2, 3, 4, 5
NET_NULL_AND_BELOW, NET_UNTERMINATED, NET_MISALIGNED = 6, 7, 8
# stub_wts_hostile(mode, arg).
WTS_NULL_BUFFER, WTS_QUERY_SIZE, WTS_SID_COUNT, WTS_OPEN_NULL = 1, 2, 3, 4

_NET_EXPORTS: dict[str, tuple[Any, list[Any]]] = {
    "stub_net_reset": (None, []),
    "stub_net_add_server": (c_i32, [c_wstr]),
    "stub_net_set_delay": (c_i32, [c_wstr, c_u32]),
    "stub_net_add_session": (
        c_i32,
        [c_wstr, c_wstr, c_wstr, c_u32, c_u32, c_u32, c_u32, c_wstr, c_wstr],
    ),
    "stub_net_add_sessions_bulk": (c_i32, [c_u32]),
    "stub_net_remove_session": (c_i32, [c_u32]),
    "stub_net_session_count": (c_u32, []),
    "stub_net_fail_on_call": (None, [c_u32, c_u32]),
    "stub_net_remove_on_call": (None, [c_u32, c_u32]),
    "stub_net_stall_on_call": (None, [c_u32]),
    "stub_net_lazy_on_call": (None, [c_u32]),
    "stub_net_add_on_call": (None, [c_u32, c_u32]),
    "stub_net_hostile": (None, [c_u32, c_u32]),
    "stub_net_set_privileged": (None, [c_i32]),
    "stub_net_calls": (c_u32, []),
    "stub_net_outstanding": (c_i64, []),
    "stub_net_allocs": (c_u32, []),
    "stub_net_frees": (c_u32, []),
    "stub_net_double_frees": (c_u32, []),
    "stub_net_foreign_frees": (c_u32, []),
    "stub_net_last_prefmaxlen": (c_u32, []),
    "stub_net_struct_size": (c_u32, [c_u32]),
    "stub_net_field_offset": (c_i32, [c_u32, c_u32]),
    "stub_net_add_file": (c_i32, [c_wstr, c_u32, c_wstr, c_wstr, c_wstr, c_u32, c_u32]),
    "stub_net_add_files_bulk": (c_i32, [c_u32]),
    "stub_net_add_connection": (
        c_i32,
        [c_wstr, c_u32, c_wstr, c_wstr, c_wstr, c_u32, c_u32, c_u32, c_u32],
    ),
    "stub_net_remove_file_on_call": (None, [c_u32, c_u32]),
    "stub_net_file_count": (c_u32, []),
    "stub_net_connection_count": (c_u32, []),
    "stub_net_share_struct_size": (c_u32, [c_u32, c_u32]),
    "stub_net_share_field_offset": (c_i32, [c_u32, c_u32, c_u32]),
}


c_u8p = ctypes.c_char_p
_WTS_EXPORTS: dict[str, tuple[Any, list[Any]]] = {
    "stub_wts_reset": (None, []),
    "stub_wts_add_server": (c_i32, [c_wstr]),
    "stub_wts_set_delay": (c_i32, [c_wstr, c_u32]),
    "stub_wts_add_session": (c_i32, [c_wstr, c_u32, c_u32, c_wstr]),
    "stub_wts_set_string": (c_i32, [c_wstr, c_u32, c_u32, c_wstr]),
    "stub_wts_set_number": (c_i32, [c_wstr, c_u32, c_u32, c_i64]),
    "stub_wts_set_address": (c_i32, [c_wstr, c_u32, c_u32, c_u8p, c_u32]),
    "stub_wts_set_blob": (c_i32, [c_wstr, c_u32, c_u32, c_u8p, c_u32]),
    "stub_wts_set_current_session": (None, [c_u32]),
    "stub_wts_set_console_session": (None, [c_u32]),
    "stub_wts_add_process": (c_i32, [c_wstr, c_u32, c_u32, c_wstr, c_u8p, c_u32]),
    "stub_wts_session_state": (c_u32, [c_wstr, c_u32]),
    "stub_wts_session_count": (c_u32, [c_wstr]),
    "stub_wts_empty_is_error": (None, [c_i32]),
    "stub_wts_unsupported_class": (None, [c_u32]),
    "stub_wts_set_message_response": (None, [c_i32]),
    "stub_wts_last_message": (c_u32, [ctypes.c_wchar_p, c_u32, ctypes.c_wchar_p, c_u32]),
    "stub_wts_last_timeout": (c_u32, []),
    "stub_wts_last_wait": (c_i32, []),
    "stub_wts_queue_event": (None, [c_u32]),
    "stub_wts_waiters": (c_u32, []),
    "stub_wts_fail_on_call": (None, [c_u32, c_u32]),
    "stub_wts_hostile": (None, [c_u32, c_u32]),
    "stub_wts_calls": (c_u32, []),
    "stub_wts_outstanding": (c_i64, []),
    "stub_wts_allocs": (c_u32, []),
    "stub_wts_frees": (c_u32, []),
    "stub_wts_double_frees": (c_u32, []),
    "stub_wts_foreign_frees": (c_u32, []),
    "stub_wts_wrong_frees": (c_u32, []),
    "stub_wts_bad_free_args": (c_u32, []),
    "stub_wts_bad_closes": (c_u32, []),
    "stub_wts_open_handles": (c_u32, []),
    "stub_wts_registrations": (c_u32, []),
    "stub_wts_registrations_ex": (c_u32, []),
    "stub_wts_changes_posted": (c_u32, []),
    "stub_wts_set_post_message": (None, [ctypes.c_void_p]),
    "stub_wts_post_session_change": (c_u32, [c_wstr, c_u32, c_u32]),
    "stub_wts_send_session_change": (c_u32, [c_wstr, c_u32, c_u32]),
    "stub_wts_live_windows": (c_u32, []),
    "stub_wts_tokens_handed": (c_u32, []),
    "stub_wts_tokens_open": (c_u32, []),
    "stub_wts_token_bad_closes": (c_u32, []),
    "stub_wts_last_token_session": (c_u32, []),
    "stub_wts_set_tcb": (None, [c_i32]),
    "stub_wts_connects": (c_u32, []),
    "stub_wts_last_connect_wait": (c_u32, []),
    "stub_wts_remote_controls": (c_u32, []),
    "stub_wts_last_hotkey": (c_u32, []),
    "stub_wts_shutdowns": (c_u32, []),
    "stub_wts_last_shutdown": (c_u32, []),
    "stub_wts_add_domain_server": (c_i32, [c_wstr]),
    "stub_wts_struct_size": (c_u32, [c_u32]),
    "stub_wts_field_offset": (c_i32, [c_u32, c_u32]),
}


def _bind(dll: str, exports: dict[str, tuple[Any, list[Any]]], prefix: str) -> dict[str, Any]:
    lib = _dll.load(dll)
    # A second library object on the same handle: its own function objects, so setting
    # argtypes here cannot disturb the declarations under test.
    ctl = ctypes.CDLL(lib._name, handle=lib._handle)
    missing = [name for name in exports if not hasattr(ctl, name)]
    if missing:
        raise RuntimeError(
            f"{lib._name} is not the {dll} stand-in (missing {missing[:3]}...);"
            " in Wine, WINEDLLOVERRIDES must prefer the native DLL in the prefix's System32"
        )
    bound = {}
    for name, (restype, argtypes) in exports.items():
        fn = getattr(ctl, name)
        fn.restype = restype
        fn.argtypes = argtypes
        bound[name[len(prefix) :]] = fn
    return bound


class _Stub:
    def __init__(self, fns: dict[str, Any]) -> None:
        self._fn = fns

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fn[name]
        except KeyError:
            raise AttributeError(name) from None


class WtsStub(_Stub):
    """The wtsapi32 stand-in's control exports."""

    def __init__(self) -> None:
        super().__init__(_bind("wtsapi32", _WTS_EXPORTS, "stub_wts_"))

    def last_message_text(self) -> tuple[str, str, int]:
        """(title, message, style) of the last WTSSendMessageW."""
        title = ctypes.create_unicode_buffer(512)
        text = ctypes.create_unicode_buffer(2048)
        style = self.last_message(title, 512, text, 2048)
        return title.value, text.value, int(style)

    def assert_clean(self) -> None:
        """No WTS buffer or handle outstanding, none misfreed."""
        assert self.outstanding() == 0, f"{self.outstanding()} WTS buffers leaked"
        for counter in ("double_frees", "foreign_frees", "wrong_frees", "bad_free_args"):
            assert getattr(self, counter)() == 0, counter
        assert self.bad_closes() == 0, "a server handle was closed twice or never opened"
        assert self.open_handles() == 0, f"{self.open_handles()} server handles left open"
        assert self.registrations_ex() == 0, "a session notification registration was left"
        assert self.live_windows() == 0, "a registered window was never destroyed"
        assert self.tokens_open() == 0, f"{self.tokens_open()} user tokens left open"
        assert self.token_bad_closes() == 0, "CloseHandle on something that is no token"


@dataclass(frozen=True)
class Session:
    """One row of the stand-in's session table."""

    cname: str
    username: str
    num_opens: int = 0
    time: int = 0
    idle_time: int = 0
    user_flags: int = 0
    cltype_name: str = ""
    transport: str = ""
    server: Optional[str] = None

    def record(self, level: int = 502) -> Any:
        """The record ``net`` must make of this row at ``level``: each field as the
        ``SESSION_INFO_<level>`` page describes it, filled from the row."""
        from winsession import net

        flags = net.SessionFlags(self.user_flags)
        if level == 0:
            return net.SessionInfo0(self.cname)
        if level == 10:
            return net.SessionInfo10(self.cname, self.username, self.time, self.idle_time)
        common = (self.cname, self.username, self.num_opens, self.time, self.idle_time, flags)
        if level == 1:
            return net.SessionInfo1(*common)
        if level == 2:
            return net.SessionInfo2(*common, self.cltype_name)
        if level == 502:
            return net.SessionInfo502(*common, self.cltype_name, self.transport)
        raise ValueError(f"SESSION_INFO has no level {level}")


@dataclass(frozen=True)
class File:
    """One row of the stand-in's open-file table (tied to the session of client + user)."""

    id: int
    path: Optional[str]
    user: Optional[str]
    client: Optional[str] = None
    permissions: int = 1
    num_locks: int = 0
    server: Optional[str] = None


@dataclass(frozen=True)
class Connection:
    """One row of the stand-in's connection table."""

    id: int
    share: str
    client: str
    user: Optional[str]
    type: int = 0
    num_opens: int = 0
    num_users: int = 1
    time: int = 0
    server: Optional[str] = None


class NetStub(_Stub):
    """The netapi32 stand-in's control exports."""

    def __init__(self) -> None:
        super().__init__(_bind("netapi32", _NET_EXPORTS, "stub_net_"))

    def load(self, sessions: list[Session]) -> None:
        """Reset the stand-in and fill its table with ``sessions``, in order."""
        self.reset()
        for s in sessions:
            if s.server is not None:
                self.add_server(s.server)
            count = self.add_session(
                s.server,
                s.cname,
                s.username,
                s.num_opens,
                s.time,
                s.idle_time,
                s.user_flags,
                s.cltype_name,
                s.transport,
            )
            assert count > 0, "stand-in refused a session"

    def load_files(self, files: list[File], connections: Sequence[Connection] = ()) -> None:
        """Append open files and connections (after :meth:`load`, which resets)."""
        for f in files:
            count = self.add_file(f.server, f.id, f.path, f.user, f.client, f.permissions,
                                  f.num_locks)  # fmt: skip
            assert count > 0, "stand-in refused a file"
        for c in connections:
            count = self.add_connection(c.server, c.id, c.share, c.client, c.user, c.type,
                                        c.num_opens, c.num_users, c.time)  # fmt: skip
            assert count > 0, "stand-in refused a connection"

    @staticmethod
    def synthetic_file(index: int) -> File:
        """The file ``stub_net_add_files_bulk`` puts at table index ``index``."""
        return File(index + 1, f"C:\\Shares\\Data\\f{index}.dat", f"u{index % 100}",
                    f"\\\\C{index % 100}", 1 + index % 7, index % 4)  # fmt: skip

    @staticmethod
    def synthetic(index: int) -> Session:
        """The session ``stub_net_add_sessions_bulk`` puts at table index ``index``."""
        return Session(
            cname=f"\\\\C{index}",
            username=f"u{index}",
            num_opens=index % 8,
            time=index,
            idle_time=index % 3600,
            user_flags=index % 4,
            cltype_name="Windows 10 Enterprise",
            transport="\\Device\\NetbiosSmb",
        )

    def assert_clean(self) -> None:
        """No buffer outstanding, none freed twice, no foreign pointer freed."""
        assert self.outstanding() == 0, f"{self.outstanding()} NetApi buffers leaked"
        assert self.double_frees() == 0, "a NetApi buffer was freed twice"
        assert self.foreign_frees() == 0, "NetApiBufferFree got a pointer it never handed out"


# --- secur32 (LSA logon sessions) and netapi32's workstation users (issue 22) ---------------

# stub_lsa_hostile(mode, arg).
LSA_COUNT, LSA_NULL_LIST, LSA_NO_DATA = 1, 2, 3
# String members of SECURITY_LOGON_SESSION_DATA, in the order stub_lsa_set_string numbers them.
LSA_STRINGS = (
    "UserName", "LogonDomain", "AuthenticationPackage", "LogonServer", "DnsDomainName", "Upn",
    "LogonScript", "ProfilePath", "HomeDirectory", "HomeDirectoryDrive",
)  # fmt: skip

_LSA_EXPORTS: dict[str, tuple[Any, list[Any]]] = {
    "stub_lsa_reset": (None, []),
    "stub_lsa_add_session": (c_i32, [c_u32, c_i32, c_u32, c_u32, c_u8p, c_u32, c_i64]),
    "stub_lsa_set_string": (c_i32, [c_u32, c_u32, c_u8p, c_u32, c_i32, c_i32]),
    "stub_lsa_set_extended": (
        c_i32,
        [c_u32, c_u32, c_i64, c_i64, c_u32, c_i64, c_i64, c_i64, c_i64, c_i64],
    ),
    "stub_lsa_set_data_size": (None, [c_u32]),
    "stub_lsa_set_privileged": (None, [c_i32]),
    "stub_lsa_set_caller": (None, [c_i32]),
    "stub_lsa_fail_on_call": (None, [c_u32, c_i32]),
    "stub_lsa_vanish_on_call": (None, [c_u32, c_u32]),
    "stub_lsa_hostile": (None, [c_u32, c_u32]),
    "stub_lsa_calls": (c_u32, []),
    "stub_lsa_session_count": (c_u32, []),
    "stub_lsa_outstanding": (c_i64, []),
    "stub_lsa_allocs": (c_u32, []),
    "stub_lsa_frees": (c_u32, []),
    "stub_lsa_double_frees": (c_u32, []),
    "stub_lsa_foreign_frees": (c_u32, []),
    "stub_lsa_struct_size": (c_u32, [c_u32]),
    "stub_lsa_field_offset": (c_i32, [c_u32, c_u32]),
}

_WKSTA_EXPORTS: dict[str, tuple[Any, list[Any]]] = {
    "stub_net_wksta_reset": (None, []),
    "stub_net_wksta_add_user": (c_i32, [c_wstr, c_wstr, c_wstr, c_wstr, c_wstr]),
    "stub_net_wksta_struct_size": (c_u32, [c_u32]),
    "stub_net_wksta_field_offset": (c_i32, [c_u32, c_u32]),
}


@dataclass(frozen=True)
class Logon:
    """One row of the secur32 stand-in's logon-session table (times as FILETIME ticks)."""

    logon_id: int
    user_name: str = ""
    logon_domain: str = ""
    authentication_package: str = ""
    logon_type: int = 2
    session_id: int = 0
    sid: Optional[bytes] = None
    logon_time: int = 0
    logon_server: str = ""
    dns_domain_name: str = ""
    upn: str = ""
    user_flags: int = 0
    last_successful_logon: int = 0
    last_failed_logon: int = 0
    failed_attempt_count: int = 0
    logon_script: str = ""
    profile_path: str = ""
    home_directory: str = ""
    home_directory_drive: str = ""
    logoff_time: int = 0
    kick_off_time: int = 0
    password_last_set: int = 0
    password_can_change: int = 0
    password_must_change: int = 0

    def strings(self) -> tuple[str, ...]:
        """The string members in LSA_STRINGS order."""
        return (self.user_name, self.logon_domain, self.authentication_package,
                self.logon_server, self.dns_domain_name, self.upn, self.logon_script,
                self.profile_path, self.home_directory, self.home_directory_drive)  # fmt: skip


def sid_bytes(text: str) -> bytes:
    """The binary SID of ``S-1-<authority>-<sub>...``."""
    parts = text.split("-")
    subs = [int(p) for p in parts[3:]]
    head = bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, "big")
    return head + b"".join(s.to_bytes(4, "little") for s in subs)


class LsaStub(_Stub):
    """The secur32 stand-in's control exports."""

    def __init__(self) -> None:
        super().__init__(_bind("secur32", _LSA_EXPORTS, "stub_lsa_"))

    def add(self, row: Logon) -> int:
        """Append ``row``; its index."""
        low, high = row.logon_id & 0xFFFFFFFF, ((row.logon_id >> 32) ^ 0x80000000) - 0x80000000
        sid = row.sid
        index = int(self.add_session(low, high, row.logon_type, row.session_id, sid,
                                     len(sid or b""), row.logon_time))  # fmt: skip
        assert index >= 0, "stand-in refused a logon session"
        for field, text in enumerate(row.strings()):
            self.set_text(index, field, text)
        assert (
            self.set_extended(
                index,
                row.user_flags,
                row.last_successful_logon,
                row.last_failed_logon,
                row.failed_attempt_count,
                row.logoff_time,
                row.kick_off_time,
                row.password_last_set,
                row.password_can_change,
                row.password_must_change,
            )
            == 0
        )
        return index

    def set_text(self, index: int, field: int, text: str) -> None:
        """String member ``field`` of row ``index`` as Windows holds it: UTF-16LE bytes."""
        data = text.encode("utf-16-le", "surrogatepass")
        assert self.set_string(index, field, data, len(data), -1, -1) == 0

    def load(self, rows: Sequence[Logon]) -> None:
        """Reset the stand-in and fill its table with ``rows``, in order."""
        self.reset()
        for row in rows:
            self.add(row)

    def assert_clean(self) -> None:
        """No LSA buffer outstanding, none freed twice, no foreign pointer freed."""
        assert self.outstanding() == 0, f"{self.outstanding()} LSA buffers leaked"
        assert self.double_frees() == 0, "an LSA buffer was freed twice"
        assert self.foreign_frees() == 0, "LsaFreeReturnBuffer got a pointer it never handed out"


class WkstaStub(_Stub):
    """The workstation-user part of the netapi32 stand-in (its own table; NetStub's buffers)."""

    def __init__(self) -> None:
        super().__init__(_bind("netapi32", _WKSTA_EXPORTS, "stub_net_wksta_"))
