"""The declarative tables a simulated world is described in, and the error the simulator raises."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from typing import Optional, Union

LOCAL_SERVER = "SIMULATED"
"""The simulated computer's own name (as a server name it means the local server)."""

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


class SimulatorError(AssertionError):
    """:meth:`Simulator.assert_clean` found misuse (a leak, a double free, ...).

    >>> raise SimulatorError("1 NetApi buffer leaked")   # doctest: +SKIP
    """


# --- tables ---------------------------------------------------------------------------------


@dataclass
class SmbSession:
    """One SMB session in the simulated server's table (a ``SESSION_INFO_502`` row).

    ``client`` may be given as ``"PC"`` or ``"\\\\\\\\PC"``; it is returned as given. ``server``
    ``None`` is the local server; another name makes that server known.

    >>> SmbSession("\\\\\\\\10.0.0.5", "alice", num_opens=3, active_time=3600, idle_time=20)
    SmbSession(client='\\\\\\\\10.0.0.5', user='alice', num_opens=3, active_time=3600, idle_time=20, user_flags=0, client_type='', transport='', server=None)
    """  # noqa: E501

    client: Optional[str]
    user: Optional[str]
    num_opens: int = 0
    active_time: int = 0
    idle_time: int = 0
    user_flags: int = 0
    client_type: Optional[str] = ""
    transport: Optional[str] = ""
    server: Optional[str] = None


@dataclass
class OpenFile:
    """One open file in the simulated server's table (a ``FILE_INFO_3`` row).

    It belongs to the SMB session of ``user`` from ``client`` on ``server`` (``None``: the
    local server): closing that session (``NetSessionDel``) closes the file too.
    ``permissions`` is the ``PERM_FILE_*`` mask (1 read, 2 write, 4 create).

    >>> OpenFile(101, "C:\\\\Shares\\\\plan.docx", "alice", "\\\\\\\\10.0.0.5", permissions=3)
    OpenFile(file_id=101, path='C:\\\\Shares\\\\plan.docx', user='alice', client='\\\\\\\\10.0.0.5', permissions=3, num_locks=0, server=None)
    """  # noqa: E501

    file_id: int
    path: Optional[str]
    user: Optional[str]
    client: Optional[str] = None
    permissions: int = 1
    num_locks: int = 0
    server: Optional[str] = None


@dataclass
class SmbConnection:
    """One tree connection in the simulated server's table (a ``CONNECTION_INFO_1`` row):
    ``user`` from ``client`` connected to ``share``. Closing that user's session from that
    client closes it too. ``share_type`` is the ``STYPE_*`` value.

    >>> SmbConnection(12, "Public", "\\\\\\\\10.0.0.5", "alice", num_opens=1, time=3600)
    SmbConnection(connection_id=12, share='Public', client='\\\\\\\\10.0.0.5', user='alice', share_type=0, num_opens=1, num_users=1, time=3600, server=None)
    """  # noqa: E501

    connection_id: int
    share: str
    client: str
    user: Optional[str]
    share_type: int = 0
    num_opens: int = 0
    num_users: int = 1
    time: int = 0
    server: Optional[str] = None


@dataclass
class Session:
    """One Remote Desktop session (what ``WTSQuerySessionInformationW`` reports about it).

    Times are datetimes (naive ones are taken as UTC) or ``None``; ``current_time`` ``None``
    follows the clock. ``session_flags`` is ``WTSINFOEX``'s lock state: 0 locked,
    1 unlocked, -1 unknown (the default). ``client_address`` and ``session_address`` are
    :mod:`ipaddress` objects.

    >>> import datetime, ipaddress
    >>> Session(2, user_name="alice", win_station_name="RDP-Tcp#3",
    ...         client_address=ipaddress.ip_address("10.0.0.5"),
    ...         logon_time=datetime.datetime(2024, 1, 2, 8, 0))   # doctest: +ELLIPSIS
    Session(session_id=2, state=<ConnectState.ACTIVE: 0>, ...)
    """

    session_id: int
    state: int = 0
    win_station_name: str = ""
    user_name: str = ""
    domain_name: str = ""
    client_name: str = ""
    client_address: Optional[IPAddress] = None
    client_protocol: int = 0
    client_build_number: int = 0
    client_product_id: int = 0
    client_hardware_id: int = 0
    client_directory: str = ""
    initial_program: str = ""
    application_name: str = ""
    working_directory: str = ""
    oem_id: str = ""
    host_name: str = ""
    farm_name: str = ""
    connect_time: Optional[datetime.datetime] = None
    disconnect_time: Optional[datetime.datetime] = None
    last_input_time: Optional[datetime.datetime] = None
    logon_time: Optional[datetime.datetime] = None
    current_time: Optional[datetime.datetime] = None
    incoming_bytes: int = 0
    outgoing_bytes: int = 0
    incoming_frames: int = 0
    outgoing_frames: int = 0
    incoming_compressed_bytes: int = 0
    outgoing_compressed_bytes: int = 0
    session_flags: int = -1
    exec_env_id: int = 0
    horizontal_resolution: int = 0
    vertical_resolution: int = 0
    color_depth: int = 0
    encryption_level: int = 0
    is_remote: bool = False
    disable_printer_redirection: bool = False
    disable_default_main_client_printer: bool = False
    shadow_settings: int = 0
    logon_user_name: str = ""
    logon_domain: str = ""
    session_address: Optional[ipaddress.IPv4Address] = None
    server: Optional[str] = None

    def __post_init__(self) -> None:
        from ..wts import ConnectState

        self.state = ConnectState(self.state)


@dataclass
class Process:
    """One process in the simulated process table (``WTS_PROCESS_INFOW``).

    ``user_sid`` is a string SID (``"S-1-5-18"``) or ``None``.

    >>> Process(4242, session_id=2, name="notepad.exe", user_sid="S-1-5-21-1-2-3-1001")
    Process(process_id=4242, session_id=2, name='notepad.exe', user_sid='S-1-5-21-1-2-3-1001', server=None)
    """  # noqa: E501

    process_id: int
    session_id: int = 0
    name: str = ""
    user_sid: Optional[str] = None
    server: Optional[str] = None
