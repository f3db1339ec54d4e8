"""The winsession command, in-process through main(argv): every subcommand against the C
stand-ins (host and wine-standin tiers) and with --simulate (every tier), exit codes and
messages of each error family, and the confirmation rules of destructive commands."""

from __future__ import annotations

import csv
import datetime
import io
import json
import runpy
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from clitools import Capsys, FakeStdin, no_terminal, pretend_not_windows, run  # noqa: F401  (no_terminal: autouse)
from stubctl import NetStub, WtsStub
from stubctl import Session as StubSmb

from winsession import cli, errors, testing, wts
from winsession.testing import Simulator

TABLE = [
    StubSmb("\\\\10.0.0.5", "alice", 3, 3600, 20, 0, "Windows 10", "\\Device\\NetbiosSmb"),
    StubSmb("\\\\10.0.0.6", "bob", 1, 125, 5, 1, "Samba", "\\Device\\Tcpip"),
]


@pytest.fixture
def stand_in(netstub: NetStub, wtsstub: WtsStub) -> Iterator[tuple[NetStub, WtsStub]]:
    netstub.load(TABLE)
    wtsstub.add_session(None, 1, 0, "Console")
    wtsstub.set_string(None, 1, 5, "Administrator")
    wtsstub.add_session(None, 2, 4, "")
    wtsstub.set_string(None, 2, 5, "alice")
    wtsstub.set_string(None, 2, 7, "CONTOSO")
    wtsstub.set_string(None, 2, 10, "ALICE-PC")
    wtsstub.set_number(None, 2, 16, 2)
    wtsstub.set_current_session(1)
    yield netstub, wtsstub


# --- against the C stand-ins --------------------------------------------------------------


def test_smb_list(stand_in: Any, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Computer    User name  Client type  Opens  Idle time"  # net session's
    assert lines[1].split() == ["\\\\10.0.0.5", "alice", "Windows", "10", "3", "00:00:20"]
    assert lines[-1] == "2 session(s)"
    code, out, _ = run(capsys, "smb", "list", "--level", "502", "--user", "bob")
    assert out.splitlines()[1].split() == [
        "\\\\10.0.0.6",
        "bob",
        "Samba",
        "1",
        "00:02:05",
        "00:00:05",
        "\\Device\\Tcpip",
    ]


def test_smb_list_falls_back_to_level_10(stand_in: Any, capsys: Capsys) -> None:
    netstub, _ = stand_in
    netstub.fail_on_call(1, 5)  # level 2: ERROR_ACCESS_DENIED (not an administrator)
    code, out, err = run(capsys, "smb", "list")
    assert code == 0
    assert out.splitlines()[0] == "Computer    User name    Active  Idle time"
    assert "level 2 needs administrators; showing level 10" in err


def test_smb_list_json_and_csv(stand_in: Any, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "list", "--json", "--level", "502")
    assert code == 0
    data = json.loads(out)
    assert data[1] == {
        "server": None, "client_name": "\\\\10.0.0.6", "user_name": "bob", "num_opens": 1,
        "active_time": 125, "idle_time": 5, "user_flags": 1, "client_type": "Samba",
        "transport": "\\Device\\Tcpip",
    }  # fmt: skip
    code, out, _ = run(capsys, "smb", "list", "--csv", "--client", "10.0.0.5", "--level", "10")
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"server": "", "client_name": "\\\\10.0.0.5", "user_name": "alice", "num_opens": "",
         "active_time": "3600", "idle_time": "20", "user_flags": "", "client_type": "",
         "transport": ""}
    ]  # fmt: skip


def test_smb_info(stand_in: Any, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "smb", "info", "10.0.0.6", "bob")
    assert code == 0
    assert "Active time  00:02:05" in out  # net session's HH:MM:SS
    assert "User flags   GUEST" in out
    code, out, _ = run(capsys, "smb", "info", "10.0.0.6", "bob", "--json", "--level", "10")
    assert json.loads(out) == {
        "server": None, "client_name": "\\\\10.0.0.6", "user_name": "bob", "num_opens": None,
        "active_time": 125, "idle_time": 5, "user_flags": None, "client_type": None,
        "transport": None,
    }  # fmt: skip


