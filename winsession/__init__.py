"""winsession: see and control Windows sessions from Python, in pure ctypes.

Modules
-------
- :mod:`winsession.net` -- SMB sessions on a file server (netapi32 ``NetSession*``):
  ``net.enum_sessions(server=None, *, client=None, user=None, level=502)`` streams
  ``SessionInfo502`` records (levels 0, 1, 2, 10, 502), ``net.get_session_info(client,
  user)``, ``net.delete_session(client=..., user=...)``.
- :mod:`winsession.wts` -- Remote Desktop / console sessions (wtsapi32):
  ``wts.enumerate_sessions()``, ``wts.enumerate_sessions_ex()``, ``wts.session_details(id)``,
  ``wts.query_session_information(id, wts.InfoClass...)``, ``wts.disconnect_session()``,
  ``wts.logoff_session(id)``, ``wts.send_message(id, title, text)``, ``wts.watch_events()``.
- :mod:`winsession.sens` -- logon, logoff, disconnect and reconnect notifications from SENS
  (``ISensLogon2``): ``with sens.subscribe(callback): ...`` or ``for event in
  sens.SessionEvents(): ...``; Windows only.
- :func:`winsession.who` -- who is logged on and how (PsLoggedOn's question): one
  :class:`LoggedOnUser` per user and :class:`Route` -- console, Remote Desktop, SMB and, on
  this computer, the other LSA logons (services, batch jobs, ...) of :mod:`winsession.logon`.
- :mod:`winsession.fleet` -- many servers at once: ``fleet.fan_out(servers, task)`` runs
  ``task(server)`` on a bounded thread pool and yields records and per-server failures as
  they arrive.
- :mod:`winsession.errors` / :mod:`winsession.codes` -- the exceptions below, ``NERR`` and
  ``WinError`` code enums with their messages.
- :mod:`winsession.testing` -- a simulated netapi32/wtsapi32 for your own tests, on any OS
  (``with Simulator(smb=[SmbSession(...)]) ...``; pytest fixture ``windows_simulator``).
  Importable, not imported here: ``import winsession`` stays fast.
- :mod:`winsession.cli` -- the ``winsession`` command (``python -m winsession smb list``;
  off Windows add ``--simulate`` for a demo table).

Errors are :class:`WinSessionError` (an ``OSError`` with ``.winerror``, ``.function``,
``.server`` and ``.symbol`` on every OS); catch them by meaning
(:class:`AccessDeniedError` is a ``PermissionError``, :class:`SessionNotFoundError` a
``LookupError``, as is :class:`OpenFileNotFoundError`; :class:`ServerNotFoundError` a
``ConnectionError``, ...) or by API family
(:class:`NetApiError`, :class:`WtsError`, :class:`ComError`). Records are frozen
dataclasses: ``dataclasses.asdict()`` gives dicts for JSON or pandas.

>>> import winsession
>>> from winsession import net, testing
>>> sim = testing.demo_simulator().start()      # off Windows: the demo table
>>> for s in net.enum_sessions(level=10):
...     print(s.client_name, s.user_name, s.idle_duration)
\\\\10.0.0.5 alice 0:00:20
\\\\10.0.0.6 bob 0:00:05
\\\\10.0.0.7 carol 2:00:00
>>> try:
...     net.delete_session(client="10.0.0.99")
... except winsession.SessionNotFoundError as e:
...     print(e.symbol, e.function)
NERR_ClientNameNotFound NetSessionDel
>>> sim.stop()

(The examples in winsession's docstrings start the demo table of
``winsession.testing.demo_simulator()``, so they run as shown on any OS; on Windows, leave out
the ``sim`` lines and you see your own sessions.)

The API modules load on first use, so ``import winsession`` costs about a millisecond.
Everything imports on any OS; calling an API off Windows raises
:class:`UnsupportedPlatformError` (simulate Windows there: ``winsession --simulate ...``, or
``with winsession.testing.demo_simulator():`` in Python).
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from . import errors
from .errors import (
    AccessDeniedError,
    ComError,
    InvalidLevelError,
    InvalidParameterError,
    NetApiError,
    OpenFileNotFoundError,
    SensUnavailableError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
    WtsError,
)

if _typing.TYPE_CHECKING:
    from . import codes, fleet, logon, net, sens, wts
    from ._who import LoggedOnUser, LoggedOnUsers, Route, who
    from .codes import NERR, WinError

__version__ = "0.1.0"

__all__ = [
    "NERR",
    "AccessDeniedError",
    "ComError",
    "InvalidLevelError",
    "InvalidParameterError",
    "LoggedOnUser",
    "LoggedOnUsers",
    "NetApiError",
    "OpenFileNotFoundError",
    "Route",
    "SensUnavailableError",
    "ServerNotFoundError",
    "SessionNotFoundError",
    "UnsupportedPlatformError",
    "WinError",
    "WinSessionError",
    "WtsError",
    "__version__",
    "codes",
    "errors",
    "fleet",
    "logon",
    "net",
    "sens",
    "who",
    "wts",
]

# Loaded on first use (PEP 562), so that `import winsession` costs only the exceptions and a
# program using net alone never builds wts's classes or the code tables.
_SUBMODULES = frozenset({"codes", "fleet", "logon", "net", "sens", "wts"})
_FROM_CODES = frozenset({"NERR", "WinError"})
_FROM_WHO = frozenset({"LoggedOnUser", "LoggedOnUsers", "Route", "who"})  # winsession._who


def __getattr__(name: str) -> _typing.Any:
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")  # binds it here as well
    if name in _FROM_CODES or name in _FROM_WHO:
        module = "codes" if name in _FROM_CODES else "_who"
        value = getattr(_importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)  # public names only, the lazily loaded ones included
