"""Both sides of the Windows 7 lock inversion, through the real decoder under Wine.

``WTSINFOEX_LEVEL1_W.SessionFlags`` is ``WTS_SESSIONSTATE_LOCK`` (0) / ``_UNLOCK`` (1), and
Microsoft documents that Windows 7 and Server 2008 R2 report the two reversed; winsession
reads the version from ``sys.getwindowsversion()`` (``winsession.wts``' ``_is_windows_7``).
Wine reports whatever Windows version its configuration names, per program too
(``HKCU\\Software\\Wine\\AppDefaults\\<exe>\\Version``). Each case here runs a copy of the
test ``python.exe`` under its own name, set to ``win7`` or ``win10``, against the wtsapi32
stand-in in the prefix's System32: the real ``WTSQuerySessionInformationW`` call, the real
buffer, the real decoding -- only the Windows version differs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _tier import tier

ROOT = Path(__file__).resolve().parents[1]

# In the child: three sessions with SessionFlags 0 (LOCK), 1 (UNLOCK) and -1 (UNKNOWN), read
# through query_session_information(SESSION_INFO_EX) and session_details.
CHILD = r"""
import json, sys
sys.path.insert(0, "tests")
from stubctl import WtsStub
from winsession import wts

stub = WtsStub()
stub.reset()
for sid, flags in ((2, 0), (3, 1), (4, -1)):
    assert stub.add_session(None, sid, 0, f"RDP-Tcp#{sid}") == 0
    assert stub.set_number(None, sid, 211, flags) == 0
ex = {sid: wts.query_session_information(sid, wts.InfoClass.SESSION_INFO_EX)
      for sid in (2, 3, 4)}
out = {
    "version": list(sys.getwindowsversion()[:2]),
    "flags": {sid: e.session_flags for sid, e in ex.items()},
    "locked": {sid: e.locked for sid, e in ex.items()},
    "details": {sid: wts.session_details(sid).locked for sid in (2, 3, 4)},
    "outstanding": stub.outstanding(),
}
print("RESULT " + json.dumps(out))
"""

CASES = {
    # Wine version name -> (getwindowsversion()[:2], locked for flags 0, for flags 1)
    "win7": ((6, 1), False, True),  # reversed, as Microsoft documents for Windows 7
    "win10": ((10, 0), True, False),
}


def _run_as(version: str) -> dict[str, Any]:
    import winreg  # Windows only; this test runs in the wine-standin tier

    exe = Path(sys.executable)
    copy = exe.with_name(f"python-{version}.exe")
    shutil.copyfile(exe, copy)  # same folder: the ._pth and the stand-in DLLs apply
    key_path = rf"Software\Wine\AppDefaults\{copy.name}"
    with winreg.CreateKey(winreg.HKEY_CURRENT_USER, key_path) as key:
        winreg.SetValueEx(key, "Version", 0, winreg.REG_SZ, version)
    try:
        proc = subprocess.run(
            [str(copy), "-c", CHILD],
            cwd=str(ROOT),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key_path)
        copy.unlink()
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    return result


@pytest.mark.windows
@pytest.mark.mingw  # the stand-in DLLs in the prefix's System32: wine-standin only
@pytest.mark.parametrize("version", sorted(CASES))
def test_lock_state_under_windows_version(version: str) -> None:
    if tier() != "wine-standin":
        pytest.fail("needs Wine (a per-program Windows version) and the stand-in DLLs")
    expect_version, locked_0, locked_1 = CASES[version]
    out = _run_as(version)
    assert tuple(out["version"]) == expect_version
    assert out["flags"] == {"2": 0, "3": 1, "4": -1}  # the raw value is never changed
    assert out["locked"] == {"2": locked_0, "3": locked_1, "4": None}
    assert out["details"] == out["locked"]
    assert out["outstanding"] == 0
