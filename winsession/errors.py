"""winsession's exceptions, and the one place where error codes become exceptions.

Every failure is a :class:`WinSessionError`, an :class:`OSError` whose ``winerror`` and
``function`` attributes are set on every operating system (CPython drops ``winerror`` off
Windows, so winsession keeps its own). Catch by meaning, by API family, or both::

    try:
        winsession.net.delete_session(client="10.0.0.5")
    except winsession.SessionNotFoundError:   # also a LookupError
        pass                                  # already gone
    except winsession.AccessDeniedError:      # also a PermissionError
        print("run elevated")

The class actually raised combines the family (:class:`NetApiError`, :class:`WtsError`,
:class:`ComError`) with the meaning (:class:`AccessDeniedError`,
:class:`SessionNotFoundError`, ...), e.g. ``NetApiAccessDeniedError`` -- so both
``except NetApiError`` and ``except AccessDeniedError`` catch it.

The examples below show what the calls give in :func:`winsession.testing.demo_simulator`
(SMB sessions of alice, bob and carol; Remote Desktop sessions 0-3 and 65536).
"""

from __future__ import annotations

from typing import Any, Optional

from . import _winerror as _e

__all__ = [
    "AccessDeniedError",
    "BoolCheck",
    "ComError",
    "InvalidLevelError",
    "InvalidParameterError",
    "NetApiError",
    "SensUnavailableError",
    "ServerNotFoundError",
    "SessionNotFoundError",
    "UnsupportedPlatformError",
    "WinSessionError",
    "WtsError",
    "check_hresult",
    "check_net_api_status",
    "error_class",
    "net_api_error",
    "wts_error",
]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


ERROR_SUCCESS = _e.ERROR_SUCCESS
ERROR_ACCESS_DENIED = _e.ERROR_ACCESS_DENIED
ERROR_MORE_DATA = _e.ERROR_MORE_DATA


class WinSessionError(OSError):
    """Root of every winsession error.

    Attributes:
        winerror: the Windows error code (``int``, on every OS; 0 when not from an API call).
        function: the API that failed (e.g. ``"NetSessionEnum"``), or what was refused.
        server: the server named in the call, or ``None`` for the local computer.
        session_id: the Remote Desktop session concerned, or ``None``.
        symbol: the symbolic name of ``winerror`` (e.g. ``"NERR_ClientNameNotFound"``).

    >>> from winsession import net
    >>> from winsession.errors import WinSessionError
    >>> try:
    ...     net.get_session_info("10.0.0.9", "dave")
    ... except WinSessionError as e:
    ...     print(e.winerror, e.symbol, e.function, e.server)
    ...     print(e)
    2312 NERR_ClientNameNotFound NetSessionGetInfo None
    NetSessionGetInfo failed: NERR_ClientNameNotFound (2312): A session does not exist with
    that computer name.
    """

    winerror: int
    function: str
    server: Optional[str]
    session_id: Optional[int]
    _custom: Optional[str]

    def __init__(
        self,
        winerror: int = 0,
        function: str = "",
        server: Optional[str] = None,
        message: Optional[str] = None,
        session_id: Optional[int] = None,
    ) -> None:
        self._custom = message  # kept by with_context(); None: the standard description
        if message is None:
            message = _describe(winerror, function, server, session_id)
        super().__init__(None, message)
        # Set after OSError.__init__: on Windows this is OSError's own slot, elsewhere an
        # instance attribute; either way the same int on every OS.
        self.winerror = winerror
        self.function = function
        self.server = server
        self.session_id = session_id

    def with_context(
        self, server: Optional[str] = None, session_id: Optional[int] = None
    ) -> WinSessionError:
        """The same error (same class, code and API) naming ``server`` and ``session_id``.

        >>> from winsession.errors import WtsError
        >>> print(WtsError(7022, "WTSLogoffSession").with_context("RDS01", 7))
        WTSLogoffSession on RDS01 for session 7 failed: ERROR_CTX_WINSTATION_NOT_FOUND (7022):
        The specified session cannot be found.
        """
        return type(self)(
            self.winerror, self.function, server, self._placed(server, session_id), session_id
        )

    def _place(self, server: Optional[str], session_id: Optional[int]) -> WinSessionError:
        # In place, so that re-raising with a bare `raise` keeps the traceback down to the
        # call that failed (a new exception would start at the re-raise).
        message = self._placed(server, session_id)
        if message is None:
            message = _describe(self.winerror, self.function, server, session_id)
        self.server, self.session_id = server, session_id
        self.strerror = message
        self.args = (None, message)
        return self

    def _placed(self, server: Optional[str], session_id: Optional[int]) -> Optional[str]:
        message = self._custom
        if message is not None:
            where = [f"server {server}"] if server else []
            where += [] if session_id is None else [f"session {session_id}"]
            message = f"{message} ({', '.join(where)})" if where else message
        return message

    @property
    def symbol(self) -> str:
        """The symbolic name of :attr:`winerror`, e.g. ``"ERROR_ACCESS_DENIED"``."""
        from .codes import symbol

        return symbol(self.winerror)

    def __str__(self) -> str:
        return str(self.strerror)

    def __repr__(self) -> str:
        session = "" if self.session_id is None else f", session_id={self.session_id}"
        return (
            f"{type(self).__name__}(winerror={_number(self.winerror)} [{self.symbol}], "
            f"function={self.function!r}, server={self.server!r}{session})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.winerror, self.function, self.server, self.strerror, self.session_id),
        )


