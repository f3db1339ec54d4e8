"""Force one open file closed -- the file that blocks a deployment -- like
`net file ID /close`, or every file under a path with --path.

usage: python close_open_file.py [--server \\\\Server] (ID... | --path PREFIX) [--dry-run]

NetFileClose does not write what the client cached: use it when nothing else works.
"""

from __future__ import annotations

import argparse
import sys

import winsession
from winsession import net


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("ids", nargs="*", type=int, metavar="ID")
    parser.add_argument("--server")
    parser.add_argument("--path", help="close every file whose path starts with this")
    parser.add_argument("--dry-run", action="store_true", help="only say what would close")
    args = parser.parse_args(argv)
    if bool(args.ids) == bool(args.path):
        print("give file IDs or --path (see list_open_files.py)", file=sys.stderr)
        return 2
    try:
        if args.path:
            ids = [f.file_id for f in net.enum_files(args.server, base_path=args.path, level=2)]
        else:
            ids = args.ids
        failed = 0
        for file_id in ids:
            if args.dry_run:
                print(f"Would close file {file_id}.")
                continue
            try:
                net.close_file(file_id, server=args.server)
            except LookupError:  # NetFileClose's ERROR_FILE_NOT_FOUND / NERR_FileIdNotFound
                print(f"There is no open file {file_id}.", file=sys.stderr)
                failed += 1
                continue
            print(f"Closed file {file_id}.")
    except winsession.AccessDeniedError:
        print("Access denied: closing files needs Administrators or Server Operators.",
              file=sys.stderr)  # fmt: skip
        return 1
    if not ids:
        print("No open files match.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
