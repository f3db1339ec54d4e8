"""Print Remote Desktop session events as they happen, until Ctrl-C or --seconds.

usage: python watch_ts_events.py [--seconds N] [--server S]

The wait runs without the GIL; the watcher is stopped from a timer thread (or Ctrl-C)
through WTS_EVENT_FLUSH.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import threading

from winsession import wts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Watch session events.")
    parser.add_argument("--seconds", type=float, help="stop after this long")
    parser.add_argument("--server")
    args = parser.parse_args(argv)
    watcher = wts.watch_events(wts.Event.ALL, server=args.server)
    if args.seconds is not None:
        timer = threading.Timer(args.seconds, watcher.stop)
        timer.daemon = True
        timer.start()
    try:
        for event in watcher:
            now = datetime.datetime.now().isoformat(timespec="seconds")
            print(f"{now} {event!s}", flush=True)
    except KeyboardInterrupt:
        watcher.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
