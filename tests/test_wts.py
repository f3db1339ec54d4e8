"""winsession.wts against the wtsapi32 stand-in, through the real ctypes calls."""

from __future__ import annotations

import datetime
import gc
import ipaddress
import threading
import time
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import WtsStub

import winsession
from winsession import wts
from winsession.codes import WinError

UTC = datetime.timezone.utc
EPOCH_1601 = datetime.datetime(1601, 1, 1, tzinfo=UTC)


def ticks(when: datetime.datetime) -> int:
    return (when - EPOCH_1601) // datetime.timedelta(microseconds=1) * 10


LOGON = datetime.datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
NOW = datetime.datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

# Field numbers of the stand-in's stub_wts_set_number (stubs/README.md).
CONNECT, DISCONNECT, LAST_INPUT, LOGON_TIME, CURRENT = 200, 201, 202, 203, 204
IN_BYTES, OUT_BYTES, IN_FRAMES, OUT_FRAMES, IN_COMP, OUT_COMP = 205, 206, 207, 208, 209, 210
SESSION_FLAGS, EXEC_ENV, HRES, VRES, DEPTH, ENCRYPTION = 211, 212, 213, 214, 215, 216
HOST_NAME, FARM_NAME = 100, 101


def add_user_session(
    stub: WtsStub,
    sid: int,
    user: str = "alice",
    *,
    state: int = wts.ConnectState.ACTIVE,
    station: str = "RDP-Tcp#3",
    server: Optional[str] = None,
) -> None:
    assert stub.add_session(server, sid, state, station) == 0
    for field, value in (
        (wts.InfoClass.USER_NAME, user),
        (wts.InfoClass.DOMAIN_NAME, "CONTOSO"),
        (wts.InfoClass.CLIENT_NAME, "LAPTOP-7"),
        (wts.InfoClass.WIN_STATION_NAME, station),
    ):
        assert stub.set_string(server, sid, field, value) == 0
    for field, value in (
        (CONNECT, ticks(LOGON)),
        (LOGON_TIME, ticks(LOGON)),
        (LAST_INPUT, ticks(NOW - datetime.timedelta(minutes=5))),
        (CURRENT, ticks(NOW)),
        (IN_BYTES, 1000),
        (OUT_BYTES, 2000),
        (IN_FRAMES, 10),
        (OUT_FRAMES, 20),
        (wts.InfoClass.CLIENT_BUILD_NUMBER, 22631),
        (wts.InfoClass.CLIENT_PROTOCOL_TYPE, wts.ProtocolType.RDP),
        (HRES, 1920),
        (VRES, 1080),
        (DEPTH, 24),
    ):
        assert stub.set_number(server, sid, field, value) == 0
    assert stub.set_address(server, sid, 2, bytes([0, 0, 10, 0, 0, 5]), 6) == 0


# --- servers --------------------------------------------------------------------------------


def test_server_closes_exactly_once(wtsstub: WtsStub) -> None:
    wtsstub.add_server("RDS01")
    with wts.open_server("RDS01") as srv:
        assert wtsstub.open_handles() == 1
        assert wts.enumerate_sessions(srv) == []
        assert "RDS01 open" in repr(srv)
    assert srv.closed and "closed" in repr(srv)
    srv.close()  # a second close does nothing
    assert wtsstub.open_handles() == 0
    with pytest.raises(ValueError, match="closed"):
        wts.enumerate_sessions(srv)


def test_server_closed_by_garbage_collection(wtsstub: WtsStub) -> None:
    wtsstub.add_server("RDS01")
    srv = wts.open_server("RDS01")
    assert wtsstub.open_handles() == 1
    del srv
    gc.collect()
    assert wtsstub.open_handles() == 0


def test_local_server_needs_no_handle(wtsstub: WtsStub) -> None:
    with wts.open_server(None) as srv:
        assert srv.handle is None
        assert wtsstub.open_handles() == 0


def test_named_server_is_opened_per_call_and_closed(wtsstub: WtsStub) -> None:
    wtsstub.add_server("RDS01")
    add_user_session(wtsstub, 7, server="RDS01")
    assert [s.session_id for s in wts.enumerate_sessions("RDS01")] == [7]
    assert wts.enumerate_sessions() == []  # the local server has none
    assert wtsstub.open_handles() == 0


