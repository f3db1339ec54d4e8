"""Text outside the Basic Multilingual Plane decodes as one character on every string path
(issue 20, item 4).

Windows' ``wchar_t`` is 16 bits: ``Ann😀`` is ``A n n D83D DE00`` in the buffer, and
winsession must give back ``'Ann😀'`` (as pywin32 does), not ``'Ann\\ud83d\\ude00'``. Only the
Wine tiers can catch a unit-by-unit decoder (on Linux ``wchar_t`` is 32 bits and every
character is one unit); the host tier runs the same tests as a check of the decoders'
Linux path. Every path is covered: SMB sessions (every level, enumeration and GetInfo),
open files, connections, every WTS string info class and the inline ``WCHAR`` arrays of the
structure classes, session enumeration (and Ex), processes, the simulator, and the CLI's
table, JSON and CSV outputs. A lone surrogate (which Windows strings can hold and a hostile
server can send) stays one lone surrogate, and the CLI still prints it safely.
"""

from __future__ import annotations

import csv
import ctypes
import io
import json
import sys

import pytest
import stubctl
import test_sens
from clitools import Capsys, no_terminal, run  # noqa: F401  (no_terminal: autouse)
from hypothesis import given
from hypothesis import strategies as st
from stubctl import Connection, File, NetStub, Session, WtsStub
from test_sens import SensStub

from winsession import errors, net, sens, testing, wts
from winsession.codes import WinError
from winsession.raw import wtsapi32 as raw_wts

WIDE = ctypes.sizeof(ctypes.c_wchar)  # 2 on Windows, 4 on Linux

# One name per field, each with characters from the astral planes (U+10000 and above):
# emoji, mathematical alphanumerics, Deseret, CJK Extension B, a flag (two regional
# indicators) and a character of plane 16 (private use, the last plane).
USER = "Ann\U0001f600"
CLIENT = "\\\\PC-\U0001d518\U0001d52b\U0001d526"
CLIENT_TYPE = "Windows \U00010437 11"
TRANSPORT = "\\Device\\\U0001d4afcpip"
PATH = "C:\\Shares\\\U0001f5c2\\\u30d5\u30a1\u30a4\u30eb\U0002000b.txt"
SHARE = "D\u00e5ta\U0001f4be"
STATION = "RDP-\U0001f680#1"
DOMAIN = "\U0001f1eb\U0001f1f7-CORP"
HOST = "host-\U00100000"
FARM = "farm-\U0001f33e"
PROCESS = "\U0001f40d.exe"

ASTRAL = [USER, CLIENT, CLIENT_TYPE, TRANSPORT, PATH, SHARE, STATION, DOMAIN, HOST, FARM]


def test_names_really_leave_the_bmp() -> None:
    # (The test data itself: every name holds a character that takes a UTF-16 pair.)
    for name in ASTRAL:
        assert any(ord(c) > 0xFFFF for c in name), name
        assert len(name.encode("utf-16-le")) // 2 > len(name)


