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
from winsession.raw import advapi32, kernel32, netapi32, user32, userenv, wtsapi32

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
    "UIntPtr": ctypes.c_size_t,  # DWORD_PTR / ULONG_PTR: pointer-sized
    "IntPtr": ctypes.c_ssize_t,
    "SByte": ctypes.c_int8,
}
API_REFS = {
    "PWSTR": ctypes.c_wchar_p,
    "PCWSTR": ctypes.c_wchar_p,
    "HANDLE": ctypes.c_void_p,
    "HWND": ctypes.c_void_p,
    "PSID": ctypes.c_void_p,
    "BOOL": ctypes.c_int32,
    "LARGE_INTEGER": ctypes.c_int64,
    # Enums of UI.WindowsAndMessaging, outside this slice of the metadata.
    "MESSAGEBOX_STYLE": ctypes.c_uint32,
    "MESSAGEBOX_RESULT": ctypes.c_int32,
    # user32's handle and message types (pointer-sized; LPARAM/LRESULT signed).
    "HINSTANCE": ctypes.c_void_p,
    "HMENU": ctypes.c_void_p,
    "HICON": ctypes.c_void_p,
    "HCURSOR": ctypes.c_void_p,
    "HBRUSH": ctypes.c_void_p,
    "WPARAM": ctypes.c_size_t,
    "LPARAM": ctypes.c_ssize_t,
    "LRESULT": ctypes.c_ssize_t,
    "WIN32_ERROR": ctypes.c_uint32,
    "WNDCLASS_STYLES": ctypes.c_uint32,
    "WNDPROC": user32.WNDPROC,
    "POINT": user32.POINT,  # Foundation's POINT, outside the slice: two Int32 x, y
}
# The raw module declaring each DLL's functions and types, by metadata section.
SECTIONS: dict[str, Any] = {"netapi32": netapi32, "wtsapi32": wtsapi32, "support": None}
MODULES = {
    "netapi32.dll": netapi32,
    "wtsapi32.dll": wtsapi32,
    "kernel32.dll": kernel32,
    "user32.dll": user32,
    "advapi32.dll": advapi32,
    "userenv.dll": userenv,
}
# Structures of the support section live in the module of the DLL that takes them.
SUPPORT_TYPES = {"WNDCLASSEXW": user32, "MSG": user32, "STARTUPINFOW": advapi32,
                 "PROCESS_INFORMATION": advapi32, "SECURITY_ATTRIBUTES": advapi32}  # fmt: skip
# Declared with no raising errcheck on purpose although the metadata says SetLastError:
# message-table lookup, whose failure the caller handles (see raw/kernel32.py).
NO_RAISING_ERRCHECK = {"FormatMessageW", "LoadLibraryExW", "FreeLibrary"}


def module_of_type(section: str, name: str) -> Any:
    if section == "support":
        return SUPPORT_TYPES[name]
    return SECTIONS[section]


def ctype_of(t: dict[str, Any], section: str) -> Any:
    """The ctypes type a win32metadata type description demands."""
    kind = t["Kind"]
    if kind == "Native":
        if t["Name"] == "Void":
            return None
        if t["Name"] == "Char":
            return ctypes.c_wchar  # win32metadata's Char is a UTF-16 WCHAR
        return NATIVE[t["Name"]]
    if kind == "Array":
        return ctype_of(t["Child"], section) * t["Shape"]["Size"]
    if kind == "PointerTo":
        child = t["Child"]
        if child["Kind"] == "Native" and child["Name"] == "Void":
            return ctypes.c_void_p
        return ctypes.POINTER(ctype_of(child, section))
    if kind == "ApiRef":
        if t["Name"] in API_REFS:
            return API_REFS[t["Name"]]
        named = next(x for x in META[section]["types"] if x["Name"] == t["Name"])
        if named["Kind"] == "Enum":
            return NATIVE[named["IntegerBase"]]
        return getattr(module_of_type(section, t["Name"]), t["Name"])  # a structure of ours
    raise AssertionError(f"unmapped kind {kind}")


