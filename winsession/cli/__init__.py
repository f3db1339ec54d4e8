"""The ``winsession`` command (also ``python -m winsession``).

::

    winsession [GLOBAL] smb list [--client C] [--user U] [--idle-over D] [--level N] [--wide]
    winsession [GLOBAL] smb info CLIENT USER [--level N]
    winsession [GLOBAL] smb close --client C | --user U | --idle-over D | --all  [--dry-run]
    winsession [GLOBAL] ts list [--user U]... [--state S]... [--idle-over D] [--sort COLUMN]
                                [--wide]
    winsession [GLOBAL] ts info ID|current
    winsession [GLOBAL] ts disconnect [ID|current ...] [--user U] [--state S] [--idle-over D]
                                      [--wait] [--dry-run] [--yes]
    winsession [GLOBAL] ts logoff ID... | --user U | --state S | --idle-over D  [--dry-run]
    winsession [GLOBAL] ts message ID|USER|* TEXT [--title T] [--wait SECONDS] [--time SECONDS]
    winsession [GLOBAL] ts watch [--count N]
    winsession [GLOBAL] logon list [--type T]... [--user U]... [--session ID]... [--strict]
    winsession [GLOBAL] logon users
    winsession [GLOBAL] who [--all]
    winsession events watch [--json] [--count N]

    winsession --json-schema

    GLOBAL (before or after the subcommand): --simulate, --json | --jsonl | --csv,
        --server NAME (repeatable), --servers-file FILE, --parallel N, --timeout SECONDS;
        a command that does not have one refuses it (exit 2): --csv is for tables, the
        commands about one thing on one server take one --server

Every command writes JSON with --json/--jsonl, following :func:`json_schema`. On a terminal
a table fits its width (names shortened with an ellipsis); ``--wide`` and pipes get every
cell whole.

Exit codes: 0 success; 1 an API call failed (the message names the code and what to do);
2 usage; 3 partial failure (some servers or items failed); 4 the confirmation was declined;
5 this command needs Windows (add ``--simulate``). Destructive commands (``smb close``,
``ts disconnect``, ``ts logoff``) take ``--dry-run``, ask on a terminal unless ``--yes``,
and refuse without ``--yes`` when stdin is not a terminal. ``--simulate`` runs against
:func:`winsession.testing.demo_simulator`'s table, on any OS.

Names from outside are printed escaped (``\\x1b``, ``\\u202e``: see
``winsession._escape``); JSON is exact; CSV is formula-safe.

>>> from winsession.cli import main
>>> main(["--simulate", "smb", "list", "--user", "bob"])
Computer    User name  Client type  Opens  Idle time
\\\\10.0.0.6  bob        Samba 4.19       1   00:00:05
1 session(s)
0
"""

from __future__ import annotations

import argparse
import functools
import importlib.resources
import json
import sys
from collections.abc import Sequence
from typing import Any, Optional

from .. import __version__, fleet
from .._escape import escape
from ..errors import UnsupportedPlatformError, WinSessionError
from . import _actions, _common, _events, _logon, _options, _smb, _ts, _who
from ._actions import (
    error_text,
)
from ._common import (
    EXIT_API_ERROR,
    EXIT_CODES_TEXT,
    EXIT_DECLINED,
    EXIT_NEEDS_WINDOWS,
    EXIT_OK,
    EXIT_USAGE,
    Declined,
    NeedsWindows,
    SensUnavailable,
    UsageError,
)
from ._options import (
    add_format_options,
    add_server_option,
)
from ._output import (
    format_duration,
    human_err,
    warn,
)

__all__ = ["escape", "format_duration", "json_schema", "main", "main_exit"]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


_EPILOG = f"""\
Global options (--simulate, --json, --jsonl, --csv, --server, --servers-file, --parallel,
--timeout) work before or after the subcommand; a command that does not have one refuses it.
Every command writes JSON with --json/--jsonl (winsession --json-schema prints the schema).
Tables fit a terminal's width; --wide (listings) and pipes get every cell whole.

{EXIT_CODES_TEXT}.

Off Windows, add --simulate: every command then runs against the demo table of
winsession.testing.demo_simulator() (in Python: `with demo_simulator(): ...`).
"""


