"""WTSWaitSystemEvent: one wait, and a watcher that another thread can stop."""

from __future__ import annotations

import ctypes
import threading

from .. import _args
from ..raw import wtsapi32 as _raw
from ..raw._types import DWORD
from ._enums import Event
from ._server import ServerArg, Using, borrow

# --- events -----------------------------------------------------------------------------------


def _mask(value: object) -> int:
    mask = _args.u32(value, "mask")
    if mask & _raw.WTS_EVENT_FLUSH:
        raise ValueError("mask must not include WTS_EVENT_FLUSH; stop a watcher with .stop()")
    if not mask:
        raise ValueError("mask must name at least one event")
    return mask


def wait_system_event(mask: int = Event.ALL, *, server: ServerArg = None) -> Event:
    """Block until one of the ``mask`` events happens on ``server``; return which.

    The wait runs without the GIL, so other Python threads keep running. Returns
    ``Event.NONE`` when another thread flushed the waits (see :func:`watch_events`).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> print(wts.wait_system_event())       # at once: the demo has three events queued
    LOGON
    >>> print(wts.wait_system_event(wts.Event.DISCONNECT | wts.Event.LOGOFF))  # skips CONNECT
    DISCONNECT
    >>> sim.stop()
    """
    m = _mask(mask)
    flags = DWORD(0)
    with Using(server) as handle:
        _raw.WTSWaitSystemEvent(handle, m, ctypes.byref(flags))
    return Event(flags.value)


class EventWatcher:
    """An iterator of :class:`Event` values; :meth:`stop` ends it from any thread.

    >>> import threading
    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> watcher = wts.watch_events()
    >>> print(next(watcher), next(watcher), next(watcher))   # the demo's three queued events
    LOGON CONNECT DISCONNECT
    >>> threading.Timer(0.1, watcher.stop).start()           # stop() from another thread ...
    >>> for event in watcher:                                # ... ends this blocked loop
    ...     print(event)
    >>> sim.stop()
    """

    def __init__(self, mask: int, server: ServerArg) -> None:
        self._mask = _mask(mask)
        self._watched, self._own = borrow(server)
        self._stopped = threading.Event()
        self._idle = threading.Event()  # set while no thread is inside the wait
        self._idle.set()
        self._lock = threading.Lock()
        self._watched._watched_by(self)  # closing the server stops this watcher first

    def __iter__(self) -> EventWatcher:
        return self

    def __next__(self) -> Event:
        while True:
            with self._lock:
                stopped = self._stopped.is_set()
                if not stopped:
                    self._idle.clear()
            if stopped:
                self._finish()  # outside the lock: closing the server stops this watcher
                raise StopIteration
            try:
                flags = DWORD(0)
                with Using(self._watched) as handle:
                    _raw.WTSWaitSystemEvent(handle, self._mask, ctypes.byref(flags))
            finally:
                self._idle.set()
            if flags.value:
                return Event(flags.value)
            # Event.NONE: a flush, from stop() or from someone else's watcher; loop to check.

    def stop(self, timeout: float = 5.0) -> None:
        """End the iteration; safe from any thread, also while a wait is blocked.

        Sends ``WTS_EVENT_FLUSH`` until the waiting thread has left the wait (a flush that
        lands before the wait begins would be lost otherwise).
        """
        with self._lock:
            self._stopped.set()
        deadline = timeout
        while not self._idle.wait(0.05):
            flags = DWORD(0)
            with Using(self._watched) as handle:
                _raw.WTSWaitSystemEvent(handle, _raw.WTS_EVENT_FLUSH, ctypes.byref(flags))
            deadline -= 0.05
            if deadline <= 0:
                raise TimeoutError("the event watcher did not leave WTSWaitSystemEvent")

    def _finish(self) -> None:
        if self._own:
            self._watched.close()

    def __enter__(self) -> EventWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._idle.is_set():
            self._finish()


def watch_events(mask: int = Event.ALL, *, server: ServerArg = None) -> EventWatcher:
    """Iterate over session events until :meth:`EventWatcher.stop` is called.

    Unlike pywin32's ``WTSWaitSystemEvent``, waiting never holds the GIL. Leaving a ``with``
    block stops the watcher.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.watch_events(wts.Event.LOGON | wts.Event.DISCONNECT) as watcher:
    ...     print(next(watcher), next(watcher))
    LOGON DISCONNECT
    >>> sim.stop()
    """
    return EventWatcher(mask, server)