def same_type(a: Any, b: Any) -> bool:
    """Identity, except that array types are compared by element type and length."""
    if isinstance(a, type) and issubclass(a, ctypes.Array):
        return (
            isinstance(b, type)
            and issubclass(b, ctypes.Array)
            and a._length_ == b._length_
            and same_type(a._type_, b._type_)
        )
    return a is b


def declared_functions() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for section in ("netapi32", "wtsapi32", "support"):
        for fn in META[section]["functions"]:
            module = MODULES[fn["DllImport"].lower()]
            if section == "netapi32" or hasattr(module, fn["Name"]):
                out.append((section, fn))
    return out


# What issue #3 asks the raw layer to declare (the metadata has more wtsapi32 exports).
REQUIRED_WTS = {
    "WTSOpenServerW",
    "WTSOpenServerExW",
    "WTSCloseServer",
    "WTSEnumerateSessionsW",
    "WTSEnumerateSessionsExW",
    "WTSFreeMemory",
    "WTSFreeMemoryExW",
    "WTSQuerySessionInformationW",
    "WTSDisconnectSession",
    "WTSLogoffSession",
    "WTSSendMessageW",
    "WTSWaitSystemEvent",
    "WTSEnumerateProcessesW",
    "WTSTerminateProcess",
    "WTSRegisterSessionNotification",
    "WTSUnRegisterSessionNotification",
    "WTSGetActiveConsoleSessionId",
    "ProcessIdToSessionId",
    # issue 15: notifications with session ids, tokens, tscon, shadow, servers, shutdown
    "WTSRegisterSessionNotificationEx",
    "WTSUnRegisterSessionNotificationEx",
    "WTSQueryUserToken",
    "WTSConnectSessionW",
    "WTSStartRemoteControlSessionW",
    "WTSStopRemoteControlSession",
    "WTSEnumerateServersW",
    "WTSShutdownSystem",
}
# What issue 15 needs from the support section (user32, advapi32, userenv, kernel32).
REQUIRED_SUPPORT = {
    "RegisterClassExW", "UnregisterClassW", "CreateWindowExW", "DestroyWindow", "GetMessageW",
    "PostMessageW", "PostThreadMessageW", "DefWindowProcW", "DuplicateTokenEx",
    "CreateProcessAsUserW", "CreateEnvironmentBlock", "DestroyEnvironmentBlock", "CloseHandle",
    "WaitForSingleObject", "GetExitCodeProcess", "TerminateProcess", "FormatMessageW",
    "LoadLibraryExW", "FreeLibrary",
}  # fmt: skip


def test_required_support_functions_are_declared() -> None:
    declared = {fn["Name"] for section, fn in declared_functions() if section == "support"}
    assert declared == REQUIRED_SUPPORT


def test_required_wts_functions_are_declared() -> None:
    declared = {fn["Name"] for section, fn in declared_functions() if section == "wtsapi32"}
    assert declared == REQUIRED_WTS


def test_reference_copy_matches_shared() -> None:
    # CI has the team's shared/ beside the clone: the vendored copy must not drift from it.
    # A clone elsewhere has only the copy; it must at least be the win32metadata slice.
    assert "win32metadata" in META["source"]
    assert {"netapi32", "wtsapi32", "sens"} <= set(META)
    if SHARED_REFERENCE.exists():
        assert json.loads(SHARED_REFERENCE.read_text(encoding="utf-8")) == META


@pytest.mark.parametrize(
    ("section", "fn"), declared_functions(), ids=lambda x: x["Name"] if isinstance(x, dict) else x
)
def test_function_declaration_matches_metadata(section: str, fn: dict[str, Any]) -> None:
    module = MODULES[fn["DllImport"].lower()]
    declared = getattr(module, fn["Name"])
    assert isinstance(declared, _dll.Function)
    assert declared.dll + ".dll" == fn["DllImport"].lower()
    assert declared.name == fn["Name"]
    assert declared.restype is ctype_of(fn["ReturnType"], section)
    expected = [ctype_of(p["Type"], section) for p in fn["Params"]]
    assert list(declared.argtypes) == expected
    # One errcheck per return convention: NET_API_STATUS always; BOOL + last error.
    if section == "netapi32":
        assert declared.errcheck is not None and not fn["SetLastError"]
    elif fn["Name"] in NO_RAISING_ERRCHECK:
        assert declared.errcheck is None
    else:
        assert (declared.errcheck is not None) == fn["SetLastError"], fn["Name"]


