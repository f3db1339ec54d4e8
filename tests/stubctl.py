"""Control side of the stand-in DLLs (see stubs/README.md), bound with exact argtypes.

The stand-in is the very library winsession loaded (same handle), so what the tests set up
here is what the binding under test sees through the real FFI.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any, Optional

from winsession import _dll

c_u32, c_i32, c_i64, c_wstr = ctypes.c_uint32, ctypes.c_int32, ctypes.c_int64, ctypes.c_wchar_p

_NET_EXPORTS: dict[str, tuple[Any, list[Any]]] = {
    "stub_net_reset": (None, []),
    "stub_net_add_server": (c_i32, [c_wstr]),
    "stub_net_add_session": (
        c_i32,
        [c_wstr, c_wstr, c_wstr, c_u32, c_u32, c_u32, c_u32, c_wstr, c_wstr],
    ),
    "stub_net_remove_session": (c_i32, [c_u32]),
    "stub_net_session_count": (c_u32, []),
    "stub_net_fail_on_call": (None, [c_u32, c_u32]),
    "stub_net_remove_on_call": (None, [c_u32, c_u32]),
    "stub_net_stall_on_call": (None, [c_u32]),
    "stub_net_lazy_on_call": (None, [c_u32]),
    "stub_net_calls": (c_u32, []),
    "stub_net_outstanding": (c_i64, []),
    "stub_net_allocs": (c_u32, []),
    "stub_net_frees": (c_u32, []),
    "stub_net_double_frees": (c_u32, []),
    "stub_net_foreign_frees": (c_u32, []),
    "stub_net_last_prefmaxlen": (c_u32, []),
    "stub_net_struct_size": (c_u32, [c_u32]),
    "stub_net_field_offset": (c_i32, [c_u32, c_u32]),
}


@dataclass(frozen=True)
class Session:
    """One row of the stand-in's session table."""

    cname: str
    username: str
    num_opens: int = 0
    time: int = 0
    idle_time: int = 0
    user_flags: int = 0
    cltype_name: str = ""
    transport: str = ""
    server: Optional[str] = None


class NetStub:
    """The netapi32 stand-in's control exports."""

    def __init__(self) -> None:
        lib = _dll.load("netapi32")
        # A second library object on the same handle: its own function objects, so setting
        # argtypes here cannot disturb the declarations under test.
        ctl = ctypes.CDLL(lib._name, handle=lib._handle)
        missing = [name for name in _NET_EXPORTS if not hasattr(ctl, name)]
        if missing:
            raise RuntimeError(
                f"{lib._name} is not the netapi32 stand-in (missing {missing[:3]}...);"
                " in Wine, WINEDLLOVERRIDES must prefer the native DLL next to python.exe"
            )
        self._fn: dict[str, Any] = {}
        for name, (restype, argtypes) in _NET_EXPORTS.items():
            fn = getattr(ctl, name)
            fn.restype = restype
            fn.argtypes = argtypes
            self._fn[name[len("stub_net_"):]] = fn

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fn[name]
        except KeyError:
            raise AttributeError(name) from None

    def load(self, sessions: list[Session]) -> None:
        """Reset the stand-in and fill its table with ``sessions``, in order."""
        self.reset()
        for s in sessions:
            if s.server is not None:
                self.add_server(s.server)
            count = self.add_session(
                s.server, s.cname, s.username, s.num_opens, s.time, s.idle_time,
                s.user_flags, s.cltype_name, s.transport,
            )
            assert count > 0, "stand-in refused a session"

    def assert_clean(self) -> None:
        """No buffer outstanding, none freed twice, no foreign pointer freed."""
        assert self.outstanding() == 0, f"{self.outstanding()} NetApi buffers leaked"
        assert self.double_frees() == 0, "a NetApi buffer was freed twice"
        assert self.foreign_frees() == 0, "NetApiBufferFree got a pointer it never handed out"
