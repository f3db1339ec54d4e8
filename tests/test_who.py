"""``winsession.who()`` (issue 22 item 3): one row per user and route, the joins between
Remote Desktop, SMB and LSA logons, partial failures, and this computer only for LSA.

The first part runs the simulator (every tier); the second loads the three stand-in DLLs'
tables (wtsapi32, netapi32, secur32) and goes through the real ctypes calls (host and Wine
stand-in tiers).
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stubctl import Logon, LsaStub, NetStub, WtsStub, sid_bytes
from stubctl import Session as StubSmb
from test_wts import LOGON, add_user_session, ticks

import winsession
from winsession import errors, logon, testing, wts
from winsession.logon import LogonType
from winsession.testing import LogonSession, Session, Simulator, SmbSession

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
SID = "S-1-5-21-1004336348-1177238915-682003330-"


def _routes(users: list[winsession.LoggedOnUser]) -> list[tuple[str, str, str]]:
    return [(u.route.name, u.domain_name, u.user_name) for u in users]


# --- the demo table ---------------------------------------------------------------------------


def test_demo_one_row_per_user_and_route() -> None:
    with testing.demo_simulator() as sim:
        users = winsession.who()
        rows = list(users)
        sim.assert_clean()
    assert _routes(rows) == [
        ("CONSOLE", "CONTOSO", "Administrator"),
        ("REMOTE_DESKTOP", "CONTOSO", "alice"),
        ("REMOTE_DESKTOP", "CONTOSO", "bob"),
        ("SMB", "CONTOSO", "alice"),
        ("SMB", "CONTOSO", "bob"),
        ("SMB", "CONTOSO", "carol"),
        ("LOGON", "CONTOSO", "svc-backup"),
    ]
    assert users.local_logons and users.problems == [] and users.notes == []
    assert users.skipped == 0


def test_interactive_logon_completes_its_desktop_row() -> None:
    with testing.demo_simulator():
        rows = {(u.route, u.user_name): u for u in winsession.who()}
    alice = rows[winsession.Route.REMOTE_DESKTOP, "alice"]
    assert (alice.logon_id, alice.logon_type) == (0x3B9C2, LogonType.REMOTE_INTERACTIVE)
    assert (alice.session_id, alice.win_station_name, alice.client_name) == (
        2, "RDP-Tcp#3", "ALICE-PC")  # fmt: skip
    assert alice.client_address == "10.0.0.5" and alice.authentication_package == "Kerberos"
    assert alice.idle_time == datetime.timedelta(minutes=5) and alice.sid == SID + "1001"
    bob = rows[winsession.Route.REMOTE_DESKTOP, "bob"]  # disconnected, cached credentials
    assert bob.state == wts.ConnectState.DISCONNECTED
    assert bob.logon_type == LogonType.CACHED_REMOTE_INTERACTIVE and bob.logon_id == 0x51A77
    admin = rows[winsession.Route.CONSOLE, "Administrator"]
    assert admin.logon_type == LogonType.INTERACTIVE and admin.logon_time == T0


def test_network_logon_behind_an_smb_session_is_not_repeated() -> None:
    with testing.demo_simulator():
        rows = list(winsession.who())
    assert not [u for u in rows if u.logon_type == LogonType.NETWORK and u.route.name == "LOGON"]
    smb = {u.user_name: u for u in rows if u.route == winsession.Route.SMB}
    # One SMB session and one network logon each: the logon completes the SMB row.
    assert smb["alice"].logon_id == 0x4E2A1 and smb["bob"].authentication_package == "NTLM"
    assert (smb["alice"].num_opens, smb["alice"].client_name) == (3, "\\\\10.0.0.5")
    assert smb["carol"].idle_time == datetime.timedelta(hours=2)
    assert smb["carol"].active_time == datetime.timedelta(seconds=9000)


def test_system_logons_only_when_asked() -> None:
    with testing.demo_simulator():
        quiet = list(winsession.who())
        everything = list(winsession.who(include_system=True))
    assert not {u.sid for u in quiet} & {"S-1-5-18", "S-1-5-19", "S-1-5-20"}
    extra = [u for u in everything if u not in quiet]
    assert [(u.user_name, u.logon_type.windows_name) for u in extra if u.logon_type] == [
        ("SIMULATED$", "Service"), ("SIMULATED$", "Service"), ("LOCAL SERVICE", "Service"),
        ("DWM-1", "Interactive"), ("UMFD-1", "Interactive"),
    ]  # fmt: skip


def test_another_server_lists_no_lsa_logons_and_says_so() -> None:
    with testing.demo_simulator():
        users = winsession.who("SIMULATED")
        rows = list(users)
    assert not users.local_logons and users.server == "SIMULATED"
    assert [u.route.name for u in rows] == ["CONSOLE"] + ["REMOTE_DESKTOP"] * 2 + ["SMB"] * 3
    assert all(u.logon_id is None and u.server == "SIMULATED" for u in rows)
    assert all(u.domain_name == "" for u in rows if u.route == winsession.Route.SMB)
    assert users.notes == [
        "logons other than Remote Desktop and SMB (LSA) are listed for this computer only"
    ]


def test_a_failing_source_does_not_lose_the_others() -> None:
    with testing.demo_simulator():
        users = winsession.who("FS1")  # a file server: no Remote Desktop Services there
        rows = list(users)
        rds = winsession.who("RDS2")  # a Remote Desktop server: no Server service
        rds_rows = list(rds)
    assert [(u.route.name, u.user_name, u.num_opens) for u in rows] == [("SMB", "dave", 2)]
    (problem,) = users.problems
    assert isinstance(problem, errors.WtsError) and problem.function == "WTSEnumerateSessionsExW"
    assert [u.user_name for u in rds_rows] == ["dave", "erin"]
    assert [e.function for e in rds.problems] == ["NetSessionEnum"]
    # erin's disconnected session had a client computer: Remote Desktop, not the console
    assert [u.route.name for u in rds_rows] == ["REMOTE_DESKTOP", "REMOTE_DESKTOP"]


def test_every_source_failing_is_an_error_and_strict_raises_at_once() -> None:
    with testing.demo_simulator() as sim:
        with pytest.raises(errors.ServerNotFoundError) as info:
            list(winsession.who("NOSUCH"))
        assert info.value.function == "WTSEnumerateSessionsExW"  # the first source's error
        with pytest.raises(errors.WtsError):
            list(winsession.who("FS1", strict=True))
        sim.assert_clean()


def test_smb_falls_back_to_level_10_without_administrators() -> None:
    with testing.demo_simulator() as sim:
        sim.net.privileged = False
        users = winsession.who()
        rows = [u for u in users if u.route == winsession.Route.SMB]
    assert [u.user_name for u in rows] == ["alice", "bob", "carol"]
    assert all(u.num_opens is None and u.idle_time is not None for u in rows)
    assert users.notes == [
        "SMB sessions at level 10: level 2 needs administrators (no open-file counts)"
    ]


def test_lsa_without_elevation_counts_what_it_could_not_read() -> None:
    with testing.demo_simulator() as sim:
        sim.lsa.privileged = False  # the caller is alice, in her Remote Desktop logon
        users = winsession.who()
        rows = list(users)
    assert users.skipped == 10 and users.problems == []  # 12 minus alice's two
    assert "not readable without elevation" in users.notes[0]
    alice = [u for u in rows if u.user_name == "alice"]
    assert {u.logon_id for u in alice} == {0x3B9C2, 0x4E2A1}
    admin = next(u for u in rows if u.user_name == "Administrator")
    assert admin.logon_id is None and admin.session_id == 1  # the WTS row stands alone


def test_lsa_failure_keeps_the_sessions() -> None:
    with testing.demo_simulator() as sim:
        sim.lsa.fail_on_call(1, 0xC0000022)  # STATUS_ACCESS_DENIED on the enumeration
        users = winsession.who()
        rows = list(users)
    assert [e.function for e in users.problems] == ["LsaEnumerateLogonSessions"]
    assert isinstance(users.problems[0], errors.AccessDeniedError)
    assert len(rows) == 6 and all(u.logon_id is None for u in rows)


def _sim(**tables: object) -> Simulator:
    return Simulator(**tables)  # type: ignore[arg-type]


def _person(logon_id: int, name: str, kind: int, session: int, *, domain: str = "CONTOSO",
            rid: int = 1001, minutes: int = 0) -> LogonSession:  # fmt: skip
    return LogonSession(logon_id, name, domain, "Kerberos", kind, session, f"{SID}{rid}",
                        T0 + datetime.timedelta(minutes=minutes))  # fmt: skip


def test_joins_by_session_and_user() -> None:
    sessions = [
        Session(2, state=0, win_station_name="RDP-Tcp#1", user_name="alice",
                domain_name="CONTOSO", client_name="PC1", client_protocol=2),
    ]  # fmt: skip
    smb = [SmbSession("\\\\10.0.0.9", "dave", 1, 60, 5),
           SmbSession("\\\\10.0.0.10", "dave", 2, 30, 1)]  # fmt: skip
    lsa = [
        # alice's two UAC tokens: both complete her row, the earlier one gives the time
        _person(0x200, "alice", 10, 2, minutes=1),
        _person(0x100, "alice", 10, 2),
        # runas as bob inside alice's session: a logon of its own
        _person(0x300, "bob", 2, 2, rid=1002, minutes=5),
        # the same name in another domain, same session: not alice's
        _person(0x350, "alice", 2, 2, domain="FABRIKAM", rid=7),
        # dave: two SMB sessions, one network logon: the domain only
        _person(0x400, "dave", 3, 0, rid=1004),
        # a network logon without an SMB session (WMI, RPC...)
        _person(0x500, "mallory", 3, 0, rid=1005, minutes=9),
        # runas /netonly
        _person(0x600, "alice", 9, 2, minutes=20),
    ]
    with _sim(smb=smb, sessions=sessions, logon_sessions=lsa) as sim:
        rows = list(winsession.who())
        sim.assert_clean()
    assert [(u.route.name, u.domain_name, u.user_name, u.logon_id) for u in rows] == [
        ("REMOTE_DESKTOP", "CONTOSO", "alice", 0x100),
        ("SMB", "CONTOSO", "dave", None),
        ("SMB", "CONTOSO", "dave", None),
        ("LOGON", "CONTOSO", "bob", 0x300),
        ("LOGON", "FABRIKAM", "alice", 0x350),
        ("LOGON", "CONTOSO", "mallory", 0x500),
        ("LOGON", "CONTOSO", "alice", 0x600),
    ]
    assert rows[0].logon_time == T0 and rows[1].sid == SID + "1004"
    assert [u.logon_type.windows_name for u in rows[3:] if u.logon_type] == [
        "Interactive", "Interactive", "Network", "NewCredentials"]  # fmt: skip


def test_names_beyond_the_bmp_join_and_stay_whole() -> None:
    name = "\U0001f600ops\U00010437"
    sessions = [Session(4, state=0, win_station_name="RDP-Tcp#9", user_name=name,
                        domain_name="CONTOSO", client_protocol=2)]  # fmt: skip
    lsa = [_person(0x700, name, 10, 4)]
    with _sim(sessions=sessions, logon_sessions=lsa, smb=[SmbSession("\\\\PC", name)]):
        rows = list(winsession.who())
    assert [(u.route.name, u.user_name, len(u.user_name)) for u in rows] == [
        ("REMOTE_DESKTOP", name, 5), ("SMB", name, 5)]  # fmt: skip
    assert rows[0].logon_id == 0x700


def test_arguments_are_checked_before_any_call() -> None:
    with testing.demo_simulator() as sim:
        before = sim.wts.calls
        with pytest.raises(TypeError, match="server must be a str or None"):
            winsession.who(5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="server must not contain NUL"):
            winsession.who("FS\0")
        with pytest.raises(TypeError, match="strict must be True or False"):
            winsession.who(strict=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="include_system"):
            winsession.who(include_system=None)  # type: ignore[arg-type]
        users = winsession.who()  # nothing is asked before iteration
        assert sim.wts.calls == before
        users.close()
        assert list(users) == [] and sim.wts.calls == before


def test_records_are_frozen_and_their_repr_evaluates() -> None:
    with testing.demo_simulator():
        rows = list(winsession.who())
    alice = rows[1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        alice.user_name = "mallory"  # type: ignore[misc]
    assert not hasattr(alice, "__dict__")  # slotted, as every record
    names = {"Route": winsession.Route, "ConnectState": wts.ConnectState,
             "LogonType": LogonType, "LoggedOnUser": winsession.LoggedOnUser,
             "datetime": datetime, "ipaddress": ipaddress}  # fmt: skip
    for row in rows:
        assert eval(repr(row), names) == row
        assert pickle.loads(pickle.dumps(row)) == row
    assert dataclasses.asdict(alice)["route"] is winsession.Route.REMOTE_DESKTOP
    assert "who iterator" in repr(winsession.who())


# --- through the stand-in DLLs --------------------------------------------------------------


def _load_stand_ins(wtsstub: WtsStub, netstub: NetStub, lsastub: LsaStub) -> None:
    add_user_session(wtsstub, 2, "alice")
    add_user_session(wtsstub, 1, "Administrator", station="Console")
    wtsstub.set_number(None, 1, wts.InfoClass.CLIENT_PROTOCOL_TYPE, wts.ProtocolType.CONSOLE)
    netstub.load([StubSmb("\\\\10.0.0.5", "alice", 3, 3600, 20, 0, "Windows 11", "T"),
                  StubSmb("\\\\10.0.0.8", "erin", 1, 60, 5, 0, "Samba", "T")])  # fmt: skip
    when = ticks(T0)
    lsastub.load([
        Logon(0x3E7, "PC$", "CONTOSO", "Negotiate", 5, 0, sid_bytes("S-1-5-18"), when),
        Logon(0x2A0F1, "Administrator", "CONTOSO", "Kerberos", 2, 1, sid_bytes(SID + "500"),
              when),
        Logon(0x3B9C2, "alice", "CONTOSO", "Kerberos", 10, 2, sid_bytes(SID + "1001"), when),
        Logon(0x4E2A1, "alice", "CONTOSO", "Kerberos", 3, 0, sid_bytes(SID + "1001"), when),
        Logon(0x4F000, "erin", "CONTOSO", "NTLM", 3, 0, sid_bytes(SID + "1009"), when),
        Logon(0x4D3E8, "svc-backup", "CONTOSO", "Kerberos", 4, 0, sid_bytes(SID + "1105"),
              when),
    ])  # fmt: skip


def test_joins_through_the_stand_ins(wtsstub: WtsStub, netstub: NetStub,
                                     lsastub: LsaStub) -> None:  # fmt: skip
    _load_stand_ins(wtsstub, netstub, lsastub)
    users = winsession.who()
    rows = list(users)
    assert [(u.route.name, u.user_name, u.logon_id) for u in rows] == [
        ("CONSOLE", "Administrator", 0x2A0F1),
        ("REMOTE_DESKTOP", "alice", 0x3B9C2),
        ("SMB", "alice", 0x4E2A1),
        ("SMB", "erin", 0x4F000),
        ("LOGON", "svc-backup", 0x4D3E8),
    ]
    alice = rows[1]
    assert (alice.client_name, alice.client_address, alice.win_station_name) == (
        "LAPTOP-7", "10.0.0.5", "RDP-Tcp#3")  # fmt: skip
    assert alice.logon_time == LOGON  # the session's time, from WTS
    assert alice.idle_time == datetime.timedelta(minutes=5)
    assert rows[2].num_opens == 3 and rows[3].domain_name == "CONTOSO"
    assert rows[4].logon_type == LogonType.BATCH and users.problems == []


def test_not_elevated_through_the_stand_ins(wtsstub: WtsStub, netstub: NetStub,
                                            lsastub: LsaStub) -> None:  # fmt: skip
    _load_stand_ins(wtsstub, netstub, lsastub)
    lsastub.set_privileged(0)
    lsastub.set_caller(2)  # alice's Remote Desktop logon
    netstub.set_privileged(0)
    users = winsession.who()
    rows = list(users)
    assert users.skipped == 4 and len(users.notes) == 2  # level 10, and the skipped ones
    assert [(u.route.name, u.user_name, u.logon_id) for u in rows] == [
        ("CONSOLE", "Administrator", None),
        ("REMOTE_DESKTOP", "alice", 0x3B9C2),
        ("SMB", "alice", 0x4E2A1),
        ("SMB", "erin", None),
    ]
    assert rows[2].num_opens is None


def test_a_failing_source_through_the_stand_ins(wtsstub: WtsStub, netstub: NetStub,
                                                lsastub: LsaStub) -> None:  # fmt: skip
    _load_stand_ins(wtsstub, netstub, lsastub)
    wtsstub.fail_on_call(1, 5)  # ERROR_ACCESS_DENIED on WTSEnumerateSessionsExW
    users = winsession.who()
    rows = list(users)
    (problem,) = users.problems
    assert isinstance(problem, errors.AccessDeniedError)
    assert problem.function == "WTSEnumerateSessionsExW"
    # The interactive logons have no desktop row to complete now: rows of their own.
    assert [(u.route.name, u.user_name, u.session_id) for u in rows] == [
        ("SMB", "alice", None), ("SMB", "erin", None), ("LOGON", "Administrator", 1),
        ("LOGON", "alice", 2), ("LOGON", "svc-backup", 0),
    ]  # fmt: skip
    with pytest.raises(errors.AccessDeniedError):
        wtsstub.fail_on_call(wtsstub.calls() + 1, 5)
        list(winsession.who(strict=True))


def test_logon_module_and_who_agree(wtsstub: WtsStub, netstub: NetStub,
                                    lsastub: LsaStub) -> None:  # fmt: skip
    lsastub.load([Logon(0x9, "zed", "CONTOSO", "NTLM", 8, 0, sid_bytes(SID + "9"), ticks(T0))])
    (row,) = [u for u in winsession.who() if u.route == winsession.Route.LOGON]
    (s,) = logon.enum_logon_sessions()
    assert (row.logon_id, row.logon_type, row.sid) == (s.logon_id, s.logon_type, s.sid)
    assert row.logon_type.windows_name == "NetworkCleartext"


# --- the joins, as a property -----------------------------------------------------------------

_NAMES = st.sampled_from(["alice", "ALICE", "bob", "\U0001f600"])
_DOMAINS = st.sampled_from(["CONTOSO", "FABRIKAM", ""])
_KINDS = st.sampled_from([int(t) for t in LogonType])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[Session], list[SmbSession], list[LogonSession]]:
    ids = draw(st.lists(st.integers(1, 4), unique=True, max_size=3))
    sessions = [Session(i, state=0, win_station_name=f"RDP-Tcp#{i}", user_name=draw(_NAMES),
                        domain_name=draw(_DOMAINS), client_protocol=2) for i in ids]  # fmt: skip
    smb = [SmbSession(f"\\\\PC{n}", draw(_NAMES), 1, 60, 5)
           for n in range(draw(st.integers(0, 3)))]  # fmt: skip
    lsa = [
        LogonSession(0x1000 + n, draw(_NAMES), draw(_DOMAINS), "NTLM", draw(_KINDS),
                     draw(st.integers(0, 4)), f"{SID}{n}",
                     T0 + datetime.timedelta(minutes=draw(st.integers(0, 9))))
        for n in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    return sessions, smb, lsa


_INTERACTIVE = ("Interactive", "RemoteInteractive", "CachedInteractive",
                "CachedRemoteInteractive", "Unlock", "CachedUnlock")  # fmt: skip


def _kin(a_user: str, a_domain: str, b_user: str, b_domain: str) -> bool:
    return a_user.casefold() == b_user.casefold() and (
        not (a_domain and b_domain) or a_domain.casefold() == b_domain.casefold()
    )


@settings(max_examples=200, deadline=None)
@given(_tables())
def test_every_logon_is_one_row_or_completes_one(
    tables: tuple[list[Session], list[SmbSession], list[LogonSession]],
) -> None:
    sessions, smb, lsa = tables
    with _sim(smb=smb, sessions=sessions, logon_sessions=lsa) as sim:
        rows = list(winsession.who())
        sim.assert_clean()
    Route = winsession.Route
    desktop = [u for u in rows if u.route == Route.REMOTE_DESKTOP]
    assert len(desktop) == len(sessions)
    assert len([u for u in rows if u.route == Route.SMB]) == len(smb)
    listed = [u.logon_id for u in rows if u.route == Route.LOGON]
    assert len(listed) == len(set(listed))
    smb_users = {(s.user or "").casefold() for s in smb}
    for s in lsa:
        kind = LogonType(s.logon_type)
        behind_desktop = kind.windows_name in _INTERACTIVE and any(
            w.session_id == s.session_id
            and _kin(w.user_name, w.domain_name, s.user_name, s.logon_domain)
            for w in sessions
        )
        behind_smb = kind in (LogonType.NETWORK, LogonType.NETWORK_CLEARTEXT) and (
            s.user_name.casefold() in smb_users
        )
        assert (s.logon_id in listed) == (not behind_desktop and not behind_smb), s
    for u in desktop:  # a completed row has the earliest logon of its session and user
        mine = [s for s in lsa if s.session_id == u.session_id and s.logon_id not in listed
                and LogonType(s.logon_type).windows_name in _INTERACTIVE
                and _kin(u.user_name, u.domain_name, s.user_name, s.logon_domain)]  # fmt: skip
        if mine:
            first = min(mine, key=lambda s: (s.logon_time, s.logon_id))
            assert u.logon_id == first.logon_id
        else:
            assert u.logon_id is None
