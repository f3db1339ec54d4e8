"""winsession._dll: the only loader; lazy, private WinDLL instances, no redirection on Windows."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest
from _tier import tier

import winsession
from winsession import _dll, net
from winsession.raw import netapi32

ROOT = Path(__file__).resolve().parents[1]


def test_import_binds_nothing() -> None:
    # A fresh interpreter: importing the whole package loads no DLL.
    code = (
        "import winsession, winsession.net, winsession.raw.netapi32 as r, winsession._dll as d;"
        "assert not d._libraries, d._libraries;"
        "assert all(f._bound is None for f in d._functions)"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


@pytest.mark.windows
def test_windows_uses_a_private_windll_with_last_error() -> None:
    lib = _dll.load("netapi32")
    assert isinstance(lib, ctypes.WinDLL)
    assert lib._FuncPtr._flags_ & ctypes._FUNCFLAG_USE_LASTERROR  # type: ignore[attr-defined]
    assert lib is not getattr(ctypes.windll, "netapi32", None)
    bound = netapi32.NetSessionEnum.bind()
    assert bound.argtypes == netapi32.NetSessionEnum.argtypes
    # The shared windll's function object is left alone.
    assert ctypes.windll.netapi32.NetSessionEnum.argtypes is None


@pytest.mark.windows
def test_no_redirection_on_windows() -> None:
    with pytest.raises(RuntimeError, match="cannot be substituted"):
        _dll.use_stand_in("netapi32", "C:\\evil.dll")


def test_declarations_are_inspectable_everywhere() -> None:
    assert netapi32.NetSessionEnum.dll == "netapi32"
    assert len(netapi32.NetSessionEnum.argtypes) == 9
    assert "NetSessionEnum" in repr(netapi32.NetSessionEnum)


def test_off_windows_calls_raise_unsupported_platform() -> None:
    if sys.platform == "win32":
        assert tier() != "host"
        return
    code = (
        "import winsession, winsession.net as n\n"
        "try:\n    list(n.enum_sessions())\n"
        "except winsession.UnsupportedPlatformError as e:\n"
        "    assert isinstance(e, NotImplementedError); print(e)\n"
        "else:\n    raise SystemExit('no error')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    ).stdout
    assert "netapi32.dll is part of Windows" in out
    assert "tests/run.py" in out


def test_stand_in_binding_is_the_loaded_library(netstub: object) -> None:
    assert _dll.load("netapi32") is _dll.load("netapi32")
    assert list(net.enum_sessions()) == []
    assert netapi32.NetSessionEnum._bound is not None
    assert winsession.net is net
