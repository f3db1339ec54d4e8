"""The raw layer against Microsoft's win32metadata and mingw-w64's headers, exactly."""

from __future__ import annotations

import ctypes
import json
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _tier import tier

from winsession import _dll
from winsession.raw import netapi32

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
REFERENCE = TESTS / "reference" / "win32-sessions.json"
SHARED_REFERENCE = ROOT.parent / "shared" / "reference" / "win32-sessions.json"
META = json.loads(REFERENCE.read_text(encoding="utf-8"))

NATIVE = {
    "UInt32": ctypes.c_uint32,
    "Int32": ctypes.c_int32,
    "UInt16": ctypes.c_uint16,
    "Byte": ctypes.c_uint8,
    "UInt64": ctypes.c_uint64,
    "Int64": ctypes.c_int64,
}
API_REFS = {"PWSTR": ctypes.c_wchar_p, "PCWSTR": ctypes.c_wchar_p, "HANDLE": ctypes.c_void_p}


def ctype_of(t: dict[str, Any], section: dict[str, Any]) -> Any:
    """The ctypes type a win32metadata type description demands."""
    kind = t["Kind"]
    if kind == "Native":
        return NATIVE[t["Name"]]
    if kind == "PointerTo":
        child = t["Child"]
        if child["Kind"] == "Native" and child["Name"] == "Void":
            return ctypes.c_void_p
        return ctypes.POINTER(ctype_of(child, section))
    if kind == "ApiRef":
        if t["Name"] in API_REFS:
            return API_REFS[t["Name"]]
        named = next(x for x in section["types"] if x["Name"] == t["Name"])
        if named["Kind"] == "Enum":
            return NATIVE[named["IntegerBase"]]
        raise AssertionError(f"unmapped type {t['Name']}")
    raise AssertionError(f"unmapped kind {kind}")


def test_reference_copy_matches_shared() -> None:
    if not SHARED_REFERENCE.exists():
        pytest.fail(f"{SHARED_REFERENCE} missing: the copy in tests/reference cannot be checked")
    assert json.loads(SHARED_REFERENCE.read_text(encoding="utf-8")) == META


@pytest.mark.parametrize("fn", META["netapi32"]["functions"], ids=lambda f: f["Name"])
def test_function_declaration_matches_metadata(fn: dict[str, Any]) -> None:
    declared = getattr(netapi32, fn["Name"])
    assert isinstance(declared, _dll.Function)
    assert declared.dll + ".dll" == fn["DllImport"].lower()
    assert declared.name == fn["Name"]
    assert declared.restype is ctype_of(fn["ReturnType"], META["netapi32"])
    expected = [ctype_of(p["Type"], META["netapi32"]) for p in fn["Params"]]
    assert list(declared.argtypes) == expected
    assert declared.errcheck is not None  # NET_API_STATUS convention
    assert not fn["SetLastError"]


@pytest.mark.parametrize(
    "st", [t for t in META["netapi32"]["types"] if t["Kind"] == "Struct"], ids=lambda t: t["Name"]
)
def test_structure_matches_metadata(st: dict[str, Any]) -> None:
    declared = getattr(netapi32, st["Name"])
    fields = [(f["Name"], ctype_of(f["Type"], META["netapi32"])) for f in st["Fields"]]
    assert [(name, t) for name, t in declared._fields_] == fields


def test_constants_match_metadata() -> None:
    constants = {c["Name"]: c["Value"] for c in META["netapi32"]["constants"]}
    assert constants["MAX_PREFERRED_LENGTH"] == netapi32.MAX_PREFERRED_LENGTH
    flags = next(t for t in META["netapi32"]["types"] if t["Name"] == "SESSION_INFO_USER_FLAGS")
    for value in flags["Values"]:
        assert getattr(netapi32, value["Name"]) == value["Value"]


def test_every_struct_level_is_offered() -> None:
    assert sorted(netapi32.SESSION_INFO_LEVELS) == [0, 1, 2, 10, 502]


EXPECTED_64BIT = {  # x64: pointers 8, DWORD 4, natural alignment
    "SESSION_INFO_0": 8,
    "SESSION_INFO_1": 32,
    "SESSION_INFO_2": 40,
    "SESSION_INFO_10": 24,
    "SESSION_INFO_502": 48,
}


def test_sizes_on_64_bit() -> None:
    assert struct.calcsize("P") == 8, "every tier runs a 64-bit Python"
    for name, size in EXPECTED_64BIT.items():
        assert ctypes.sizeof(getattr(netapi32, name)) == size, name


def test_layout_matches_the_stand_in(netstub: Any) -> None:
    for level, structure in netapi32.SESSION_INFO_LEVELS.items():
        assert netstub.struct_size(level) == ctypes.sizeof(structure), level
        for i, (name, _) in enumerate(structure._fields_):
            assert netstub.field_offset(level, i) == getattr(structure, name).offset, name
        assert netstub.field_offset(level, len(structure._fields_)) == -1


@pytest.mark.windows
def test_layout_matches_mingw_lm_h() -> None:
    exe = ROOT / "build" / "stubs" / "win64" / "layout_netapi32.exe"
    if not exe.exists():
        pytest.fail(f"{exe} missing: build the stand-ins (make -C stubs)")
    out = subprocess.run(
        [str(exe)], stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=120
    ).stdout
    layout = json.loads(out)
    assert sorted(layout) == sorted(EXPECTED_64BIT)
    for name, facts in layout.items():
        structure = getattr(netapi32, name)
        assert facts["size"] == ctypes.sizeof(structure), name
        assert facts["fields"] == {n: getattr(structure, n).offset for n, _ in structure._fields_}


def test_tier_is_known() -> None:
    assert tier() in ("host", "wine-standin", "wine-builtin", "windows-live")