def test_unreachable_server(wtsstub: WtsStub) -> None:
    with pytest.raises(winsession.ServerNotFoundError) as info:
        wts.enumerate_sessions("NOSUCH")
    err = info.value
    assert isinstance(err, winsession.WtsError) and isinstance(err, ConnectionError)
    assert err.winerror == WinError.RPC_S_SERVER_UNAVAILABLE
    assert err.server == "NOSUCH" and "NOSUCH" in str(err)
    assert err.function == "WTSEnumerateSessionsW"


# --- enumeration ---------------------------------------------------------------------------


def test_enumerate_sessions(wtsstub: WtsStub) -> None:
    wtsstub.add_session(None, 0, wts.ConnectState.DISCONNECTED, "Services")
    wtsstub.add_session(None, 1, wts.ConnectState.ACTIVE, "Console")
    wtsstub.add_session(None, 65536, wts.ConnectState.LISTEN, "RDP-Tcp")
    assert wts.enumerate_sessions() == [
        wts.SessionInfo(0, "Services", wts.ConnectState.DISCONNECTED),
        wts.SessionInfo(1, "Console", wts.ConnectState.ACTIVE),
        wts.SessionInfo(65536, "RDP-Tcp", wts.ConnectState.LISTEN),
    ]


def test_unknown_state_does_not_crash(wtsstub: WtsStub) -> None:
    wtsstub.add_session(None, 3, 42, "Odd")
    (s,) = wts.enumerate_sessions()
    assert s.state == 42 and s.state.name == "UNKNOWN_42"


def test_no_more_items_is_empty(wtsstub: WtsStub) -> None:
    wtsstub.empty_is_error(1)
    assert wts.enumerate_sessions() == []
    assert wts.enumerate_sessions_ex() == []
    assert wtsstub.calls() == 2


def test_enumerate_sessions_ex_frees_with_the_ex_function(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 2, "bob")
    wtsstub.set_string(None, 2, HOST_NAME, "RDSH-1")
    wtsstub.set_string(None, 2, FARM_NAME, "Farm")
    wtsstub.set_number(None, 2, EXEC_ENV, 5)
    (s,) = wts.enumerate_sessions_ex()
    assert s == wts.SessionInfo1(
        5, wts.ConnectState.ACTIVE, 2, "RDP-Tcp#3", "RDSH-1", "bob", "CONTOSO", "Farm"
    )
    assert wtsstub.allocs() == wtsstub.frees() == 1
    # wrong_frees/bad_free_args are checked by the fixture's assert_clean().


names = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0xD7FF), min_size=0, max_size=20
)


@given(
    table=st.lists(
        st.tuples(
            st.integers(0, 2**32 - 2),
            st.sampled_from(list(wts.ConnectState)),
            names,
            names,
            names,
        ),
        max_size=12,
        unique_by=lambda row: row[0],
    )
)
def test_any_table_round_trips_through_every_call(
    _wtsstub: WtsStub, table: list[tuple[int, wts.ConnectState, str, str, str]]
) -> None:
    _wtsstub.reset()
    for sid, state, station, user, domain in table:
        assert _wtsstub.add_session(None, sid, state, station) == 0
        _wtsstub.set_string(None, sid, wts.InfoClass.USER_NAME, user)
        _wtsstub.set_string(None, sid, wts.InfoClass.DOMAIN_NAME, domain)
    assert wts.enumerate_sessions() == [wts.SessionInfo(s, n, st_) for s, st_, n, _, _ in table]
    ex = wts.enumerate_sessions_ex()
    assert [(s.session_id, s.state, s.session_name, s.user_name, s.domain_name) for s in ex] == [
        (sid, state, station, user, domain) for sid, state, station, user, domain in table
    ]
    for sid, state, station, user, domain in table:
        assert wts.query_session_information(sid, wts.InfoClass.USER_NAME) == user
        assert wts.query_session_information(sid, wts.InfoClass.CONNECT_STATE) == state
        info = wts.query_session_information(sid, wts.InfoClass.SESSION_INFO)
        # Inline arrays truncate: WinStationName[32], Domain[17], UserName[21], NUL included.
        assert info.win_station_name == station[:31]
        assert info.domain_name == domain[:16] and info.user_name == user[:20]
        assert info.session_id == sid and info.state == state
    _wtsstub.assert_clean()


