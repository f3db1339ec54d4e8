"""Tables fit the terminal (issue 21 item 3): every listing command (found in the real parser:
the commands with ``--wide``) runs in a child process whose standard output is a POSIX
pseudo-terminal with its window size set (TIOCSWINSZ), at 80 and 200 columns. On the
terminal the table fits, shortening names with an ellipsis where it must; a pipe, and
``--wide``, get every cell whole. The `ts list` capture at 80 columns goes to
build/cli-terminal-80.txt for the closing note of issue 21.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import EXAMPLES, leaf_commands

from winsession import cli
from winsession._escape import display_width

pytestmark = pytest.mark.pty  # deselected on a Windows Python (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]
PARSERS = {" ".join(path): parser for path, parser in leaf_commands(cli._parser())}
LISTINGS = [name for name, parser in PARSERS.items() if "--wide" in parser._option_string_actions]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("COLUMNS", None)  # shutil.get_terminal_size() would prefer it to the terminal
    env.pop("LINES", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def in_terminal(argv: list[str], columns: int) -> tuple[int, str]:
    """``winsession ARGV`` with standard output on a pseudo-terminal ``columns`` wide (stdin
    too; stderr a pipe): (exit code, what the terminal got, CR LF as LF)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "winsession", *argv], stdin=slave,
                            stdout=slave, stderr=subprocess.PIPE, env=_env())  # fmt: skip
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal's last descriptor
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        assert proc.stderr is not None
        proc.stderr.read()
        proc.stderr.close()
        code = proc.wait(30)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def in_pipe(argv: list[str]) -> tuple[int, str]:
    return _in_pipe(tuple(argv))


@functools.cache
def _in_pipe(argv: tuple[str, ...]) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "winsession", *argv], capture_output=True,
                          env=_env(), timeout=60)  # fmt: skip
    return proc.returncode, proc.stdout.decode("utf-8").replace("\r\n", "\n")


def _argv(name: str, *more: str) -> list[str]:
    return ["--simulate", *name.split(), *EXAMPLES.get(name, []), *more]


def test_every_listing_is_found() -> None:
    assert {"smb list", "smb files", "smb connections", "ts list", "ts processes",
            "ts servers"} <= set(LISTINGS)  # fmt: skip
    assert "ts info" not in LISTINGS and "ts kill" not in LISTINGS


@pytest.mark.parametrize("columns", [80, 200])
@pytest.mark.parametrize("name", LISTINGS)
def test_listing_fits_the_terminal(name: str, columns: int) -> None:
    many = "--servers-file" in PARSERS[name]._option_string_actions  # --server repeatable
    for more in ([], ["--server", "SIMULATED", "--server", "RDS2"])[: 2 if many else 1]:
        code, shown = in_terminal(_argv(name, *more), columns)
        assert code in (0, 3), (name, code, shown)  # 3: a server without such records
        widths = [display_width(line) for line in shown.splitlines()]
        assert widths and max(widths) <= columns, (name, columns, shown)
        _, piped = in_pipe(_argv(name, *more))
        if columns == 200:  # room for everything: the same as a pipe gets
            assert shown == piped
        else:
            assert len(shown.splitlines()) == len(piped.splitlines())  # no row wraps or goes


def test_ts_list_in_80_columns_like_quser() -> None:
    code, shown = in_terminal(["--simulate", "ts", "list"], 80)
    assert code == 0 and "\u2026" not in shown  # fits without shortening anything
    assert shown == in_pipe(["--simulate", "ts", "list"])[1]
    assert max(map(display_width, shown.splitlines())) <= 80
    assert shown.splitlines()[0].split() == ["SESSIONNAME", "USERNAME", "ID", "STATE", "IDLE",
                                             "LOGON", "TIME", "(UTC)", "LOCKED"]  # fmt: skip
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "cli-terminal-80.txt").write_text(
        "$ winsession --simulate ts list   (an 80-column pseudo-terminal)\n" + shown,
        encoding="utf-8",
    )


def test_names_are_shortened_on_a_narrow_terminal_and_whole_in_a_pipe() -> None:
    argv = ["--simulate", "ts", "list", "--server", "RDS2", "--server", "SIMULATED"]
    _, piped = in_pipe(argv)
    assert max(map(len, piped.splitlines())) > 80 and "\u2026" not in piped
    code, shown = in_terminal(argv, 80)
    assert code == 0 and max(map(display_width, shown.splitlines())) <= 80
    assert "\u2026" in shown
    rows = [line.split() for line in shown.splitlines()[1:]]
    assert [r[-1] for r in rows if "2024-05-06" in r] == [r[-1] for r in
        (line.split() for line in piped.splitlines()[1:]) if "2024-05-06" in r]  # fmt: skip
    code, wide = in_terminal([*argv, "--wide"], 80)  # --wide: whole cells, and the client
    assert code == 0 and "\u2026" not in wide and "ALICE-PC (10.0.0.5)" in wide
    assert wide == in_pipe([*argv, "--wide"])[1]


def test_paths_keep_their_file_name() -> None:
    code, shown = in_terminal(["--simulate", "smb", "files"], 50)
    assert code == 0 and max(map(display_width, shown.splitlines())) <= 50
    paths = [line.split()[-1] for line in shown.splitlines()[1:-1]]
    assert all("\u2026" in p for p in paths) and paths[0].endswith("plan.docx")
