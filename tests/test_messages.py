"""Message text from Windows itself: ``codes.message()`` and exception messages use
``FormatMessageW`` on Windows (the system table; netmsg.dll's for NERR codes) and fall back to
the built-in English table where Windows has no text.

Wine has both paths: its system table has texts for many Win32 codes (worded differently from
Microsoft's) and none for others, and it has no netmsg.dll at all. A stand-in netmsg.dll (a
message table built by windmc/windres, ``stubs/netmsg.mc``) put into the prefix's System32
tests the module path; the same DLL next to python.exe must be ignored (System32 only).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest
from _tier import tier
from hypothesis import given
from hypothesis import strategies as st

import winsession
from winsession import _dll, codes, errors, testing
from winsession.codes import NERR, WinError, message

ROOT = Path(__file__).resolve().parents[1]
NETMSG_STANDIN = ROOT / "build" / "stubs" / "win64" / "data" / "netmsg.dll"
ALL_CODES = [*NERR, *WinError]
ON_WINDOWS = sys.platform == "win32"

# Messages of the stand-in netmsg.dll (stubs/netmsg.mc), as FormatMessageW gives them once
# the line break of the first is folded.
STANDIN_2312 = "Stand-in netmsg: no session exists from that computer name."
STANDIN_2221 = "Stand-in netmsg: no such user name."


def _independent_format(code: int, module: Optional[int] = None) -> Optional[str]:
    """FormatMessageW through a kernel32 of the test's own (not winsession's declarations)."""
    k32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    k32.FormatMessageW.restype = ctypes.c_uint32
    k32.FormatMessageW.argtypes = [
        ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint32,
        ctypes.c_wchar_p, ctypes.c_uint32, ctypes.c_void_p,
    ]  # fmt: skip
    flags = 0x200 | 0xFF | (0x800 if module is not None else 0x1000)
    buf = ctypes.create_unicode_buffer(2048)
    n = k32.FormatMessageW(flags, module, code, 0, buf, 2048, None)
    return " ".join(buf.value[:n].split()) or None if n else None


# --- the built-in table: every code, on every OS ------------------------------------------


@pytest.mark.parametrize("code", ALL_CODES, ids=lambda c: c.symbol)
def test_every_code_has_built_in_english(code: NERR | WinError) -> None:
    text = codes._english(code)
    assert text is not None and text.strip() == text and text.endswith(".")
    assert "\n" not in text and "\r" not in text
    assert codes._english(int(code)) == text


def test_off_windows_the_message_is_the_built_in_text() -> None:
    if ON_WINDOWS:
        # Inside the simulator the simulated Windows has no message tables: built-in text.
        with testing.Simulator():
            assert message(5) == codes._english(5) == "Access is denied."
            assert message(2312) == codes._english(2312)
    else:
        for code in ALL_CODES:
            assert message(code) == codes._english(code)
    assert message(NERR.ClientNameNotFound) != ""


def test_one_line_folds_windows_line_breaks_and_controls() -> None:
    assert codes._one_line("Access is\r\ndenied.  \r\n") == "Access is denied."
    assert codes._one_line("a\x1b[31mb\u202e") == "a\ufffd[31mb\ufffd"
    assert codes._one_line(" \r\n ") is None


@given(st.text(max_size=200))
def test_one_line_is_always_one_printable_line(text: str) -> None:
    line = codes._one_line(text)
    if line is not None:
        assert line == line.strip() and line.isprintable() and "  " not in line


# --- Windows (Wine tiers and real Windows) --------------------------------------------------


@pytest.mark.windows
@pytest.mark.parametrize("code", ALL_CODES, ids=lambda c: c.symbol)
def test_windows_text_first_then_the_table(code: NERR | WinError) -> None:
    value = int(code) % 2**32
    if value in range(2100, 3000):
        handle = _dll.data_file("netmsg.dll")
        expected = _independent_format(value, handle) if handle is not None else None
    else:
        expected = _independent_format(value)
    assert message(code) == (expected or codes._english(code))


@pytest.mark.windows
def test_wine_has_both_paths() -> None:
    if tier() == "windows-live":  # real Windows has text for every code: only Wine lacks some
        assert message(WinError.ERROR_ACCESS_DENIED) == _independent_format(5)
        assert _dll.data_file("netmsg.dll") is not None
        return
    from_windows = [c for c in WinError if _independent_format(int(c) % 2**32)]
    fallback = [c for c in WinError if not _independent_format(int(c) % 2**32)]
    assert from_windows and fallback  # Wine: "Access denied." yes, ERROR_CTX_* no
    assert message(WinError.ERROR_ACCESS_DENIED) == _independent_format(5)
    assert message(WinError.ERROR_CTX_WINSTATION_NOT_FOUND) == codes._english(7022)
    assert _dll.data_file("netmsg.dll") is None  # Wine has no netmsg.dll
    assert message(NERR.ClientNameNotFound) == codes._english(2312)


@pytest.mark.windows
def test_exception_messages_use_the_same_text() -> None:
    err = errors.net_api_error(5, "NetSessionDel", "FS01")
    assert "ERROR_ACCESS_DENIED (5): " + message(5) in str(err)
    err = errors.net_api_error(2312, "NetSessionGetInfo")
    assert str(err).endswith(": " + message(2312))


@pytest.mark.windows
def test_unknown_codes_windows_lacks_get_the_generic_text() -> None:
    code = 0x2000_BEEF  # customer bit set: no system message has it
    assert _independent_format(code) is None
    assert message(code) == f"Unknown error 0x{code:08X} ({code})."


# --- netmsg.dll: the module path, with the stand-in in the Wine prefix's System32 ----------


def _system32() -> Path:
    return Path(os.environ.get("SYSTEMROOT", r"C:\windows")) / "System32"


@pytest.fixture
def netmsg_in_system32() -> Iterator[Path]:
    """The stand-in netmsg.dll in this Wine prefix's System32, removed afterwards."""
    if tier() != "wine-standin":
        pytest.fail("only the Wine prefix's System32 may be written to")
    target = _system32() / "netmsg.dll"
    assert not target.exists(), "Wine has no netmsg.dll of its own"
    assert NETMSG_STANDIN.is_file(), "make -C stubs win64 builds it"
    _dll.forget_data_files()
    shutil.copyfile(NETMSG_STANDIN, target)
    try:
        yield target
    finally:
        _dll.forget_data_files()  # unmapped, so the file can go
        target.unlink()


