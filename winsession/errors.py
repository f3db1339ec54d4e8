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

The examples below that call an API show what it gives in
:func:`winsession.testing.demo_simulator` (SMB sessions of alice, bob and carol; Remote
Desktop sessions 0-3 and 65536), which they start where you see it.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from . import _dll
from . import _winerror as _e

__all__ = [
    "AccessDeniedError",
    "BoolCheck",
    "ComError",
    "InvalidLevelError",
    "InvalidParameterError",
    "LsaError",
    "NetApiError",
    "OpenFileNotFoundError",
    "SensUnavailableError",
    "ServerNotFoundError",
    "SessionNotFoundError",
    "UnsupportedPlatformError",
    "WinSessionError",
    "WtsError",
    "check_hresult",
    "check_net_api_status",
    "context",
    "error_class",
    "lsa_error",
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

    >>> from winsession import net, testing
    >>> from winsession.errors import WinSessionError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     net.get_session_info("10.0.0.9", "dave")
    ... except WinSessionError as e:
    ...     print(e.winerror, e.symbol, e.function, e.server)
    ...     print(e)
    2312 NERR_ClientNameNotFound NetSessionGetInfo None
    NetSessionGetInfo failed: NERR_ClientNameNotFound (2312): A session does not exist with
    that computer name.
    >>> sim.stop()
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
        """A copy of this error (same class, code and API) naming ``server`` and
        ``session_id``. winsession itself names them in place, with :class:`context`.

        >>> from winsession.errors import WtsError
        >>> print(WtsError(7022, "WTSLogoffSession").with_context("RDS01", 7))
        WTSLogoffSession on RDS01 for session 7 failed: ERROR_CTX_WINSTATION_NOT_FOUND (7022):
        The specified session cannot be found.
        """
        return type(self)(
            self.winerror, self.function, server, self._placed(server, session_id), session_id
        )

    def _place(self, server: Optional[str], session_id: Optional[int]) -> WinSessionError:
        # In place (see context), so that the exception keeps its traceback down to the call
        # that failed (a new exception would start at the re-raise).
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

    >>> from winsession import net, testing
    >>> from winsession.errors import NetApiError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     net.delete_session(user="nobody")
    ... except NetApiError as e:
    ...     type(e).__name__, e.function
    ('NetApiSessionNotFoundError', 'NetSessionDel')
    >>> sim.stop()
    """


class WtsError(WinSessionError):
    """A wtsapi32 (Remote Desktop Services) call failed.

    >>> from winsession import testing, wts
    >>> from winsession.errors import WtsError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     wts.disconnect_session(99)
    ... except WtsError as e:
    ...     type(e).__name__, e.function, e.session_id
    ('WtsSessionNotFoundError', 'WTSDisconnectSession', 99)
    >>> sim.stop()
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


class LsaError(WinSessionError):
    """An LSA call (``LsaEnumerateLogonSessions``, ``LsaGetLogonSessionData``) failed.

    ``winerror`` is the Win32 code ``LsaNtStatusToWinError`` gives for the status;
    :attr:`ntstatus` keeps the NTSTATUS itself (unsigned 32-bit, as Microsoft prints it).

    >>> from winsession.errors import LsaError, lsa_error
    >>> e = lsa_error(-0x3FFFFFDE, 5, "LsaGetLogonSessionData")   # STATUS_ACCESS_DENIED
    >>> isinstance(e, LsaError), isinstance(e, PermissionError), hex(e.ntstatus), e.winerror
    (True, True, '0xc0000022', 5)
    >>> print(e)
    LsaGetLogonSessionData failed: NTSTATUS 0xC0000022, ERROR_ACCESS_DENIED (5): ...
    """

    ntstatus: int

    def __init__(
        self,
        winerror: int = 0,
        function: str = "",
        server: Optional[str] = None,
        message: Optional[str] = None,
        session_id: Optional[int] = None,
        ntstatus: int = 0,
    ) -> None:
        super().__init__(winerror, function, server, message, session_id)
        self.ntstatus = ntstatus & 0xFFFFFFFF

    def with_context(
        self, server: Optional[str] = None, session_id: Optional[int] = None
    ) -> WinSessionError:
        """The same error naming ``server`` and ``session_id``, its NTSTATUS kept."""
        placed = super().with_context(server, session_id)
        placed.ntstatus = self.ntstatus  # type: ignore[attr-defined]
        return placed

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.winerror, self.function, self.server, self.strerror, self.session_id,
             self.ntstatus),
        )  # fmt: skip


# Meanings: what a caller would want to catch, each also a builtin exception.
class AccessDeniedError(WinSessionError, PermissionError):
    """The caller lacks the rights for this call (ERROR_ACCESS_DENIED and kin).

    >>> from winsession.errors import AccessDeniedError, NetApiError, error_class
    >>> cls = error_class(NetApiError, 5)        # ERROR_ACCESS_DENIED from netapi32
    >>> cls.__name__, issubclass(cls, AccessDeniedError), issubclass(cls, PermissionError)
    ('NetApiAccessDeniedError', True, True)

    Also caught by ``except PermissionError``."""