RECORDS = [
    (section, t)
    for section in SECTIONS
    for t in META[section]["types"]
    if t["Kind"] in ("Struct", "Union")
    and (
        t["Name"] in SUPPORT_TYPES
        if section == "support"
        else hasattr(SECTIONS[section], t["Name"])
    )
]


@pytest.mark.parametrize(
    ("section", "st"), RECORDS, ids=lambda x: x["Name"] if isinstance(x, dict) else x
)
def test_structure_matches_metadata(section: str, st: dict[str, Any]) -> None:
    declared = getattr(module_of_type(section, st["Name"]), st["Name"])
    expected_base = ctypes.Union if st["Kind"] == "Union" else ctypes.Structure
    assert issubclass(declared, expected_base)
    fields = [(f["Name"], ctype_of(f["Type"], section)) for f in st["Fields"]]
    got = [(f[0], f[1]) for f in declared._fields_]
    assert [n for n, _ in got] == [n for n, _ in fields]
    for (name, a), (_, b) in zip(got, fields):
        assert same_type(a, b), f"{st['Name']}.{name}: {a} != {b}"


def test_every_required_wts_structure_is_declared() -> None:
    for name in (
        "WTS_SESSION_INFOW",
        "WTS_SESSION_INFO_1W",
        "WTSINFOW",
        "WTSINFOEXW",
        "WTSINFOEX_LEVEL1_W",
        "WTSCLIENTW",
        "WTS_CLIENT_ADDRESS",
        "WTS_CLIENT_DISPLAY",
        "WTS_PROCESS_INFOW",
    ):
        assert any(t["Name"] == name for _, t in RECORDS), name


def test_support_enums_and_constants_match_metadata() -> None:
    assert {name for _, t in RECORDS if _ == "support" for name in [t["Name"]]} == set(
        SUPPORT_TYPES
    )
    values = {v["Name"]: v["Value"] for t in META["support"]["types"] if t["Kind"] == "Enum"
              for v in t["Values"]}  # fmt: skip
    values.update({c["Name"]: c["Value"] for c in META["support"]["constants"]})
    for module in (user32, advapi32, kernel32):
        for name in dir(module):
            if name in values:
                assert getattr(module, name) == values[name], name
    assert values["HWND_MESSAGE"] == user32.HWND_MESSAGE == -3
    assert values["WM_WTSSESSION_CHANGE"] == user32.WM_WTSSESSION_CHANGE
    assert values["CREATE_UNICODE_ENVIRONMENT"] == advapi32.CREATE_UNICODE_ENVIRONMENT
    wnd = next(t for t in META["support"]["types"] if t["Name"] == "WNDPROC")
    assert user32.WNDPROC._restype_ is ctype_of(wnd["ReturnType"], "support")
    assert list(user32.WNDPROC._argtypes_) == [
        ctype_of(p["Type"], "support") for p in wnd["Params"]
    ]
    for name, value in (("WTS_WSD_LOGOFF", 1), ("WTS_WSD_FASTREBOOT", 16)):
        assert getattr(wtsapi32, name) == value


