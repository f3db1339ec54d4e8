"""wts.query_user_token and wts.spawn_in_session.

Simulator (every tier): every call recorded with its arguments, every token, process and
thread handle and environment block counted. Wine stand-in tier: WTSQueryUserToken is the
stand-in's (it hands out this process's own token from the real OpenProcessToken, as a
service would get the user's); DuplicateTokenEx, CreateEnvironmentBlock,
DestroyEnvironmentBlock, CreateProcessAsUserW, WaitForSingleObject, GetExitCodeProcess,
TerminateProcess and CloseHandle are Wine's real ones, and the child is a real process.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import WtsStub
from test_wts import add_user_session

import winsession
from winsession import wts
from winsession._winerror import ERROR_ACCESS_DENIED, ERROR_NOT_ENOUGH_MEMORY
from winsession.raw import advapi32
from winsession.testing import Session, Simulator
from winsession.wts._token import command_line_text


def sim_with_alice() -> Simulator:
    return Simulator(sessions=[Session(0), Session(2, user_name="alice", domain_name="CONTOSO")])


# --- the simulator --------------------------------------------------------------------------


def test_token_is_closed_exactly_once() -> None:
    with sim_with_alice() as sim:
        token = wts.query_user_token(2)
        assert sim.wts.open_tokens == 1 and sim.wts.token_queries == [2]
        token.close()
        token.close()
        assert sim.wts.open_tokens == 0
        with pytest.raises(ValueError, match="closed"):
            _ = token.handle
        wts.query_user_token(2)  # dropped at once: the finalizer closes it
        gc.collect()
        assert sim.wts.open_tokens == 0
        sim.assert_clean()


def test_token_errors_by_meaning() -> None:
    with sim_with_alice() as sim:
        with pytest.raises(winsession.SessionNotFoundError) as info:
            wts.query_user_token(0)  # nobody logged on: ERROR_NO_TOKEN
        assert info.value.symbol == "ERROR_NO_TOKEN" and info.value.session_id == 0
        with pytest.raises(winsession.SessionNotFoundError) as info:
            wts.query_user_token(7)
        assert info.value.symbol == "ERROR_CTX_WINSTATION_NOT_FOUND"
        sim.wts.tcb_privilege = False
        with pytest.raises(winsession.AccessDeniedError) as info:
            wts.query_user_token(2)
        assert isinstance(info.value, PermissionError)
        assert info.value.symbol == "ERROR_PRIVILEGE_NOT_HELD"
        assert "LocalSystem" in str(info.value)
        sim.assert_clean()


def test_spawn_calls_and_arguments() -> None:
    with sim_with_alice() as sim:
        with wts.spawn_in_session(
            2, ["C:\\Tools\\my app.exe", "--name", 'say "hi"'], cwd="C:\\Work",
            env={"TOOL_MODE": "batch", "USERNAME": "override"},
        ) as proc:  # fmt: skip
            (call,) = sim.wts.spawned
            assert proc.pid == call.pid and proc.session_id == 2
            assert call.command_line == '"C:\\Tools\\my app.exe" --name "say \\"hi\\""'
            assert call.desktop == "winsta0\\default"
            assert call.current_directory == "C:\\Work"
            assert call.creation_flags & advapi32.CREATE_UNICODE_ENVIRONMENT
            assert call.creation_flags & advapi32.CREATE_NEW_CONSOLE
            assert call.show_window == advapi32.SW_SHOW
            assert call.environment["TOOL_MODE"] == "batch"
            assert call.environment["USERNAME"] == "override"  # env wins over the profile
            assert call.environment["USERDOMAIN"] == "CONTOSO"  # the user's own block
            # Only the process handle is left while it is open: token, duplicate, thread
            # and the environment block are gone already.
            assert sim.wts.open_kernel_handles == 1 and sim.wts.env_blocks == 0
            assert proc.exit_code is None and proc.wait(0.05) is None
        assert sim.wts.open_kernel_handles == 0
        sim.wts.exit_process(call.pid, 0)
        sim.assert_clean()


def test_hidden_spawn_and_plain_string() -> None:
    with sim_with_alice() as sim:
        proc = wts.spawn_in_session(2, 'notepad.exe "a b.txt"', visible=False)
        (call,) = sim.wts.spawned
        assert call.command_line == 'notepad.exe "a b.txt"'
        assert call.show_window == advapi32.SW_HIDE
        assert call.creation_flags & advapi32.CREATE_NO_WINDOW
        assert "TOOL_MODE" not in call.environment
        proc.terminate(4)
        assert proc.wait() == 4 and proc.exit_code == 4
        proc.terminate()  # ended: nothing happens
        proc.close()
        sim.assert_clean()


def test_wait_returns_when_the_process_ends() -> None:
    with sim_with_alice() as sim:
        with wts.spawn_in_session(2, "worker.exe") as proc:
            threading.Timer(0.2, sim.wts.exit_process, (proc.pid, 17)).start()
            t0 = time.monotonic()
            assert proc.wait(10) == 17
            assert time.monotonic() - t0 < 5
        sim.assert_clean()


@pytest.mark.parametrize(
    ("function", "code"),
    [
        ("DuplicateTokenEx", ERROR_ACCESS_DENIED),
        ("CreateEnvironmentBlock", ERROR_NOT_ENOUGH_MEMORY),
        ("CreateProcessAsUserW", ERROR_ACCESS_DENIED),
    ],
)
def test_every_path_releases_everything(function: str, code: int) -> None:
    with sim_with_alice() as sim:
        sim.wts.fail_api(function, code)
        with pytest.raises(winsession.WinSessionError) as info:
            wts.spawn_in_session(2, "app.exe", env={"A": "1"})
        assert info.value.function == function and info.value.winerror == code
        assert sim.wts.spawned == []
        assert (sim.wts.open_kernel_handles, sim.wts.env_blocks) == (0, 0)
        sim.assert_clean()


def test_bad_arguments_never_reach_the_dll() -> None:
    with sim_with_alice() as sim:
        bad: list[tuple[Any, dict[str, Any], type[Exception], str]] = [
            ("", {}, ValueError, "command_line"),
            ([], {}, ValueError, "command_line"),
            ("a\0b", {}, ValueError, "command_line"),
            (["a", 3], {}, TypeError, r"command_line\[1\]"),
            (b"app.exe", {}, TypeError, "command_line"),
            ("x" * 40000, {}, ValueError, "command_line"),
            ("app.exe", {"cwd": 5}, TypeError, "cwd"),
            ("app.exe", {"env": {"A=B": "1"}}, ValueError, "env key"),
            ("app.exe", {"env": {"A": None}}, TypeError, "env"),
            ("app.exe", {"env": ["A=1"]}, TypeError, "env"),
            ("app.exe", {"visible": "yes"}, TypeError, "visible"),
        ]
        for command, kwargs, exc, match in bad:
            with pytest.raises(exc, match=match):
                wts.spawn_in_session(2, command, **kwargs)
        with pytest.raises(ValueError, match="session_id"):
            wts.spawn_in_session(-1, "app.exe")
        assert sim.wts.token_queries == [] and sim.wts.spawned == []


PARTS = st.lists(st.text(st.characters(blacklist_characters="\0"), max_size=12), min_size=1,
                 max_size=6)  # fmt: skip


@given(PARTS.filter(lambda parts: subprocess.list2cmdline(parts).strip()))
def test_lists_are_quoted_like_subprocess(parts: list[str]) -> None:
    assert command_line_text(parts) == subprocess.list2cmdline(parts)


def test_demo_example() -> None:
    from winsession.testing import demo_simulator

    with demo_simulator() as sim:
        proc = wts.spawn_in_session(2, ["notepad.exe"])
        assert [p.name for p in wts.processes() if p.process_id == proc.pid] == ["notepad.exe"]
        proc.terminate()
        proc.close()
        assert sim.problems() == []


# --- Wine: the stand-in's token, Wine's real advapi32/userenv/kernel32 ---------------------


@pytest.mark.windows
def test_stand_in_token_is_a_real_handle_closed_once(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 2, "alice")
    with wts.query_user_token(2) as token:
        assert token.handle
        assert wtsstub.tokens_handed() == 1 and wtsstub.tokens_open() == 1
        assert wtsstub.last_token_session() == 2
    assert wtsstub.tokens_open() == 0
    wtsstub.set_tcb(0)
    with pytest.raises(winsession.AccessDeniedError):
        wts.query_user_token(2)
    with pytest.raises(winsession.AccessDeniedError):
        wts.spawn_in_session(2, "cmd.exe")
    wtsstub.set_tcb(1)
    with pytest.raises(winsession.SessionNotFoundError):
        wts.query_user_token(9)
    assert wtsstub.tokens_open() == 0


@pytest.mark.windows
def test_real_spawn_under_wine(wtsstub: WtsStub, tmp_path: Path) -> None:
    add_user_session(wtsstub, 2, "alice")
    out = tmp_path / "child.txt"
    script = (
        "import os, sys; "
        f"open({str(out)!r}, 'w').write(os.environ.get('WINSESSION_CHILD', '') + '|' + "
        "os.getcwd() + '|' + str('SystemRoot' in os.environ)); sys.exit(7)"
    )
    proc = wts.spawn_in_session(
        2, [sys.executable, "-c", script], cwd=str(tmp_path),
        env={"WINSESSION_CHILD": "yes, with spaces"}, visible=False,
    )  # fmt: skip
    try:
        assert proc.pid > 0
        assert proc.wait(60) == 7 and proc.exit_code == 7
    finally:
        proc.close()
    child_env, child_cwd, has_root = out.read_text().split("|")
    assert child_env == "yes, with spaces"  # our variable reached the child
    assert Path(child_cwd) == tmp_path
    assert has_root == "True"  # and CreateEnvironmentBlock's variables too
    assert wtsstub.tokens_open() == 0


@pytest.mark.windows
def test_real_terminate_under_wine(wtsstub: WtsStub) -> None:
    add_user_session(wtsstub, 2, "alice")
    with wts.spawn_in_session(
        2, [sys.executable, "-c", "import time; time.sleep(60)"], visible=False
    ) as proc:
        assert proc.wait(0.2) is None
        proc.terminate(5)
        assert proc.wait(30) == 5
    assert wtsstub.tokens_open() == 0