# --- WTSQuerySessionInformationW ----------------------------------------------------------


def test_every_info_class_decodes(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3)
    for field, text in (
        (wts.InfoClass.INITIAL_PROGRAM, "C:\\Windows\\explorer.exe"),
        (wts.InfoClass.APPLICATION_NAME, "Desktop"),
        (wts.InfoClass.WORKING_DIRECTORY, "C:\\Users\\alice"),
        (wts.InfoClass.OEM_ID, "OEM"),
        (wts.InfoClass.CLIENT_DIRECTORY, "C:\\Windows\\System32\\mstscax.dll"),
    ):
        wtsstub.set_string(None, 3, field, text)
    wtsstub.set_number(None, 3, wts.InfoClass.CLIENT_PRODUCT_ID, 1)
    wtsstub.set_number(None, 3, wts.InfoClass.CLIENT_HARDWARE_ID, 0xDEADBEEF)
    wtsstub.set_number(None, 3, wts.InfoClass.IS_REMOTE_SESSION, 1)
    wtsstub.set_number(None, 3, SESSION_FLAGS, 0)
    wtsstub.set_number(None, 3, 219, 4)  # WTSCONFIGINFOW.ShadowSettings
    wtsstub.set_string(None, 3, 102, "autologon")  # .LogonUserName
    q = wts.query_session_information
    assert q(3, wts.InfoClass.INITIAL_PROGRAM) == "C:\\Windows\\explorer.exe"
    assert q(3, wts.InfoClass.APPLICATION_NAME) == "Desktop"
    assert q(3, wts.InfoClass.WORKING_DIRECTORY) == "C:\\Users\\alice"
    assert q(3, wts.InfoClass.OEM_ID) == "OEM"
    assert q(3, wts.InfoClass.SESSION_ID) == 3
    assert q(3, wts.InfoClass.USER_NAME) == "alice"
    assert q(3, wts.InfoClass.WIN_STATION_NAME) == "RDP-Tcp#3"
    assert q(3, wts.InfoClass.DOMAIN_NAME) == "CONTOSO"
    assert q(3, wts.InfoClass.CONNECT_STATE) is wts.ConnectState.ACTIVE
    assert q(3, wts.InfoClass.CLIENT_BUILD_NUMBER) == 22631
    assert q(3, wts.InfoClass.CLIENT_NAME) == "LAPTOP-7"
    assert q(3, wts.InfoClass.CLIENT_DIRECTORY) == "C:\\Windows\\System32\\mstscax.dll"
    assert q(3, wts.InfoClass.CLIENT_PRODUCT_ID) == 1
    assert q(3, wts.InfoClass.CLIENT_HARDWARE_ID) == 0  # Microsoft: "always ... 0"
    address = q(3, wts.InfoClass.CLIENT_ADDRESS)
    assert address.family == 2 and address.address == ipaddress.IPv4Address("10.0.0.5")
    assert q(3, wts.InfoClass.CLIENT_DISPLAY) == wts.ClientDisplay(1920, 1080, 24)
    assert q(3, wts.InfoClass.CLIENT_PROTOCOL_TYPE) is wts.ProtocolType.RDP
    client = q(3, wts.InfoClass.CLIENT_INFO)
    assert (client.client_name, client.user_name, client.domain_name) == (
        "LAPTOP-7",
        "alice",
        "CONTOSO",
    )
    assert (client.horizontal_resolution, client.vertical_resolution) == (1920, 1080)
    assert client.client_build_number == 22631 and client.client_address_family == 2
    assert client.client_hardware_id == 0xDEADBEEF  # WTSCLIENTW: "Reserved", passed through
    assert client.client_address is not None
    assert client.client_address.address == ipaddress.IPv4Address("10.0.0.5")
    info = q(3, wts.InfoClass.SESSION_INFO)
    assert info.logon_time == LOGON and info.current_time == NOW
    assert info.disconnect_time is None  # FILETIME 0
    assert (info.incoming_bytes, info.outgoing_bytes) == (1000, 2000)
    ex = q(3, wts.InfoClass.SESSION_INFO_EX)
    assert ex.locked is True and ex.session_flags == 0 and ex.user_name == "alice"
    assert ex.last_input_time == NOW - datetime.timedelta(minutes=5)
    config = q(3, wts.InfoClass.CONFIG_INFO)
    assert (config.shadow_settings, config.logon_user_name) == (4, "autologon")
    assert config.initial_program == "C:\\Windows\\explorer.exe"
    for unsupported in (wts.InfoClass.VALIDATION_INFO, wts.InfoClass.SESSION_ADDRESS_V4):
        with pytest.raises(winsession.UnsupportedPlatformError) as info:
            q(3, unsupported)  # not supported / no virtual IP address: ERROR_NOT_SUPPORTED
        assert info.value.winerror == 50
    assert q(3, wts.InfoClass.IS_REMOTE_SESSION) is True


