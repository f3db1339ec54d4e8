"""winsession.logon through the real ctypes calls into the secur32 stand-in (host and Wine
tiers) and into winsession.testing's simulated secur32 (every tier)."""

from __future__ import annotations

import ctypes
import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import LSA_COUNT, LSA_NO_DATA, LSA_NULL_LIST, LSA_STRINGS, Logon, LsaStub, sid_bytes

from winsession import errors, logon
from winsession._records import to_filetime
from winsession.raw import secur32
from winsession.testing import LogonSession as SimLogon
from winsession.testing import Simulator

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
ALICE_SID = "S-1-5-21-1004336348-1177238915-682003330-1001"
STATUS_NO_SUCH_LOGON_SESSION = 0xC000005F
STATUS_ACCESS_DENIED = 0xC0000022
ERROR_INVALID_DATA = 13


def ft(value: datetime.datetime) -> int:
    return to_filetime(value)


SYSTEM = Logon(0x3E7, "STANDIN$", "CONTOSO", "Negotiate", 5, 0, sid_bytes("S-1-5-18"),
               ft(T0), upn="standin$@contoso.com")  # fmt: skip
ALICE = Logon(
    0x3B9C2, "alice", "CONTOSO", "Kerberos", 10, 2, sid_bytes(ALICE_SID), ft(T0), "DC01",
    "CONTOSO.COM", "alice@contoso.com", user_flags=0x20,
    last_successful_logon=ft(T0 - datetime.timedelta(days=1)),
    last_failed_logon=ft(T0 - datetime.timedelta(days=2)), failed_attempt_count=3,
    logon_script="logon.cmd", profile_path="\\\\FS1\\profiles\\alice",
    home_directory="\\\\FS1\\home\\alice", home_directory_drive="H:",
    logoff_time=0x7FFFFFFFFFFFFFFF, kick_off_time=0x7FFFFFFFFFFFFFFF,
    password_last_set=ft(T0 - datetime.timedelta(days=30)),
    password_can_change=ft(T0 - datetime.timedelta(days=29)),
    password_must_change=ft(T0 + datetime.timedelta(days=60)),
)  # fmt: skip
BOB = Logon(0x51A77, "bob", "CONTOSO", "NTLM", 3, 0, sid_bytes(ALICE_SID[:-4] + "1002"),
            ft(T0 + datetime.timedelta(hours=1)))  # fmt: skip


def expected(row: Logon, full: bool = True) -> logon.LogonSession:
    """The record the LogonSession page's members make of a stand-in row."""
    from winsession._records import from_filetime

    def later(value: Any) -> Any:
        return value if full else None

    sid = None
    if row.sid:
        count = row.sid[1]
        subs = [int.from_bytes(row.sid[8 + 4 * i : 12 + 4 * i], "little") for i in range(count)]
        sid = "-".join(["S-1", str(int.from_bytes(row.sid[2:8], "big")), *map(str, subs)])
    return logon.LogonSession(
        row.logon_id, row.user_name, row.logon_domain, row.authentication_package,
        logon.LogonType(row.logon_type), row.session_id, sid, from_filetime(row.logon_time),
        row.logon_server, row.dns_domain_name, row.upn, later(row.user_flags),
        later(from_filetime(row.last_successful_logon)),
        later(from_filetime(row.last_failed_logon)), later(row.failed_attempt_count),
        later(row.logon_script), later(row.profile_path), later(row.home_directory),
        later(row.home_directory_drive), later(from_filetime(row.logoff_time)),
        later(from_filetime(row.kick_off_time)), later(from_filetime(row.password_last_set)),
        later(from_filetime(row.password_can_change)),
        later(from_filetime(row.password_must_change)),
    )  # fmt: skip


# --- decoding ---------------------------------------------------------------------------------


