"""winsession.net against the netapi32 stand-in, through the real ctypes calls."""

from __future__ import annotations

import ctypes
import datetime
import gc
import operator
import pickle

import pytest
from stubctl import NetStub, Session

import winsession
from winsession import net
from winsession.codes import NERR, WinError
from winsession.raw import netapi32 as raw

ALICE = Session("\\\\10.0.0.5", "alice", 3, 3600, 20, 0, "Windows 10", "\\Device\\NetbiosSmb")
BOB = Session("\\\\10.0.0.6", "bob", 1, 120, 5, 1, "Samba", "\\Device\\Tcpip")
ALICE2 = Session("\\\\10.0.0.7", "alice", 0, 10, 10, 2, "macOS", "tcp")
TABLE = [ALICE, BOB, ALICE2]


def as_502(s: Session) -> net.SessionInfo502:
    record: net.SessionInfo502 = s.record(502)
    return record


# --- enumeration -----------------------------------------------------------------------


def test_enum_level_502_yields_every_field(netstub: NetStub) -> None:
    netstub.load(TABLE)
    assert list(net.enum_sessions()) == [as_502(s) for s in TABLE]
    assert netstub.last_prefmaxlen() == net.MAX_PREFERRED_LENGTH


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (0, net.SessionInfo0("\\\\10.0.0.6")),
        (10, net.SessionInfo10("\\\\10.0.0.6", "bob", 120, 5)),
        (1, net.SessionInfo1("\\\\10.0.0.6", "bob", 1, 120, 5, net.SessionFlags.GUEST)),
        (2, net.SessionInfo2("\\\\10.0.0.6", "bob", 1, 120, 5, net.SessionFlags.GUEST, "Samba")),
        (502, as_502(BOB)),
    ],
)
def test_enum_each_level_decodes_its_struct(
    netstub: NetStub, level: int, expected: net.SessionInfo0
) -> None:
    netstub.load([BOB])
    (record,) = net.enum_sessions(level=level)
    assert type(record) is type(expected)
    assert record == expected


def test_flags_decode_to_intflag(netstub: NetStub) -> None:
    netstub.load([Session("\\\\c", "u", user_flags=3)])
    (record,) = net.enum_sessions(level=1)
    assert record.user_flags == net.SessionFlags.GUEST | net.SessionFlags.NOENCRYPTION
    assert isinstance(record.user_flags, net.SessionFlags)


def test_enum_empty_server(netstub: NetStub) -> None:
    assert list(net.enum_sessions(level=10)) == []
    assert netstub.calls() == 1


@pytest.mark.parametrize("client", ["10.0.0.5", "\\\\10.0.0.5", "\\10.0.0.5"])
def test_client_filter_accepts_name_with_or_without_backslashes(
    netstub: NetStub, client: str
) -> None:
    netstub.load(TABLE)
    assert [s.user_name for s in net.enum_sessions(client=client, level=10)] == ["alice"]


def test_user_filter_and_both(netstub: NetStub) -> None:
    netstub.load(TABLE)
    assert [s.client_name for s in net.enum_sessions(user="ALICE", level=10)] == [
        "\\\\10.0.0.5",
        "\\\\10.0.0.7",
    ]
    assert [s.client_name for s in net.enum_sessions(client="10.0.0.7", user="alice")] == [
        "\\\\10.0.0.7"
    ]


def test_filter_matching_nothing_is_empty_not_an_error(netstub: NetStub) -> None:
    netstub.load(TABLE)
    assert list(net.enum_sessions(client="nobody")) == []
    assert list(net.enum_sessions(user="nobody")) == []
    assert netstub.calls() == 2  # both calls reached the stand-in and were answered "not found"


def test_remote_server(netstub: NetStub) -> None:
    netstub.load([Session("\\\\pc", "carol", server="FS01"), ALICE])
    assert [s.user_name for s in net.enum_sessions("FS01", level=10)] == ["carol"]
    assert [s.user_name for s in net.enum_sessions("\\\\fs01", level=10)] == ["carol"]
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["alice"]
    assert [s.user_name for s in net.enum_sessions("", level=10)] == ["alice"]


def test_unknown_server_raises_server_not_found(netstub: NetStub) -> None:
    with pytest.raises(winsession.ServerNotFoundError) as info:
        list(net.enum_sessions("NOSUCH"))
    err = info.value
    assert isinstance(err, ConnectionError)
    assert isinstance(err, winsession.NetApiError)
    assert err.winerror == WinError.ERROR_BAD_NETPATH
    assert err.function == "NetSessionEnum"
    assert err.server == "NOSUCH"
    assert "NOSUCH" in str(err) and "ERROR_BAD_NETPATH" in str(err)