def test_smb_close(stand_in: Any, capsys: Capsys) -> None:
    netstub, _ = stand_in
    code, out, _ = run(capsys, "smb", "close", "--client", "10.0.0.5", "--yes")
    assert (code, out) == (0, "Closed the session of alice from \\\\10.0.0.5.\n")
    assert netstub.session_count() == 1
    code, out, _ = run(capsys, "smb", "close", "--all", "--yes")
    assert (code, out) == (0, "Closed the sessions from \\\\10.0.0.6.\n")
    assert netstub.session_count() == 0
    code, out, _ = run(capsys, "smb", "close", "--all", "--yes")
    assert (code, out) == (0, "No matching SMB sessions on this computer.\n")


def test_ts_list(stand_in: Any, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "ts", "list")
    assert code == 0
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["SESSIONNAME", "USERNAME", "ID", "STATE", "IDLE", "LOGON", "TIME",
                        "(UTC)", "LOCKED"]  # fmt: skip
    assert lines[1][:4] == [">Console", "Administrator", "1", "Active"]
    assert lines[2] == ["alice", "2", "Disc", "yes"]  # qwinsta's word
    code, out, _ = run(capsys, "ts", "list", "--wide")
    assert [line.split() for line in out.splitlines()][2] == ["alice", "2", "Disc", "yes",
                                                              "ALICE-PC"]  # fmt: skip
    code, out, _ = run(capsys, "ts", "list", "--json")
    assert json.loads(out)[1]["state"] == "DISCONNECTED"
    code, out, _ = run(capsys, "ts", "list", "--csv")
    assert list(csv.DictReader(io.StringIO(out)))[1]["client_name"] == "ALICE-PC"


def test_ts_info(stand_in: Any, capsys: Capsys) -> None:
    code, out, _ = run(capsys, "ts", "info", "2")
    assert code == 0
    assert "User name            alice" in out
    assert "State                Disconnected" in out
    code, out, _ = run(capsys, "ts", "info", "2", "--json")
    data = json.loads(out)
    assert (data["user_name"], data["domain_name"], data["state"]) == (
        "alice",
        "CONTOSO",
        "DISCONNECTED",
    )


def test_ts_disconnect_logoff_message(stand_in: Any, capsys: Capsys) -> None:
    _, wtsstub = stand_in
    code, out, _ = run(capsys, "ts", "disconnect", "--yes", "--wait")
    assert (code, out) == (0, "Disconnected the current session.\n")
    assert wtsstub.session_state(None, 1) == 4 and wtsstub.last_wait() == 1
    code, out, _ = run(capsys, "ts", "logoff", "2", "--yes")
    assert (code, out) == (0, "Logged off session 2.\n")
    assert wtsstub.session_count(None) == 1
    code, out, _ = run(capsys, "ts", "message", "1", "--title", "Hi", "Go home", "--wait", "5")
    assert (code, out) == (0, "Sent to session 1: TIMEOUT\n")
    assert wtsstub.last_message_text() == ("Hi", "Go home", 0)


def test_ts_watch(stand_in: Any, capsys: Capsys) -> None:
    _, wtsstub = stand_in
    wtsstub.queue_event(wts.Event.LOGON)
    wtsstub.queue_event(wts.Event.LOGOFF | wts.Event.DELETE)
    code, out, _ = run(capsys, "ts", "watch", "--count", "2", "--json", "--system-events")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["kind"] for e in events] == ["LOGON", "DELETE|LOGOFF"]
    assert events[1]["flags"] == 0x42
    assert wtsstub.waiters() == 0


# --- error families through fault injection -----------------------------------------------

FAMILIES = [
    (5, "ERROR_ACCESS_DENIED", "elevated"),
    (2312, "NERR_ClientNameNotFound", "No such session"),
    (53, "ERROR_BAD_NETPATH", "Check the server name"),
    (1722, "RPC_S_SERVER_UNAVAILABLE", "Check the server name"),
    (120, "ERROR_CALL_NOT_IMPLEMENTED", "does not offer that API"),
]