def test_ipv6_client_address(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 4)
    v6 = ipaddress.IPv6Address("2001:db8::42")
    wtsstub.set_address(None, 4, 23, v6.packed, 16)
    address = wts.query_session_information(4, wts.InfoClass.CLIENT_ADDRESS)
    assert address.family == 23 and address.address == v6
    assert len(address.raw) == 20


@pytest.mark.parametrize(("flags", "locked"), [(0, True), (1, False), (-1, None), (7, None)])
def test_lock_state(wtsstub: WtsStub, flags: int, locked: Optional[bool]) -> None:
    add_user_session(wtsstub, 5)
    wtsstub.set_number(None, 5, SESSION_FLAGS, flags)
    assert wts.query_session_information(5, wts.InfoClass.SESSION_INFO_EX).locked is locked


@pytest.mark.parametrize(("flags", "locked"), [(0, False), (1, True), (-1, None)])
def test_lock_state_inverted_on_windows_7(
    wtsstub: WtsStub, monkeypatch: pytest.MonkeyPatch, flags: int, locked: Optional[bool]
) -> None:
    # Microsoft documents that Windows 7 / Server 2008 R2 report LOCK and UNLOCK reversed;
    # only the version check is replaced here, the value still comes through the FFI.
    monkeypatch.setattr(wts._types, "_is_windows_7", lambda: True)
    add_user_session(wtsstub, 5)
    wtsstub.set_number(None, 5, SESSION_FLAGS, flags)
    assert wts.query_session_information(5, wts.InfoClass.SESSION_INFO_EX).locked is locked


@pytest.mark.parametrize("value", [1, 2**63 - 1, -5])
def test_odd_filetimes_do_not_crash(wtsstub: WtsStub, value: int) -> None:
    add_user_session(wtsstub, 6)
    wtsstub.set_number(None, 6, CURRENT, value)
    info = wts.query_session_information(6, wts.InfoClass.SESSION_INFO)
    assert info.current_time in (None, EPOCH_1601)


@pytest.mark.parametrize("cls", range(wts.InfoClass.IDLE_TIME, wts.InfoClass.OUTGOING_FRAMES + 1))
def test_classes_windows_does_not_support(wtsstub: WtsStub, cls: int) -> None:
    add_user_session(wtsstub, 3)
    with pytest.raises(winsession.UnsupportedPlatformError, match="SESSION_INFO") as info:
        wts.query_session_information(3, cls)
    assert info.value.winerror == WinError.ERROR_NOT_SUPPORTED
    assert info.value.session_id == 3


def test_class_unsupported_by_this_system(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3)
    wtsstub.unsupported_class(wts.InfoClass.SESSION_INFO_EX)
    with pytest.raises(winsession.UnsupportedPlatformError):
        wts.query_session_information(3, wts.InfoClass.SESSION_INFO_EX)
    assert wts.session_details(3).locked is None  # details still work without it