def test_paging_follows_resume_handle(netstub: NetStub) -> None:
    table = [Session(f"\\\\c{i}", f"user{i}", i, i, i) for i in range(25)]
    netstub.load(table)
    records = list(net.enum_sessions(level=10, prefmaxlen=64))
    assert [r.user_name for r in records] == [s.username for s in table]
    assert netstub.calls() > 5  # really paged
    assert netstub.last_prefmaxlen() == 64


def test_page_is_freed_before_the_first_record_is_yielded(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(10)])
    it = net.enum_sessions(level=0, prefmaxlen=40)
    first = next(it)
    assert first.client_name == "\\\\c0"
    assert netstub.outstanding() == 0  # the page behind `first` is already freed
    assert netstub.allocs() == netstub.frees() == 1
    it.close()


def test_stopping_early_leaks_nothing(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(10)])
    it = net.enum_sessions(level=10, prefmaxlen=50)
    assert [next(it).client_name for _ in range(3)] == ["\\\\c0", "\\\\c1", "\\\\c2"]
    del it
    gc.collect()
    assert netstub.outstanding() == 0


def test_wine_style_success_without_outputs_is_empty(netstub: NetStub) -> None:
    # Wine's builtin NetSessionEnum returns NERR_Success and writes nothing: the iterator
    # must be empty, not garbage from uninitialised out-parameters.
    netstub.load(TABLE)
    netstub.lazy_on_call(1)
    assert list(net.enum_sessions()) == []
    assert netstub.allocs() == 0


def test_stalled_page_raises_instead_of_looping(netstub: NetStub) -> None:
    netstub.load(TABLE)
    netstub.stall_on_call(1)
    with pytest.raises(winsession.NetApiError, match="unchanged resume handle") as info:
        list(net.enum_sessions())
    assert info.value.winerror == WinError.ERROR_MORE_DATA
    assert netstub.calls() == 1


def test_stall_after_progress_still_raises(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(6)])
    netstub.stall_on_call(2)
    got = []
    with pytest.raises(winsession.NetApiError):
        for record in net.enum_sessions(level=0, prefmaxlen=24):
            got.append(record.client_name)
    assert got and got == [f"\\\\c{i}" for i in range(len(got))]


def test_fault_on_later_page_frees_earlier_pages(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(8)])
    netstub.fail_on_call(3, WinError.ERROR_NOT_ENOUGH_MEMORY)
    got = []
    with pytest.raises(winsession.NetApiError) as info:
        for record in net.enum_sessions(level=0, prefmaxlen=24):
            got.append(record)
    assert info.value.winerror == WinError.ERROR_NOT_ENOUGH_MEMORY
    assert len(got) == 2  # one entry per page at this prefmaxlen; page 3 failed
    assert netstub.allocs() == netstub.frees() == 2


def test_session_removed_between_pages(netstub: NetStub) -> None:
    table = [Session(f"\\\\c{i}", "u") for i in range(6)]
    netstub.load(table)
    netstub.remove_on_call(3, 0)  # the first session disappears before page 3
    names = [r.client_name for r in net.enum_sessions(level=0, prefmaxlen=24)]
    # The resume handle is a position: one later entry slides under it and is missed.
    assert names == ["\\\\c0", "\\\\c1", "\\\\c3", "\\\\c4", "\\\\c5"]
    assert len(set(names)) == len(names)


def test_arguments_are_passed_exactly(netstub: NetStub) -> None:
    netstub.load(TABLE)
    list(net.enum_sessions(level=10, prefmaxlen=12345))
    assert netstub.last_prefmaxlen() == 12345


# --- argument checks (no DLL call) --------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "argument"),
    [
        ({"server": 5}, TypeError, "server"),
        ({"client": b"pc"}, TypeError, "client"),
        ({"user": 1.5}, TypeError, "user"),
        ({"server": "a\0b"}, ValueError, "server"),
        ({"client": "pc\0"}, ValueError, "client"),
        ({"user": "\0"}, ValueError, "user"),
        ({"client": ""}, ValueError, "client"),
        ({"client": "\\\\"}, ValueError, "client"),
        ({"user": ""}, ValueError, "user"),
        ({"level": 3}, ValueError, "level"),
        ({"level": -1}, ValueError, "level"),
        ({"level": "10"}, TypeError, "level"),
        ({"level": True}, TypeError, "level"),
        ({"prefmaxlen": -1}, ValueError, "prefmaxlen"),
        ({"prefmaxlen": 2**32}, ValueError, "prefmaxlen"),
        ({"prefmaxlen": None}, TypeError, "prefmaxlen"),
    ],
)
def test_bad_arguments_raise_before_any_call(
    netstub: NetStub, kwargs: dict[str, object], exc: type[Exception], argument: str
) -> None:
    with pytest.raises(exc, match=argument):
        net.enum_sessions(**kwargs)  # type: ignore[call-overload]
    assert netstub.calls() == 0


