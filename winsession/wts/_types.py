"""wts records: what the API's structures become (frozen, slotted dataclasses)."""

from __future__ import annotations

import datetime
import ipaddress
import sys
from typing import Optional, Union

from .._record import Record, record
from ..raw import wtsapi32 as _raw
from ._enums import ConnectState, ProtocolType

# --- records --------------------------------------------------------------------------------


@record
class SessionInfo(Record):
    """A session from :func:`enumerate_sessions` (``WTS_SESSION_INFOW``).

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.enumerate_sessions()[2]
    SessionInfo(session_id=2, win_station_name='RDP-Tcp#3', state=ConnectState.ACTIVE)
    """

    __slots__ = ("session_id", "state", "win_station_name")  # servers can have thousands
    session_id: int
    win_station_name: str
    state: ConnectState


@record
class SessionInfo1(Record):
    """A session from :func:`enumerate_sessions_ex` (``WTS_SESSION_INFO_1W``).

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.enumerate_sessions_ex()[2]
    SessionInfo1(exec_env_id=0, state=ConnectState.ACTIVE, session_id=2,
                 session_name='RDP-Tcp#3', host_name='RDS01', user_name='alice',
                 domain_name='CONTOSO', farm_name='')
    """

    __slots__ = (
        "domain_name",
        "exec_env_id",
        "farm_name",
        "host_name",
        "session_id",
        "session_name",
        "state",
        "user_name",
    )

    exec_env_id: int
    state: ConnectState
    session_id: int
    session_name: str
    host_name: str
    user_name: str
    domain_name: str
    farm_name: str


@record
class ClientAddress(Record):
    """The client's network address (``WTS_CLIENT_ADDRESS``).

    ``address`` is an :mod:`ipaddress` object for AF_INET (2) and AF_INET6 (23), else
    ``None``; ``raw`` keeps the bytes as the API gave them (20 from ``WTS_CLIENT_ADDRESS``,
    62 from ``WTSCLIENTW``), so two addresses are equal when ``family`` and ``address`` are.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_ADDRESS)
    ClientAddress(family=2, address=IPv4Address('10.0.0.5'),
                  raw=b'\\x00\\x00\\n\\x00\\x00\\x05' + bytes(14))
    >>> str(wts.session_details(2).client_address.address)
    '10.0.0.5'
    >>> sim.stop()
    """

    __slots__ = ("address", "family", "raw")

    family: int
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]
    raw: bytes

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClientAddress):
            return NotImplemented
        return (self.family, self.address) == (other.family, other.address)

    def __hash__(self) -> int:
        return hash((self.family, self.address))


@record
class ClientDisplay(Record):
    """The client's display (``WTS_CLIENT_DISPLAY``); ``color_depth`` is the API's code.

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.query_session_information(2, wts.InfoClass.CLIENT_DISPLAY)
    ClientDisplay(horizontal_resolution=1920, vertical_resolution=1080, color_depth=24)
    """

    __slots__ = ("color_depth", "horizontal_resolution", "vertical_resolution")

    horizontal_resolution: int
    vertical_resolution: int
    color_depth: int


@record
class ConfigInfo(Record):
    """``WTSConfigInfo`` (``WTSCONFIGINFOW``): the session's configuration.

    ``shadow_settings`` is the remote-control setting (0 disabled ... 4 view without the
    user's permission); ``logon_user_name``/``logon_domain`` are the automatic logon's. The
    structure's reserved members are left out.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> config = wts.query_session_information(2, wts.InfoClass.CONFIG_INFO)
    >>> config.logon_user_name, config.disable_printer_redirection, config.shadow_settings
    ('', False, 1)
    >>> sim.stop()
    """

    __slots__ = (
        "disable_default_main_client_printer",
        "disable_printer_redirection",
        "initial_program",
        "logon_domain",
        "logon_user_name",
        "shadow_settings",
        "work_directory",
    )

    disable_printer_redirection: bool
    disable_default_main_client_printer: bool
    shadow_settings: int
    logon_user_name: str
    logon_domain: str
    work_directory: str
    initial_program: str