def test_session_gone(wtsstub: WtsStub) -> None:
    with pytest.raises(winsession.SessionNotFoundError) as info:
        wts.query_session_information(99, wts.InfoClass.USER_NAME)
    assert info.value.session_id == 99 and "session 99" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_session_details(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3)
    wtsstub.set_number(None, 3, SESSION_FLAGS, 1)
    d = wts.session_details(3)
    assert (d.session_id, d.user, d.win_station_name) == (3, "CONTOSO\\alice", "RDP-Tcp#3")
    assert d.state is wts.ConnectState.ACTIVE and d.client_name == "LAPTOP-7"
    assert d.client_address is not None
    assert d.client_address.address == ipaddress.IPv4Address("10.0.0.5")
    assert d.client_protocol is wts.ProtocolType.RDP and d.client_build_number == 22631
    assert d.client_display == wts.ClientDisplay(1920, 1080, 24)
    assert d.logon_time == LOGON and d.idle_time == datetime.timedelta(minutes=5)
    assert d.locked is False and d.server is None
    assert wtsstub.open_handles() == 0


def test_idle_time_of_disconnected_session_counts_from_disconnection(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3, state=wts.ConnectState.DISCONNECTED)
    wtsstub.set_number(None, 3, DISCONNECT, ticks(NOW - datetime.timedelta(hours=1)))
    assert wts.session_details(3).idle_time == datetime.timedelta(hours=1)


# --- actions ------------------------------------------------------------------------------


@pytest.mark.parametrize("wait", [False, True])
def test_disconnect(wtsstub: WtsStub, wait: bool) -> None:
    add_user_session(wtsstub, 3)
    wts.disconnect_session(3, wait=wait)
    assert wtsstub.session_state(None, 3) == wts.ConnectState.DISCONNECTED
    assert wtsstub.last_wait() == int(wait)
    info = wts.query_session_information(3, wts.InfoClass.SESSION_INFO)
    assert info.disconnect_time is not None


def test_disconnect_current_session_by_default(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3)
    wtsstub.set_current_session(3)
    wts.disconnect_session()
    assert wtsstub.session_state(None, 3) == wts.ConnectState.DISCONNECTED


def test_logoff(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 3)
    add_user_session(wtsstub, 4, "bob")
    wts.logoff_session(3, wait=True)
    assert [s.session_id for s in wts.enumerate_sessions()] == [4]
    with pytest.raises(winsession.SessionNotFoundError):
        wts.logoff_session(3)


@pytest.mark.parametrize(
    ("wait", "timeout", "scripted", "expected"),
    [
        (False, 0, None, wts.MessageResponse.ASYNC),
        (True, 30, None, wts.MessageResponse.TIMEOUT),
        (True, 0, None, wts.MessageResponse.OK),
        (True, 30, wts.MessageResponse.YES, wts.MessageResponse.YES),
    ],
)
def test_send_message(
    wtsstub: WtsStub,
    wait: bool,
    timeout: int,
    scripted: Optional[int],
    expected: wts.MessageResponse,
) -> None:
    add_user_session(wtsstub, 3)
    if scripted is not None:
        wtsstub.set_message_response(scripted)
    style = wts.MessageStyle.YES_NO | wts.MessageStyle.ICON_QUESTION
    title, text = "Maintenance ⚙", "Save your work: the server restarts at 18:00. Ok?"
    response = wts.send_message(3, title, text, style=style, timeout=timeout, wait=wait)
    assert response is expected
    assert wtsstub.last_message_text() == (title, text, int(style))
    assert wtsstub.last_timeout() == timeout


def test_processes_and_sids(wtsstub: WtsStub) -> None:
    sid = bytes([1, 5, 0, 0, 0, 0, 0, 5]) + b"".join(
        n.to_bytes(4, "little") for n in (21, 1004336348, 1177238915, 682003330, 1001)
    )
    wtsstub.add_process(None, 1, 4242, "notepad.exe", sid, len(sid))
    wtsstub.add_process(None, 0, 4, "System", None, 0)
    assert wts.processes() == [
        wts.Process(1, 4242, "notepad.exe", "S-1-5-21-1004336348-1177238915-682003330-1001", None),
        wts.Process(0, 4, "System", None, None),
    ]
    wts.terminate_process(4242, 1)
    assert [p.process_id for p in wts.processes()] == [4]
    with pytest.raises(winsession.InvalidParameterError):
        wts.terminate_process(4242)