class SessionNotFoundError(WinSessionError, LookupError):
    """No session matches the client, user or session id given.

    >>> from winsession import net, testing
    >>> from winsession.errors import SessionNotFoundError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     net.get_session_info("\\\\\\\\nobody", "x")
    ... except SessionNotFoundError as e:
    ...     e.winerror, e.function
    (2312, 'NetSessionGetInfo')
    >>> sim.stop()

    Also caught by ``except LookupError``."""


class OpenFileNotFoundError(WinSessionError, LookupError):
    """No file is open with the file id given (``NetFileGetInfo``, ``NetFileClose``: it was
    never open or has been closed since).

    ``ERROR_FILE_NOT_FOUND`` from those two functions, as their pages list it, and
    ``NERR_FileIdNotFound``, as MS-SRVS lists it; from a Remote Desktop function the same
    ``ERROR_FILE_NOT_FOUND`` means a session that has gone (:class:`SessionNotFoundError`).

    >>> from winsession import net, testing
    >>> from winsession.errors import OpenFileNotFoundError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     net.close_file(999)
    ... except OpenFileNotFoundError as e:
    ...     e.winerror, e.function
    ...     print(e)
    (2, 'NetFileClose')
    NetFileClose failed: ERROR_FILE_NOT_FOUND (2): The system cannot find the file specified.
    No file is open with that file id (it may have been closed already).
    >>> sim.stop()

    Also caught by ``except LookupError``."""