def test_bad_level_is_invalid_level_error(netstub: NetStub) -> None:
    with pytest.raises(winsession.InvalidLevelError) as info:
        net.enum_sessions(level=3)  # type: ignore[call-overload]
    assert info.value.winerror == WinError.ERROR_INVALID_LEVEL
    assert info.value.function == "NetSessionEnum"
    assert "0, 1, 2, 10, 502" in str(info.value)


# --- NetSessionGetInfo ------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1, 2, 10])
def test_get_session_info_levels(netstub: NetStub, level: int) -> None:
    netstub.load(TABLE)
    record = net.get_session_info("10.0.0.6", "bob", level=level)
    expected = next(net.enum_sessions(client="10.0.0.6", user="bob", level=level))
    assert record == expected
    assert record.client_name == "\\\\10.0.0.6"


def test_get_session_info_default_level_is_2(netstub: NetStub) -> None:
    netstub.load(TABLE)
    record = net.get_session_info("\\\\10.0.0.5", "alice")
    assert type(record) is net.SessionInfo2
    assert record.client_type == "Windows 10"


def test_get_session_info_not_found(netstub: NetStub) -> None:
    netstub.load(TABLE)
    with pytest.raises(winsession.SessionNotFoundError) as info:
        net.get_session_info("10.0.0.9", "alice", server="")
    assert info.value.winerror == NERR.ClientNameNotFound
    assert isinstance(info.value, LookupError)
    with pytest.raises(winsession.SessionNotFoundError) as info:
        net.get_session_info("10.0.0.5", "bob")
    assert info.value.winerror == NERR.UserNotFound
    assert info.value.function == "NetSessionGetInfo"


@pytest.mark.parametrize("level", [502, 3, 100])
def test_get_session_info_rejects_undocumented_levels(netstub: NetStub, level: int) -> None:
    with pytest.raises(winsession.InvalidLevelError, match="level must be one of 0, 1, 2, 10"):
        net.get_session_info("pc", "u", level=level)
    assert netstub.calls() == 0


@pytest.mark.parametrize(
    ("args", "exc"),
    [
        ((None, "u"), TypeError),
        (("pc", None), TypeError),
        (("", "u"), ValueError),
        (("pc", ""), ValueError),
        ((1, "u"), TypeError),
    ],
)
def test_get_session_info_requires_client_and_user(
    netstub: NetStub, args: tuple[object, object], exc: type[Exception]
) -> None:
    with pytest.raises(exc):
        net.get_session_info(*args)  # type: ignore[arg-type]
    assert netstub.calls() == 0


# --- NetSessionDel --------------------------------------------------------------------------


def remaining(netstub: NetStub) -> list[tuple[str, str]]:
    return [(s.client_name, s.user_name) for s in net.enum_sessions(level=10)]


def test_delete_by_client_removes_all_from_that_client(netstub: NetStub) -> None:
    netstub.load([ALICE, Session("\\\\10.0.0.5", "dave"), BOB])
    net.delete_session(client="10.0.0.5")
    assert remaining(netstub) == [("\\\\10.0.0.6", "bob")]


def test_delete_by_user_removes_all_of_that_user(netstub: NetStub) -> None:
    netstub.load(TABLE)
    net.delete_session(user="alice")
    assert remaining(netstub) == [("\\\\10.0.0.6", "bob")]


def test_delete_by_both_removes_one(netstub: NetStub) -> None:
    netstub.load([ALICE, Session("\\\\10.0.0.5", "dave"), ALICE2])
    net.delete_session(client="\\\\10.0.0.5", user="alice")
    assert remaining(netstub) == [("\\\\10.0.0.5", "dave"), ("\\\\10.0.0.7", "alice")]


def test_delete_needs_client_or_user(netstub: NetStub) -> None:
    netstub.load(TABLE)
    with pytest.raises(ValueError, match="client=, user="):
        net.delete_session()
    with pytest.raises(ValueError, match="client=, user="):
        net.delete_session("SERVER")
    assert netstub.calls() == 0
    assert netstub.session_count() == 3


def test_delete_not_found(netstub: NetStub) -> None:
    netstub.load(TABLE)
    with pytest.raises(winsession.SessionNotFoundError) as info:
        net.delete_session(client="nobody")
    assert info.value.function == "NetSessionDel"
    assert info.value.winerror == NERR.ClientNameNotFound


def test_delete_access_denied(netstub: NetStub) -> None:
    netstub.load(TABLE)
    netstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    with pytest.raises(PermissionError) as info:
        net.delete_session("FS01", user="bob")
    assert isinstance(info.value, winsession.AccessDeniedError)
    assert "Administrators" in str(info.value)
    assert netstub.session_count() == 3


