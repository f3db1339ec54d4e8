"""List the SMB sessions on a server, like ``net session``.

usage: python list_smb_sessions.py [\\\\Server] [--level N]

Streams the sessions page by page; needs administrative rights on current Windows.
"""

from __future__ import annotations

import argparse
import sys

import winsession
from winsession import net
from winsession.cli import escape


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List SMB sessions on a server.")
    parser.add_argument("server", nargs="?", help="\\\\Server (default: this computer)")
    parser.add_argument("--level", type=int, default=10, choices=(10, 502))
    args = parser.parse_args(argv)

    print(f"{'Client':<22} {'User':<18} {'Opens':>5} {'Active':>9} {'Idle':>9}  Transport")
    count = 0
    try:
        for s in net.enum_sessions(args.server, level=args.level):
            opens = getattr(s, "num_opens", "")
            transport = getattr(s, "transport", "")
            print(
                f"{escape(s.client_name):<22} {escape(s.user_name):<18} {opens!s:>5} "
                f"{s.active_duration!s:>9} {s.idle_duration!s:>9}  {escape(transport)}"
            )
            count += 1
    except winsession.AccessDeniedError as err:
        print(f"Access denied: {escape(err)}", file=sys.stderr)
        return 1
    except winsession.WinSessionError as err:
        print(f"Error: {escape(err)}", file=sys.stderr)
        return 1
    print(f"{count} session(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
