"""Close SMB sessions, the way Microsoft's NetSessionDel sample does.

usage: python close_smb_session.py [\\\\Server] [\\\\Client] [User]

- client only: every session from that client is closed;
- user only (give "" as the client): every session of that user;
- both: that user's session from that client.
"""

from __future__ import annotations

import sys

import winsession
from winsession import NERR, WinError, net
from winsession.cli import escape

MESSAGES = {
    WinError.ERROR_ACCESS_DENIED: "The user does not have access to the requested information.",
    WinError.ERROR_INVALID_PARAMETER: "The specified parameter is invalid.",
    WinError.ERROR_NOT_ENOUGH_MEMORY: "Insufficient memory is available.",
    NERR.ClientNameNotFound: "A session does not exist with that computer name.",
    NERR.UserNotFound: "The user name could not be found.",
}


def main(argv: list[str]) -> int:
    if len(argv) > 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    server, client, user = [*[a or None for a in argv], None, None, None][:3]
    try:
        net.delete_session(server, client=client, user=user)
    except ValueError as err:  # neither client nor user: refused before any call
        print(f"Nothing to close: {escape(err)}", file=sys.stderr)
        return 2
    except winsession.WinSessionError as err:
        known = MESSAGES.get(err.winerror)
        print(f"{known or 'NetSessionDel failed.'} ({err.symbol}, {err.winerror})", file=sys.stderr)
        return 1
    print("The specified session(s) were successfully closed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