def no_lone_surrogates(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# --- SMB sessions: every level, enumeration and NetSessionGetInfo ------------------------

ROW = Session(CLIENT, USER, 2, 3600, 20, 1, CLIENT_TYPE, TRANSPORT)


@pytest.mark.parametrize("level", [0, 1, 2, 10, 502])
def test_smb_sessions_every_level(netstub: NetStub, level: int) -> None:
    netstub.load([ROW, Session("\\\\10.0.0.5", "alice", cltype_name="x", transport="y")])
    records = list(net.enum_sessions(level=level))
    assert records[0] == ROW.record(level)
    for name in ("client_name", "user_name", "client_type", "transport"):
        value = getattr(records[0], name, None)
        assert value is None or no_lone_surrogates(value)
    # Filtered by the astral names themselves (they go in as UTF-16 too).
    assert list(net.enum_sessions(client=CLIENT, user=USER, level=level)) == [ROW.record(level)]


@pytest.mark.parametrize("level", [0, 1, 2, 10])
def test_smb_session_info_every_level(netstub: NetStub, level: int) -> None:
    netstub.load([ROW])
    assert net.get_session_info(CLIENT, USER, level=level) == ROW.record(level)


def test_smb_sessions_in_small_pages(netstub: NetStub) -> None:
    # Many pages, each with strings after its structures: every one decodes whole.
    rows = [Session(f"\\\\{USER}{i}", f"{DOMAIN}{i}", i, i, i, 0, CLIENT_TYPE, TRANSPORT)
            for i in range(40)]  # fmt: skip
    netstub.load(rows)
    got = list(net.enum_sessions(level=502, prefmaxlen=512))
    assert got == [r.record(502) for r in rows]


# --- open files and connections -----------------------------------------------------------


@pytest.fixture
def shares(netstub: NetStub) -> NetStub:
    netstub.load([ROW])
    netstub.load_files(
        [File(7, PATH, USER, CLIENT, 3, 1)],
        [Connection(11, SHARE, CLIENT, USER, 0, 2, 1, 60)],
    )
    return netstub


def test_open_files(shares: NetStub) -> None:
    (three,) = net.enum_files()
    assert (three.path_name, three.user_name) == (PATH, USER)
    assert [f.file_id for f in net.enum_files(level=2)] == [7]
    assert net.get_file_info(7) == three
    assert net.get_file_info(7, level=2).file_id == 7
    # The filters are astral too: a base path and a user name.
    assert list(net.enum_files(base_path=PATH[:12], user=USER)) == [three]


def test_connections(shares: NetStub) -> None:
    (by_share,) = net.enum_connections(SHARE)
    assert (by_share.user_name, by_share.net_name) == (USER, CLIENT.lstrip("\\"))
    (by_client,) = net.enum_connections(CLIENT)
    assert (by_client.user_name, by_client.net_name) == (USER, SHARE)
    assert [c.connection_id for c in net.enum_connections(SHARE, level=0)] == [11]


# --- Remote Desktop: every string class, the inline WCHAR arrays, enumerations ------------

STRING_CLASSES = [
    wts.InfoClass.INITIAL_PROGRAM,
    wts.InfoClass.APPLICATION_NAME,
    wts.InfoClass.WORKING_DIRECTORY,
    wts.InfoClass.OEM_ID,
    wts.InfoClass.USER_NAME,
    wts.InfoClass.WIN_STATION_NAME,
    wts.InfoClass.DOMAIN_NAME,
    wts.InfoClass.CLIENT_NAME,
    wts.InfoClass.CLIENT_DIRECTORY,
]
HOST_NAME, FARM_NAME, LOGON_USER_NAME, LOGON_DOMAIN = 100, 101, 102, 103
RDP_TEXT = {
    wts.InfoClass.INITIAL_PROGRAM: "C:\\\U0001f6e0\\tool.exe",
    wts.InfoClass.APPLICATION_NAME: "app \U0001f9ea",
    wts.InfoClass.WORKING_DIRECTORY: "C:\\\U0001f4c1",
    wts.InfoClass.OEM_ID: "oem\U0001f3ed",
    wts.InfoClass.USER_NAME: USER,
    wts.InfoClass.WIN_STATION_NAME: STATION,
    wts.InfoClass.DOMAIN_NAME: DOMAIN,
    wts.InfoClass.CLIENT_NAME: "\U0001f4bb-7",
    wts.InfoClass.CLIENT_DIRECTORY: "C:\\\U00020000",
}


@pytest.fixture
def rdp(wtsstub: WtsStub) -> WtsStub:
    assert wtsstub.add_session(None, 2, wts.ConnectState.ACTIVE, STATION) == 0
    for info_class, text in RDP_TEXT.items():
        assert wtsstub.set_string(None, 2, info_class, text) == 0
    for field, text in ((HOST_NAME, HOST), (FARM_NAME, FARM), (LOGON_USER_NAME, USER),
                        (LOGON_DOMAIN, DOMAIN)):  # fmt: skip
        assert wtsstub.set_string(None, 2, field, text) == 0
    assert wtsstub.add_process(None, 2, 4242, PROCESS, None, 0) == 0
    return wtsstub


@pytest.mark.parametrize("info_class", STRING_CLASSES, ids=lambda c: c.name)
def test_every_string_class(rdp: WtsStub, info_class: wts.InfoClass) -> None:
    value = wts.query_session_information(2, info_class)
    assert value == RDP_TEXT[info_class] and no_lone_surrogates(value)


def test_the_issue_example(rdp: WtsStub) -> None:
    assert wts.query_session_information(2, wts.InfoClass.USER_NAME) == "Ann😀"


def test_structure_classes(rdp: WtsStub) -> None:
    # Inline WCHAR arrays (WTSINFOW, WTSINFOEX, WTSCLIENTW, WTSCONFIGINFOW), read to their NUL.
    station = wts.query_session_information(2, wts.InfoClass.SESSION_INFO)
    assert (station.user_name, station.domain_name, station.win_station_name) == (
        USER, DOMAIN, STATION,
    )  # fmt: skip
    ex = wts.query_session_information(2, wts.InfoClass.SESSION_INFO_EX)
    assert (ex.user_name, ex.domain_name, ex.win_station_name) == (USER, DOMAIN, STATION)
    client = wts.query_session_information(2, wts.InfoClass.CLIENT_INFO)
    assert (client.client_name, client.user_name, client.domain_name) == (
        RDP_TEXT[wts.InfoClass.CLIENT_NAME], USER, DOMAIN,
    )  # fmt: skip
    assert client.initial_program == RDP_TEXT[wts.InfoClass.INITIAL_PROGRAM]
    assert client.work_directory == RDP_TEXT[wts.InfoClass.WORKING_DIRECTORY]
    assert client.client_directory == RDP_TEXT[wts.InfoClass.CLIENT_DIRECTORY]
    config = wts.query_session_information(2, wts.InfoClass.CONFIG_INFO)
    assert (config.logon_user_name, config.logon_domain) == (USER, DOMAIN)
    details = wts.session_details(2)
    assert (details.user_name, details.domain_name, details.win_station_name) == (
        USER, DOMAIN, STATION,
    )  # fmt: skip
    assert details.client_name == RDP_TEXT[wts.InfoClass.CLIENT_NAME]


def fitted(text: str, chars: int) -> str:
    """What a ``WCHAR[chars]`` holds of ``text``: the longest prefix of whole characters
    whose ``wchar_t`` units fit beside the NUL (a UTF-16 pair is never split)."""
    codec = "utf-16-le" if WIDE == 2 else "utf-32-le"
    while len(text.encode(codec, "surrogatepass")) // WIDE > chars - 1:
        text = text[:-1]
    return text


def test_truncated_arrays_keep_pairs_whole(wtsstub: WtsStub) -> None:
    # USERNAME_LENGTH + 1 = 21 WCHARs: 19 letters and an emoji need 21 units with the NUL
    # missing, so the emoji's pair would straddle the end. It is dropped whole, never cut.
    name = "u" * 19 + "\U0001f600"
    assert wtsstub.add_session(None, 5, wts.ConnectState.ACTIVE, "RDP") == 0
    assert wtsstub.set_string(None, 5, wts.InfoClass.USER_NAME, name) == 0
    expected = fitted(name, raw_wts.USERNAME_LENGTH + 1)
    assert expected == (name if WIDE == 4 else "u" * 19)
    station = wts.query_session_information(5, wts.InfoClass.SESSION_INFO)
    assert station.user_name == expected
    assert wts.query_session_information(5, wts.InfoClass.CLIENT_INFO).user_name == expected
    assert wts.query_session_information(5, wts.InfoClass.USER_NAME) == name  # not an array


def test_enumerations(rdp: WtsStub) -> None:
    assert [s.win_station_name for s in wts.enumerate_sessions()] == [STATION]
    (ex,) = wts.enumerate_sessions_ex()
    assert (ex.session_name, ex.host_name, ex.user_name, ex.domain_name, ex.farm_name) == (
        STATION, HOST, USER, DOMAIN, FARM,
    )  # fmt: skip
    assert [p.name for p in wts.processes(resolve_users=False)] == [PROCESS]


# --- lone surrogates: kept as they are, printed safely ------------------------------------

LONE = "bad\udc80name\ud800"


def test_a_lone_surrogate_stays_one(rdp: WtsStub, netstub: NetStub) -> None:
    # Windows strings may hold unpaired surrogates (and a hostile server may send them):
    # they come back as the same lone surrogates, as Windows' own WCHAR strings hold them.
    assert rdp.set_string(None, 2, wts.InfoClass.USER_NAME, LONE) == 0
    assert wts.query_session_information(2, wts.InfoClass.USER_NAME) == LONE
    assert wts.query_session_information(2, wts.InfoClass.SESSION_INFO).user_name == LONE
    netstub.load([Session(CLIENT, LONE)])
    assert [s.user_name for s in net.enum_sessions(level=10)] == [LONE]


# --- the simulator (winsession.testing) ---------------------------------------------------


def test_simulator_every_path() -> None:
    world = testing.Simulator(
        smb=[testing.SmbSession(CLIENT, USER, client_type=CLIENT_TYPE, transport=TRANSPORT)],
        sessions=[
            testing.Session(
                2,
                user_name=USER,
                domain_name=DOMAIN,
                win_station_name=STATION,
                client_name=CLIENT.lstrip("\\"),
                host_name=HOST,
                farm_name=FARM,
                initial_program=PATH,
                logon_user_name=USER,
            )
        ],
        processes=[testing.Process(4242, session_id=2, name=PROCESS)],
        files=[testing.OpenFile(7, PATH, USER, CLIENT)],
        connections=[testing.SmbConnection(11, SHARE, CLIENT, USER)],
    )
    with world as sim:
        (s,) = net.enum_sessions(level=502)
        assert (s.client_name, s.user_name, s.client_type, s.transport) == (
            CLIENT, USER, CLIENT_TYPE, TRANSPORT,
        )  # fmt: skip
        assert net.get_session_info(CLIENT, USER, level=10).user_name == USER
        assert [(f.path_name, f.user_name) for f in net.enum_files()] == [(PATH, USER)]
        assert [c.user_name for c in net.enum_connections(SHARE)] == [USER]
        assert wts.query_session_information(2, wts.InfoClass.USER_NAME) == USER
        assert wts.query_session_information(2, wts.InfoClass.INITIAL_PROGRAM) == PATH
        assert wts.query_session_information(2, wts.InfoClass.SESSION_INFO).user_name == USER
        client = wts.query_session_information(2, wts.InfoClass.CLIENT_INFO)
        assert (client.user_name, client.client_name) == (USER, CLIENT.lstrip("\\"))
        config = wts.query_session_information(2, wts.InfoClass.CONFIG_INFO)
        assert config.logon_user_name == USER
        assert [s.win_station_name for s in wts.enumerate_sessions()] == [STATION]
        (ex,) = wts.enumerate_sessions_ex()
        assert (ex.user_name, ex.host_name, ex.farm_name) == (USER, HOST, FARM)
        assert [p.name for p in wts.processes(resolve_users=False)] == [PROCESS]
        sim.assert_clean()


# --- the command line: table, JSON, CSV ---------------------------------------------------


@pytest.fixture
def everything(netstub: NetStub, rdp: WtsStub) -> NetStub:
    netstub.load([ROW])
    netstub.load_files([File(7, PATH, USER, CLIENT, 3, 1)],
                       [Connection(11, SHARE, CLIENT, USER, 0, 2, 1, 60)])  # fmt: skip
    return netstub


CLI_CASES = [
    (["smb", "list", "--level", "502"], {"client_name": CLIENT, "user_name": USER,
                                         "client_type": CLIENT_TYPE, "transport": TRANSPORT}),
    (["smb", "list", "--level", "10"], {"client_name": CLIENT, "user_name": USER}),
    (["smb", "files"], {"path_name": PATH, "user_name": USER}),
    (["smb", "connections", SHARE], {"user_name": USER, "net_name": CLIENT.lstrip("\\")}),
    (["ts", "list"], {"user_name": USER, "session_name": STATION, "domain_name": DOMAIN,
                      "client_name": RDP_TEXT[wts.InfoClass.CLIENT_NAME]}),
    (["ts", "info", "2"], {"user_name": USER, "domain_name": DOMAIN, "session_name": STATION}),
]  # fmt: skip
IN_TABLE = {"client_name", "user_name", "client_type", "path_name", "session_name"}
LISTINGS = {"list", "files", "connections"}
"""Fields every one of these tables shows (the others are JSON/CSV only in some)."""


@pytest.mark.parametrize(("argv", "fields"), CLI_CASES, ids=[" ".join(a[:2]) for a, _ in CLI_CASES])
def test_cli_outputs(everything: NetStub, capsys: Capsys, argv: list[str],
                     fields: dict[str, str]) -> None:  # fmt: skip
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    data = json.loads(out)
    row = data[0] if isinstance(data, list) else data
    assert {k: row[k] for k in fields} == fields  # JSON is exact
    code, out, _ = run(capsys, *argv, "--csv")
    assert code == 0
    (csv_row,) = list(csv.DictReader(io.StringIO(out)))
    assert {k: csv_row[k].lstrip("'") for k in fields} == fields  # CSV is exact
    # --wide: every column (ts list shows its CLIENT column only there), every cell whole.
    code, out, _ = run(capsys, *argv, *(["--wide"] if argv[1] in LISTINGS else []))
    assert code == 0
    shown = [text for name, text in fields.items() if name in IN_TABLE]
    assert shown
    for text in shown:  # printable characters: shown as they are, each one whole
        assert text in out


def test_cli_prints_lone_surrogates_safely(netstub: NetStub, capsys: Capsys) -> None:
    netstub.load([Session(CLIENT, LONE)])
    code, out, _ = run(capsys, "smb", "list", "--level", "10")
    assert code == 0 and "bad\\udc80name\\ud800" in out  # escaped, one line
    out.encode("utf-8")  # (strict: no lone surrogate reached the output)
    code, out, _ = run(capsys, "smb", "list", "--level", "10", "--json")
    assert json.loads(out)[0]["user_name"] == LONE  # JSON's \\udc80 escapes: exact
    code, out, _ = run(capsys, "smb", "list", "--level", "10", "--csv")
    assert code == 0 and "bad\\udc80name\\ud800" in out
    out.encode("utf-8")


# --- any text, from all of Unicode ---------------------------------------------------------


def _unpaired(text: str) -> bool:
    """No high surrogate right before a low one: such a pair, written as UTF-16, reads
    back as the one character it encodes (correctly), so it cannot round-trip as two."""
    return not any(
        0xD800 <= ord(a) <= 0xDBFF and 0xDC00 <= ord(b) <= 0xDFFF for a, b in zip(text, text[1:])
    )


ANY_TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=sys.maxunicode),
                   max_size=40).filter(_unpaired)  # fmt: skip