@pytest.mark.parametrize(("code", "symbol", "advice"), FAMILIES)
def test_error_families_standin(
    stand_in: Any, capsys: Capsys, code: int, symbol: str, advice: str
) -> None:
    netstub, wtsstub = stand_in
    netstub.fail_on_call(1, code)
    rc, out, err = run(capsys, "smb", "list", "--level", "10")
    assert (rc, out) == (1, "")
    assert symbol in err and advice in err
    wtsstub.fail_on_call(1, code)
    rc, out, err = run(capsys, "ts", "logoff", "2", "--yes")
    assert rc == 1 and symbol in err and advice in err


@pytest.fixture
def faulty_demo(monkeypatch: pytest.MonkeyPatch) -> list[Simulator]:
    """--simulate's demo simulator, kept so a test can schedule faults on it first."""
    made: list[Simulator] = []
    original = testing.demo_simulator

    def demo() -> Simulator:
        sim = made.pop(0) if made else original()
        return sim

    monkeypatch.setattr(testing, "demo_simulator", demo)
    made.append(original())
    return made


@pytest.mark.parametrize(("code", "symbol", "advice"), FAMILIES)
def test_error_families_simulated(
    faulty_demo: list[Simulator], capsys: Capsys, code: int, symbol: str, advice: str
) -> None:
    faulty_demo[0].fail_on_call(1, code, api="wts")  # the caller's own session: optional
    faulty_demo[0].fail_on_call(2, code, api="wts")  # WTSEnumerateSessionsExW
    rc, out, err = run(capsys, "--simulate", "ts", "list")
    assert (rc, out) == (1, "")
    assert symbol in err and advice in err


def test_server_not_found_names_the_server(capsys: Capsys) -> None:
    rc, _, err = run(capsys, "--simulate", "smb", "list", "--server", "FS9")
    assert rc == 1 and "NetSessionEnum on FS9 failed: ERROR_BAD_NETPATH (53)" in err
    rc, _, err = run(capsys, "--simulate", "ts", "info", "99")
    assert rc == 1 and "ERROR_CTX_WINSTATION_NOT_FOUND (7022)" in err and "session 99" in err


