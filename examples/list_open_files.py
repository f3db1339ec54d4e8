"""List the files clients hold open on a server, like `net file` or `openfiles /query`.

usage: python list_open_files.py [\\\\Server] [--path PREFIX] [--user NAME] [--page BYTES]

Streams NetFileEnum level 3: with --page, memory stays bounded by one page however many
files are open (a busy file server can have hundreds of thousands).
"""

from __future__ import annotations

import argparse
import sys

import winsession
from winsession import net


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("server", nargs="?")
    parser.add_argument("--path", help="only files whose path starts with this prefix")
    parser.add_argument("--user", help="only this user's files (\\\\PC: from that computer)")
    parser.add_argument("--page", type=int, default=net.MAX_PREFERRED_LENGTH,
                        help="preferred page size in bytes")  # fmt: skip
    args = parser.parse_args(argv)
    count = 0
    try:
        files = net.enum_files(args.server, base_path=args.path, user=args.user,
                               prefmaxlen=args.page)  # fmt: skip
        print(f"{'ID':>10}  {'User':<16} {'Locks':>5}  {'Access':<6} Path")
        for f in files:
            access = "".join(
                letter if flag in f.permissions else "-"
                for letter, flag in (("R", net.FilePermissions.READ),
                                     ("W", net.FilePermissions.WRITE),
                                     ("C", net.FilePermissions.CREATE))
            )  # fmt: skip
            # Names come from remote clients: show control characters escaped.
            path = f.path_name.encode("unicode_escape").decode("ascii")
            user = f.user_name.encode("unicode_escape").decode("ascii")
            print(f"{f.file_id:>10}  {user:<16} {f.num_locks:>5}  {access:<6} {path}")
            count += 1
    except winsession.AccessDeniedError:
        print("Access denied: listing open files needs Administrators or Server Operators.",
              file=sys.stderr)  # fmt: skip
        return 1
    except winsession.WinSessionError as err:
        print(f"NetFileEnum failed: {err}", file=sys.stderr)
        return 1
    print(f"{count} open file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
