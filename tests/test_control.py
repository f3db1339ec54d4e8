"""tscon, shadow, servers, shutdown, processes with users: wts functions and their CLI.

The scenarios that both backends must agree on are in tests/test_parity.py; here the
simulator's records of the arguments, argument checking and the CLI commands."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import winsession
from winsession import cli, wts
from winsession.testing import Process, Session, Simulator, demo_simulator

Capsys = pytest.CaptureFixture[str]


def run(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_connect_records_password_and_wait() -> None:
    with Simulator(sessions=[Session(1, user_name="a"), Session(3, user_name="b", state=4)],
                   current_session=1) as sim:  # fmt: skip
        wts.connect_session(3, wts.CURRENT_SESSION, "s3cret", wait=False)
        assert sim.wts.connects == [(3, wts.CURRENT_SESSION, "s3cret", 0)]
        assert [int(s.state) for s in wts.enumerate_sessions()] == [4, 0]
        with pytest.raises(winsession.SessionNotFoundError) as info:
            wts.connect_session(9, 1)
        assert info.value.session_id == 9
        with pytest.raises(ValueError, match="password"):
            wts.connect_session(3, 1, "a\0b")
        with pytest.raises(TypeError, match="wait"):
            wts.connect_session(3, 1, wait=1)  # type: ignore[arg-type]
        sim.assert_clean()


def test_shadow_hotkey_and_stop() -> None:
    with Simulator(sessions=[Session(2, user_name="alice")], servers=["RDS02"]) as sim:
        wts.start_remote_control(2, hotkey=0x51, modifiers=wts.HotkeyModifier.ALT)
        assert sim.wts.remote_controls == [(None, 2, 0x51, 4)]
        assert wts.enumerate_sessions()[0].state == wts.ConnectState.SHADOW
        wts.stop_remote_control(2)
        assert wts.enumerate_sessions()[0].state == wts.ConnectState.ACTIVE
        with pytest.raises(winsession.InvalidParameterError):
            wts.stop_remote_control(2)
        with pytest.raises(winsession.ServerNotFoundError) as info:
            wts.start_remote_control(2, server="NOWHERE")
        assert info.value.server == "NOWHERE"
        for bad, exc in ((0, ValueError), (0x100, ValueError), (True, TypeError)):
            with pytest.raises(exc, match="hotkey"):
                wts.start_remote_control(2, hotkey=bad)
        with pytest.raises(ValueError, match="modifiers"):
            wts.start_remote_control(2, modifiers=8)
        sim.assert_clean()


def test_servers_and_shutdown() -> None:
    with Simulator(sessions=[Session(0), Session(1, user_name="admin"),
                             Session(2, user_name="alice")], current_session=2) as sim:  # fmt: skip
        sim.wts.domain_servers[:] = ["RDS01", "RDS02", "RDS03"]
        assert wts.enumerate_servers("CONTOSO") == ["RDS01", "RDS02", "RDS03"]
        assert sim.wts.last_domain == "CONTOSO"
        wts.shutdown_system(wts.ShutdownFlag.REBOOT)
        assert sim.wts.shutdowns == [("", 4)]
        wts.shutdown_system(wts.ShutdownFlag.LOGOFF)
        assert [s.session_id for s in wts.enumerate_sessions()] == [0, 2]
        for bad in (0, 3, 32):
            with pytest.raises(ValueError, match="flag"):
                wts.shutdown_system(bad)
        with pytest.raises(TypeError, match="domain"):
            wts.enumerate_servers(5)  # type: ignore[arg-type]
        sim.assert_clean()


def test_processes_per_session_with_users() -> None:
    procs = [Process(4, 0, "System", "S-1-5-18"), Process(10, 2, "a.exe", "S-1-5-21-9-9-9-1"),
             Process(11, 3, "b.exe", None)]  # fmt: skip
    with Simulator(processes=procs) as sim:
        sim.wts.accounts["S-1-5-21-9-9-9-1"] = ("CONTOSO", "a" * 300)  # a long name
        got = wts.processes()
        assert [p.user for p in got] == ["NT AUTHORITY\\SYSTEM", "CONTOSO\\" + "a" * 300, None]
        assert [p.process_id for p in wts.processes(session_id=2)] == [10]
        assert [p.user for p in wts.processes(resolve_users=False)] == [None, None, None]
        del sim.wts.accounts["S-1-5-21-9-9-9-1"]
        assert wts.processes(session_id=2)[0].user is None  # ERROR_NONE_MAPPED: no name
        assert got[0] == wts.Process(0, 4, "System", "S-1-5-18", "NT AUTHORITY\\SYSTEM")
        sim.assert_clean()


def test_terminate_process_signature() -> None:
    with Simulator(processes=[Process(42, 1, "x.exe")]) as sim:
        wts.terminate_process(pid=42)
        assert wts.processes() == []
        with pytest.raises(TypeError, match="pid"):
            wts.terminate_process("42")  # type: ignore[arg-type]
        sim.assert_clean()


# --- CLI ------------------------------------------------------------------------------------


def test_cli_processes(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "processes")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["PID", "SESSION", "USER", "IMAGE"]
    assert lines[2].split() == ["4242", "2", "CONTOSO\\alice", "notepad.exe"]
    rc, out, _ = run(capsys, "--simulate", "ts", "processes", "--session", "0", "--json")
    assert [(r["process_id"], r["user"]) for r in json.loads(out)] == [(4, "NT AUTHORITY\\SYSTEM")]


def test_cli_escapes_process_names(capsys: Capsys) -> None:
    with Simulator(processes=[Process(7, 1, "evil\x1b]0;owned\x07.exe")]):
        rc, out, _ = run(capsys, "ts", "processes")
    assert rc == 0 and "\x1b" not in out and "\x07" not in out and "\\x1b" in out


def test_cli_kill_needs_confirmation(capsys: Capsys, monkeypatch: Any) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    rc, _, err = run(capsys, "--simulate", "ts", "kill", "4242")
    assert rc == 2 and "--yes" in err
    rc, out, _ = run(capsys, "--simulate", "ts", "kill", "4242", "--yes")
    assert (rc, out) == (0, "Ended process 4242.\n")


def test_cli_servers_connect_shadow(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "servers", "--json")
    assert (rc, json.loads(out)) == (0, [{"server": "RDS01"}, {"server": "RDS02"}])
    rc, out, _ = run(capsys, "--simulate", "ts", "connect", "3", "--yes")
    assert (rc, out) == (0, "Connected session 3 to the current session's terminal.\n")
    rc, out, _ = run(capsys, "--simulate", "ts", "shadow", "2", "--modifiers", "ctrl,alt")
    assert rc == 0 and "CTRL+ALT+VK 0x6A" in out
    rc, _, err = run(capsys, "--simulate", "ts", "shadow", "2", "--modifiers", "meta")
    assert rc == 2 and "not a modifier" in err
    rc, out, _ = run(capsys, "--simulate", "ts", "shadow", "2", "--stop")
    assert rc == 1  # nothing is shadowed in a fresh demo: the API error's exit code


def test_cli_spawn(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "spawn", "2", "--json", "--", "notepad.exe",
                     "my file.txt")  # fmt: skip
    record = json.loads(out)
    assert rc == 0 and record["pid"] == 5000
    assert record["command_line"] == 'notepad.exe "my file.txt"'
    rc, _, err = run(capsys, "--simulate", "ts", "spawn", "2", "--")
    assert rc == 2 and "command" in err
    rc, _, err = run(capsys, "--simulate", "ts", "spawn", "0", "--", "x.exe")
    assert rc == 1 and "ERROR_NO_TOKEN" in err


def test_cli_shutdown_dry_run_and_confirmation(capsys: Capsys, monkeypatch: Any) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    rc, out, _ = run(capsys, "--simulate", "ts", "shutdown", "reboot", "--dry-run")
    assert rc == 0 and "nothing was done" in out
    rc, _, err = run(capsys, "--simulate", "ts", "shutdown", "reboot")
    assert rc == 2 and "--yes" in err
    rc, out, _ = run(capsys, "--simulate", "ts", "shutdown", "logoff", "--yes")
    assert (rc, out) == (0, "Requested: logoff on this computer.\n")
    rc, _, err = run(capsys, "--simulate", "ts", "shutdown", "explode", "--yes")
    assert rc == 2


def test_demo_has_no_leak_after_cli() -> None:
    with demo_simulator() as sim:
        assert cli.main(["ts", "processes"]) == 0
        sim.assert_clean()


@given(st.text(max_size=40))
def test_printable_never_lets_control_or_bidi_through(text: str) -> None:
    # The one escaping function of every human output (winsession._escape).
    from winsession._escape import escape, needs_escape

    shown = escape(text)
    assert not any(needs_escape(ch) for ch in shown)
    assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in shown)
    if text.isprintable() and "\\" not in text:
        assert shown == text
