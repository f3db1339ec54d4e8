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
``LookupError``, :class:`ServerNotFoundError` a ``ConnectionError``, ...) or by API family
(:class:`NetApiError`, :class:`WtsError`, :class:`ComError`). Records are frozen
dataclasses: ``dataclasses.asdict()`` gives dicts for JSON or pandas.

>>> import winsession
>>> from winsession import net
>>> for s in net.enum_sessions(level=10):                  # doctest: +SKIP
...     print(s.client_name, s.user_name, s.idle_duration)
\\\\10.0.0.5 alice 0:00:20

Everything imports on any OS; calling an API off Windows raises
:class:`UnsupportedPlatformError` (try ``winsession.testing`` there).
"""

from __future__ import annotations

from . import codes, errors, net, wts
from .codes import NERR, WinError
from .errors import (
    AccessDeniedError,
    ComError,
    InvalidLevelError,
    InvalidParameterError,
    NetApiError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
    WtsError,
)

__version__ = "0.1.0"

__all__ = [
    "NERR",
    "AccessDeniedError",
    "ComError",
    "InvalidLevelError",
    "InvalidParameterError",
    "NetApiError",
    "ServerNotFoundError",
    "SessionNotFoundError",
    "UnsupportedPlatformError",
    "WinError",
    "WinSessionError",
    "WtsError",
    "__version__",
    "codes",
    "errors",
    "net",
    "wts",
]
