"""A simulated netapi32, wtsapi32 and kernel32 for testing code that uses winsession.

Describe the world in a table -- :class:`SmbSession` (with its :class:`OpenFile` and
:class:`SmbConnection` rows), :class:`Session`, :class:`Process` --
and run your code inside a :class:`Simulator`. winsession's real code runs unchanged: it
calls through ctypes into this module's pure-Python implementation of the documented API
contracts (the same ones the C stand-ins in ``stubs/`` implement), receives real buffers
(structures followed by strings, as Windows lays them out), and frees them with
``NetApiBufferFree`` / ``WTSFreeMemory`` / ``WTSFreeMemoryExW``, which the simulator counts.
Works on any OS, Windows included, with no compiler and no DLL.

>>> from winsession import net
>>> from winsession.testing import Simulator, SmbSession
>>> with Simulator(smb=[SmbSession("\\\\\\\\10.0.0.5", "alice", idle_time=30)]) as sim:
...     [s.user_name for s in net.enum_sessions(level=10)]
['alice']

Fault injection: :meth:`Simulator.fail_on_call` (a status or last error on the N-th call),
:meth:`Simulator.vanish_on_call` (a Remote Desktop session disappears between calls),
:meth:`Simulator.remove_smb_on_call`, ``stall``/``lazy`` misbehaviours. Accounting:
:meth:`Simulator.assert_clean` fails when a buffer leaked, was freed twice or with the
wrong function, or a server handle stayed open.

With pytest, the ``windows_simulator`` fixture is there as soon as winsession is installed
(the plugin :mod:`winsession.testing.pytest_plugin` is registered through the standard
``pytest11`` entry point): an entered, empty :class:`Simulator` that is checked with
:meth:`~Simulator.assert_clean` after the test::

    def test_lists_alice(windows_simulator):
        windows_simulator.load(smb=[SmbSession("\\\\PC1", "alice")])
        assert [s.user_name for s in net.enum_sessions()] == ["alice"]

Where winsession is on the path without being installed, name the plugin in
``conftest.py``: ``pytest_plugins = ["winsession.testing.pytest_plugin"]``. pytest is not a
dependency of winsession: only that module imports it.
"""

from __future__ import annotations

from ._netapi32 import NetApiSimulator
from ._secur32 import LogonSession, LsaSimulator, WorkstationUser
from ._simulator import DEMO_EVENT_COUNT as DEMO_EVENT_COUNT  # what `ts watch --simulate` counts
from ._simulator import Simulator, demo_simulator
from ._tables import (
    LOCAL_SERVER,
    OpenFile,
    Process,
    Session,
    SimulatorError,
    SmbConnection,
    SmbSession,
)
from ._wtsapi32 import WtsSimulator

__all__ = [
    "LOCAL_SERVER",
    "LogonSession",
    "LsaSimulator",
    "NetApiSimulator",
    "OpenFile",
    "Process",
    "Session",
    "Simulator",
    "SimulatorError",
    "SmbConnection",
    "SmbSession",
    "WorkstationUser",
    "WtsSimulator",
    "demo_simulator",
]

# The pieces live in private modules and keep their __module__ (winsession.testing._tables),
# so inspect.getsource and tracebacks find them; they are public here.


def __dir__() -> list[str]:
    return list(__all__)  # public names only
