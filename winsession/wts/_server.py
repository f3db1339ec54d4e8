"""The server handle (WTSOpenServerW/WTSCloseServer) and the checks every wts call shares."""

from __future__ import annotations

import functools
import operator
import weakref
from typing import Any, Callable, Optional, Union

from .. import _args, _dll, errors
from .._winerror import RPC_S_SERVER_UNAVAILABLE
from ..raw import wtsapi32 as _raw

# --- servers ------------------------------------------------------------------------------


_LIVE: set[weakref.ref[Server]] = set()
"""Weak references whose callbacks close the handles of servers that die unclosed."""


def _drainer(cell: list[Optional[int]]) -> Callable[..., Any]:
    """A callable that closes the handle in ``cell`` (``[None, handle]``), at most once.

    Built from C-level pieces only -- ``functools.reduce`` over ``map(WTSCloseServer,
    iter(cell.pop, None))`` -- so no Python frame runs between taking the handle out of the
    cell and closing it: a KeyboardInterrupt (delivered only where Python code runs) cannot
    split the two, whether the drainer runs from :meth:`Server.close` or as the weak
    reference callback at collection. The ``None`` at the bottom of the cell ends it; once
    ended it never pops again.
    """
    close = _raw.WTSCloseServer.bind()  # no errcheck: nothing in Python after the call
    return functools.partial(functools.reduce, operator.is_, map(close, iter(cell.pop, None)))


class Server:
    """An open Remote Desktop server handle (``WTSOpenServerW``), a context manager.

    ``Server(None)`` is this computer (``WTS_CURRENT_SERVER_HANDLE``; nothing to close).
    The handle is closed exactly once: by :meth:`close`, the ``with`` block, or garbage
    collection -- also when a KeyboardInterrupt lands anywhere in opening or closing. Using
    a closed server raises ``ValueError``. Closing a server that an :class:`EventWatcher`
    waits on first wakes and ends that watcher.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.Server() as here:
    ...     print(here, here.handle, [s.session_id for s in wts.enumerate_sessions(here)])
    <wts.Server local open> None [0, 1, 2, 3, 65536]
    >>> wts.enumerate_sessions(here)
    Traceback (most recent call last):
    ValueError: <wts.Server local closed> is closed
    >>> sim.stop()
    """

    def __init__(self, name: Optional[str] = None) -> None:
        self.name: Optional[str] = _name(name)
        self._handle: Optional[int] = None
        self._closed = False
        self._watchers: weakref.WeakSet[Any] = weakref.WeakSet()
        # The handle lives in this cell from the instant WTSOpenServerW returns: the call and
        # the append are one C-level step (list.extend driving map), and the drainer,
        # registered before, closes whatever the cell holds when this object dies. So an
        # interrupt at any point of __init__ or close() leaves no handle without an owner.
        self._cell: list[Optional[int]] = [None]
        self._drain: Optional[Callable[..., Any]] = None
        if self.name is None:
            return
        self._drain = _drainer(self._cell)
        if len(_LIVE) > 64:
            _LIVE.difference_update([ref for ref in list(_LIVE) if ref() is None])
        _LIVE.add(weakref.ref(self, self._drain))
        _dll.set_last_error("wtsapi32", 0)  # so a NULL without a reason is not a stale error
        self._cell.extend(map(_raw.WTSOpenServerW.bind(), (self.name,)))
        handle = self._cell[-1]
        if not handle:
            self._cell.pop()
            code = _dll.last_error("wtsapi32")
            if code:
                raise errors.wts_error(code, "WTSOpenServerW", server=self.name)
            raise errors.wts_error(
                RPC_S_SERVER_UNAVAILABLE,
                "WTSOpenServerW",
                server=self.name,
                message=f"WTSOpenServerW returned no handle for {self.name} and set no error",
            )
        self._handle = handle

    @property
    def handle(self) -> Optional[int]:
        """The raw ``HANDLE`` (``None`` for this computer)."""
        if self._closed:
            raise ValueError(f"{self!r} is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def close(self) -> None:
        """Close the handle (``WTSCloseServer``); later calls do nothing.

        A watcher waiting on this server (:func:`watch_events`) is woken and ended first. If
        one cannot be (it did not leave ``WTSWaitSystemEvent`` within its ``stop`` timeout),
        ``TimeoutError`` is raised and the server stays open.
        """
        if self._closed:
            return
        for watcher in list(self._watchers):
            watcher.stop()  # raises TimeoutError, the server still open, if it cannot
        self._closed = True
        if self._drain is not None:
            self._drain(None)  # one C-level step: see _drainer

    def _watched_by(self, watcher: Any) -> None:
        if self._closed:
            raise ValueError(f"{self!r} is closed")
        self._watchers.add(watcher)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<wts.Server {self.name or 'local'} {state}>"


def open_server(name: Optional[str]) -> Server:
    """Open a handle to the Remote Desktop server ``name`` (``None``: this computer).

    Opening does not contact the server; the first call on the handle does. The demo knows
    no remote server, so the first example fails as an unreachable server would; the
    second builds a simulator (nested inside the demo one) that knows ``RDS02``.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.open_server("RDS02") as srv:
    ...     wts.enumerate_sessions(srv)
    Traceback (most recent call last):
    winsession.errors.WtsServerNotFoundError: WTSEnumerateSessionsW on RDS02 failed: ...
    >>> from winsession.testing import Session, Simulator
    >>> with Simulator(sessions=[Session(5, user_name="carol", server="RDS02")]):
    ...     with wts.open_server("RDS02") as srv:
    ...         print(srv, [(s.session_id, s.user_name) for s in wts.enumerate_sessions_ex(srv)])
    <wts.Server RDS02 open> [(5, 'carol')]
    >>> sim.stop()
    """
    return Server(name)


ServerArg = Union[None, str, Server]


def _name(value: object) -> Optional[str]:
    # The one normaliser (_args.server_name); wts calls also take a Server, so says the error.
    return _args.server_name(value, "a str, a wts.Server or None")


def borrow(server: object) -> tuple[Server, bool]:
    """The one place a ``server=`` argument becomes a :class:`Server`: a Server as it is
    (``False``: the caller must not close it), a name or ``None`` opened now (``True``: the
    caller closes it)."""
    if isinstance(server, Server):
        return server, False
    return Server(_name(server)), True


class Using:
    """``with Using(server, session_id) as handle:``: the handle for one call.

    A name is opened for the block only (see :func:`borrow`). An API error leaving the block
    is the same exception object, now naming the server and session, so a bare re-raise
    keeps its traceback down to the call that failed.
    """

    __slots__ = ("_owned", "server", "session_id")

    def __init__(self, server: object, session_id: Optional[int] = None) -> None:
        self.server, self._owned = borrow(server)
        self.session_id = session_id

    def __enter__(self) -> Optional[int]:
        try:
            return self.server.handle
        except BaseException:
            self._release()
            raise

    def __exit__(self, kind: object, exc: Optional[BaseException], tb: object) -> None:
        self._release()
        if exc is not None:  # named as every wts error is (errors.context)
            errors.context(self.server.name, self.session_id).__exit__(kind, exc, tb)

    def _release(self) -> None:
        if self._owned:
            self.server.close()
