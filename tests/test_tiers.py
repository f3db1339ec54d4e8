"""The tier machinery itself: each tier runs where it says it runs, against the DLLs it says.

tests/run.py sets WINSESSION_TIER; these tests fail if the interpreter, the Wine set-up or the
DLL that Windows' loader picks does not match it (e.g. a stand-in not found in the prefix's
System32, or WINEDLLOVERRIDES not reaching the Windows process).
"""

from __future__ import annotations

import ctypes
import os
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _tier import tier
from hypothesis import given
from hypothesis import strategies as st

TIER = tier()
WINE_TIERS = ("wine-standin", "wine-builtin")


def _module_path(lib: ctypes.CDLL) -> Path:
    """Full path of a loaded DLL (GetModuleFileNameW on its handle)."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    get_name = kernel32.GetModuleFileNameW
    get_name.argtypes = (ctypes.c_void_p, ctypes.c_wchar_p, ctypes.c_uint32)
    get_name.restype = ctypes.c_uint32
    buf = ctypes.create_unicode_buffer(1024)
    n = get_name(lib._handle, buf, len(buf))
    assert n, ctypes.get_last_error()  # type: ignore[attr-defined]
    return Path(buf.value)


def _is_wine_builtin(lib: ctypes.CDLL) -> bool:
    """Wine's own DLLs carry this signature in their DOS stub (at offset 0x40 of the image).
    (Their module path is no help: Wine reports the path of the file it found, even when it
    loads its builtin instead.)"""
    return ctypes.string_at(lib._handle + 0x40, 16) == b"Wine builtin DLL"


def _running_under_wine() -> bool:
    ntdll = ctypes.WinDLL("ntdll")  # type: ignore[attr-defined]
    return hasattr(ntdll, "wine_get_version")


def test_interpreter_matches_tier() -> None:
    if TIER == "host":
        assert sys.platform != "win32"
        return
    assert sys.platform == "win32"
    assert struct.calcsize("P") == 8, "the Windows tiers use 64-bit Python"
    assert ctypes.sizeof(ctypes.c_wchar) == 2
    assert _running_under_wine() == (TIER in WINE_TIERS)
    if TIER in WINE_TIERS:
        # run.py names the Windows CPython of the tier (tests/winpy.py's PYTHONS; 3.13 default).
        want = os.environ.get("WINSESSION_WINPY", "3.13")
        assert f"{sys.version_info[0]}.{sys.version_info[1]}" == want


def test_tier_reaches_the_process() -> None:
    # Wine passes the Unix environment on to Windows programs; run.py relies on it.
    if os.environ.get("WINSESSION_TIER"):
        assert os.environ["WINSESSION_TIER"] == TIER


@given(st.lists(st.integers()))
def test_hypothesis_runs(values: list[int]) -> None:
    # Importing hypothesis calls platform.uname(): under Wine that needs _wmi.pyd removed.
    assert sorted(sorted(values)) == sorted(values)


def test_child_python_with_pipes() -> None:
    # Tests that must survive a crashing call (Wine's NetSessionDel aborts) use a child
    # interpreter; it has to start and talk through pipes in every tier.
    out = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.platform)"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == sys.platform


@pytest.mark.windows  # deselected (not skipped) off Windows by conftest.py
def test_standin_is_what_the_production_loader_opens() -> None:
    from winsession import _dll

    system32 = Path(os.environ.get("SYSTEMROOT", r"C:\windows")) / "System32"
    for name in ("netapi32", "wtsapi32"):
        lib = _dll.load(name)
        path = _module_path(lib)
        assert str(path.parent).lower() == str(system32).lower(), path
        if TIER == "wine-standin":
            assert hasattr(lib, "stub_wts_reset" if name == "wtsapi32" else "stub_net_reset")
            assert not _is_wine_builtin(lib), f"{path} is Wine's own"
        else:
            assert not hasattr(lib, "stub_net_reset"), f"{path} is a stand-in"


@pytest.mark.builtin_dll
@pytest.mark.windows
def test_builtin_tier_gets_the_system_dll() -> None:
    assert TIER in ("wine-builtin", "windows-live"), "needs Wine's or Windows' own DLLs"
    for name in ("netapi32", "wtsapi32"):
        lib = ctypes.WinDLL(name, use_last_error=True)  # type: ignore[attr-defined]
        path = _module_path(lib)
        assert not hasattr(lib, "stub_net_reset"), f"{path} is a stand-in"
        # Under Wine the stand-ins sit in the prefix's System32, yet "=b" must give Wine's own.
        assert _is_wine_builtin(lib) == (TIER == "wine-builtin"), path


def test_scheduler_runs_setup_first_longest_next_and_never_more_than_its_slots() -> None:
    # tests/run.py runs tiers side by side: what needs a failed step is told why and not run.
    import run  # tests/run.py

    order: list[str] = []
    running: list[int] = [0, 0]  # now, most at once
    lock = threading.Lock()

    def work(job: run.Job) -> None:
        with lock:
            order.append(job.name)
            running[0] += 1
            running[1] = max(running)
        time.sleep(0.02)
        if job.name == "broken-setup":
            job.problem = "stand-ins not built"
        with lock:
            running[0] -= 1

    told: dict[str, str] = {}
    jobs = [
        run.Job("short", work, weight=1),
        run.Job("long", work, weight=100),
        run.Job("middle", work, ("setup",), weight=50),
        run.Job("needs-broken", work, ("broken-setup",), weight=200,
                blocked=lambda why: told.setdefault("needs-broken", why)),
        run.Job("runs-anyway", work, after=("broken-setup",), weight=0),
        run.Job("setup", work, prep=True),
        run.Job("broken-setup", work, prep=True),
    ]  # fmt: skip
    run.Scheduler(2, [], time.monotonic()).run(jobs)
    assert sorted(order[:2]) == ["broken-setup", "setup"]
    assert order[2:] == ["long", "middle", "short", "runs-anyway"]
    assert running[1] == 2
    assert told == {"needs-broken": "stand-ins not built"}
    assert jobs[3].problem == "stand-ins not built"
