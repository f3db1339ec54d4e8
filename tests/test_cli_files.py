"""``winsession smb files``, ``smb close-file`` and ``smb connections``, in-process through
main(argv), against the netapi32 stand-in (host and wine-standin tiers) and with --simulate."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from clitools import Capsys, FakeStdin, no_terminal, run  # noqa: F401  (no_terminal: autouse)
from stubctl import Connection, File, NetStub, Session

from winsession import cli

FILES = [
    File(101, "C:\\Shares\\Projects\\plan.docx", "alice", "\\\\10.0.0.5", 3, 0),
    File(102, "C:\\Shares\\Projects\\budget.xlsx", "alice", "\\\\10.0.0.5", 3, 1),
    File(205, "C:\\Shares\\Public\\setup.msi", "bob", "\\\\10.0.0.6", 1, 0),
]


@pytest.fixture
def stand_in(netstub: NetStub) -> NetStub:
    netstub.load([Session("\\\\10.0.0.5", "alice"), Session("\\\\10.0.0.6", "bob")])
    netstub.load_files(
        FILES,
        [
            Connection(11, "Projects", "\\\\10.0.0.5", "alice", 0, 2, 1, 3600),
            Connection(12, "IPC$", "\\\\10.0.0.5", "alice", 0x80000003, 0, 1, 3600),
        ],
    )
    return netstub


def test_smb_files_table(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "files")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "User", "name", "Locks", "Permissions", "Path"]
    assert lines[2].split() == ["102", "alice", "1", "READ+WRITE",
                                "C:\\Shares\\Projects\\budget.xlsx"]  # fmt: skip
    assert lines[-1] == "3 open file(s)"


def test_smb_files_filters_json_and_csv(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "files", "--path", "C:\\Shares\\Public", "--json")
    assert code == 0
    assert json.loads(out) == [{"server": None, "file_id": 205, "permissions": 1, "num_locks": 0,
                                "path_name": "C:\\Shares\\Public\\setup.msi",
                                "user_name": "bob"}]  # fmt: skip
    code, out, _ = run(capsys, "smb", "files", "--user", "alice", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["file_id"] for r in rows] == ["101", "102"] and rows[0]["permissions"] == "READ+WRITE"


def test_smb_files_remote_server(stand_in: NetStub, capsys: Capsys) -> None:
    code, _, err = run(capsys, "smb", "files", "--server", "NOSUCH")
    assert code == 1 and "ERROR_BAD_NETPATH" in err


def test_close_file_by_id(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "close-file", "102", "--yes")
    assert code == 0 and "Closed file 102 (alice: C:\\Shares\\Projects\\budget.xlsx)" in out
    assert stand_in.file_count() == 2


def test_close_file_dry_run_changes_nothing(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "close-file", "--path", "C:\\Shares\\Projects", "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "Would close file 101 (alice: C:\\Shares\\Projects\\plan.docx) on this computer.",
        "Would close file 102 (alice: C:\\Shares\\Projects\\budget.xlsx) on this computer.",
        "Dry run: 2 file(s) would be closed; nothing was changed.",
    ]
    assert stand_in.file_count() == 3


def test_close_file_by_path_with_yes(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "close-file", "--path", "c:\\shares\\projects", "-y")
    assert code == 0 and out.splitlines()[-1] == "Closed 2 of 2 file(s)."
    assert stand_in.file_count() == 1


def test_close_file_refuses_without_a_terminal(stand_in: NetStub, capsys: Capsys) -> None:
    code, _, err = run(capsys, "smb", "close-file", "101")
    assert code == 2 and "refusing without --yes because stdin is not a terminal" in err
    assert stand_in.file_count() == 3


@pytest.mark.parametrize(("answer", "left"), [("y\n", 2), ("n\n", 3), ("\n", 3)])
def test_close_file_asks_on_a_terminal(
    stand_in: NetStub, capsys: Capsys, monkeypatch: pytest.MonkeyPatch, answer: str, left: int
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(answer, tty=True))
    run(capsys, "smb", "close-file", "101")
    assert stand_in.file_count() == left


def test_close_file_unknown_id(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, err = run(capsys, "smb", "close-file", "999", "101", "--yes")
    assert code == 3  # partial failure: one of them did not exist, the other was closed
    assert "no open file 999" in err and "Closed file 101" in out
    assert stand_in.file_count() == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["smb", "close-file"],
        ["smb", "close-file", "1", "--path", "C:\\"],
        ["smb", "close-file", "1", "--user", "bob"],
        ["smb", "close-file", "x"],
        ["smb", "close-file", "-5"],
        ["smb", "connections"],
    ],
)
def test_close_file_usage_errors(stand_in: NetStub, capsys: Capsys, argv: list[str]) -> None:
    calls = stand_in.calls()
    with pytest.raises(SystemExit) as done:
        code = cli.main(argv)
        raise SystemExit(code)
    assert done.value.code == 2
    assert stand_in.calls() == calls and stand_in.file_count() == 3


def test_smb_connections(stand_in: NetStub, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "connections", "\\\\10.0.0.5")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:2] == ["ID", "Share"]
    assert lines[2].split() == ["12", "IPC$", "alice", "IPC|SPECIAL", "0", "1", "01:00:00"]
    code, out, _ = run(capsys, "smb", "connections", "Projects", "--json")
    assert json.loads(out)[0]["net_name"] == "10.0.0.5"
    code, out, _ = run(capsys, "smb", "connections", "Projects", "--level", "0", "--csv")
    assert out.splitlines() == ["server,connection_id", '"",11']


def test_simulated_files(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "--simulate", "smb", "files")
    assert code == 0 and out.splitlines()[-1] == "4 open file(s)"
    code, out, _ = run(capsys, "--simulate", "smb", "close-file", "205", "--dry-run")
    assert "Would close file 205 (bob: C:\\Shares\\Public\\setup.msi)" in out


def test_close_file_messages_escape_remote_names(netstub: NetStub, capsys: Capsys) -> None:
    netstub.load([Session("\\\\c", "u")])
    netstub.load_files([File(7, "C:\\x\x1b[2J\u202eevil.txt", "u\r", "\\\\c")])
    code, out, _ = run(capsys, "smb", "close-file", "7", "--dry-run")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    # winsession._escape: CR as \x0d; a literal backslash before "x" as \x5c (unambiguous)
    assert "file 7 (u\\x0d: C:\\x5cx\\x1b[2J\\u202eevil.txt)" in out
    assert netstub.file_count() == 1


def test_advice_for_an_unknown_file_id_speaks_of_files() -> None:
    from winsession import errors
    from winsession.cli._actions import advice

    for code in (2, 2314):  # ERROR_FILE_NOT_FOUND (NetFileClose's page), NERR_FileIdNotFound
        exc = errors.error_class(errors.NetApiError, code, "NetFileClose")(code, "NetFileClose")
        assert isinstance(exc, errors.OpenFileNotFoundError)
        text = advice(exc)
        assert "No file is open" in text and "No such session" not in text and "smb files" in text
