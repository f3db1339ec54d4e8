"""What both simulated DLLs share: buffers laid out as Windows lays them out, and their
accounting."""

from __future__ import annotations

import ctypes
import datetime
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from .._records import to_filetime
from .._winerror import ERROR_INTERNAL_ERROR
from ._tables import IPAddress

# --- helpers --------------------------------------------------------------------------------


_WSIZE = ctypes.sizeof(ctypes.c_wchar)


def _server_key(name: Optional[str]) -> str:
    return (name or "").lstrip("\\").casefold()


def _now_filetime() -> int:
    return to_filetime(datetime.datetime.now(datetime.timezone.utc))


def _sid_bytes(sid: Optional[str]) -> Optional[bytes]:
    if sid is None:
        return None
    parts = sid.split("-")
    if len(parts) < 3 or parts[0].upper() != "S":
        raise ValueError(f"not a SID: {sid!r}")
    subs = [int(p) for p in parts[3:]]
    head = bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, "big")
    return head + b"".join(s.to_bytes(4, "little") for s in subs)


def _wstr(address: Optional[int]) -> Optional[str]:
    return None if not address else ctypes.wstring_at(address)


def _wbytes(text: str) -> int:
    """Bytes of ``text`` with its NUL, as this platform's ``wchar_t`` lays it out."""
    return ctypes.sizeof(ctypes.create_unicode_buffer(text))


def _put_u32(address: int, value: int) -> None:
    if address:
        ctypes.c_uint32.from_address(address).value = value & 0xFFFFFFFF


def _put_ptr(address: int, value: Optional[int]) -> None:
    if address:
        ctypes.c_void_p.from_address(address).value = value


def _fit(text: str, chars: int) -> str:
    """``text`` cut to fit a ``WCHAR[chars]`` field with its NUL: in wchar_t units (UTF-16 on
    Windows, where a character beyond the BMP takes two), never splitting a pair."""
    text = text[: chars - 1]
    if _WSIZE == 2:
        while len(text.encode("utf-16-le", "surrogatepass")) // 2 > chars - 1:
            text = text[:-1]
    return text


def _address_bytes(address: Optional[IPAddress]) -> tuple[int, bytes]:
    """(AddressFamily, Address bytes) of ``WTS_CLIENT_ADDRESS`` as Microsoft Learn's
    "WTS_CLIENT_ADDRESS structure" lays them out: AF_INET (2) with the IPv4 address "offset by
    two bytes from the start of the Address member" (192.168.0.1 = 00 00 C0 A8 00 01), AF_INET6
    (23) with the 16 IPv6 bytes from the start; no address: AF_UNSPEC (0), no bytes."""
    if address is None:
        return 0, b""
    if address.version == 4:
        return 2, b"\0\0" + address.packed  # Windows puts IPv4 at Address[2:6]
    return 23, address.packed


class _Buffers:
    """API buffers: live allocations with how they must be freed, and the counters."""

    def __init__(self) -> None:
        self.live: dict[int, tuple[Any, Any]] = {}
        self.freed: set[int] = set()
        self.reset_counters()

    def reset_counters(self) -> None:
        self.allocs = self.frees = self.double_frees = self.foreign_frees = 0
        self.wrong_frees = self.bad_free_args = 0

    @property
    def outstanding(self) -> int:
        return len(self.live)

    def alloc(self, size: int, tag: Any = None) -> int:
        buf = ctypes.create_string_buffer(max(size, 1))
        address = ctypes.addressof(buf)
        self.live[address] = (buf, tag)
        self.freed.discard(address)
        self.allocs += 1
        return address

    def tag(self, address: int) -> Any:
        return self.live[address][1]

    def free(self, address: int) -> bool:
        if address in self.live:
            del self.live[address]
            self.freed.add(address)
            self.frees += 1
            return True
        if address in self.freed:
            self.double_frees += 1
        else:
            self.foreign_frees += 1
        return False


class _Provider:
    """What ``_dll.load(name)`` returns while simulated: one function pointer per export."""

    def __init__(self, name: str, get_last_error: Callable[[], int]) -> None:
        self._name = name
        self._callbacks: list[Any] = []  # referenced as long as the provider lives
        self.get_last_error = get_last_error

    def export(self, name: str, restype: Any, argtypes: Sequence[Any], impl: Any) -> None:
        prototype = ctypes.CFUNCTYPE(restype, *argtypes)
        callback = prototype(impl)
        self._callbacks.append(callback)
        address = ctypes.cast(callback, ctypes.c_void_p).value
        assert address is not None
        # A fresh pointer of a neutral type: winsession's Function.bind sets argtypes,
        # restype and errcheck on it without touching the callback's own prototype.
        pointer = ctypes.CFUNCTYPE(None)(address)
        setattr(pointer, "__name__", name)  # noqa: B010 (typeshed lacks it; ctypes has it)
        setattr(self, name, pointer)

    def __repr__(self) -> str:
        return f"<winsession.testing simulated {self._name}>"