def json_schema() -> dict[str, Any]:
    """The JSON Schema every record of ``--json``/``--jsonl`` follows (``schema.json`` in this
    package, also printed by ``winsession --json-schema``).

    >>> schema = json_schema()
    >>> schema["$schema"], sorted(schema["$defs"])[:3]
    ('https://json-schema.org/draft/2020-12/schema', ['action_result', 'event', 'logged_on_user'])
    """
    text = importlib.resources.files(__name__).joinpath("schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class _PrintSchema(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: Optional[str] = None) -> None:  # fmt: skip
        sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
        parser.exit()


# Built once per process: building it costs argparse ten-odd milliseconds (hundreds of
# options, each help string looked up through gettext), and main() runs once per command in
# the tests, the examples and callers that use it as a library. parse_args does not change it.
@functools.lru_cache(maxsize=1)
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="winsession",
        description="See and control Windows sessions: SMB (net session) and Remote Desktop"
        " (quser, qwinsta, logoff, msg).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="print the version and exit")  # fmt: skip
    parser.add_argument("--json-schema", action=_PrintSchema, nargs=0,
                        help="print the JSON Schema of --json/--jsonl output and exit")  # fmt: skip
    parser.add_argument(
        "--simulate", action="store_true",
        help="run against a built-in demo table through winsession.testing (any OS)",
    )  # fmt: skip
    add_format_options(parser, top=True)
    add_server_option(parser, top=True)
    groups = parser.add_subparsers(dest="group", metavar="{smb,ts,logon,who,events}")
    groups.required = True

    _smb.register(groups)
    _ts.register(groups)
    _logon.register(groups)
    _who.register(groups)
    _events.register(groups)
    for sub in _subparsers(parser):
        _add_globals(sub)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found.append(sub)
                found += _subparsers(sub)
    return found


def _add_globals(parser: argparse.ArgumentParser) -> None:
    """The global options, again on a subcommand (defaults suppressed: not given there, the
    top level's value stands). A command gets only those it honours: ``--csv`` where it
    prints a table, the server options where it has ``--server`` (its own registration adds
    them); a group (``smb``, ``ts``) takes them all and the command decides."""
    have = parser._option_string_actions
    leaf = parser.get_default("run") is not None
    if "--simulate" not in have:
        parser.add_argument(
            "--simulate",
            action="store_true",
            default=argparse.SUPPRESS,
            help="run against the demo table (also before the subcommand)",
        )
    for option, text in (
        ("--json", "JSON output"),
        ("--jsonl", "JSON lines: one object per line as rows arrive"),
        ("--csv", "CSV output (formula-safe)"),
    ):  # fmt: skip
        if option not in have and not (leaf and option == "--csv"):
            parser.add_argument(option, action="store_true", default=argparse.SUPPRESS,
                                help=text)  # fmt: skip
    if leaf and parser.get_default("accepts") is None:
        # What finish_options checks a global option given before the subcommand against.
        parser.set_defaults(accepts=frozenset(a.dest for a in parser._actions))


# --- errors and main ------------------------------------------------------------------------

_DLLS = ("netapi32", "wtsapi32", "kernel32", "secur32", "advapi32")
_NOT_WINDOWS = (
    "this command needs Windows: it calls {dll}.dll, which is part of Windows and cannot run"
    " on {platform}. To see what it does here, add --simulate, which runs it against a"
    " built-in demo table: winsession --simulate {example} (in Python, the same table is"
    " winsession.testing.demo_simulator(): `with demo_simulator(): ...`)"
)


def _advice(exc: WinSessionError) -> str:
    return _actions.advice(exc)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    0 success; 1 an API call failed (the message names the symbolic code and says what to
    do); 2 usage; 3 partial failure (some servers or items failed); 4 the confirmation was
    declined; 5 the command needs Windows (add ``--simulate``).

    >>> main(["--simulate", "ts", "logoff", "3", "--yes"])
    Logged off session 3.
    0
    >>> main(["--simulate", "ts", "logoff", "--state", "disconnected", "--dry-run"])
    Would log off session 3 (CONTOSO\\bob) on this computer.
    Dry run: 1 session(s) would be logged off; nothing was changed.
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    _options.make_stdio_safe()
    try:
        _options.finish_options(args)
        if args.simulate:
            from ..testing import demo_simulator

            with demo_simulator():
                return int(args.run(args))
        return int(args.run(args))
    except (UsageError, argparse.ArgumentTypeError) as exc:
        warn(str(exc))
        return EXIT_USAGE
    except Declined:
        return EXIT_DECLINED
    except NeedsWindows as exc:
        warn(str(exc))
        return EXIT_NEEDS_WINDOWS
    except SensUnavailable as exc:
        warn(str(exc))
        return EXIT_API_ERROR
    except UnsupportedPlatformError as exc:
        if exc.function in _DLLS and not _common.on_windows():  # the loader: no such DLL here
            example = _common.command_name(args)
            warn(_NOT_WINDOWS.format(dll=exc.function, platform=sys.platform, example=example))
            return EXIT_NEEDS_WINDOWS
        warn(error_text(exc))
        return EXIT_API_ERROR
    except WinSessionError as exc:
        warn(error_text(exc))
        return EXIT_API_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except (fleet.ServerTimeoutError, OSError, TypeError, ValueError) as exc:
        # A runtime failure (never a usage error): name it, escaped.
        warn(f"{type(exc).__name__}: {human_err(str(exc))}")
        return EXIT_API_ERROR


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
escape.__module__ = __name__  # defined in winsession._escape; public here, for your own output
