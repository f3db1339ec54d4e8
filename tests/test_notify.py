"""wts.SessionChanges: WM_WTSSESSION_CHANGE on a message-only window.

Against the wtsapi32 stand-in: on the host tier the window, queue and delivery are the
simulated user32 (winsession.testing, pure Python: there is no user32 on Linux) and the C
stand-in posts through it; in the Wine tiers they are Wine's real user32 (RegisterClassExW,
CreateWindowExW(HWND_MESSAGE), GetMessageW, PostMessageW, DestroyWindow, UnregisterClassW)
and the stand-in posts with the real PostMessageW. Against the simulator on every tier.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from stubctl import WtsStub
from test_wts import add_user_session

import winsession
from winsession import _dll, wts
from winsession._winerror import ERROR_CLASS_DOES_NOT_EXIST, ERROR_INVALID_PARAMETER
from winsession.raw import user32
from winsession.testing import Session, Simulator, demo_simulator
from winsession.testing._user32 import User32Simulator

K = wts.SessionChangeKind


@pytest.fixture
def delivery(wtsstub: WtsStub) -> Iterator[Any]:
    """Where user32 is real (Wine) nothing to do; on Linux the simulated user32 is bound and
    the C stand-in posts through its PostMessageW."""
    if sys.platform == "win32":
        yield None
        return
    sim = User32Simulator()
    previous = _dll.use_simulator("user32", sim.provider)
    address = ctypes.cast(sim.provider.PostMessageW, ctypes.c_void_p).value
    wtsstub.set_post_message(address)
    try:
        yield sim
    finally:
        wtsstub.set_post_message(None)
        _dll.clear_simulator("user32", previous)
        assert sim.problems() == []


def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def class_is_gone(changes: wts.SessionChanges) -> None:
    # The class went with the window: unregistering it again fails as "no such class".
    with pytest.raises(winsession.WinSessionError) as info:
        user32.UnregisterClassW(changes._class_name, None)
    assert info.value.winerror == ERROR_CLASS_DOES_NOT_EXIST


def test_changes_arrive_with_session_ids_and_users(wtsstub: WtsStub, delivery: Any) -> None:
    add_user_session(wtsstub, 2, "alice")
    add_user_session(wtsstub, 3, "bob")
    with wts.SessionChanges() as changes:
        assert wtsstub.registrations_ex() == 1
        assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOCK, 2) == 1
        assert wtsstub.post_session_change(None, user32.WTS_REMOTE_DISCONNECT, 3) == 1
        assert wtsstub.post_session_change(None, user32.WTS_SESSION_UNLOCK, 2) == 1
        assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOGOFF, 9) == 1
        got = [changes.get(5) for _ in range(4)]
    assert [(c.kind, c.session_id, c.user) for c in got if c is not None] == [
        (K.SESSION_LOCK, 2, "CONTOSO\\alice"),
        (K.REMOTE_DISCONNECT, 3, "CONTOSO\\bob"),
        (K.SESSION_UNLOCK, 2, "CONTOSO\\alice"),
        (K.SESSION_LOGOFF, 9, None),  # no such session any more: no user
    ]
    assert all(c is not None and c.received_at.tzinfo is not None for c in got)
    assert wtsstub.registrations_ex() == 0
    assert wtsstub.live_windows() == 0
    class_is_gone(changes)
    assert changes.errors == []


def test_stop_from_another_thread_is_prompt(wtsstub: WtsStub, delivery: Any) -> None:
    changes = wts.SessionChanges().start()
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.extend(changes))
    reader.start()
    time.sleep(0.2)  # the reader blocks in get(), the window thread in GetMessageW
    t0 = time.monotonic()
    threading.Thread(target=changes.stop).start()
    reader.join(5)
    assert not reader.is_alive()
    assert time.monotonic() - t0 < 2.0
    assert seen == []
    assert not changes.running
    assert wtsstub.registrations_ex() == 0
    class_is_gone(changes)


def test_a_raising_callback_does_not_end_the_loop(wtsstub: WtsStub, delivery: Any) -> None:
    add_user_session(wtsstub, 2, "alice")
    calls: list[wts.SessionChange] = []

    def callback(change: wts.SessionChange) -> None:
        calls.append(change)
        raise RuntimeError("callback failed")

    with wts.SessionChanges(callback) as changes:
        for kind in (user32.WTS_SESSION_LOCK, user32.WTS_SESSION_UNLOCK):
            assert wtsstub.post_session_change(None, kind, 2) == 1
        wait_for(lambda: len(calls) == 2)
        assert changes.running
    assert [c.kind for c in calls] == [K.SESSION_LOCK, K.SESSION_UNLOCK]
    assert [str(e) for e in changes.callback_errors] == ["callback failed"] * 2
    assert changes.errors == []
    assert wtsstub.registrations_ex() == 0


def test_stop_from_the_callback(wtsstub: WtsStub, delivery: Any) -> None:
    add_user_session(wtsstub, 2, "alice")
    changes: wts.SessionChanges

    def callback(change: wts.SessionChange) -> None:
        changes.stop()

    changes = wts.SessionChanges(callback).start()
    assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOCK, 2) == 1
    wait_for(lambda: not changes.running and wtsstub.registrations_ex() == 0)
    assert changes._thread is not None
    changes._thread.join(5)
    assert changes.errors == []
    class_is_gone(changes)


def test_this_session_only(wtsstub: WtsStub, delivery: Any) -> None:
    add_user_session(wtsstub, 2, "alice")
    add_user_session(wtsstub, 3, "bob")
    wtsstub.set_current_session(3)
    with wts.SessionChanges(all_sessions=False, resolve_users=False) as changes:
        assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOCK, 2) == 0
        assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOCK, 3) == 1
        change = changes.get(5)
    assert change is not None and (change.session_id, change.user) == (3, None)


def test_registration_failure_leaves_nothing(wtsstub: WtsStub, delivery: Any) -> None:
    wtsstub.fail_on_call(wtsstub.calls() + 1, 5)  # the registration: ERROR_ACCESS_DENIED
    changes = wts.SessionChanges()
    with pytest.raises(winsession.AccessDeniedError) as info:
        changes.start()
    assert info.value.function == "WTSRegisterSessionNotificationEx"
    assert not changes.running
    assert wtsstub.registrations_ex() == 0
    assert wtsstub.live_windows() == 0
    class_is_gone(changes)


def test_remote_server_registration(wtsstub: WtsStub, delivery: Any) -> None:
    wtsstub.add_server("RDS02")
    add_user_session(wtsstub, 5, "carol", server="RDS02")
    with pytest.raises(winsession.InvalidParameterError):
        wts.SessionChanges(server="RDS02").start()  # remote: NOTIFY_FOR_THIS_SESSION only
    wtsstub.set_current_session(5)
    with wts.open_server("RDS02") as srv:
        with wts.SessionChanges(server=srv, all_sessions=False) as changes:
            assert wtsstub.post_session_change(None, user32.WTS_SESSION_LOGON, 5) == 0
            assert wtsstub.post_session_change("RDS02", user32.WTS_SESSION_LOGON, 5) == 1
            assert wtsstub.registrations_ex() == 1
            change = changes.get(5)
        assert not srv.closed  # a Server given is the caller's to close
    assert change is not None and (change.session_id, change.user) == (5, "CONTOSO\\carol")


@pytest.mark.windows
def test_sent_messages_reach_the_window_procedure(wtsstub: WtsStub) -> None:
    # SendMessageTimeoutW from this thread: user32 runs the window procedure on the window's
    # thread (inside its GetMessageW), the path a sent WM_WTSSESSION_CHANGE takes.
    add_user_session(wtsstub, 2, "alice")
    with wts.SessionChanges() as changes:
        assert wtsstub.send_session_change(None, user32.WTS_SESSION_UNLOCK, 2) == 1
        change = changes.get(5)
    assert change is not None and (change.kind, change.session_id) == (K.SESSION_UNLOCK, 2)
    assert changes.errors == [] and wtsstub.registrations_ex() == 0


# --- the simulator (every tier) -------------------------------------------------------------


def test_demo_changes() -> None:
    with demo_simulator() as sim, wts.SessionChanges() as changes:
        got = [changes.get(5) for _ in range(3)]
        assert sim.user32.live_windows == 1 and sim.user32.live_classes == 1
    assert [(c.kind.name, c.session_id) for c in got if c] == [
        ("SESSION_LOCK", 2), ("REMOTE_DISCONNECT", 3), ("SESSION_UNLOCK", 2),
    ]  # fmt: skip
    assert sim.problems() == []


def test_simulator_counts_every_window_and_class() -> None:
    with Simulator(sessions=[Session(2, user_name="alice")]) as sim:
        for _ in range(3):
            with wts.SessionChanges() as changes:
                assert sim.wts.post_session_change(user32.WTS_SESSION_LOCK, 2) == 1
                assert changes.get(5) is not None
        assert sim.user32.windows_created == 3 and sim.user32.classes_registered == 3
        assert (sim.user32.live_windows, sim.user32.live_classes) == (0, 0)
        assert sim.user32.wndproc_calls >= 12  # NCCREATE, CREATE, DESTROY, NCDESTROY each
        sim.assert_clean()


def test_window_procedure_never_raises_into_c() -> None:
    with Simulator() as sim:
        changes = wts.SessionChanges()

        def broken(kind: int, session_id: int) -> None:
            raise KeyboardInterrupt

        changes._deliver = broken  # type: ignore[method-assign]
        # Through the C function pointer user32 would call.
        result = changes._wndproc(None, user32.WM_WTSSESSION_CHANGE, 7, 2)
        assert result == 0
        assert isinstance(changes.errors[0], KeyboardInterrupt)
        sim.assert_clean()


def test_wndproc_stays_referenced_while_windows_exist() -> None:
    with Simulator(sessions=[Session(2, user_name="alice")]) as sim:
        changes = wts.SessionChanges().start()
        gc.collect()
        assert sim.wts.post_session_change(user32.WTS_SESSION_LOCK, 2) == 1
        assert changes.get(5) is not None
        changes.stop()
        sim.assert_clean()


def test_arguments_are_checked_first() -> None:
    with pytest.raises(TypeError, match="callback"):
        wts.SessionChanges(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="all_sessions"):
        wts.SessionChanges(all_sessions=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        wts.SessionChanges(server="RDS\0")
    with pytest.raises(ValueError, match="timeout"):
        wts.SessionChanges().get(-1)


def test_a_stopped_watcher_cannot_restart() -> None:
    with Simulator():
        changes = wts.SessionChanges()
        changes.stop()  # never started: nothing to release
        assert list(changes) == []
        with pytest.raises(ValueError, match="stopped"):
            changes.start()


def test_simulated_user32_rules() -> None:
    with Simulator() as sim:
        msg = user32.MSG()
        with pytest.raises(winsession.WinSessionError) as info:
            user32.PostMessageW(0x1234, user32.WM_APP, 0, 0)  # no such window
        assert info.value.winerror == 1400
        with pytest.raises(winsession.WinSessionError) as info:
            user32.PostThreadMessageW(0x7FFF_FFF0, user32.WM_APP, 0, 0)  # no such thread
        assert info.value.winerror == 1444
        with pytest.raises(winsession.WinSessionError) as info:
            user32.GetMessageW(ctypes.byref(msg), None, 1, 2)  # filters are not simulated
        assert info.value.winerror == ERROR_INVALID_PARAMETER
        user32.PostMessageW(None, user32.WM_APP, 5, -6)  # NULL: a thread message to us
        assert user32.GetMessageW(ctypes.byref(msg), None, 0, 0) == 1
        assert (msg.message, msg.wParam, msg.lParam) == (user32.WM_APP, 5, -6)
        user32.PostThreadMessageW(threading.get_native_id(), user32.WM_QUIT, 0, 0)
        assert user32.GetMessageW(ctypes.byref(msg), None, 0, 0) == 0
        assert sim.problems() == []


def test_an_interrupt_in_the_block_leaves_nothing() -> None:
    with Simulator(sessions=[Session(2, user_name="alice")]) as sim:
        with pytest.raises(KeyboardInterrupt), wts.SessionChanges() as changes:
            assert sim.wts.post_session_change(user32.WTS_SESSION_LOCK, 2) == 1
            raise KeyboardInterrupt
        assert not changes.running
        assert (sim.user32.live_windows, sim.user32.live_classes) == (0, 0)
        sim.assert_clean()
