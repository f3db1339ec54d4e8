"""SMB sessions, open files and connections on a Windows server: list them, look one up,
close them.

>>> from winsession import net, testing
>>> sim = testing.demo_simulator().start()      # off Windows: the demo table
>>> for s in net.enum_sessions(level=10):
...     print(s.client_name, s.user_name, s.idle_duration)
\\\\10.0.0.5 alice 0:00:20
\\\\10.0.0.6 bob 0:00:05
\\\\10.0.0.7 carol 2:00:00
>>> for f in net.enum_files(user="alice"):
...     print(f.file_id, f.permissions.text, f.path_name)
101 READ|WRITE C:\\Shares\\Projects\\plan.docx
102 READ|WRITE C:\\Shares\\Projects\\budget.xlsx
103 READ C:\\Shares\\Public\\readme.txt
>>> sim.stop()

The examples in this module show the output of :func:`winsession.testing.demo_simulator`
(SMB sessions of alice, bob and carol, and the files they hold open), the table
``winsession --simulate`` runs against; each starts it where you see it, so it runs as shown
on any OS (on Windows, leave that line out to see your own).

``enum_sessions``, ``enum_files`` and ``enum_connections`` stream: they ask the API for one
page at a time (following the resume handle through ``ERROR_MORE_DATA``), copy the page into
frozen dataclasses, free the API's buffer with ``NetApiBufferFree`` and only then yield -- so
memory is bounded by one page, and stopping early, an exception or ``close()`` can never
leak a buffer.

Since Windows 10 1607 / Server 2019, every level needs administrative rights by default;
without them the calls raise :class:`~winsession.errors.AccessDeniedError`.
"""

from __future__ import annotations

from ._common import MAX_PREFERRED_LENGTH
from ._connections import (
    ConnectionInfo,
    ConnectionInfo0,
    ConnectionInfo1,
    ShareType,
    enum_connections,
)
from ._files import (
    FileInfo,
    FileInfo2,
    FileInfo3,
    FilePermissions,
    close_file,
    enum_files,
    get_file_info,
)
from ._sessions import (
    SessionFlags,
    SessionInfo,
    SessionInfo0,
    SessionInfo1,
    SessionInfo2,
    SessionInfo10,
    SessionInfo502,
    delete_session,
    enum_sessions,
    get_session_info,
)
from ._workstation import (
    WorkstationUser,
    WorkstationUser0,
    WorkstationUser1,
    WorkstationUser1101,
    enum_workstation_users,
    get_workstation_user,
)

__all__ = [
    "MAX_PREFERRED_LENGTH",
    "ConnectionInfo",
    "ConnectionInfo0",
    "ConnectionInfo1",
    "FileInfo",
    "FileInfo2",
    "FileInfo3",
    "FilePermissions",
    "SessionFlags",
    "SessionInfo",
    "SessionInfo0",
    "SessionInfo1",
    "SessionInfo2",
    "SessionInfo10",
    "SessionInfo502",
    "ShareType",
    "WorkstationUser",
    "WorkstationUser0",
    "WorkstationUser1",
    "WorkstationUser1101",
    "close_file",
    "delete_session",
    "enum_connections",
    "enum_files",
    "enum_sessions",
    "enum_workstation_users",
    "get_file_info",
    "get_session_info",
    "get_workstation_user",
]

# The pieces live in private modules and keep their __module__ (winsession.net._sessions), so
# inspect.getsource, tracebacks and Sphinx's source links find them; they are public here.


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not `annotations` or the private modules)