def test_wts_enums_and_constants_match_metadata() -> None:
    for t in META["wtsapi32"]["types"]:
        if t["Kind"] == "Enum" and t["Name"] != "WTS_CONFIG_CLASS":
            for v in t["Values"]:
                assert getattr(wtsapi32, v["Name"]) == v["Value"], v["Name"]
    constants = {c["Name"]: c["Value"] for c in META["wtsapi32"]["constants"]}
    for name in dir(wtsapi32):
        if name.startswith(("WTS_EVENT_", "WTS_SESSIONSTATE_", "WTS_PROTOCOL_TYPE_", "NOTIFY_FOR")):
            assert getattr(wtsapi32, name) == constants[name], name
    assert constants["WTS_CURRENT_SESSION"] == wtsapi32.WTS_CURRENT_SESSION
    assert (wtsapi32.IDTIMEOUT, wtsapi32.IDASYNC) == (32000, 32001)


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
    "FILE_INFO_2": 4,
    "FILE_INFO_3": 32,
    "CONNECTION_INFO_0": 4,
    "CONNECTION_INFO_1": 40,
}


def test_sizes_on_64_bit() -> None:
    assert struct.calcsize("P") == 8, "every tier runs a 64-bit Python"
    for name, size in EXPECTED_64BIT.items():
        assert ctypes.sizeof(getattr(netapi32, name)) == size, name


def test_layout_matches_the_stand_in(netstub: Any) -> None:
    for level, structure in netapi32.SESSION_INFO_LEVELS.items():
        assert_stand_in_layout(netstub, level, structure)


class _ShareLayouts:
    """The stand-in's FILE_INFO (kind 0) / CONNECTION_INFO (kind 1) layout exports, shaped
    like its SESSION_INFO ones for assert_stand_in_layout."""

    def __init__(self, stub: Any, kind: int) -> None:
        self.stub, self.kind = stub, kind

    def struct_size(self, level: int) -> int:
        return int(self.stub.share_struct_size(self.kind, level))

    def field_offset(self, level: int, field: int) -> int:
        return int(self.stub.share_field_offset(self.kind, level, field))


def test_file_and_connection_layouts_match_the_stand_in(netstub: Any) -> None:
    for kind, levels in ((0, netapi32.FILE_INFO_LEVELS), (1, netapi32.CONNECTION_INFO_LEVELS)):
        for level, structure in levels.items():
            assert_stand_in_layout(_ShareLayouts(netstub, kind), level, structure)
    assert netstub.share_struct_size(0, 1) == 0 and netstub.share_struct_size(1, 2) == 0


def mingw(program: str) -> dict[str, Any]:
    """The JSON a layout program built by mingw-w64 (stubs/layout_*.c) prints."""
    exe = ROOT / "build" / "stubs" / "win64" / program
    if not exe.exists():
        pytest.fail(f"{exe} missing: build the stand-ins (make -C stubs)")
    out = subprocess.run(
        [str(exe)], stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=120
    ).stdout
    layout: dict[str, Any] = json.loads(out)
    return layout


def assert_layouts(layout: dict[str, Any], module: Any) -> None:
    for name, facts in layout.items():
        structure = getattr(module, name)
        assert facts["size"] == ctypes.sizeof(structure), name
        offsets = {f[0]: getattr(structure, f[0]).offset for f in structure._fields_}
        assert facts["fields"] == offsets, name


def assert_stand_in_layout(stub: Any, which: int, structure: Any) -> None:
    assert stub.struct_size(which) == ctypes.sizeof(structure), structure.__name__
    for i, field in enumerate(structure._fields_):
        assert stub.field_offset(which, i) == getattr(structure, field[0]).offset, field[0]
    assert stub.field_offset(which, len(structure._fields_)) == -1


@pytest.mark.windows
@pytest.mark.mingw
def test_layout_matches_mingw_lm_h() -> None:
    layout = mingw("layout_netapi32.exe")
    assert sorted(layout) == sorted(EXPECTED_64BIT)
    assert_layouts(layout, netapi32)


def test_tier_is_known() -> None:
    assert tier() in ("host", "wine-standin", "wine-builtin", "windows-live")


# The stand-in's layout indices (stubs/README.md, stub_wts_struct_size).
WTS_LAYOUT_ORDER = [
    "WTS_SESSION_INFOW",
    "WTS_SESSION_INFO_1W",
    "WTS_PROCESS_INFOW",
    "WTSINFOW",
    "WTSINFOEXW",
    "WTSINFOEX_LEVEL1_W",
    "WTSCLIENTW",
    "WTS_CLIENT_ADDRESS",
    "WTS_CLIENT_DISPLAY",
    "WTS_SESSION_ADDRESS",
    "WTSCONFIGINFOW",
]


