"""What the CLI tests share: running ``winsession.cli.main`` in-process with captured output,
and a standard input that is not a terminal unless a test says so."""

from __future__ import annotations

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