@given(ANY_TEXT)
def test_any_text_round_trips_through_wts(_wtsstub: WtsStub, text: str) -> None:
    _wtsstub.reset()
    assert _wtsstub.add_session(None, 9, wts.ConnectState.ACTIVE, text) == 0
    assert _wtsstub.set_string(None, 9, wts.InfoClass.USER_NAME, text) == 0
    assert _wtsstub.set_string(None, 9, HOST_NAME, text) == 0
    assert wts.query_session_information(9, wts.InfoClass.USER_NAME) == text
    assert [s.win_station_name for s in wts.enumerate_sessions()] == [text]
    assert [s.host_name for s in wts.enumerate_sessions_ex()] == [text]
    array = wts.query_session_information(9, wts.InfoClass.CLIENT_INFO).user_name
    assert array == fitted(text, raw_wts.USERNAME_LENGTH + 1)
    _wtsstub.assert_clean()


@given(st.lists(ANY_TEXT, min_size=1, max_size=6))
def test_any_text_round_trips_through_net(_netstub: NetStub, names: list[str]) -> None:
    rows = [Session(f"\\\\C{i}", name, i, 0, 0, 0, name, name) for i, name in enumerate(names)]
    _netstub.load(rows)
    assert list(net.enum_sessions(level=502)) == [r.record(502) for r in rows]
    assert list(net.enum_sessions(level=10, prefmaxlen=64)) == [r.record(10) for r in rows]
    _netstub.assert_clean()


