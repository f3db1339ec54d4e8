"""Disconnect this session, leaving its programs running: "switch user".

As Microsoft's WTSDisconnectSession page describes, disconnecting the current session
(WTS_CURRENT_SESSION) on the current server shows the logon screen, and the user can
reconnect later to find everything as it was.

usage: python disconnect_current_session.py [--wait]
"""

from __future__ import annotations

import sys

import winsession
from winsession import wts
from winsession.cli import escape


def main(argv: list[str]) -> int:
    wait = "--wait" in argv
    try:
        wts.disconnect_session(wts.CURRENT_SESSION, wait=wait)
    except winsession.AccessDeniedError as err:
        print(f"Not allowed to disconnect this session: {escape(err)}", file=sys.stderr)
        return 1
    except winsession.WinSessionError as err:
        print(f"Error: {escape(err)}", file=sys.stderr)
        return 1
    print("Session disconnected." if wait else "Disconnection requested.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
