"""Logon, logoff, disconnect and reconnect events from SENS (``ISensLogon2``), in pure ctypes.

>>> from winsession import sens
>>> with sens.SessionEvents() as events:                     # doctest: +SKIP
...     for event in events:
...         print(event.kind.name, event.user_name, event.session_id)
SESSION_DISCONNECT CONTOSO\\alice 2

Or with a callback (called on winsession's dispatcher thread, never on the event system's)::

    events = sens.subscribe(lambda e: print(e), kinds={sens.EventKind.LOGON})
    ...
    events.close()

:class:`SessionEvents` creates the COM+ event system on a thread of its own in the
multithreaded apartment (no message pump needed), stores one transient, per-user
subscription per event kind and removes exactly those on :meth:`~SessionEvents.close`, on
leaving a ``with`` block, after errors and, as a fallback, at interpreter exit. The
subscriber is a COM object made with ctypes: it answers ``QueryInterface`` for IUnknown,
IDispatch and ISensLogon2, counts its references, takes calls through its vtable or through
``IDispatch::Invoke``, and never lets a Python exception cross into C.

Where the event system is missing (Wine, a trimmed Windows) the constructor raises
:class:`~winsession.errors.SensUnavailableError`, leaving nothing subscribed.
SENS vs :func:`winsession.wts.watch_events`: see the README.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import datetime
import enum
import logging
import queue
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import Any, Callable, Optional

from ._record import Record, record
from .codes import message
from .errors import ComError, SensUnavailableError
from .raw import com

__all__ = ["EventKind", "SensUnavailableError", "SessionEvent", "SessionEvents", "subscribe"]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


log = logging.getLogger("winsession.sens")


class EventKind(enum.IntEnum):
    """Which ``ISensLogon2`` method fired (the value is its DISPID).

    >>> from winsession.sens import EventKind
    >>> EventKind(3)
    <EventKind.SESSION_DISCONNECT: 3>
    >>> EventKind.SESSION_DISCONNECT.method, int(EventKind.LOGOFF)
    ('SessionDisconnect', 2)
    """

    LOGON = 1
    LOGOFF = 2
    SESSION_DISCONNECT = 3
    SESSION_RECONNECT = 4
    POST_SHELL = 5

    @property
    def method(self) -> str:
        """The ISensLogon2 method name, e.g. ``"SessionDisconnect"``."""
        return _METHODS[self - 1]


_METHODS = ("Logon", "Logoff", "SessionDisconnect", "SessionReconnect", "PostShell")
_BY_NAME = {name.lower(): EventKind(i + 1) for i, name in enumerate(_METHODS)}


@record
class SessionEvent(Record):
    """One event: what happened, to whom, in which session, and when it arrived (UTC).

    >>> import datetime
    >>> from winsession.sens import EventKind, SessionEvent
    >>> when = datetime.datetime(2024, 5, 6, 8, 30, tzinfo=datetime.timezone.utc)
    >>> SessionEvent(EventKind.LOGON, "CONTOSO\\\\alice", 2, when)
    SessionEvent(kind=EventKind.LOGON, user_name='CONTOSO\\\\alice', session_id=2,
                 received_at=datetime.datetime(2024, 5, 6, 8, 30, tzinfo=datetime.timezone.utc))
    """

    __slots__ = ("kind", "received_at", "session_id", "user_name")
    kind: EventKind
    user_name: str
    session_id: int
    received_at: datetime.datetime


# --- the subscriber COM object -------------------------------------------------------------


class _ComObject(ctypes.Structure):
    # What a COM pointer points at: the vtable pointer. One per sink, so each has an address.
    _fields_ = [("lpVtbl", ctypes.c_void_p)]


_sinks: dict[int, _Sink] = {}  # COM address -> sink, while any reference is held
_sinks_lock = threading.Lock()
_ANSWERS = {com.IUnknown.iid, com.IDispatch.iid, com.ISensLogon2.iid}


def _guarded(default: int) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """Wrap a vtable slot: any Python exception is reported and becomes an HRESULT."""

    def wrap(impl: Callable[..., int]) -> Callable[..., int]:
        def slot(*args: Any) -> int:
            try:
                return impl(*args)
            except BaseException:  # nothing may unwind into the COM caller's C frames
                log.exception("winsession.sens: %s failed", impl.__name__)
                return default

        slot.__name__ = impl.__name__
        return slot

    return wrap


def _sink(this: Optional[int]) -> Optional[_Sink]:
    return _sinks.get(this or 0)


@_guarded(com.E_UNEXPECTED)
def _query_interface(this: int, riid: Any, ppv: Any) -> int:
    if not ppv:
        return com.E_POINTER
    ppv[0] = None
    sink = _sink(this)
    if sink is None or not riid:
        return com.E_UNEXPECTED
    if riid.contents not in _ANSWERS:
        return com.E_NOINTERFACE
    sink.add_ref()
    ppv[0] = this
    return com.S_OK


@_guarded(0)
def _add_ref(this: int) -> int:
    sink = _sink(this)
    return 0 if sink is None else sink.add_ref()


@_guarded(0)
def _release(this: int) -> int:
    sink = _sink(this)
    return 0 if sink is None else sink.release()


@_guarded(com.E_UNEXPECTED)
def _get_type_info_count(this: int, count: Any) -> int:
    if not count:
        return com.E_POINTER
    count[0] = 0  # no type library: callers use GetIDsOfNames
    return com.S_OK


@_guarded(com.E_NOTIMPL)
def _get_type_info(this: int, index: int, lcid: int, info: Any) -> int:
    if info:
        info[0] = None
    return com.E_NOTIMPL


@_guarded(com.E_UNEXPECTED)
def _get_ids_of_names(this: int, riid: Any, names: Any, count: int, lcid: int, ids: Any) -> int:
    if not names or not ids:
        return com.E_POINTER
    result = com.S_OK
    for i in range(count):
        kind = _BY_NAME.get((names[i] or "").lower())
        ids[i] = com.DISPID_UNKNOWN if kind is None else int(kind)
        if kind is None:
            result = com.DISP_E_UNKNOWNNAME
    return result


def _variant_int(v: Any) -> Optional[int]:
    vt = v.vt & ~com.VT_BYREF
    if v.vt & com.VT_BYREF:
        address = v.byref
        if not address:
            return None
        size = {com.VT_I4: ctypes.c_int32, com.VT_UI4: ctypes.c_uint32, com.VT_INT: ctypes.c_int32,
                com.VT_UINT: ctypes.c_uint32}.get(vt)  # fmt: skip
        return None if size is None else int(size.from_address(address).value)
    if vt in (com.VT_UI4, com.VT_UINT):
        return int(v.ulVal)
    if vt in (com.VT_I4, com.VT_INT):
        return int(v.lVal) & 0xFFFFFFFF
    if vt in (com.VT_I2, com.VT_UI2):
        return int(v.uiVal)
    if vt in (com.VT_I8, com.VT_UI8):
        return int(v.llVal) & 0xFFFFFFFF
    return None


def _variant_text(v: Any) -> Optional[str]:
    if v.vt == com.VT_BSTR:
        return com.bstr_text(v.bstrVal)
    if v.vt == com.VT_BSTR | com.VT_BYREF and v.byref:
        return com.bstr_text(ctypes.c_void_p.from_address(v.byref).value)
    return None


@_guarded(com.E_UNEXPECTED)
def _invoke(
    this: int, dispid: int, riid: Any, lcid: int, flags: int, params: Any, result: Any,
    excepinfo: Any, arg_err: Any,
) -> int:  # fmt: skip
    sink = _sink(this)
    if sink is None:
        return com.E_UNEXPECTED
    if not 1 <= dispid <= len(_METHODS):
        return com.DISP_E_MEMBERNOTFOUND
    if not params or params.contents.cArgs != 2:
        return com.DISP_E_BADPARAMCOUNT
    args = params.contents.rgvarg
    # Invoke passes arguments in reverse: rgvarg[1] is the user name, rgvarg[0] the id.
    user, session = _variant_text(args[1]), _variant_int(args[0])
    if user is None or session is None:
        if arg_err:
            arg_err[0] = 1 if user is None else 0
        return com.DISP_E_TYPEMISMATCH
    sink.deliver(EventKind(dispid), user, session)
    return com.S_OK


def _method(kind: EventKind) -> Callable[..., int]:
    def call(this: int, user: Optional[int], session_id: int) -> int:
        sink = _sink(this)
        if sink is None:
            return com.E_UNEXPECTED
        sink.deliver(kind, com.bstr_text(user), int(session_id))
        return com.S_OK

    call.__name__ = kind.method  # before wrapping: the report names the method
    return _guarded(com.E_UNEXPECTED)(call)


_IMPLS: dict[str, Callable[..., int]] = {
    "QueryInterface": _query_interface,
    "AddRef": _add_ref,
    "Release": _release,
    "GetTypeInfoCount": _get_type_info_count,
    "GetTypeInfo": _get_type_info,
    "GetIDsOfNames": _get_ids_of_names,
    "Invoke": _invoke,
    **{kind.method: _method(kind) for kind in EventKind},
}
# Module-level, so the C thunks live as long as the interpreter: no sink can outlive them.
_CALLBACKS = {
    name: com.ISensLogon2.prototypes[name](_IMPLS[name]) for name, _, _ in com.ISensLogon2.methods
}
_VTABLE = com.ISensLogon2.vtable(*(_CALLBACKS[name] for name, _, _ in com.ISensLogon2.methods))


class _Sink:
    """One ISensLogon2 object; kept in ``_sinks`` while its reference count is above 0."""

    def __init__(self, deliver: Callable[[EventKind, str, int], None]) -> None:
        self._object = _ComObject(ctypes.addressof(_VTABLE))
        self.address = ctypes.addressof(self._object)
        self.deliver = deliver
        self._refs = 1  # ours, given up by release() in SessionEvents' shutdown
        with _sinks_lock:
            _sinks[self.address] = self

    @property
    def refs(self) -> int:
        """The current reference count (0 once every holder has released it)."""
        return self._refs

    def add_ref(self) -> int:
        with _sinks_lock:
            self._refs += 1
            return self._refs

    def release(self) -> int:
        with _sinks_lock:
            self._refs -= 1
            if self._refs <= 0:
                self._refs = 0
                _sinks.pop(self.address, None)
            return self._refs


# --- the subscription ----------------------------------------------------------------------

_open: weakref.WeakSet[SessionEvents] = weakref.WeakSet()
_STOP = object()


class SessionEvents:
    """Subscribe to SENS session events; a context manager and an iterator.

    Args:
        callback: called with each :class:`SessionEvent` on winsession's dispatcher thread;
            any exception it raises -- ``SystemExit`` and ``KeyboardInterrupt`` included --
            is logged (logger ``winsession.sens``) and counted in :attr:`callback_errors`,
            and delivery goes on with the next event.
        kinds: which :class:`EventKind` values to subscribe to (default: all five).
        queue_size: the bound on events held in memory, at each of the two stages: at most
            ``queue_size`` events wait for the dispatcher (the callback), and at most
            ``queue_size`` wait to be taken by :meth:`get` or iteration. Overflow policy:
            the newest event is dropped, never an older one, and never by blocking the
            event system's thread -- counted in :attr:`overflowed` (before the callback) or
            :attr:`dropped` (not kept for iteration).
        timeout: seconds to wait for the event system during set-up and close.

    Raises:
        SensUnavailableError: the COM+ event system is missing or refused.
        UnsupportedPlatformError: not Windows.

    >>> from winsession import sens
    >>> with sens.SessionEvents(kinds=[sens.EventKind.LOGON]) as events:  # doctest: +SKIP
    ...     event = events.get(timeout=60)
    ...     print(events, event.kind.name, event.user_name, event.session_id)
    <sens.SessionEvents LOGON (1 subscription)> LOGON CONTOSO\\alice 2
    >>> sens.SessionEvents(kinds=())          # checked before anything is subscribed
    Traceback (most recent call last):
    ...
    ValueError: kinds must name at least one EventKind
    """

    def __init__(
        self,
        callback: Optional[Callable[[SessionEvent], None]] = None,
        *,
        kinds: Iterable[EventKind] = tuple(EventKind),
        queue_size: int = 100_000,
        timeout: float = 30.0,
    ) -> None:
        self._kinds = tuple(EventKind(k) for k in kinds)
        if not self._kinds:
            raise ValueError("kinds must name at least one EventKind")
        self._callback = callback
        self._timeout = timeout
        if isinstance(queue_size, bool) or not isinstance(queue_size, int) or queue_size < 1:
            raise ValueError(f"queue_size must be a positive int, not {queue_size!r}")
        self._inbox: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._events: queue.Queue[SessionEvent] = queue.Queue(maxsize=queue_size)
        self._counting = threading.Lock()  # event system threads call _receive concurrently
        self._sink = _Sink(self._receive)
        self._ids: list[com.GUID] = []
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._setup_error: Optional[BaseException] = None
        self._closed = False
        self.dropped = 0
        """Events not kept for iteration because ``queue_size`` events were waiting there."""
        self.overflowed = 0
        """Events dropped on arrival because ``queue_size`` events were already waiting for
        the dispatcher (a slow callback); they reached neither the callback nor iteration."""
        self.callback_errors = 0
        """Exceptions raised by the callback (each logged)."""
        self.removal_errors: list[ComError] = []
        """Subscriptions the event system refused to remove at close (normally empty)."""
        self._com = threading.Thread(target=self._com_main, name="winsession-sens-com", daemon=True)
        self._dispatcher = threading.Thread(
            target=self._dispatch, name="winsession-sens-dispatch", daemon=True
        )
        self._com.start()
        if not self._ready.wait(timeout):
            self._stop.set()
            raise TimeoutError(f"the COM+ event system did not answer within {timeout} s")
        if self._setup_error is not None:
            self._com.join(timeout)
            self._sink.release()
            raise self._setup_error
        self._dispatcher.start()
        _open.add(self)

    # -- COM thread (multithreaded apartment) --

    def _com_main(self) -> None:
        try:
            com.CoInitializeEx(None, com.COINIT_MULTITHREADED)
        except BaseException as exc:
            self._setup_error = exc
            self._ready.set()
            return
        event_system = ctypes.c_void_p()
        try:
            try:
                com.CoCreateInstance(
                    ctypes.byref(com.CLSID_CEventSystem), None, com.CLSCTX_SERVER,
                    ctypes.byref(com.IEventSystem.iid), ctypes.byref(event_system),
                )  # fmt: skip
            except ComError as exc:
                raise SensUnavailableError(
                    exc.winerror,
                    "CoCreateInstance(CLSID_CEventSystem)",
                    message=(
                        f"the COM+ Event System is not available: {exc.symbol}"
                        f" (0x{exc.hresult:08X}): {message(exc.winerror)}"
                    ),
                ) from None
            for kind in self._kinds:
                self._store(event_system.value or 0, kind)
        except BaseException as exc:
            self._remove_all(event_system.value)
            com.release(event_system.value)
            self._setup_error = exc
            com.CoUninitialize()
            self._ready.set()
            return
        self._ready.set()
        self._stop.wait()
        self._remove_all(event_system.value)
        com.release(event_system.value)
        com.CoUninitialize()

    def _store(self, event_system: int, kind: EventKind) -> None:
        subscription = ctypes.c_void_p()
        com.CoCreateInstance(
            ctypes.byref(com.CLSID_CEventSubscription), None, com.CLSCTX_SERVER,
            ctypes.byref(com.IEventSubscription.iid), ctypes.byref(subscription),
        )  # fmt: skip
        address = subscription.value or 0
        try:
            sid = com.GUID.new()
            for prop, value in (
                ("SubscriptionID", str(sid)),
                ("SubscriptionName", f"winsession {kind.method} {sid}"),
                ("EventClassID", str(com.SENSGUID_EVENTCLASS_LOGON2)),
                ("PublisherID", str(com.SENSGUID_PUBLISHER)),
                ("MethodName", kind.method),
            ):
                _call_with_text(address, com.IEventSubscription, f"put_{prop}", value)
            com.call(address, com.IEventSubscription, "put_SubscriberInterface", self._sink.address)
            com.call(address, com.IEventSubscription, "put_PerUser", 1)
            _call_with_text(
                event_system, com.IEventSystem, "Store", com.PROGID_EventSubscription, address
            )
            self._ids.append(sid)
        finally:
            com.release(address)

    def _remove_all(self, event_system: Optional[int]) -> None:
        while self._ids and event_system:
            sid = self._ids.pop()
            index = ctypes.c_int32(0)
            try:
                _call_with_text(
                    event_system, com.IEventSystem, "Remove", com.PROGID_EventSubscription,
                    f"SubscriptionID={sid}", ctypes.byref(index),
                )  # fmt: skip
            except ComError as exc:
                self.removal_errors.append(exc)
                log.error("winsession.sens: could not remove subscription %s: %s", sid, exc)

    # -- delivery --

    def _receive(self, kind: EventKind, user: str, session_id: int) -> None:
        # Called on the event system's thread: hand over and return at once.
        # Never blocks: with queue_size events waiting, the newest (this one) is dropped.
        now = datetime.datetime.now(datetime.timezone.utc)
        try:
            self._inbox.put_nowait(SessionEvent(kind, user, session_id, now))
        except queue.Full:
            with self._counting:
                self.overflowed += 1

    def _dispatch(self) -> None:
        while True:
            try:
                if self._deliver_next():
                    return
            except BaseException:  # anything, even an exception injected into this thread
                with self._counting:
                    self.callback_errors += 1
                log.exception("winsession.sens: event delivery raised; going on")

    def _deliver_next(self) -> bool:
        """Deliver one event; True once close() asks the dispatcher to end."""
        event = self._inbox.get()
        if event is _STOP:
            return True
        if self._callback is not None:
            try:
                self._callback(event)
            except BaseException:  # SystemExit and KeyboardInterrupt too: delivery goes on
                with self._counting:
                    self.callback_errors += 1
                log.exception("winsession.sens: the event callback raised")
        try:
            self._events.put_nowait(event)
        except queue.Full:
            self.dropped += 1
        return False

    def get(self, timeout: Optional[float] = None) -> Optional[SessionEvent]:
        """The next event, waiting up to ``timeout`` seconds (``None``: forever); ``None`` if
        none came."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def __iter__(self) -> Iterator[SessionEvent]:
        """Events as they come, until :meth:`close` (then the ones still queued)."""
        while True:
            event = self.get(timeout=0.1)
            if event is not None:
                yield event
            elif self._closed:
                return

    def events(self, timeout: float) -> Iterator[SessionEvent]:
        """Events as they come, ending after ``timeout`` seconds without one."""
        while True:
            event = self.get(timeout=timeout)
            if event is None:
                return
            yield event

    # -- lifetime --

    @property
    def subscriptions(self) -> int:
        """How many subscriptions are stored now (one per kind until close)."""
        return len(self._ids)

    @property
    def sink_references(self) -> int:
        """The subscriber object's reference count (0 after close)."""
        return self._sink.refs

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def close(self) -> None:
        """Remove the subscriptions, release the event system and the subscriber; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._com.join(self._timeout)
        with contextlib.suppress(queue.Full):  # full: the dispatcher is stuck in the callback
            self._inbox.put(_STOP, timeout=self._timeout)
        self._dispatcher.join(self._timeout)
        self._sink.release()
        _open.discard(self)

    def __enter__(self) -> SessionEvents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        count = len(self._ids)
        state = "closed" if self._closed else f"{count} subscription{'' if count == 1 else 's'}"
        return f"<sens.SessionEvents {', '.join(k.name for k in self._kinds)} ({state})>"


def subscribe(
    callback: Callable[[SessionEvent], None], *, kinds: Iterable[EventKind] = tuple(EventKind)
) -> SessionEvents:
    """Shorthand: ``SessionEvents(callback, kinds=kinds)``; call ``.close()`` when done.

    >>> from winsession import sens
    >>> seen = []
    >>> events = sens.subscribe(seen.append, kinds=[sens.EventKind.LOGOFF])  # doctest: +SKIP
    >>> events.close()                                  # bob has logged off  # doctest: +SKIP
    >>> [(e.kind.name, e.user_name, e.session_id) for e in seen]  # doctest: +SKIP
    [('LOGOFF', 'CONTOSO\\\\bob', 3)]
    """
    return SessionEvents(callback, kinds=kinds)


def _call_with_text(address: int, interface: com.Interface, method: str, *args: Any) -> int:
    """``com.call`` with every ``str`` argument passed as a BSTR freed afterwards."""
    made: list[int] = []
    try:
        converted = []
        for arg in args:
            if isinstance(arg, str):
                made.append(com.bstr(arg))
                converted.append(made[-1])
            else:
                converted.append(arg)
        return com.call(address, interface, method, *converted)
    finally:
        for value in made:
            com.SysFreeString(value)


@atexit.register
def _close_all() -> None:
    # A fallback: subscriptions left open at exit are removed, not left to the event system.
    for events in list(_open):
        try:
            events.close()
        except Exception:
            log.exception("winsession.sens: closing at exit failed")
