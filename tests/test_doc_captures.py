"""The command-line sessions shown in docs/*.rst are what ``winsession --simulate`` prints.

A guide page shows ``$ winsession --simulate ...`` followed by its output, indented in a
``code-block`` or a literal block; each such session is run through the real command line
(``cli.main``, the demo table) as an 80-column terminal shows it (a reader's terminal; tables
fit it) and must match line for line, so a change of columns or wording cannot leave the
guide behind. (The README's captures are checked in tests/test_cli_output.py.)
"""

from __future__ import annotations

import io
import os
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
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            if len(indent) >= 3 and text.startswith(PROMPTS):
                command, shown = text[2:], []
                i += 1
                # The output: the block's following lines, up to the next prompt or its end.
                while i < len(lines) and (lines[i].startswith(indent) or not lines[i].strip()):
                    if lines[i].strip().startswith("$ "):
                        break
                    shown.append(lines[i][len(indent) :])
                    i += 1
                found.append((page.name, command, "\n".join(shown).rstrip("\n") + "\n"))
            else:
                i += 1
    return found


SESSIONS = _sessions()


class _Terminal(io.StringIO):
    """Output as a terminal receives it (tests/test_cli_terminal.py checks the same against a
    real pseudo-terminal on POSIX; this runs on every tier)."""

    def isatty(self) -> bool:
        return True


# shutil.get_terminal_size reads COLUMNS first. The command leaves Windows' last column
# empty (its console wraps a full line), so 81 there is what 80 is elsewhere.
COLUMNS = "81" if sys.platform == "win32" else "80"


def _run(argv: list[str]) -> tuple[str, str, int]:
    out, err = _Terminal(), io.StringIO()
    saved = sys.stdout, sys.stderr, os.environ.get("COLUMNS")
    sys.stdout, sys.stderr = out, err
    os.environ["COLUMNS"] = COLUMNS
    try:
        rc = cli.main(argv)
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        if saved[2] is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved[2]
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