def test_access_denied_on_enum_explains_1607(netstub: NetStub) -> None:
    netstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    with pytest.raises(winsession.AccessDeniedError) as info:
        list(net.enum_sessions(level=10))
    text = str(info.value)
    assert "NetSessionEnum" in text and "ERROR_ACCESS_DENIED" in text
    assert "1607" in text and "Server 2019" in text


# --- records ----------------------------------------------------------------------------------


def test_records_are_frozen_slotted_and_picklable() -> None:
    record = as_502(ALICE)
    with pytest.raises(AttributeError):
        record.user_name = "eve"  # type: ignore[misc]
    assert not hasattr(record, "__dict__")
    assert pickle.loads(pickle.dumps(record)) == record
    assert record.active_duration == datetime.timedelta(hours=1)
    assert record.idle_duration == datetime.timedelta(seconds=20)
    assert isinstance(record, net.SessionInfo2) and isinstance(record, net.SessionInfo1)


def test_raw_buffer_free_of_null_is_success(netstub: NetStub) -> None:
    assert raw.NetApiBufferFree(None) == 0
    assert raw.NetApiBufferFree(ctypes.c_void_p()) == 0


def test_close_ends_the_iteration_mid_page(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(50)])
    it = net.enum_sessions(level=10, prefmaxlen=200)  # a few entries per page
    assert next(it).client_name == "\\\\c0" and netstub.calls() == 1
    it.close()
    assert next(it, None) is None  # the rest of the page is dropped...
    assert netstub.calls() == 1 and netstub.outstanding() == 0  # ...and no more calls
    it.close()  # idempotent


def test_list_sizes_itself_from_the_first_page(netstub: NetStub) -> None:
    # list() asks for a length hint before it iterates: the first page is fetched then, as
    # the first next() would, and read from there; nothing is fetched twice.
    netstub.load(TABLE)
    it = net.enum_sessions(level=0)
    assert netstub.calls() == 0
    assert operator.length_hint(it) == 3
    assert netstub.calls() == 1 and netstub.outstanding() == 0
    assert operator.length_hint(it) == 0  # a page is waiting: nothing more is fetched
    assert [s.client_name for s in it] == [s.cname for s in TABLE]
    assert netstub.calls() == 1


def test_length_hint_mid_iteration_fetches_nothing(netstub: NetStub) -> None:
    netstub.load([Session(f"\\\\c{i}", "u") for i in range(4)])
    it = net.enum_sessions(level=0, prefmaxlen=24)  # one entry per page
    assert next(it).client_name == "\\\\c0" and netstub.calls() == 1
    assert operator.length_hint(it) == 0 and netstub.calls() == 1
    assert [s.client_name for s in it] == ["\\\\c1", "\\\\c2", "\\\\c3"]


def test_first_page_error_met_by_the_length_hint_is_raised_by_next(netstub: NetStub) -> None:
    netstub.load(TABLE)
    netstub.fail_on_call(1, WinError.ERROR_NOT_ENOUGH_MEMORY)
    it = net.enum_sessions(level=0)
    assert operator.length_hint(it) == 0 and netstub.calls() == 1
    with pytest.raises(winsession.NetApiError) as info:
        next(it)
    assert info.value.winerror == WinError.ERROR_NOT_ENOUGH_MEMORY
    assert next(it, None) is None and netstub.calls() == 1
    before = netstub.calls()
    netstub.fail_on_call(before + 1, WinError.ERROR_NOT_ENOUGH_MEMORY)  # (calls count on)
    with pytest.raises(winsession.NetApiError):
        list(net.enum_sessions(level=0))
    assert netstub.calls() == before + 1 and netstub.outstanding() == 0


def test_close_after_the_length_hint_drops_the_fetched_page(netstub: NetStub) -> None:
    netstub.load(TABLE)
    it = net.enum_sessions(level=10)
    assert operator.length_hint(it) == 3
    it.close()
    assert next(it, None) is None and netstub.calls() == 1 and netstub.outstanding() == 0


def test_a_page_of_many_batches_comes_back_whole_and_in_order(netstub: NetStub) -> None:
    # More entries than one decoding batch (4096): the stream chains the batches.
    n = 10_000
    assert netstub.add_sessions_bulk(n) == n
    names = [s.client_name for s in net.enum_sessions(level=0)]
    assert netstub.calls() == 1
    assert names == [NetStub.synthetic(i).cname for i in range(n)]
    assert len(list(net.enum_sessions(level=0))) == n


def test_the_iterator_says_what_it_enumerates(netstub: NetStub) -> None:
    assert repr(net.enum_sessions()) == "<net.enum_sessions(level=502) iterator>"
    text = repr(net.enum_sessions("FS01", client="PC1", level=10, prefmaxlen=4096))
    assert text == (
        "<net.enum_sessions(server='FS01', client='\\\\\\\\PC1', level=10, prefmaxlen=4096)"
        " iterator>"
    )
    assert netstub.calls() == 0  # nothing runs before iteration