@record
class ClientInfo(Record):
    """Everything the client reported (``WTSCLIENTW``).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> client = wts.query_session_information(2, wts.InfoClass.CLIENT_INFO)
    >>> client.client_name, client.user_name, client.client_build_number
    ('ALICE-PC', 'alice', 22631)
    >>> client.horizontal_resolution, client.vertical_resolution
    (1920, 1080)
    >>> client.client_address.address
    IPv4Address('10.0.0.5')
    >>> sim.stop()
    """

    __slots__ = (
        "client_address",
        "client_address_family",
        "client_build_number",
        "client_directory",
        "client_hardware_id",
        "client_name",
        "client_product_id",
        "color_depth",
        "device_id",
        "domain_name",
        "encryption_level",
        "horizontal_resolution",
        "initial_program",
        "out_buf_count_client",
        "out_buf_count_host",
        "out_buf_length",
        "user_name",
        "vertical_resolution",
        "work_directory",
    )

    client_name: str
    domain_name: str
    user_name: str
    work_directory: str
    initial_program: str
    encryption_level: int
    client_address_family: int
    client_address: Optional[ClientAddress]
    """The client's address: ``None`` without a client (AF_UNSPEC). WTSCLIENTW keeps an IPv4
    address as text and an IPv6 address as its 16 bytes; both become :mod:`ipaddress`
    objects, and ``raw`` keeps the member's 62 bytes (``address`` is ``None`` where they do not
    parse)."""
    horizontal_resolution: int
    vertical_resolution: int
    color_depth: int
    client_directory: str
    client_build_number: int
    client_hardware_id: int
    client_product_id: int
    out_buf_count_host: int
    out_buf_count_client: int
    out_buf_length: int
    device_id: str


@record
class StationInfo(Record):
    """``WTSSessionInfo`` (``WTSINFOW``): counters and times (UTC; ``None`` when unset).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> info = wts.query_session_information(3, wts.InfoClass.SESSION_INFO)
    >>> info
    StationInfo(state=ConnectState.DISCONNECTED, session_id=3, ..., user_name='bob', ...)
    >>> print(info.disconnect_time, info.current_time - info.disconnect_time)
    2024-05-06 09:30:00+00:00 1:55:00
    >>> sim.stop()
    """

    __slots__ = (
        "connect_time",
        "current_time",
        "disconnect_time",
        "domain_name",
        "incoming_bytes",
        "incoming_compressed_bytes",
        "incoming_frames",
        "last_input_time",
        "logon_time",
        "outgoing_bytes",
        "outgoing_compressed_bytes",
        "outgoing_frames",
        "session_id",
        "state",
        "user_name",
        "win_station_name",
    )

    state: ConnectState
    session_id: int
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    incoming_compressed_bytes: int
    outgoing_compressed_bytes: int
    win_station_name: str
    domain_name: str
    user_name: str
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    logon_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]


@record
class StationInfoEx(Record):
    """``WTSSessionInfoEx`` level 1 (``WTSINFOEX_LEVEL1_W``).

    ``session_flags`` is the raw value (``WTS_SESSIONSTATE_LOCK`` 0, ``_UNLOCK`` 1, -1
    unknown); :attr:`locked` interprets it, including Windows 7 / Server 2008 R2's
    documented inversion.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> ex = wts.query_session_information(3, wts.InfoClass.SESSION_INFO_EX)
    >>> ex.user_name, ex.session_flags, ex.locked
    ('bob', 0, True)
    >>> wts.query_session_information(2, wts.InfoClass.SESSION_INFO_EX).locked
    False
    >>> sim.stop()
    """

    __slots__ = (
        "connect_time",
        "current_time",
        "disconnect_time",
        "domain_name",
        "incoming_bytes",
        "incoming_compressed_bytes",
        "incoming_frames",
        "last_input_time",
        "logon_time",
        "outgoing_bytes",
        "outgoing_compressed_bytes",
        "outgoing_frames",
        "session_flags",
        "session_id",
        "state",
        "user_name",
        "win_station_name",
    )

    session_id: int
    state: ConnectState
    session_flags: int
    win_station_name: str
    user_name: str
    domain_name: str
    logon_time: Optional[datetime.datetime]
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    incoming_compressed_bytes: int
    outgoing_compressed_bytes: int

    @property
    def locked(self) -> Optional[bool]:
        """``True`` locked, ``False`` unlocked, ``None`` unknown."""
        return _lock_state(self.session_flags)


