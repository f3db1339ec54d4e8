"""docs/pywin32.rst runs: each pywin32 example with the real pywin32, and the winsession example
beside it, against the same stand-in DLLs with the same table, giving the same data.

pywin32's side runs in a child python.exe that alone has pywin32 (the wheel pinned in
tests/winpy.py, unpacked into build/pywin32-X.Y) on its path; winsession's in this process. Both
load the stand-in netapi32/wtsapi32 from the prefix's System32 (WINEDLLOVERRIDES n,b), so
pywin32's win32net and win32ts call the very DLL winsession calls. See tests/pywin32_page.py for
how the page is read and each side run. The comparison runs in the wine-standin tier on the
Pythons pywin32 is pinned for (deselected elsewhere by tests/conftest.py); that every winsession
example runs is checked on the stand-ins of the host tier too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pywin32_page as page
import winpy
from stubctl import NetStub, WtsStub
from test_parity import StandinBackend

TEXT = page.PAGE.read_text(encoding="utf-8")
PAIRS = page.pairs(TEXT)
PREAMBLE = PAIRS[0]
EXAMPLES = PAIRS[1:]
COMPARED = [p for p in EXAMPLES if p.pywin32 is not None]
KEYS = page.key_map(TEXT)
# Pairs whose two sides both run but leave nothing to compare, and why.
RUN_ONLY = {
    "WTSRegisterSessionNotification": "both register a window and unregister it again; "
    "the stand-in counts the windows registered now, not those registered before",
}


def _ids(pairs: list[page.Pair]) -> list[str]:
    return [p.name for p in pairs]


# --- the page's shape (every tier) ----------------------------------------------------------


def test_page_has_its_pairs() -> None:
    assert PREAMBLE.name == "imports" and PREAMBLE.pywin32 and PREAMBLE.winsession
    assert len(COMPARED) >= 15
    names = [p.name for p in PAIRS]
    assert len(names) == len(set(names)), "two pairs of one name"
    assert all(p.winsession for p in EXAMPLES), "every pair shows winsession's call"


def test_calls_pywin32_lacks_say_so_and_what_people_use() -> None:
    """A pair without a pywin32 block is announced as such, with the usual substitute."""
    for pair in EXAMPLES:
        if pair.pywin32 is None:
            before = TEXT[: TEXT.index(f".. pywin32-pair: {pair.name}\n")]
            paragraph = before.rstrip().rsplit("\n\n", 1)[-1]
            assert "**no pywin32 equivalent**" in paragraph, pair.name
            assert "ctypes" in paragraph, pair.name


def test_key_tables_are_read() -> None:
    assert KEYS["id"] == "file_id" and KEYS["SessionId"] == "session_id"
    assert KEYS["client_name"] == "client_name"
    assert KEYS["Session"] == "session_id" and KEYS["oth_domains"] == "other_domains"
    assert KEYS["FailedAttemptCountSinceLastSuccessfulLogon"] == "failed_attempt_count"


def test_pywin32_calls_shown_exist_only_where_pywin32_has_them() -> None:
    """The calls pywin32 lacks appear only as "none: pywin32 has no ..." (issue 21)."""
    for name in ("NetConnectionEnum", "WTSConnectSession", "WTSStartRemoteControlSession",
                 "NetWkstaUserGetInfo"):  # fmt: skip
        assert f"win32net.{name}" not in TEXT and f"win32ts.{name}" not in TEXT
        assert f"pywin32 has no ``{name}``" in TEXT
    for pair in COMPARED:
        assert pair.pywin32 is not None
        for name in ("NetConnectionEnum", "WTSConnectSession", "RemoteControl",
                     "NetWkstaUserGetInfo"):  # fmt: skip
            assert name not in pair.pywin32


def test_every_pywin32_call_in_the_tables_runs_in_an_example() -> None:
    """The signatures in the call tables are claims too: each function they name is called in
    a pywin32 example below them (which the comparison runs)."""
    import re

    called = "".join(p.pywin32 or "" for p in COMPARED)
    named = set()
    for table in TEXT.split(".. list-table::")[1:]:
        rows = re.findall(r"^   \* - (.*)\n     - (.*)$", table, re.M)
        if rows and rows[0][0].strip() == "pywin32":
            for left, _ in rows[1:]:
                if not left.startswith("none:"):
                    named |= set(re.findall(r"``((?:Net|WTS|ProcessId|Lsa)\w+)\(", left))
    assert len(named) >= 23
    missing = sorted(n for n in named if not re.search(rf"win32(net|ts|security)\.{n}\(", called))
    assert missing == []


# --- winsession's side on the stand-ins (host and wine-standin) ------------------------------


def _lsastub(pair: page.Pair, request: pytest.FixtureRequest) -> Any:
    """The secur32 stand-in for a pair that uses it (conftest's ``lsastub``: reset, checked for
    leaks afterwards), else None."""
    return request.getfixturevalue("lsastub") if page.uses_lsa(pair.name) else None


@pytest.mark.parametrize("pair", EXAMPLES, ids=_ids(EXAMPLES))
def test_winsession_example_runs(
    pair: page.Pair, netstub: NetStub, wtsstub: WtsStub, request: pytest.FixtureRequest
) -> None:
    assert PREAMBLE.winsession is not None and pair.winsession is not None
    lsastub = _lsastub(pair, request)
    with StandinBackend(netstub, wtsstub).user32():  # on Linux, a simulated user32
        ours = page.run_side(PREAMBLE.winsession, pair.winsession, netstub, wtsstub, pair.name,
                             lsastub)  # fmt: skip
    assert ours["error"] is None, ours["error"]
    did = ours["values"] or ours["after"] != ours["before"] or pair.name in RUN_ONLY
    assert did, "the example does nothing"


# --- pywin32 beside it (wine-standin) ------------------------------------------------------


def _pywin32_folder() -> Path:
    """The pinned pywin32 wheel (downloaded by tests/winpy.py setup; its hash checked again
    here), unpacked into build/pywin32-X.Y, which nothing else puts on a path."""
    py = winpy.PYTHONS[f"{sys.version_info[0]}.{sys.version_info[1]}"]
    wheel = winpy.fetch_pywin32(py)
    folder = winpy.BUILD / f"pywin32-{py.version}"
    stamp = folder / ".winsession-wheel"
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wheel.name:
        shutil.rmtree(folder, ignore_errors=True)
        winpy._unpack_wheel(wheel, folder)
        stamp.write_text(wheel.name, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pywin32_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every pywin32 block's result, from one child python.exe (a Wine process start is slow)."""
    folder = _pywin32_folder()
    tmp = tmp_path_factory.mktemp("pywin32")
    todo, results = tmp / "pairs.json", tmp / "results.json"
    todo.write_text(json.dumps({
        "preamble": PREAMBLE.pywin32,
        "pairs": [{"name": p.name, "code": p.pywin32} for p in COMPARED],
    }), encoding="utf-8")  # fmt: skip
    # Its output goes to a file, not a pipe: under Wine, a service the child's first calls
    # start (when no earlier test in this run started it) inherits a pipe and keeps it open,
    # and reading the pipe to its end then never returns.
    with open(tmp / "output.txt", "w+", encoding="utf-8", errors="replace") as output:
        done = subprocess.run(
            [sys.executable, str(Path(page.__file__)), str(folder), str(todo), str(results)],
            stdout=output, stderr=subprocess.STDOUT, timeout=600, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        output.seek(0)
        assert done.returncode == 0, f"pywin32's side failed:\n{output.read()}"
    data: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    return data


@pytest.mark.pywin32
@pytest.mark.parametrize("pair", COMPARED, ids=_ids(COMPARED))
def test_pywin32_and_winsession_give_the_same_data(
    pair: page.Pair,
    pywin32_results: dict[str, Any],
    netstub: NetStub,
    wtsstub: WtsStub,
    request: pytest.FixtureRequest,
) -> None:
    theirs = pywin32_results[pair.name]
    assert theirs["error"] is None, f"the pywin32 example failed:\n{theirs['error']}"
    assert PREAMBLE.winsession is not None and pair.winsession is not None
    ours = page.run_side(PREAMBLE.winsession, pair.winsession, netstub, wtsstub, pair.name,
                         _lsastub(pair, request))  # fmt: skip
    assert ours["error"] is None, f"the winsession example failed:\n{ours['error']}"
    common = sorted(set(theirs["values"]) & set(ours["values"]))
    changed = theirs["after"] != theirs["before"]
    assert common or changed or pair.name in RUN_ONLY, "the two examples compare nothing"
    problems = [
        problem
        for name in common
        for problem in page.differences(theirs["values"][name], ours["values"][name], KEYS, name)
    ]
    assert problems == []
    assert theirs["before"] == ours["before"], "the two sides did not start from one table"
    assert theirs["after"] == ours["after"], "the two examples left the DLLs in different states"
