"""Testing your own tool with winsession.testing -- on Linux CI, no Windows needed.

The "tool" below closes SMB sessions idle for longer than a limit. The tests describe the
file server's sessions in a table, run the tool against the simulator (winsession's real
code runs; only the DLL is simulated) and check what is left. Run with ``pytest`` from this
folder. An installed winsession gives pytest the ``windows_simulator`` fixture by itself (a
``pytest11`` plugin); this folder's ``conftest.py`` names the plugin because here winsession
may be on the path without being installed.
"""

from __future__ import annotations

from typing import Optional

import pytest

from winsession import AccessDeniedError, net
from winsession.testing import Simulator, SmbSession


def close_idle_sessions(max_idle_seconds: int, server: Optional[str] = None) -> list[str]:
    """The tool under test: close every session idle longer than the limit."""
    closed = []
    for s in list(net.enum_sessions(server, level=10)):
        if s.idle_time > max_idle_seconds:
            net.delete_session(server, client=s.client_name, user=s.user_name)
            closed.append(f"{s.client_name} {s.user_name}")
    return closed


TABLE = [
    SmbSession("\\\\10.0.0.5", "alice", idle_time=30),
    SmbSession("\\\\10.0.0.6", "bob", idle_time=7200),
    SmbSession("\\\\10.0.0.7", "carol", idle_time=4000),
]


def test_closes_only_idle_sessions() -> None:
    with Simulator(smb=TABLE) as sim:
        assert close_idle_sessions(3600) == ["\\\\10.0.0.6 bob", "\\\\10.0.0.7 carol"]
        assert [s.user_name for s in net.enum_sessions(level=10)] == ["alice"]
        sim.assert_clean()  # every API buffer was freed


def test_reports_access_denied() -> None:
    with Simulator(smb=TABLE) as sim:
        sim.fail_on_call(1, 5)  # ERROR_ACCESS_DENIED: not elevated
        with pytest.raises(AccessDeniedError):
            close_idle_sessions(3600)


def test_with_the_fixture(windows_simulator: Simulator) -> None:
    windows_simulator.load(smb=TABLE)
    assert close_idle_sessions(10_000) == []
