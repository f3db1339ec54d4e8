"""Which test tier this process runs in (set by tests/run.py through WINSESSION_TIER).

host          CPython on Linux (or macOS), raw layer bound to the host-built stand-ins
wine-standin  Windows CPython under Wine, stand-in DLLs in the test prefix's System32
wine-builtin  Windows CPython under Wine, Wine's own netapi32/wtsapi32
windows-live  real Windows, the live system
"""

from __future__ import annotations

import os
import sys

TIERS = ("host", "wine-standin", "wine-builtin", "windows-live")


def tier() -> str:
    """WINSESSION_TIER, or when unset "windows-live" on Windows and "host" elsewhere."""
    value = os.environ.get("WINSESSION_TIER", "").strip()
    if not value:
        return "windows-live" if sys.platform == "win32" else "host"
    if value not in TIERS:
        raise ValueError(f"WINSESSION_TIER={value!r}: expected one of {', '.join(TIERS)}")
    return value
