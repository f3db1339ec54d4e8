"""Hostile names never win in the winsession command (issue 11, items 1, 2, 3, 9).

Names chosen by remote clients (SMB computer and user names, RDP client names, user, domain
and station names) go through every command and every output format:

- human output (tables, info views, result lines, messages on stderr): no raw control,
  bidi or separator character ever reaches it; every row stays one line; columns stay
  aligned (display width: wide East Asian characters 2, combining marks 0); the escapes
  read back to exactly the name (the backslash stays unambiguous);
- JSON: exactly the name; CSV: exactly the name, formula-safe;
- an output that cannot encode a name still prints every row, exit 0.

Hypothesis draws names from every Unicode category (surrogates included); the counters at the
end give the figures for the closing note (build/hostile-cli-<tier>.json).
"""

from __future__ import annotations

import collections
import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stubctl import NetStub
from stubctl import Session as StubSmb

from winsession import cli, net, wts
from winsession._escape import csv_safe, display_width, escape, needs_escape
from winsession.testing import Process, Session, Simulator, SmbSession

ROOT = Path(__file__).resolve().parents[1]
ATTACKS: collections.Counter[str] = collections.Counter()
RAW_IN_OUTPUT: collections.Counter[str] = collections.Counter()

KNOWN_ATTACKS = {
    "osc_title": "\x1b]0;pwned\x07",
    "osc8_link": "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\",
    "csi_clear": "\x1b[2J\x1b[H",
    "c1_csi": "\x9b31m",
    "bel": "a\x07b",
    "cr_overwrite": "admin\rroot",
    "lf_forged_row": "x\n\\\\10.6.6.6  root",
    "crlf": "a\r\nb",
    "bidi_override": "abc\u202edcba",
    "bidi_isolate": "\u2066evil\u2069",
    "rtl_mark": "a\u200fb\u061c",
    "line_separator": "a\u2028b\u2029c",
    "del": "a\x7fb",
    "tab": "a\tb",
    "backslash_escape_lookalike": "\\x1b[31m",
    "backslash_u": "C:\\users\\u202e",
    "wide": "日本語ユーザー",
    "combining": "e\u0301\u0301x",
    "zero_width": "a\u200bb\ufeff",
    "formula": '=HYPERLINK("http://evil")',
    "formula_plus": "+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)",
    "formula_minus": "-2+3",
    "lone_surrogate": "a\udc80b",
    "emoji": "🙂x",
    "backslash_only": "\\\\",
    "superscript_digit": "²",
    "arabic_digit": "٣",
    "leading_zero_id": "01",
    "astral_run": "00000" + "\U00010000" * 7,
}


def unescape(text: str) -> str:
    """The inverse of escape(): ``\\xHH``, ``\\uHHHH``, ``\\u{H...}``; any other backslash
    is itself."""
    pattern = re.compile(r"\\x([0-9a-f]{2})|\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})")
    return pattern.sub(lambda m: chr(int(next(g for g in m.groups() if g), 16)), text)


def raw_controls(text: str, where: str) -> list[str]:
    """Characters that must never reach a terminal raw (line ends between lines aside)."""
    found = [c for c in text.replace("\n", "") if needs_escape(c)]
    if found:
        RAW_IN_OUTPUT[where] += len(found)
    return found


names = st.text(
    st.characters(codec=None, exclude_categories=(), exclude_characters="\x00"),
    min_size=1,
    max_size=12,
)


# --- the escaping function ------------------------------------------------------------------


@given(names)
def test_escape_is_safe_one_line_and_reversible(name: str) -> None:
    ATTACKS["escape(): hypothesis names"] += 1
    shown = escape(name)
    assert raw_controls(shown, "escape()") == []
    assert "\n" not in shown and "\r" not in shown
    assert unescape(shown) == name  # unambiguous: the name comes back exactly


@given(names)
def test_escape_for_a_narrow_encoding(name: str) -> None:
    shown = escape(name, "cp1252")
    shown.encode("cp1252")  # never raises
    assert unescape(shown) == name


@pytest.mark.parametrize("kind", sorted(KNOWN_ATTACKS))
def test_known_attacks_escape(kind: str) -> None:
    ATTACKS[f"known: {kind}"] += 1
    name = KNOWN_ATTACKS[kind]
    shown = escape(name)
    assert raw_controls(shown, f"escape({kind})") == []
    assert unescape(shown) == name


def test_escape_keeps_windows_names_readable() -> None:
    assert escape("\\\\10.0.0.5") == "\\\\10.0.0.5"
    assert escape("CONTOSO\\alice") == "CONTOSO\\alice"
    assert escape("\\x1b") == "\\x5cx1b"  # a literal backslash-x is not an escape
    assert escape("\x1b[2J") == "\\x1b[2J"
    assert escape("\u202e") == "\\u202e" and escape("\U000e0041") == "\\u{e0041}"


