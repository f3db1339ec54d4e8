"""net.enum_workstation_users / net.get_workstation_user through the real ctypes calls into the
netapi32 stand-in (host and Wine tiers) and the simulator (every tier)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import NET_NULL_BUFFER, NET_REPEAT, NET_SPIN, NetStub, WkstaStub

from winsession import errors, net
from winsession.testing import Simulator, WorkstationUser

ROWS = [
    (None, "alice", "CONTOSO", "", "DC01"),
    (None, "Administrator", "CONTOSO", "FABRIKAM", "DC01"),
    (None, "STANDIN$", "CONTOSO", "", ""),
    ("FS1", "svc-sql", "CONTOSO", "", "DC02"),
]


def load(stub: WkstaStub, rows: Any = ROWS) -> None:
    for row in rows:
        assert stub.add_user(*row) > 0


def test_level_1_gives_every_member(netstub: NetStub, wkstastub: WkstaStub) -> None:
    load(wkstastub)
    users = list(net.enum_workstation_users())
    assert users == [net.WorkstationUser1(*row[1:]) for row in ROWS[:3]]
    assert [u.user_name for u in net.enum_workstation_users(level=0)] == [
        "alice", "Administrator", "STANDIN$"]  # fmt: skip
    assert list(net.enum_workstation_users("FS1")) == [net.WorkstationUser1(*ROWS[3][1:])]
    assert netstub.frees() == netstub.allocs() == 3


@given(st.integers(1, 200), st.integers(0, 30))
def test_paging_gives_every_user_once(_netstub: NetStub, prefmaxlen: int, count: int) -> None:
    stub = WkstaStub()
    stub.reset()
    _netstub.reset()
    try:
        names = [f"user{i}" for i in range(count)]
        load(stub, [(None, name, "D", "", "DC") for name in names])
        got = [u.user_name for u in net.enum_workstation_users(level=0, prefmaxlen=prefmaxlen)]
        assert got == names
        assert _netstub.last_prefmaxlen() == prefmaxlen or not count
    finally:
        stub.reset()
        _netstub.assert_clean()


def test_stopping_early_leaks_nothing(netstub: NetStub, wkstastub: WkstaStub) -> None:
    load(wkstastub)
    users = net.enum_workstation_users(level=0, prefmaxlen=1)  # one user per page
    assert next(users).user_name == "alice"
    users.close()  # type: ignore[attr-defined]
    assert netstub.outstanding() == 0 and netstub.calls() == 1


def test_errors(netstub: NetStub, wkstastub: WkstaStub) -> None:
    load(wkstastub)
    with pytest.raises(errors.ServerNotFoundError):
        list(net.enum_workstation_users("NOWHERE"))
    netstub.set_privileged(0)
    with pytest.raises(errors.AccessDeniedError) as info:
        list(net.enum_workstation_users())
    assert info.value.function == "NetWkstaUserEnum"
    netstub.set_privileged(1)
    with pytest.raises(errors.InvalidLevelError):
        net.enum_workstation_users(level=2)
    with pytest.raises(errors.InvalidLevelError):
        net.enum_workstation_users(level=1101)  # NetWkstaUserGetInfo's level only
    assert netstub.calls() == 2  # the level checks made no call


@pytest.mark.parametrize("mode", [NET_NULL_BUFFER, NET_SPIN, NET_REPEAT])
def test_hostile_answers_end_cleanly(netstub: NetStub, wkstastub: WkstaStub, mode: int) -> None:
    load(wkstastub)
    netstub.hostile(mode, 2)
    with pytest.raises(errors.NetApiError) as info:
        list(net.enum_workstation_users(level=0, prefmaxlen=1))
    assert info.value.winerror in (13, 234)  # ERROR_INVALID_DATA, or paging that would loop


def test_get_workstation_user_is_the_caller(netstub: NetStub, wkstastub: WkstaStub) -> None:
    load(wkstastub)
    assert net.get_workstation_user() == net.WorkstationUser1(*ROWS[0][1:])
    assert net.get_workstation_user(level=0) == net.WorkstationUser0("alice")
    assert net.get_workstation_user(1101) == net.WorkstationUser1101("")
    with pytest.raises(errors.InvalidLevelError):
        net.get_workstation_user(level=2)
    with pytest.raises(ValueError, match="local only"):
        net.get_workstation_user(server="FS1")  # type: ignore[arg-type]
    assert net.get_workstation_user(server="") == net.WorkstationUser1(*ROWS[0][1:])
    assert netstub.frees() == 4


def test_get_workstation_user_with_nobody(netstub: NetStub, wkstastub: WkstaStub) -> None:
    with pytest.raises(errors.SessionNotFoundError) as info:
        net.get_workstation_user()
    assert info.value.winerror == 1312


def test_the_simulator_answers_the_same() -> None:
    rows = [WorkstationUser(*row[1:], server=row[0]) for row in ROWS]  # type: ignore[misc]
    with Simulator(workstation_users=rows) as sim:
        assert list(net.enum_workstation_users()) == [net.WorkstationUser1(*r[1:])
                                                      for r in ROWS[:3]]  # fmt: skip
        assert [u.user_name for u in net.enum_workstation_users("FS1", level=0, prefmaxlen=1)] == [
            "svc-sql"
        ]
        assert net.get_workstation_user(level=0).user_name == "alice"
        sim.fail_on_call(sim.net.calls + 1, 5)
        with pytest.raises(errors.AccessDeniedError):
            list(net.enum_workstation_users())
        sim.assert_clean()
