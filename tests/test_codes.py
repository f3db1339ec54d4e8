"""winsession.codes: the NERR and Win32 error enums against Microsoft's metadata, and the
names and messages given for every code."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from winsession import codes
from winsession.codes import NERR, WinError, message, symbol

REPO_ROOT = Path(__file__).resolve().parents[1]
_REFERENCE_NAME = "win32-sessions.json"
# The copy kept in the repository, else the shared one beside the clone.
_REFERENCE_CANDIDATES = (
    Path(__file__).resolve().parent / "reference" / _REFERENCE_NAME,
    REPO_ROOT.parent / "shared" / "reference" / _REFERENCE_NAME,
)
GENERIC_PREFIX = "Unknown error "


def _load_reference() -> dict[str, Any]:
    for path in _REFERENCE_CANDIDATES:
        if path.is_file():
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    pytest.fail(
        f"reference metadata not found; looked at {[str(p) for p in _REFERENCE_CANDIDATES]}"
    )


REFERENCE = _load_reference()
REF_NERR: dict[str, int] = {
    c["Name"]: c["Value"]
    for c in REFERENCE["netapi32"]["constants"]
    if c["Name"].startswith("NERR_")
}
REF_WIN32: dict[str, int] = {e["Name"]: e["Value"] for e in REFERENCE["win32_errors"]}
ALL_CODES: list[NERR | WinError] = [*NERR, *WinError]


def test_reference_is_the_expected_slice() -> None:
    # Guards the comparisons below against an empty or truncated reference.
    assert len(REF_NERR) > 300
    assert REF_NERR["NERR_ClientNameNotFound"] == 2312
    assert "MAX_PREFERRED_LENGTH" not in REF_NERR
    assert len(REF_WIN32) > 30


@pytest.mark.parametrize("name", sorted(REF_NERR))
def test_every_reference_nerr_is_a_member_by_name(name: str) -> None:
    member = NERR[name[len("NERR_") :]]
    assert member == REF_NERR[name]
    assert int(member) == REF_NERR[name]


def test_every_reference_nerr_is_a_member_by_value() -> None:
    for name, value in REF_NERR.items():
        member = NERR(value)
        assert int(member) == value, name
        assert isinstance(member, NERR)


def test_nerr_has_nothing_the_reference_lacks() -> None:
    # __members__ includes aliases, so every name NERR accepts is checked.
    names = {"NERR_" + name for name in NERR.__members__}
    assert names == set(REF_NERR)


def test_nerr_aliases_resolve_to_a_canonical_member() -> None:
    # One canonical member per distinct value; every name (alias or not) reaches the member
    # for its value, whose symbol is one of the reference names with that value.
    assert len(NERR) == len(set(REF_NERR.values()))
    for name, member in NERR.__members__.items():
        assert int(member) == REF_NERR["NERR_" + name]
        assert REF_NERR[member.symbol] == int(member)
        assert NERR(int(member)) is member


def test_nerr_known_values() -> None:
    assert int(NERR.Success) == 0
    assert int(NERR.BASE) == 2100
    assert int(NERR.ClientNameNotFound) == 2312
    assert int(NERR.UserNotFound) == 2221
    assert int(NERR.InvalidComputer) == 2351
    assert NERR["ClientNameNotFound"] is NERR.ClientNameNotFound


@pytest.mark.parametrize("name", sorted(REF_WIN32))
def test_every_reference_win32_error_is_a_member(name: str) -> None:
    member = WinError[name]
    assert int(member) == REF_WIN32[name]
    assert WinError(REF_WIN32[name]) is member


def test_extra_win32_errors_have_their_documented_values() -> None:
    assert int(WinError.ERROR_NO_MORE_ITEMS) == 259
    assert int(WinError.ERROR_OUTOFMEMORY) == 14
    assert int(WinError.ERROR_SERVICE_NOT_ACTIVE) == 1062
    assert int(WinError.ERROR_NO_SUCH_LOGON_SESSION) == 1312
    assert int(WinError.ERROR_LOGON_FAILURE) == 1326
    assert int(WinError.ERROR_INVALID_SERVER_STATE) == 1352
    assert int(WinError.RPC_S_INVALID_BINDING) == 1702
    assert int(WinError.RPC_S_SERVER_UNAVAILABLE) == 1722
    assert int(WinError.RPC_S_CALL_FAILED) == 1726


def test_error_success_is_canonical_and_no_error_its_alias() -> None:
    assert WinError["NO_ERROR"] is WinError.ERROR_SUCCESS
    assert WinError(0).name == "ERROR_SUCCESS"
    assert symbol(WinError["NO_ERROR"]) == "ERROR_SUCCESS"


@pytest.mark.parametrize("code", ALL_CODES, ids=lambda c: c.symbol)
def test_every_member_has_its_own_one_line_message(code: NERR | WinError) -> None:
    # On Windows the text may be Windows' own (tests/test_messages.py); one line either way.
    text = message(code)
    assert text.strip() == text
    assert text
    assert "\n" not in text and "\r" not in text
    assert not text.startswith(GENERIC_PREFIX)
    assert message(int(code)) == text
    english = codes._english(code)
    assert english is not None and english.endswith(".")


def test_known_messages() -> None:
    english = codes._english
    assert english(NERR.ClientNameNotFound) == "A session does not exist with that computer name."
    assert english(NERR.UserNotFound) == "The user name could not be found."
    assert english(NERR.InvalidComputer) == "This computer name is invalid."
    assert english(WinError.ERROR_ACCESS_DENIED) == "Access is denied."
    assert english(WinError.ERROR_MORE_DATA) == "More data is available."
    assert english(WinError.RPC_S_SERVER_UNAVAILABLE) == "The RPC server is unavailable."
    assert english(0) == "The operation completed successfully."
    assert english(123456) is None


@pytest.mark.parametrize("code", [*NERR], ids=lambda c: c.symbol)
def test_nerr_symbol_round_trips(code: NERR) -> None:
    name = symbol(code)
    assert name == str(code) == code.symbol == "NERR_" + code.name
    assert NERR[name[len("NERR_") :]] is code
    assert symbol(int(code)) == name


@pytest.mark.parametrize("code", [*WinError], ids=lambda c: c.symbol)
def test_winerror_symbol_round_trips(code: WinError) -> None:
    name = symbol(code)
    assert name == str(code) == code.symbol == code.name
    assert WinError[name] is code
    if int(code) != 0:  # 0 is NERR_Success first, as symbol() documents
        assert symbol(int(code)) == name


def test_symbol_of_zero_prefers_nerr() -> None:
    assert symbol(0) == "NERR_Success"


def test_format_gives_the_number() -> None:
    assert f"{NERR.ClientNameNotFound}" == "2312"
    assert f"{NERR.ClientNameNotFound:#06x}" == "0x0908"
    assert f"{WinError.ERROR_ACCESS_DENIED:d}" == "5"
    assert repr(NERR.ClientNameNotFound) == "<NERR.ClientNameNotFound: 2312>"


def test_members_pickle() -> None:
    for code in (NERR.ClientNameNotFound, WinError.RPC_S_SERVER_UNAVAILABLE):
        assert pickle.loads(pickle.dumps(code)) is code


def test_unknown_code_gets_the_generic_text() -> None:
    if codes._windows_message(1111) is None:  # Windows may know codes the table does not
        assert message(1111) == "Unknown error 0x00000457 (1111)."
    assert symbol(1111) == "0x00000457"
    assert message(-2147172625) == "Unknown error 0x8004BEEF (-2147172625)."
    assert symbol(0x8004BEEF) == "0x8004BEEF"
    assert symbol(0x80004005) == "E_FAIL"  # HRESULTs of the COM calls are known
    # ... also as ctypes gives them, signed
    assert symbol(-0x7FFFBFFB) == "E_FAIL" and message(-0x7FFFBFFB) == message(0x80004005)
    assert symbol(-0x8000_0001) == "-0x80000001"  # not a 32-bit value: no wrap-around


def test_non_integers_are_rejected() -> None:
    for bad in ("5", 5.0, None, True):
        with pytest.raises(TypeError):
            message(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            symbol(bad)  # type: ignore[arg-type]


_KNOWN_VALUES = {int(code) for code in ALL_CODES}


@given(st.integers(min_value=-(2**40), max_value=2**40))
def test_any_integer_gets_a_one_line_name_and_message(code: int) -> None:
    text = message(code)
    name = symbol(code)
    assert text and "\n" not in text
    assert name and "\n" not in name
    from_windows = codes._windows_message(codes._key(code))
    if code in _KNOWN_VALUES:
        assert not text.startswith(GENERIC_PREFIX)
        assert not name.startswith("0x")
    elif from_windows is not None:
        assert text == from_windows
    else:
        assert text == f"Unknown error {name} ({code})."
        if -(2**31) <= code < 2**32:
            assert name == f"0x{code % 2**32:08X}"
        else:
            assert int(name, 16) == code