@pytest.mark.windows
@pytest.mark.mingw
def test_nerr_text_comes_from_system32_netmsg(netmsg_in_system32: Path) -> None:
    handle = _dll.data_file("netmsg.dll")
    assert handle is not None
    assert _dll.data_file("netmsg.dll") == handle  # loaded once
    assert message(NERR.ClientNameNotFound) == STANDIN_2312  # folded onto one line
    assert message(2221) == STANDIN_2221
    # A NERR code the table lacks: FormatMessageW fails, the built-in text answers.
    assert message(NERR.InvalidComputer) == codes._english(NERR.InvalidComputer)
    # Win32 codes still come from the system table, not from netmsg.dll.
    assert message(5) == (_independent_format(5) or codes._english(5))
    err = errors.net_api_error(NERR.ClientNameNotFound, "NetSessionGetInfo", "FS01")
    assert str(err).endswith(STANDIN_2312)
    assert isinstance(err, winsession.SessionNotFoundError)


@pytest.mark.windows
@pytest.mark.mingw
def test_netmsg_next_to_python_is_not_used() -> None:
    if tier() != "wine-standin":
        pytest.fail("wine-standin only")
    planted = Path(sys.executable).parent / "netmsg.dll"
    assert not (_system32() / "netmsg.dll").exists()
    _dll.forget_data_files()
    shutil.copyfile(NETMSG_STANDIN, planted)
    try:
        assert _dll.data_file("netmsg.dll") is None  # LOAD_LIBRARY_SEARCH_SYSTEM32 only
        assert message(NERR.ClientNameNotFound) == codes._english(2312)
    finally:
        _dll.forget_data_files()
        planted.unlink()


def test_data_files_are_never_loaded_off_windows_or_simulated() -> None:
    with testing.Simulator():
        assert _dll.data_file("netmsg.dll") is None
    if not ON_WINDOWS:
        assert _dll.data_file("netmsg.dll") is None
        _dll.forget_data_files()  # nothing to release: no error


# --- the declarations against win32metadata (its "support" slice) -------------------------


def test_message_functions_match_metadata() -> None:
    import json

    from winsession.raw import kernel32

    meta = json.loads((ROOT / "tests" / "reference" / "win32-sessions.json").read_text("utf-8"))
    by_name = {f["Name"]: f for f in meta["support"]["functions"]}
    simple = {
        "UInt32": ctypes.c_uint32, "HINSTANCE": ctypes.c_void_p, "HANDLE": ctypes.c_void_p,
        "PWSTR": ctypes.c_wchar_p, "BOOL": ctypes.c_int32, "LOAD_LIBRARY_FLAGS": ctypes.c_uint32,
        "FORMAT_MESSAGE_OPTIONS": ctypes.c_uint32,
    }  # fmt: skip

    def ctype(t: dict[str, object]) -> object:
        if t["Kind"] == "PointerTo":
            child = t["Child"]
            assert isinstance(child, dict)
            if child == {"Kind": "Native", "Name": "Void"}:
                return ctypes.c_void_p
            if child == {"Kind": "Native", "Name": "SByte"}:
                return ctypes.POINTER(ctypes.c_int8)
            return ctypes.POINTER(ctype(child))  # type: ignore[arg-type]
        return simple[str(t["Name"])]

    for name in ("FormatMessageW", "LoadLibraryExW", "FreeLibrary"):
        fn = by_name[name]
        declared = getattr(kernel32, name)
        assert isinstance(declared, _dll.Function) and declared.dll == "kernel32"
        assert declared.restype is ctype(fn["ReturnType"])
        assert list(declared.argtypes) == [ctype(p["Type"]) for p in fn["Params"]], name
        assert declared.errcheck is None  # failure falls back; it never raises
    flags = {
        v["Name"]: v["Value"]
        for t in meta["support"]["types"]
        if t["Name"] in ("LOAD_LIBRARY_FLAGS", "FORMAT_MESSAGE_OPTIONS")
        for v in t["Values"]
    }
    for name in (
        "LOAD_LIBRARY_AS_DATAFILE", "LOAD_LIBRARY_SEARCH_SYSTEM32", "FORMAT_MESSAGE_FROM_HMODULE",
        "FORMAT_MESSAGE_FROM_SYSTEM", "FORMAT_MESSAGE_IGNORE_INSERTS",
    ):  # fmt: skip
        assert getattr(kernel32, name) == flags[name], name