def test_every_member_is_decoded(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE, BOB])
    sessions = logon.enum_logon_sessions()
    got = list(sessions)
    assert got == [expected(SYSTEM), expected(ALICE), expected(BOB)]
    alice = got[1]
    assert alice.logon_type is logon.LogonType.REMOTE_INTERACTIVE
    assert alice.logon_time == T0 and alice.logon_time.tzinfo is UTC
    assert alice.logoff_time is None  # 0x7FFF...: never
    assert alice.password_must_change == T0 + datetime.timedelta(days=60)
    assert (alice.failed_attempt_count, alice.home_directory_drive) == (3, "H:")
    assert (sessions.listed, sessions.skipped, sessions.vanished) == (3, 0, 0)
    assert lsastub.frees() == 4  # the id list and each session's data


def test_get_logon_session_reads_one(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE])
    assert logon.get_logon_session(0x3B9C2) == expected(ALICE)
    assert repr(logon.get_logon_session(0x3E7)).startswith("LogonSession(logon_id=0x3e7, ")


def test_64_bit_logon_ids_round_trip(lsastub: LsaStub) -> None:
    ids = [0x1_0000_03E7, 0xFFFF_FFFF_0000_0001, 0x8000_0000_8000_0000]
    lsastub.load([Logon(i, f"u{n}") for n, i in enumerate(ids)])
    assert [s.logon_id for s in logon.enum_logon_sessions()] == ids
    assert logon.get_logon_session(ids[1]).user_name == "u1"


def test_older_windows_size_leaves_the_later_members_none(lsastub: LsaStub) -> None:
    lsastub.load([ALICE])
    lsastub.set_data_size(secur32.SECURITY_LOGON_SESSION_DATA_V1_SIZE)  # XP / 2003: 136
    (alice,) = logon.enum_logon_sessions()
    assert alice == expected(ALICE, full=False)
    assert alice.upn == "alice@contoso.com" and alice.user_flags is None


def test_a_size_reaching_part_of_the_later_members(lsastub: LsaStub) -> None:
    data = secur32.SECURITY_LOGON_SESSION_DATA
    lsastub.load([ALICE])
    lsastub.set_data_size(data.LogonScript.offset + data.LogonScript.size)
    (alice,) = logon.enum_logon_sessions()
    assert (alice.user_flags, alice.failed_attempt_count, alice.logon_script) == (
        0x20,
        3,
        "logon.cmd",
    )
    assert alice.profile_path is None and alice.password_must_change is None


def test_a_larger_size_from_a_later_windows_is_read_as_far_as_known(lsastub: LsaStub) -> None:
    lsastub.load([ALICE])
    lsastub.set_data_size(ctypes.sizeof(secur32.SECURITY_LOGON_SESSION_DATA) + 64)
    assert list(logon.enum_logon_sessions()) == [expected(ALICE)]


@pytest.mark.parametrize("size", [4, 8, secur32.SECURITY_LOGON_SESSION_DATA_V1_SIZE - 1, 4097,
                                  0xFFFFFFFF])  # fmt: skip
def test_a_size_no_lsa_gives_is_invalid_data(lsastub: LsaStub, size: int) -> None:
    lsastub.load([ALICE])
    lsastub.set_data_size(size)
    with pytest.raises(errors.LsaError) as info:
        list(logon.enum_logon_sessions())
    assert info.value.winerror == ERROR_INVALID_DATA
    assert info.value.function == "LsaGetLogonSessionData" and "Size" in str(info.value)


def test_a_character_beyond_the_bmp_is_one_character(lsastub: LsaStub) -> None:
    lsastub.load([Logon(5, "b\U0001f600b", "D\u00e9j\u00e0")])
    (s,) = logon.enum_logon_sessions()
    assert (s.user_name, len(s.user_name), s.logon_domain) == ("b\U0001f600b", 3, "D\u00e9j\u00e0")


