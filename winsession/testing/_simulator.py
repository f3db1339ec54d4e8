"""The Simulator that binds the simulated DLLs, and the demo table that
``winsession --simulate`` runs."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from typing import Any, Optional

from .. import _dll
from ._buffers import _Api
from ._netapi32 import NetApiSimulator
from ._secur32 import (
    LogonSession,
    LsaSimulator,
    WorkstationUser,
    add_workstation_user,
    clear_workstation_users,
    install_workstation,
)
from ._tables import (
    LOCAL_SERVER,
    OpenFile,
    Process,
    Session,
    SimulatorError,
    SmbConnection,
    SmbSession,
)
from ._user32 import User32Simulator
from ._wtsapi32 import WtsSimulator

# --- the simulator --------------------------------------------------------------------------

_DLLS = ("netapi32", "wtsapi32", "kernel32", "user32", "advapi32", "userenv", "secur32")


class Simulator:
    """A simulated Windows for winsession: netapi32, wtsapi32 and kernel32 in pure Python.

    A context manager: entering binds the simulated DLLs through winsession's loader
    (replacing whatever was bound, stand-ins or the real DLLs), leaving restores what was
    there before; :meth:`start` and :meth:`stop` do the same without a ``with`` block (for a
    REPL session or a docstring example). Tables can be given here or loaded later with
    :meth:`load`.

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
        files: Iterable[OpenFile] = (),
        connections: Iterable[SmbConnection] = (),
        logon_sessions: Iterable[LogonSession] = (),
        workstation_users: Iterable[WorkstationUser] = (),
        current_session: Optional[int] = None,
        console_session: Optional[int] = None,
        local_name: str = LOCAL_SERVER,
    ) -> None:
        self.net = NetApiSimulator(local_name)
        self.wts = WtsSimulator(local_name)
        self.user32 = User32Simulator()
        self.wts.user32 = self.user32  # WM_WTSSESSION_CHANGE is delivered through it
        self.lsa = LsaSimulator()  # secur32, and advapi32's LsaNtStatusToWinError
        self.lsa.install(self.wts.advapi32)
        install_workstation(self.net)  # NetWkstaUserEnum/GetInfo on the simulated netapi32
        self._previous: Optional[dict[str, Any]] = None
        self.load(
            smb,
            sessions,
            processes,
            servers,
            files=files,
            connections=connections,
            logon_sessions=logon_sessions,
            workstation_users=workstation_users,
        )
        self.wts.current_session = current_session
        self.wts.console_session = console_session

    def load(
        self,
        smb: Iterable[SmbSession] = (),
        sessions: Iterable[Session] = (),
        processes: Iterable[Process] = (),
        servers: Iterable[str] = (),
        *,
        files: Iterable[OpenFile] = (),
        connections: Iterable[SmbConnection] = (),
        logon_sessions: Iterable[LogonSession] = (),
        workstation_users: Iterable[WorkstationUser] = (),
    ) -> None:
        """Reset both DLLs (counters too, but not ``outstanding``) and load these tables.

        ``files`` and ``connections`` belong to the SMB sessions of the same server, client
        and user: deleting such a session closes them.

        >>> from winsession import net
        >>> with Simulator() as sim:
        ...     sim.load([SmbSession("\\\\PC1", "alice")],
        ...              files=[OpenFile(7, "D:\\\\a.txt", "alice", "\\\\PC1")])
        ...     print([f.path_name for f in net.enum_files()])
        ...     net.delete_session(client="PC1")
        ...     print(list(net.enum_files()))
        ['D:\\\\a.txt']
        []
        """
        self.net.reset()
        self.wts.reset()
        self.lsa.reset()
        clear_workstation_users(self.net)
        for row in logon_sessions:
            self.lsa.add(row)
        for user in workstation_users:
            add_workstation_user(self.net, user)
        for name in servers:
            self.net.add_server(name)
            self.wts.add_server(name)
        for s in smb:
            self.net.add(s)
        for f in files:
            self.net.add_file(f)
        for c in connections:
            self.net.add_connection(c)
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

    def remove_file_on_call(self, call_no: int, index: int) -> None:
        """Close the ``index``-th open file just before netapi32 call ``call_no``."""
        self.net.remove_file_on_call(call_no, index)

    def delay_server(self, name: Optional[str], seconds: float) -> None:
        """Test-only knob, not a Windows behaviour: every netapi32 and wtsapi32 call aimed at
        server ``name`` (``None``: this computer) first sleeps ``seconds`` (outside the
        simulator's lock, so calls to other servers go on meanwhile). For testing many servers
        at once (:mod:`winsession.fleet`); a server never added fails as an unreachable one.

        >>> sim = Simulator(servers=["FS1"])
        >>> sim.delay_server("FS1", 0.5)
        """
        self.net.delay_server(name, seconds)
        self.wts.delay_server(name, seconds)

    def _api(self, api: str) -> _Api:
        if api in ("net", "netapi32"):
            return self.net
        if api in ("wts", "wtsapi32"):
            return self.wts
        if api in ("lsa", "secur32"):
            return self.lsa
        raise ValueError(f"api must be 'net' or 'wts', not {api!r}")

    # accounting
    def problems(self) -> list[str]:
        """Every leak or misuse found so far (empty when clean)."""
        found = self.net.problems() + self.wts.problems() + self.user32.problems()
        return found + self.lsa.problems()

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
        """Whether this simulator is bound now (inside its ``with`` block, or between
        :meth:`start` and :meth:`stop`)."""
        return self._previous is not None

    def start(self) -> Simulator:
        """Bind the simulated DLLs, as entering a ``with`` block does, and return the
        simulator; :meth:`stop` undoes it. For a REPL session or an example, where a block
        around every line is in the way. Starting an active simulator is a RuntimeError.

        >>> from winsession import net
        >>> sim = demo_simulator().start()
        >>> [s.user_name for s in net.enum_sessions(level=10)]
        ['alice', 'bob', 'carol']
        >>> sim.active, sim.problems()
        (True, [])
        >>> sim.stop()
        >>> sim.active
        False
        """
        return self.__enter__()

    def stop(self) -> None:
        """Unbind, as leaving the ``with`` block does: what was bound before :meth:`start`
        (another simulator, the stand-ins, the real DLLs) is bound again. Stopping a
        simulator that is not active does nothing.

        >>> outer = demo_simulator().start()
        >>> inner = Simulator().start()       # an empty table, over the demo
        >>> from winsession import wts
        >>> len(wts.enumerate_sessions())
        0
        >>> inner.stop()
        >>> len(wts.enumerate_sessions())     # the demo's again
        5
        >>> outer.stop(); outer.stop()
        """
        self.__exit__(None, None, None)

    def __enter__(self) -> Simulator:
        if self._previous is not None:
            raise RuntimeError("this Simulator is already active")
        providers = {
            "netapi32": self.net.provider,
            "wtsapi32": self.wts.provider,
            "kernel32": self.wts.kernel32,
            "user32": self.user32.provider,
            "advapi32": self.wts.advapi32,
            "userenv": self.wts.userenv,
            "secur32": self.lsa.provider,
        }
        self._previous = {name: _dll.use_simulator(name, providers[name]) for name in _DLLS}
        return self

    def __exit__(self, *exc: object) -> None:
        previous, self._previous = self._previous, None
        with self.wts.lock:
            self.wts._flush(None)  # nothing stays blocked in a simulator that is gone
        self.user32.wake_all()
        if previous is not None:
            for name in _DLLS:
                _dll.clear_simulator(name, previous[name])