def test_wts_layout_matches_the_stand_in(wtsstub: Any) -> None:
    for which, name in enumerate(WTS_LAYOUT_ORDER):
        assert_stand_in_layout(wtsstub, which, getattr(wtsapi32, name))


@pytest.mark.windows
@pytest.mark.mingw
def test_wts_layout_matches_mingw_wtsapi32_h() -> None:
    # mingw-w64's wtsapi32.h lacks WTS_SESSION_INFO_1W, WTSINFOEXW, WTSINFOEX_LEVEL1_W and
    # WTS_SESSION_ADDRESS: for those the metadata check above alone decides.
    layout = mingw("layout_wtsapi32.exe")
    assert set(layout) == {
        "WTS_SESSION_INFOW", "WTS_PROCESS_INFOW", "WTSINFOW", "WTSCLIENTW",
        "WTS_CLIENT_ADDRESS", "WTS_CLIENT_DISPLAY",
    }  # fmt: skip
    assert_layouts(layout, wtsapi32)
    # The inline WCHAR arrays put these at Windows' sizes (2-byte WCHAR).
    assert (ctypes.sizeof(wtsapi32.WTSINFOW), ctypes.sizeof(wtsapi32.WTSCLIENTW)) == (216, 2304)
    # WTSCONFIGINFOW is in neither mingw-w64's header nor the metadata slice: Microsoft
    # Learn's declaration gives six ULONGs, then WCHAR[21], [18] and three [261].
    assert ctypes.sizeof(wtsapi32.WTSCONFIGINFOW) == 6 * 4 + 2 * (21 + 18 + 3 * 261)


# --- the logon section (issue 22): secur32, advapi32's LsaNtStatusToWinError, NetWkstaUser* ---

from types import SimpleNamespace  # noqa: E402

from winsession.raw import secur32  # noqa: E402

API_REFS["NTSTATUS"] = ctypes.c_int32  # the metadata's NativeTypedef of Int32
MODULES["secur32.dll"] = secur32
# Where each structure of the logon section is declared.
LOGON_TYPES = {
    "WKSTA_USER_INFO_0": netapi32, "WKSTA_USER_INFO_1": netapi32,
    "WKSTA_USER_INFO_1101": netapi32, "SECURITY_LOGON_SESSION_DATA": secur32,
    "LSA_LAST_INTER_LOGON_INFO": secur32, "UNICODE_STRING": secur32, "LUID": secur32,
}  # fmt: skip
# module_of_type("logon", name) looks the structure up here (RECORDS above is already built).
SECTIONS["logon"] = SimpleNamespace(**{name: getattr(m, name) for name, m in LOGON_TYPES.items()})
LOGON_FUNCTIONS = [fn for fn in META["logon"]["functions"]]
LOGON_STRUCTS = [t for t in META["logon"]["types"] if t["Kind"] == "Struct"]


def test_every_logon_function_and_structure_is_declared() -> None:
    assert {fn["Name"] for fn in LOGON_FUNCTIONS} == {
        "NetWkstaUserEnum", "NetWkstaUserGetInfo", "LsaEnumerateLogonSessions",
        "LsaGetLogonSessionData", "LsaFreeReturnBuffer", "LsaNtStatusToWinError",
    }  # fmt: skip
    assert {t["Name"] for t in LOGON_STRUCTS} == set(LOGON_TYPES)


