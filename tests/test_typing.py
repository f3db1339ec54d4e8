"""The raw layer is typed: mypy --strict rejects a call into a DLL with the wrong number or
kind of arguments where it is written, and accepts a correct one (issue 10). Records are
dataclasses to mypy, frozen, with a checked ``__init__``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """\
from winsession.raw import kernel32, netapi32, wtsapi32
netapi32.NetSessionDel("FS01", None)
wtsapi32.WTSLogoffSession(None, "3", 0)
kernel32.ProcessIdToSessionId(4242)
fine: int = netapi32.NetFileClose(None, 7) + wtsapi32.WTSLogoffSession(None, 3, 0)
handle: int = wtsapi32.WTSOpenServerW("RDS01")
from winsession import net
opened = net.FileInfo3(1, net.FilePermissions.READ, 0, "C:\\\\a", "bob")
short = net.FileInfo3(1)
opened.num_locks = 3
path: str = opened.path_name
"""


@pytest.mark.host_tools
@pytest.mark.parametrize("platform", ["win32", "linux"])
def test_mypy_catches_a_wrong_raw_call(platform: str, tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--platform", platform,
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", str(snippet)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MYPYPATH": str(ROOT)},  # this checkout's winsession, not another
    )  # fmt: skip
    lines = {
        int(line[len(str(snippet)) + 1 :].split(":")[0]): line
        for line in result.stdout.splitlines()
        if line.startswith(str(snippet)) and ": error:" in line
    }
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Too few arguments" in lines[2]  # NetSessionDel takes three
    assert '"str"' in lines[3] and '"int"' in lines[3]  # a str where a DWORD goes
    assert "Too few arguments" in lines[4]  # the out-parameter is missing
    assert 5 not in lines  # right calls type-check, results are ints
    assert "Optional[int]" in lines[6] or "int | None" in lines[6]  # a HANDLE may be NULL
    # Records made by _record.record are dataclasses to mypy (dataclass_transform): their
    # __init__ is checked, and they are frozen.
    assert 8 not in lines and 11 not in lines
    assert "Missing positional arguments" in lines[9]
    assert "read-only" in lines[10]
    assert set(lines) == {2, 3, 4, 6, 9, 10}
