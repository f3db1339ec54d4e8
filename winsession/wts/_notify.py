"""WM_WTSSESSION_CHANGE on a message-only window: session changes with their session ids.

``WTSWaitSystemEvent`` says that something happened, not to which session, and never sees
a lock or an unlock. Windows tells windows instead: a window registered with
``WTSRegisterSessionNotificationEx`` receives ``WM_WTSSESSION_CHANGE`` with the kind of change
in ``wParam`` and the session id in ``lParam`` (Microsoft Learn, "WM_WTSSESSION_CHANGE
message"). :class:`SessionChanges` makes such a window on a thread of its own and turns the
messages into :class:`SessionChange` records.

The window is message-only (``CreateWindowExW`` with parent ``HWND_MESSAGE``): never shown,
never enumerated, it only receives messages. Its thread runs a ``GetMessageW`` loop; posted
messages are handled by the loop itself, messages sent with ``SendMessage`` reach the window
procedure, which handles them the same way. Nothing raised in Python ever returns into
user32: the window procedure catches everything.

Stopping posts a private message (``WM_APP + 0x5753``) to the window, so the loop ends at
once from any thread; the thread then unregisters (``WTSUnRegisterSessionNotificationEx``, as
the page requires before destruction), destroys the window and unregisters the class.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import itertools
import os
import queue
import threading
from collections.abc import Iterator
from typing import Any, Callable, Optional

from .._record import Record, record
from ..errors import WinSessionError
from ..raw import user32 as _u32
from ..raw import wtsapi32 as _raw
from ._enums import InfoClass, _Open
from ._server import Server, ServerArg, _name

__all__ = ["SessionChange", "SessionChangeKind", "SessionChanges"]

_STOP = _u32.WM_APP + 0x5753  # private: ends the loop
_END = object()  # queued after the last change
_serial = itertools.count(1)


class SessionChangeKind(_Open):
    """What happened to a session (``wParam`` of ``WM_WTSSESSION_CHANGE``).

    ``SESSION_CREATE`` and ``SESSION_TERMINATE`` are "reserved for future use" on Microsoft's
    page; values a newer Windows adds decode to ``UNKNOWN_<n>``.

    >>> from winsession import wts
    >>> wts.SessionChangeKind(7)
    <SessionChangeKind.SESSION_LOCK: 7>
    >>> wts.SessionChangeKind(42).name
    'UNKNOWN_42'
    """

    CONSOLE_CONNECT = _u32.WTS_CONSOLE_CONNECT
    CONSOLE_DISCONNECT = _u32.WTS_CONSOLE_DISCONNECT
    REMOTE_CONNECT = _u32.WTS_REMOTE_CONNECT
    REMOTE_DISCONNECT = _u32.WTS_REMOTE_DISCONNECT
    SESSION_LOGON = _u32.WTS_SESSION_LOGON
    SESSION_LOGOFF = _u32.WTS_SESSION_LOGOFF
    SESSION_LOCK = _u32.WTS_SESSION_LOCK
    SESSION_UNLOCK = _u32.WTS_SESSION_UNLOCK
    SESSION_REMOTE_CONTROL = _u32.WTS_SESSION_REMOTE_CONTROL
    SESSION_CREATE = _u32.WTS_SESSION_CREATE
    SESSION_TERMINATE = _u32.WTS_SESSION_TERMINATE


@record
class SessionChange(Record):
    """One ``WM_WTSSESSION_CHANGE``: which change, which session, when, and whose session.

    ``user`` is ``DOMAIN\\\\name`` (or ``name``) looked up when the message arrived, or
    ``None`` when nobody is logged on there (or the lookup failed, e.g. after a logoff).
    ``received_at`` is this process's clock (UTC) when the message was taken off the queue.

    >>> import datetime
    >>> from winsession import wts
    >>> change = wts.SessionChange(wts.SessionChangeKind.SESSION_LOCK, 2,
    ...     datetime.datetime(2024, 5, 6, 11, 25, tzinfo=datetime.timezone.utc), "CONTOSO\\\\alice")
    >>> print(change)
    2024-05-06 11:25:00+00:00 SESSION_LOCK session 2 CONTOSO\\alice
    """

    __slots__ = ("kind", "received_at", "session_id", "user")
    kind: SessionChangeKind
    session_id: int
    received_at: datetime.datetime
    user: Optional[str]

    def __str__(self) -> str:
        who = f" {self.user}" if self.user else ""
        return f"{self.received_at} {self.kind.name} session {self.session_id}{who}"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class SessionChanges:
    """Session changes as they happen: a context manager, an iterator, or a callback.

    ``SessionChanges(callback=None, *, server=None, all_sessions=True, resolve_users=True)``.
    Entering the ``with`` block (or :meth:`start`) makes the window and registers it;
    leaving it (or :meth:`stop`, from any thread) ends the loop at once and releases the
    window, its class and the registration. With a ``callback``, each
    :class:`SessionChange` is passed to it on the window's thread (an exception it raises is
    kept in :attr:`callback_errors` and the loop goes on); without one, iterate.

    ``server`` is ``None`` (this computer), a name, or a :class:`Server`; on a remote server
    Windows only allows ``all_sessions=False`` ("This parameter can only be
    NOTIFY_FOR_THIS_SESSION if hServer is a remote server").

    The demo has three changes waiting for the first window that registers:

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.SessionChanges() as changes:
    ...     for change in changes:
    ...         print(change.kind.name, change.session_id, change.user)
    ...         if change.kind == wts.SessionChangeKind.SESSION_UNLOCK:
    ...             break
    SESSION_LOCK 2 CONTOSO\\alice
    REMOTE_DISCONNECT 3 CONTOSO\\bob
    SESSION_UNLOCK 2 CONTOSO\\alice
    >>> sim.stop()

    Where no window can be made (no user32: a trimmed Windows), :meth:`start` raises the
    error; ``wts.watch_events`` (``WTSWaitSystemEvent``) is the fallback.
    """

    def __init__(
        self,
        callback: Optional[Callable[[SessionChange], object]] = None,
        *,
        server: ServerArg = None,
        all_sessions: bool = True,
        resolve_users: bool = True,
    ) -> None:
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        if not isinstance(all_sessions, bool):
            raise TypeError("all_sessions must be True or False")
        if not isinstance(resolve_users, bool):
            raise TypeError("resolve_users must be True or False")
        if not isinstance(server, Server):
            _name(server)  # checks the type and embedded NULs now
        self._callback = callback
        self._server_arg = server
        self._server: Optional[Server] = None
        self._flags = _raw.NOTIFY_FOR_ALL_SESSIONS if all_sessions else _raw.NOTIFY_FOR_THIS_SESSION
        self._resolve = resolve_users
        self._queue: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._hwnd: Optional[int] = None
        self._thread_id = 0
        self._stopping = False
        self._finished = False
        self._startup_error: Optional[BaseException] = None
        self.callback_errors: list[BaseException] = []
        """Exceptions the callback raised (the loop survived each of them)."""
        self.errors: list[BaseException] = []
        """Failures of the loop or of cleaning up (none in normal operation)."""
        self._class_name = f"winsession.SessionChanges.{os.getpid()}.{next(_serial)}"
        # The window procedure: referenced here for as long as this object lives, which is
        # longer than the window and the class (both are gone when the thread ends).
        self._wndproc = _u32.WNDPROC(self._window_procedure)

    # --- control ----------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> SessionChanges:
        """Make the window and register it; raise what went wrong (nothing is left behind).

        Calling it again does nothing.
        """
        with self._lock:
            if self._thread is not None:
                return self
            if self._finished:
                raise ValueError("a stopped SessionChanges cannot be started again")
            self._thread = threading.Thread(
                target=self._run, name="winsession-session-changes", daemon=True
            )
        self._thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise TimeoutError("the session change window was not ready in time")
        if self._startup_error is not None:
            self._thread.join(timeout)
            raise self._startup_error
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the loop and release everything; safe from any thread, also from the callback.

        Returns once the window thread has cleaned up (at once when called on that thread,
        which cleans up as soon as the callback returns).
        """
        with self._lock:
            self._stopping = True
            hwnd, thread = self._hwnd, self._thread
            if thread is None:
                self._finished = True
                self._queue.put(_END)
                return
        if hwnd and not self._finished:
            try:
                _u32.PostMessageW(hwnd, _STOP, 0, 0)
            except WinSessionError:
                # The window is already gone (the loop is ending); the thread message reaches
                # the loop anyway if it is still there.
                if self._thread_id:
                    with contextlib.suppress(WinSessionError):
                        _u32.PostThreadMessageW(self._thread_id, _u32.WM_QUIT, 0, 0)
        if threading.current_thread() is thread:
            return
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError("the session change window thread did not end")

    @property
    def running(self) -> bool:
        """Whether the window exists and changes are being received."""
        return self._hwnd is not None and not self._stopping

    def __enter__(self) -> SessionChanges:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __iter__(self) -> Iterator[SessionChange]:
        if self._thread is None and not self._finished:
            self.start()
        return self

    def __next__(self) -> SessionChange:
        change = self.get()
        if change is None:
            raise StopIteration
        return change

    def get(self, timeout: Optional[float] = None) -> Optional[SessionChange]:
        """The next change; ``None`` once stopped (or after ``timeout`` seconds).

        Waits in short steps, so Ctrl-C interrupts it on Windows too.
        """
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0
        ):
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        deadline = None if timeout is None else _monotonic() + timeout
        while True:
            step = 0.2 if deadline is None else max(0.0, min(0.2, deadline - _monotonic()))
            try:
                item = self._queue.get(timeout=step)
            except queue.Empty:
                if deadline is not None and _monotonic() >= deadline:
                    return None
                continue
            if item is _END:
                self._queue.put(_END)  # every later call ends too
                return None
            return item  # type: ignore[no-any-return]

    # --- the window thread ----------------------------------------------------------------

    def _run(self) -> None:
        hwnd: Optional[int] = None
        registered = False
        class_registered = False
        try:
            self._thread_id = threading.get_native_id()
            server = self._server_arg
            self._server = server if isinstance(server, Server) else Server(_name(server))
            wc = _u32.WNDCLASSEXW()
            wc.cbSize = ctypes.sizeof(_u32.WNDCLASSEXW)
            wc.lpfnWndProc = self._wndproc
            wc.lpszClassName = self._class_name
            _u32.RegisterClassExW(ctypes.byref(wc))
            class_registered = True
            hwnd = _u32.CreateWindowExW(
                0, self._class_name, "winsession session changes", 0, 0, 0, 0, 0,
                _u32.HWND_MESSAGE, None, None, None,
            )  # fmt: skip
            _raw.WTSRegisterSessionNotificationEx(self._server.handle, hwnd, self._flags)
            registered = True
            with self._lock:
                self._hwnd = hwnd
                stopping = self._stopping
        except BaseException as exc:
            self._startup_error = exc
            stopping = True
        self._ready.set()
        try:
            if not stopping:
                self._loop()
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            with self._lock:
                self._hwnd = None
            self._cleanup(hwnd, registered, class_registered)
            self._finished = True
            self._queue.put(_END)

    def _loop(self) -> None:
        msg = _u32.MSG()
        while True:
            if not _u32.GetMessageW(ctypes.byref(msg), None, 0, 0):
                return  # WM_QUIT
            if msg.message == _STOP:
                return
            if msg.message == _u32.WM_WTSSESSION_CHANGE:
                self._deliver(int(msg.wParam), int(msg.lParam))
            # Nothing else is posted to a message-only window that has no use for it.

    def _cleanup(self, hwnd: Optional[int], registered: bool, class_registered: bool) -> None:
        steps: list[Callable[[], object]] = []
        server = self._server
        if registered and server is not None:
            steps.append(lambda: _raw.WTSUnRegisterSessionNotificationEx(server.handle, hwnd))
        if hwnd:
            steps.append(lambda: _u32.DestroyWindow(hwnd))
        if class_registered:
            steps.append(lambda: _u32.UnregisterClassW(self._class_name, None))
        for step in steps:
            try:
                step()
            except BaseException as exc:  # go on: every other resource must still go
                self.errors.append(exc)
        if server is not None and not isinstance(self._server_arg, Server):
            server.close()

    def _window_procedure(self, hwnd: Any, message: int, wparam: int, lparam: int) -> int:
        # Called by user32 (through GetMessageW for sent messages, CreateWindowExW and
        # DestroyWindow): nothing may propagate back into C.
        try:
            if message == _u32.WM_WTSSESSION_CHANGE:
                self._deliver(int(wparam), int(lparam))
                return 0
            return int(_u32.DefWindowProcW(hwnd, message, wparam, lparam))
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                self.errors.append(exc)
            return 0

    def _deliver(self, kind: int, session_id: int) -> None:
        change = SessionChange(
            SessionChangeKind(kind), session_id & 0xFFFFFFFF, _now(), self._user(session_id)
        )
        callback = self._callback
        if callback is None:
            self._queue.put(change)
            return
        try:
            callback(change)
        except Exception as exc:
            self.callback_errors.append(exc)

    def _user(self, session_id: int) -> Optional[str]:
        if not self._resolve or self._server is None:
            return None
        from ._query import query_session_information

        try:
            name = query_session_information(session_id, InfoClass.USER_NAME, self._server)
            if not name:
                return None
            domain = query_session_information(session_id, InfoClass.DOMAIN_NAME, self._server)
        except WinSessionError:
            return None
        return f"{domain}\\{name}" if domain else str(name)

    def __repr__(self) -> str:
        state = "running" if self.running else ("stopped" if self._finished else "new")
        return f"<wts.SessionChanges {state}>"


def _monotonic() -> float:
    import time

    return time.monotonic()