@given(st.lists(ANY_TEXT, min_size=1, max_size=6))
def test_any_text_round_trips_through_the_simulator(names: list[str]) -> None:
    smb = [testing.SmbSession(f"\\\\C{i}", n, client_type=n) for i, n in enumerate(names)]
    rdp = [testing.Session(i + 1, user_name=n, win_station_name=n) for i, n in enumerate(names)]
    with testing.Simulator(smb=smb, sessions=rdp) as sim:
        assert [(s.user_name, s.client_type) for s in net.enum_sessions(level=2)] == [
            (n, n) for n in names
        ]
        assert [s.win_station_name for s in wts.enumerate_sessions()] == names
        assert [wts.query_session_information(i + 1, wts.InfoClass.USER_NAME)
                for i in range(len(names))] == names  # fmt: skip
        sim.assert_clean()


# --- the environment block of a user beyond the BMP ----------------------------------------


def test_environment_block_of_an_astral_user() -> None:
    # CreateEnvironmentBlock's "name=value\0...\0\0" is walked in wchar_t units: a value with
    # an emoji (two units on Windows) must not shift where the next variable starts.
    sessions = [testing.Session(2, user_name=USER, domain_name=DOMAIN)]
    with testing.Simulator(sessions=sessions) as sim:
        with wts.spawn_in_session(2, "app.exe", env={"NOTE": "\U0001f600" * 3, "Z": "z"}):
            (call,) = sim.wts.spawned
            assert call.environment["USERNAME"] == USER
            assert call.environment["USERDOMAIN"] == DOMAIN
            assert call.environment["USERPROFILE"] == f"C:\\Users\\{USER}"
            assert call.environment["NOTE"] == "\U0001f600" * 3
            assert call.environment["Z"] == "z"
            assert call.environment["SystemRoot"] == "C:\\Windows"
        sim.wts.exit_process(call.pid, 0)
        sim.assert_clean()


