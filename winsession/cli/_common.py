"""What every command shares: exit codes and the exceptions that become them. The rest of
the shared machinery: :mod:`._output` (values and output), :mod:`._actions` (many servers,
bulk actions, the event pump) and :mod:`._options` (the global options)."""

from __future__ import annotations

import argparse
import sys

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_DECLINED = 4
EXIT_NEEDS_WINDOWS = 5

EXIT_CODES_TEXT = (
    "exit codes: 0 success; 1 an API call failed; 2 usage (bad command line);"
    " 3 partial failure (some servers or items failed); 4 the confirmation was declined;"
    " 5 this command needs Windows (add --simulate to try it here)"
)


class UsageError(Exception):
    """A command line that parses but makes no sense (exit code 2)."""


class Declined(Exception):
    """The user said no at the confirmation prompt (exit code 4)."""


class NeedsWindows(Exception):
    """This command cannot run here, not even with --simulate (exit code 5)."""


class SensUnavailable(Exception):
    """A SENS subscription could not be made (exit code 1)."""


def on_windows() -> bool:
    return sys.platform == "win32"


def command_name(args: argparse.Namespace) -> str:
    """The command's words as typed: ``ts list``, or one word for a command without a group."""
    words = (getattr(args, "group", None), getattr(args, "command", None))
    return " ".join(w for w in words if isinstance(w, str))
