"""The examples run against the stand-in, in-process, through the real loader and FFI."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from stubctl import NetStub, Session, WtsStub

from winsession import wts
from winsession.codes import WinError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(name: str, *argv: str) -> int:
    saved = sys.argv
    sys.argv = [name, *argv]
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    except SystemExit as done:
        return int(done.code or 0)
    finally:
        sys.argv = saved
    raise AssertionError("examples end with sys.exit()")


TABLE = [
    Session("\\\\10.0.0.5", "alice", 2, 3700, 65, 0, "Windows", "\\Device\\NetbiosSmb"),
    Session("\\\\10.0.0.6", "bob", 0, 30, 30, 1, "Samba", "tcp"),
]


def test_list_smb_sessions(netstub: NetStub, capsys: pytest.CaptureFixture[str]) -> None:
    netstub.load(TABLE)
    assert run("list_smb_sessions.py", "--level", "502") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Client", "User", "Opens", "Active", "Idle", "Transport"]
    assert out[1].split() == [
        "\\\\10.0.0.5",
        "alice",
        "2",
        "1:01:40",
        "0:01:05",
        "\\Device\\NetbiosSmb",
    ]
    assert out[-1] == "2 session(s)"


def test_list_smb_sessions_access_denied(
    netstub: NetStub, capsys: pytest.CaptureFixture[str]
) -> None:
    netstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    assert run("list_smb_sessions.py", "\\\\STANDIN") == 1
    assert "Access denied" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "left", "code", "text"),
    [
        (["", "\\\\10.0.0.5"], ["bob"], 0, "successfully closed"),
        (["", "", "bob"], ["alice"], 0, "successfully closed"),
        (["\\\\STANDIN", "10.0.0.6", "bob"], ["alice"], 0, "successfully closed"),
        (["", "\\\\10.0.0.9"], ["alice", "bob"], 1, "A session does not exist"),
        # NetSessionDel documents NERR_ClientNameNotFound for whichever name matched nothing.
        (["", "\\\\10.0.0.5", "bob"], ["alice", "bob"], 1, "A session does not exist"),
        (["\\\\NOSUCH", "\\\\10.0.0.5"], ["alice", "bob"], 1, "ERROR_BAD_NETPATH"),
        (["\\\\STANDIN"], ["alice", "bob"], 2, "Nothing to close"),
        (["a", "b", "c", "d"], ["alice", "bob"], 2, "usage"),
    ],
)
def test_close_smb_session(
    netstub: NetStub,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    left: list[str],
    code: int,
    text: str,
) -> None:
    netstub.load(TABLE)
    assert run("close_smb_session.py", *argv) == code
    captured = capsys.readouterr()
    assert text in (captured.out + captured.err)
    from winsession import net

    assert [s.user_name for s in net.enum_sessions(level=10)] == left


def test_close_smb_session_access_denied(
    netstub: NetStub, capsys: pytest.CaptureFixture[str]
) -> None:
    netstub.load(TABLE)
    netstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    assert run("close_smb_session.py", "", "", "bob") == 1
    assert "does not have access" in capsys.readouterr().err


# --- Remote Desktop examples ------------------------------------------------------------------


def test_list_ts_sessions(wtsstub: WtsStub, capsys: pytest.CaptureFixture[str]) -> None:
    wtsstub.add_session(None, 0, wts.ConnectState.DISCONNECTED, "services")
    wtsstub.add_session(None, 2, wts.ConnectState.ACTIVE, "rdp-tcp#0")
    wtsstub.set_string(None, 2, wts.InfoClass.USER_NAME, "alice")
    wtsstub.set_string(None, 2, wts.InfoClass.CLIENT_NAME, "LAPTOP-7")
    wtsstub.add_session(None, 65536, wts.ConnectState.LISTEN, "rdp-tcp")
    assert run("list_ts_sessions.py") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["SESSIONNAME", "USERNAME", "ID", "STATE", "CLIENT"]
    assert [line.split() for line in out[1:]] == [
        ["services", "0", "Disc"],
        ["rdp-tcp#0", "alice", "2", "Active", "LAPTOP-7"],
        ["rdp-tcp", "65536", "Listen"],
    ]


def test_list_ts_sessions_unreachable(wtsstub: WtsStub, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("list_ts_sessions.py", "NOSUCH") == 1
    assert "RPC_S_SERVER_UNAVAILABLE" in capsys.readouterr().err


@pytest.mark.parametrize("wait", [False, True])
def test_disconnect_current_session(
    wtsstub: WtsStub, capsys: pytest.CaptureFixture[str], wait: bool
) -> None:
    wtsstub.add_session(None, 3, wts.ConnectState.ACTIVE, "rdp-tcp#1")
    wtsstub.set_current_session(3)
    assert run("disconnect_current_session.py", *(["--wait"] if wait else [])) == 0
    assert wtsstub.session_state(None, 3) == wts.ConnectState.DISCONNECTED
    assert wtsstub.last_wait() == int(wait)
    assert "disconnect" in capsys.readouterr().out.lower()


def test_disconnect_current_session_denied(
    wtsstub: WtsStub, capsys: pytest.CaptureFixture[str]
) -> None:
    wtsstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    assert run("disconnect_current_session.py") == 1
    assert "Not allowed" in capsys.readouterr().err


def test_message_session(wtsstub: WtsStub, capsys: pytest.CaptureFixture[str]) -> None:
    wtsstub.add_session(None, 3, wts.ConnectState.ACTIVE, "rdp-tcp#1")
    wtsstub.set_message_response(wts.MessageResponse.YES)
    assert run("message_session.py", "3", "Restart", "Restart now?", "--yes-no") == 0
    assert capsys.readouterr().out.strip() == "Response: YES"
    style = wts.MessageStyle.YES_NO | wts.MessageStyle.ICON_QUESTION
    assert wtsstub.last_message_text() == ("Restart", "Restart now?", int(style))
    assert run("message_session.py", "9", "t", "m") == 1
    assert "There is no session 9" in capsys.readouterr().err


def test_watch_ts_events(wtsstub: WtsStub, capsys: pytest.CaptureFixture[str]) -> None:
    wtsstub.queue_event(wts.Event.LOGON | wts.Event.CONNECT)
    assert run("watch_ts_events.py", "--seconds", "0.5") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].endswith(" CONNECT|LOGON")
    assert wtsstub.waiters() == 0


def test_watch_session_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("watch_session_changes.py", "--simulate", "--seconds", "0.5") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1:4] for line in lines] == [
        ["SESSION_LOCK", "session", "2"],
        ["REMOTE_DISCONNECT", "session", "3"],
        ["SESSION_UNLOCK", "session", "2"],
    ]
    assert lines[0].endswith("'CONTOSO\\\\alice'")


def test_spawn_in_session(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("spawn_in_session.py", "2", "--simulate", "--wait", "--", "notepad.exe",
               "a b.txt") == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out == ['started pid 5000 in session 2: notepad.exe "a b.txt"', "exit code 0"]
    assert run("spawn_in_session.py", "0", "--simulate", "--", "x.exe") == 1
    assert "Nobody is logged on" in capsys.readouterr().err


# --- open files ---------------------------------------------------------------------------


def _load_files(netstub: NetStub) -> None:
    from stubctl import File

    netstub.load(TABLE)
    netstub.load_files([
        File(101, "C:\\Shares\\plan.docx", "alice", "\\\\10.0.0.5", 3, 1),
        File(102, "C:\\Shares\\x\x1b[2J.txt", "alice", "\\\\10.0.0.5", 1, 0),
        File(205, "D:\\setup.msi", "bob", "\\\\10.0.0.6", 5, 0),
    ])  # fmt: skip


def test_list_open_files(netstub: NetStub, capsys: pytest.CaptureFixture[str]) -> None:
    _load_files(netstub)
    assert run("list_open_files.py", "--page", "64") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["ID", "User", "Locks", "Access", "Path"]
    assert out[1].split() == ["101", "alice", "1", "RW-", "C:\\\\Shares\\\\plan.docx"]
    assert "\x1b" not in out[2] and "\\x1b[2J" in out[2]  # a remote name is escaped
    assert out[3].split()[3] == "R-C" and out[-1] == "3 open file(s)"
    assert netstub.calls() > 1  # it streamed in pages
    assert run("list_open_files.py", "--user", "bob") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 open file(s)"


def test_list_open_files_access_denied(
    netstub: NetStub, capsys: pytest.CaptureFixture[str]
) -> None:
    netstub.fail_on_call(1, WinError.ERROR_ACCESS_DENIED)
    assert run("list_open_files.py") == 1
    assert "Access denied" in capsys.readouterr().err


def test_close_open_file(netstub: NetStub, capsys: pytest.CaptureFixture[str]) -> None:
    _load_files(netstub)
    assert run("close_open_file.py", "101", "--dry-run") == 0
    assert capsys.readouterr().out.strip() == "Would close file 101."
    assert netstub.file_count() == 3
    assert run("close_open_file.py", "101", "999") == 1
    captured = capsys.readouterr()
    assert "Closed file 101." in captured.out and "no open file 999" in captured.err
    assert run("close_open_file.py", "--path", "C:\\Shares") == 0
    assert capsys.readouterr().out.strip() == "Closed file 102."
    assert netstub.file_count() == 1
    assert run("close_open_file.py") == 2
