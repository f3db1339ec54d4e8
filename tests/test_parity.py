"""One scenario suite, two backends: the C stand-ins and winsession.testing's simulator.

Every scenario loads the same table into a backend, drives winsession's public API (so the
real decoding and freeing code runs through the FFI) and asserts the same expected results.
``test_standin`` runs each scenario against the C stand-ins (host and wine-standin tiers);
``test_simulator`` against the pure-Python simulator (every tier: it needs no DLL).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import ipaddress
import sys
from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest
from stubctl import Connection as StubConnection
from stubctl import File as StubFile
from stubctl import NetStub, WtsStub
from stubctl import Session as StubSmb

from winsession import errors, net, wts
from winsession._records import to_filetime
from winsession.raw import wtsapi32
from winsession.testing import (
    OpenFile,
    Process,
    Session,
    Simulator,
    SmbConnection,
    SmbSession,
    _buffers,
)

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
NOW = T0 + datetime.timedelta(hours=2)


class Backend:
    """What a scenario may ask of either backend."""

    local_name = ""

    def load_smb(self, sessions: list[SmbSession]) -> None:
        raise NotImplementedError

    def load_files(self, files: list[OpenFile], connections: list[SmbConnection]) -> None:
        """Append open files and connections (after load_smb)."""
        raise NotImplementedError

    def remove_file_on_call(self, call_no: int, index: int) -> None:
        raise NotImplementedError

    def load_wts(
        self, sessions: list[Session], processes: Optional[list[Process]] = None,
        servers: Optional[list[str]] = None,
    ) -> None:  # fmt: skip
        raise NotImplementedError

    net: Any
    wts: Any


class StandinBackend(Backend):
    local_name = "STANDIN"

    def __init__(self, netstub: NetStub, wtsstub: WtsStub) -> None:
        self.net = netstub
        self.wts = wtsstub

    def load_smb(self, sessions: list[SmbSession]) -> None:
        self.net.load([
            StubSmb(s.client or "", s.user or "", s.num_opens, s.active_time, s.idle_time,
                    s.user_flags, s.client_type or "", s.transport or "", s.server)
            for s in sessions
        ])  # fmt: skip

    def load_files(self, files: list[OpenFile], connections: list[SmbConnection]) -> None:
        self.net.load_files(
            [StubFile(f.file_id, f.path, f.user, f.client, f.permissions, f.num_locks, f.server)
             for f in files],
            [StubConnection(c.connection_id, c.share, c.client, c.user, c.share_type,
                            c.num_opens, c.num_users, c.time, c.server) for c in connections],
        )  # fmt: skip

    def remove_file_on_call(self, call_no: int, index: int) -> None:
        self.net.remove_file_on_call(call_no, index)

    def load_wts(
        self, sessions: list[Session], processes: Optional[list[Process]] = None,
        servers: Optional[list[str]] = None,
    ) -> None:  # fmt: skip
        w = self.wts
        w.reset()
        for name in servers or []:
            w.add_server(name)
        for s in sessions:
            srv = s.server
            if srv is not None:
                w.add_server(srv)
            assert w.add_session(srv, s.session_id, int(s.state), s.win_station_name) >= 0
            for code, attr in STRINGS.items():
                assert w.set_string(srv, s.session_id, code, getattr(s, attr)) == 0
            for code, attr in NUMBERS.items():
                value = getattr(s, attr)
                if isinstance(value, datetime.datetime) or value is None:
                    if value is None:
                        continue  # unset: CurrentTime follows the clock, others stay 0
                    value = to_filetime(value)
                assert w.set_number(srv, s.session_id, code, int(value)) == 0
            family, raw = _buffers._address_bytes(s.client_address)
            if family:
                assert w.set_address(srv, s.session_id, family, raw, len(raw)) == 0
            if s.session_address is not None:
                raw = b"\0\0" + s.session_address.packed
                assert w.set_blob(srv, s.session_id, 28, raw, len(raw)) == 0
        for p in processes or []:
            sid = _buffers._sid_bytes(p.user_sid)
            assert (
                w.add_process(p.server, p.session_id, p.process_id, p.name, sid, len(sid or b""))
                == 0
            )

    # uniform control surface (the stand-in's exports under the simulator's names)
    def net_outstanding(self) -> int:
        return int(self.net.outstanding())

    def net_calls(self) -> int:
        return int(self.net.calls())

    def wts_calls(self) -> int:
        return int(self.wts.calls())

    def last_prefmaxlen(self) -> int:
        return int(self.net.last_prefmaxlen())

    def set_current_session(self, session_id: int) -> None:
        self.wts.set_current_session(session_id)

    def empty_is_error(self) -> None:
        self.wts.empty_is_error(1)

    def set_privileged(self, on: bool) -> None:
        self.net.set_privileged(int(on))

    def unsupported_class(self, cls: int) -> None:
        self.wts.unsupported_class(cls)

    def set_message_response(self, response: int) -> None:
        self.wts.set_message_response(response)

    def last_message(self) -> tuple[str, str, int, int, int]:
        title, text, style = self.wts.last_message_text()
        return title, text, style, int(self.wts.last_timeout()), int(self.wts.last_wait())

    def queue_event(self, flags: int) -> None:
        self.wts.queue_event(flags)

    def waiters(self) -> int:
        return int(self.wts.waiters())

    def session_count(self, server: Optional[str] = None) -> int:
        return int(self.wts.session_count(server))

    @contextlib.contextmanager
    def user32(self) -> Iterator[None]:
        """Real user32 under Wine; on Linux the simulated one, posted to by the stand-in."""
        if sys.platform == "win32":
            yield
            return
        from winsession import _dll
        from winsession.testing._user32 import User32Simulator

        sim = User32Simulator()
        previous = _dll.use_simulator("user32", sim.provider)
        self.wts.set_post_message(ctypes.cast(sim.provider.PostMessageW, ctypes.c_void_p).value)
        try:
            yield
        finally:
            self.wts.set_post_message(None)
            _dll.clear_simulator("user32", previous)
            assert sim.problems() == []

    def post_session_change(self, kind: int, session_id: int) -> int:
        return int(self.wts.post_session_change(None, kind, session_id))

    def registrations_ex(self) -> int:
        return int(self.wts.registrations_ex())

    def open_tokens(self) -> int:
        return int(self.wts.tokens_open())

    def set_tcb(self, held: bool) -> None:
        self.wts.set_tcb(int(held))

    def last_hotkey(self) -> tuple[int, int]:
        value = int(self.wts.last_hotkey())
        return value & 0xFF, value >> 8

    def add_domain_servers(self, names: list[str]) -> None:
        for name in names:
            assert self.wts.add_domain_server(name) == 0

    def last_shutdown(self) -> int:
        return int(self.wts.last_shutdown())


class SimulatorBackend(Backend):
    local_name = "SIMULATED"

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.net = sim.net
        self.wts = sim.wts

    def load_smb(self, sessions: list[SmbSession]) -> None:
        self.sim.net.reset()
        for s in sessions:
            self.sim.net.add(s)

    def load_files(self, files: list[OpenFile], connections: list[SmbConnection]) -> None:
        for f in files:
            self.sim.net.add_file(f)
        for c in connections:
            self.sim.net.add_connection(c)

    def remove_file_on_call(self, call_no: int, index: int) -> None:
        self.sim.net.remove_file_on_call(call_no, index)

    def load_wts(
        self, sessions: list[Session], processes: Optional[list[Process]] = None,
        servers: Optional[list[str]] = None,
    ) -> None:  # fmt: skip
        self.sim.wts.reset()
        for name in servers or []:
            self.sim.wts.add_server(name)
        for item in [*sessions, *(processes or [])]:
            self.sim.wts.add(item)

    def net_outstanding(self) -> int:
        return self.sim.net.outstanding

    def net_calls(self) -> int:
        return self.sim.net.calls

    def wts_calls(self) -> int:
        return self.sim.wts.calls

    def last_prefmaxlen(self) -> int:
        return self.sim.net.last_prefmaxlen

    def set_current_session(self, session_id: int) -> None:
        self.sim.wts.current_session = session_id

    def empty_is_error(self) -> None:
        self.sim.wts.empty_is_error = True

    def set_privileged(self, on: bool) -> None:
        self.sim.net.privileged = on

    def unsupported_class(self, cls: int) -> None:
        self.sim.wts.unsupported.add(cls)

    def set_message_response(self, response: int) -> None:
        self.sim.wts.message_response = response

    def last_message(self) -> tuple[str, str, int, int, int]:
        title, text, style = self.sim.wts.last_message
        return title, text, style, self.sim.wts.last_timeout, self.sim.wts.last_wait

    def queue_event(self, flags: int) -> None:
        self.sim.wts.queue_event(flags)

    def waiters(self) -> int:
        return self.sim.wts.waiters_blocked

    def session_count(self, server: Optional[str] = None) -> int:
        key = self.sim.wts._find_server(server)
        return sum(1 for s in self.sim.wts.sessions if self.sim.wts._find_server(s.server) == key)

    @contextlib.contextmanager
    def user32(self) -> Iterator[None]:
        yield  # the Simulator binds its own user32

    def post_session_change(self, kind: int, session_id: int) -> int:
        return self.sim.wts.post_session_change(kind, session_id)

    def registrations_ex(self) -> int:
        return len(self.sim.wts.registrations_ex)

    def open_tokens(self) -> int:
        return self.sim.wts.open_tokens

    def set_tcb(self, held: bool) -> None:
        self.sim.wts.tcb_privilege = held

    def last_hotkey(self) -> tuple[int, int]:
        _, _, vk, modifiers = self.sim.wts.remote_controls[-1]
        return vk, modifiers

    def add_domain_servers(self, names: list[str]) -> None:
        self.sim.wts.domain_servers.extend(names)

    def last_shutdown(self) -> int:
        return self.sim.wts.shutdowns[-1][1]


STRINGS = {
    0: "initial_program", 1: "application_name", 2: "working_directory", 3: "oem_id",
    5: "user_name", 7: "domain_name", 10: "client_name", 11: "client_directory",
    100: "host_name", 101: "farm_name", 102: "logon_user_name", 103: "logon_domain",
}  # fmt: skip
NUMBERS = {
    9: "client_build_number", 12: "client_product_id", 13: "client_hardware_id",
    16: "client_protocol", 29: "is_remote", 200: "connect_time", 201: "disconnect_time",
    202: "last_input_time", 203: "logon_time", 204: "current_time", 205: "incoming_bytes",
    206: "outgoing_bytes", 207: "incoming_frames", 208: "outgoing_frames",
    209: "incoming_compressed_bytes", 210: "outgoing_compressed_bytes", 211: "session_flags",
    212: "exec_env_id", 213: "horizontal_resolution", 214: "vertical_resolution",
    215: "color_depth", 216: "encryption_level", 217: "disable_printer_redirection",
    218: "disable_default_main_client_printer", 219: "shadow_settings",
}  # fmt: skip

# --- tables -------------------------------------------------------------------------------

SMB = [
    SmbSession("\\\\10.0.0.5", "alice", 3, 3600, 20, 0, "Windows 10", "\\Device\\NetbiosSmb"),
    SmbSession("\\\\10.0.0.6", "bob", 1, 125, 5, 1, "Samba", "\\Device\\Tcpip"),
    SmbSession("\\\\10.0.0.5", "carol", 0, 60, 60, 2, "Windows 11", "\\Device\\Tcpip"),
    SmbSession("PC7", "Dave", 7, 7, 7, 3, "", ""),
    SmbSession("\\\\10.0.0.9", "erin", 2, 10, 1, 0, "Windows", "tcp", server="FS01"),
]
LOCAL = SMB[:4]

ALICE = Session(
    2, state=0, win_station_name="RDP-Tcp#3", user_name="alice", domain_name="CONTOSO",
    client_name="ALICE-PC", client_address=ipaddress.ip_address("10.0.0.5"),
    client_protocol=2, client_build_number=22631, client_product_id=1,
    client_hardware_id=77, client_directory="C:\\Windows\\System32\\mstscax.dll",
    application_name="app", working_directory="C:\\work", oem_id="OEM",
    host_name="RDS01", farm_name="FARM", connect_time=T0,
    last_input_time=NOW - datetime.timedelta(minutes=5), logon_time=T0, current_time=NOW,
    incoming_bytes=1000, outgoing_bytes=2000, incoming_frames=10, outgoing_frames=20,
    incoming_compressed_bytes=5, outgoing_compressed_bytes=6, session_flags=0,
    exec_env_id=3, horizontal_resolution=1920, vertical_resolution=1080, color_depth=24,
    encryption_level=2, is_remote=True, disable_printer_redirection=True, shadow_settings=2,
    logon_user_name="auto", logon_domain="CONTOSO",
    session_address=ipaddress.IPv4Address("192.168.1.50"),
)  # fmt: skip
BOB = Session(
    3, state=4, win_station_name="", user_name="bob", domain_name="CONTOSO",
    client_name="BOB-LAPTOP", client_address=ipaddress.ip_address("fe80::1"),
    client_protocol=2, logon_time=T0, connect_time=T0,
    disconnect_time=T0 + datetime.timedelta(minutes=30), current_time=NOW, session_flags=1,
)  # fmt: skip
LONG = Session(
    4, state=1, win_station_name="S" * 40, user_name="U" * 30, domain_name="D" * 25,
    client_name="C" * 30, current_time=NOW, session_flags=-1,
)  # fmt: skip
SERVICES = Session(0, state=4, win_station_name="Services", current_time=NOW)
SESSIONS = [SERVICES, ALICE, BOB, LONG]
PROCESSES = [
    Process(4, 0, "System", "S-1-5-18"),
    Process(4242, 2, "notepad.exe", "S-1-5-21-1004336348-1177238915-682003330-1001"),
    Process(99, 3, "nosid.exe", None),
]


def raises(exc: type[BaseException], code: int, call: Callable[[], Any]) -> BaseException:
    with pytest.raises(exc) as info:
        call()
    assert isinstance(info.value, errors.WinSessionError)
    assert info.value.winerror == code, info.value
    return info.value


def entry_size(level: int, s: SmbSession) -> int:
    """Bytes one entry takes in a NetSessionEnum buffer (structure + its strings)."""
    from winsession.raw.netapi32 import SESSION_INFO_LEVELS

    strings = {
        0: ["client"], 1: ["client", "user"], 2: ["client", "user", "client_type"],
        10: ["client", "user"], 502: ["client", "user", "client_type", "transport"],
    }[level]  # fmt: skip
    size = ctypes.sizeof(SESSION_INFO_LEVELS[level])
    return size + sum(ctypes.sizeof(ctypes.create_unicode_buffer(getattr(s, a))) for a in strings)


# --- SMB scenarios ------------------------------------------------------------------------

SCENARIOS: list[Callable[[Backend], None]] = []


def scenario(fn: Callable[[Backend], None]) -> Callable[[Backend], None]:
    SCENARIOS.append(fn)
    return fn


def _expected(level: int, s: SmbSession) -> net.SessionInfo0:
    return {
        0: lambda: net.SessionInfo0(s.client),
        1: lambda: net.SessionInfo1(s.client, s.user, s.num_opens, s.active_time, s.idle_time,
                                    net.SessionFlags(s.user_flags)),
        2: lambda: net.SessionInfo2(s.client, s.user, s.num_opens, s.active_time, s.idle_time,
                                    net.SessionFlags(s.user_flags), s.client_type),
        10: lambda: net.SessionInfo10(s.client, s.user, s.active_time, s.idle_time),
        502: lambda: net.SessionInfo502(s.client, s.user, s.num_opens, s.active_time,
                                        s.idle_time, net.SessionFlags(s.user_flags),
                                        s.client_type, s.transport),
    }[level]()  # type: ignore[no-any-return]  # fmt: skip


def _levels(b: Backend, prefmaxlen: int) -> None:
    b.load_smb(SMB)
    for level in (0, 1, 2, 10, 502):
        got = list(net.enum_sessions(level=level, prefmaxlen=prefmaxlen))  # type: ignore[call-overload]
        assert got == [_expected(level, s) for s in LOCAL], level
        assert b.last_prefmaxlen() == prefmaxlen
    assert b.net_outstanding() == 0


@scenario
def smb_enum_every_level(b: Backend) -> None:
    _levels(b, net.MAX_PREFERRED_LENGTH)


@scenario
def smb_enum_every_level_one_per_page(b: Backend) -> None:
    _levels(b, 1)
    assert b.net_calls() == 5 * len(LOCAL)


@scenario
def smb_enum_paging_by_bytes(b: Backend) -> None:
    b.load_smb(SMB)
    budget = entry_size(502, LOCAL[0]) + entry_size(502, LOCAL[1])  # two entries fit
    got = list(net.enum_sessions(level=502, prefmaxlen=budget))
    assert [s.user_name for s in got] == ["alice", "bob", "carol", "Dave"]
    assert b.net_calls() == 2


@scenario
def smb_filters(b: Backend) -> None:
    b.load_smb(SMB)
    by_client = [s.user_name for s in net.enum_sessions(client="10.0.0.5", level=10)]
    assert by_client == ["alice", "carol"]
    assert [s.user_name for s in net.enum_sessions(client="\\\\pc7", level=10)] == ["Dave"]
    assert [s.client_name for s in net.enum_sessions(user="BOB", level=10)] == ["\\\\10.0.0.6"]
    both = list(net.enum_sessions(client="10.0.0.5", user="carol", level=1))
    assert both == [_expected(1, SMB[2])]
    assert list(net.enum_sessions(client="10.9.9.9")) == []
    assert list(net.enum_sessions(user="nobody")) == []
    assert list(net.enum_sessions(client="10.0.0.5", user="bob")) == []


@scenario
def smb_remote_servers(b: Backend) -> None:
    b.load_smb(SMB)
    assert [s.user_name for s in net.enum_sessions("FS01", level=10)] == ["erin"]
    assert [s.user_name for s in net.enum_sessions("\\\\fs01", level=10)] == ["erin"]
    local = [s.user_name for s in net.enum_sessions(b.local_name, level=10)]
    assert local == ["alice", "bob", "carol", "Dave"]
    err = raises(errors.ServerNotFoundError, 53, lambda: list(net.enum_sessions("NOWHERE")))
    assert err.server == "NOWHERE"


@scenario
def smb_get_info(b: Backend) -> None:
    b.load_smb(SMB)
    for level in (0, 1, 2, 10):
        got = net.get_session_info("10.0.0.5", "CAROL", level=level)  # type: ignore[call-overload]
        assert got == _expected(level, SMB[2])
    assert net.get_session_info("10.0.0.9", "erin", server="FS01", level=10).active_time == 10
    raises(errors.SessionNotFoundError, 2312, lambda: net.get_session_info("10.1.1.1", "alice"))
    raises(errors.SessionNotFoundError, 2221, lambda: net.get_session_info("10.0.0.5", "bob"))
    raises(errors.ServerNotFoundError, 53,
           lambda: net.get_session_info("10.0.0.5", "alice", server="X"))  # fmt: skip
    assert b.net_outstanding() == 0


@scenario
def smb_delete_by_client(b: Backend) -> None:
    b.load_smb(SMB)
    net.delete_session(client="10.0.0.5")
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["bob", "Dave"]
    raises(errors.SessionNotFoundError, 2312, lambda: net.delete_session(client="10.0.0.5"))


@scenario
def smb_delete_by_user_and_both(b: Backend) -> None:
    b.load_smb([*SMB, SmbSession("\\\\10.0.0.5", "alice", 1, 1, 1)])
    net.delete_session(client="10.0.0.5", user="alice")  # the first match only
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["bob", "carol", "Dave", "alice"]
    net.delete_session(user="ALICE")
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["bob", "carol", "Dave"]
    # NetSessionDel documents NERR_ClientNameNotFound only, whichever name matched nothing.
    raises(errors.SessionNotFoundError, 2312, lambda: net.delete_session(user="alice"))
    raises(errors.SessionNotFoundError, 2312,
           lambda: net.delete_session(client="10.0.0.6", user="carol"))  # fmt: skip
    raises(errors.ServerNotFoundError, 53, lambda: net.delete_session("Y", user="bob"))
    net.delete_session("FS01", user="erin")
    assert list(net.enum_sessions("FS01")) == []


@scenario
def smb_access_by_level(b: Backend) -> None:
    # NetSessionEnum/GetInfo remarks: "Only members of the Administrators or Server Operators
    # local group can successfully execute [them] at level 1 or level 2. No special group
    # membership is required for level 0 or level 10 calls."; NetSessionDel: members only.
    b.load_smb(SMB)
    b.set_privileged(False)
    for level in (1, 2):
        raises(errors.AccessDeniedError, 5, lambda: list(net.enum_sessions(level=level)))  # noqa: B023
        raises(errors.AccessDeniedError, 5,
               lambda: net.get_session_info("10.0.0.5", "alice", level=level))  # noqa: B023  # fmt: skip
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["alice", "bob", "carol", "Dave"]
    assert [s.client_name for s in net.enum_sessions(level=0)][:1] == ["\\\\10.0.0.5"]
    assert net.get_session_info("10.0.0.5", "alice", level=10).user_name == "alice"
    raises(errors.AccessDeniedError, 5, lambda: net.delete_session(user="bob"))
    assert len(list(net.enum_sessions(level=10))) == 4  # nothing deleted
    b.set_privileged(True)
    net.delete_session(user="bob")
    assert len(list(net.enum_sessions(level=1))) == 3


@scenario
def smb_invalid_computer_name(b: Backend) -> None:
    # "NERR_InvalidComputer: The computer name is not valid" (the three NetSession* pages),
    # for the characters a NetBIOS computer name disallows.
    b.load_smb(SMB)
    for bad in ("FS|01", "\\\\a*b", "x:y", 'q"uote', "a/b", "<x>", "wh?"):
        raises(errors.ServerNotFoundError, 2351, lambda: list(net.enum_sessions(bad)))  # noqa: B023
        raises(errors.ServerNotFoundError, 2351,
               lambda: net.delete_session(bad, user="bob"))  # noqa: B023  # fmt: skip
    raises(errors.ServerNotFoundError, 53, lambda: list(net.enum_sessions("NOSUCH")))


@scenario
def smb_fault_families(b: Backend) -> None:
    b.load_smb(SMB)
    cases = [
        (5, errors.AccessDeniedError), (53, errors.ServerNotFoundError),
        (1722, errors.ServerNotFoundError), (8, errors.NetApiError),
        (120, errors.UnsupportedPlatformError), (2312, errors.SessionNotFoundError),
    ]  # fmt: skip
    for call_no, (code, family) in enumerate(cases, start=1):
        b.net.fail_on_call(call_no, code)
        err = raises(family, code, lambda: list(net.enum_sessions()))
        assert isinstance(err, errors.NetApiError)
    assert b.net_calls() == len(cases)
    assert list(net.enum_sessions(level=0)) == [_expected(0, s) for s in LOCAL]


@scenario
def smb_fault_on_second_page(b: Backend) -> None:
    b.load_smb(SMB)
    b.net.fail_on_call(2, 5)
    pages = net.enum_sessions(level=10, prefmaxlen=1)
    assert next(pages).user_name == "alice"
    raises(errors.AccessDeniedError, 5, lambda: next(pages))
    assert b.net_outstanding() == 0


@scenario
def smb_table_changes_between_pages(b: Backend) -> None:
    b.load_smb(SMB)
    b.net.remove_on_call(2, 0)  # alice logs off after the first page
    got = [s.user_name for s in net.enum_sessions(level=10, prefmaxlen=1)]
    assert got == ["alice", "carol", "Dave"]  # the resume index now skips bob


@scenario
def smb_misbehaving_servers(b: Backend) -> None:
    b.load_smb(SMB)
    b.net.stall_on_call(1)
    with pytest.raises(errors.WinSessionError):
        list(net.enum_sessions())
    b.net.lazy_on_call(2)
    assert list(net.enum_sessions()) == []
    assert b.net_outstanding() == 0


@scenario
def smb_empty_table(b: Backend) -> None:
    b.load_smb([])
    assert list(net.enum_sessions()) == []
    assert b.net_calls() == 1


# --- WTS scenarios ------------------------------------------------------------------------


@scenario
def wts_enumerate(b: Backend) -> None:
    b.load_wts(SESSIONS)
    assert wts.enumerate_sessions() == [
        wts.SessionInfo(0, "Services", wts.ConnectState.DISCONNECTED),
        wts.SessionInfo(2, "RDP-Tcp#3", wts.ConnectState.ACTIVE),
        wts.SessionInfo(3, "", wts.ConnectState.DISCONNECTED),
        wts.SessionInfo(4, "S" * 40, wts.ConnectState.CONNECTED),
    ]
    assert wts.enumerate_sessions_ex()[1] == wts.SessionInfo1(
        3, wts.ConnectState.ACTIVE, 2, "RDP-Tcp#3", "RDS01", "alice", "CONTOSO", "FARM"
    )
    assert [s.user_name for s in wts.enumerate_sessions_ex()] == ["", "alice", "bob", "U" * 30]
    assert b.wts_calls() == 3


@scenario
def wts_session_info_1_null_strings(b: Backend) -> None:
    # WTS_SESSION_INFO_1W: pHostName/pUserName/pDomainName/pFarmName "contain NULL" when there
    # is none; pSessionName always names the session.
    from winsession.raw import wtsapi32 as raw

    b.load_wts(SESSIONS)
    level = ctypes.c_uint32(1)
    buf = ctypes.POINTER(raw.WTS_SESSION_INFO_1W)()
    count = ctypes.c_uint32(0)
    assert raw.WTSEnumerateSessionsExW(None, ctypes.byref(level), 0, ctypes.byref(buf),
                                       ctypes.byref(count))  # fmt: skip
    try:
        services, alice = buf[0], buf[1]
        assert services.pSessionName == "Services"
        assert (services.pHostName, services.pUserName, services.pDomainName,
                services.pFarmName) == (None, None, None, None)  # fmt: skip
        assert (alice.pUserName, alice.pDomainName) == ("alice", "CONTOSO")
    finally:
        assert raw.WTSFreeMemoryExW(raw.WTSTypeSessionInfoLevel1, buf, count.value)


@scenario
def wts_enumerate_empty(b: Backend) -> None:
    b.load_wts([])
    assert wts.enumerate_sessions() == []
    assert wts.enumerate_sessions_ex() == []
    b.empty_is_error()
    assert wts.enumerate_sessions() == []
    assert wts.enumerate_sessions_ex() == []


@scenario
def wts_query_strings(b: Backend) -> None:
    b.load_wts(SESSIONS)
    q = wts.query_session_information
    ic = wts.InfoClass
    assert q(2, ic.USER_NAME) == "alice"
    assert q(2, ic.DOMAIN_NAME) == "CONTOSO"
    assert q(2, ic.WIN_STATION_NAME) == "RDP-Tcp#3"
    assert q(2, ic.CLIENT_NAME) == "ALICE-PC"
    assert q(2, ic.CLIENT_DIRECTORY) == "C:\\Windows\\System32\\mstscax.dll"
    assert q(2, ic.INITIAL_PROGRAM) == ""
    assert q(2, ic.APPLICATION_NAME) == "app"
    assert q(2, ic.WORKING_DIRECTORY) == "C:\\work"
    assert q(2, ic.OEM_ID) == "OEM"
    assert q(4, ic.WIN_STATION_NAME) == "S" * 40  # strings are not truncated here


@scenario
def wts_query_numbers(b: Backend) -> None:
    b.load_wts(SESSIONS)
    q = wts.query_session_information
    ic = wts.InfoClass
    assert q(2, ic.SESSION_ID) == 2
    assert q(3, ic.CONNECT_STATE) is wts.ConnectState.DISCONNECTED
    assert q(2, ic.CLIENT_BUILD_NUMBER) == 22631
    assert q(2, ic.CLIENT_PRODUCT_ID) == 1
    assert q(2, ic.CLIENT_HARDWARE_ID) == 0  # "will always return a value of 0"
    assert q(2, ic.CLIENT_PROTOCOL_TYPE) is wts.ProtocolType.RDP
    assert q(2, ic.IS_REMOTE_SESSION) is True
    assert q(3, ic.IS_REMOTE_SESSION) is False
    assert q(2, ic.CONFIG_INFO) == wts.ConfigInfo(
        True, False, 2, "auto", "CONTOSO", "C:\\work", ""
    )  # WTSCONFIGINFOW, as Microsoft documents the class
    assert q(3, ic.CONFIG_INFO) == wts.ConfigInfo(False, False, 0, "", "", "", "")


@scenario
def wts_query_addresses_and_display(b: Backend) -> None:
    b.load_wts(SESSIONS)
    q = wts.query_session_information
    ic = wts.InfoClass
    assert q(2, ic.CLIENT_ADDRESS).address == ipaddress.ip_address("10.0.0.5")
    assert q(2, ic.CLIENT_ADDRESS).family == 2
    assert q(3, ic.CLIENT_ADDRESS).address == ipaddress.ip_address("fe80::1")
    assert q(4, ic.CLIENT_ADDRESS).address is None
    assert q(2, ic.SESSION_ADDRESS_V4).address == ipaddress.ip_address("192.168.1.50")
    assert q(2, ic.CLIENT_DISPLAY) == wts.ClientDisplay(1920, 1080, 24)


@scenario
def wts_query_client_info(b: Backend) -> None:
    b.load_wts(SESSIONS)
    c = wts.query_session_information(2, wts.InfoClass.CLIENT_INFO)
    assert (c.client_name, c.domain_name, c.user_name) == ("ALICE-PC", "CONTOSO", "alice")
    assert (c.work_directory, c.initial_program) == ("C:\\work", "")
    assert (c.encryption_level, c.client_address_family) == (2, 2)
    assert (c.horizontal_resolution, c.vertical_resolution, c.color_depth) == (1920, 1080, 24)
    assert (c.client_build_number, c.client_hardware_id, c.client_product_id) == (22631, 77, 1)
    assert c.client_directory == "C:\\Windows\\System32\\mstscax.dll"
    assert c.client_address is not None
    assert c.client_address.address == ipaddress.IPv4Address("10.0.0.5")
    assert c.client_address.raw[:18] == "10.0.0.5\0".encode("utf-16-le")  # text, as documented
    bob = wts.query_session_information(3, wts.InfoClass.CLIENT_INFO)
    assert bob.client_address is not None and bob.client_address.family == 23
    assert bob.client_address.address == ipaddress.IPv6Address("fe80::1")
    assert wts.query_session_information(4, wts.InfoClass.CLIENT_INFO).client_address is None
    long = wts.query_session_information(4, wts.InfoClass.CLIENT_INFO)
    assert (long.client_name, long.domain_name, long.user_name) == ("C" * 20, "D" * 17, "U" * 20)


ADDRESSES = [
    ipaddress.ip_address("2001:db8::1234"),  # IPv6 whose text would stop after 2 characters
    ipaddress.ip_address("::ffff:192.0.2.7"),  # IPv6 starting with NULs: '' as text
    ipaddress.ip_address("192.0.2.7"),
    ipaddress.ip_address("255.255.255.255"),
    None,
]


@scenario
def wts_client_addresses(b: Backend) -> None:
    b.load_wts([Session(10 + i, client_address=a) for i, a in enumerate(ADDRESSES)])
    for i, expected in enumerate(ADDRESSES):
        sid = 10 + i
        info = wts.query_session_information(sid, wts.InfoClass.CLIENT_INFO)
        plain = wts.query_session_information(sid, wts.InfoClass.CLIENT_ADDRESS)
        details = wts.session_details(sid)
        if expected is None:
            assert info.client_address is None and info.client_address_family == 0
            assert plain.family == 0 and plain.address is None
            assert details.client_address is None and details.client_display is None
            continue
        family = 2 if expected.version == 4 else 23
        assert info.client_address is not None and details.client_address is not None
        assert (info.client_address.family, info.client_address.address) == (family, expected)
        assert (plain.family, plain.address) == (family, expected)
        assert details.client_address == plain
        assert len(info.client_address.raw) == 62 and len(plain.raw) == 20


@scenario
def wts_is_remote_session_needs_the_current_server(b: Backend) -> None:
    b.load_wts([Session(2, is_remote=True, server="RDS02")], servers=["RDS02"])
    with wts.open_server("RDS02") as srv:
        remote = wts.InfoClass.IS_REMOTE_SESSION
        raises(errors.InvalidParameterError, 87,
               lambda: wts.query_session_information(2, remote, srv))  # fmt: skip
        assert wts.query_session_information(2, wts.InfoClass.USER_NAME, srv) == ""


@scenario
def wts_query_station_info(b: Backend) -> None:
    b.load_wts(SESSIONS)
    s = wts.query_session_information(2, wts.InfoClass.SESSION_INFO)
    assert s == wts.StationInfo(
        wts.ConnectState.ACTIVE,
        2,
        1000,
        2000,
        10,
        20,
        5,
        6,
        "RDP-Tcp#3",
        "CONTOSO",
        "alice",
        T0,
        None,
        NOW - datetime.timedelta(minutes=5),
        T0,
        NOW,
    )
    long = wts.query_session_information(4, wts.InfoClass.SESSION_INFO)
    assert (long.win_station_name, long.domain_name, long.user_name) == (
        "S" * 31,
        "D" * 16,
        "U" * 20,
    )
    ex = wts.query_session_information(2, wts.InfoClass.SESSION_INFO_EX)
    assert (ex.session_id, ex.state, ex.session_flags, ex.locked) == (
        2,
        wts.ConnectState.ACTIVE,
        0,
        True,
    )
    assert (ex.logon_time, ex.current_time, ex.incoming_bytes) == (T0, NOW, 1000)
    assert wts.query_session_information(3, wts.InfoClass.SESSION_INFO_EX).locked is False
    long_ex = wts.query_session_information(4, wts.InfoClass.SESSION_INFO_EX)
    assert (long_ex.win_station_name, long_ex.domain_name) == ("S" * 32, "D" * 17)
    assert long_ex.locked is None


@scenario
def wts_session_details(b: Backend) -> None:
    b.load_wts(SESSIONS)
    d = wts.session_details(3)
    assert (d.user, d.state, d.client_name) == ("CONTOSO\\bob", wts.ConnectState.DISCONNECTED,
                                                 "BOB-LAPTOP")  # fmt: skip
    assert d.idle_time == NOW - (T0 + datetime.timedelta(minutes=30))
    assert d.client_protocol is wts.ProtocolType.RDP
    assert d.locked is False
    alice = wts.session_details(2)
    assert alice.idle_time == datetime.timedelta(minutes=5)
    assert alice.client_display == wts.ClientDisplay(1920, 1080, 24)
    services = wts.session_details(0)  # no client: None, not an AF_UNSPEC address or 0x0
    assert (services.client_address, services.client_display) == (None, None)


@scenario
def wts_unsupported_classes(b: Backend) -> None:
    b.load_wts(SESSIONS)
    for cls in range(wts.InfoClass.IDLE_TIME, wts.InfoClass.OUTGOING_FRAMES + 1):
        raises(errors.UnsupportedPlatformError, 50,
               lambda: wts.query_session_information(2, cls))  # noqa: B023  # fmt: skip
    # WTSValidationInfo: "This value is not supported".
    raises(errors.UnsupportedPlatformError, 50,
           lambda: wts.query_session_information(2, wts.InfoClass.VALIDATION_INFO))  # fmt: skip
    # WTSSessionAddressV4 of a session without a virtual IP address: ERROR_NOT_SUPPORTED.
    raises(errors.UnsupportedPlatformError, 50,
           lambda: wts.query_session_information(3, wts.InfoClass.SESSION_ADDRESS_V4))  # fmt: skip
    b.unsupported_class(wts.InfoClass.SESSION_INFO_EX)
    assert wts.session_details(2).locked is None
    raises(errors.UnsupportedPlatformError, 50,
           lambda: wts.query_session_information(2, wts.InfoClass.SESSION_INFO_EX))  # fmt: skip


@scenario
def wts_unknown_and_current_session(b: Backend) -> None:
    b.load_wts(SESSIONS)
    q = wts.query_session_information
    raises(errors.SessionNotFoundError, 7022, lambda: q(9, wts.InfoClass.USER_NAME))
    current = wts.CURRENT_SESSION
    raises(errors.SessionNotFoundError, 7022, lambda: q(current, wts.InfoClass.USER_NAME))
    b.set_current_session(2)
    assert q(wts.CURRENT_SESSION, wts.InfoClass.USER_NAME) == "alice"
    assert q(wts.CURRENT_SESSION, wts.InfoClass.SESSION_ID) == 2


@scenario
def wts_disconnect(b: Backend) -> None:
    b.load_wts(SESSIONS)
    wts.disconnect_session(2, wait=True)
    s = wts.query_session_information(2, wts.InfoClass.SESSION_INFO)
    assert (s.state, s.disconnect_time) == (wts.ConnectState.DISCONNECTED, NOW)
    assert b.last_message()[4] == 1
    b.set_current_session(4)
    wts.disconnect_session()
    assert wts.query_session_information(4, wts.InfoClass.CONNECT_STATE) == 4
    assert b.last_message()[4] == 0
    raises(errors.SessionNotFoundError, 7022, lambda: wts.disconnect_session(9))


@scenario
def wts_logoff_and_vanish(b: Backend) -> None:
    b.load_wts(SESSIONS)
    ids = [s.session_id for s in wts.enumerate_sessions()]
    wts.logoff_session(3)  # gone between the enumeration and the query
    assert b.session_count() == 3
    err = raises(errors.SessionNotFoundError, 7022, lambda: wts.session_details(ids[2]))
    assert "session 3" in str(err)
    raises(errors.SessionNotFoundError, 7022, lambda: wts.logoff_session(3))
    assert [s.session_id for s in wts.enumerate_sessions()] == [0, 2, 4]


@scenario
def wts_send_message(b: Backend) -> None:
    b.load_wts(SESSIONS)
    R = wts.MessageResponse
    assert wts.send_message(2, "Title", "Hello there", style=0x40) is R.ASYNC
    assert b.last_message() == ("Title", "Hello there", 0x40, 0, 0)
    assert wts.send_message(2, "T", "m", timeout=30, wait=True) is R.TIMEOUT
    assert b.last_message()[3:] == (30, 1)
    assert wts.send_message(2, "T", "ünïcode ✓", wait=True) is R.OK
    assert b.last_message()[1] == "ünïcode ✓"
    b.set_message_response(R.YES)
    assert wts.send_message(2, "T", "m", wait=True) is R.YES
    raises(errors.SessionNotFoundError, 7022, lambda: wts.send_message(9, "T", "m"))


@scenario
def wts_servers(b: Backend) -> None:
    remote = Session(5, state=0, win_station_name="RDP-Tcp#1", user_name="frank", server="RDS02")
    b.load_wts([*SESSIONS, remote])
    with wts.open_server("rds02") as server:
        assert wts.enumerate_sessions(server) == [
            wts.SessionInfo(5, "RDP-Tcp#1", wts.ConnectState.ACTIVE)
        ]
        assert wts.query_session_information(5, wts.InfoClass.USER_NAME, server) == "frank"
        raises(
            errors.SessionNotFoundError, 7022,
            lambda: wts.query_session_information(2, wts.InfoClass.USER_NAME, server),
        )  # fmt: skip
    assert [s.session_id for s in wts.enumerate_sessions("RDS02")] == [5]
    assert len(wts.enumerate_sessions(b.local_name)) == 4
    err = raises(errors.ServerNotFoundError, 1722, lambda: wts.enumerate_sessions("NOWHERE"))
    assert err.server == "NOWHERE"
    calls = b.wts_calls()
    wts.logoff_session(5, server="RDS02")
    assert b.wts_calls() == calls + 3  # open, logoff, close
    assert b.session_count("RDS02") == 0


@scenario
def wts_fault_families(b: Backend) -> None:
    b.load_wts(SESSIONS)
    cases = [
        (5, errors.AccessDeniedError), (1722, errors.ServerNotFoundError),
        (120, errors.UnsupportedPlatformError), (7022, errors.SessionNotFoundError),
        (87, errors.InvalidParameterError),
    ]  # fmt: skip
    for call_no, (code, family) in enumerate(cases, start=1):
        b.wts.fail_on_call(call_no, code)
        err = raises(family, code, lambda: wts.enumerate_sessions_ex())
        assert isinstance(err, errors.WtsError)
    b.wts.fail_on_call(len(cases) + 2, 5)  # the query after the enumeration
    ids = [s.session_id for s in wts.enumerate_sessions()]
    raises(errors.AccessDeniedError, 5,
           lambda: wts.query_session_information(ids[1], wts.InfoClass.USER_NAME))  # fmt: skip
    assert b.wts_calls() == len(cases) + 2


@scenario
def wts_processes(b: Backend) -> None:
    b.load_wts(SESSIONS, PROCESSES)
    # Owner names depend on LookupAccountSidW (wts_processes_per_session checks them).
    assert [(p.session_id, p.process_id, p.name, p.user_sid) for p in wts.processes()] == [
        (0, 4, "System", "S-1-5-18"),
        (2, 4242, "notepad.exe", "S-1-5-21-1004336348-1177238915-682003330-1001"),
        (3, 99, "nosid.exe", None),
    ]
    wts.terminate_process(4242)
    assert [p.process_id for p in wts.processes()] == [4, 99]
    raises(errors.InvalidParameterError, 87, lambda: wts.terminate_process(4242))


@scenario
def wts_events(b: Backend) -> None:
    b.load_wts(SESSIONS)
    b.queue_event(wts.Event.LOGON | wts.Event.CONNECT)
    assert wts.wait_system_event() == wts.Event.LOGON | wts.Event.CONNECT
    b.queue_event(wts.Event.LOGOFF)
    assert wts.wait_system_event(wts.Event.LOGOFF | wts.Event.LOGON) == wts.Event.LOGOFF
    with wts.watch_events(wts.Event.DISCONNECT) as watcher:
        b.queue_event(wts.Event.DISCONNECT)
        assert next(watcher) == wts.Event.DISCONNECT
        import threading

        threading.Timer(0.2, watcher.stop).start()
        assert list(watcher) == []
    assert b.waiters() == 0


@scenario
def wts_flush_releases_only_that_handle(b: Backend) -> None:
    # WTSWaitSystemEvent: WTS_EVENT_FLUSH returns "all pending WTSWaitSystemEvent calls on
    # the specified RD Session Host server handle" -- not those on another handle.
    import threading
    import time

    from winsession.raw import wtsapi32 as raw

    b.load_wts(SESSIONS, servers=["RDS02"])
    results: list[wts.Event] = []
    with wts.open_server("RDS02") as first, wts.open_server("RDS02") as second:
        waiter = threading.Thread(
            target=lambda: results.append(wts.wait_system_event(wts.Event.LOGON, server=first))
        )
        waiter.start()
        deadline = time.monotonic() + 10
        while b.waiters() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        flags = ctypes.c_uint32(0xFFFF)
        raw.WTSWaitSystemEvent(second.handle, raw.WTS_EVENT_FLUSH, ctypes.byref(flags))
        assert flags.value == 0
        time.sleep(0.1)
        assert b.waiters() == 1 and results == []  # another handle's flush: still waiting
        raw.WTSWaitSystemEvent(first.handle, raw.WTS_EVENT_FLUSH, ctypes.byref(flags))
        waiter.join(10)
        assert results == [wts.Event.NONE] and b.waiters() == 0


@scenario
def wts_session_notification_registrations(b: Backend) -> None:
    # WTSRegisterSessionNotification: dwFlags NOTIFY_FOR_THIS_SESSION (0) or
    # NOTIFY_FOR_ALL_SESSIONS (1); "If the window handle passed in this function is already
    # registered, the value of the dwFlags parameter is ignored"; one unregister per call.
    from winsession.raw import wtsapi32 as raw

    b.load_wts(SESSIONS)
    hwnd = 0x5150
    raises(errors.InvalidParameterError, 87,
           lambda: raw.WTSRegisterSessionNotification(hwnd, 7))  # fmt: skip
    raises(errors.InvalidParameterError, 87, lambda: raw.WTSRegisterSessionNotification(None, 0))
    assert raw.WTSRegisterSessionNotification(hwnd, 1)
    assert raw.WTSRegisterSessionNotification(hwnd, 7)  # already registered: flags ignored
    assert raw.WTSUnRegisterSessionNotification(hwnd)
    assert raw.WTSUnRegisterSessionNotification(hwnd)  # one per registration
    raises(errors.InvalidParameterError, 87, lambda: raw.WTSUnRegisterSessionNotification(hwnd))


# --- open files and connections ------------------------------------------------------------

FILES = [
    OpenFile(101, "C:\\Shares\\Projects\\plan.docx", "alice", "\\\\10.0.0.5", 3, 0),
    OpenFile(102, "C:\\Shares\\Projects\\budget.xlsx", "alice", "\\\\10.0.0.5", 3, 1),
    OpenFile(103, "C:\\Shares\\Public\\a.txt", "carol", "\\\\10.0.0.5", 1, 0),
    OpenFile(205, "C:\\Shares\\Public\\setup.msi", "bob", "\\\\10.0.0.6", 1, 0),
    OpenFile(900, "E:\\x", "erin", "\\\\10.0.0.9", 7, 2, server="FS01"),
]
CONNECTIONS = [
    SmbConnection(11, "Projects", "\\\\10.0.0.5", "alice", 0, 2, 1, 3600),
    SmbConnection(12, "IPC$", "\\\\10.0.0.5", "alice", 0x80000003, 0, 1, 3600),
    SmbConnection(13, "Public", "\\\\10.0.0.5", "carol", 0, 1, 1, 60),
    SmbConnection(21, "Public", "\\\\10.0.0.6", "bob", 0x40000000, 1, 1, 120),
]


def _load_files(b: Backend) -> None:
    b.load_smb(SMB)
    b.load_files(FILES, CONNECTIONS)


def _file3(f: OpenFile) -> net.FileInfo3:
    return net.FileInfo3(f.file_id, net.FilePermissions(f.permissions), f.num_locks,
                         f.path or "", f.user or "")  # fmt: skip


@scenario
def files_enum_levels_filters_and_paging(b: Backend) -> None:
    # NetFileEnum: levels 2 and 3; basepath a prefix; username a user or, with two
    # backslashes, a connection (client) name.
    _load_files(b)
    local = FILES[:4]
    for prefmaxlen in (net.MAX_PREFERRED_LENGTH, 0, 60, 200):
        assert list(net.enum_files(prefmaxlen=prefmaxlen)) == [_file3(f) for f in local]
        assert [f.file_id for f in net.enum_files(level=2, prefmaxlen=prefmaxlen)] == [
            101, 102, 103, 205]  # fmt: skip
    assert b.last_prefmaxlen() == 200
    assert [f.file_id for f in net.enum_files(base_path="c:\\shares\\public")] == [103, 205]
    assert [f.file_id for f in net.enum_files(user="Alice")] == [101, 102]
    assert [f.file_id for f in net.enum_files(user="\\\\10.0.0.5")] == [101, 102, 103]
    assert list(net.enum_files(user="nobody")) == []
    assert list(net.enum_files(base_path="Z:")) == []
    assert [f.file_id for f in net.enum_files("FS01")] == [900]
    raises(errors.ServerNotFoundError, 53, lambda: list(net.enum_files("NOSUCH")))
    assert b.net_outstanding() == 0


@scenario
def files_get_info_and_close(b: Backend) -> None:
    # NetFileGetInfo / NetFileClose: ERROR_FILE_NOT_FOUND for an id that is not open.
    _load_files(b)
    assert net.get_file_info(205) == _file3(FILES[3])
    assert net.get_file_info(205, level=2) == net.FileInfo2(205)
    assert net.get_file_info(900, server="FS01").path_name == "E:\\x"
    raises(errors.OpenFileNotFoundError, 2, lambda: net.get_file_info(900))  # other server
    net.close_file(102)
    assert [f.file_id for f in net.enum_files(level=2)] == [101, 103, 205]
    raises(errors.OpenFileNotFoundError, 2, lambda: net.close_file(102))
    b.net.fail_on_call(b.net_calls() + 1, 2314)  # NERR_FileIdNotFound, as MS-SRVS lists it
    raises(errors.OpenFileNotFoundError, 2314, lambda: net.close_file(101))
    assert len(list(net.enum_files(level=2))) == 3
    assert b.net_outstanding() == 0


@scenario
def files_closed_with_their_session(b: Backend) -> None:
    # Closing a session closes its opens and tree connects (MS-SMB2 3.3.4.12).
    _load_files(b)
    net.delete_session(client="10.0.0.5", user="alice")
    assert [f.user_name for f in net.enum_files()] == ["carol", "bob"]
    assert [c.connection_id for c in net.enum_connections("\\\\10.0.0.5")] == [13]
    net.delete_session(user="bob")
    assert [f.file_id for f in net.enum_files(level=2)] == [103]
    assert list(net.enum_connections("Public", level=0)) == [net.ConnectionInfo0(13)]


@scenario
def files_change_and_fail_between_pages(b: Backend) -> None:
    _load_files(b)
    b.remove_file_on_call(2, 0)  # file 101 closes after the first page
    got = [f.file_id for f in net.enum_files(level=2, prefmaxlen=1)]
    assert got == [101, 103, 205]  # the resume index now skips 102
    b.net.fail_on_call(b.net_calls() + 2, 5)
    pages = net.enum_files(prefmaxlen=1)
    assert next(pages).file_id == 102
    raises(errors.AccessDeniedError, 5, lambda: next(pages))
    b.net.stall_on_call(b.net_calls() + 1)
    raises(errors.NetApiError, 234, lambda: list(net.enum_files()))
    assert b.net_outstanding() == 0


@scenario
def connections_by_share_and_by_client(b: Backend) -> None:
    # NetConnectionEnum: a share name lists its connections (coni1_netname: the client), a
    # \\computer its connections (coni1_netname: the share).
    _load_files(b)
    by_share = list(net.enum_connections("PUBLIC"))
    assert by_share == [
        net.ConnectionInfo1(13, net.ShareType.DISKTREE, 1, 1, 60, "carol", "10.0.0.5"),
        net.ConnectionInfo1(21, net.ShareType.TEMPORARY, 1, 1, 120, "bob", "10.0.0.6"),
    ]
    by_client = list(net.enum_connections("\\\\10.0.0.5", prefmaxlen=1))
    assert [(c.net_name, c.share_type.text) for c in by_client] == [
        ("Projects", "DISKTREE"), ("IPC$", "IPC|SPECIAL"), ("Public", "DISKTREE")]  # fmt: skip
    assert [c.connection_id for c in net.enum_connections("Projects", level=0)] == [11]
    assert list(net.enum_connections("nothing")) == []
    raises(errors.ServerNotFoundError, 53, lambda: list(net.enum_connections("x", server="NO")))
    assert b.net_outstanding() == 0


@scenario
def files_and_connections_need_administrators(b: Backend) -> None:
    # NetFileEnum/GetInfo/Close: Administrators or Server Operators; NetConnectionEnum:
    # Administrators, Server or Print Operators, Power Users (their remarks).
    _load_files(b)
    b.set_privileged(False)
    raises(errors.AccessDeniedError, 5, lambda: list(net.enum_files(level=2)))
    raises(errors.AccessDeniedError, 5, lambda: net.get_file_info(101))
    raises(errors.AccessDeniedError, 5, lambda: net.close_file(101))
    raises(errors.AccessDeniedError, 5, lambda: list(net.enum_connections("Public")))
    b.set_privileged(True)
    assert len(list(net.enum_files(level=2))) == 4


# --- the two backends ---------------------------------------------------------------------

# --- issue 15: session changes, tokens, tscon, shadow, servers, shutdown ------------------


@scenario
def wts_session_changes(b: Backend) -> None:
    b.load_wts(SESSIONS)
    with b.user32(), wts.SessionChanges() as changes:
        assert b.post_session_change(7, 2) == 1  # WTS_SESSION_LOCK
        assert b.post_session_change(6, 9) == 1  # WTS_SESSION_LOGOFF of a session now gone
        got = [changes.get(10), changes.get(10)]
    assert [(c.kind, c.session_id, c.user) for c in got if c] == [
        (wts.SessionChangeKind.SESSION_LOCK, 2, "CONTOSO\\alice"),
        (wts.SessionChangeKind.SESSION_LOGOFF, 9, None),
    ]
    assert b.registrations_ex() == 0
    assert b.post_session_change(8, 2) == 0  # nobody listens any more


@scenario
def wts_user_token(b: Backend) -> None:
    b.load_wts(SESSIONS)
    raises(errors.SessionNotFoundError, 1008, lambda: wts.query_user_token(0))
    raises(errors.SessionNotFoundError, 7022, lambda: wts.query_user_token(9))
    with wts.query_user_token(2) as token:
        assert token.handle and b.open_tokens() == 1
    assert b.open_tokens() == 0
    b.set_tcb(False)
    raises(errors.AccessDeniedError, 1314, lambda: wts.query_user_token(2))


@scenario
def wts_connect_and_shadow(b: Backend) -> None:
    b.load_wts(SESSIONS)
    b.set_current_session(2)

    def states() -> dict[int, int]:
        return {s.session_id: int(s.state) for s in wts.enumerate_sessions()}

    wts.connect_session(3, wts.CURRENT_SESSION)
    assert (states()[2], states()[3]) == (4, 0)  # alice's terminal went to bob's session
    raises(errors.SessionNotFoundError, 7022, lambda: wts.connect_session(9, 2))
    raises(errors.InvalidParameterError, 87, lambda: wtsapi32.WTSConnectSessionW(3, 3, None, 1))
    wts.start_remote_control(3, hotkey=0x51, modifiers=wts.HotkeyModifier.ALT)
    assert states()[3] == int(wts.ConnectState.SHADOW)
    assert b.last_hotkey() == (0x51, 4)
    raises(errors.InvalidParameterError, 87, lambda: wts.stop_remote_control(2))
    wts.stop_remote_control(3)
    assert states()[3] == 0
    raises(errors.SessionNotFoundError, 7022, lambda: wts.start_remote_control(2))
    raises(errors.ServerNotFoundError, 1722, lambda: wts.start_remote_control(3, server="NOPE"))


@scenario
def wts_servers_and_shutdown(b: Backend) -> None:
    b.load_wts(SESSIONS)
    b.set_current_session(2)
    assert wts.enumerate_servers() == []
    b.add_domain_servers(["RDS01", "RDS02"])
    assert wts.enumerate_servers("CONTOSO") == ["RDS01", "RDS02"]
    raises(errors.InvalidParameterError, 87, lambda: wtsapi32.WTSShutdownSystem(None, 3))
    wts.shutdown_system(wts.ShutdownFlag.REBOOT)
    assert b.last_shutdown() == 4
    wts.shutdown_system(wts.ShutdownFlag.LOGOFF)
    assert [s.session_id for s in wts.enumerate_sessions()] == [0, 2]  # no user / the caller


@scenario
def wts_processes_per_session(b: Backend) -> None:
    b.load_wts(SESSIONS, PROCESSES)
    assert [p.process_id for p in wts.processes(session_id=2)] == [4242]
    assert wts.processes(session_id=7) == []
    users = [p.user for p in wts.processes()]
    # S-1-5-18 is NT AUTHORITY\SYSTEM wherever LookupAccountSidW exists (simulator, Wine);
    # the host's stand-in tier has no advapi32. The other SIDs name no account.
    assert users[0] in ("NT AUTHORITY\\SYSTEM", None) and users[1:] == [None, None]
    assert wts.processes(resolve_users=False)[0].user is None


IDS = [fn.__name__ for fn in SCENARIOS]


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator() as sim:
        yield sim
        sim.assert_clean()


@pytest.mark.parametrize("run", SCENARIOS, ids=IDS)
def test_standin(run: Callable[[Backend], None], netstub: NetStub, wtsstub: WtsStub) -> None:
    run(StandinBackend(netstub, wtsstub))


@pytest.mark.parametrize("run", SCENARIOS, ids=IDS)
def test_simulator(run: Callable[[Backend], None], simulator: Simulator) -> None:
    run(SimulatorBackend(simulator))


def test_suite_size() -> None:
    """The closing note of issue 5 quotes this: scenarios x 2 backends."""
    assert len(SCENARIOS) >= 30
