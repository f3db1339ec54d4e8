"""Print session changes with their session ids and users (lock, unlock, logon, ...), until
Ctrl-C or --seconds.

usage: python watch_session_changes.py [--seconds N] [--simulate]

A message-only window on its own thread receives WM_WTSSESSION_CHANGE; where no window can
be made, this falls back to WTSWaitSystemEvent (event kinds only, no session ids).
--simulate runs against winsession.testing's demo server (three changes are waiting).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from winsession import errors, wts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Watch session changes.")
    parser.add_argument("--seconds", type=float, help="stop after this long")
    parser.add_argument("--simulate", action="store_true", help="use the demo simulator")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.simulate:
            from winsession.testing import demo_simulator

            stack.enter_context(demo_simulator())

        def show(change: wts.SessionChange) -> None:
            who = change.user or "(nobody)"
            print(f"{change.received_at:%H:%M:%S} {change.kind.name:<22} "
                  f"session {change.session_id:<5} {who!a}", flush=True)  # fmt: skip

        try:
            changes = stack.enter_context(wts.SessionChanges(show))
        except errors.WinSessionError as exc:
            print(f"no session change window ({exc}); see watch_ts_events.py", file=sys.stderr)
            return 1
        done = threading.Event()
        if args.seconds is not None:
            threading.Timer(args.seconds, done.set).start()
        try:
            while not done.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        changes.stop()
        for exc in changes.callback_errors:
            print(f"callback failed: {exc!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
