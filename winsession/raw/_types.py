"""Fixed-width aliases for Windows C types.

``ctypes.wintypes.DWORD`` is ``c_ulong``, 8 bytes on Linux, so it would give different
layouts where the tests run; these aliases have Windows' widths everywhere. ``WCHAR`` stays
``c_wchar``: 2 bytes on Windows, 4 on Linux, matching each platform's ``wchar_t`` (and so
the stand-in DLLs built for each).
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any, Optional, Union

BYTE = ctypes.c_uint8
WORD = ctypes.c_uint16
USHORT = ctypes.c_uint16
DWORD = ctypes.c_uint32
ULONG = ctypes.c_uint32
LONG = ctypes.c_int32
INT = ctypes.c_int32
UINT = ctypes.c_uint32
BOOL = ctypes.c_int32
BOOLEAN = ctypes.c_uint8
LARGE_INTEGER = ctypes.c_int64
ULONGLONG = ctypes.c_uint64
HANDLE = ctypes.c_void_p
HWND = ctypes.c_void_p
LPVOID = ctypes.c_void_p
LPWSTR = ctypes.c_wchar_p
LPCWSTR = ctypes.c_wchar_p
WCHAR = ctypes.c_wchar
HRESULT = ctypes.c_int32
LPBYTE = ctypes.POINTER(BYTE)
LPDWORD = ctypes.POINTER(DWORD)
# Pointer-sized unsigned (DWORD_PTR, ULONG_PTR): 8 bytes on 64-bit Windows and Linux alike.
DWORD_PTR = ctypes.c_size_t
PDWORD_PTR = ctypes.POINTER(DWORD_PTR)
NET_API_STATUS = DWORD

if TYPE_CHECKING:
    # What Python passes for each kind of parameter, for the Function[[...], result]
    # annotations of the raw modules (mypy only; ctypes itself converts and checks at run time).
    from ctypes import _CArgObject, _Pointer

    from typing_extensions import TypeAlias

    InStr: TypeAlias = Optional[str]
    """LPWSTR/LPCWSTR going in: a str, or None for NULL."""
    Handle: TypeAlias = Optional[int]
    """HANDLE, HWND, HMODULE or LPVOID passed by value: an address, or None for NULL."""
    Out: TypeAlias = Union[_CArgObject, "_Pointer[Any]"]
    """An out-parameter: ``ctypes.byref(x)`` or a pointer instance."""
    Ptr: TypeAlias = Union["_Pointer[Any]", ctypes.c_void_p, ctypes.c_wchar_p, int, None]
    """A pointer value going in, e.g. an API buffer to free."""
    WBuf: TypeAlias = Union["ctypes.Array[ctypes.c_wchar]", _CArgObject, None]
    """A caller-allocated wide-character buffer (``ctypes.create_unicode_buffer``)."""

__all__ = [
    "BOOL",
    "BOOLEAN",
    "BYTE",
    "DWORD",
    "DWORD_PTR",
    "HANDLE",
    "HRESULT",
    "HWND",
    "INT",
    "LARGE_INTEGER",
    "LONG",
    "LPBYTE",
    "LPCWSTR",
    "LPDWORD",
    "LPVOID",
    "LPWSTR",
    "NET_API_STATUS",
    "PDWORD_PTR",
    "UINT",
    "ULONG",
    "ULONGLONG",
    "USHORT",
    "WCHAR",
    "WORD",
]
