"""A simulated user32: window classes, message-only windows and per-thread message queues.

Enough of user32 for :class:`winsession.wts.SessionChanges` to run unchanged on any OS: it
stands in for Windows' own message delivery where there is none (Linux) or where a test wants
to count what was made. Behaviour follows Microsoft Learn's pages for each function; where a
page is silent, the comment says so and what is done instead.

- ``RegisterClassExW``: ``cbSize`` must be ``sizeof(WNDCLASSEX)``; a second class of the same
  name and instance fails with ``ERROR_CLASS_ALREADY_EXISTS``; returns a class atom.
- ``CreateWindowExW``: the class may be named or given as an atom ("MAKEINTATOM"); it sends
  ``WM_NCCREATE`` (a FALSE answer makes the call return NULL) and ``WM_CREATE`` (-1 destroys
  the window and returns NULL) to the window procedure, synchronously, before returning.
  Parent ``HWND_MESSAGE`` makes a message-only window; any other non-NULL parent that is not
  a window fails with ``ERROR_INVALID_WINDOW_HANDLE``.
- ``DestroyWindow``: "A thread cannot use DestroyWindow to destroy a window created by a
  different thread" (``ERROR_ACCESS_DENIED``, the error the page leaves unsaid); sends
  ``WM_DESTROY`` then ``WM_NCDESTROY``; messages still queued for the window are dropped.
- ``UnregisterClassW``: "If the class could not be found or if a window still exists that
  was created with the class, the return value is zero" (``ERROR_CLASS_DOES_NOT_EXIST``,
  ``ERROR_CLASS_HAS_WINDOWS``).
- ``PostMessageW``: places the message in the queue of the thread that created the window
  and returns without waiting; NULL ``hWnd`` "behaves like a call to PostThreadMessage with
  the dwThreadId parameter set to the identifier of the current thread".
- ``PostThreadMessageW``: fails with ``ERROR_INVALID_THREAD_ID`` when the thread has no
  message queue ("The system creates a thread-specific message queue only when the thread
  makes its first call to one of the User or GDI functions": here, any of these exports).
- ``GetMessageW``: waits for a message of the calling thread (for ``hWnd``, or any of the
  thread's when NULL; message filters are not simulated and must be 0); 0 for ``WM_QUIT``.
- ``DefWindowProcW``: TRUE for ``WM_NCCREATE`` (creation goes on), 0 otherwise.

Thread ids are ``threading.get_native_id()``, which is ``GetCurrentThreadId()`` on Windows.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Optional

from .._winerror import (
    ERROR_ACCESS_DENIED,
    ERROR_CANNOT_FIND_WND_CLASS,
    ERROR_CLASS_ALREADY_EXISTS,
    ERROR_CLASS_DOES_NOT_EXIST,
    ERROR_CLASS_HAS_WINDOWS,
    ERROR_INVALID_PARAMETER,
    ERROR_INVALID_THREAD_ID,
    ERROR_INVALID_WINDOW_HANDLE,
)
from ..raw import user32 as _u32
from ._buffers import _I32, _U32, _V, _Api, _Provider

_MASK = (1 << (8 * ctypes.sizeof(ctypes.c_void_p))) - 1
_HWND_MESSAGE = _u32.HWND_MESSAGE & _MASK
_WP, _LP = ctypes.c_size_t, ctypes.c_ssize_t


@dataclass
class _Class:
    name: str
    atom: int
    instance: int
    wndproc: int
    windows: int = 0


@dataclass
class _Window:
    hwnd: int
    cls: _Class
    thread: int
    message_only: bool


@dataclass
class _Queue:
    messages: deque[tuple[int, int, int, int, int]] = field(default_factory=deque)


def _key(name: str) -> str:
    return name.casefold()  # class names compare case-insensitively


class User32Simulator(_Api):
    """The simulated user32 (see the module's docstring). Reach it as ``Simulator.user32``.

    Counters: :attr:`live_windows`, :attr:`live_classes`, ``windows_created``,
    ``classes_registered``, ``posted``; :meth:`problems` reports windows or classes left.

    >>> from winsession.testing import Simulator
    >>> sim = Simulator()
    >>> sim.user32.live_windows, sim.user32.live_classes
    (0, 0)
    """

    def __init__(self) -> None:
        super().__init__()
        self._cv = threading.Condition(self.lock)
        self.classes: dict[tuple[str, int], _Class] = {}
        self.windows: dict[int, _Window] = {}
        self.queues: dict[int, _Queue] = {}
        self._serial = 0
        self.windows_created = self.classes_registered = self.posted = 0
        self.wndproc_calls = 0
        self.provider = _Provider("user32", self.get_last_error)
        exports: list[tuple[str, Any, list[Any], Any, Any]] = [
            ("RegisterClassExW", ctypes.c_uint16, [_V], self._register_class, 0),
            ("UnregisterClassW", _I32, [_V, _V], self._unregister_class, 0),
            ("CreateWindowExW", _V,
             [_U32, _V, _V, _U32, _I32, _I32, _I32, _I32, _V, _V, _V, _V],
             self._create_window, None),
            ("DestroyWindow", _I32, [_V], self._destroy_window, 0),
            ("GetMessageW", _I32, [_V, _V, _U32, _U32], self._get_message, -1),
            ("PostMessageW", _I32, [_V, _U32, _WP, _LP], self._post_message, 0),
            ("PostThreadMessageW", _I32, [_U32, _U32, _WP, _LP], self._post_thread, 0),
            ("DefWindowProcW", _LP, [_V, _U32, _WP, _LP], self._def_window_proc, 0),
        ]  # fmt: skip
        for name, restype, argtypes, impl, failure in exports:
            self.provider.export(name, restype, argtypes, self._guard(failure, impl))

    # --- accounting -------------------------------------------------------------------------

    @property
    def live_windows(self) -> int:
        """Windows created and not destroyed."""
        with self.lock:
            return len(self.windows)

    @property
    def live_classes(self) -> int:
        """Window classes registered and not unregistered."""
        with self.lock:
            return len(self.classes)

    def is_window(self, hwnd: Optional[int]) -> bool:
        """Whether ``hwnd`` is a window that exists now (``IsWindow``)."""
        with self.lock:
            return bool(hwnd) and hwnd in self.windows

    def problems(self) -> list[str]:
        """Windows or classes left behind, and simulator errors."""
        found = []
        if self.windows:
            found.append(f"{len(self.windows)} window(s) left undestroyed")
        if self.classes:
            found.append(f"{len(self.classes)} window class(es) left registered")
        found += [f"user32 simulator error: {e!r}" for e in self.internal_errors]
        return found

    def reset(self) -> None:
        """Counters cleared (windows, classes and queues are kept: a reset hides no leak)."""
        with self.lock:
            self.windows_created = self.classes_registered = self.posted = 0
            self.wndproc_calls = 0

    def wake_all(self) -> None:
        """Post ``WM_QUIT`` to every thread waiting in ``GetMessageW`` (the simulator is
        going away: nothing may stay blocked in it)."""
        with self.lock:
            for q in self.queues.values():
                q.messages.append((0, _u32.WM_QUIT, 0, 0, self._tick()))
            self._cv.notify_all()

    # --- helpers ----------------------------------------------------------------------------

    def _fail(self, code: int, value: Any = 0) -> Any:
        self.set_last_error(code)
        return value

    @staticmethod
    def _tick() -> int:
        return int(time.monotonic() * 1000) & 0xFFFFFFFF

    def _find_class(self, name_or_atom: Optional[int], instance: int) -> Optional[_Class]:
        if not name_or_atom:
            return None
        if name_or_atom < 0x10000:  # MAKEINTATOM: "the low-order word ... the high-order 0"
            for cls in self.classes.values():
                if cls.atom == name_or_atom:
                    return cls
            return None
        name = ctypes.wstring_at(name_or_atom)
        found = self.classes.get((_key(name), instance))
        if found is None and instance:
            found = self.classes.get((_key(name), 0))
        return found

    def _call_wndproc(self, cls: _Class, hwnd: int, msg: int, wparam: int, lparam: int) -> int:
        self.wndproc_calls += 1
        proc = _u32.WNDPROC(cls.wndproc)
        return int(proc(hwnd, msg, wparam, lparam))

    def _queue_of(self, thread: int) -> _Queue:
        q = self.queues.get(thread)
        if q is None:
            q = self.queues[thread] = _Queue()
        return q

    # --- exports ----------------------------------------------------------------------------

    def _register_class(self, pwc: Optional[int]) -> int:
        if not pwc:
            return int(self._fail(ERROR_INVALID_PARAMETER))
        wc = _u32.WNDCLASSEXW.from_address(pwc)
        if wc.cbSize != ctypes.sizeof(_u32.WNDCLASSEXW):
            return int(self._fail(ERROR_INVALID_PARAMETER))
        # Read as a raw pointer: the field may hold an atom rather than an address.
        name_ptr = ctypes.c_void_p.from_address(pwc + _u32.WNDCLASSEXW.lpszClassName.offset).value
        proc = ctypes.cast(wc.lpfnWndProc, ctypes.c_void_p).value
        if not name_ptr or not proc:
            return int(self._fail(ERROR_INVALID_PARAMETER))
        name = ctypes.wstring_at(name_ptr)
        instance = int(wc.hInstance or 0)
        with self.lock:
            self._queue_of(threading.get_native_id())
            if (_key(name), instance) in self.classes:
                return int(self._fail(ERROR_CLASS_ALREADY_EXISTS))
            self._serial += 1
            atom = 0xC000 + self._serial % 0x3FFF
            self.classes[(_key(name), instance)] = _Class(name, atom, instance, proc)
            self.classes_registered += 1
            return atom

    def _unregister_class(self, name: Optional[int], instance: Optional[int]) -> int:
        with self.lock:
            cls = self._find_class(name, int(instance or 0))
            if cls is None:
                return int(self._fail(ERROR_CLASS_DOES_NOT_EXIST))
            if cls.windows:
                return int(self._fail(ERROR_CLASS_HAS_WINDOWS))
            del self.classes[(_key(cls.name), cls.instance)]
            return 1

    def _create_window(
        self, ex_style: int, class_name: Optional[int], title: Optional[int], style: int,
        x: int, y: int, w: int, h: int, parent: Optional[int], menu: Optional[int],
        instance: Optional[int], param: Optional[int],
    ) -> Optional[int]:  # fmt: skip
        with self.lock:
            cls = self._find_class(class_name, int(instance or 0))
            if cls is None:
                return self._fail(ERROR_CANNOT_FIND_WND_CLASS, None)  # type: ignore[no-any-return]
            message_only = (parent or 0) & _MASK == _HWND_MESSAGE
            if parent and not message_only and parent not in self.windows:
                return self._fail(ERROR_INVALID_WINDOW_HANDLE, None)  # type: ignore[no-any-return]
            self._serial += 1
            hwnd = 0x20000 + self._serial * 2
            thread = threading.get_native_id()
            self.windows[hwnd] = _Window(hwnd, cls, thread, message_only)
            cls.windows += 1
            self._queue_of(thread)
            self.windows_created += 1
        # WM_NCCREATE / WM_CREATE reach the window procedure before CreateWindowExW returns;
        # the simulator's lock is not held while user code runs.
        if not self._call_wndproc(cls, hwnd, _u32.WM_NCCREATE, 0, 0):
            self._forget(hwnd)
            return None
        if self._call_wndproc(cls, hwnd, _u32.WM_CREATE, 0, 0) == -1:
            self._destroy_window(hwnd)
            return None
        return hwnd

    def _forget(self, hwnd: int) -> Optional[_Window]:
        with self.lock:
            window = self.windows.pop(hwnd, None)
            if window is not None:
                window.cls.windows -= 1
                q = self.queues.get(window.thread)
                if q is not None:
                    q.messages = deque(m for m in q.messages if m[0] != hwnd)
            return window

    def _destroy_window(self, hwnd: Optional[int]) -> int:
        with self.lock:
            window = self.windows.get(hwnd or 0)
            if window is None:
                return int(self._fail(ERROR_INVALID_WINDOW_HANDLE))
            if window.thread != threading.get_native_id():
                return int(self._fail(ERROR_ACCESS_DENIED))
        self._call_wndproc(window.cls, window.hwnd, _u32.WM_DESTROY, 0, 0)
        self._call_wndproc(window.cls, window.hwnd, _u32.WM_NCDESTROY, 0, 0)
        self._forget(window.hwnd)
        return 1

    def post(self, hwnd: int, message: int, wparam: int, lparam: int) -> bool:
        """Queue a message for window ``hwnd`` (what ``PostMessageW`` does); False if there
        is no such window. The wtsapi32 simulators deliver ``WM_WTSSESSION_CHANGE`` here."""
        with self.lock:
            window = self.windows.get(hwnd)
            if window is None:
                return False
            self._queue_of(window.thread).messages.append(
                (hwnd, message & 0xFFFFFFFF, wparam, lparam, self._tick())
            )
            self.posted += 1
            self._cv.notify_all()
            return True

    def _post_message(self, hwnd: Optional[int], message: int, wparam: int, lparam: int) -> int:
        with self.lock:
            self._queue_of(threading.get_native_id())
        if not hwnd:
            return self._post_thread(threading.get_native_id(), message, wparam, lparam)
        if not self.post(hwnd, message, wparam, lparam):
            return int(self._fail(ERROR_INVALID_WINDOW_HANDLE))
        return 1

    def _post_thread(self, thread: int, message: int, wparam: int, lparam: int) -> int:
        with self.lock:
            self._queue_of(threading.get_native_id())
            q = self.queues.get(thread)
            if q is None:
                return int(self._fail(ERROR_INVALID_THREAD_ID))
            q.messages.append((0, message & 0xFFFFFFFF, wparam, lparam, self._tick()))
            self.posted += 1
            self._cv.notify_all()
            return 1

    def _get_message(self, pmsg: Optional[int], hwnd: Optional[int], low: int, high: int) -> int:
        if not pmsg or low or high:
            return int(self._fail(ERROR_INVALID_PARAMETER, -1))
        thread = threading.get_native_id()
        with self.lock:
            if hwnd and (hwnd not in self.windows or self.windows[hwnd].thread != thread):
                return int(self._fail(ERROR_INVALID_WINDOW_HANDLE, -1))
            q = self._queue_of(thread)
            while True:
                for i, item in enumerate(q.messages):
                    if not hwnd or item[0] == hwnd:
                        del q.messages[i]
                        msg = _u32.MSG.from_address(pmsg)
                        msg.hwnd, msg.message, msg.wParam, msg.lParam, msg.time = item
                        msg.pt.x = msg.pt.y = 0
                        return 0 if item[1] == _u32.WM_QUIT else 1
                self._cv.wait()

    def _def_window_proc(self, hwnd: Optional[int], message: int, wparam: int, lparam: int) -> int:
        return 1 if message == _u32.WM_NCCREATE else 0