def test_strings_are_read_by_length_not_up_to_a_nul(lsastub: LsaStub) -> None:
    lsastub.load([Logon(5, "ignored")])
    raw = "alice and more".encode("utf-16-le")  # no NUL after "alice" in the buffer
    assert lsastub.set_string(0, 0, raw, len(raw), 10, len(raw)) == 0
    assert next(logon.enum_logon_sessions()).user_name == "alice"
    nul = "a\0b".encode("utf-16-le")  # an embedded NUL is part of a counted string
    assert lsastub.set_string(0, 0, nul, len(nul), -1, -1) == 0
    assert logon.get_logon_session(5).user_name == "a\0b"


def test_a_sid_with_a_large_authority_is_written_in_hex(lsastub: LsaStub) -> None:
    sid = bytes([1, 1]) + (0x1_0000_0005).to_bytes(6, "big") + (7).to_bytes(4, "little")
    lsastub.load([Logon(5, "x", sid=sid), Logon(6, "nosid")])
    assert [s.sid for s in logon.enum_logon_sessions()] == ["S-1-0x000100000005-7", None]


@pytest.mark.parametrize("sid", [bytes([2, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]),
                                 bytes([1, 16, 0, 0, 0, 0, 0, 5]) + bytes(64)])  # fmt: skip
def test_a_sid_no_lsa_gives_is_invalid_data(lsastub: LsaStub, sid: bytes) -> None:
    lsastub.load([Logon(5, "x", sid=sid)])
    with pytest.raises(errors.LsaError) as info:
        logon.get_logon_session(5)
    assert info.value.winerror == ERROR_INVALID_DATA and "SID" in str(info.value)


# --- hostile UNICODE_STRINGs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "length", "maximum", "why"),
    [
        (b"a\0b\0", 3, 4, "odd Length"),
        (b"a\0b\0", 4, 2, "beyond MaximumLength"),
        (None, 4, 4, "no Buffer"),
    ],
)
def test_a_unicode_string_no_lsa_gives_is_invalid_data(
    lsastub: LsaStub, data: Any, length: int, maximum: int, why: str
) -> None:
    lsastub.load([ALICE])
    assert lsastub.set_string(0, 2, data, len(data or b""), length, maximum) == 0
    with pytest.raises(errors.LsaError) as info:
        list(logon.enum_logon_sessions())
    assert info.value.winerror == ERROR_INVALID_DATA
    assert why in str(info.value) and "AuthenticationPackage" in str(info.value)


def test_an_empty_string_needs_no_buffer(lsastub: LsaStub) -> None:
    lsastub.load([ALICE])
    assert lsastub.set_string(0, 5, None, 0, 0, 0) == 0  # Upn: NULL Buffer, Length 0
    assert logon.get_logon_session(ALICE.logon_id).upn == ""


@given(st.text(max_size=40), st.sampled_from(range(len(LSA_STRINGS))))
def test_any_text_round_trips(_lsastub: LsaStub, text: str, field: int) -> None:
    stub = _lsastub
    stub.load([ALICE])
    try:
        stub.set_text(0, field, text)
        got = logon.get_logon_session(ALICE.logon_id)
        names = [
            "user_name", "logon_domain", "authentication_package", "logon_server",
            "dns_domain_name", "upn", "logon_script", "profile_path", "home_directory",
            "home_directory_drive",
        ]  # fmt: skip
        assert getattr(got, names[field]) == text
    finally:
        stub.assert_clean()


@given(st.binary(max_size=64), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF))
def test_any_counted_string_decodes_or_is_invalid_data(
    _lsastub: LsaStub, data: bytes, length: int, maximum: int
) -> None:
    length = min(length, len(data))  # what the buffer holds: a longer Length is unknowable
    stub = _lsastub
    stub.load([ALICE])
    try:
        assert stub.set_string(0, 0, data, len(data), length, maximum) == 0
        try:
            name = logon.get_logon_session(ALICE.logon_id).user_name
        except errors.LsaError as e:
            assert e.winerror == ERROR_INVALID_DATA
            assert length % 2 or length > maximum
        else:
            assert length % 2 == 0 and length <= maximum
            assert name == data[:length].decode("utf-16-le", "surrogatepass")
    finally:
        stub.assert_clean()


