"""Remote Desktop Services (Terminal Services) sessions: list, inspect, disconnect, log off,
message, and wait for session events.

>>> from winsession import testing, wts
>>> sim = testing.demo_simulator().start()      # off Windows: the demo table
>>> for s in wts.enumerate_sessions():
...     print(s.session_id, s.win_station_name, s.state.name)
0 Services DISCONNECTED
1 Console ACTIVE
2 RDP-Tcp#3 ACTIVE
3  DISCONNECTED
65536 RDP-Tcp LISTEN
>>> print(wts.session_details(2).user)
CONTOSO\\alice
>>> sim.stop()

The examples here show the output of ``winsession.testing.demo_simulator()``, the small
Remote Desktop server that ``winsession --simulate`` runs against; each starts it where you
see it, so it runs as shown on any OS (on Windows, leave that line out to see your own).

Every function takes ``server=``: ``None`` (this computer), a server name, or a
:class:`Server` from :func:`open_server` (reuse one handle for many calls). Buffers the API
hands out are copied into Python objects and freed (``WTSFreeMemory``/``WTSFreeMemoryExW``)
before a function returns.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from ._enums import (
    CURRENT_SERVER_HANDLE,
    CURRENT_SESSION,
    ConnectState,
    Event,
    InfoClass,
    MessageResponse,
    MessageStyle,
    ProtocolType,
)
from ._events import EventWatcher, wait_system_event, watch_events
from ._query import query_session_information, session_details
from ._server import Server, open_server
from ._server import ServerArg as ServerArg  # the type of every server= argument
from ._sessions import (
    active_console_session_id,
    disconnect_session,
    enumerate_sessions,
    enumerate_sessions_ex,
    logoff_session,
    process_session_id,
    processes,
    send_message,
    terminate_process,
)
from ._types import (
    ClientAddress,
    ClientDisplay,
    ClientInfo,
    ConfigInfo,
    Process,
    SessionDetails,
    SessionInfo,
    SessionInfo1,
    StationInfo,
    StationInfoEx,
)

if _typing.TYPE_CHECKING:
    from ._control import (
        HotkeyModifier,
        ShutdownFlag,
        connect_session,
        enumerate_servers,
        shutdown_system,
        start_remote_control,
        stop_remote_control,
    )
    from ._notify import SessionChange, SessionChangeKind, SessionChanges
    from ._token import SpawnedProcess, UserToken, query_user_token, spawn_in_session

__all__ = [
    "CURRENT_SERVER_HANDLE",
    "CURRENT_SESSION",
    "ClientAddress",
    "ClientDisplay",
    "ClientInfo",
    "ConfigInfo",
    "ConnectState",
    "Event",
    "EventWatcher",
    "HotkeyModifier",
    "InfoClass",
    "MessageResponse",
    "MessageStyle",
    "Process",
    "ProtocolType",
    "Server",
    "SessionChange",
    "SessionChangeKind",
    "SessionChanges",
    "SessionDetails",
    "SessionInfo",
    "SessionInfo1",
    "ShutdownFlag",
    "SpawnedProcess",
    "StationInfo",
    "StationInfoEx",
    "UserToken",
    "active_console_session_id",
    "connect_session",
    "disconnect_session",
    "enumerate_servers",
    "enumerate_sessions",
    "enumerate_sessions_ex",
    "logoff_session",
    "open_server",
    "process_session_id",
    "processes",
    "query_session_information",
    "query_user_token",
    "send_message",
    "session_details",
    "shutdown_system",
    "spawn_in_session",
    "start_remote_control",
    "stop_remote_control",
    "terminate_process",
    "wait_system_event",
    "watch_events",
]

# Loaded on first use (PEP 562): session notifications (user32), tokens and spawning
# (advapi32, userenv, subprocess) and remote control cost import time that a program listing
# sessions should not pay.
_LAZY = {
    "HotkeyModifier": "_control",
    "SessionChange": "_notify",
    "SessionChangeKind": "_notify",
    "SessionChanges": "_notify",
    "ShutdownFlag": "_control",
    "SpawnedProcess": "_token",
    "UserToken": "_token",
    "connect_session": "_control",
    "enumerate_servers": "_control",
    "query_user_token": "_token",
    "shutdown_system": "_control",
    "spawn_in_session": "_token",
    "start_remote_control": "_control",
    "stop_remote_control": "_control",
}


# The pieces live in private modules and keep their __module__ (winsession.wts._server), so
# inspect.getsource, tracebacks and Sphinx's source links find them; they are public here.


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = _importlib.import_module(f"{__name__}.{module}")
    mine = [n for n, m in _LAZY.items() if m == module]
    globals().update({n: getattr(loaded, n) for n in mine})
    return globals()[name]


def __dir__() -> list[str]:
    return list(__all__)  # public names only, the lazily loaded ones included
