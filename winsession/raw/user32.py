"""user32.dll: what a message-only window needs (session change notifications).

Declarations follow win32metadata (``support`` section of the reference): ``WPARAM`` is
pointer-sized unsigned, ``LPARAM`` and ``LRESULT`` pointer-sized signed, ``ATOM`` a
``UInt16``. The window procedure type :data:`WNDPROC` is ``WINFUNCTYPE`` on Windows (stdcall
and the default convention coincide on x64) and ``CFUNCTYPE`` elsewhere, so the simulator
and the stand-ins can call it on every OS.
"""

from __future__ import annotations

import ctypes
import sys
from typing import TYPE_CHECKING, Any, Optional, Union

from .. import _dll
from ._types import BOOL, DWORD, HANDLE, HWND, INT, LONG, LPCWSTR, LPVOID, UINT, WORD

if TYPE_CHECKING:
    from ._types import Handle, InStr, Out

WPARAM = ctypes.c_size_t
LPARAM = ctypes.c_ssize_t
LRESULT = ctypes.c_ssize_t
ATOM = WORD
HINSTANCE = HANDLE
HMENU = HANDLE
HICON = HANDLE
HCURSOR = HANDLE
HBRUSH = HANDLE

# Messages (winuser.h; WM_WTSSESSION_CHANGE and the WTS_* codes from the reference's
# ``support`` constants). WM_APP: "0x8000 through 0xBFFF: messages available for use by
# applications" (Microsoft Learn, WM_APP).
WM_DESTROY = 0x0002
WM_CLOSE = 0x0010
WM_QUIT = 0x0012
WM_NCCREATE = 0x0081
WM_NCDESTROY = 0x0082
WM_CREATE = 0x0001
WM_WTSSESSION_CHANGE = 0x02B1
WM_APP = 0x8000

# wParam of WM_WTSSESSION_CHANGE
WTS_CONSOLE_CONNECT = 0x1
WTS_CONSOLE_DISCONNECT = 0x2
WTS_REMOTE_CONNECT = 0x3
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOGON = 0x5
WTS_SESSION_LOGOFF = 0x6
WTS_SESSION_LOCK = 0x7
WTS_SESSION_UNLOCK = 0x8
WTS_SESSION_REMOTE_CONTROL = 0x9
WTS_SESSION_CREATE = 0xA
WTS_SESSION_TERMINATE = 0xB

HWND_MESSAGE = -3
"""``((HWND)-3)``: the parent that makes a message-only window."""

if sys.platform == "win32":
    _FUNCTYPE: Any = ctypes.WINFUNCTYPE
else:
    _FUNCTYPE = ctypes.CFUNCTYPE

WNDPROC = _FUNCTYPE(LRESULT, HWND, UINT, WPARAM, LPARAM)
"""``LRESULT CALLBACK WindowProc(HWND, UINT, WPARAM, LPARAM)``. An instance must stay
referenced for as long as any window of its class exists (a collected callback crashes the
process later)."""


class POINT(ctypes.Structure):
    """``POINT`` (Foundation): two ``LONG`` coordinates."""

    _fields_ = [("x", LONG), ("y", LONG)]


class MSG(ctypes.Structure):
    """``MSG``: a message as ``GetMessageW`` stores it."""

    _fields_ = [
        ("hwnd", HWND),
        ("message", UINT),
        ("wParam", WPARAM),
        ("lParam", LPARAM),
        ("time", DWORD),
        ("pt", POINT),
    ]


class WNDCLASSEXW(ctypes.Structure):
    """``WNDCLASSEXW``: ``cbSize`` must be ``sizeof(WNDCLASSEXW)``."""

    _fields_ = [
        ("cbSize", UINT),
        ("style", UINT),
        ("lpfnWndProc", WNDPROC),
        ("cbClsExtra", INT),
        ("cbWndExtra", INT),
        ("hInstance", HINSTANCE),
        ("hIcon", HICON),
        ("hCursor", HCURSOR),
        ("hbrBackground", HBRUSH),
        ("lpszMenuName", LPCWSTR),
        ("lpszClassName", LPCWSTR),
        ("hIconSm", HICON),
    ]


_check = _dll.Check("BOOL")  # zero fails; the reason is the last error
# GetMessageW: "If there is an error, the return value is -1" (0 is WM_QUIT, not a failure).
_check_minus_one = _dll.Check("BOOL", failure=-1)


def _user32(
    name: str, restype: Any, argtypes: list[Any], errcheck: Any = _check
) -> _dll.Function[..., Any]:
    return _dll.Function("user32", name, restype, argtypes, errcheck)


P = ctypes.POINTER

RegisterClassExW: _dll.Function[[Out], int] = _user32("RegisterClassExW", ATOM, [P(WNDCLASSEXW)])
"""``RegisterClassExW(lpwcx) -> ATOM``, 0 on failure (``ERROR_CLASS_ALREADY_EXISTS`` 1410)."""
UnregisterClassW: _dll.Function[[Union[InStr, int], Handle], int] = _user32(
    "UnregisterClassW", BOOL, [LPCWSTR, HINSTANCE]
)
"""``UnregisterClassW(lpClassName, hInstance) -> BOOL``; fails while a window of the class
exists (``ERROR_CLASS_HAS_WINDOWS`` 1412) or when there is no such class (1411)."""
CreateWindowExW: _dll.Function[
    [int, Union[InStr, int], InStr, int, int, int, int, int, Handle, Handle, Handle, Handle],
    Optional[int],
] = _user32(
    "CreateWindowExW",
    HWND,
    [DWORD, LPCWSTR, LPCWSTR, DWORD, INT, INT, INT, INT, HWND, HMENU, HINSTANCE, LPVOID],
)
"""``CreateWindowExW(...) -> HWND``; ``hWndParent`` :data:`HWND_MESSAGE` makes a
message-only window. NULL on failure."""
DestroyWindow: _dll.Function[[Handle], int] = _user32("DestroyWindow", BOOL, [HWND])
"""``DestroyWindow(hWnd) -> BOOL``: only the thread that created the window may call it."""
GetMessageW: _dll.Function[[Out, Handle, int, int], int] = _user32(
    "GetMessageW", BOOL, [P(MSG), HWND, UINT, UINT], _check_minus_one
)
"""``GetMessageW(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax) -> BOOL``: non-zero for a
message, 0 for ``WM_QUIT``, -1 on error. Dispatches sent messages to window procedures
while it waits."""
PostMessageW: _dll.Function[[Handle, int, int, int], int] = _user32(
    "PostMessageW", BOOL, [HWND, UINT, WPARAM, LPARAM]
)
"""``PostMessageW(hWnd, Msg, wParam, lParam) -> BOOL``: queues and returns at once; any
thread may call it."""
PostThreadMessageW: _dll.Function[[int, int, int, int], int] = _user32(
    "PostThreadMessageW", BOOL, [DWORD, UINT, WPARAM, LPARAM]
)
"""``PostThreadMessageW(idThread, Msg, wParam, lParam) -> BOOL``."""
DefWindowProcW: _dll.Function[[Handle, int, int, int], int] = _user32(
    "DefWindowProcW", LRESULT, [HWND, UINT, WPARAM, LPARAM], None
)
"""``DefWindowProcW(hWnd, Msg, wParam, lParam) -> LRESULT``: the default processing."""