# --- bounds kept: the UTF-16 decoders never read past what they were given ------------------


def reference_text(data: bytes) -> str:
    """What a NUL-terminated wchar_t string in ``data`` holds, the slow, obvious way: one
    unit at a time to the first NUL unit, then joined as UTF-16 (or UTF-32) text."""
    units = []
    for i in range(0, len(data) - len(data) % WIDE, WIDE):
        unit = int.from_bytes(data[i : i + WIDE], "little")
        if unit == 0:
            break
        units.append(unit)
    raw = b"".join(u.to_bytes(WIDE, "little") for u in units)
    return raw.decode("utf-16-le" if WIDE == 2 else "utf-32-le", "surrogatepass")


def _wide_text_of(data: bytes) -> str:
    """``wts._query.wide_text_at`` over ``data`` placed in memory, all of it its size."""
    from winsession.wts._query import wide_text_at

    memory = ctypes.create_string_buffer(data, len(data))
    return wide_text_at(ctypes.addressof(memory), len(data))


@given(st.binary(max_size=64))
def test_wide_text_reads_units_to_the_first_nul(data: bytes) -> None:
    try:
        expected = reference_text(data)
    except UnicodeDecodeError:  # (Linux only: a unit above U+10FFFF)
        with pytest.raises(UnicodeDecodeError):
            _wide_text_of(data)
    else:
        assert _wide_text_of(data) == expected


