"""Read-only checks against the live system (tier windows-live: a real Windows runner).

Nothing here changes state: own session, console session, enumeration, details, and a
level-10 NetSessionEnum on this computer (which needs administrative rights since
Windows 10 1607: a non-elevated runner gets AccessDeniedError, which is then the check).
"""

from __future__ import annotations

import os

import pytest

import winsession
from winsession import net, wts

pytestmark = [pytest.mark.live, pytest.mark.windows]


def test_own_session_is_enumerated_with_details() -> None:
    own = wts.process_session_id(os.getpid())
    sessions = {s.session_id: s for s in wts.enumerate_sessions()}
    assert own in sessions
    details = wts.session_details(own)
    assert details.session_id == own
    assert details.win_station_name == sessions[own].win_station_name
    assert details.state == sessions[own].state
    assert wts.query_session_information(wts.CURRENT_SESSION, wts.InfoClass.SESSION_ID) == own


def test_console_session_id() -> None:
    console = wts.active_console_session_id()
    assert console is None or console in {s.session_id for s in wts.enumerate_sessions()}


def test_enumerate_sessions_ex_agrees() -> None:
    plain = {(s.session_id, s.state) for s in wts.enumerate_sessions()}
    ex = {(s.session_id, s.state) for s in wts.enumerate_sessions_ex()}
    assert plain == ex


def test_smb_sessions_on_localhost_level_10() -> None:
    try:
        sessions = list(net.enum_sessions(level=10))
    except winsession.AccessDeniedError as err:
        assert err.function == "NetSessionEnum" and "1607" in str(err)
    else:
        assert all(isinstance(s, net.SessionInfo10) for s in sessions)
