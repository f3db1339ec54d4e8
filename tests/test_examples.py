"""The examples run against the stand-in, in-process, through the real loader and FFI."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
from stubctl import NetStub, Session

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
    assert out[1].split() == ["\\\\10.0.0.5", "alice", "2", "1:01:40", "0:01:05",
                              "\\Device\\NetbiosSmb"]
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
        (["", "\\\\10.0.0.5", "bob"], ["alice", "bob"], 1, "The user name could not be found"),
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
