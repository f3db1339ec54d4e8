"""winsession.net's open files and connections against the netapi32 stand-in, through the
real ctypes calls (host .so and, under Wine, the mingw DLL)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import Connection, File, NetStub, Session

import winsession
from winsession import net
from winsession.codes import NERR, WinError

ALICE = Session("\\\\10.0.0.5", "alice", 2)
BOB = Session("\\\\10.0.0.6", "bob", 1)
FILES = [
    File(101, "C:\\Shares\\Projects\\plan.docx", "alice", "\\\\10.0.0.5", 3, 0),
    File(102, "C:\\Shares\\Projects\\budget.xlsx", "alice", "\\\\10.0.0.5", 3, 2),
    File(205, "C:\\Shares\\Public\\setup.msi", "bob", "\\\\10.0.0.6", 1, 0),
]
CONNECTIONS = [
    Connection(11, "Projects", "\\\\10.0.0.5", "alice", 0, 2, 1, 3600),
    Connection(12, "IPC$", "\\\\10.0.0.5", "alice", 0x80000003, 0, 1, 3600),
    Connection(21, "Public", "\\\\10.0.0.6", "bob", 0, 1, 1, 120),
]


def load(netstub: NetStub) -> None:
    netstub.load([ALICE, BOB])
    netstub.load_files(FILES, CONNECTIONS)


def as3(f: File) -> net.FileInfo3:
    return net.FileInfo3(f.id, net.FilePermissions(f.permissions), f.num_locks, f.path or "",
                         f.user or "")  # fmt: skip


# --- enum_files ---------------------------------------------------------------------------


def test_enum_files_level_3_decodes_every_field(netstub: NetStub) -> None:
    load(netstub)
    records = list(net.enum_files())
    assert records == [as3(f) for f in FILES]
    assert all(type(r) is net.FileInfo3 for r in records)
    assert records[0].permissions == net.FilePermissions.READ | net.FilePermissions.WRITE
    assert isinstance(records[0].permissions, net.FilePermissions)
    assert netstub.last_prefmaxlen() == net.MAX_PREFERRED_LENGTH


def test_enum_files_level_2_gives_ids(netstub: NetStub) -> None:
    load(netstub)
    assert list(net.enum_files(level=2)) == [net.FileInfo2(101), net.FileInfo2(102),
                                             net.FileInfo2(205)]  # fmt: skip


@given(
    missing=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40),
    prefmaxlen=st.sampled_from([1, 100, 4096, net.MAX_PREFERRED_LENGTH]),
)
def test_enum_files_null_strings_anywhere_read_as_empty(
    _netstub: NetStub, missing: list[tuple[bool, bool]], prefmaxlen: int
) -> None:
    # NULL pointers among valid ones, in either string field, on any page: the buffer check
    # must skip them when it bounds the others, and the decoder must still turn them into "".
    files = [
        File(i + 1, None if no_path else f"C:\\f{i}", None if no_user else "alice",
             "\\\\10.0.0.5", 1, 0)
        for i, (no_path, no_user) in enumerate(missing)
    ]  # fmt: skip
    _netstub.load([ALICE])
    _netstub.load_files(files)
    assert list(net.enum_files(prefmaxlen=prefmaxlen)) == [as3(f) for f in files]
    assert _netstub.outstanding() == 0


@pytest.mark.parametrize(
    ("kwargs", "ids"),
    [
        ({"base_path": "C:\\Shares\\Projects"}, [101, 102]),
        ({"base_path": "c:\\shares\\public\\"}, [205]),  # case-insensitive
        ({"base_path": "D:\\"}, []),
        ({"user": "ALICE"}, [101, 102]),
        ({"user": "\\\\10.0.0.6"}, [205]),  # a connection (client) name
        ({"user": "nobody"}, []),
        ({"user": "alice", "base_path": "C:\\Shares\\Projects\\budget"}, [102]),
    ],
)
def test_enum_files_filters(netstub: NetStub, kwargs: dict[str, str], ids: list[int]) -> None:
    load(netstub)
    assert [f.file_id for f in net.enum_files(level=2, **kwargs)] == ids  # type: ignore[arg-type]


def test_enum_files_pages_through_the_pointer_sized_resume_handle(netstub: NetStub) -> None:
    netstub.reset()
    netstub.add_files_bulk(500)
    got = list(net.enum_files(prefmaxlen=1000))
    assert got == [as3(NetStub.synthetic_file(i)) for i in range(500)]
    assert netstub.calls() > 10  # many pages
    assert netstub.outstanding() == 0 and netstub.allocs() == netstub.calls()


def test_enum_files_early_close_leaks_nothing(netstub: NetStub) -> None:
    netstub.add_files_bulk(100)
    files = net.enum_files(prefmaxlen=500)
    assert next(files).file_id == 1
    assert netstub.outstanding() == 0  # the page was freed before the first record
    files.close()
    assert next(files, None) is None
    assert netstub.calls() == 1
    assert repr(files) == "<net.enum_files(prefmaxlen=500) iterator>"


def test_enum_files_error_on_a_later_page(netstub: NetStub) -> None:
    netstub.add_files_bulk(50)
    netstub.fail_on_call(2, WinError.ERROR_ACCESS_DENIED)
    files = net.enum_files(prefmaxlen=300)
    with pytest.raises(winsession.AccessDeniedError) as info:
        list(files)
    assert info.value.function == "NetFileEnum"
    assert netstub.outstanding() == 0


def test_enum_files_stall_raises_instead_of_looping(netstub: NetStub) -> None:
    netstub.add_files_bulk(5)
    netstub.stall_on_call(1)
    with pytest.raises(winsession.NetApiError, match="unchanged resume handle") as info:
        list(net.enum_files())
    assert info.value.winerror == WinError.ERROR_MORE_DATA
    assert netstub.calls() == 1


def test_a_file_closed_between_pages_is_not_returned(netstub: NetStub) -> None:
    netstub.add_files_bulk(20)
    first = list(net.enum_files(level=2, prefmaxlen=4 * 5))  # 5 ids per page
    assert [f.file_id for f in first] == list(range(1, 21))
    netstub.reset()
    netstub.add_files_bulk(20)
    netstub.remove_file_on_call(2, 15)  # file 16 closes before page 2
    ids = [f.file_id for f in net.enum_files(level=2, prefmaxlen=4 * 5)]
    assert 16 not in ids and len(ids) == 19  # positions slide: nothing repeats
    assert len(set(ids)) == len(ids)


def test_unknown_server_is_server_not_found(netstub: NetStub) -> None:
    with pytest.raises(winsession.ServerNotFoundError) as info:
        list(net.enum_files("\\\\nowhere"))
    assert info.value.winerror == WinError.ERROR_BAD_NETPATH


def test_files_of_a_remote_server(netstub: NetStub) -> None:
    netstub.load([Session("\\\\c", "u", server="FS2")])
    netstub.load_files([File(7, "E:\\x", "u", "\\\\c", server="FS2")])
    assert list(net.enum_files()) == []
    assert [f.file_id for f in net.enum_files("\\\\fs2")] == [7]
    assert net.get_file_info(7, server="FS2").path_name == "E:\\x"


# --- get_file_info / close_file ------------------------------------------------------------


def test_get_file_info_each_level(netstub: NetStub) -> None:
    load(netstub)
    assert net.get_file_info(102) == as3(FILES[1])
    assert net.get_file_info(102, level=2) == net.FileInfo2(102)


def test_get_file_info_unknown_id_is_a_lookup_error(netstub: NetStub) -> None:
    load(netstub)
    with pytest.raises(LookupError) as info:
        net.get_file_info(999)
    assert type(info.value) is winsession.errors.NetApiOpenFileNotFoundError
    assert not isinstance(info.value, winsession.SessionNotFoundError)  # a file id, no session
    assert info.value.winerror == WinError.ERROR_FILE_NOT_FOUND
    assert info.value.function == "NetFileGetInfo"
    assert "No file is open with that file id" in str(info.value)
    assert "session" not in str(info.value).lower()


def test_close_file_closes_exactly_that_file(netstub: NetStub) -> None:
    load(netstub)
    net.close_file(101)
    assert [f.file_id for f in net.enum_files(level=2)] == [102, 205]
    assert netstub.file_count() == 2
    with pytest.raises(winsession.OpenFileNotFoundError) as info:
        net.close_file(101)
    assert info.value.winerror == WinError.ERROR_FILE_NOT_FOUND
    assert info.value.function == "NetFileClose"


@pytest.mark.parametrize("code", [NERR.FileIdNotFound, WinError.ERROR_FILE_NOT_FOUND])
def test_both_documented_not_found_codes_are_lookup_errors(netstub: NetStub, code: int) -> None:
    load(netstub)
    netstub.fail_on_call(1, code)
    with pytest.raises(LookupError) as info:
        net.close_file(101)
    assert isinstance(info.value, winsession.NetApiError)
    assert isinstance(info.value, winsession.OpenFileNotFoundError)
    assert info.value.winerror == code
    assert netstub.file_count() == 3  # the failed call changed nothing


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (WinError.ERROR_ACCESS_DENIED, winsession.AccessDeniedError),
        (WinError.ERROR_INVALID_LEVEL, winsession.InvalidLevelError),
        (WinError.ERROR_NOT_ENOUGH_MEMORY, winsession.NetApiError),
        (NERR.BufTooSmall, winsession.NetApiError),
    ],
)
def test_get_file_info_documented_errors(netstub: NetStub, code: int, cls: type) -> None:
    load(netstub)
    netstub.fail_on_call(1, code)
    with pytest.raises(cls) as info:
        net.get_file_info(101)
    assert info.value.winerror == code


def test_closing_a_session_closes_its_files_and_connections(netstub: NetStub) -> None:
    load(netstub)
    net.delete_session(client="10.0.0.5")
    assert [f.user_name for f in net.enum_files()] == ["bob"]
    assert list(net.enum_connections("Projects")) == []
    assert netstub.connection_count() == 1


# --- enum_connections ----------------------------------------------------------------------


def test_connections_to_a_share_name_the_client(netstub: NetStub) -> None:
    load(netstub)
    (c,) = net.enum_connections("public")
    assert c == net.ConnectionInfo1(21, net.ShareType.DISKTREE, 1, 1, 120, "bob", "10.0.0.6")
    assert c.duration.total_seconds() == 120


def test_connections_from_a_client_name_the_share(netstub: NetStub) -> None:
    load(netstub)
    got = list(net.enum_connections("\\\\10.0.0.5"))
    assert [(c.net_name, c.num_opens) for c in got] == [("Projects", 2), ("IPC$", 0)]
    ipc = got[1].share_type
    assert ipc.kind is net.ShareType.IPC and net.ShareType.SPECIAL in ipc
    assert ipc.text == "IPC|SPECIAL"
    assert [c.connection_id for c in net.enum_connections("\\10.0.0.5", level=0)] == [11, 12]


def test_connections_paging_and_nothing_matching(netstub: NetStub) -> None:
    netstub.load([ALICE])
    netstub.load_files([], [Connection(i, "S", "\\\\10.0.0.5", "alice") for i in range(30)])
    assert [c.connection_id for c in net.enum_connections("S", prefmaxlen=100)] == list(range(30))
    assert netstub.calls() > 1
    assert list(net.enum_connections("nothing")) == []
    assert list(net.enum_connections("\\\\10.9.9.9")) == []


# --- arguments: checked before any DLL call ------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: net.get_file_info("1"), TypeError, "file_id"),  # type: ignore[arg-type]
        (lambda: net.get_file_info(True), TypeError, "file_id"),
        (lambda: net.close_file(-1), ValueError, "file_id"),
        (lambda: net.close_file(2**32), ValueError, "file_id"),
        (lambda: net.get_file_info(1, level=1), winsession.InvalidLevelError, "level"),
        (lambda: net.enum_files(level=502), winsession.InvalidLevelError, "level"),
        (lambda: net.enum_files(base_path=""), ValueError, "base_path"),
        (lambda: net.enum_files(base_path="a\0b"), ValueError, "base_path"),
        (lambda: net.enum_files(user=5), TypeError, "user"),  # type: ignore[arg-type]
        (lambda: net.enum_files(prefmaxlen=-1), ValueError, "prefmaxlen"),
        (lambda: net.enum_files(server=b"x"), TypeError, "server"),  # type: ignore[arg-type]
        (lambda: net.enum_connections(None), TypeError, "qualifier"),  # type: ignore[arg-type]
        (lambda: net.enum_connections(""), ValueError, "qualifier"),
        (lambda: net.enum_connections("\\\\"), ValueError, "qualifier"),
        (lambda: net.enum_connections("S", level=2), winsession.InvalidLevelError, "level"),
    ],
)
def test_bad_arguments_never_reach_the_dll(
    netstub: NetStub, call: object, error: type, argument: str
) -> None:
    with pytest.raises(error, match=argument):
        call()  # type: ignore[operator]
    assert netstub.calls() == 0


def test_records_are_frozen_slotted_and_pickle(netstub: NetStub) -> None:
    load(netstub)
    f = net.get_file_info(101)
    (c,) = net.enum_connections("Projects")
    for record in (f, c):
        assert not hasattr(record, "__dict__")
        assert pickle.loads(pickle.dumps(record)) == record
        assert getattr(net, type(record).__name__) is type(record)  # public as net.X
    with pytest.raises(AttributeError):
        f.file_id = 5  # type: ignore[misc]


# --- hypothesis: paging yields exactly the table --------------------------------------------

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    min_size=1,
    max_size=20,
)
u32 = st.integers(0, 2**32 - 1)
files = st.builds(File, id=u32, path=names, user=names, client=st.just("\\\\c"),
                  permissions=st.integers(0, 7), num_locks=u32)  # fmt: skip
prefmaxlens = st.one_of(st.integers(0, 3000), st.just(net.MAX_PREFERRED_LENGTH))


@given(table=st.lists(files, max_size=40), prefmaxlen=prefmaxlens, level=st.sampled_from([2, 3]))
def test_enum_files_yields_exactly_the_table(
    _netstub: NetStub, table: list[File], prefmaxlen: int, level: int
) -> None:
    _netstub.reset()
    _netstub.load_files(table)
    got = list(net.enum_files(level=level, prefmaxlen=prefmaxlen))
    if level == 2:
        assert got == [net.FileInfo2(f.id) for f in table]
    else:
        assert got == [as3(f) for f in table]
    # One call per page, never more than one per entry (plus the last); nothing leaks.
    assert _netstub.calls() <= max(1, len(table))
    _netstub.assert_clean()


@given(table=st.lists(files, min_size=1, max_size=30), stop=st.integers(0, 30),
       prefmaxlen=st.integers(0, 600))  # fmt: skip
def test_enum_files_stopping_anywhere_leaks_nothing(
    _netstub: NetStub, table: list[File], stop: int, prefmaxlen: int
) -> None:
    _netstub.reset()
    _netstub.load_files(table)
    stream = net.enum_files(prefmaxlen=prefmaxlen)
    taken = [r for _, r in zip(range(stop), stream)]
    assert taken == [as3(f) for f in table][:stop]
    stream.close()
    _netstub.assert_clean()


@given(code=st.sampled_from([WinError.ERROR_FILE_NOT_FOUND, NERR.FileIdNotFound]))
def test_not_found_codes_map_to_lookup_error_on_every_call(_netstub: NetStub, code: int) -> None:
    _netstub.reset()
    _netstub.load_files([File(1, "p", "u", "\\\\c")])
    for function, call in (("NetFileGetInfo", lambda: net.get_file_info(1)),
                           ("NetFileClose", lambda: net.close_file(1))):  # fmt: skip
        _netstub.fail_on_call(_netstub.calls() + 1, code)
        with pytest.raises(winsession.OpenFileNotFoundError) as info:
            call()
        assert isinstance(info.value, LookupError)
        assert (info.value.winerror, info.value.function) == (code, function)
    _netstub.assert_clean()


@pytest.mark.parametrize(
    "call",
    [
        lambda: list(net.enum_files()),
        lambda: net.get_file_info(101),
        lambda: net.close_file(101),
        lambda: list(net.enum_connections("Projects")),
    ],
)
def test_without_administrators_every_call_is_access_denied(netstub: NetStub, call: object) -> None:
    load(netstub)
    netstub.set_privileged(0)
    with pytest.raises(winsession.AccessDeniedError) as info:
        call()  # type: ignore[operator]
    assert info.value.winerror == WinError.ERROR_ACCESS_DENIED
    assert netstub.file_count() == 3


# --- a large page leaves no collection behind --------------------------------------------


def test_a_large_page_leaves_its_records_out_of_the_young_generation(netstub: NetStub) -> None:
    import gc

    netstub.add_files_bulk(5000)
    files = list(net.enum_files())
    assert len(files) == 5000 and gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(f) in young for f in files[::97])  # none for the next gen0 pass
    assert gc.get_count()[0] < 700  # no collection is due because of them


def test_a_callers_frozen_objects_stay_frozen(netstub: NetStub) -> None:
    import gc

    netstub.add_files_bulk(5000)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert len(list(net.enum_files(level=2))) == 5000
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


# --- an unknown file id: the class is chosen by the function as well as the code ----------


@pytest.mark.parametrize("code", [WinError.ERROR_FILE_NOT_FOUND, NERR.FileIdNotFound])
@pytest.mark.parametrize("function", ["NetFileGetInfo", "NetFileClose"])
def test_unknown_file_id_in_the_simulator(function: str, code: int) -> None:
    # The simulator answers ERROR_FILE_NOT_FOUND itself (the functions' pages) and gives
    # NERR_FileIdNotFound (MS-SRVS) when scheduled: both speak of a file id.
    from winsession.testing import OpenFile, Simulator

    call = {"NetFileGetInfo": net.get_file_info, "NetFileClose": net.close_file}[function]
    with Simulator(files=[OpenFile(7, "p", "u", "\\\\c")]) as sim:
        if code == NERR.FileIdNotFound:
            sim.fail_on_call(sim.net.calls + 1, code)
            target = 7
        else:
            target = 8  # not open
        with pytest.raises(winsession.OpenFileNotFoundError) as info:
            call(target)
        err = info.value
        assert type(err).__name__ == "NetApiOpenFileNotFoundError"
        assert isinstance(err, LookupError) and isinstance(err, winsession.NetApiError)
        assert not isinstance(err, winsession.SessionNotFoundError)
        assert (err.winerror, err.function) == (code, function)
        assert "file id" in str(err)
        sim.assert_clean()


def test_the_same_code_from_a_session_call_stays_a_session_error() -> None:
    # ERROR_FILE_NOT_FOUND outside NetFileGetInfo/NetFileClose keeps its code-wide meaning.
    err = winsession.errors.wts_error(WinError.ERROR_FILE_NOT_FOUND, "WTSQuerySessionInformationW")
    assert isinstance(err, winsession.SessionNotFoundError)
    assert not isinstance(err, winsession.OpenFileNotFoundError)
    err = winsession.errors.net_api_error(WinError.ERROR_FILE_NOT_FOUND, "NetSessionDel")
    assert isinstance(err, winsession.SessionNotFoundError)


# --- paging that never ends stops (the simulator's misbehaviours) ---------------------------


def test_a_repeated_resume_handle_stops_with_a_clear_error() -> None:
    from winsession.testing import OpenFile, Simulator

    rows = [OpenFile(i, f"p{i}", "u", "\\\\c") for i in range(1, 6)]
    with Simulator(files=rows) as sim:
        sim.net.rewind_on_call(2)
        with pytest.raises(winsession.NetApiError, match="a resume handle it gave before"):
            list(net.enum_files(level=2, prefmaxlen=1))
        assert sim.net.calls == 2
        sim.assert_clean()


def test_endless_empty_pages_stop_after_a_bound() -> None:
    from winsession.net import _common
    from winsession.testing import OpenFile, Simulator

    rows = [OpenFile(i, f"p{i}", "u", "\\\\c") for i in range(1, 40)]
    with Simulator(files=rows) as sim:
        for call_no in range(1, 40):
            sim.net.hollow_on_call(call_no)
        with pytest.raises(winsession.NetApiError, match="pages in a row without entries"):
            list(net.enum_files(level=2))
        assert sim.net.calls == _common.MAX_EMPTY_PAGES
        sim.assert_clean()
    with Simulator(files=rows) as sim:  # a few empty pages are tolerated
        for call_no in range(1, 4):
            sim.net.hollow_on_call(call_no)
        assert [f.file_id for f in net.enum_files(level=2)] == list(range(4, 40))