def test_not_windows_points_to_simulate(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_not_windows(monkeypatch)
    rc, _, err = run(capsys, "smb", "list")
    assert rc == 5 and "netapi32.dll" in err
    rc, _, err2 = run(capsys, "ts", "list")
    assert rc == 5 and "needs Windows" in err2 and "wtsapi32.dll" in err2
    assert "needs Windows" in err
    assert "--simulate" in err and "winsession --simulate smb list" in err
    assert "winsession.testing.demo_simulator()" in err


# --- --simulate: every subcommand ---------------------------------------------------------


def test_simulated_smb(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "smb", "list")
    assert rc == 0 and out.splitlines()[-1] == "3 session(s)"
    rc, out, _ = run(capsys, "--simulate", "smb", "info", "10.0.0.7", "carol")
    assert rc == 0 and "Idle time    02:00:00" in out
    rc, out, _ = run(capsys, "--simulate", "smb", "close", "--user", "bob", "--yes")
    assert rc == 0 and "session of bob" in out
    rc, out, _ = run(capsys, "--simulate", "smb", "close", "--all", "--yes")
    assert rc == 0 and "3 of 3" in out  # each run starts from the demo table


def test_simulated_ts(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "list")
    assert rc == 0 and out.splitlines()[3].split() == [
        ">RDP-Tcp#3", "alice", "2", "Active", "0:05:00", "2024-05-06", "08:30", "no",
    ]  # fmt: skip
    rc, out, _ = run(capsys, "--simulate", "ts", "list", "-w")
    assert out.splitlines()[3].split()[-2:] == ["ALICE-PC", "(10.0.0.5)"]
    rc, out, _ = run(capsys, "--simulate", "ts", "info", "2", "--csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert (row["user_name"], row["idle_time"], row["locked"]) == ("alice", "300", "no")
    rc, out, _ = run(capsys, "--simulate", "ts", "disconnect", "current", "--yes")
    assert (rc, out) == (0, "Disconnected the current session.\n")
    rc, out, _ = run(capsys, "--simulate", "ts", "logoff", "3", "-y")
    assert (rc, out) == (0, "Logged off session 3.\n")
    rc, out, _ = run(capsys, "--simulate", "ts", "message", "2", "--title", "T", "hello")
    assert (rc, out) == (0, "Sent to session 2: ASYNC\n")


def test_simulated_watch(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "watch", "--system-events")
    assert rc == 0
    assert [line.split()[-1] for line in out.splitlines()] == ["LOGON", "CONNECT", "DISCONNECT"]
    rc, out, _ = run(capsys, "--simulate", "ts", "watch", "--count", "1", "--json",
                     "--system-events")  # fmt: skip
    assert json.loads(out)["kind"] == "LOGON"


def test_simulated_watch_shows_session_ids_and_users(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "watch")
    assert rc == 0
    assert [line.split()[2:] for line in out.splitlines()] == [
        ["SESSION_LOCK", "session", "2", "CONTOSO\\alice"],
        ["REMOTE_DISCONNECT", "session", "3", "CONTOSO\\bob"],
        ["SESSION_UNLOCK", "session", "2", "CONTOSO\\alice"],
    ]
    rc, out, _ = run(capsys, "--simulate", "ts", "watch", "--count", "1", "--json")
    record = json.loads(out)
    assert (record["kind"], record["session_id"], record["user_name"]) == (
        "SESSION_LOCK", 2, "CONTOSO\\alice",
    )  # fmt: skip


def test_watch_escapes_user_names(capsys: Capsys) -> None:
    evil = "eve\x1b[2J\u202e"
    with Simulator(sessions=[testing.Session(4, user_name=evil, domain_name="X")]) as sim:
        sim.wts.queue_session_change(wts.SessionChangeKind.SESSION_LOCK, 4)
        rc, out, _ = run(capsys, "ts", "watch", "--count", "1")
        assert rc == 0 and "\x1b" not in out and "\u202e" not in out
        assert "X\\eve\\x1b[2J\\u202e" in out
        rc, out, _ = run(capsys, "ts", "watch", "--count", "0", "--json")
        sim.assert_clean()


def test_ts_watch_with_session_changes(stand_in: Any, capsys: Capsys) -> None:
    # Host tier: no user32 on Linux, so the window cannot be made and ts watch falls back to
    # WTSWaitSystemEvent; under Wine the window is real (tests/test_notify.py has the rest).
    _, wtsstub = stand_in
    if sys.platform != "win32":
        wtsstub.queue_event(wts.Event.LOGON)
        code, out, err = run(capsys, "ts", "watch", "--count", "1")
        assert code == 0 and out.split()[-1] == "LOGON"
        assert "no session change window" in err
        return
    assert wtsstub.add_session(None, 42, 0, "RDP-Tcp#1") == 0
    assert wtsstub.set_string(None, 42, wts.InfoClass.USER_NAME, "zoe") == 0
    import threading
    import time

    def fire() -> None:
        deadline = time.monotonic() + 10
        while wtsstub.registrations_ex() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        wtsstub.post_session_change(None, wts.SessionChangeKind.SESSION_LOCK, 42)

    threading.Thread(target=fire).start()
    code, out, _ = run(capsys, "ts", "watch", "--count", "1")
    assert code == 0 and out.split()[2:] == ["SESSION_LOCK", "session", "42", "zoe"]
    assert wtsstub.registrations_ex() == 0


# --- confirmation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["smb", "close", "--user", "bob"], ["smb", "close", "--all"], ["ts", "disconnect"],
     ["ts", "logoff", "2"]],
)  # fmt: skip
def test_destructive_commands_refuse_without_a_terminal(capsys: Capsys, argv: list[str]) -> None:
    rc, out, err = run(capsys, "--simulate", *argv)
    assert (rc, out) == (2, "")
    assert "refusing without --yes because stdin is not a terminal" in err


@pytest.mark.parametrize(("answer", "rc"), [("y\n", 0), ("yes\n", 0), ("n\n", 4), ("\n", 4)])
def test_destructive_commands_ask_on_a_terminal(
    capsys: Capsys, monkeypatch: pytest.MonkeyPatch, answer: str, rc: int
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(answer, tty=True))
    code, out, err = run(capsys, "--simulate", "ts", "logoff", "2")
    assert code == rc
    assert "Log off session 2 on this computer? [y/N]" in err
    assert ("Logged off session 2." in out) == (rc == 0)
    if rc:
        assert "nothing was changed" in err


