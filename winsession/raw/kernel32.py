"""kernel32.dll: the two session functions winsession needs."""

from __future__ import annotations

import ctypes

from .. import _dll
from ..errors import BoolCheck, WtsError
from ._types import BOOL, DWORD

WTSGetActiveConsoleSessionId = _dll.Function("kernel32", "WTSGetActiveConsoleSessionId", DWORD, [])
"""The console session's id, or 0xFFFFFFFF when none is attached (no last error)."""

ProcessIdToSessionId = _dll.Function(
    "kernel32",
    "ProcessIdToSessionId",
    BOOL,
    [DWORD, ctypes.POINTER(DWORD)],
    BoolCheck(WtsError, "kernel32"),  # session APIs: the WTS family
)
