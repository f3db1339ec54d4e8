"""Show a message box in a session and report the answer.

usage: python message_session.py SESSION_ID TITLE TEXT [--timeout SECONDS] [--yes-no]
"""

from __future__ import annotations

import argparse
import sys

import winsession
from winsession import wts
from winsession.cli import escape


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Send a message to a session.")
    parser.add_argument("session_id", type=int)
    parser.add_argument("title")
    parser.add_argument("text")
    parser.add_argument("--server")
    parser.add_argument("--timeout", type=int, default=0, help="seconds (0: none)")
    parser.add_argument("--yes-no", action="store_true", help="ask a question, wait for it")
    args = parser.parse_args(argv)
    style = wts.MessageStyle.ICON_INFORMATION
    if args.yes_no:
        style = wts.MessageStyle.YES_NO | wts.MessageStyle.ICON_QUESTION
    try:
        answer = wts.send_message(
            args.session_id, args.title, args.text,
            style=style, timeout=args.timeout, wait=args.yes_no, server=args.server,
        )  # fmt: skip
    except winsession.SessionNotFoundError:
        print(f"There is no session {args.session_id}.", file=sys.stderr)
        return 1
    except winsession.WinSessionError as err:
        print(f"Error: {escape(err)}", file=sys.stderr)
        return 1
    print(f"Response: {answer.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