def test_display_width() -> None:
    assert display_width("日本") == 4 and display_width("e\u0301") == 1
    assert display_width(escape("\x1b")) == 4


def test_csv_safe() -> None:
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("alice") == "alice" and csv_safe(-1) == -1 and csv_safe(None) is None


# --- through every command and format -------------------------------------------------------


def hostile_world(name: str) -> Simulator:
    """SMB sessions and Remote Desktop sessions whose every string is ``name`` (and a
    harmless session after them, which must still be printed)."""
    smb = [
        SmbSession(name, name, 1, 60, 30, 0, name, name),
        SmbSession("\\\\SAFE", "safe", 2, 120, 60, 0, "Windows", "\\Device\\Tcpip"),
    ]
    sessions = [
        Session(1, win_station_name=name, user_name=name, domain_name=name, client_name=name,
                state=0),
        Session(2, win_station_name="RDP-Tcp#2", user_name="safe", domain_name="CONTOSO",
                client_name="SAFE-PC", state=4),
    ]  # fmt: skip
    processes = [Process(77, 1, name, None), Process(78, 2, "safe.exe", None)]
    return Simulator(smb=smb, sessions=sessions, processes=processes, current_session=2)


def run(*argv: str, encoding: str = "utf-8") -> tuple[int, str, str]:
    """main(argv) with stdout/stderr as pipes of ``encoding`` (strict, as a real pipe)."""
    ATTACKS["(command runs with a hostile table)"] += 1
    out_b, err_b = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_b, encoding=encoding, errors="strict", newline="\n")
    err = io.TextIOWrapper(err_b, encoding=encoding, errors="strict", newline="\n")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        rc = cli.main(list(argv))
    finally:
        sys.stdout, sys.stderr = saved
        out.flush()
        err.flush()
    return rc, out_b.getvalue().decode(encoding), err_b.getvalue().decode(encoding)


def check_table(out: str, rows: int, footer: bool, where: str) -> list[str]:
    assert raw_controls(out, where) == []
    lines = out.splitlines()
    assert len(lines) == 1 + rows + footer, (where, lines)  # no forged or lost rows
    return lines


def check_smb_alignment(lines: list[str]) -> None:
    # smb list's last column (Idle time) is right-aligned: every line has the same width.
    widths = {display_width(line) for line in lines}
    assert len(widths) == 1, lines


def check_ts_alignment(lines: list[str], ids: list[int]) -> None:
    # ID is right-aligned: it ends at the same display column as its heading in every row.
    end = display_width(lines[0][: lines[0].index(" ID") + 3])
    for line, session_id in zip(lines[1:], ids):
        text = str(session_id)
        cut = next(i for i in range(len(line) + 1) if display_width(line[:i]) == end)
        assert line[:cut].endswith(" " + text), (line, end)


def check_json(out: str, name: str, keys: list[str]) -> None:
    data = json.loads(out)
    first = data[0] if isinstance(data, list) else data
    for key in keys:
        assert first[key] == name or first[key] == "\\\\" + name.lstrip("\\"), (key, first[key])


def check_csv(out: str, name: str, keys: list[str], encoding: str) -> None:
    """Exactly the name, formula-safe; what the output's encoding lacks written as Python's
    backslashreplace writes it (the row is printed, not lost)."""
    rows = list(csv.DictReader(io.StringIO(out)))
    for key in keys:
        cell = rows[0][key]
        expected = str(csv_safe(name)).encode(encoding, "backslashreplace").decode(encoding)
        assert cell == expected, (key, cell)
        assert not cell[:1] or cell[0] not in "=+-@\t\r"


