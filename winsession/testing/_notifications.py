"""The simulated session notifications of wtsapi32, as their Microsoft Learn pages describe
them and as ``stubs/wtsapi32.c`` implements them: ``WTSWaitSystemEvent`` (fed by
:meth:`~NotificationsMixin.queue_event`, released by ``WTS_EVENT_FLUSH``) and
``WTSRegisterSessionNotification(Ex)`` / ``WTSUnRegisterSessionNotification(Ex)``, whose
``WM_WTSSESSION_CHANGE`` messages go through the simulated user32
(:meth:`~NotificationsMixin.post_session_change`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Optional

from .._winerror import ERROR_INVALID_PARAMETER
from ..raw import wtsapi32 as _wts
from ._buffers import _I32, _U32, _V, _Provider, _put_u32, _WtsPart

_WM_WTSSESSION_CHANGE = 0x02B1  # winuser.h


@dataclass
class _Waiter:
    handle: int  # the hServer it waits on (0: WTS_CURRENT_SERVER_HANDLE)
    mask: int
    flags: int = 0
    done: bool = False


class NotificationsMixin(_WtsPart):
    """The event and notification part of :class:`WtsSimulator` (see this module)."""

    def _init_notifications(self, provider: _Provider, guard: Any) -> None:
        self.events: list[int] = []
        self.waiters: list[_Waiter] = []
        self.registrations: list[int] = []
        self.registrations_ex: list[tuple[str, int, int]] = []  # (server key, hwnd, flags)
        self.pending_changes: list[tuple[int, int]] = []  # for the first window registered
        self.changes_posted = 0
        self.user32: Optional[Any] = None  # the User32Simulator that delivers messages
        self._wake = threading.Condition(self.lock)
        B = _I32
        exports: list[tuple[str, Any, list[Any], Any]] = [
            ("WTSWaitSystemEvent", B, [_V, _U32, _V], self._wait),
            ("WTSRegisterSessionNotification", B, [_V, _U32], self._register),
            ("WTSUnRegisterSessionNotification", B, [_V], self._unregister),
            ("WTSRegisterSessionNotificationEx", B, [_V, _V, _U32], self._register_ex),
            ("WTSUnRegisterSessionNotificationEx", B, [_V, _V], self._unregister_ex),
        ]
        for name, restype, argtypes, impl in exports:
            provider.export(name, restype, argtypes, guard(0, impl))

    def _reset_notifications(self) -> None:
        """No registrations or queued events; blocked waits return (the lock is held)."""
        self.registrations.clear()
        self.registrations_ex.clear()
        self.pending_changes.clear()
        self.changes_posted = 0
        self.events.clear()
        self._flush(None)

    def queue_event(self, flags: int) -> None:
        """Queue a system event (``wts.Event`` flags) for ``WTSWaitSystemEvent``."""
        with self.lock:
            self.events.append(int(flags))
            self._dispatch()

    def post_session_change(self, kind: int, session_id: int, server: Optional[str] = None) -> int:
        """Deliver ``WM_WTSSESSION_CHANGE`` (``wParam`` ``kind``, ``lParam`` ``session_id``)
        to every window registered with ``WTSRegisterSessionNotificationEx`` on ``server``;
        returns how many windows it was posted to. A window registered with
        ``NOTIFY_FOR_THIS_SESSION`` only hears of the current session (the page: "Only
        session notifications involving the session attached to by the window").

        >>> sim = Simulator(sessions=[Session(2, user_name="alice")])
        >>> sim.wts.post_session_change(7, 2)      # WTS_SESSION_LOCK; nobody listens yet
        0
        """
        with self.lock:
            key = self._find_server(server)
            targets = [
                hwnd for srv, hwnd, flags in self.registrations_ex
                if srv == key and (flags == 1 or session_id == self.current_session)
            ]  # fmt: skip
        delivered = 0
        for hwnd in targets:
            if self.user32 is not None and self.user32.post(
                hwnd, _WM_WTSSESSION_CHANGE, kind, session_id
            ):
                delivered += 1
        with self.lock:
            self.changes_posted += delivered
        return delivered

    def queue_session_change(self, kind: int, session_id: int) -> None:
        """Hold a change for the next window that registers (posted right after it does)."""
        with self.lock:
            self.pending_changes.append((int(kind), int(session_id)))

    @property
    def waiters_blocked(self) -> int:
        """How many ``WTSWaitSystemEvent`` calls are blocked now."""
        with self.lock:
            return sum(1 for w in self.waiters if not w.done)

    def _dispatch(self) -> None:
        released = False
        while self.events and any(not w.done for w in self.waiters):
            event = self.events.pop(0)
            for w in self.waiters:
                if not w.done and w.mask & event:
                    w.flags, w.done, released = event & w.mask, True, True
                    break
        if released:
            self._wake.notify_all()

    def _flush(self, handle: Optional[int]) -> None:
        """Release pending waits on ``handle`` (``None``: every wait). WTSWaitSystemEvent:
        WTS_EVENT_FLUSH returns "all pending WTSWaitSystemEvent calls on the specified RD
        Session Host server handle" -- that handle's, not every handle's to that server."""
        for w in self.waiters:
            if not w.done and (handle is None or w.handle == handle):
                w.flags, w.done = 0, True
        self._wake.notify_all()

    def _wait(self, h: Any, mask: int, pflags: Any) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            if not pflags or mask == 0:
                return self._fail(ERROR_INVALID_PARAMETER)
            if mask & _wts.WTS_EVENT_FLUSH:
                self._flush(h or 0)
                _put_u32(pflags, 0)
                return 1
            waiter = _Waiter(h or 0, mask)
            self.waiters.append(waiter)
            self._dispatch()
            while not waiter.done:
                self._wake.wait()
            self.waiters.remove(waiter)
            _put_u32(pflags, waiter.flags)
            return 1

    def _register(self, hwnd: Any, flags: int) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            # dwFlags is ignored for a window already registered; every call needs its own
            # WTSUnRegisterSessionNotification (WTSRegisterSessionNotification's remarks).
            if not hwnd or (flags > 1 and hwnd not in self.registrations):
                return self._fail(ERROR_INVALID_PARAMETER)
            self.registrations.append(hwnd)
            return 1

    def _unregister(self, hwnd: Any) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            if not hwnd or hwnd not in self.registrations:
                return self._fail(ERROR_INVALID_PARAMETER)
            self.registrations.remove(hwnd)
            return 1

    def _register_ex(self, h: Any, hwnd: Any, flags: int) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            # NULL window or flags other than the two documented values: the page names no
            # error; ERROR_INVALID_PARAMETER is the stand-in's choice. A remote server only
            # takes NOTIFY_FOR_THIS_SESSION ("This parameter can only be ... if hServer is a
            # remote server").
            if not hwnd or flags > 1 or (r and flags != 0):
                return self._fail(ERROR_INVALID_PARAMETER)
            if self.user32 is not None and not self.user32.is_window(hwnd):
                return self._fail(ERROR_INVALID_PARAMETER)
            if not any(srv == r and w == hwnd for srv, w, _ in self.registrations_ex):
                # "If the window handle passed in this function is already registered, the
                # value of the dwFlags parameter is ignored."
                self.registrations_ex.append((r, hwnd, flags))
            pending, self.pending_changes = self.pending_changes, []
        if pending and self.user32 is not None:
            for kind, session_id in pending:
                self.user32.post(hwnd, _WM_WTSSESSION_CHANGE, kind, session_id)
            with self.lock:
                self.changes_posted += len(pending)
        return 1

    def _unregister_ex(self, h: Any, hwnd: Any) -> int:
        with self.lock:
            r = self._begin(h)
            if isinstance(r, int):
                return self._fail(r)
            for entry in self.registrations_ex:
                if entry[0] == r and entry[1] == hwnd:
                    self.registrations_ex.remove(entry)
                    return 1
            return self._fail(ERROR_INVALID_PARAMETER)  # not registered: the page is silent
