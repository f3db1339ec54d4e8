"""The ``winsession`` command (also ``python -m winsession``).

::

    winsession [--simulate] smb list [--server S] [--client C] [--user U] [--level N] [--json|--csv]
    winsession [--simulate] smb info CLIENT USER [--server S] [--level N] [--json|--csv]
    winsession [--simulate] smb close [--server S] [--client C] [--user U] [--all] [--yes]
    winsession [--simulate] ts list [--server S] [--json|--csv]
    winsession [--simulate] ts info ID [--server S] [--json|--csv]
    winsession [--simulate] ts disconnect [ID|current] [--server S] [--wait] [--yes]
    winsession [--simulate] ts logoff ID [--server S] [--wait] [--yes]
    winsession [--simulate] ts message ID --title T TEXT [--timeout S] [--wait] [--server S]
    winsession [--simulate] ts watch [--server S] [--json] [--count N]
    winsession events watch [--json] [--count N]

Exit codes: 0 success, 1 an API error (the message names the code and what to do), 2 usage.
Destructive commands (``smb close``, ``ts disconnect``, ``ts logoff``) ask on a terminal
unless ``--yes``, and refuse without ``--yes`` when stdin is not a terminal.
``--simulate`` runs against :func:`winsession.testing.demo_simulator`'s table, on any OS.

>>> from winsession.cli import main
>>> main(["--simulate", "smb", "list", "--user", "bob"])
Computer    User name   Active     Idle
\\\\10.0.0.6  bob        0:02:05  0:00:05
1 session(s)
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Optional

from ..errors import (
    AccessDeniedError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
)
from . import _common, _events, _smb, _ts
from ._common import (
    EXIT_API_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    SensUnavailable,
    UsageError,
    format_duration,
)

__all__ = ["format_duration", "main", "main_exit"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winsession",
        description="See and control Windows sessions: SMB (net session) and Remote Desktop"
        " (qwinsta).",
        epilog="Exit codes: 0 success, 1 API error, 2 usage. Off Windows, add --simulate.",
    )
    parser.add_argument(
        "--simulate", action="store_true",
        help="run against a built-in demo table through winsession.testing (any OS)",
    )  # fmt: skip
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", metavar="{smb,ts,events}")
    groups.required = True

    _smb.register(groups)
    _ts.register(groups)
    _events.register(groups)
    return parser


# --- errors and main ------------------------------------------------------------------------

_DLLS = ("netapi32", "wtsapi32", "kernel32")
_NOT_WINDOWS = (
    "winsession: this command needs Windows: it calls {dll}.dll, which is part of Windows"
    " and cannot run on {platform}. To see what it does here, add --simulate, which runs it"
    " against a built-in demo table: winsession --simulate {example}"
)


def _advice(exc: WinSessionError) -> str:
    if isinstance(exc, AccessDeniedError):
        return ("Run it from an elevated prompt (Run as administrator), or as a member of"
                " Administrators or Server Operators on the server.")  # fmt: skip
    if isinstance(exc, SessionNotFoundError):
        return ("No such session (it may have ended); see `winsession smb list` or"
                " `winsession ts list`.")  # fmt: skip
    if isinstance(exc, ServerNotFoundError):
        return ("Check the server name, that it is reachable, and that its Server / Remote"
                " Desktop Services service runs.")  # fmt: skip
    if isinstance(exc, UnsupportedPlatformError):
        return "This Windows edition does not offer that API."
    return ""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    0 success, 1 an API error (the message names the symbolic code and says what to do),
    2 usage.

    >>> main(["--simulate", "ts", "logoff", "3", "--yes"])
    Logged off session 3.
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.simulate:
            from ..testing import demo_simulator

            with demo_simulator():
                return int(args.run(args))
        return int(args.run(args))
    except UsageError as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SensUnavailable as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_API_ERROR
    except UnsupportedPlatformError as exc:
        if exc.function in _DLLS and not _common.on_windows():  # the loader: no such DLL here
            dll = exc.function
            example = f"{args.group} {args.command}"
            print(_NOT_WINDOWS.format(dll=dll, platform=sys.platform, example=example),
                  file=sys.stderr)  # fmt: skip
        else:
            print(f"winsession: {exc} {_advice(exc)}".rstrip(), file=sys.stderr)
        return EXIT_API_ERROR
    except WinSessionError as exc:
        print(f"winsession: {exc} {_advice(exc)}".rstrip(), file=sys.stderr)
        return EXIT_API_ERROR
    except (TypeError, ValueError) as exc:
        print(f"winsession: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


def main_exit() -> None:
    """Console-script entry point (``winsession``): ``sys.exit(main())``.

    >>> import sys
    >>> saved, sys.argv = sys.argv, ["winsession", "--simulate", "smb", "list", "--level", "0"]
    >>> try:
    ...     main_exit()
    ... except SystemExit as done:
    ...     print("exit code", done.code)
    Computer
    \\\\10.0.0.5
    \\\\10.0.0.6
    \\\\10.0.0.7
    3 session(s)
    exit code 0
    >>> sys.argv = saved
    """
    sys.exit(main())


format_duration.__module__ = __name__  # defined in _common; documented as winsession.cli's