@pytest.mark.parametrize("fn", LOGON_FUNCTIONS, ids=lambda fn: fn["Name"])
def test_logon_function_declaration_matches_metadata(fn: dict[str, Any]) -> None:
    module = MODULES[fn["DllImport"].lower()]
    declared = getattr(module, fn["Name"])
    assert isinstance(declared, _dll.Function)
    assert declared.dll + ".dll" == fn["DllImport"].lower()
    assert declared.name == fn["Name"] and not fn["SetLastError"]
    assert declared.restype is ctype_of(fn["ReturnType"], "logon")
    assert list(declared.argtypes) == [ctype_of(p["Type"], "logon") for p in fn["Params"]]
    if module is netapi32:  # NET_API_STATUS: the one errcheck of that convention
        # The convention is declared here and the check attached from above (errors.py).
        assert isinstance(declared.errcheck, _dll.Check)
        assert declared.errcheck.convention == "NET_API_STATUS"
        assert declared.bind().errcheck is errors_check_net_api_status()
    else:  # NTSTATUS / ULONG: the caller maps the status (winsession.logon)
        assert declared.errcheck is None


def errors_check_net_api_status() -> Any:
    from winsession.errors import check_net_api_status

    return check_net_api_status


@pytest.mark.parametrize("st", LOGON_STRUCTS, ids=lambda t: t["Name"])
def test_logon_structure_matches_metadata(st: dict[str, Any]) -> None:
    declared = LOGON_TYPES[st["Name"]].__dict__[st["Name"]]
    fields = [(f["Name"], ctype_of(f["Type"], "logon")) for f in st["Fields"]]
    got = [(f[0], f[1]) for f in declared._fields_]
    assert [n for n, _ in got] == [n for n, _ in fields]
    for (name, a), (_, b) in zip(got, fields):
        assert same_type(a, b), f"{st['Name']}.{name}: {a} != {b}"


def test_logon_enum_and_constants_match_metadata() -> None:
    enum = next(t for t in META["logon"]["types"] if t["Name"] == "SECURITY_LOGON_TYPE")
    for v in enum["Values"]:
        assert getattr(secur32, v["Name"]) == v["Value"], v["Name"]
    for c in META["logon"]["constants"]:
        assert getattr(secur32, c["Name"]) == c["Value"], c["Name"]


EXPECTED_LOGON_64BIT = {
    "SECURITY_LOGON_SESSION_DATA": 272, "LSA_LAST_INTER_LOGON_INFO": 24, "UNICODE_STRING": 16,
    "LUID": 8, "WKSTA_USER_INFO_0": 8, "WKSTA_USER_INFO_1": 32, "WKSTA_USER_INFO_1101": 8,
}  # fmt: skip


def test_logon_sizes_on_64_bit() -> None:
    for name, size in EXPECTED_LOGON_64BIT.items():
        assert ctypes.sizeof(LOGON_TYPES[name].__dict__[name]) == size, name
    assert secur32.SECURITY_LOGON_SESSION_DATA_V1_SIZE == 136  # through Upn: XP / 2003


def test_logon_layouts_match_the_stand_ins(lsastub: Any, wkstastub: Any) -> None:
    order = [secur32.SECURITY_LOGON_SESSION_DATA, secur32.UNICODE_STRING, secur32.LUID,
             secur32.LSA_LAST_INTER_LOGON_INFO]  # fmt: skip
    for which, structure in enumerate(order):
        assert_stand_in_layout(lsastub, which, structure)
    assert lsastub.struct_size(len(order)) == 0

    class Wksta:
        struct_size = staticmethod(wkstastub.struct_size)
        field_offset = staticmethod(wkstastub.field_offset)

    for level, structure in netapi32.WKSTA_USER_INFO_LEVELS.items():
        assert_stand_in_layout(Wksta, level, structure)
    assert wkstastub.struct_size(2) == 0


@pytest.mark.windows
@pytest.mark.mingw
def test_logon_layouts_match_mingw_ntsecapi_h_and_lmwksta_h() -> None:
    layout = mingw("layout_logon.exe")
    assert set(layout) == set(EXPECTED_LOGON_64BIT)
    for name, facts in layout.items():
        structure = LOGON_TYPES[name].__dict__[name]
        assert facts["size"] == ctypes.sizeof(structure), name
        assert facts["fields"] == {f[0]: getattr(structure, f[0]).offset
                                   for f in structure._fields_}, name  # fmt: skip
