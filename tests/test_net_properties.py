"""Hypothesis properties of enum_sessions paging and error mapping, against the stand-in."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stubctl import NetStub, Session

import winsession
from winsession import net
from winsession.codes import NERR, WinError
from winsession.errors import NetApiError, error_class

# Any text a Windows name could hold: no NUL, no lone surrogates (not valid UTF-16).
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    min_size=1,
    max_size=20,
)
u32 = st.integers(0, 2**32 - 1)
sessions = st.builds(
    Session,
    cname=names,
    username=names,
    num_opens=u32,
    time=u32,
    idle_time=u32,
    user_flags=st.integers(0, 3),
    cltype_name=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
        max_size=12,
    ),
    transport=names,
)
tables = st.lists(sessions, max_size=40)
prefmaxlens = st.one_of(st.integers(0, 3000), st.just(net.MAX_PREFERRED_LENGTH))
levels = st.sampled_from([0, 1, 2, 10, 502])


def expected(table: list[Session], level: int) -> list[net.SessionInfo0]:
    return [s.record(level) for s in table]


@given(table=tables, prefmaxlen=prefmaxlens, level=levels)
def test_enum_yields_exactly_the_table(
    _netstub: NetStub, table: list[Session], prefmaxlen: int, level: int
) -> None:
    _netstub.load(table)
    assert list(net.enum_sessions(level=level, prefmaxlen=prefmaxlen)) == expected(table, level)
    _netstub.assert_clean()
    assert _netstub.allocs() == _netstub.frees()


@given(table=tables, prefmaxlen=prefmaxlens, level=levels, data=st.data())
def test_consumer_stopping_after_k_items_leaks_nothing(
    _netstub: NetStub, table: list[Session], prefmaxlen: int, level: int, data: st.DataObject
) -> None:
    _netstub.load(table)
    k = data.draw(st.integers(0, len(table)), label="k")
    it = net.enum_sessions(level=level, prefmaxlen=prefmaxlen)
    taken = [next(it) for _ in range(k)]
    it.close()
    assert taken == expected(table, level)[:k]
    _netstub.assert_clean()


@given(table=tables, prefmaxlen=st.integers(0, 600), level=levels, data=st.data())
def test_fault_at_page_n_raises_after_yielding_earlier_pages(
    _netstub: NetStub, table: list[Session], prefmaxlen: int, level: int, data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, 6), label="page")
    _netstub.load(table)
    _netstub.fail_on_call(n, WinError.RPC_S_SERVER_UNAVAILABLE)
    got: list[net.SessionInfo0] = []
    try:
        for record in net.enum_sessions(level=level, prefmaxlen=prefmaxlen):
            got.append(record)
    except winsession.ServerNotFoundError as err:
        assert err.winerror == WinError.RPC_S_SERVER_UNAVAILABLE
        assert _netstub.calls() == n
    else:
        assert _netstub.calls() < n  # finished before page n
    assert got == expected(table, level)[: len(got)]
    _netstub.assert_clean()


@given(table=tables, prefmaxlen=st.integers(0, 600), level=levels, data=st.data())
def test_table_shrinking_between_pages(
    _netstub: NetStub, table: list[Session], prefmaxlen: int, level: int, data: st.DataObject
) -> None:
    assume(table)
    call = data.draw(st.integers(2, 5), label="call")
    index = data.draw(st.integers(0, len(table) - 1), label="index")
    _netstub.load(table)
    _netstub.remove_on_call(call, index)
    got = list(net.enum_sessions(level=level, prefmaxlen=prefmaxlen))
    # Documented outcome: no crash, no leak, records come in table order, each one a
    # session that existed; at most one session is missed (the resume handle is a
    # position), and the removed one may or may not have been seen.
    full = iter(expected(table, level))
    assert all(any(r == f for f in full) for r in got), "not a subsequence of the table"
    assert len(got) >= len(table) - 2
    _netstub.assert_clean()


@given(table=st.lists(sessions, min_size=2, max_size=20), data=st.data())
def test_table_growing_while_consumer_iterates(
    _netstub: NetStub, table: list[Session], data: st.DataObject
) -> None:
    _netstub.load(table)
    extra = data.draw(st.lists(sessions, min_size=1, max_size=5), label="extra")
    got = []
    for i, record in enumerate(net.enum_sessions(level=10, prefmaxlen=1)):
        got.append(record)
        if i == 0:  # between page 1 and page 2, the consumer adds sessions
            for s in extra:
                _netstub.add_session(None, s.cname, s.username, 0, s.time, s.idle_time, 0, "", "")
    # Rows appended behind the resume position are part of the rest of the enumeration.
    assert got == expected(table, 10) + expected(extra, 10)
    _netstub.assert_clean()


# --- error mapping --------------------------------------------------------------------------

ALL_CODES = sorted(({int(c) for c in NERR} | {int(c) for c in WinError}) - {0, 234})
FUNCTIONS = ["NetSessionEnum", "NetSessionGetInfo", "NetSessionDel"]


def call(function: str, server: str) -> None:
    if function == "NetSessionEnum":
        list(net.enum_sessions(server, level=10))
    elif function == "NetSessionGetInfo":
        net.get_session_info("pc", "user", server=server, level=10)
    else:
        net.delete_session(server, client="pc")


@given(code=st.sampled_from(ALL_CODES), function=st.sampled_from(FUNCTIONS))
def test_every_code_lands_on_its_class(_netstub: NetStub, code: int, function: str) -> None:
    _netstub.reset()
    _netstub.fail_on_call(1, code)
    with pytest.raises(winsession.WinSessionError) as info:
        call(function, "STANDIN")
    err = info.value
    assert type(err) is error_class(NetApiError, code)
    assert isinstance(err, NetApiError) and isinstance(err, OSError)
    assert err.winerror == code
    assert err.function == function
    assert err.server == "STANDIN"
    text = str(err)
    assert function in text and err.symbol in text and "STANDIN" in text
    _netstub.assert_clean()


@pytest.mark.parametrize(
    ("code", "meaning"),
    [
        (WinError.ERROR_ACCESS_DENIED, winsession.AccessDeniedError),
        (NERR.ClientNameNotFound, winsession.SessionNotFoundError),
        (NERR.UserNotFound, winsession.SessionNotFoundError),
        (WinError.ERROR_BAD_NETPATH, winsession.ServerNotFoundError),
        (NERR.InvalidComputer, winsession.ServerNotFoundError),
        (WinError.RPC_S_SERVER_UNAVAILABLE, winsession.ServerNotFoundError),
        (WinError.ERROR_INVALID_LEVEL, winsession.InvalidLevelError),
        (WinError.ERROR_INVALID_PARAMETER, winsession.InvalidParameterError),
        (WinError.ERROR_NOT_ENOUGH_MEMORY, winsession.NetApiError),
    ],
)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_documented_codes_map_to_documented_classes(
    netstub: NetStub, code: int, meaning: type[Exception], function: str
) -> None:
    netstub.fail_on_call(1, code)
    with pytest.raises(meaning) as info:
        call(function, "STANDIN")
    assert isinstance(info.value, winsession.NetApiError)
    assert info.value.winerror == code