def test_zero_bytes_across_two_units_are_no_nul() -> None:
    # 'A' then U+0100 is 41 00 00 01 in UTF-16: its zero bytes at 1-2 straddle two units.
    text = "A\u0100B"
    encoded = text.encode("utf-16-le" if WIDE == 2 else "utf-32-le") + bytes(WIDE)
    assert _wide_text_of(encoded) == text


def test_wide_text_example_runs() -> None:
    import doctest

    from winsession.wts import _query

    (test,) = doctest.DocTestFinder().find(_query.wide_text_at, "wide_text_at", globs=vars(_query))
    runner = doctest.DocTestRunner()
    assert runner.run(test).failed == 0 and len(test.examples) == 2


@pytest.mark.parametrize("level", [0, 1, 2, 10, 502])
def test_a_string_pointer_between_two_wchar_t_is_invalid_data(netstub: NetStub, level: int) -> None:
    # Read from its second byte, a string's units straddle the last string's NUL and can run
    # past the buffer: such a pointer is refused before any string is read.
    netstub.load([Session(f"\\\\c{i}", f"u\u0100{i}", i) for i in range(5)])
    netstub.hostile(stubctl.NET_MISALIGNED, 3)
    with pytest.raises(errors.WinSessionError) as info:
        list(net.enum_sessions(level=level))
    assert info.value.winerror == WinError.ERROR_INVALID_DATA
    assert "pointer between two wchar_t" in str(info.value)
    if level != 502:
        with pytest.raises(errors.WinSessionError, match="between two wchar_t"):
            net.get_session_info("c3", "u\u01003", level=level)
    netstub.hostile(0, 0)
    assert len(list(net.enum_sessions(level=level))) == 5


