"""The command-line sessions shown in docs/*.rst are what ``winsession --simulate`` prints.

A guide page shows ``$ winsession --simulate ...`` followed by its output, indented in a
``code-block``; each such session is run through the real command line (``cli.main``, the
demo table) and must match line for line, so a change of columns or wording cannot leave the
guide behind. (The README's captures are checked in tests/test_cli_output.py.)
"""

from __future__ import annotations

import io
import shlex
import sys
from pathlib import Path

import pytest

from winsession import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"
PROMPTS = ("$ winsession ", "$ python -m winsession ", "$ python3 -m winsession ")


def _sessions() -> list[tuple[str, str, str]]:
    """(page, command line, what the page shows after it) for every shown session."""
    found = []
    for page in sorted(DOCS.glob("*.rst")):
        lines = page.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            text = lines[i].strip()
            if lines[i].startswith("   ") and text.startswith(PROMPTS):
                command, shown = text[2:], []
                i += 1
                # The output: the block's following lines, up to the next prompt or its end.
                while i < len(lines) and (lines[i].startswith("   ") or not lines[i].strip()):
                    if lines[i].strip().startswith("$ "):
                        break
                    shown.append(lines[i][3:])
                    i += 1
                found.append((page.name, command, "\n".join(shown).rstrip("\n") + "\n"))
            else:
                i += 1
    return found


SESSIONS = _sessions()


def _run(argv: list[str]) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        rc = cli.main(argv)
    finally:
        sys.stdout, sys.stderr = saved
    return out.getvalue(), err.getvalue(), rc


def test_the_guide_shows_sessions() -> None:
    # getting-started's first listing and details' command-line section at least.
    pages = {page for page, _, _ in SESSIONS}
    assert {"getting-started.rst", "details.rst"} <= pages
    assert all("--simulate" in command for _, command, _ in SESSIONS)


@pytest.mark.parametrize(
    ("page", "command", "shown"), SESSIONS, ids=[f"{p}: {c}" for p, c, _ in SESSIONS]
)
def test_shown_session_is_real(page: str, command: str, shown: str) -> None:
    argv = shlex.split(command)
    argv = argv[argv.index("winsession") + 1 :]
    out, err, rc = _run(argv)
    real = out + err + (f"[exit code {rc}]\n" if rc else "")
    if err and sys.platform == "win32":
        # Windows words its messages itself (FormatMessageW): compare what precedes them.
        assert shown.startswith(out), f"{page}: {command}"
        return
    assert shown == real, f"{page}: {command}\n--- shown ---\n{shown}--- real ---\n{real}"
