"""Against Wine's own secur32 and netapi32 (tier wine-builtin only): what Wine 8 really answers
to the logon calls, and that winsession handles it cleanly.

What Wine 8.0 returned when this was written:
- ``LsaEnumerateLogonSessions``: STATUS_SUCCESS with a count of 0 and a NULL list.
- ``LsaGetLogonSessionData``: STATUS_SUCCESS for ANY logon id (0x3e7, 0, 0x12345 alike), with
  a structure whose ``Size`` is 136 (the pre-Vista one, up to ``Upn``), only
  ``AuthenticationPackage`` set ("Negotiate"), ``LogonType`` 0, no SID, no logon time.
- ``LsaNtStatusToWinError``: the real mapping (STATUS_NO_SUCH_LOGON_SESSION -> 1312; an
  unknown status -> ERROR_MR_MID_NOT_FOUND).
- ``NetWkstaUserEnum``: a stub returning ERROR_INVALID_PARAMETER for every argument
  combination (servers NULL, "", "localhost", levels 0-2, with or without a resume handle),
  out-parameters untouched.
- ``NetWkstaUserGetInfo``: levels 0, 1 and 1101 answer the Unix user (logon domain: the
  computer name, other domains and logon server empty); other levels ERROR_INVALID_LEVEL.
"""

from __future__ import annotations

import pytest

from winsession import _dll, errors, logon, net

pytestmark = pytest.mark.builtin_dll


def test_these_are_wines_own_dlls() -> None:
    for name in ("secur32", "netapi32"):
        assert not hasattr(_dll.load(name), "stub_lsa_reset"), name
        assert not hasattr(_dll.load(name), "stub_get_last_error"), name


def test_wine_lists_no_logon_session() -> None:
    sessions = logon.enum_logon_sessions()
    assert list(sessions) == []
    assert (sessions.listed, sessions.skipped, sessions.vanished) == (0, 0, 0)


@pytest.mark.parametrize("logon_id", [0x3E7, 0, 0x12345, 0xFFFF_FFFF_0000_0001])
def test_wines_answer_for_any_id_decodes_as_an_old_structure(logon_id: int) -> None:
    s = logon.get_logon_session(logon_id)
    assert s.logon_id == logon_id  # Wine echoes the id asked for
    assert s.authentication_package == "Negotiate"
    assert (s.user_name, s.logon_domain, s.sid, s.logon_time) == ("", "", None, None)
    assert s.logon_type is logon.LogonType.UNDEFINED
    # Size 136: everything from UserFlags on is absent, not zero.
    assert s.user_flags is None and s.password_must_change is None


def test_wines_status_mapping_is_used() -> None:
    e = errors.lsa_error(-0x3FFFFFA1, 1312, "x")
    assert isinstance(e, errors.SessionNotFoundError)
    from winsession.raw import advapi32

    assert advapi32.LsaNtStatusToWinError(-0x3FFFFFA1) == 1312  # STATUS_NO_SUCH_LOGON_SESSION
    assert advapi32.LsaNtStatusToWinError(-0x3F21FFFF) == 317  # 0xC0DE0001: none


@pytest.mark.parametrize("server", [None, "localhost"])
@pytest.mark.parametrize("level", [0, 1])
def test_wines_workstation_enumeration_is_a_clean_error(server: object, level: int) -> None:
    with pytest.raises(errors.InvalidParameterError) as info:
        list(net.enum_workstation_users(server, level))  # type: ignore[arg-type]
    assert isinstance(info.value, errors.NetApiError)
    assert (info.value.winerror, info.value.function) == (87, "NetWkstaUserEnum")


def test_wine_answers_the_current_user() -> None:
    me = net.get_workstation_user()
    assert me.user_name and me.user_name == net.get_workstation_user(0).user_name
    assert (me.other_domains, me.logon_server) == ("", "")
    assert net.get_workstation_user(1101) == net.WorkstationUser1101("")
