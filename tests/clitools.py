"""What the CLI tests share: running ``winsession.cli.main`` in-process with captured output,
and a standard input that is not a terminal unless a test says so."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator

import pytest

from winsession import cli

Capsys = pytest.CaptureFixture[str]


def run(capsys: Capsys, *argv: str) -> tuple[int, str, str]:
    """``winsession ARGV...``: (exit code, stdout, stderr)."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class FakeStdin(io.StringIO):
    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """By default stdin is not a terminal (as in CI); tests that want one say so. A module
    that imports this fixture gets it for each of its tests.

    Afterwards ctypes' saved last error (Windows) is cleared again: the fault injection here
    leaves e.g. 120 in it, which later tests reading it would otherwise inherit.
    """
    monkeypatch.setattr(sys, "stdin", FakeStdin("", tty=False))
    yield
    if sys.platform == "win32":
        import ctypes

        ctypes.set_last_error(0)


def pretend_not_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DLL can be had, as on Linux without stand-ins: every command needs Windows. On a
    Windows Python the loader (which always finds System32's DLLs) is made to refuse."""
    from winsession import _dll, errors

    monkeypatch.setattr(_dll, "_stand_ins", {})
    monkeypatch.setattr(_dll, "_libraries", {})
    for fn in _dll._functions:
        monkeypatch.setattr(fn, "_bound", None)
    if sys.platform == "win32":

        def refuse(name: str) -> object:
            raise errors.UnsupportedPlatformError(function=name, message=f"{name}: no DLL")

        monkeypatch.setattr(_dll, "_open", refuse)
        monkeypatch.setattr(cli._common, "on_windows", lambda: False)


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(the words that name it, its parser) for every command of ``parser`` (walk
    ``cli._parser()``: a command added later is found without a list to update)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # an alias names the same parser
                    seen.add(id(sub))
                    yield from leaf_commands(sub, (*path, name))
    if parser.get_default("run") is not None:
        yield path, parser


# The arguments a command needs to run against the demo table (destructive ones with --yes or
# --dry-run). A command that needs none runs as it is.
EXAMPLES: dict[str, list[str]] = {
    "smb info": ["10.0.0.6", "bob"],
    "smb close": ["--all", "--dry-run"],
    "smb close-file": ["101", "--dry-run"],
    "smb connections": ["IPC$"],
    "ts info": ["2"],
    "ts disconnect": ["2", "--yes"],
    "ts logoff": ["--state", "disconnected", "--dry-run"],
    "ts message": ["alice", "hello", "--wait", "5"],
    "ts connect": ["3", "--yes"],
    "ts shadow": ["2"],
    "ts kill": ["4242", "--yes"],
    "ts spawn": ["2", "--", "notepad.exe"],
    "ts shutdown": ["logoff", "--yes"],
}