_V, _U32, _I32, _I64 = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int32, ctypes.c_int64


class _Api:
    """What both simulated DLLs share: a lock, a last error per thread, calls and faults."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._tls = threading.local()
        self.buffers = _Buffers()
        self.calls = 0
        self.schedule: dict[int, list[tuple[str, Any]]] = {}
        self.internal_errors: list[BaseException] = []
        self.delays: dict[str, float] = {}

    def delay_server(self, name: Optional[str], seconds: float) -> None:
        """Test-only knob (no Windows behaviour): every call aimed at server ``name``
        (``None``: the local one) sleeps ``seconds`` first, outside the lock, as a slow
        network would; 0 removes the delay. For testing many servers at once."""
        if seconds:
            self.delays[_server_key(name)] = float(seconds)
        else:
            self.delays.pop(_server_key(name), None)

    def _pause(self, name: Optional[str]) -> None:
        seconds = self.delays.get(_server_key(name))
        if seconds:
            time.sleep(seconds)

    def get_last_error(self) -> int:
        return int(getattr(self._tls, "error", 0))

    def set_last_error(self, code: int) -> None:
        self._tls.error = code

    def _at(self, call_no: int, kind: str, arg: Any = None) -> None:
        if call_no < 1:
            raise ValueError("call numbers start at 1")
        with self.lock:
            self.schedule.setdefault(call_no, []).append((kind, arg))

    def fail_on_call(self, call_no: int, code: int) -> None:
        """Make the ``call_no``-th call (1-based, since the last reset) fail with ``code``."""
        self._at(call_no, "fail", code)

    @property
    def outstanding(self) -> int:
        """API buffers handed out and not yet freed."""
        return self.buffers.outstanding

    @property
    def allocs(self) -> int:
        """Buffers handed out since the last reset."""
        return self.buffers.allocs

    @property
    def frees(self) -> int:
        """Buffers freed since the last reset."""
        return self.buffers.frees

    @property
    def double_frees(self) -> int:
        """Frees of a buffer already freed."""
        return self.buffers.double_frees

    @property
    def foreign_frees(self) -> int:
        """Frees of a pointer this DLL never handed out."""
        return self.buffers.foreign_frees

    def _guard(
        self, failure: Any, impl: Callable[..., Any],
        server_of: Optional[Callable[[Any], Optional[str]]] = None,
    ) -> Callable[..., Any]:  # fmt: skip
        def run(*args: Any) -> Any:
            try:
                if self.delays and server_of is not None and args:
                    self._pause(server_of(args[0]))
                return impl(*args)
            except BaseException as exc:  # an exception must never cross the FFI
                self.internal_errors.append(exc)
                self.set_last_error(ERROR_INTERNAL_ERROR)
                return failure

        run.__name__ = getattr(impl, "__name__", "run")
        return run


class _WtsPart:
    """Base of the mixins :class:`WtsSimulator` is made of (spawn, control, notifications):
    what they use of it, declared for the checker, and the one way they all fail."""

    lock: Any
    sessions: list[Any]
    processes: list[Any]
    current_session: Optional[int]
    buffers: _Buffers
    kernel32: _Provider

    def _fail(self, code: int) -> int:
        """A failing BOOL call: the last error set, FALSE returned."""
        self.set_last_error(code)
        return 0

    if TYPE_CHECKING:

        def get_last_error(self) -> int: ...
        def set_last_error(self, code: int) -> None: ...
        def _begin(self, handle: Any = None, has_server: bool = True) -> Union[int, str]: ...
        def _find_server(self, name: Optional[str]) -> Optional[str]: ...
        def _find(self, server: str, session_id: int) -> Optional[Any]: ...
        def _pack_rows(
            self, structure: Any, rows: Sequence[Any],
            strings: Callable[[Any], list[Optional[str]]], pointer_fields: Sequence[str],
            fill: Callable[[Any, Any], None], tag: Any,
            blobs: Optional[Callable[[Any], Optional[bytes]]] = None, blob_field: str = "",
        ) -> int: ...  # fmt: skip