@record
class Process(Record):
    """A process from :func:`processes` (``WTS_PROCESS_INFOW``).

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.processes()[1]
    Process(session_id=2, process_id=4242, name='notepad.exe',
            user_sid='S-1-5-21-1004336348-1177238915-682003330-1001', user='CONTOSO\\\\alice')
    """

    __slots__ = ("name", "process_id", "session_id", "user", "user_sid")

    session_id: int
    process_id: int
    name: str
    user_sid: Optional[str]
    """The owner's SID as ``S-1-5-...``, or ``None`` when the API gave none."""
    user: Optional[str]
    """The owner as ``DOMAIN\\name`` (``LookupAccountSidW`` on the server), or ``None``
    where the SID could not be resolved (an unknown or deleted account, no advapi32 on the
    host tier)."""


@record
class SessionDetails(Record):
    """A session as Cassia users know it, gathered from several info classes.

    Times are timezone-aware UTC datetimes or ``None`` when Windows reports none. A session
    without a client (the services session, a listener) has ``client_address`` and
    ``client_display`` ``None``, not an AF_UNSPEC address or a 0x0 display.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> alice = wts.session_details(2)
    >>> alice.user, alice.client_name, alice.state
    ('CONTOSO\\\\alice', 'ALICE-PC', <ConnectState.ACTIVE: 0>)
    >>> print(alice.logon_time, alice.idle_time)
    2024-05-06 08:30:00+00:00 0:05:00
    >>> services = wts.session_details(0)
    >>> services.client_address, services.client_display
    (None, None)
    >>> sim.stop()
    """

    __slots__ = (
        "client_address",
        "client_build_number",
        "client_display",
        "client_name",
        "client_protocol",
        "connect_time",
        "current_time",
        "disconnect_time",
        "domain_name",
        "incoming_bytes",
        "incoming_frames",
        "last_input_time",
        "locked",
        "logon_time",
        "outgoing_bytes",
        "outgoing_frames",
        "server",
        "session_id",
        "state",
        "user_name",
        "win_station_name",
    )

    server: Optional[str]
    session_id: int
    user_name: str
    domain_name: str
    win_station_name: str
    state: ConnectState
    client_name: str
    client_address: Optional[ClientAddress]
    client_protocol: Optional[ProtocolType]
    client_build_number: int
    client_display: Optional[ClientDisplay]
    connect_time: Optional[datetime.datetime]
    disconnect_time: Optional[datetime.datetime]
    last_input_time: Optional[datetime.datetime]
    logon_time: Optional[datetime.datetime]
    current_time: Optional[datetime.datetime]
    incoming_bytes: int
    outgoing_bytes: int
    incoming_frames: int
    outgoing_frames: int
    locked: Optional[bool]

    @property
    def idle_time(self) -> Optional[datetime.timedelta]:
        """How long the session has been idle, as Cassia computes it.

        Disconnected: since the disconnection; otherwise since the last input.
        """
        since = self.disconnect_time if self.state == ConnectState.DISCONNECTED else None
        since = since or self.last_input_time
        if since is None or self.current_time is None:
            return None
        return max(self.current_time - since, datetime.timedelta(0))

    @property
    def user(self) -> str:
        """``DOMAIN\\user``, or just the user name when there is no domain."""
        return f"{self.domain_name}\\{self.user_name}" if self.domain_name else self.user_name


def _lock_state(flags: int) -> Optional[bool]:
    if flags not in (_raw.WTS_SESSIONSTATE_LOCK, _raw.WTS_SESSIONSTATE_UNLOCK):
        return None  # -1 (WTS_SESSIONSTATE_UNKNOWN) or anything else
    locked = flags == _raw.WTS_SESSIONSTATE_LOCK
    # Microsoft documents that Windows 7 / Server 2008 R2 report the two values reversed.
    if _is_windows_7():
        locked = not locked
    return locked


def _is_windows_7() -> bool:
    if sys.platform != "win32":
        return False
    version = sys.getwindowsversion()
    return (version.major, version.minor) == (6, 1)