def commands_through(name: str, encoding: str = "utf-8") -> None:
    """Every command and format with ``name`` in every string field."""
    with hostile_world(name) as sim:
        library_client = next(net.enum_sessions(level=10)).client_name
        listed = wts.enumerate_sessions_ex()[0].user_name
        # What SESSION_INFO_EX holds (its fields have fixed lengths: a long name is cut).
        ex = wts.query_session_information(1, wts.InfoClass.SESSION_INFO_EX)
        client = wts.query_session_information(1, wts.InfoClass.CLIENT_INFO).client_name
        # smb list: table, CSV, JSON, JSON lines
        rc, out, err = run("smb", "list", encoding=encoding)
        assert rc == 0, err
        check_smb_alignment(check_table(out, 2, True, "smb list")[:-1])
        assert raw_controls(err, "smb list stderr") == []
        rc, out, _ = run("smb", "list", "--csv", encoding=encoding)
        assert rc == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 2
        check_csv(out, name, ["user_name", "client_type"], encoding)
        for kind in ("--json", "--jsonl"):
            rc, out, _ = run("smb", "list", kind, encoding=encoding)
            first = json.loads(out.splitlines()[0] if kind == "--jsonl" else out)
            first = first if kind == "--jsonl" else first[0]
            assert rc == 0 and first["user_name"] == name and first["client_name"] == library_client
        # smb info: info view and JSON
        rc, out, err = run("smb", "info", "--", library_client, name, encoding=encoding)
        if not library_client.strip("\\"):  # no computer name: net refuses it (exit 1)
            assert rc == 1 and raw_controls(err, "smb info stderr") == []
            return
        assert rc == 0, err
        assert raw_controls(out, "smb info") == []
        assert len(out.splitlines()) == 7  # one line per field of level 2
        rc, out, _ = run("smb", "info", "--json", "--", library_client, name, encoding=encoding)
        assert rc == 0 and json.loads(out)["client_type"] == name
        # ts list: table (aligned), CSV, JSON
        rc, out, err = run("ts", "list", encoding=encoding)
        assert rc == 0, err
        check_ts_alignment(check_table(out, 2, False, "ts list"), [1, 2])
        rc, out, _ = run("ts", "list", "--csv", encoding=encoding)
        assert rc == 0 and len(list(csv.DictReader(io.StringIO(out)))) == 2
        rc, out, _ = run("ts", "list", "--json", encoding=encoding)
        first = json.loads(out)[0]
        assert rc == 0 and (first["user_name"], first["client_name"]) == (ex.user_name, client)
        # ts info
        rc, out, _ = run("ts", "info", "1", encoding=encoding)
        assert rc == 0 and raw_controls(out, "ts info") == []
        assert len(out.splitlines()) == 19  # one line per field ("server" left out)
        rc, out, _ = run("ts", "info", "1", "--jsonl", encoding=encoding)
        assert rc == 0 and json.loads(out)["session_name"] == ex.win_station_name
        # ts processes (another helper's command, on the same output machinery)
        rc, out, _ = run("ts", "processes", encoding=encoding)
        assert rc == 0
        check_table(out, 2, False, "ts processes")
        rc, out, _ = run("ts", "processes", "--json", encoding=encoding)
        assert rc == 0 and json.loads(out)[0]["name"] == next(
            p.name for p in wts.processes() if p.process_id == 77)  # fmt: skip
        # bulk actions: dry run, then for real; messages by name
        rc, out, err = run("ts", "logoff", f"--user={listed}", "--dry-run", encoding=encoding)
        assert rc == 0 and raw_controls(out + err, "ts logoff --dry-run") == []
        assert len(out.splitlines()) == 2 or listed.casefold() == "safe"
        rc, out, err = run("ts", "message", "--", listed, "hello", encoding=encoding)
        as_id = listed in ("*", "current") or (listed.isascii() and listed.isdigit())  # msg's
        assert rc == 0 or (as_id and rc == 1), err
        assert raw_controls(out + err, "ts message") == []
        rc, out, err = run("smb", "close", "--all", "--dry-run", encoding=encoding)
        assert rc == 0 and raw_controls(out + err, "smb close --dry-run") == []
        assert len(out.splitlines()) == 3  # two clients, a summary
        rc, out, err = run("smb", "close", "--all", "--yes", encoding=encoding)
        assert rc in (0, 3) and raw_controls(out + err, "smb close") == []
        rc, out, err = run("ts", "disconnect", "1", "--yes", encoding=encoding)
        assert rc == 0 and raw_controls(out + err, "ts disconnect") == []
        sim.assert_clean()


@pytest.mark.parametrize("kind", sorted(KNOWN_ATTACKS))
def test_known_attacks_through_every_command(kind: str) -> None:
    ATTACKS[f"commands: {kind}"] += 1
    commands_through(KNOWN_ATTACKS[kind])


@given(names)
def test_hypothesis_names_through_every_command(name: str) -> None:
    ATTACKS["commands: hypothesis names (every category)"] += 1
    commands_through(name)


@pytest.mark.parametrize("kind", ["wide", "lone_surrogate", "emoji", "osc_title"])
def test_unencodable_names_never_cut_a_listing_short(kind: str) -> None:
    """A Japanese name on a cp1252 pipe (Windows' default for a pipe), a lone surrogate:
    every row prints, exit 0."""
    ATTACKS[f"cp1252 pipe: {kind}"] += 1
    commands_through(KNOWN_ATTACKS[kind], encoding="cp1252")


