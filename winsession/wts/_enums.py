"""wts enums and constants: what the API's numbers become (states, info classes, events,
message box styles and answers)."""

from __future__ import annotations

import enum
from typing import Any

from ..raw import wtsapi32 as _raw

CURRENT_SERVER_HANDLE = _raw.WTS_CURRENT_SERVER_HANDLE
"""The handle meaning "this computer" (``NULL``)."""
CURRENT_SESSION: int = _raw.WTS_CURRENT_SESSION
"""The session id meaning "the caller's session" (``0xFFFFFFFF``)."""


class _Open(enum.IntEnum):
    # Values the API may add later decode to a pseudo-member instead of raising.
    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member


class ConnectState(_Open):
    """A session's connection state (``WTS_CONNECTSTATE_CLASS``).

    Values a newer Windows may add decode to ``UNKNOWN_<n>`` instead of raising.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [s.state.name for s in wts.enumerate_sessions()]
    ['DISCONNECTED', 'ACTIVE', 'ACTIVE', 'DISCONNECTED', 'LISTEN']
    >>> wts.ConnectState(42)
    <ConnectState.UNKNOWN_42: 42>
    >>> sim.stop()
    """

    ACTIVE = _raw.WTSActive
    CONNECTED = _raw.WTSConnected
    CONNECT_QUERY = _raw.WTSConnectQuery
    SHADOW = _raw.WTSShadow
    DISCONNECTED = _raw.WTSDisconnected
    IDLE = _raw.WTSIdle
    LISTEN = _raw.WTSListen
    RESET = _raw.WTSReset
    DOWN = _raw.WTSDown
    INIT = _raw.WTSInit


class InfoClass(enum.IntEnum):
    """What :func:`query_session_information` asks for (``WTS_INFO_CLASS``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_NAME)
    'ALICE-PC'
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_BUILD_NUMBER)
    22631
    >>> sim.stop()
    """

    INITIAL_PROGRAM = _raw.WTSInitialProgram
    APPLICATION_NAME = _raw.WTSApplicationName
    WORKING_DIRECTORY = _raw.WTSWorkingDirectory
    OEM_ID = _raw.WTSOEMId
    SESSION_ID = _raw.WTSSessionId
    USER_NAME = _raw.WTSUserName
    WIN_STATION_NAME = _raw.WTSWinStationName
    DOMAIN_NAME = _raw.WTSDomainName
    CONNECT_STATE = _raw.WTSConnectState
    CLIENT_BUILD_NUMBER = _raw.WTSClientBuildNumber
    CLIENT_NAME = _raw.WTSClientName
    CLIENT_DIRECTORY = _raw.WTSClientDirectory
    CLIENT_PRODUCT_ID = _raw.WTSClientProductId
    CLIENT_HARDWARE_ID = _raw.WTSClientHardwareId
    CLIENT_ADDRESS = _raw.WTSClientAddress
    CLIENT_DISPLAY = _raw.WTSClientDisplay
    CLIENT_PROTOCOL_TYPE = _raw.WTSClientProtocolType
    IDLE_TIME = _raw.WTSIdleTime
    LOGON_TIME = _raw.WTSLogonTime
    INCOMING_BYTES = _raw.WTSIncomingBytes
    OUTGOING_BYTES = _raw.WTSOutgoingBytes
    INCOMING_FRAMES = _raw.WTSIncomingFrames
    OUTGOING_FRAMES = _raw.WTSOutgoingFrames
    CLIENT_INFO = _raw.WTSClientInfo
    SESSION_INFO = _raw.WTSSessionInfo
    SESSION_INFO_EX = _raw.WTSSessionInfoEx
    CONFIG_INFO = _raw.WTSConfigInfo
    VALIDATION_INFO = _raw.WTSValidationInfo
    SESSION_ADDRESS_V4 = _raw.WTSSessionAddressV4
    IS_REMOTE_SESSION = _raw.WTSIsRemoteSession


class ProtocolType(_Open):
    """How the client is connected (``WTSClientProtocolType``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.query_session_information(1, wts.InfoClass.CLIENT_PROTOCOL_TYPE)
    <ProtocolType.CONSOLE: 0>
    >>> wts.session_details(2).client_protocol
    <ProtocolType.RDP: 2>
    >>> sim.stop()
    """

    CONSOLE = _raw.WTS_PROTOCOL_TYPE_CONSOLE
    ICA = _raw.WTS_PROTOCOL_TYPE_ICA
    RDP = _raw.WTS_PROTOCOL_TYPE_RDP


