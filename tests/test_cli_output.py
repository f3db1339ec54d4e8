"""The winsession command as an administrator uses it (issue 13): quser-grade `ts list` with
filters, bulk actions with --dry-run, `ts message` like msg, many servers at once (the CLI and
winsession.fleet), net session's columns, global options anywhere, the exit codes, and one
JSON schema (winsession/cli/schema.json) that JSON output is validated against (every command:
tests/test_cli_commands.py)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import _jsonschema
import pytest
from clitools import Capsys, FakeStdin, no_terminal, run  # noqa: F401  (no_terminal: autouse)
from stubctl import NetStub, WtsStub
from stubctl import Session as StubSmb

from winsession import cli, fleet, net, testing, wts
from winsession.testing import Session, Simulator, SmbSession

ROOT = Path(__file__).resolve().parents[1]
SCHEMA: dict[str, Any] = cli.json_schema()


def records(out: str, kind: str) -> list[Any]:
    """The records of --json (an array, or one object) or --jsonl output."""
    if kind == "--jsonl":
        return [json.loads(line) for line in out.splitlines()]
    data = json.loads(out)
    return data if isinstance(data, list) else [data]


def assert_schema(items: list[Any], definition: str) -> None:
    assert items, "nothing to validate"
    for item in items:
        problems = _jsonschema.errors(item, SCHEMA["$defs"][definition], SCHEMA)
        assert not problems, problems
        assert not _jsonschema.errors(item, SCHEMA, SCHEMA)  # and exactly one kind of record


# --- one JSON schema for every command ------------------------------------------------------
# Every command's --json/--jsonl: tests/test_cli_commands.py (it walks the parser). Here the
# cases that need more than the demo table, and what the records say.

SCHEMA_CASES = [
    (["smb", "list", "--level", "0"], "smb_session"),
    (["smb", "list", "--level", "10"], "smb_session"),
    (["smb", "list", "--level", "502", "--server", "FS1", "--server", "FS2"], "smb_session"),
    (["smb", "info", "10.0.0.6", "bob", "--level", "10"], "smb_session"),
    (["smb", "close", "--user", "bob", "--yes"], "action_result"),
    (["ts", "list", "--server", "RDS2", "--server", "SIMULATED"], "ts_session"),
    (["ts", "info", "current"], "ts_session"),
    (["ts", "info", "0"], "ts_session"),
    (["ts", "logoff", "3", "--yes"], "action_result"),
    (["ts", "disconnect", "2", "99", "--yes"], "action_result"),
    (["ts", "message", "*", "hello", "--wait", "5"], "action_result"),
    (["smb", "connections", "IPC$", "--level", "0"], "smb_connection"),
    (["smb", "connections", "\\\\10.0.0.5"], "smb_connection"),
    (["smb", "files", "--server", "SIMULATED", "--server", "FS1"], "smb_file"),
    (["ts", "processes", "--server", "SIMULATED", "--server", "RDS2"], "ts_process"),
    (["ts", "kill", "4242", "--yes"], "action_result"),
    (["ts", "shadow", "2", "--stop"], "action_result"),  # fails: a "failed" record, exit 1
    (["ts", "shutdown", "reboot", "--yes", "--server", "RDS2"], "action_result"),
]


@pytest.mark.parametrize("kind", ["--json", "--jsonl"])
@pytest.mark.parametrize(("argv", "definition"), SCHEMA_CASES)
def test_every_command_matches_the_schema(
    capsys: Capsys, argv: list[str], definition: str, kind: str
) -> None:
    rc, out, _ = run(capsys, "--simulate", *argv, kind)
    assert rc in (0, 1, 3)  # 3: `disconnect 2 99` fails for 99 on purpose; 1: shadow --stop
    items = records(out, kind)
    assert_schema(items, definition)
    if kind == "--jsonl":
        assert len(out.splitlines()) == len(items)  # one object per line
    if rc == 1:
        assert [i["status"] for i in items] == ["failed"] and items[0]["winerror"]


def test_events_watch_matches_the_schema(capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime
    import types

    when = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.timezone.utc)
    event = types.SimpleNamespace(
        kind=types.SimpleNamespace(name="LOGON"),
        user_name="CONTOSO\\alice",
        session_id=2,
        received_at=when,
    )

    class Events:
        def __enter__(self) -> Iterator[Any]:
            return iter([event])

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(cli._events, "subscribe", Events)
    rc, out, _ = run(capsys, "events", "watch", "--jsonl")
    assert rc == 0
    assert_schema(records(out, "--jsonl"), "event")


def test_same_record_in_ts_list_and_ts_info(capsys: Capsys) -> None:
    _, listing, _ = run(capsys, "--simulate", "ts", "list", "--json")
    _, info, _ = run(capsys, "--simulate", "ts", "info", "2", "--json")
    assert [r for r in json.loads(listing) if r["session_id"] == 2] == [json.loads(info)]


def test_times_and_durations_in_json(capsys: Capsys) -> None:
    _, out, _ = run(capsys, "--simulate", "ts", "info", "3", "--json")
    bob = json.loads(out)
    assert bob["disconnect_time"] == "2024-05-06T09:30:00+00:00"
    assert bob["idle_time"] == 6900 and bob["locked"] is True and bob["state"] == "DISCONNECTED"


# --- ts list ----------------------------------------------------------------------------------


def test_ts_list_columns_and_own_session(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "list")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["SESSIONNAME", "USERNAME", "ID", "STATE", "IDLE", "LOGON", "TIME",
                                "(UTC)", "LOCKED"]  # fmt: skip
    assert max(map(len, lines)) <= 80  # quser's width, in a pipe too
    mine = [line for line in lines if line.startswith(">")]
    assert len(mine) == 1 and mine[0].split()[:3] == [">RDP-Tcp#3", "alice", "2"]
    rc, out, _ = run(capsys, "--simulate", "ts", "list", "--wide")
    assert out.splitlines()[0].split()[-1] == "CLIENT"
    assert "ALICE-PC (10.0.0.5)" in next(line for line in out.splitlines() if line[:1] == ">")


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (["--user", "alice"], [2]),
        (["--user", "CONTOSO\\BOB", "--user", "alice"], [2, 3]),
        (["--state", "disconnected"], [0, 3]),
        (["--state", "active", "--state", "listen"], [1, 2, 65536]),
        (["--idle-over", "1h"], [3]),
        (["--idle-over", "3m"], [2, 3]),
        (["--idle-over", "0:02:00"], [1, 2, 3]),
        (["--idle-over", "2d"], []),
        (["--sort", "idle", "--reverse"], [3, 2, 1, 0, 65536]),
        (["--sort", "user"], [0, 65536, 1, 2, 3]),
    ],
)
def test_ts_list_filters(capsys: Capsys, filters: list[str], ids: list[int]) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "list", "--json", *filters)
    assert rc == 0
    assert [r["session_id"] for r in json.loads(out)] == ids


def test_ts_list_dll_calls_per_row() -> None:
    """One enumeration, then per session one SESSION_INFO_EX query and, where a user is
    logged on, one CLIENT_INFO query: at most 2 calls per row, not 7."""
    n = 40
    sessions = [Session(i, user_name=f"u{i}" if i % 2 else "", win_station_name=f"RDP-Tcp#{i}")
                for i in range(1, n + 1)]  # fmt: skip
    with Simulator(sessions=sessions, current_session=1) as sim:
        out = io.StringIO()
        saved, sys.stdout = sys.stdout, out
        try:
            assert cli.main(["ts", "list"]) == 0
        finally:
            sys.stdout = saved
        assert len(out.getvalue().splitlines()) == n + 1
        calls = sim.wts.calls
        sim.assert_clean()
    per_row = (calls - 2) / n  # 2: the caller's own session id, the enumeration
    assert calls == 2 + n + n // 2, calls
    assert per_row == 1.5
    _measured["ts list DLL calls per row"] = {
        "rows": n,
        "calls": calls,
        "per_row": per_row,
        "per_row_logged_on": 2,
        "per_row_no_user": 1,
    }


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("45m", 2700), ("2h", 7200), ("1d", 86400), ("1:30:00", 5400), ("30", 30)],
)
def test_durations(text: str, seconds: int) -> None:
    assert cli._output.parse_duration(text) == seconds


# --- bulk actions -----------------------------------------------------------------------------


def test_bulk_logoff_dry_run_changes_nothing(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        before = [s.session_id for s in sim.wts.sessions]
        rc, out, _ = run(capsys, "ts", "logoff", "--state", "disconnected", "--idle-over", "1h",
                         "--dry-run")  # fmt: skip
        assert rc == 0
        assert out == (
            "Would log off session 3 (CONTOSO\\bob) on this computer.\n"
            "Dry run: 1 session(s) would be logged off; nothing was changed.\n"
        )
        assert [s.session_id for s in sim.wts.sessions] == before
        sim.assert_clean()


def test_bulk_logoff_by_filters(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        rc, out, _ = run(capsys, "ts", "logoff", "--idle-over", "3m", "--yes")
        assert rc == 0
        assert out.splitlines() == [
            "Logged off session 2 (CONTOSO\\alice).",
            "Logged off session 3 (CONTOSO\\bob).",
            "Logged off 2 of 2 session(s).",
        ]
        assert sorted(s.session_id for s in sim.wts.sessions if s.server is None) == [0, 1, 65536]
        sim.assert_clean()


def test_bulk_partial_failure_exit_3(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        rc, out, err = run(capsys, "ts", "disconnect", "2", "77", "--yes")
        assert rc == 3
        assert out.splitlines() == [
            "Disconnected session 2.",
            "Disconnected 1 of 2 session(s); 1 failed.",
        ]
        assert "could not disconnect session 77" in err and "ERROR_CTX_WINSTATION_NOT_FOUND" in err
        assert "Remote Desktop" not in err or "`winsession ts list`" in err
        sim.assert_clean()


def test_filters_never_select_sessions_without_a_user(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "logoff", "--state", "disconnected", "--dry-run")
    assert rc == 0 and "session 0" not in out  # the services session is left alone


def test_smb_close_by_idle_and_user(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        rc, out, _ = run(capsys, "smb", "close", "--idle-over", "1h", "--dry-run")
        assert (rc, out.splitlines()[0]) == (0, "Would close the session of carol from \\\\10.0.0.7"
                                                " on this computer.")  # fmt: skip
        assert len(sim.net.sessions) == 5
        rc, out, _ = run(capsys, "smb", "close", "--idle-over", "10s", "--user", "alice", "--yes")
        assert (rc, out) == (0, "Closed the session of alice from \\\\10.0.0.5.\n")
        assert [s.user for s in sim.net.sessions if s.server is None] == ["bob", "carol"]
        sim.assert_clean()


@pytest.mark.parametrize(("answer", "rc"), [("y\n", 0), ("n\n", 4)])
def test_declined_is_exit_4(
    capsys: Capsys, monkeypatch: pytest.MonkeyPatch, answer: str, rc: int
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(answer, tty=True))
    code, out, err = run(capsys, "--simulate", "smb", "close", "--all")
    assert code == rc
    assert "Close 3 SMB session(s)? [y/N]" in err
    assert ("Closed 3 of 3" in out) == (rc == 0)


# --- ts message -------------------------------------------------------------------------------


def test_message_targets(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        rc, out, _ = run(capsys, "ts", "message", "alice", "Coffee?", "--wait", "30")
        assert (rc, out) == (0, "Sent to session 2 (CONTOSO\\alice): TIMEOUT\n")
        title, text, _ = sim.wts.last_message
        assert title.startswith("Message") and text == "Coffee?"
        sim.wts.message_response = 6  # IDYES
        rc, out, _ = run(
            capsys, "ts", "message", "*", "Reboot at 6", "--title", "IT", "--wait", "9"
        )
        assert rc == 0 and out.splitlines() == [
            "Sent to session 1 (CONTOSO\\Administrator): YES",
            "Sent to session 2 (CONTOSO\\alice): YES",
            "Sent to 2 of 2 session(s).",
        ]
        assert sim.wts.last_message[0] == "IT" and sim.wts.last_timeout == 9
        rc, out, _ = run(capsys, "ts", "message", "3", "hi")
        assert (rc, out) == (0, "Sent to session 3: ASYNC\n")
        rc, out, _ = run(capsys, "ts", "message", "nobody", "hi")
        assert (rc, out) == (0, "No matching sessions.\n")
        sim.assert_clean()


# --- many servers -----------------------------------------------------------------------------

DELAYS = {"FS1": 0.3, "FS2": 0.6, "FS3": 0.9, "FS4": 0.2}


def _timed_listing(capsys: Capsys, *extra: str) -> tuple[float, int, str, str]:
    argv = ["smb", "list", "--level", "10", "--json"]
    for name in [*DELAYS, "FS9"]:
        argv += ["--server", name]
    start = time.perf_counter()
    rc = cli.main([*argv, *extra])
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    return elapsed, rc, out, err


def test_many_servers_simulated_take_the_slowest_not_the_sum(capsys: Capsys) -> None:
    smb = [SmbSession(f"\\\\PC{i}", f"u{i}", server=name) for i, name in enumerate(DELAYS)]
    with Simulator(smb=smb) as sim:
        for name, delay in DELAYS.items():
            sim.delay_server(name, delay)
        elapsed, rc, out, err = _timed_listing(capsys)
        sim.assert_clean()
    assert rc == 3  # FS9 is unknown: it fails, the others answer
    assert sorted(r["server"] for r in json.loads(out)) == sorted(DELAYS)
    assert "FS9" in err and "ERROR_BAD_NETPATH" in err and "Remote Desktop" not in err
    slowest, total = max(DELAYS.values()), sum(DELAYS.values())
    assert slowest <= elapsed < slowest + 0.5 < total, elapsed
    _measured["many servers (simulator)"] = {
        "servers": len(DELAYS) + 1,
        "slowest": slowest,
        "sum": round(total, 3),
        "elapsed": round(elapsed, 3),
    }


def test_many_servers_stand_ins(capsys: Capsys, netstub: NetStub, wtsstub: WtsStub) -> None:
    rows = [StubSmb(f"\\\\PC{i}", f"u{i}", 0, 1, 1, 0, "", "") for i in range(len(DELAYS))]
    netstub.load([])
    for (name, delay), row in zip(DELAYS.items(), rows):
        netstub.add_server(name)
        netstub.add_session(name, row.cname, row.username, 0, 1, 1, 0, "", "")
        assert netstub.set_delay(name, int(delay * 1000)) == 0
    assert netstub.set_delay("NOPE", 5) == -1
    elapsed, rc, out, err = _timed_listing(capsys)
    assert rc == 3 and "FS9" in err
    assert sorted(r["server"] for r in json.loads(out)) == sorted(DELAYS)
    slowest, total = max(DELAYS.values()), sum(DELAYS.values())
    assert slowest <= elapsed < slowest + 0.6 < total, elapsed
    _measured["many servers (C stand-in)"] = {
        "servers": len(DELAYS) + 1,
        "slowest": slowest,
        "sum": round(total, 3),
        "elapsed": round(elapsed, 3),
    }
    # Remote Desktop too: every call on a handle to the slow server waits.
    for i, name in enumerate(("RDS1", "RDS2")):
        wtsstub.add_server(name)
        wtsstub.add_session(name, 1, 0, "Console")
        assert wtsstub.set_delay(name, 200 * (i + 1)) == 0
    start = time.perf_counter()
    rc, out, err = run(capsys, "ts", "list", "--server", "RDS1", "--server", "RDS2", "--jsonl")
    elapsed = time.perf_counter() - start
    assert rc == 0 and sorted(json.loads(line)["server"] for line in out.splitlines()) == [
        "RDS1", "RDS2"]  # fmt: skip
    # Each server: the enumeration and one SESSION_INFO_EX query (nobody logged on), each
    # delayed (RDS1 0.2 s, RDS2 0.4 s): 0.8 s for the slower; 1.2 s in sequence.
    assert 0.8 <= elapsed < 1.15, elapsed


def test_timeout_per_server(capsys: Capsys) -> None:
    with Simulator(smb=[SmbSession("PC", "u", server="FAST"), SmbSession("PC", "v", server="SLOW")],
                   ) as sim:  # fmt: skip
        sim.delay_server("SLOW", 1.5)
        start = time.perf_counter()
        rc, out, err = run(capsys, "smb", "list", "--level", "10", "--server", "FAST",
                           "--server", "SLOW", "--timeout", "0.3", "--jsonl")  # fmt: skip
        assert time.perf_counter() - start < 1.2
        assert rc == 3 and "SLOW" in err and "no answer within 0.3 s" in err
        assert [json.loads(line)["user_name"] for line in out.splitlines()] == ["u"]
        time.sleep(1.6)  # let the abandoned call finish before the simulator goes
    sim.assert_clean()


def test_servers_file_and_progress(capsys: Capsys, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:  # fmt: skip
    listing = tmp_path / "servers.txt"
    listing.write_text("# file servers\nFS1\n\nFS2  # the second\n", encoding="utf-8")

    class TtyErr(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = TtyErr()
    monkeypatch.setattr(sys, "stderr", err)
    rc = cli.main(["--simulate", "smb", "list", "--servers-file", str(listing)])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.splitlines()[0].split()[:2] == ["SERVER", "Computer"]
    assert [line.split()[0] for line in out.splitlines()[1:-1]] == ["FS1", "FS2"]
    assert "2/2 servers done" in err.getvalue()
    rc = cli.main(["--simulate", "smb", "list", "--servers-file", str(tmp_path / "missing")])
    assert rc == 2


def test_all_servers_failing_is_exit_1(capsys: Capsys) -> None:
    rc, _, err = run(capsys, "--simulate", "ts", "list", "--server", "X1", "--server", "X2")
    assert rc == 1 and "X1" in err and "Remote Desktop Services" in err


def test_fleet_library_api() -> None:
    seen: list[tuple[int, int]] = []

    def task(server: Optional[str]) -> Iterator[str]:
        if server == "bad":
            raise ValueError("bad server")
        time.sleep({"a": 0.3, "b": 0.1}.get(server or "", 0))
        yield f"{server}-1"
        yield f"{server}-2"

    start = time.perf_counter()
    results = list(fleet.fan_out(["a", "b", "bad", "a"], task, parallel=3,
                                 progress=lambda d, t: seen.append((d, t))))  # fmt: skip
    assert time.perf_counter() - start < 0.4 + 0.1
    items = [r for r in results if isinstance(r, fleet.Item)]
    failures = [r for r in results if isinstance(r, fleet.Failure)]
    assert [r.value for r in items] == ["b-1", "b-2", "a-1", "a-2"]  # as they arrive
    assert [(f.server, str(f.error)) for f in failures] == [("bad", "bad server")]
    assert seen[-1] == (3, 3)
    with pytest.raises(ValueError, match="parallel"):
        fleet.fan_out(["a"], task, parallel=0)
    with pytest.raises(ValueError, match="timeout"):
        fleet.fan_out(["a"], task, timeout=0)


def test_fleet_with_the_library() -> None:
    with Simulator(smb=[SmbSession("PC1", "alice", server="FS1")],
                   sessions=[Session(2, user_name="bob", server="RDS1")]) as sim:  # fmt: skip
        got = list(fleet.fan_out(["FS1", "RDS1"], lambda s: net.enum_sessions(s, level=10)
                                 if s == "FS1" else wts.enumerate_sessions_ex(s)))  # fmt: skip
        sim.assert_clean()
    names = {r.server: r.value.user_name for r in got if isinstance(r, fleet.Item)}
    assert names == {"FS1": "alice", "RDS1": "bob"}


# --- smb list: net session's columns ------------------------------------------------------------


def test_smb_list_like_net_session(capsys: Capsys) -> None:
    rc, out, err = run(capsys, "--simulate", "smb", "list")
    assert rc == 0 and err == ""
    assert out.splitlines()[0].split("  ")[:1] == ["Computer"]
    assert [c.strip() for c in out.splitlines()[0].split("  ") if c.strip()] == [
        "Computer", "User name", "Client type", "Opens", "Idle time"]  # fmt: skip


def test_smb_list_falls_back_without_rights(capsys: Capsys) -> None:
    with testing.demo_simulator() as sim:
        sim.fail_on_call(1, 5)  # ERROR_ACCESS_DENIED at level 2
        rc, out, err = run(capsys, "smb", "list")
        assert rc == 0
        assert [c.strip() for c in out.splitlines()[0].split("  ") if c.strip()] == [
            "Computer", "User name", "Active", "Idle time"]  # fmt: skip
        assert "level 2 needs administrators; showing level 10" in err
        sim.assert_clean()


# --- options, help, exit codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--simulate", "--json", "smb", "list"],
        ["smb", "list", "--simulate", "--json"],
        ["smb", "--json", "list", "--simulate"],
        ["--json", "--simulate", "smb", "list", "--server", "SIMULATED"],
        ["--server", "SIMULATED", "--simulate", "smb", "list", "--json"],
    ],
)
def test_global_options_anywhere(capsys: Capsys, argv: list[str]) -> None:
    rc, out, _ = run(capsys, *argv)
    assert rc == 0 and len(json.loads(out)) == 3


def test_version(capsys: Capsys) -> None:
    import winsession

    rc, out, _ = run(capsys, "--version")
    assert (rc, out.strip()) == (0, f"winsession {winsession.__version__}")


def _all_parsers(parser: argparse.ArgumentParser, name: str = "winsession") -> Iterator[Any]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _all_parsers(sub, f"{name} {sub_name}")


def test_help_for_every_positional_and_option() -> None:
    missing = [
        f"{name}: {action.option_strings or action.dest}"
        for name, parser in _all_parsers(cli._parser())
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


def test_help_documents_exit_codes_and_ts_info_current(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--help")
    assert rc == 0
    flat = " ".join(out.split())
    for text in ("0 success", "1 an API call failed", "2 usage", "3 partial failure",
                 "4 the confirmation was declined", "5 this command needs Windows"):  # fmt: skip
        assert text in flat
    rc, out, _ = run(capsys, "ts", "info", "--help")
    assert "'current'" in out


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--simulate", "smb", "list"], 0),
        (["--simulate", "ts", "logoff", "77", "--yes"], 1),
        (["--simulate", "ts", "lst"], 2),
        (["--simulate", "smb", "list", "--server", "SIMULATED", "--server", "FS9"], 3),
        (["--simulate", "events", "watch"], 5),
    ],
)
def test_exit_codes(capsys: Capsys, argv: list[str], code: int) -> None:
    assert run(capsys, *argv)[0] == code


def test_smb_errors_never_mention_remote_desktop(capsys: Capsys) -> None:
    for argv in (["smb", "list", "--server", "FS9"], ["smb", "close", "--client", "PC", "--yes",
                                                     "--server", "FS9"]):  # fmt: skip
        rc, _, err = run(capsys, "--simulate", *argv)
        assert rc == 1 and "Server (LanmanServer)" in err and "Remote Desktop" not in err
    rc, _, err = run(capsys, "--simulate", "ts", "list", "--server", "RDS9")
    assert rc == 1 and "Remote Desktop Services" in err and "LanmanServer" not in err


def test_off_windows_message_names_simulate_and_demo_simulator() -> None:
    text = cli._NOT_WINDOWS
    assert "--simulate" in text and "winsession.testing.demo_simulator()" in text
    assert "test" not in text.replace("testing", "")


def test_readme_shows_real_captured_output() -> None:
    """The README's command blocks are what --simulate prints (README_BLOCKS)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for argv in README_BLOCKS:
        out, err, rc = capture(argv)
        shown = f"$ winsession {' '.join(argv)}\n{out}{err}"
        if rc:
            shown += f"[exit code {rc}]\n"
        if err and sys.platform == "win32":
            # Windows words its messages itself (FormatMessageW): compare what precedes them.
            assert f"$ winsession {' '.join(argv)}\n{out}" in readme
            continue
        assert shown in readme, shown


