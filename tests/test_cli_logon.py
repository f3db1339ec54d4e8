"""``winsession who``, ``winsession logon list`` and ``winsession logon users`` (issue 22 items
3 and 4): columns, filters, notes on stderr, exit codes, hostile and non-BMP names.

(The parser walk in test_cli_commands.py checks their --json against the schema, --csv and
--server; test_cli_terminal.py their tables at 80 and 200 columns.)
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import unicodedata

import pytest
from clitools import Capsys, no_terminal, pretend_not_windows, run  # noqa: F401
from stubctl import LsaStub, NetStub, WtsStub
from test_who import _load_stand_ins

from winsession.testing import LogonSession, Session, Simulator, SmbSession, WorkstationUser

T0 = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.timezone.utc)


def sim(*argv: str, capsys: Capsys) -> tuple[int, str, str]:
    return run(capsys, "--simulate", *argv)


# --- logon list -----------------------------------------------------------------------------


def test_logon_list_columns_like_logonsessions(capsys: Capsys) -> None:
    rc, out, err = sim("logon", "list", capsys=capsys)
    lines = out.splitlines()
    assert rc == 0 and err == ""
    assert lines[0].split() == ["LOGON", "ID", "USER", "TYPE", "SESSION", "LOGON", "TIME",
                                "(UTC)", "AUTH", "PACKAGE", "LOGON", "SERVER"]  # fmt: skip
    assert lines[1].split()[:3] == ["0x3e7", "CONTOSO\\SIMULATED$", "Service"]
    alice = next(line.split() for line in lines if "0x3b9c2" in line)
    assert alice == ["0x3b9c2", "CONTOSO\\alice", "RemoteInteractive", "2", "2024-05-06",
                     "08:30", "Kerberos", "DC01"]  # fmt: skip
    assert lines[-1] == "12 logon session(s)"


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        (["--type", "network"], ["0x4c1d0", "0x4e2a1", "0x4f3b7"]),
        (["--type", "SERVICE", "--type", "Batch"], ["0x3e7", "0x3e4", "0x3e5", "0x4d3e8"]),
        (["--type", "cachedremoteinteractive"], ["0x51a77"]),
        (["--type", "10"], ["0x3b9c2"]),
        (["--user", "bob"], ["0x4f3b7", "0x51a77"]),
        (["--user", "contoso\\ALICE", "--user", "carol"], ["0x3b9c2", "0x4c1d0", "0x4e2a1"]),
        (["--session", "1"], ["0x3f1", "0x3f2", "0x2a0f1"]),
        (["--session", "2", "--session", "3"], ["0x3b9c2", "0x51a77"]),
        (["--user", "bob", "--type", "network", "--session", "0"], ["0x4f3b7"]),
        (["--user", "nobody"], []),
    ],
)
def test_logon_list_filters(capsys: Capsys, options: list[str], ids: list[str]) -> None:
    rc, out, _ = sim("logon", "list", *options, "--json", capsys=capsys)
    assert rc == 0 and [f"{r['logon_id']:#x}" for r in json.loads(out)] == ids
    rc, table, _ = sim("logon", "list", *options, capsys=capsys)
    assert [line.split()[0] for line in table.splitlines()[1:-1]] == ids
    assert table.splitlines()[-1] == f"{len(ids)} logon session(s)"


def test_logon_list_bad_type_is_a_usage_error(capsys: Capsys) -> None:
    rc, out, err = sim("logon", "list", "--type", "Telepathic", capsys=capsys)
    assert (rc, out) == (2, "") and "not a logon type: Telepathic" in err
    assert "RemoteInteractive" in err and "CachedInteractive" in err
    rc, _, err = sim("logon", "list", "--session", "x", capsys=capsys)
    assert rc == 2 and "not a session id" in err
    rc, _, err = sim("logon", "list", "--server", "FS1", capsys=capsys)
    assert rc == 2 and "unrecognized arguments: --server FS1" in err
    rc, _, err = sim("--server", "FS1", "logon", "list", capsys=capsys)
    assert rc == 2 and "logon list does not take --server" in err


def test_logon_list_is_local_only_and_says_so(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "logon", "list", "--help")
    assert rc == 0 and "no --server" in " ".join(out.split())
    assert "--server" not in out.replace("no --server", "")


def _unprivileged() -> Simulator:
    rows = [
        LogonSession(0x3E7, "PC$", "CONTOSO", "Negotiate", 5, 0, "S-1-5-18", T0),
        LogonSession(0x100, "alice", "CONTOSO", "Kerberos", 10, 2, "S-1-5-21-1-2-3-1001", T0),
        LogonSession(0x200, "bob", "CONTOSO", "NTLM", 3, 0, "S-1-5-21-1-2-3-1002", T0),
    ]
    simulator = Simulator(logon_sessions=rows)
    simulator.lsa.privileged = False
    simulator.lsa.caller = 0x100
    return simulator


def test_logon_list_not_elevated_counts_and_advises(capsys: Capsys) -> None:
    with _unprivileged():
        rc, out, err = run(capsys, "logon", "list")
        assert rc == 0 and [line.split()[0] for line in out.splitlines()[1:-1]] == ["0x100"]
        assert "2 logon session(s) of other users were skipped" in err
        assert "Run as administrator" in err
        rc, out, err = run(capsys, "logon", "list", "--strict")
        assert rc == 1 and out == "" and "ERROR_ACCESS_DENIED" in err


def test_logon_list_csv_words(capsys: Capsys) -> None:
    rc, out, _ = sim("logon", "list", "--csv", "--user", "alice", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["logon_type"] for r in rows] == ["REMOTE_INTERACTIVE", "NETWORK"]
    assert rows[0]["user_flags"] == "EXTRA_SIDS" and rows[0]["logon_id"] == "244162"
    assert rows[0]["logon_time"] == "2024-05-06T08:30:00+00:00"


# --- logon users ----------------------------------------------------------------------------


def test_logon_users_many_servers(capsys: Capsys) -> None:
    rc, out, err = sim("logon", "users", "--server", "SIMULATED", "--server", "FS1",
                       capsys=capsys)  # fmt: skip
    assert rc == 0 and err == ""
    assert out.splitlines()[0].split() == ["SERVER", "USER", "LOGON", "SERVER", "OTHER",
                                           "DOMAINS"]  # fmt: skip
    assert out.splitlines()[-2].split() == ["FS1", "CONTOSO\\svc-sql", "DC01"]
    rc, out, err = sim("logon", "users", "--server", "NOSUCH", capsys=capsys)
    assert rc == 1 and out == "" and "ERROR_BAD_NETPATH" in err
    rc, out, _ = sim("logon", "users", "--jsonl", capsys=capsys)
    first = json.loads(out.splitlines()[0])
    assert first == {"server": None, "user_name": "alice", "logon_domain": "CONTOSO",
                     "other_domains": "", "logon_server": "DC01"}  # fmt: skip


# --- who ------------------------------------------------------------------------------------


def test_who_table_and_records(capsys: Capsys) -> None:
    rc, out, err = sim("who", capsys=capsys)
    lines = out.splitlines()
    assert rc == 0 and err == ""
    assert lines[0].split() == ["USER", "HOW", "ID", "STATE", "CLIENT", "IDLE", "OPENS", "LOGON",
                                "TIME", "(UTC)"]  # fmt: skip
    assert lines[2].split() == ["CONTOSO\\alice", "Remote", "Desktop", "2", "Active", "ALICE-PC",
                                "(10.0.0.5)", "0:05:00", "2024-05-06", "08:30"]  # fmt: skip
    assert lines[4].split() == ["CONTOSO\\alice", "SMB", "\\\\10.0.0.5", "0:00:20", "3",
                                "2024-05-06", "10:25"]  # fmt: skip
    assert lines[7].split() == ["CONTOSO\\svc-backup", "Batch", "0", "2024-05-06", "10:00"]
    assert lines[-1] == "7 user logon(s)"
    rc, out, _ = sim("who", "--json", capsys=capsys)
    records = json.loads(out)
    assert [r["route"] for r in records] == ["CONSOLE", "REMOTE_DESKTOP", "REMOTE_DESKTOP",
                                             "SMB", "SMB", "SMB", "LOGON"]  # fmt: skip
    alice = records[1]
    assert (alice["logon_id"], alice["logon_type"], alice["idle_time"]) == (
        0x3B9C2, "REMOTE_INTERACTIVE", 300)  # fmt: skip
    assert (alice["state"], alice["client_address"]) == ("ACTIVE", "10.0.0.5")


def test_who_all_shows_the_system_logons(capsys: Capsys) -> None:
    _, out, _ = sim("who", "--all", "--json", capsys=capsys)
    names = [r["user_name"] for r in json.loads(out)]
    assert {"LOCAL SERVICE", "DWM-1", "UMFD-1"} <= set(names) and len(names) == 12


def test_who_on_other_servers_notes_lsa_is_local(capsys: Capsys) -> None:
    rc, out, err = sim("who", "--server", "SIMULATED", capsys=capsys)
    assert rc == 0 and "listed for this computer only, not for SIMULATED" in err
    assert "Batch" not in out and out.splitlines()[-1] == "6 user logon(s)"
    rc, out, err = sim("who", "--server", "SIMULATED", "--server", "RDS2", "--json",
                       capsys=capsys)  # fmt: skip
    # RDS2 has no Server service: its SMB source failed, its Remote Desktop rows are there
    assert rc == 3 and "RDS2: NetSessionEnum on RDS2 failed" in err
    assert "not for SIMULATED, RDS2" in err
    assert [r["user_name"] for r in json.loads(out) if r["server"] == "RDS2"] == ["dave", "erin"]


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        (["who"], 0, ""),
        (["who", "--server", "FS1"], 3, "FS1: WTSEnumerateSessionsExW on FS1 failed"),
        (["who", "--server", "NOSUCH"], 1, "RPC_S_SERVER_UNAVAILABLE"),
        (["who", "--server", "SIMULATED", "--server", "NOSUCH"], 3, "NOSUCH:"),
        (["who", "--json", "--csv"], 2, "choose one output format"),
        (["who", "--type", "x"], 2, "unrecognized arguments"),
        (["logon", "list"], 0, ""),
        (["logon", "users", "--server", "FS1", "--server", "FS9"], 3, "FS9:"),
    ],
)
def test_exit_codes(capsys: Capsys, argv: list[str], code: int, needle: str) -> None:
    rc, _, err = sim(*argv, capsys=capsys)
    assert rc == code, err
    assert needle in err


def test_who_smb_level_fallback_is_said(capsys: Capsys) -> None:
    from winsession.testing import demo_simulator

    with demo_simulator() as simulator:
        simulator.net.privileged = False
        rc, out, err = run(capsys, "who", "--json")
    assert rc == 0 and "level 2 needs administrators" in err
    assert all(r["num_opens"] is None for r in json.loads(out) if r["route"] == "SMB")


def test_not_windows_points_to_simulate(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_not_windows(monkeypatch)
    for argv, dll in ((["who"], "wtsapi32"), (["logon", "list"], "secur32"),
                      (["logon", "users"], "netapi32")):  # fmt: skip
        rc, out, err = run(capsys, *argv)
        assert (rc, out) == (5, ""), (argv, err)
        assert f"{dll}.dll" in err and f"winsession --simulate {' '.join(argv)}" in err


def test_who_and_logon_list_through_the_stand_ins(
    capsys: Capsys, wtsstub: WtsStub, netstub: NetStub, lsastub: LsaStub
) -> None:
    _load_stand_ins(wtsstub, netstub, lsastub)
    rc, out, err = run(capsys, "who", "--json")
    assert rc == 0 and err == ""
    assert [(r["route"], r["user_name"], r["logon_id"]) for r in json.loads(out)] == [
        ("CONSOLE", "Administrator", 0x2A0F1), ("REMOTE_DESKTOP", "alice", 0x3B9C2),
        ("SMB", "alice", 0x4E2A1), ("SMB", "erin", 0x4F000), ("LOGON", "svc-backup", 0x4D3E8),
    ]  # fmt: skip
    rc, out, _ = run(capsys, "logon", "list", "--type", "network")
    assert rc == 0 and [line.split()[:3] for line in out.splitlines()[1:-1]] == [
        ["0x4e2a1", "CONTOSO\\alice", "Network"],
        ["0x4f000", "CONTOSO\\erin", "Network"],
    ]
    wtsstub.fail_on_call(wtsstub.calls() + 1, 5)  # ERROR_ACCESS_DENIED: partial, exit 3
    rc, out, err = run(capsys, "who")
    assert rc == 3 and "WTSEnumerateSessionsExW failed: ERROR_ACCESS_DENIED" in err
    assert "Run it from an elevated prompt" in err and "svc-backup" in out


# --- hostile and non-BMP names --------------------------------------------------------------

HOSTILE = {
    "user": "\x1b]0;pwned\x07ev\u202eil",
    "client": "PC\nFORGED  root",
    "domain": "DOM\r\x9b31m",
    "smb_user": '=HYPERLINK("x")\x1b[2J',
    "smb_client": "\\\\10.6.6.6\u2028x",
    "server": "DC\x7f\u2066",
    "astral": "\U0001f600ops\U00010437",
}


def _hostile() -> Simulator:
    h = HOSTILE
    sessions = [Session(2, state=0, win_station_name="RDP\x1b[1m", user_name=h["user"],
                        domain_name=h["domain"], client_name=h["client"], client_protocol=2),
                Session(3, state=0, win_station_name="RDP-Tcp#4", user_name=h["astral"],
                        domain_name="CONTOSO", client_protocol=2)]  # fmt: skip
    smb = [SmbSession(h["smb_client"], h["smb_user"], 1, 60, 5)]
    lsa = [
        LogonSession(0x100, h["user"], h["domain"], "Kerberos", 10, 2, "S-1-5-21-1-2-3-4",
                     T0, h["server"]),
        LogonSession(0x200, h["astral"], "CONTOSO", "Kerberos", 10, 3, "S-1-5-21-1-2-3-5", T0),
        LogonSession(0x300, "svc\x1b[8m", h["domain"], "Neg\u202eotiate", 4, 0,
                     "S-1-5-21-1-2-3-6", T0, h["server"]),
    ]  # fmt: skip
    users = [WorkstationUser(h["user"], h["domain"], h["smb_user"], h["server"])]
    return Simulator(smb, sessions, logon_sessions=lsa, workstation_users=users)


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
                                              or unicodedata.bidirectional(c) in
                                              ("RLO", "LRO", "RLE", "LRE", "PDF", "LRI", "RLI",
                                               "FSI", "PDI"))]  # fmt: skip


@pytest.mark.parametrize(("argv", "rows"), [(["who"], 4), (["logon", "list"], 3),
                                            (["logon", "users"], 1)])  # fmt: skip
def test_hostile_names_are_escaped_in_tables(capsys: Capsys, argv: list[str], rows: int) -> None:
    with _hostile():
        rc, out, err = run(capsys, *argv, "--wide")
        assert rc == 0, err
        assert _raw_controls(out) == [] and _raw_controls(err) == []
        assert len(out.splitlines()) == rows + 2  # header, one line per row, footer
        assert HOSTILE["astral"] in out or argv == ["logon", "users"]  # printable: as it is
        assert "\\x1b" in out  # the escapes, readable
        rc, out, _ = run(capsys, *argv, "--json")
        values = {v for r in json.loads(out) for v in r.values() if isinstance(v, str)}
        assert {HOSTILE["user"], HOSTILE["domain"]} <= values  # JSON: exactly the names
        rc, out, _ = run(capsys, *argv, "--csv")
        cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]  # formula-safe


def test_non_bmp_names_keep_their_width(capsys: Capsys) -> None:
    with _hostile():
        rc, out, _ = run(capsys, "who", "--json")
        records = json.loads(out)
    astral = [r for r in records if r["user_name"] == HOSTILE["astral"]]
    assert rc == 0 and [(r["route"], r["logon_id"]) for r in astral] == [("REMOTE_DESKTOP",
                                                                           0x200)]  # fmt: skip


# --- the captures on docs/who.rst are real output --------------------------------------------


def _doc_captures() -> list[tuple[list[str], str]]:
    """Each ``$ winsession ...`` literal block of docs/who.rst: (argv, the lines after it)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "who.rst").read_text("utf-8")
    found = []
    for block in text.split("\n    $ winsession ")[1:]:
        lines = block.split("\n\n")[0].split("\n")
        shown = "".join(line[4:] + "\n" for line in lines[1:])
        found.append((lines[0].split(), shown))
    return found


def test_the_who_page_shows_real_output(capsys: Capsys) -> None:
    captures = _doc_captures()
    assert [argv[:2] for argv, _ in captures] == [["--simulate", "who"],
                                                  ["--simulate", "logon"]]  # fmt: skip
    argv, shown = captures[1]
    assert run(capsys, *argv) == (0, shown, "")  # a pipe: every column


@pytest.mark.pty
def test_the_who_page_shows_an_80_column_terminal() -> None:
    from test_cli_terminal import in_terminal

    argv, shown = _doc_captures()[0]
    assert in_terminal(argv, 80) == (0, shown)
