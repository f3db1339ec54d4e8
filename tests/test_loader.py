"""winsession._dll: the only loader; lazy, private WinDLL instances, no redirection on Windows."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest
from _tier import tier

import winsession
from winsession import _dll, errors, net
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
    # A library user has no tests/run.py (a wheel ships none): the message says how to simulate.
    assert "tests/run.py" not in out
    assert "winsession --simulate" in out
    assert "winsession.testing.demo_simulator()" in out


def test_load_failure_is_facts_and_errors_makes_the_exception() -> None:
    # The loader knows no exception class: it reports a LoadFailure, and the one attached by
    # winsession.errors (at import) decides the class -- the same one load() raises.
    made = errors._load_error(_dll.LoadFailure("netapi32", None, "linux"))
    assert type(made) is winsession.UnsupportedPlatformError and made.function == "netapi32"
    assert "on linux" in str(made) and "--simulate" in str(made)
    denied = errors._load_error(_dll.LoadFailure("wtsapi32", 5, "win32"))
    assert isinstance(denied, winsession.AccessDeniedError)
    assert (denied.winerror, denied.function) == (5, "LoadLibraryExW")
    assert "wtsapi32.dll cannot be loaded from System32 (error 5)" in str(denied)
    assert _dll._load_error is errors._load_error


def test_declarations_name_a_convention_and_bind_the_attached_errcheck(netstub: object) -> None:
    # raw modules import no exception: they name a return convention, and binding attaches
    # what winsession.errors registered for it.
    assert isinstance(netapi32.NetFileClose.errcheck, _dll.Check)
    assert netapi32.NetFileClose.errcheck.convention == "NET_API_STATUS"
    assert netapi32.NetFileClose.bind().errcheck is errors.check_net_api_status
    with pytest.raises(winsession.OpenFileNotFoundError):  # raised through the FFI
        netapi32.NetFileClose(None, 424242)


@pytest.mark.windows
def test_a_dll_missing_from_system32_raises_what_errors_makes_of_it() -> None:
    # The loader's own path on Windows: LoadLibraryExW fails, _dll reports a LoadFailure,
    # winsession.errors' exception is raised, and nothing is remembered.
    with pytest.raises(winsession.WinSessionError) as info:
        _dll.load("winsession_no_such_dll")
    err = info.value
    assert err.function == "LoadLibraryExW" and err.winerror != 0
    assert "winsession_no_such_dll.dll cannot be loaded from System32" in str(err)
    assert "winsession_no_such_dll" not in _dll._libraries


def test_a_convention_nobody_attached_is_refused() -> None:
    with pytest.raises(RuntimeError, match="no errcheck is attached for NOPE"):
        _dll.Check("NOPE").resolve("netapi32")


def test_keyword_arguments_are_refused_not_dropped(netstub: object) -> None:
    # ctypes passes positional arguments only; dropping a keyword would call with fewer.
    free = netapi32.NetApiBufferFree
    with pytest.raises(
        TypeError, match=r"NetApiBufferFree\(\) takes positional arguments only, not Buffer="
    ):
        free(Buffer=None)
    with pytest.raises(TypeError, match="not Buffer="):
        free(None, Buffer=None)
    assert free(None) == 0  # positionally: reaches the stand-in (NULL is allowed, NERR_Success)


def test_stand_in_binding_is_the_loaded_library(netstub: object) -> None:
    assert _dll.load("netapi32") is _dll.load("netapi32")
    assert list(net.enum_sessions()) == []
    assert netapi32.NetSessionEnum._bound is not None
    assert winsession.net is net


def test_loader_and_argument_examples_run() -> None:
    # Private modules, so test_docs does not collect them; their examples run here.
    import doctest

    from winsession import _args

    for module in (_dll, _args):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
        assert result.attempted > 0 and result.failed == 0, module.__name__