README_BLOCKS = [
    ["--simulate", "ts", "list"],
    ["--simulate", "ts", "logoff", "7", "--yes"],
    ["--simulate", "ts", "logoff", "3"],
    ["--simulate", "events", "watch"],
    ["--simulate", "ts", "logoff", "--state", "disconnected", "--idle-over", "1h", "--dry-run"],
    ["--simulate", "smb", "close", "--idle-over", "30m", "--dry-run"],
    ["--simulate", "smb", "list", "--server", "FS1", "--server", "FS2", "--server", "FS9"],
    ["--simulate", "ts", "list", "--server", "RDS2", "--server", "SIMULATED", "--sort", "idle"],
    ["--simulate", "ts", "message", "alice", "Coffee?", "--wait", "30"],
]


def capture(argv: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        rc = cli.main(argv)
    finally:
        sys.stdout, sys.stderr = saved
    return out.getvalue(), err.getvalue(), rc


_measured: dict[str, Any] = {}


def test_zz_write_measurements() -> None:
    """The figures issue 13 asks for, for the closing note (build/cli-measurements.json)."""
    if _measured:
        path = ROOT / "build" / f"cli-measurements-{os.environ.get('WINSESSION_TIER', 'host')}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(_measured, indent=2), encoding="utf-8")
    assert "ts list DLL calls per row" in _measured


def test_the_output_helpers_examples_run() -> None:
    # winsession.cli._output's examples (format_duration, fit_widths, time_cell, ...) are not
    # reached through winsession.cli's own doctests: run them here.
    import doctest

    from winsession.cli import _output

    results = doctest.testmod(_output)
    assert results.failed == 0 and results.attempted >= 10
