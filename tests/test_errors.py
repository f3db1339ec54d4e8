"""The exception hierarchy: attributes on every OS, messages, pickling, classes by meaning."""

from __future__ import annotations

import pickle
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import winsession
from winsession import errors
from winsession.codes import NERR, WinError, message, symbol


def test_root_is_an_oserror_with_winerror_everywhere() -> None:
    err = errors.net_api_error(2312, "NetSessionGetInfo", "FS01")
    assert isinstance(err, OSError)
    assert err.winerror == 2312  # CPython drops winerror off Windows; winsession keeps it
    assert err.function == "NetSessionGetInfo"
    assert err.server == "FS01"
    assert err.symbol == "NERR_ClientNameNotFound"
    assert str(err) == (
        "NetSessionGetInfo on FS01 failed: NERR_ClientNameNotFound (2312): "
        + message(NERR.ClientNameNotFound)
    )


def test_classes_combine_family_and_meaning() -> None:
    err = errors.net_api_error(WinError.ERROR_ACCESS_DENIED, "NetSessionDel")
    assert type(err).__name__ == "NetApiAccessDeniedError"
    assert isinstance(err, winsession.NetApiError)
    assert isinstance(err, winsession.AccessDeniedError)
    assert isinstance(err, PermissionError)
    assert not isinstance(err, winsession.WtsError)
    wts = errors.error_class(winsession.WtsError, WinError.ERROR_ACCESS_DENIED)
    assert issubclass(wts, winsession.AccessDeniedError) and issubclass(wts, winsession.WtsError)


@pytest.mark.parametrize(
    ("code", "builtin"),
    [
        (NERR.ClientNameNotFound, LookupError),
        (NERR.UserNotFound, LookupError),
        (WinError.ERROR_BAD_NETPATH, ConnectionError),
        (NERR.InvalidComputer, ConnectionError),
        (WinError.RPC_S_SERVER_UNAVAILABLE, ConnectionError),
        (WinError.ERROR_INVALID_LEVEL, ValueError),
        (WinError.ERROR_INVALID_PARAMETER, ValueError),
        (WinError.ERROR_CALL_NOT_IMPLEMENTED, NotImplementedError),
        (WinError.ERROR_ACCESS_DENIED, PermissionError),
    ],
)
def test_meanings_are_catchable_as_builtins(code: int, builtin: type[Exception]) -> None:
    with pytest.raises(builtin):
        raise errors.net_api_error(code, "NetSessionEnum")


def test_unmapped_code_is_the_plain_family() -> None:
    assert type(errors.net_api_error(WinError.ERROR_NOT_ENOUGH_MEMORY, "x")) is errors.NetApiError


@given(
    code=st.sampled_from(sorted({int(c) for c in NERR} | {int(c) for c in WinError}))
    | st.integers(0, 2**32 - 1),
    function=st.sampled_from(["NetSessionEnum", "NetSessionDel", "NetSessionGetInfo"]),
    server=st.none() | st.text(min_size=1, max_size=15),
)
def test_any_code_pickles_and_describes_itself(
    code: int, function: str, server: str | None
) -> None:
    err = errors.net_api_error(code, function, server)
    assert err.winerror == code
    assert symbol(code) in str(err) and function in str(err)
    if server:
        assert server in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err)
    assert (again.winerror, again.function, again.server, str(again)) == (
        code,
        function,
        server,
        str(err),
    )
    assert repr(err).startswith(type(err).__name__ + "(winerror=")


def test_unsupported_platform_error_defaults() -> None:
    err = winsession.UnsupportedPlatformError(function="netapi32", message="needs Windows")
    assert err.winerror == WinError.ERROR_CALL_NOT_IMPLEMENTED
    assert str(err) == "needs Windows"
    assert isinstance(err, NotImplementedError) and isinstance(err, winsession.WinSessionError)


def test_errcheck_passes_success_and_more_data() -> None:
    assert errors.check_net_api_status(0, "NetSessionEnum", ("S",)) == 0
    assert errors.check_net_api_status(234, "NetSessionEnum", ("S",)) == 234
    with pytest.raises(winsession.SessionNotFoundError) as info:
        errors.check_net_api_status(2221, "NetSessionDel", ("S",))
    assert info.value.server == "S"


def test_bool_failure_without_last_error_says_so(wtsstub: object) -> None:
    # Wine's stubs return FALSE with GetLastError() == 0; the stand-in cannot schedule that
    # (0 means "no fault" there), so the last error is set to 0 through its control export
    # and the errcheck reads it back through the loader.
    import ctypes

    from winsession import _dll

    if sys.platform == "win32":
        ctypes.set_last_error(0)  # the loader reads ctypes' saved copy on Windows
    else:
        lib = _dll.load("wtsapi32")
        setter = ctypes.CDLL(lib._name, handle=lib._handle)
        setter.stub_set_last_error.argtypes = [ctypes.c_uint32]
        setter.stub_set_last_error(0)
    check = errors.BoolCheck(winsession.WtsError, "wtsapi32")
    with pytest.raises(winsession.WtsError, match="without setting an error code") as info:
        check(0, type("F", (), {"__name__": "WTSEnumerateSessionsExW"})(), ())
    assert type(info.value) is winsession.WtsError and info.value.winerror == 0
    assert check(1, None, ()) == 1


def test_hresults_read_in_hex_win32_codes_in_decimal() -> None:
    com = errors.ComError(0x80040154, "CoCreateInstance")
    assert "REGDB_E_CLASSNOTREG (0x80040154): " in str(com)
    assert "winerror=0x80040154 [REGDB_E_CLASSNOTREG]" in repr(com)
    assert com.winerror == 0x80040154 == com.hresult  # the value stays an int
    wts = errors.WtsError(7022, "WTSLogoffSession", None, None, 7)
    assert "ERROR_CTX_WINSTATION_NOT_FOUND (7022): " in str(wts)
    assert repr(wts) == (
        "WtsError(winerror=7022 [ERROR_CTX_WINSTATION_NOT_FOUND], function='WTSLogoffSession',"
        " server=None, session_id=7)"
    )


def test_combined_classes_document_themselves_without_copying_examples() -> None:
    cls = errors.error_class(errors.NetApiError, 5)
    doc = cls.__doc__ or ""
    assert ">>>" not in doc and "AccessDeniedError" in doc and "NetApiError" in doc