def test_usage_and_runtime_errors_are_told_apart() -> None:
    with hostile_world("日本") as sim:
        rc, out, err = run("smb", "list", "--csv", encoding="cp1252")
        assert rc == 0 and len(out.splitlines()) == 3  # a header, both rows
        rc, _, err = run("ts", "info", "99", encoding="cp1252")
        assert rc == 1 and "WINSTATION_NOT_FOUND" in err  # a runtime failure: never 2
        sim.assert_clean()


def test_error_messages_that_echo_a_name_are_escaped() -> None:
    with Simulator() as sim:
        rc, _, err = run("smb", "list", "--server", "EVIL\x1b]0;x\x07", "--server", "FS\u202e9")
        assert rc == 1 and raw_controls(err, "error message") == []
        assert "\\x1b]0;x\\x07" in err
        rc, _, err = run("smb", "close", "--client", "\x1b[2J", "--yes")
        assert raw_controls(err, "error message") == []
        sim.assert_clean()


def test_events_watch_escapes_user_names(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime
    import types

    event = types.SimpleNamespace(kind=types.SimpleNamespace(name="LOGON"),
                                  user_name="x\n2024-01-01 00:00:00  LOGOFF\x1b[2J",
                                  session_id=2,
                                  received_at=datetime.datetime(2024, 1, 1))  # fmt: skip

    class Events:
        def __enter__(self) -> Iterator[Any]:
            return iter([event])

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(cli._events, "subscribe", Events)
    ATTACKS["events watch: forged line"] += 1
    rc, out, _ = run("events", "watch")
    assert rc == 0 and len(out.splitlines()) == 1 and raw_controls(out, "events watch") == []
    rc, out, _ = run("events", "watch", "--json")
    assert json.loads(out)["user_name"] == event.user_name


# --- smb close --all goes on past what cannot be closed (11.9) -------------------------------


def test_close_all_goes_on_past_unclosable_clients() -> None:
    ATTACKS["smb close --all: empty/backslash client names"] += 1
    smb = [
        SmbSession("\\\\A", "alice"),
        SmbSession("", "ghost"),
        SmbSession("\\\\", "ghost2"),
        SmbSession("\\\\B", "bob"),
    ]
    with Simulator(smb=smb) as sim:
        rc, out, err = run("smb", "close", "--all", "--yes")
        assert rc == 3
        assert out.splitlines() == [
            "Closed the sessions from \\\\A.",
            "Closed the sessions from \\\\B.",
            "Closed 2 of 4 SMB session(s); 2 failed.",
        ]
        assert err.count("could not close") == 2
        assert [s.client for s in sim.net.sessions] == ["", "\\\\"]  # those two stay, reported
        rc, out, err = run("smb", "close", "--all", "--yes", "--json")
        assert rc == 1  # everything left failed
        statuses = [(r["client_name"], r["status"]) for r in json.loads(out)]
        assert statuses == [("", "failed"), ("\\\\", "failed")]
        sim.assert_clean()


def test_close_all_stand_in(netstub: NetStub) -> None:
    netstub.load([StubSmb("\\\\A", "alice"), StubSmb("\\\\", "ghost"), StubSmb("\\\\B", "bob")])
    rc, out, _ = run("smb", "close", "--all", "--yes")
    assert rc == 3 and out.splitlines()[-1] == "Closed 2 of 3 SMB session(s); 1 failed."
    assert netstub.session_count() == 1


# --- the examples print names escaped too ---------------------------------------------------


@pytest.mark.parametrize("script", ["list_smb_sessions.py", "list_ts_sessions.py"])
def test_examples_escape_names(script: str) -> None:
    import runpy

    ATTACKS[f"examples/{script}"] += 1
    name = KNOWN_ATTACKS["osc_title"] + KNOWN_ATTACKS["lf_forged_row"]
    with hostile_world(name) as sim:
        out_b = io.BytesIO()
        out = io.TextIOWrapper(out_b, encoding="utf-8", newline="\n")
        saved = sys.stdout, sys.argv
        sys.stdout, sys.argv = out, [script]
        try:
            with pytest.raises(SystemExit) as done:
                runpy.run_path(str(ROOT / "examples" / script), run_name="__main__")
        finally:
            sys.stdout, sys.argv = saved
        out.flush()
        text = out_b.getvalue().decode("utf-8")
        assert done.value.code == 0 and raw_controls(text, f"examples/{script}") == []
        assert len(text.splitlines()) == 3 + (script == "list_smb_sessions.py")
        sim.assert_clean()


# --- the console script under the real pipe encoding (Wine: Windows' cp1252) -----------------

_SCRIPT = r"""
import sys
from winsession.testing import Process, Session, Simulator, SmbSession
import runpy
names = ["日本語", "x\x1b]0;t\x07", "a\udc80b", "=1+1", "\u202eevil"]
smb = [SmbSession("\\\\PC%d" % i, n, 1, 1, 1, 0, n, "") for i, n in enumerate(names)]
smb.append(SmbSession("\\\\LAST", "last"))
sessions = [Session(i + 1, user_name=n[:20], win_station_name="S%d" % i)
            for i, n in enumerate(names)]
sessions.append(Session(99, user_name="last"))
with Simulator(smb=smb, sessions=sessions):
    sys.argv = ["winsession"] + sys.argv[1:]
    runpy.run_module("winsession", run_name="__main__")
"""


@pytest.mark.parametrize(
    "argv",
    [["smb", "list"], ["smb", "list", "--csv"], ["ts", "list"], ["ts", "list", "--csv"],
     ["smb", "list", "--json"]],
)  # fmt: skip
def test_console_script_on_a_narrow_pipe(argv: list[str]) -> None:
    """`python -m winsession` as a child process whose stdout is a pipe: on Windows (and
    Wine) in the ANSI code page, here forced to cp1252. Every row prints, exit 0."""
    ATTACKS["python -m winsession on a cp1252 pipe"] += 1
    env = dict(os.environ)
    env.pop("PYTHONUTF8", None)
    if sys.platform != "win32":
        env["PYTHONIOENCODING"] = "cp1252"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, *argv], capture_output=True,
                          cwd=ROOT, env=env, timeout=120, stdin=subprocess.DEVNULL)  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode("latin-1")
    out = proc.stdout.decode("cp1252" if sys.platform != "win32" else "mbcs", "replace")
    assert "last" in out
    if "--json" in argv:
        assert [r["user_name"] for r in json.loads(out)][-1] == "last"
    elif "--csv" in argv:  # data for a program: exact (formula-safe), every row there
        assert len(list(csv.DictReader(io.StringIO(out.replace("\r\n", "\n"))))) == 6
    else:
        assert raw_controls(out.replace("\r\n", "\n"), f"python -m winsession {argv}") == []