# --- usage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [[], ["smb"], ["smb", "list", "--level", "3"], ["ts", "info", "x"],
     ["smb", "close", "--all", "--client", "PC", "--yes"], ["smb", "close", "--yes"],
     ["ts", "message", "2"], ["smb", "list", "--json", "--csv"], ["--json", "smb", "list", "--csv"],
     ["ts", "list", "--idle-over", "soon"], ["ts", "logoff", "2", "--user", "bob", "--yes"],
     ["ts", "info", "2", "--server", "A", "--server", "B"]],
)  # fmt: skip
def test_usage_errors_exit_2(capsys: Capsys, argv: list[str]) -> None:
    assert cli.main(["--simulate", *argv]) == 2
    assert "winsession" in capsys.readouterr().err


def test_help_exits_0(capsys: Capsys) -> None:
    assert cli.main(["--help"]) == 0
    assert "--simulate" in capsys.readouterr().out


def test_python_dash_m(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["winsession", "--simulate", "smb", "list", "--level", "0"])
    monkeypatch.delitem(sys.modules, "winsession.__main__", raising=False)
    # Where winsession is installed (its pytest11 plugin registered), pytest's assertion
    # rewriter claims every winsession module, and its loader has no get_code() for runpy.
    finders = [f for f in sys.meta_path if type(f).__name__ != "AssertionRewritingHook"]
    monkeypatch.setattr(sys, "meta_path", finders)
    with pytest.raises(SystemExit) as done:
        runpy.run_module("winsession", run_name="__main__")
    assert done.value.code == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 session(s)"


# --- events watch (SENS) ----------------------------------------------------------------


class _Kind:
    def __init__(self, name: str) -> None:
        self.name = name


def test_events_watch(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    when = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.timezone.utc)
    received = [
        types.SimpleNamespace(kind=_Kind("LOGON"), user_name="CONTOSO\\alice", session_id=2,
                              received_at=when),
        types.SimpleNamespace(kind=_Kind("SESSION_DISCONNECT"), user_name="CONTOSO\\alice",
                              session_id=2, received_at=when),
    ]  # fmt: skip
    closed = []

    class SessionEvents:
        def __enter__(self) -> Iterator[Any]:
            return iter(received)

        def __exit__(self, *exc: object) -> None:
            closed.append(True)

    monkeypatch.setattr(cli._events, "subscribe", SessionEvents)
    rc, out, _ = run(capsys, "events", "watch")
    assert rc == 0 and closed == [True]
    assert out.splitlines()[0].split() == ["2024-05-06", "09:00:00", "LOGON", "session", "2",
                                           "CONTOSO\\alice"]  # fmt: skip
    rc, out, _ = run(capsys, "events", "watch", "--json", "--count", "1")
    assert json.loads(out) == {"time": "2024-05-06T09:00:00+00:00", "source": "sens",
                               "server": None, "kind": "LOGON", "user_name": "CONTOSO\\alice",
                               "session_id": 2, "flags": None}  # fmt: skip


def test_events_watch_without_sens(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sens() -> None:
        raise ImportError("winsession.sens cannot be imported here")

    monkeypatch.setattr(cli._events, "subscribe", no_sens)
    rc, out, err = run(capsys, "events", "watch")
    assert (rc, out) == (1, "")
    assert "SENS logon events are not available here" in err
    rc, _, err = run(capsys, "--simulate", "events", "watch")
    assert rc == 5 and "not simulated" in err


def test_events_watch_off_windows(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise errors.UnsupportedPlatformError(function="ole32", message="ole32: no DLL")

    monkeypatch.setattr(cli._events, "subscribe", refuse)
    monkeypatch.setattr(cli._common, "on_windows", lambda: False)
    rc, out, err = run(capsys, "events", "watch")
    assert (rc, out) == (5, "")
    assert "needs Windows" in err and "--simulate ts watch" in err


def test_format_duration() -> None:
    assert cli.format_duration(0) == "0:00:00"
    assert cli.format_duration(90061) == "25:01:01"
    assert cli.format_duration(None) == ""


@pytest.mark.parametrize("group", ["smb", "ts"])
def test_readme_shows_real_output(capsys: Capsys, group: str) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rc, out, _ = run(capsys, "--simulate", group, "list")
    assert rc == 0
    assert f" --simulate {group} list\n{out}" in readme
