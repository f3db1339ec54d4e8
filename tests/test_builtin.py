"""Against Wine's own netapi32 and wtsapi32 (tier wine-builtin only).

Wine's NetSessionEnum returns NERR_Success without writing its out-parameters, and its
WTS functions report no sessions: winsession must give empty results, not garbage read
from uninitialised memory. (Wine's NetSessionDel is unimplemented and aborts the
process, so it is not called.)
"""

from __future__ import annotations

import ctypes

import pytest

from winsession import _dll, net, wts

pytestmark = pytest.mark.builtin_dll


def test_these_are_wines_own_dlls() -> None:
    for name in ("netapi32", "wtsapi32"):
        assert not hasattr(_dll.load(name), "stub_get_last_error"), name


@pytest.mark.parametrize("level", [0, 1, 2, 10, 502])
def test_enum_sessions_is_empty_not_garbage(level: int) -> None:
    assert list(net.enum_sessions(level=level)) == []
    assert list(net.enum_sessions(level=level, prefmaxlen=64)) == []


def test_wts_enumeration_is_empty() -> None:
    assert wts.enumerate_sessions() == []


def test_wts_disconnect_returns_and_nothing_crashes() -> None:
    wts.disconnect_session(wts.CURRENT_SESSION)  # Wine: success, nothing happens


def test_wts_server_handle_round_trip() -> None:
    with wts.open_server(None) as srv:
        assert srv.handle is None


def test_console_and_process_session_ids() -> None:
    console = wts.active_console_session_id()
    assert console is None or 0 <= console < 2**32
    assert wts.process_session_id(ctypes.windll.kernel32.GetCurrentProcessId()) >= 0


def test_a_failure_without_an_error_code_says_so() -> None:
    # Wine's WTSEnumerateSessionsExW is a stub returning FALSE with GetLastError() == 0.
    import winsession

    with pytest.raises(winsession.WtsError, match="without setting an error code") as info:
        wts.enumerate_sessions_ex()
    assert info.value.winerror == 0 and info.value.function == "WTSEnumerateSessionsExW"
