"""kernel32.dll: the two session functions winsession needs, message-table lookup, and
process handles.

Declared like every raw module: imports only :mod:`winsession._dll` and ``_types``; a
``BOOL`` function names its convention (``_dll.Check("BOOL")``) and
:mod:`winsession.errors` attaches the errcheck that raises. So :mod:`winsession.codes` can use
:data:`FormatMessageW` without a circle through the exceptions.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Optional

from .. import _dll
from ._types import BOOL, DWORD, HANDLE, LPCWSTR, LPVOID, LPWSTR, UINT

if TYPE_CHECKING:
    from ._types import Handle, InStr, Out, Ptr, WBuf

WTSGetActiveConsoleSessionId: _dll.Function[[], int] = _dll.Function(
    "kernel32", "WTSGetActiveConsoleSessionId", DWORD, []
)
"""The console session's id, or 0xFFFFFFFF when none is attached (no last error)."""

ProcessIdToSessionId: _dll.Function[[int, Out], int] = _dll.Function(
    "kernel32",
    "ProcessIdToSessionId",
    BOOL,
    [DWORD, ctypes.POINTER(DWORD)],
    _dll.Check("BOOL"),  # zero fails; the reason is the last error
)

# --- message text (win32metadata: System.Diagnostics.Debug / System.LibraryLoader) ----------
# These three have no raising errcheck: a message that Windows does not have is an ordinary
# outcome for the caller (winsession.codes falls back to its own table), and raising while an
# exception's message is being built would hide the error being reported.

FORMAT_MESSAGE_IGNORE_INSERTS = 0x00000200
FORMAT_MESSAGE_FROM_HMODULE = 0x00000800
FORMAT_MESSAGE_FROM_SYSTEM = 0x00001000
FORMAT_MESSAGE_MAX_WIDTH_MASK = 0x000000FF
"""Not in the metadata's FORMAT_MESSAGE_OPTIONS; winbase.h. Regular line breaks in the
message text are ignored (hard-coded ``%n`` breaks are kept)."""

LOAD_LIBRARY_AS_DATAFILE = 0x00000002
LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x00000800

FormatMessageW: _dll.Function[[int, Handle, int, int, WBuf, int, Ptr], int] = _dll.Function(
    "kernel32",
    "FormatMessageW",
    DWORD,
    [DWORD, LPVOID, DWORD, DWORD, LPWSTR, DWORD, ctypes.POINTER(ctypes.POINTER(ctypes.c_int8))],
    doc="""``FormatMessageW(dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize,
    Arguments) -> DWORD``: characters stored in ``lpBuffer`` (without the NUL), 0 on failure
    (``ERROR_MR_MID_NOT_FOUND`` 317 when the table has no such message). ``dwLanguageId`` 0
    looks for the neutral language, then the thread's, the user's and the system's, then US
    English.""",
)

LoadLibraryExW: _dll.Function[[InStr, Handle, int], Optional[int]] = _dll.Function(
    "kernel32",
    "LoadLibraryExW",
    HANDLE,
    [LPCWSTR, HANDLE, DWORD],
    doc="""``LoadLibraryExW(lpLibFileName, hFile, dwFlags) -> HMODULE``, NULL on failure. Not
    called by winsession: ``_dll`` (the one loader, below raw) binds its own copy from a private
    kernel32 to load DLLs and :func:`winsession._dll.data_file`.""",
)

FreeLibrary: _dll.Function[[Handle], int] = _dll.Function(
    "kernel32",
    "FreeLibrary",
    BOOL,
    [HANDLE],
    doc="``FreeLibrary(hLibModule) -> BOOL``: releases a module from :data:`LoadLibraryExW`.",
)

GetSystemDirectoryW: _dll.Function[[WBuf, int], int] = _dll.Function(
    "kernel32",
    "GetSystemDirectoryW",
    UINT,
    [LPWSTR, UINT],
    doc="""``GetSystemDirectoryW(lpBuffer, uSize) -> UINT``: characters stored (without the
    NUL); the size needed (with the NUL) when ``uSize`` is too small; 0 on failure.""",
)

# --- processes and handles (spawn_in_session) -----------------------------------------------

_bool_check = _dll.Check("BOOL")

WAIT_OBJECT_0 = 0x00000000
WAIT_TIMEOUT = 0x00000102
WAIT_FAILED = 0xFFFFFFFF
INFINITE = 0xFFFFFFFF
STILL_ACTIVE = 259

CloseHandle: _dll.Function[[Handle], int] = _dll.Function(
    "kernel32",
    "CloseHandle",
    BOOL,
    [HANDLE],
    _bool_check,
    doc="``CloseHandle(hObject) -> BOOL``: closes tokens, processes and threads.",
)

WaitForSingleObject: _dll.Function[[Handle, int], int] = _dll.Function(
    "kernel32",
    "WaitForSingleObject",
    DWORD,
    [HANDLE, DWORD],
    _dll.Check("BOOL", failure=WAIT_FAILED),
    doc="""``WaitForSingleObject(hHandle, dwMilliseconds) -> DWORD``: ``WAIT_OBJECT_0``,
    ``WAIT_TIMEOUT``, or ``WAIT_FAILED`` (with a last error).""",
)

GetExitCodeProcess: _dll.Function[[Handle, Out], int] = _dll.Function(
    "kernel32",
    "GetExitCodeProcess",
    BOOL,
    [HANDLE, ctypes.POINTER(DWORD)],
    _bool_check,
    doc="``GetExitCodeProcess(hProcess, lpExitCode) -> BOOL``; ``STILL_ACTIVE`` while running.",
)

TerminateProcess: _dll.Function[[Handle, int], int] = _dll.Function(
    "kernel32",
    "TerminateProcess",
    BOOL,
    [HANDLE, UINT],
    _bool_check,
    doc="``TerminateProcess(hProcess, uExitCode) -> BOOL``.",
)