def test_zz_report() -> None:
    """The counts for the closing note: attacks tried per kind, raw characters in output."""
    assert sum(RAW_IN_OUTPUT.values()) == 0
    report = {"attacks": dict(sorted(ATTACKS.items())), "raw_in_output": dict(RAW_IN_OUTPUT),
              "total_attacks": sum(ATTACKS.values())}  # fmt: skip
    path = ROOT / "build" / f"hostile-cli-{os.environ.get('WINSESSION_TIER', 'host')}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    assert report["total_attacks"] > 100


# --- tables that fit the terminal: shortened names stay safe and within their width -------------


@given(
    text=st.text(min_size=0, max_size=40),
    width=st.integers(min_value=1, max_value=30),
    where=st.sampled_from(["end", "middle"]),
)
def test_shortened_cells_fit_and_stay_escaped(text: str, width: int, where: str) -> None:
    from winsession.cli._output import shorten

    cell = escape(text, "utf-8")
    short = shorten(cell, width, where)
    if display_width(cell) <= width:
        assert short == cell
    else:
        assert display_width(short) <= width and "\u2026" in short
        assert not any(map(needs_escape, short))  # no raw control let through
        head, _, tail = short.partition("\u2026")
        assert cell.startswith(head) and cell.endswith(tail)


@given(
    widths=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
    limit=st.integers(min_value=20, max_value=200),
    data=st.data(),
)
def test_fit_widths_shrinks_only_name_columns(widths: list[int], limit: int,
                                              data: st.DataObject) -> None:  # fmt: skip
    from winsession.cli._output import fit_widths

    aligns = data.draw(st.lists(st.sampled_from(["<", ">", "<*", "<|"]), min_size=len(widths),
                                max_size=len(widths)))  # fmt: skip
    columns = [(f"H{i}", a) for i, a in enumerate(aligns)]
    fitted = fit_widths(widths, columns, limit)
    for old, new, (heading, align) in zip(widths, fitted, columns):
        assert new <= old
        if align in ("<", ">"):
            assert new == old
        else:
            assert new >= min(old, max(len(heading), 6))
    total = sum(fitted) + 2 * (len(fitted) - 1)
    if total > limit:  # could not fit: every name column is at its floor
        assert all(new == min(old, 6) or align in ("<", ">")
                   for old, new, (_, align) in zip(widths, fitted, columns))  # fmt: skip