# --- hostile lists and answers --------------------------------------------------------------


def test_a_huge_count_is_invalid_data(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE])
    lsastub.hostile(LSA_COUNT, 0xFFFFFFFF)
    with pytest.raises(errors.LsaError) as info:
        list(logon.enum_logon_sessions())
    assert info.value.winerror == ERROR_INVALID_DATA
    assert info.value.function == "LsaEnumerateLogonSessions" and "4294967295" in str(info.value)


def test_a_count_without_a_list_is_invalid_data(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM])
    lsastub.hostile(LSA_NULL_LIST, 3)
    with pytest.raises(errors.LsaError, match="no list") as info:
        list(logon.enum_logon_sessions())
    assert info.value.winerror == ERROR_INVALID_DATA


def test_success_without_data_is_invalid_data(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM])
    lsastub.hostile(LSA_NO_DATA, 0)
    with pytest.raises(errors.LsaError, match="without data"):
        logon.get_logon_session(0x3E7)


def test_no_logon_session_at_all(lsastub: LsaStub) -> None:
    sessions = logon.enum_logon_sessions()
    assert list(sessions) == [] and sessions.listed == 0
    assert lsastub.allocs() == 0  # nothing to free: no list was handed out


# --- skip rules and errors ----------------------------------------------------------------------


def test_a_session_ending_mid_enumeration_is_skipped_and_counted(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE, BOB])
    lsastub.vanish_on_call(3, 1)  # call 1 lists, call 2 reads SYSTEM; alice ends before 3
    sessions = logon.enum_logon_sessions()
    assert [s.user_name for s in sessions] == ["STANDIN$", "bob"]
    assert (sessions.listed, sessions.vanished, sessions.skipped) == (3, 1, 0)


def test_sessions_of_other_users_are_skipped_when_not_elevated(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE, BOB, Logon(0x77, "alice", sid=ALICE.sid)])
    lsastub.set_privileged(0)
    lsastub.set_caller(1)  # the caller runs in alice's logon session
    sessions = logon.enum_logon_sessions()
    assert [hex(s.logon_id) for s in sessions] == ["0x3b9c2", "0x77"]
    assert (sessions.skipped, sessions.vanished) == (2, 0)
    assert "skipped=2" in repr(sessions)


def test_skip_denied_false_raises_access_denied(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE])
    lsastub.set_privileged(0)
    lsastub.set_caller(1)
    with pytest.raises(errors.AccessDeniedError) as info:
        list(logon.enum_logon_sessions(skip_denied=False))
    e = info.value
    assert isinstance(e, errors.LsaError) and isinstance(e, PermissionError)
    assert (e.winerror, e.ntstatus, e.function) == (5, STATUS_ACCESS_DENIED,
                                                    "LsaGetLogonSessionData")  # fmt: skip
    assert "0xC0000022" in str(e)


def test_an_unknown_logon_id_is_session_not_found(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM])
    with pytest.raises(errors.SessionNotFoundError) as info:
        logon.get_logon_session(0x12345)
    assert (info.value.winerror, info.value.ntstatus) == (1312, STATUS_NO_SUCH_LOGON_SESSION)
    assert info.value.symbol == "ERROR_NO_SUCH_LOGON_SESSION"


@pytest.mark.parametrize(
    ("status", "winerror"),
    [(0xC0000017, 8), (0xC000000D, 87), (0xC0DE0001, 317)],  # the last: no Win32 code
)
def test_a_failing_enumeration_raises_with_its_ntstatus(
    lsastub: LsaStub, status: int, winerror: int
) -> None:
    lsastub.load([SYSTEM])
    lsastub.fail_on_call(1, status - (1 << 32))
    with pytest.raises(errors.LsaError) as info:
        list(logon.enum_logon_sessions())
    assert (info.value.ntstatus, info.value.winerror) == (status, winerror)
    assert info.value.function == "LsaEnumerateLogonSessions"
    assert f"0x{status:08X}" in str(info.value)


