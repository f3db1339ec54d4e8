"""Which test tier this process runs in (set by tests/run.py through WINSESSION_TIER)."""

from __future__ import annotations

import os
import sys


def tier() -> str:
    """``host``, ``wine-standin``, ``wine-builtin`` or ``windows-live``."""
    default = "windows-live" if sys.platform == "win32" else "host"
    return os.environ.get("WINSESSION_TIER", default)