# Families: which API raised it.
class NetApiError(WinSessionError):
    """A netapi32 call (``NetSessionEnum``, ``NetSessionGetInfo``, ``NetSessionDel``) failed.

    >>> from winsession import net
    >>> from winsession.errors import NetApiError
    >>> try:
    ...     net.delete_session(user="nobody")
    ... except NetApiError as e:
    ...     type(e).__name__, e.function
    ('NetApiSessionNotFoundError', 'NetSessionDel')
    """


class WtsError(WinSessionError):
    """A wtsapi32 (Remote Desktop Services) call failed.

    >>> from winsession import wts
    >>> from winsession.errors import WtsError
    >>> try:
    ...     wts.disconnect_session(99)
    ... except WtsError as e:
    ...     type(e).__name__, e.function, e.session_id
    ('WtsSessionNotFoundError', 'WTSDisconnectSession', 99)
    """


class ComError(WinSessionError):
    """A COM call failed; :attr:`hresult` holds the HRESULT as an unsigned 32-bit int.

    >>> from winsession.errors import ComError
    >>> e = ComError(0x80040154, "CoCreateInstance")
    >>> hex(e.hresult), e.symbol
    ('0x80040154', 'REGDB_E_CLASSNOTREG')
    """

    @property
    def hresult(self) -> int:
        """The failing HRESULT (``winerror`` as an unsigned 32-bit value)."""
        return self.winerror & 0xFFFFFFFF


# Meanings: what a caller would want to catch, each also a builtin exception.
class AccessDeniedError(WinSessionError, PermissionError):
    """The caller lacks the rights for this call (ERROR_ACCESS_DENIED and kin).

    >>> from winsession.errors import AccessDeniedError, NetApiError, error_class
    >>> cls = error_class(NetApiError, 5)        # ERROR_ACCESS_DENIED from netapi32
    >>> cls.__name__, issubclass(cls, AccessDeniedError), issubclass(cls, PermissionError)
    ('NetApiAccessDeniedError', True, True)

    Also caught by ``except PermissionError``."""


class SessionNotFoundError(WinSessionError, LookupError):
    """No session (or open file) matches the client, user, session id or file id given.

    >>> from winsession import net
    >>> from winsession.errors import SessionNotFoundError
    >>> try:
    ...     net.get_session_info("\\\\\\\\nobody", "x")
    ... except SessionNotFoundError as e:
    ...     e.winerror, e.function
    (2312, 'NetSessionGetInfo')

    Also caught by ``except LookupError``."""


class ServerNotFoundError(WinSessionError, ConnectionError):
    """The server cannot be found or reached (bad network path, invalid name, RPC down).

    >>> from winsession import net
    >>> from winsession.errors import ServerNotFoundError
    >>> try:
    ...     list(net.enum_sessions("FS99"))
    ... except ServerNotFoundError as e:
    ...     e.symbol, e.server
    ('ERROR_BAD_NETPATH', 'FS99')

    Also caught by ``except ConnectionError``."""


class InvalidLevelError(WinSessionError, ValueError):
    """The information level is not one the API supports.

    >>> from winsession import net
    >>> from winsession.errors import InvalidLevelError
    >>> try:
    ...     net.enum_sessions(level=3)              # checked at once, before any call
    ... except InvalidLevelError as e:
    ...     print(e.winerror, e)
    124 level must be one of 0, 1, 2, 10, 502 for NetSessionEnum, not 3

    Also caught by ``except ValueError``."""


class InvalidParameterError(WinSessionError, ValueError):
    """The API rejected a parameter (ERROR_INVALID_PARAMETER, ERROR_INVALID_NAME).

    >>> from winsession import wts
    >>> from winsession.errors import InvalidParameterError
    >>> try:
    ...     wts.process_session_id(99999)           # no such process
    ... except InvalidParameterError as e:
    ...     e.symbol, e.function
    ('ERROR_INVALID_PARAMETER', 'ProcessIdToSessionId')

    Also caught by ``except ValueError``."""