def test_other_failures_mid_enumeration_are_raised(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE])
    lsastub.fail_on_call(3, 0xC0000017 - (1 << 32))  # STATUS_NO_MEMORY for alice
    sessions = logon.enum_logon_sessions()
    assert next(sessions).user_name == "STANDIN$"
    with pytest.raises(errors.LsaError) as info:
        next(sessions)
    assert info.value.winerror == 8


def test_an_error_from_the_lsa_pickles_with_its_ntstatus(lsastub: LsaStub) -> None:
    import pickle

    with pytest.raises(errors.LsaError) as info:
        logon.get_logon_session(1)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is type(info.value) and again.ntstatus == STATUS_NO_SUCH_LOGON_SESSION


# --- buffers ------------------------------------------------------------------------------------


def test_stopping_early_leaks_nothing(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE, BOB])
    sessions = logon.enum_logon_sessions()
    next(sessions)
    assert lsastub.outstanding() == 0  # nothing held across the yield
    sessions.close()
    assert list(sessions) == [] and lsastub.calls() == 2


def test_an_exception_while_decoding_leaks_nothing(lsastub: LsaStub) -> None:
    lsastub.load([SYSTEM, ALICE])
    assert lsastub.set_string(1, 0, b"abc", 3, 3, 4) == 0
    sessions = logon.enum_logon_sessions()
    next(sessions)
    with pytest.raises(errors.LsaError):
        next(sessions)
    assert lsastub.outstanding() == 0 and lsastub.frees() == lsastub.allocs() == 3


# --- arguments (checked before any call) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "exc"),
    [("3e7", TypeError), (True, TypeError), (1.0, TypeError), (-1, ValueError),
     (1 << 64, ValueError)],
)  # fmt: skip
def test_bad_logon_ids_are_refused_before_any_call(lsastub: LsaStub, value: Any,
                                                   exc: type) -> None:  # fmt: skip
    with pytest.raises(exc, match="logon_id"):
        logon.get_logon_session(value)
    assert lsastub.calls() == 0


def test_skip_denied_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="skip_denied"):
        logon.enum_logon_sessions(skip_denied=1)  # type: ignore[arg-type]


def test_every_logon_type_has_a_member() -> None:
    values = [0, *range(2, 14)]
    assert [int(t) for t in logon.LogonType] == values
    assert logon.LogonType(12).windows_name == "CachedRemoteInteractive"
    assert logon.LogonType(77).name == "UNKNOWN" and int(logon.LogonType(77)) == 77


# --- the simulator (every tier) ----------------------------------------------------------------


def test_the_simulator_gives_the_same_records() -> None:
    rows = [SimLogon(0x3E7, "SYSTEM", "NT AUTHORITY", "Negotiate", 5, 0, "S-1-5-18", T0),
            SimLogon(0x3B9C2, "alice", "CONTOSO", "Kerberos", 10, 2, ALICE_SID, T0,
                     upn="alice@contoso.com", home_directory_drive="H:")]  # fmt: skip
    with Simulator(logon_sessions=rows) as sim:
        got = list(logon.enum_logon_sessions())
        assert [s.sid for s in got] == ["S-1-5-18", ALICE_SID]
        assert got[1].home_directory_drive == "H:" and got[1].logon_time == T0
        sim.lsa.data_size = 136
        assert logon.get_logon_session(0x3B9C2).home_directory_drive is None
        sim.assert_clean()


