"""tscon, shadowing, the list of Remote Desktop servers and shutting a server down
(WTSConnectSessionW, WTSStartRemoteControlSessionW, WTSStopRemoteControlSession,
WTSEnumerateServersW, WTSShutdownSystem)."""

from __future__ import annotations

import ctypes
import enum
from typing import Optional, Union

from .. import _args, errors
from ..raw import wtsapi32 as _raw
from ..raw._types import DWORD
from ._server import Server, ServerArg, Using, _name

__all__ = [
    "HotkeyModifier",
    "ShutdownFlag",
    "connect_session",
    "enumerate_servers",
    "shutdown_system",
    "start_remote_control",
    "stop_remote_control",
]

_MAX_SERVERS = 100_000  # a count beyond this from WTSEnumerateServersW is not believed


class HotkeyModifier(enum.IntFlag):
    """The keys held with the hotkey that ends shadowing (``REMOTECONTROL_KBD*_HOTKEY``).

    >>> from winsession import wts
    >>> print(int(wts.HotkeyModifier.CTRL | wts.HotkeyModifier.SHIFT))
    3
    """

    SHIFT = _raw.REMOTECONTROL_KBDSHIFT_HOTKEY
    CTRL = _raw.REMOTECONTROL_KBDCTRL_HOTKEY
    ALT = _raw.REMOTECONTROL_KBDALT_HOTKEY


class ShutdownFlag(enum.IntFlag):
    """What :func:`shutdown_system` does (``WTS_WSD_*``).

    >>> from winsession import wts
    >>> wts.ShutdownFlag.REBOOT.value
    4
    """

    LOGOFF = _raw.WTS_WSD_LOGOFF
    SHUTDOWN = _raw.WTS_WSD_SHUTDOWN
    REBOOT = _raw.WTS_WSD_REBOOT
    POWEROFF = _raw.WTS_WSD_POWEROFF
    FASTREBOOT = _raw.WTS_WSD_FASTREBOOT


def connect_session(
    session_id: int, target_session_id: int, password: str = "", wait: bool = True
) -> None:
    """Connect session ``session_id`` to the terminal of ``target_session_id`` (what
    ``tscon`` does; ``WTSConnectSessionW``).

    ``password`` is that of the user of ``session_id``; Microsoft's page: it "can be an
    empty string if the caller is logged on using the same domain name and user name".
    ``target_session_id`` may be :data:`CURRENT_SESSION`.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.connect_session(3, wts.CURRENT_SESSION)      # bob's session onto this terminal
    >>> wts.session_details(3).state
    <ConnectState.ACTIVE: 0>
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    target = _args.u32(target_session_id, "target_session_id")
    secret = _args.text(password, "password")
    flag = _args.flag(wait, "wait")
    with errors.context(None, sid):
        _raw.WTSConnectSessionW(sid, target, secret, flag)


def _server_name(server: ServerArg) -> Optional[str]:
    if isinstance(server, Server):
        return server.name
    return _name(server)


def start_remote_control(
    session_id: int,
    *,
    server: ServerArg = None,
    hotkey: int = _raw.VK_MULTIPLY,
    modifiers: Union[HotkeyModifier, int] = HotkeyModifier.CTRL,
) -> None:
    """Start shadowing (remote control of) session ``session_id`` on ``server`` from the
    caller's session (``WTSStartRemoteControlSessionW``). ``hotkey`` (a virtual-key code,
    ``VK_MULTIPLY`` by default: the ``*`` of the keypad) with ``modifiers`` ends it.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.start_remote_control(2, modifiers=wts.HotkeyModifier.CTRL | wts.HotkeyModifier.ALT)
    >>> wts.session_details(2).state                     # being shadowed
    <ConnectState.SHADOW: 3>
    >>> wts.stop_remote_control(2)
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    vk = _args.u32(hotkey, "hotkey")
    if not 0 < vk <= 0xFE:
        raise ValueError(f"hotkey must be a virtual-key code between 1 and 0xFE, not {vk}")
    mods = _args.u32(modifiers, "modifiers")
    if mods & ~int(HotkeyModifier.SHIFT | HotkeyModifier.CTRL | HotkeyModifier.ALT):
        raise ValueError(f"modifiers must be HotkeyModifier flags, not {mods:#x}")
    name = _server_name(server)
    with errors.context(name, sid):
        _raw.WTSStartRemoteControlSessionW(name, sid, vk, mods)


def stop_remote_control(session_id: int) -> None:
    """Stop a remote control of session ``session_id`` (``WTSStopRemoteControlSession``).

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.stop_remote_control(2)                  # nobody shadows alice
    Traceback (most recent call last):
    winsession.errors.WtsInvalidParameterError: WTSStopRemoteControlSession for session 2 ...
    """
    sid = _args.u32(session_id, "session_id")
    with errors.context(None, sid):
        _raw.WTSStopRemoteControlSession(sid)


def enumerate_servers(domain: Optional[str] = None) -> list[str]:
    """The Remote Desktop Session Host servers of ``domain`` (``None``: this computer's),
    as ``WTSEnumerateServersW`` lists them.

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.enumerate_servers()
    ['RDS01', 'RDS02']
    """
    name = None if domain is None else _args.text(domain, "domain")
    buf = ctypes.POINTER(_raw.WTS_SERVER_INFOW)()
    count = DWORD(0)
    try:
        with errors.context(name):
            _raw.WTSEnumerateServersW(name, 0, 1, ctypes.byref(buf), ctypes.byref(count))
        n = count.value
        if n > _MAX_SERVERS:
            n = 0
        return [buf[i].pServerName or "" for i in range(n)] if buf else []
    finally:
        if buf:
            _raw.WTSFreeMemory(buf)


def shutdown_system(flag: Union[ShutdownFlag, int], server: ServerArg = None) -> None:
    """Log off every session and/or shut ``server`` down (``WTSShutdownSystem``).

    ``flag`` is one :class:`ShutdownFlag`; the caller needs the shutdown privilege there.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.shutdown_system(wts.ShutdownFlag.LOGOFF)      # all but the caller's (alice's)
    >>> [s.session_id for s in wts.enumerate_sessions() if s.state == wts.ConnectState.ACTIVE]
    [2]
    >>> sim.stop()
    """
    value = _args.u32(flag, "flag")
    if value not in {int(f) for f in ShutdownFlag}:
        raise ValueError(f"flag must be one ShutdownFlag, not {value:#x}")
    with Using(server) as handle:
        _raw.WTSShutdownSystem(handle, value)