def test_misaligned_file_and_connection_strings_are_invalid_data(netstub: NetStub) -> None:
    netstub.load([ROW])
    netstub.load_files([File(7 + i, PATH, USER, CLIENT) for i in range(3)],
                       [Connection(11 + i, SHARE, CLIENT, USER) for i in range(3)])  # fmt: skip
    netstub.hostile(stubctl.NET_MISALIGNED, 1)
    for call in (lambda: list(net.enum_files()), lambda: list(net.enum_connections(SHARE)),
                 lambda: net.get_file_info(8)):  # fmt: skip
        with pytest.raises(errors.WinSessionError, match="between two wchar_t") as info:
            call()
        assert info.value.winerror == WinError.ERROR_INVALID_DATA
    assert [f.file_id for f in net.enum_files(level=2)] == [7, 8, 9]  # no strings: no lie


# --- SENS: the user name of a logon event (a BSTR) ------------------------------------------


sensstub = test_sens.sensstub  # (the fixture: the event system stand-in, registered)


@pytest.mark.windows
@pytest.mark.mingw
@pytest.mark.parametrize("via_invoke", [0, 1], ids=["vtable", "invoke"])
def test_sens_user_name_beyond_the_bmp(sensstub: SensStub, via_invoke: int) -> None:
    events = sens.SessionEvents(kinds=[sens.EventKind.LOGON])
    try:
        name = f"{DOMAIN}\\{USER}"
        assert sensstub.fire(int(sens.EventKind.LOGON), name, 3, via_invoke) == 1
        event = events.get(timeout=10)
        assert event is not None and (event.user_name, event.session_id) == (name, 3)
    finally:
        events.close()