class Event(enum.IntFlag):
    """Session events for :func:`wait_system_event` (``WTS_EVENT_*``).

    Flags: combine them into a mask with ``|``; ``str()`` gives their names.

    >>> from winsession import testing, wts
    >>> mask = wts.Event.LOGON | wts.Event.LOGOFF
    >>> print(mask, wts.Event.LOGOFF in mask, wts.Event.CONNECT in mask)
    LOGON|LOGOFF True False
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     print(wts.wait_system_event(mask))      # its first queued event
    LOGON
    """

    NONE = _raw.WTS_EVENT_NONE
    CREATE = _raw.WTS_EVENT_CREATE
    DELETE = _raw.WTS_EVENT_DELETE
    RENAME = _raw.WTS_EVENT_RENAME
    CONNECT = _raw.WTS_EVENT_CONNECT
    DISCONNECT = _raw.WTS_EVENT_DISCONNECT
    LOGON = _raw.WTS_EVENT_LOGON
    LOGOFF = _raw.WTS_EVENT_LOGOFF
    STATE_CHANGE = _raw.WTS_EVENT_STATECHANGE
    LICENSE = _raw.WTS_EVENT_LICENSE
    ALL = _raw.WTS_EVENT_ALL

    def __str__(self) -> str:
        # "LOGON|CONNECT" on every Python (3.11 made str() of an IntFlag the number).
        names = [m.name for m in Event if m.name and m not in (Event.NONE, Event.ALL) and m in self]
        return "|".join(names) or "NONE"


class MessageStyle(enum.IntFlag):
    """``MessageBox`` style flags for :func:`send_message`.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> style = wts.MessageStyle.YES_NO | wts.MessageStyle.ICON_QUESTION
    >>> int(style)
    36
    >>> wts.send_message(2, "Updates", "Restart now?", style=style, timeout=60, wait=True)
    <MessageResponse.TIMEOUT: 32000>
    >>> sim.stop()
    """

    OK = _raw.MB_OK
    OK_CANCEL = _raw.MB_OKCANCEL
    ABORT_RETRY_IGNORE = _raw.MB_ABORTRETRYIGNORE
    YES_NO_CANCEL = _raw.MB_YESNOCANCEL
    YES_NO = _raw.MB_YESNO
    RETRY_CANCEL = _raw.MB_RETRYCANCEL
    CANCEL_TRY_CONTINUE = _raw.MB_CANCELTRYCONTINUE
    ICON_ERROR = _raw.MB_ICONHAND
    ICON_QUESTION = _raw.MB_ICONQUESTION
    ICON_WARNING = _raw.MB_ICONEXCLAMATION
    ICON_INFORMATION = _raw.MB_ICONASTERISK
    DEFAULT_BUTTON2 = _raw.MB_DEFBUTTON2
    DEFAULT_BUTTON3 = _raw.MB_DEFBUTTON3
    SYSTEM_MODAL = _raw.MB_SYSTEMMODAL
    SET_FOREGROUND = _raw.MB_SETFOREGROUND
    TOPMOST = _raw.MB_TOPMOST


class MessageResponse(_Open):
    """The button the user chose, or ``TIMEOUT``/``ASYNC`` (``MESSAGEBOX_RESULT``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.send_message(2, "Backup", "Backup finished.")
    <MessageResponse.ASYNC: 32001>
    >>> wts.MessageResponse(6), wts.MessageResponse(99)
    (<MessageResponse.YES: 6>, <MessageResponse.UNKNOWN_99: 99>)
    >>> sim.stop()
    """

    OK = _raw.IDOK
    CANCEL = _raw.IDCANCEL
    ABORT = _raw.IDABORT
    RETRY = _raw.IDRETRY
    IGNORE = _raw.IDIGNORE
    YES = _raw.IDYES
    NO = _raw.IDNO
    TRY_AGAIN = _raw.IDTRYAGAIN
    CONTINUE = _raw.IDCONTINUE
    TIMEOUT = _raw.IDTIMEOUT
    """The timeout ran out before the user answered."""
    ASYNC = _raw.IDASYNC
    """``wait=False``: the message was sent without waiting for an answer."""
