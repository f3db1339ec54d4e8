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


# --- an unknown file id, by function and code -----------------------------------------------

FILE_ID_CALLS = ("NetFileGetInfo", "NetFileClose")


@given(
    code=st.sampled_from([2, 2314, 2312, 2221, 5, 7022]) | st.integers(0, 2**32 - 1),
    function=st.sampled_from([*FILE_ID_CALLS, "NetSessionDel", "NetFileEnum", "WTSLogoffSession"]),
    family=st.sampled_from([errors.NetApiError, errors.WtsError]),
)
def test_file_id_meaning_is_chosen_by_function_and_code(
    code: int, function: str, family: type[errors.WinSessionError]
) -> None:
    cls = errors.error_class(family, code, function)
    by_code = errors.error_class(family, code)
    about_file_id = code == 2314 or (code == 2 and function in FILE_ID_CALLS)
    assert issubclass(cls, errors.OpenFileNotFoundError) == about_file_id
    assert issubclass(cls, family)
    if not about_file_id:
        assert cls is by_code  # the function only matters where its pages say so
    if code == 2 and function not in FILE_ID_CALLS:
        assert issubclass(cls, errors.SessionNotFoundError)  # WTS: the session has gone


def test_open_file_not_found_is_exported_pickles_and_names_the_file_id() -> None:
    assert winsession.OpenFileNotFoundError is errors.OpenFileNotFoundError
    assert "OpenFileNotFoundError" in errors.__all__
    assert "OpenFileNotFoundError" in winsession.__all__
    err = errors.net_api_error(2314, "NetFileClose", "FS01")
    assert type(err).__name__ == "NetApiOpenFileNotFoundError"
    assert isinstance(err, LookupError) and not isinstance(err, errors.SessionNotFoundError)
    assert str(err).startswith("NetFileClose on FS01 failed: NERR_FileIdNotFound (2314): ")
    assert str(err).endswith("No file is open with that file id (it may have been closed already).")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is type(err) and str(again) == str(err)


# --- one way an error gets its server and session ---------------------------------------------


def _fail_in_the_call() -> None:
    raise errors.wts_error(7022, "WTSLogoffSession")


def test_context_names_server_and_session_in_place_keeping_the_traceback() -> None:
    with pytest.raises(errors.WtsError) as info, errors.context("RDS01", 7):
        _fail_in_the_call()
    err = info.value
    assert (err.server, err.session_id) == ("RDS01", 7)
    assert str(err).startswith("WTSLogoffSession on RDS01 for session 7 failed: ")
    assert type(err).__name__ == "WtsSessionNotFoundError"
    assert info.traceback[-1].name == "_fail_in_the_call"  # the same exception, not a new one
    assert err.__context__ is None


def test_context_keeps_a_custom_message_and_adds_where() -> None:
    with pytest.raises(errors.WtsError) as info, errors.context("RDS01"):
        raise errors.wts_error(13, "WTSQuerySessionInformationW", message="bad buffer")
    assert str(info.value) == "bad buffer (server RDS01)"
    assert info.value.server == "RDS01" and info.value.session_id is None


def test_context_leaves_other_exceptions_and_success_alone() -> None:
    with pytest.raises(ValueError, match=r"^plain$"), errors.context("RDS01", 7):
        raise ValueError("plain")
    with errors.context("RDS01", 7):
        pass


def test_wts_calls_name_their_session_through_the_stand_in(wtsstub: object) -> None:
    # The high-level call sites use errors.context: the error crossing the FFI names the
    # session it was about (WTSQueryUserToken of a session that does not exist).
    from winsession import wts

    with pytest.raises(errors.WtsError) as info:
        wts.query_user_token(4242)
    assert info.value.session_id == 4242 and "for session 4242" in str(info.value)
    assert info.value.function == "WTSQueryUserToken"
