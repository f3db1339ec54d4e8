"""List the Remote Desktop sessions on a server, like ``qwinsta``.

usage: python list_ts_sessions.py [Server]
"""

from __future__ import annotations

import sys

import winsession
from winsession import wts
from winsession.cli import escape

STATES = {  # qwinsta's words
    wts.ConnectState.ACTIVE: "Active",
    wts.ConnectState.CONNECTED: "Conn",
    wts.ConnectState.CONNECT_QUERY: "ConnQ",
    wts.ConnectState.SHADOW: "Shadow",
    wts.ConnectState.DISCONNECTED: "Disc",
    wts.ConnectState.IDLE: "Idle",
    wts.ConnectState.LISTEN: "Listen",
    wts.ConnectState.RESET: "Reset",
    wts.ConnectState.DOWN: "Down",
    wts.ConnectState.INIT: "Init",
}


def main(argv: list[str]) -> int:
    server = argv[0] if argv else None
    try:
        with wts.open_server(server) as srv:
            sessions = wts.enumerate_sessions_ex(srv)
            print(f" {'SESSIONNAME':<18}{'USERNAME':<22}{'ID':>6}  {'STATE':<8}{'CLIENT'}")
            for s in sessions:
                client = ""
                if s.user_name:
                    client = wts.query_session_information(
                        s.session_id, wts.InfoClass.CLIENT_NAME, srv
                    )
                state = STATES.get(s.state, s.state.name)
                # Names are chosen by remote clients: escape() shows control and bidi
                # characters as \x1b / \u202e instead of letting the terminal run them.
                print(
                    f" {escape(s.session_name):<18}{escape(s.user_name):<22}{s.session_id:>6}"
                    f"  {state:<8}{escape(client)}"
                )
    except winsession.WinSessionError as err:
        print(f"Error: {escape(err)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