def test_the_simulator_skips_and_counts() -> None:
    rows = [SimLogon(1, "a", sid="S-1-5-18"), SimLogon(2, "b", sid=ALICE_SID),
            SimLogon(3, "c", sid="S-1-5-19")]  # fmt: skip
    with Simulator(logon_sessions=rows) as sim:
        sim.lsa.privileged = False
        sim.lsa.caller = 2
        sim.lsa.vanish_on_call(4, 3)
        sessions = logon.enum_logon_sessions()
        assert [s.user_name for s in sessions] == ["b"]
        assert (sessions.skipped, sessions.vanished) == (1, 1)
        sim.lsa.fail_on_call(sim.lsa.calls + 1, 0xC0000017)
        with pytest.raises(errors.LsaError) as info:
            list(logon.enum_logon_sessions())
        assert (info.value.winerror, info.value.ntstatus) == (8, 0xC0000017)
        sim.assert_clean()


# --- interrupt storm (tests/storm.py, in a child process as test_hostile_lib runs it) ---------


def test_interrupt_storm_leaks_no_lsa_buffer(_lsastub: LsaStub) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, str(root / "tests" / "storm.py"), "--interrupts", "800", "--seed",
         "5", "--json"],
        cwd=str(root), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    line = next(x for x in proc.stdout.splitlines() if x.startswith("STORM "))
    result = json.loads(line[len("STORM ") :])
    hits = {name: n for name, n in result["by_call"].items() if "logon" in name or "wksta" in name
            or "workstation" in name}  # fmt: skip
    assert len(hits) == 3 and all(hits.values()), hits
    assert result["misfrees"] == 0
    if sys.version_info >= (3, 11):  # 3.9/3.10: see test_hostile_lib's storm test
        assert result["lsa_buffers_leaked"] == 0 and result["net_buffers_leaked"] == 0, result
    else:
        assert result["lsa_buffers_leaked"] <= 5, result


def test_the_demo_logons_match_the_demo_sessions() -> None:
    from winsession import net, testing, wts

    with testing.demo_simulator() as sim:
        logons = list(logon.enum_logon_sessions())
        by_session = {(s.session_id, s.user_name) for s in logons}
        for session in wts.enumerate_sessions_ex():
            if session.user_name:  # each Remote Desktop / console user has its logon there
                assert (session.session_id, session.user_name) in by_session, session
        network = {s.user_name for s in logons if s.logon_type is logon.LogonType.NETWORK}
        assert {s.user_name for s in net.enum_sessions(level=10)} <= network
        types = {s.logon_type.windows_name for s in logons}
        assert {"Service", "Interactive", "RemoteInteractive", "Network", "Batch"} <= types
        assert {s.user_name for s in logons if s.logon_id in (0x3E7, 0x3E4, 0x3E5)} == {
            "SIMULATED$", "LOCAL SERVICE"}  # fmt: skip
        users = {u.user_name for u in net.enum_workstation_users(level=0)}
        assert {"alice", "Administrator", "bob"} <= users
        sim.assert_clean()


@given(st.integers(1, 0xFFFFFFFF))
def test_any_size_decodes_as_far_as_it_reaches_or_is_invalid_data(
    _lsastub: LsaStub, size: int
) -> None:
    data = secur32.SECURITY_LOGON_SESSION_DATA
    stub = _lsastub
    stub.load([ALICE])
    stub.set_data_size(size)
    try:
        try:
            got = logon.get_logon_session(ALICE.logon_id)
        except errors.LsaError as e:
            assert e.winerror == ERROR_INVALID_DATA
            assert not data.UserFlags.offset <= size <= logon.MAX_DATA_SIZE
        else:
            assert data.UserFlags.offset <= size <= logon.MAX_DATA_SIZE
            assert got.upn == ALICE.upn  # the first version's members are always there
            reaches = size >= data.PasswordMustChange.offset + 8
            assert (got.password_must_change is not None) == reaches
            assert (got.user_flags is not None) == (size >= data.UserFlags.offset + 4)
    finally:
        stub.assert_clean()
