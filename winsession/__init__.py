"""winsession: Windows sessions in pure ctypes.

- :mod:`winsession.net` -- SMB sessions on a server: ``enum_sessions``, ``get_session_info``,
  ``delete_session`` (netapi32 ``NetSession*``).
- :mod:`winsession.wts` -- Remote Desktop sessions: ``enumerate_sessions``,
  ``session_details``, ``disconnect_session``, ``logoff_session``, ``send_message``,
  ``watch_events`` (wtsapi32).

Errors are :class:`WinSessionError` (an ``OSError`` with ``.winerror`` and ``.function`` on
every OS); catch them by meaning (:class:`AccessDeniedError`, :class:`SessionNotFoundError`,
:class:`ServerNotFoundError`, ...) or by API family (:class:`NetApiError`, ...).
:class:`NERR` names every LAN Manager error code.

>>> import winsession
>>> for s in winsession.net.enum_sessions(level=10):       # doctest: +SKIP
...     print(s.client_name, s.user_name)

Everything imports on any OS; calling an API off Windows raises
:class:`UnsupportedPlatformError`.
"""

from __future__ import annotations

from . import net, wts
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
    "net",
    "wts",
]