class UnsupportedPlatformError(WinSessionError, NotImplementedError):
    """The API is not available here: not Windows, or not this edition of Windows.

    >>> from winsession.errors import UnsupportedPlatformError
    >>> e = UnsupportedPlatformError(function="WTSEnumerateSessionsExW")
    >>> e.winerror, e.symbol
    (120, 'ERROR_CALL_NOT_IMPLEMENTED')

    Also caught by ``except NotImplementedError``."""

    def __init__(
        self,
        winerror: int = 120,  # ERROR_CALL_NOT_IMPLEMENTED
        function: str = "",
        server: Optional[str] = None,
        message: Optional[str] = None,
        session_id: Optional[int] = None,
    ) -> None:
        super().__init__(winerror, function, server, message, session_id)


class SensUnavailableError(ComError, UnsupportedPlatformError):
    """The COM+ Event System behind SENS is missing (Wine, a trimmed Windows) or refused.

    Raised by :class:`winsession.sens.SessionEvents` with the failing HRESULT
    (e.g. ``REGDB_E_CLASSNOTREG``); nothing is left subscribed.

    >>> from winsession.errors import ComError, SensUnavailableError, UnsupportedPlatformError
    >>> issubclass(SensUnavailableError, ComError)
    True
    >>> issubclass(SensUnavailableError, UnsupportedPlatformError)
    True
    >>> e = SensUnavailableError(0x80040154, "CoCreateInstance(CLSID_CEventSystem)")
    >>> hex(e.hresult), e.symbol
    ('0x80040154', 'REGDB_E_CLASSNOTREG')
    """


_FAMILIES: tuple[type[WinSessionError], ...] = (NetApiError, WtsError, ComError)
_MEANINGS: tuple[type[WinSessionError], ...] = (
    AccessDeniedError,
    SessionNotFoundError,
    ServerNotFoundError,
    InvalidLevelError,
    InvalidParameterError,
    UnsupportedPlatformError,
)

_MEANING_OF: dict[int, type[WinSessionError]] = {
    _e.ERROR_ACCESS_DENIED: AccessDeniedError,
    _e.ERROR_PRIVILEGE_NOT_HELD: AccessDeniedError,
    _e.ERROR_CTX_WINSTATION_ACCESS_DENIED: AccessDeniedError,
    _e.NERR_ClientNameNotFound: SessionNotFoundError,
    _e.NERR_UserNotFound: SessionNotFoundError,
    _e.ERROR_FILE_NOT_FOUND: SessionNotFoundError,  # WTS: session gone; NetFile*: no such id
    _e.NERR_FileIdNotFound: SessionNotFoundError,  # NetFileClose, as MS-SRVS lists it
    _e.ERROR_CTX_WINSTATION_NOT_FOUND: SessionNotFoundError,
    _e.ERROR_CTX_CLOSE_PENDING: SessionNotFoundError,
    _e.ERROR_BAD_NETPATH: ServerNotFoundError,
    _e.ERROR_BAD_NET_NAME: ServerNotFoundError,
    _e.NERR_InvalidComputer: ServerNotFoundError,
    _e.RPC_S_SERVER_UNAVAILABLE: ServerNotFoundError,
    _e.ERROR_INVALID_COMPUTERNAME: ServerNotFoundError,
    _e.ERROR_INVALID_LEVEL: InvalidLevelError,
    _e.ERROR_INVALID_PARAMETER: InvalidParameterError,
    _e.ERROR_INVALID_NAME: InvalidParameterError,
    _e.ERROR_CALL_NOT_IMPLEMENTED: UnsupportedPlatformError,
    _e.E_ACCESSDENIED: AccessDeniedError,
    _e.E_INVALIDARG: InvalidParameterError,
    _e.E_NOTIMPL: UnsupportedPlatformError,
    _e.ERROR_NOT_SUPPORTED: UnsupportedPlatformError,
    _e.ERROR_NO_TOKEN: SessionNotFoundError,  # WTSQueryUserToken: nobody logged on there
    _e.ERROR_NOT_ALL_ASSIGNED: AccessDeniedError,  # a privilege the caller lacks
    _e.ERROR_CLASS_DOES_NOT_EXIST: InvalidParameterError,
    _e.ERROR_CLASS_HAS_WINDOWS: InvalidParameterError,
    _e.ERROR_INVALID_WINDOW_HANDLE: InvalidParameterError,
}
"""code -> meaning. Codes not listed raise the plain family class."""