class ServerNotFoundError(WinSessionError, ConnectionError):
    """The server cannot be found or reached (bad network path, invalid name, RPC down).

    >>> from winsession import net, testing
    >>> from winsession.errors import ServerNotFoundError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     list(net.enum_sessions("FS99"))
    ... except ServerNotFoundError as e:
    ...     e.symbol, e.server
    ('ERROR_BAD_NETPATH', 'FS99')
    >>> sim.stop()

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

    >>> from winsession import testing, wts
    >>> from winsession.errors import InvalidParameterError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> try:
    ...     wts.process_session_id(99999)           # no such process
    ... except InvalidParameterError as e:
    ...     e.symbol, e.function
    ('ERROR_INVALID_PARAMETER', 'ProcessIdToSessionId')
    >>> sim.stop()

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


_FAMILIES: tuple[type[WinSessionError], ...] = (NetApiError, WtsError, ComError, LsaError)
_MEANINGS: tuple[type[WinSessionError], ...] = (
    AccessDeniedError,
    SessionNotFoundError,
    OpenFileNotFoundError,
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
    _e.ERROR_FILE_NOT_FOUND: SessionNotFoundError,  # WTS: session gone (NetFile*: below)
    _e.NERR_FileIdNotFound: OpenFileNotFoundError,  # NetFileClose, as MS-SRVS lists it
    _e.ERROR_CTX_WINSTATION_NOT_FOUND: SessionNotFoundError,
    _e.ERROR_CTX_CLOSE_PENDING: SessionNotFoundError,
    _e.ERROR_NO_SUCH_LOGON_SESSION: SessionNotFoundError,  # LsaNtStatusToWinError's answer
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

_FILE_ID_CALLS = ("NetFileGetInfo", "NetFileClose")
_MEANING_IN: dict[tuple[str, int], type[WinSessionError]] = {
    (function, code): OpenFileNotFoundError
    for function in _FILE_ID_CALLS
    for code in (_e.ERROR_FILE_NOT_FOUND, _e.NERR_FileIdNotFound)
}
"""(function, code) -> meaning, where a code means something else in that function: their
pages list ERROR_FILE_NOT_FOUND for a file id that is not open."""

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


def error_class(
    family: type[WinSessionError], code: int, function: Optional[str] = None
) -> type[WinSessionError]:
    """The class raised for ``code`` coming from the API ``function`` of ``family``: chosen
    by the code, and by the function where the code means something particular there.

    >>> from winsession.errors import NetApiError, WtsError, error_class
    >>> error_class(NetApiError, 5)              # ERROR_ACCESS_DENIED
    <class 'winsession.errors.NetApiAccessDeniedError'>
    >>> error_class(WtsError, 7022)              # ERROR_CTX_WINSTATION_NOT_FOUND
    <class 'winsession.errors.WtsSessionNotFoundError'>
    >>> error_class(NetApiError, 2102)           # no meaning known: the family itself
    <class 'winsession.errors.NetApiError'>
    >>> error_class(WtsError, 2), error_class(NetApiError, 2, "NetFileClose")
    (<class 'winsession.errors.WtsSessionNotFoundError'>,
     <class 'winsession.errors.NetApiOpenFileNotFoundError'>)
    """
    meaning = None if function is None else _MEANING_IN.get((function, code))
    if meaning is None:
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
    **{
        key: " No file is open with that file id (it may have been closed already)."
        for key in _MEANING_IN
    },
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
    return error_class(NetApiError, status, function)(status, function, server, message)


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
    return error_class(WtsError, code, function)(code, function, server, message, session_id)


def lsa_error(
    ntstatus: int, winerror: int, function: str, message: Optional[str] = None
) -> WinSessionError:
    """Build the exception for a failing NTSTATUS ``ntstatus`` from the LSA call ``function``;
    ``winerror`` is what ``LsaNtStatusToWinError`` returned for it.

    >>> from winsession.errors import lsa_error
    >>> e = lsa_error(0xC000005F, 1312, "LsaGetLogonSessionData")
    >>> type(e).__name__, e.symbol, hex(e.ntstatus)
    ('LsaSessionNotFoundError', 'ERROR_NO_SUCH_LOGON_SESSION', '0xc000005f')
    """
    status = ntstatus & 0xFFFFFFFF
    if message is None:
        from .codes import message as text
        from .codes import symbol

        message = (
            f"{function} failed: NTSTATUS 0x{status:08X}, {symbol(winerror)}"
            f" ({_number(winerror)}): {text(winerror)}"
        )
    return error_class(LsaError, winerror, function)(
        winerror, function, None, message, None, status
    )  # type: ignore[call-arg]


class context:  # lower case: used as a statement, ``with context(...)``, like suppress
    """``with context(server, session_id):`` -- a :class:`WinSessionError` leaving the block
    names ``server`` and ``session_id`` (message and attributes). The one way winsession adds
    where a call failed to its error: in place, so the traceback still reaches the call.

    >>> from winsession import errors
    >>> try:
    ...     with errors.context("RDS01", 7):
    ...         raise errors.wts_error(7022, "WTSLogoffSession")
    ... except errors.WtsError as e:
    ...     e.server, e.session_id
    ...     print(e)
    ('RDS01', 7)
    WTSLogoffSession on RDS01 for session 7 failed: ERROR_CTX_WINSTATION_NOT_FOUND (7022):
    The specified session cannot be found.
    """

    __slots__ = ("server", "session_id")

    def __init__(self, server: Optional[str] = None, session_id: Optional[int] = None) -> None:
        self.server = server
        self.session_id = session_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: Optional[BaseException], tb: object) -> None:
        if isinstance(exc, WinSessionError):
            exc._place(self.server, self.session_id)


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

    >>> from winsession import testing, wts
    >>> from winsession.errors import BoolCheck, WtsError
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
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
    >>> sim.stop()
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
        code = _dll.last_error(self.dll)
        name = getattr(func, "__name__", str(func))
        if code == ERROR_SUCCESS:
            # FALSE without a reason (seen with Wine's stubs): say so rather than print
            # "failed: ERROR_SUCCESS".
            raise self.family(code, name, message=f"{name} failed without setting an error code")
        raise error_class(self.family, code, name)(code, name)


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
    (0x80070005): ...
    """
    if hresult >= 0:
        return
    code = hresult & 0xFFFFFFFF
    raise error_class(ComError, code, function)(code, function)


def _hresult_errcheck(result: int, func: Any, args: tuple[Any, ...]) -> int:
    check_hresult(result, getattr(func, "__name__", str(func)))
    return result


def _load_error(failure: _dll.LoadFailure) -> WinSessionError:
    """The exception for a DLL the loader cannot have (see :func:`winsession._dll.load`)."""
    if failure.winerror is None:
        return UnsupportedPlatformError(
            function=failure.dll,
            message=(
                f"{failure.dll}.dll is part of Windows; winsession cannot call it on"
                f" {failure.platform}. Everything imports here; to try winsession without"
                " Windows, simulate one: `winsession --simulate ...` on the command line,"
                " `with winsession.testing.demo_simulator():` in Python."
            ),
        )
    code = failure.winerror
    return error_class(WinSessionError, code)(
        code,
        "LoadLibraryExW",
        message=f"{failure.dll}.dll cannot be loaded from System32 (error {code})",
    )


_CONVENTIONS: dict[str, Callable[[str, Optional[int]], Any]] = {
    "NET_API_STATUS": lambda dll, failure: check_net_api_status,
    # The BOOL functions winsession calls (wtsapi32, kernel32's session and process calls,
    # user32, advapi32, userenv) all serve Remote Desktop features: the WTS family.
    "BOOL": lambda dll, failure: BoolCheck(WtsError, dll, failure),
    "HRESULT": lambda dll, failure: _hresult_errcheck,
}

# Attached from above: the loader and the raw declarations raise these without importing them.
_dll.attach_errors(_CONVENTIONS, _load_error)