# --- events ---------------------------------------------------------------------------------


def test_wait_system_event_returns_queued_event(wtsstub: WtsStub) -> None:
    wtsstub.queue_event(wts.Event.LOGON | wts.Event.CREATE)
    assert wts.wait_system_event(wts.Event.LOGON) == wts.Event.LOGON


def wait_for(predicate: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_watcher_stopped_from_another_thread_without_holding_the_gil(wtsstub: WtsStub) -> None:
    seen: list[wts.Event] = []
    watcher = wts.watch_events(wts.Event.LOGON | wts.Event.LOGOFF)
    thread = threading.Thread(target=lambda: seen.extend(watcher))
    thread.start()
    wait_for(lambda: wtsstub.waiters() == 1)
    # The waiting thread is inside WTSWaitSystemEvent: Python keeps running here.
    spins = 0
    start = time.monotonic()
    while time.monotonic() - start < 0.2:
        spins += 1
    assert spins > 1000
    wtsstub.queue_event(wts.Event.LOGON)
    wait_for(lambda: seen == [wts.Event.LOGON])
    wait_for(lambda: wtsstub.waiters() == 1)
    wtsstub.queue_event(wts.Event.RENAME)  # not in the mask: dropped
    watcher.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert seen == [wts.Event.LOGON]
    assert wtsstub.waiters() == 0


def test_watcher_stopped_before_it_waits(wtsstub: WtsStub) -> None:
    watcher = wts.watch_events()
    watcher.stop()
    assert list(watcher) == []


@pytest.mark.parametrize(
    ("mask", "exc"), [(0, ValueError), (0x80000000, ValueError), ("x", TypeError)]
)
def test_bad_masks(wtsstub: WtsStub, mask: object, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="mask"):
        wts.wait_system_event(mask)  # type: ignore[arg-type]
    assert wtsstub.calls() == 0


# --- argument checks, faults -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "exc", "argument"),
    [
        (lambda: wts.query_session_information(-1, 5), ValueError, "session_id"),
        (lambda: wts.query_session_information(2**32, 5), ValueError, "session_id"),
        (lambda: wts.query_session_information("1", 5), TypeError, "session_id"),  # type: ignore[call-overload]
        (lambda: wts.query_session_information(1, 99), ValueError, "info_class"),
        (lambda: wts.query_session_information(1, "x"), TypeError, "info_class"),  # type: ignore[call-overload]
        (lambda: wts.disconnect_session(True), TypeError, "session_id"),
        (lambda: wts.disconnect_session(1, wait=1), TypeError, "wait"),  # type: ignore[arg-type]
        (lambda: wts.send_message(1, "t\0", "m"), ValueError, "title"),
        (lambda: wts.send_message(1, "t", b"m"), TypeError, "message"),  # type: ignore[arg-type]
        (lambda: wts.send_message(1, "t", "m", timeout=-1), ValueError, "timeout"),
        (lambda: wts.enumerate_sessions(5), TypeError, "server"),  # type: ignore[arg-type]
        (lambda: wts.enumerate_sessions("a\0b"), ValueError, "server"),
        (lambda: wts.process_session_id(-1), ValueError, "pid"),
        (lambda: wts.terminate_process(None), TypeError, "pid"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_raise_before_any_call(
    wtsstub: WtsStub, call: object, exc: type[Exception], argument: str
) -> None:
    with pytest.raises(exc, match=argument):
        call()  # type: ignore[operator]
    assert wtsstub.calls() == 0


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        (WinError.ERROR_ACCESS_DENIED, winsession.AccessDeniedError),
        (WinError.ERROR_CTX_WINSTATION_ACCESS_DENIED, winsession.AccessDeniedError),
        (WinError.RPC_S_SERVER_UNAVAILABLE, winsession.ServerNotFoundError),
        (WinError.ERROR_CTX_WINSTATION_NOT_FOUND, winsession.SessionNotFoundError),
        (WinError.ERROR_FILE_NOT_FOUND, winsession.SessionNotFoundError),
        (WinError.ERROR_CTX_CLOSE_PENDING, winsession.SessionNotFoundError),
        (WinError.ERROR_CALL_NOT_IMPLEMENTED, winsession.UnsupportedPlatformError),
    ],
)
def test_fault_codes_map_to_meanings(wtsstub: WtsStub, code: int, meaning: type[Exception]) -> None:
    add_user_session(wtsstub, 3)
    wtsstub.fail_on_call(1, code)
    with pytest.raises(meaning) as info:
        wts.query_session_information(3, wts.InfoClass.USER_NAME)
    err = info.value
    assert isinstance(err, winsession.WtsError)
    assert err.winerror == code and err.function == "WTSQuerySessionInformationW"
    assert err.session_id == 3
    if code == WinError.ERROR_CALL_NOT_IMPLEMENTED:
        assert "Nano Server" in str(err)


def test_kernel32_functions(wtsstub: WtsStub) -> None:
    import os

    from _tier import tier

    if tier() == "host":  # the stand-in answers for kernel32 on Linux
        assert wts.active_console_session_id() is None
        wtsstub.set_console_session(1)
        assert wts.active_console_session_id() == 1
        wtsstub.add_process(None, 2, 777, "x.exe", None, 0)
        assert wts.process_session_id(777) == 2
        with pytest.raises(winsession.InvalidParameterError):
            wts.process_session_id(778)
    else:  # Wine's own kernel32
        console = wts.active_console_session_id()
        assert console is None or console >= 0
        assert wts.process_session_id(os.getpid()) >= 0


# --- handle misuse at the raw level (what the Server class exists to prevent) ---------------


def test_raw_bogus_handle_is_invalid_handle(wtsstub: WtsStub) -> None:
    import ctypes

    from winsession.raw import wtsapi32 as raw

    buf = ctypes.POINTER(raw.WTS_SESSION_INFOW)()
    count = ctypes.c_uint32(0)
    with pytest.raises(winsession.WtsError) as info:
        raw.WTSEnumerateSessionsW(0x12345678, 0, 1, ctypes.byref(buf), ctypes.byref(count))
    assert info.value.winerror == WinError.ERROR_INVALID_HANDLE
    assert not buf  # nothing to free on failure


def test_raw_double_close_is_detected(wtsstub: WtsStub) -> None:
    from winsession.raw import wtsapi32 as raw

    handle = raw.WTSOpenServerW("STANDIN")
    assert handle and handle > 0xFFFFFFFF  # a HANDLE survives as 64 bits (restype c_void_p)
    raw.WTSCloseServer(handle)
    raw.WTSCloseServer(handle)
    assert wtsstub.bad_closes() == 1
    wtsstub.reset()  # the deliberate misuse is the point of this test; clear the counter
    assert wtsstub.bad_closes() == 0


def test_raw_wrong_free_function_is_detected(wtsstub: WtsStub) -> None:
    import ctypes

    from winsession.raw import wtsapi32 as raw

    wtsstub.add_session(None, 1, 0, "Console")
    buf = ctypes.POINTER(raw.WTS_SESSION_INFO_1W)()
    count, level = ctypes.c_uint32(0), ctypes.c_uint32(1)
    raw.WTSEnumerateSessionsExW(
        None, ctypes.byref(level), 0, ctypes.byref(buf), ctypes.byref(count)
    )
    raw.WTSFreeMemory(buf)  # wrong: level-1 buffers need WTSFreeMemoryExW
    assert wtsstub.wrong_frees() == 1
    with pytest.raises(winsession.InvalidParameterError):
        raw.WTSFreeMemoryExW(raw.WTSTypeProcessInfoLevel0, buf, count.value)  # wrong class
    assert wtsstub.bad_free_args() == 1
    raw.WTSFreeMemoryExW(raw.WTSTypeSessionInfoLevel1, buf, count.value)
    assert wtsstub.outstanding() == 0
    wtsstub.reset()