_combined: dict[tuple[type[WinSessionError], type[WinSessionError]], type[WinSessionError]] = {}


def _combined_doc(family: type[WinSessionError], meaning: type[WinSessionError]) -> str:
    # The meaning's first line, not its whole docstring: its examples run once, there.
    summary = (meaning.__doc__ or "").strip().splitlines()[0]
    return (
        f"{summary} Raised by a {family.__name__[: -len('Error')]} call: catch it as"
        f" :class:`{meaning.__name__}` or :class:`{family.__name__}`."
    )


def _define_combinations() -> None:
    # One concrete class per (family, meaning), defined here at import so that each has a
    # module-level name and pickles like any other class.
    for family in _FAMILIES:
        prefix = family.__name__[: -len("Error")]
        for meaning in _MEANINGS:
            name = prefix + meaning.__name__
            cls = type(
                name,
                (meaning, family),
                {"__module__": __name__, "__doc__": _combined_doc(family, meaning)},
            )
            cls.__qualname__ = name
            globals()[name] = cls
            _combined[(family, meaning)] = cls


_define_combinations()


def error_class(family: type[WinSessionError], code: int) -> type[WinSessionError]:
    """The class raised for ``code`` coming from an API of ``family``.

    >>> from winsession.errors import NetApiError, WtsError, error_class
    >>> error_class(NetApiError, 5)              # ERROR_ACCESS_DENIED
    <class 'winsession.errors.NetApiAccessDeniedError'>
    >>> error_class(WtsError, 7022)              # ERROR_CTX_WINSTATION_NOT_FOUND
    <class 'winsession.errors.WtsSessionNotFoundError'>
    >>> error_class(NetApiError, 2102)           # no meaning known: the family itself
    <class 'winsession.errors.NetApiError'>
    """
    meaning = _MEANING_OF.get(code)
    if meaning is None:
        return family
    return _combined.get((family, meaning), meaning)


_HINTS: dict[tuple[str, int], str] = {
    ("*", _e.ERROR_CALL_NOT_IMPLEMENTED): (
        " This edition of Windows does not provide the API (Nano Server, for one, has no"
        " Remote Desktop Services)."
    ),
    ("NetSessionEnum", ERROR_ACCESS_DENIED): (
        " Since Windows 10 1607 and Windows Server 2019, NetSessionEnum needs administrative"
        " rights by default even for levels 0 and 10 (the SrvsvcSessionInfo security"
        " descriptor); run elevated or as a member of Administrators/Server Operators."
    ),
    ("WTSQueryUserToken", 1314): (  # ERROR_PRIVILEGE_NOT_HELD
        " Only a service running as LocalSystem (SE_TCB_NAME) may take a user's token;"
        " run this from such a service."
    ),
    ("NetSessionDel", ERROR_ACCESS_DENIED): (
        " Closing sessions needs membership in Administrators or Server Operators."
    ),
}


def _describe(
    winerror: int, function: str, server: Optional[str], session_id: Optional[int] = None
) -> str:
    from .codes import message, symbol

    where = f" on {server}" if server else ""
    if session_id is not None:
        where += f" for session {session_id}"
    text = f"{function}{where} failed: {symbol(winerror)} ({_number(winerror)}):"
    text += f" {message(winerror)}"
    return text + _HINTS.get((function, winerror), _HINTS.get(("*", winerror), ""))


def _number(code: int) -> str:
    # HRESULTs (and NTSTATUS) are read in hex, as Microsoft prints them; Win32 codes in decimal.
    return f"0x{code:08X}" if code >= 0x8000_0000 else str(code)


def net_api_error(
    status: int, function: str, server: Optional[str] = None, message: Optional[str] = None
) -> WinSessionError:
    """Build the exception for a failing NET_API_STATUS ``status`` from ``function``.

    >>> from winsession.errors import net_api_error
    >>> e = net_api_error(2221, "NetSessionDel", "FS01")
    >>> e
    NetApiSessionNotFoundError(winerror=2221 [NERR_UserNotFound], function='NetSessionDel',
                               server='FS01')
    >>> print(e)
    NetSessionDel on FS01 failed: NERR_UserNotFound (2221): The user name could not be found.
    """
    return error_class(NetApiError, status)(status, function, server, message)


