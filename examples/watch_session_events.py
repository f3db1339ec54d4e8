"""Print logon, logoff, disconnect and reconnect events from SENS as they happen.

usage: python watch_session_events.py [--seconds N]

Stops after N seconds, or on Ctrl-C; the subscriptions are removed either way.
"""

from __future__ import annotations

import argparse
import sys
import time

import winsession
from winsession import sens
from winsession.cli import escape


def show(event: sens.SessionEvent) -> None:
    when = event.received_at.astimezone().isoformat(timespec="seconds")
    print(
        f"{when} {event.kind.name:<18} session {event.session_id:<5} {escape(event.user_name)}",
        flush=True,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Watch SENS session events.")
    parser.add_argument("--seconds", type=float, help="stop after this long")
    args = parser.parse_args(argv)
    try:
        with sens.subscribe(show):
            deadline = None if args.seconds is None else time.monotonic() + args.seconds
            while deadline is None or time.monotonic() < deadline:
                time.sleep(0.05)
    except sens.SensUnavailableError as err:
        print(f"SENS is not available here: {err}", file=sys.stderr)
        return 1
    except winsession.UnsupportedPlatformError as err:
        print(f"{err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