# --- the demo table (winsession --simulate) -------------------------------------------------


def demo_simulator() -> Simulator:
    """The simulator ``winsession --simulate`` runs against: a small file and RDS server
    (this computer), and the named servers FS1, FS2 (SMB) and RDS2 (Remote Desktop).

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
                current_time=now, session_flags=1, is_remote=True, host_name="RDS01",
                shadow_settings=1),
        Session(3, state=4, win_station_name="", user_name="bob", domain_name="CONTOSO",
                client_name="BOB-LAPTOP", client_protocol=2,
                logon_time=t0 + 60 * minutes, connect_time=t0 + 60 * minutes,
                disconnect_time=t0 + 90 * minutes, current_time=now, session_flags=0,
                is_remote=True, host_name="RDS01"),
        Session(65536, state=6, win_station_name="RDP-Tcp", current_time=now),
        # Two more file servers and one more Remote Desktop server, for many-server listings
        # (winsession --simulate smb list --server FS1 --server FS2).
        Session(2, state=0, win_station_name="RDP-Tcp#7", user_name="dave",
                domain_name="CONTOSO", client_name="DAVE-PC",
                client_address=ipaddress.ip_address("10.0.1.8"), logon_time=t0,
                connect_time=t0, last_input_time=now - 40 * minutes, current_time=now,
                session_flags=1, server="RDS2"),
        Session(3, state=4, win_station_name="", user_name="erin", domain_name="CONTOSO",
                client_name="ERIN-MAC", logon_time=t0, connect_time=t0,
                disconnect_time=now - 180 * minutes, current_time=now, session_flags=0,
                server="RDS2"),
    ]  # fmt: skip
    smb += [
        SmbSession("\\\\10.0.1.8", "dave", 2, 4000, 60, 0, "Windows 11 Pro",
                   "\\Device\\Tcpip", server="FS1"),
        SmbSession("\\\\10.0.1.9", "erin", 5, 7300, 3900, 0, "macOS 14", "\\Device\\Tcpip",
                   server="FS2"),
    ]  # fmt: skip
    processes = [
        Process(4, 0, "System", "S-1-5-18"),
        Process(4242, 2, "notepad.exe", "S-1-5-21-1004336348-1177238915-682003330-1001"),
    ]
    projects, public = "C:\\Shares\\Projects\\", "C:\\Shares\\Public\\"
    files = [
        OpenFile(101, projects + "plan.docx", "alice", "\\\\10.0.0.5", permissions=3),
        OpenFile(102, projects + "budget.xlsx", "alice", "\\\\10.0.0.5", permissions=3,
                 num_locks=1),
        OpenFile(103, public + "readme.txt", "alice", "\\\\10.0.0.5", permissions=1),
        OpenFile(205, public + "setup.msi", "bob", "\\\\10.0.0.6", permissions=1),
    ]  # fmt: skip
    connections = [
        SmbConnection(11, "Projects", "\\\\10.0.0.5", "alice", num_opens=2, time=3600),
        SmbConnection(12, "Public", "\\\\10.0.0.5", "alice", num_opens=1, time=3500),
        SmbConnection(13, "IPC$", "\\\\10.0.0.5", "alice", share_type=0x80000003,
                      time=3600),
        SmbConnection(21, "Public", "\\\\10.0.0.6", "bob", num_opens=1, time=120),
        SmbConnection(31, "IPC$", "\\\\10.0.0.7", "carol", share_type=0x80000003,
                      time=9000),
    ]  # fmt: skip
    sim = Simulator(smb, sessions, processes, files=files, connections=connections,
                    logon_sessions=_demo_logon_sessions(t0, now),
                    workstation_users=_demo_workstation_users(),
                    current_session=2, console_session=1)  # fmt: skip
    sim.lsa.caller = 0x3B9C2  # the program runs in alice's Remote Desktop logon
    for flags in (0x20, 0x08, 0x10):  # LOGON, CONNECT, DISCONNECT
        sim.wts.events.append(flags)
    # For the first SessionChanges window: alice locks, bob's client drops, alice unlocks.
    for kind, session_id in ((7, 2), (4, 3), (8, 2)):
        sim.wts.queue_session_change(kind, session_id)
    sim.wts.accounts["S-1-5-21-1004336348-1177238915-682003330-1001"] = ("CONTOSO", "alice")
    sim.wts.domain_servers[:] = ["RDS01", "RDS02"]
    return sim


def _demo_logon_sessions(t0: datetime.datetime, now: datetime.datetime) -> list[LogonSession]:
    """The LSA logon sessions behind the demo's Remote Desktop and SMB sessions, and the
    system's own (what ``logonsessions`` shows on a domain member)."""
    domain, dns, dc = "CONTOSO", "CONTOSO.COM", "DC01"
    user_sid = "S-1-5-21-1004336348-1177238915-682003330-"
    hour = datetime.timedelta(hours=1)
    boot = t0 - hour

    def person(
        logon_id: int,
        name: str,
        rid: int,
        logon_type: int,
        session_id: int,
        when: datetime.datetime,
        package: str = "Kerberos",
    ) -> LogonSession:
        return LogonSession(
            logon_id, name, domain, package, logon_type, session_id, f"{user_sid}{rid}",
            when, dc, dns, f"{name.lower()}@contoso.com", user_flags=0x20,
            last_successful_logon=when - 24 * hour, failed_attempt_count=0,
            home_directory=f"\\\\FS1\\home\\{name.lower()}", home_directory_drive="H:",
            password_last_set=t0 - 30 * 24 * hour, password_can_change=t0 - 29 * 24 * hour,
        )  # fmt: skip

    return [
        LogonSession(0x3E7, f"{LOCAL_SERVER}$", domain, "Negotiate", 5, 0, "S-1-5-18", boot,
                     dns_domain_name=dns, upn=f"{LOCAL_SERVER.lower()}$@contoso.com"),
        LogonSession(0x3E4, f"{LOCAL_SERVER}$", domain, "Negotiate", 5, 0, "S-1-5-20", boot,
                     dns_domain_name=dns),
        LogonSession(0x3E5, "LOCAL SERVICE", "NT AUTHORITY", "Negotiate", 5, 0, "S-1-5-19",
                     boot),
        LogonSession(0x3F1, "DWM-1", "Window Manager", "Negotiate", 2, 1, "S-1-5-90-0-1",
                     t0 - datetime.timedelta(minutes=2)),
        LogonSession(0x3F2, "UMFD-1", "Font Driver Host", "Negotiate", 2, 1, "S-1-5-96-0-1",
                     t0 - datetime.timedelta(minutes=2)),
        person(0x2A0F1, "Administrator", 500, 2, 1, t0),
        person(0x3B9C2, "alice", 1001, 10, 2, t0 + hour / 2),
        person(0x4C1D0, "carol", 1003, 3, 0, now - datetime.timedelta(seconds=9000), "NTLM"),
        # The network logons behind alice's and bob's SMB sessions (10.0.0.5, 10.0.0.6).
        person(0x4E2A1, "alice", 1001, 3, 0, now - datetime.timedelta(seconds=3600)),
        person(0x4F3B7, "bob", 1002, 3, 0, now - datetime.timedelta(seconds=125), "NTLM"),
        person(0x4D3E8, "svc-backup", 1105, 4, 0, t0 + 2 * hour),
        # bob's Remote Desktop session 3 (disconnected), logged on with cached credentials.
        person(0x51A77, "bob", 1002, 12, 3, t0 + hour),
    ]  # fmt: skip


def _demo_workstation_users() -> list[WorkstationUser]:
    """Who NetWkstaUserEnum lists on the demo computers: interactive, service and batch
    logons (its page), the caller (alice) first."""
    return [
        WorkstationUser("alice", "CONTOSO", "", "DC01"),
        WorkstationUser("Administrator", "CONTOSO", "", "DC01"),
        WorkstationUser("bob", "CONTOSO", "", "DC01"),
        WorkstationUser("svc-backup", "CONTOSO", "", "DC01"),
        WorkstationUser(f"{LOCAL_SERVER}$", "CONTOSO", "", ""),
        WorkstationUser("svc-sql", "CONTOSO", "", "DC01", server="FS1"),
    ]


DEMO_EVENT_COUNT = 3
"""How many events :func:`demo_simulator` has queued for ``WTSWaitSystemEvent``, and how
many session changes it holds for the first ``SessionChanges`` window."""