def wts_error(
    code: int,
    function: str,
    *,
    server: Optional[str] = None,
    session_id: Optional[int] = None,
    message: Optional[str] = None,
) -> WinSessionError:
    """Build the exception for Win32 error ``code`` from the wtsapi32 (or kernel32 session)
    function ``function``.

    >>> from winsession.errors import wts_error
    >>> wts_error(13, "WTSQuerySessionInformationW", message="no buffer returned")
    WtsError(winerror=13 [ERROR_INVALID_DATA], function='WTSQuerySessionInformationW',
             server=None)
    >>> type(wts_error(7022, "WTSLogoffSession", session_id=9)).__name__
    'WtsSessionNotFoundError'
    """
    return error_class(WtsError, code)(code, function, server, message, session_id)


def check_net_api_status(result: int, func: Any, args: tuple[Any, ...]) -> int:
    """ctypes errcheck for NET_API_STATUS functions.

    ``NERR_Success`` and ``ERROR_MORE_DATA`` (a page of a longer enumeration, not an error)
    are returned; anything else raises. Every NetApi function takes the server name as its
    first argument, which the message names.

    >>> from winsession.errors import check_net_api_status
    >>> def NetSessionDel(): ...
    >>> check_net_api_status(0, NetSessionDel, ("FS01",))       # NERR_Success
    0
    >>> check_net_api_status(234, NetSessionDel, ("FS01",))     # ERROR_MORE_DATA: a page
    234
    >>> check_net_api_status(2312, NetSessionDel, ("FS01", "\\\\\\\\PC9", None))
    Traceback (most recent call last):
    ...
    winsession.errors.NetApiSessionNotFoundError: NetSessionDel on FS01 failed:
    NERR_ClientNameNotFound (2312): A session does not exist with that computer name.
    """
    if result in (ERROR_SUCCESS, ERROR_MORE_DATA):
        return result
    name = getattr(func, "__name__", str(func))
    server = args[0] if args and isinstance(args[0], str) and args[0] else None
    raise net_api_error(result, name, server)


class BoolCheck:
    """ctypes errcheck for ``BOOL`` functions that report failure through GetLastError.

    ``BoolCheck(WtsError, "wtsapi32")``: a zero result raises the class for the thread's
    last error; a non-zero one is returned. The arguments are handles and ids, so the
    high-level callers add the server and session to the message.

    >>> from winsession import wts
    >>> from winsession.errors import BoolCheck, WtsError
    >>> BoolCheck(WtsError, "wtsapi32")(1, None, ())     # TRUE: returned as is
    1
    >>> try:                               # FALSE: wts functions raise through a BoolCheck
    ...     wts.logoff_session(99)
    ... except WtsError as e:
    ...     type(e).__name__, e.symbol, e.function
    ('WtsSessionNotFoundError', 'ERROR_CTX_WINSTATION_NOT_FOUND', 'WTSLogoffSession')

    ``failure`` names the one result that means failure for functions whose zero is a
    success (``GetMessageW`` returns 0 for ``WM_QUIT`` and -1 on error;
    ``WaitForSingleObject`` returns ``WAIT_FAILED``).

    >>> BoolCheck(WtsError, "user32", failure=-1)(0, None, ())   # 0 is not -1: returned
    0
    """

    __slots__ = ("dll", "failure", "family")

    def __init__(
        self, family: type[WinSessionError], dll: str, failure: Optional[int] = None
    ) -> None:
        self.family = family
        self.dll = dll
        self.failure = failure

    def __call__(self, result: int, func: Any, args: tuple[Any, ...]) -> int:
        if (result != self.failure) if self.failure is not None else result:
            return result
        from . import _dll

        code = _dll.last_error(self.dll)
        name = getattr(func, "__name__", str(func))
        if code == ERROR_SUCCESS:
            # FALSE without a reason (seen with Wine's stubs): say so rather than print
            # "failed: ERROR_SUCCESS".
            raise self.family(code, name, message=f"{name} failed without setting an error code")
        raise error_class(self.family, code)(code, name)


def check_hresult(hresult: int, function: str) -> None:
    """Raise the :class:`ComError` class for a failing HRESULT (negative when signed).

    ``winerror`` (and ``hresult``) hold it as an unsigned 32-bit value; messages and reprs
    show it in hex, as Microsoft prints it (``0x80040154``).

    >>> from winsession.errors import check_hresult
    >>> check_hresult(0, "CoInitializeEx")                  # S_OK: nothing happens
    >>> check_hresult(-2147024891, "CoCreateInstance")      # 0x80070005 as a signed int
    Traceback (most recent call last):
    ...
    winsession.errors.ComAccessDeniedError: CoCreateInstance failed: E_ACCESSDENIED
    (0x80070005): Access is denied.
    """
    if hresult >= 0:
        return
    code = hresult & 0xFFFFFFFF
    raise error_class(ComError, code)(code, function)
