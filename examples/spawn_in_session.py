"""Start a program in the session of the user logged on there, as a service does.

usage: python spawn_in_session.py SESSION_ID [--hidden] [--wait] [--simulate] -- COMMAND...

Needs a process running as LocalSystem (a service): WTSQueryUserToken requires SE_TCB_NAME,
and anyone else gets "Access denied" (ERROR_PRIVILEGE_NOT_HELD). --simulate runs against
winsession.testing's demo server, which plays such a service.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from winsession import errors, wts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Start a program in a user's session.")
    parser.add_argument("session_id", type=int)
    parser.add_argument("--hidden", action="store_true", help="no window")
    parser.add_argument("--wait", action="store_true", help="wait for it and print its code")
    parser.add_argument("--simulate", action="store_true", help="use the demo simulator")
    parser.add_argument("command", nargs="+", help="the program and its arguments")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.simulate:
            from winsession.testing import demo_simulator

            sim = stack.enter_context(demo_simulator())
        try:
            proc = stack.enter_context(
                wts.spawn_in_session(args.session_id, args.command, visible=not args.hidden)
            )
        except errors.AccessDeniedError as exc:
            print(f"Access denied: run this from a LocalSystem service ({exc})", file=sys.stderr)
            return 1
        except errors.SessionNotFoundError:
            print(f"Nobody is logged on to session {args.session_id}", file=sys.stderr)
            return 1
        print(f"started pid {proc.pid} in session {proc.session_id}: {proc.command_line}")
        if args.wait:
            if args.simulate:
                proc.terminate(0)  # the demo's programs run until told otherwise
            print(f"exit code {proc.wait()}")
        if args.simulate:
            sim.wts.exit_process(proc.pid)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
