"""WTSQuerySessionInformationW: decoders per info class, the typed query, session_details."""

from __future__ import annotations

import ctypes
import ipaddress
import itertools
from typing import Any, Literal, Optional, Union, overload

from .. import _args, errors
from .._records import SID_MAX_SUB_AUTHORITIES, SID_REVISION, from_filetime, sid_text_at
from .._winerror import ERROR_INVALID_DATA
from ..raw import wtsapi32 as _raw
from ..raw._types import DWORD
from ._enums import ConnectState, InfoClass, ProtocolType
from ._server import ServerArg, Using
from ._types import (
    ClientAddress,
    ClientDisplay,
    ClientInfo,
    ConfigInfo,
    SessionDetails,
    StationInfo,
    StationInfoEx,
)

# --- decoding helpers -----------------------------------------------------------------------


AF_UNSPEC, AF_INET, AF_INET6 = 0, 2, 23  # ws2def.h
_IPV4_TEXT_CHARS = 15  # "255.255.255.255"


def _address(family: int, raw: bytes) -> ClientAddress:
    """``WTS_CLIENT_ADDRESS`` / ``WTS_SESSION_ADDRESS`` (Microsoft Learn, WTS_CLIENT_ADDRESS:
    for AF_INET the address "is offset by two bytes from the start of the Address member",
    ``Address[2..5]``; for AF_INET6 its 16 bytes from ``Address[0]``)."""
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]] = None
    if family == AF_INET:
        address = ipaddress.IPv4Address(raw[2:6])
    elif family == AF_INET6:
        address = ipaddress.IPv6Address(raw[0:16])
    return ClientAddress(family, address, raw)


def _client_info_address(family: int, raw: bytes) -> Optional[ClientAddress]:
    """``WTSCLIENTW.ClientAddress`` (USHORT[31], ``raw`` its bytes) -> a :class:`ClientAddress`,
    ``None`` for AF_UNSPEC (no client).

    Microsoft Learn, WTSCLIENTW remarks: AF_INET "will return in string format, for example
    "127.0.0.1"" -- USHORT characters up to a NUL -- and AF_INET6 "will return in binary form":
    the 16 bytes of the address from the member's first byte. Text that is not a dotted IPv4
    address, and other families, give ``address=None`` with ``raw`` kept.
    """
    if family == AF_UNSPEC:
        return None
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]] = None
    if family == AF_INET:
        units = [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw) - 1, 2)]
        text_units = units[: units.index(0)] if 0 in units else units
        if len(text_units) <= _IPV4_TEXT_CHARS and all(0x20 < u < 0x7F for u in text_units):
            try:
                address = ipaddress.IPv4Address("".join(map(chr, text_units)))
            except ValueError:
                address = None
    elif family == AF_INET6 and len(raw) >= 16:
        address = ipaddress.IPv6Address(raw[0:16])
    return ClientAddress(family, address, raw)


def _sid(address: Optional[int]) -> Optional[str]:
    """Binary SID at ``address`` -> its string form (:func:`~winsession._records.sid_text_at`);
    a header that is no SID's is ``ERROR_INVALID_DATA``."""
    if not address:
        return None
    try:
        return sid_text_at(address)
    except ValueError as bad:
        revision, count = bad.args
        raise errors.wts_error(
            ERROR_INVALID_DATA,
            "WTSEnumerateProcessesW",
            message=(
                f"WTSEnumerateProcessesW: a SID header claims revision {revision} with {count}"
                f" sub-authorities (a SID has revision {SID_REVISION} and at most"
                f" {SID_MAX_SUB_AUTHORITIES})"
            ),
        ) from None


def _text(chars: Any) -> str:
    # Inline WCHAR arrays read as str up to the first NUL (ctypes decodes them with
    # PyUnicode_FromWideChar: on Windows a UTF-16 pair is one character, as in wide_text_at).
    return str(chars)


_WCHAR_BYTES = ctypes.sizeof(ctypes.c_wchar)
_WCHAR_CODEC = "utf-16-le" if _WCHAR_BYTES == 2 else "utf-32-le"
_WCHAR_UNIT = ctypes.c_uint16 if _WCHAR_BYTES == 2 else ctypes.c_uint32


def wide_text_at(address: int, size: int) -> str:
    """The ``wchar_t`` units at ``address``, at most ``size`` bytes, up to the first NUL unit
    (or the end), as text.

    The units are read one at a time to find the NUL, so a ``size`` larger than the string's
    allocation never makes us read past the string; its own bytes are then decoded at once,
    as the platform's ``wchar_t`` holds text: UTF-16 on Windows, where a character beyond the
    BMP is a pair of units and comes back as one character (``'Ann😀'``, not
    ``'Ann\\ud83d\\ude00'``), and UTF-32 on Linux (the host tier's stand-ins). An unpaired
    surrogate, which a Windows string may hold and a hostile server may send, stays that one
    lone surrogate, as ``ctypes`` gives it for the other strings (escaped wherever a human
    reads it). Text no ``wchar_t`` can hold (Linux: a unit above U+10FFFF) is a
    :class:`UnicodeDecodeError`.

    >>> data = ctypes.create_unicode_buffer("Ann\\U0001f600\\0rest")
    >>> wide_text_at(ctypes.addressof(data), ctypes.sizeof(data)), wide_text_at(0, 0)
    ('Ann😀', '')
    """
    units = (_WCHAR_UNIT * (size // _WCHAR_BYTES)).from_address(address)
    length = sum(1 for _ in itertools.takewhile(bool, units))
    return ctypes.string_at(address, length * _WCHAR_BYTES).decode(_WCHAR_CODEC, "surrogatepass")


# --- WTSQuerySessionInformationW ------------------------------------------------------------

_STRING_CLASSES = frozenset(
    {
        InfoClass.INITIAL_PROGRAM,
        InfoClass.APPLICATION_NAME,
        InfoClass.WORKING_DIRECTORY,
        InfoClass.OEM_ID,
        InfoClass.USER_NAME,
        InfoClass.WIN_STATION_NAME,
        InfoClass.DOMAIN_NAME,
        InfoClass.CLIENT_NAME,
        InfoClass.CLIENT_DIRECTORY,
    }
)
_ULONG_CLASSES = frozenset(
    {InfoClass.SESSION_ID, InfoClass.CLIENT_BUILD_NUMBER, InfoClass.CLIENT_HARDWARE_ID}
)
# Microsoft: "This value returns FALSE" (ERROR_NOT_SUPPORTED) for these; use SESSION_INFO.
_UNSUPPORTED_CLASSES = frozenset(range(InfoClass.IDLE_TIME, InfoClass.OUTGOING_FRAMES + 1))


def _decode_station(s: _raw.WTSINFOW) -> StationInfo:
    return StationInfo(
        ConnectState(s.State), s.SessionId, s.IncomingBytes, s.OutgoingBytes,
        s.IncomingFrames, s.OutgoingFrames, s.IncomingCompressedBytes,
        s.OutgoingCompressedBytes, _text(s.WinStationName), _text(s.Domain),
        _text(s.UserName), from_filetime(s.ConnectTime), from_filetime(s.DisconnectTime),
        from_filetime(s.LastInputTime), from_filetime(s.LogonTime), from_filetime(s.CurrentTime),
    )  # fmt: skip


def _decode_station_ex(info: _raw.WTSINFOEXW) -> StationInfoEx:
    if info.Level != 1:
        raise errors.wts_error(
            ERROR_INVALID_DATA,
            "WTSQuerySessionInformationW",
            message=f"WTSINFOEXW level {info.Level} is not 1",
        )
    s = info.Data.WTSInfoExLevel1
    return StationInfoEx(
        s.SessionId, ConnectState(s.SessionState), s.SessionFlags, _text(s.WinStationName),
        _text(s.UserName), _text(s.DomainName), from_filetime(s.LogonTime),
        from_filetime(s.ConnectTime), from_filetime(s.DisconnectTime),
        from_filetime(s.LastInputTime),
        from_filetime(s.CurrentTime), s.IncomingBytes, s.OutgoingBytes, s.IncomingFrames,
        s.OutgoingFrames, s.IncomingCompressedBytes, s.OutgoingCompressedBytes,
    )  # fmt: skip


def _decode_client(c: _raw.WTSCLIENTW) -> ClientInfo:
    return ClientInfo(
        _text(c.ClientName), _text(c.Domain), _text(c.UserName), _text(c.WorkDirectory),
        _text(c.InitialProgram), c.EncryptionLevel, c.ClientAddressFamily,
        _client_info_address(c.ClientAddressFamily, bytes(c.ClientAddress)),
        c.HRes, c.VRes, c.ColorDepth, _text(c.ClientDirectory), c.ClientBuildNumber,
        c.ClientHardwareId, c.ClientProductId, c.OutBufCountHost, c.OutBufCountClient,
        c.OutBufLength, _text(c.DeviceId),
    )  # fmt: skip


def _decode_config(c: Any) -> ConfigInfo:
    return ConfigInfo(
        bool(c.fDisablePrinterRedirection), bool(c.fDisableDefaultMainClientPrinter),
        c.ShadowSettings, _text(c.LogonUserName), _text(c.LogonDomain),
        _text(c.WorkDirectory), _text(c.InitialProgram),
    )  # fmt: skip


# info class -> (structure, decoder) for the fixed-size shapes.
_STRUCTS: dict[int, tuple[type[ctypes.Structure], Any]] = {
    InfoClass.CLIENT_ADDRESS: (
        _raw.WTS_CLIENT_ADDRESS,
        lambda a: _address(a.AddressFamily, bytes(a.Address)),
    ),
    InfoClass.CLIENT_DISPLAY: (
        _raw.WTS_CLIENT_DISPLAY,
        lambda d: ClientDisplay(d.HorizontalResolution, d.VerticalResolution, d.ColorDepth),
    ),
    InfoClass.SESSION_ADDRESS_V4: (
        _raw.WTS_SESSION_ADDRESS,
        lambda a: _address(a.AddressFamily, bytes(a.Address)),
    ),
    InfoClass.CLIENT_INFO: (_raw.WTSCLIENTW, _decode_client),
    InfoClass.CONFIG_INFO: (_raw.WTSCONFIGINFOW, _decode_config),
    InfoClass.SESSION_INFO: (_raw.WTSINFOW, _decode_station),
    InfoClass.SESSION_INFO_EX: (_raw.WTSINFOEXW, _decode_station_ex),
}


def _decode(info_class: InfoClass, address: int, size: int) -> Any:
    def need(n: int) -> None:
        if size < n:
            raise errors.wts_error(
                ERROR_INVALID_DATA,
                "WTSQuerySessionInformationW",
                message=f"{info_class.name}: {size} bytes returned, {n} expected",
            )

    def too_long(n: int) -> None:
        # More than the structure: a lie about the buffer, and reading it (as bytes) would
        # return whatever follows on the heap.
        if size > n:
            raise errors.wts_error(
                ERROR_INVALID_DATA,
                "WTSQuerySessionInformationW",
                message=f"{info_class.name}: {size} bytes returned, the structure has {n}",
            )

    if info_class in _STRING_CLASSES:
        if size > _MAX_STRING_BYTES:
            raise errors.wts_error(
                ERROR_INVALID_DATA,
                "WTSQuerySessionInformationW",
                message=(
                    f"{info_class.name}: {size} bytes returned, more than any string"
                    f" ({_MAX_STRING_BYTES})"
                ),
            )
        try:  # up to the first NUL and never past the size
            return wide_text_at(address, size)
        except UnicodeDecodeError:  # (Linux only: a 32-bit unit above U+10FFFF)
            raise errors.wts_error(
                ERROR_INVALID_DATA,
                "WTSQuerySessionInformationW",
                message=f"{info_class.name}: a string with no valid characters",
            ) from None
    if info_class in _ULONG_CLASSES:
        need(4)
        return DWORD.from_address(address).value
    if info_class == InfoClass.CONNECT_STATE:
        need(4)
        return ConnectState(ctypes.c_int32.from_address(address).value)
    if info_class == InfoClass.CLIENT_PRODUCT_ID:
        need(2)
        return ctypes.c_uint16.from_address(address).value
    if info_class == InfoClass.CLIENT_PROTOCOL_TYPE:
        need(2)
        return ProtocolType(ctypes.c_uint16.from_address(address).value)
    if info_class == InfoClass.IS_REMOTE_SESSION:
        need(1)
        return ctypes.string_at(address, 1) != b"\0"
    if info_class == InfoClass.VALIDATION_INFO:  # "not supported": never seen succeeding
        too_long(_VALIDATION_INFO_BYTES)
        return ctypes.string_at(address, size)
    structure, decoder = _STRUCTS[info_class]
    need(ctypes.sizeof(structure))
    too_long(ctypes.sizeof(structure))
    return decoder(structure.from_address(address))


_MAX_STRING_BYTES = 65536
"""The most a string class may report: 32,767 UTF-16 characters and the NUL, the longest
string Windows counts (UNICODE_STRING's limit); a larger size is ERROR_INVALID_DATA."""

_VALIDATION_INFO_BYTES = 520 + 16384 + 4 + 20 + 4
"""sizeof(WTS_VALIDATION_INFORMATIONW), Microsoft Learn: ProductInfo (WTS_PRODUCT_INFOW, WCHAR
CompanyName[256] and ProductID[4]), BYTE License[16384] (VALIDATIONINFORMATION_LICENSE_LENGTH),
DWORD LicenseLength, BYTE HardwareID[20] (VALIDATIONINFORMATION_HARDWAREID_LENGTH), DWORD
HardwareIDLength: the bytes returned for VALIDATION_INFO are bounded by it."""


StrClass = Literal[
    InfoClass.INITIAL_PROGRAM, InfoClass.APPLICATION_NAME, InfoClass.WORKING_DIRECTORY,
    InfoClass.OEM_ID, InfoClass.USER_NAME, InfoClass.WIN_STATION_NAME, InfoClass.DOMAIN_NAME,
    InfoClass.CLIENT_NAME, InfoClass.CLIENT_DIRECTORY,
]  # fmt: skip
IntClass = Literal[
    InfoClass.SESSION_ID, InfoClass.CLIENT_BUILD_NUMBER, InfoClass.CLIENT_HARDWARE_ID,
    InfoClass.CLIENT_PRODUCT_ID,
]  # fmt: skip
AddressClass = Literal[InfoClass.CLIENT_ADDRESS, InfoClass.SESSION_ADDRESS_V4]
BytesClass = Literal[InfoClass.VALIDATION_INFO]


@overload
def query_session_information(
    session_id: int, info_class: StrClass, server: ServerArg = ...
) -> str: ...
@overload
def query_session_information(
    session_id: int, info_class: IntClass, server: ServerArg = ...
) -> int: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CONNECT_STATE], server: ServerArg = ...
) -> ConnectState: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_PROTOCOL_TYPE], server: ServerArg = ...
) -> ProtocolType: ...
@overload
def query_session_information(
    session_id: int, info_class: AddressClass, server: ServerArg = ...
) -> ClientAddress: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_DISPLAY], server: ServerArg = ...
) -> ClientDisplay: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CLIENT_INFO], server: ServerArg = ...
) -> ClientInfo: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.CONFIG_INFO], server: ServerArg = ...
) -> ConfigInfo: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.SESSION_INFO], server: ServerArg = ...
) -> StationInfo: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.SESSION_INFO_EX], server: ServerArg = ...
) -> StationInfoEx: ...
@overload
def query_session_information(
    session_id: int, info_class: Literal[InfoClass.IS_REMOTE_SESSION], server: ServerArg = ...
) -> bool: ...
@overload
def query_session_information(
    session_id: int, info_class: BytesClass, server: ServerArg = ...
) -> bytes: ...
@overload
def query_session_information(
    session_id: int, info_class: Union[InfoClass, int], server: ServerArg = ...
) -> Any: ...
def query_session_information(
    session_id: int, info_class: Union[InfoClass, int], server: ServerArg = None
) -> Any:
    """One fact about a session (``WTSQuerySessionInformationW``), decoded by class.

    str for names and paths, int for ids and numbers, :class:`ConnectState`,
    :class:`ProtocolType`, :class:`ClientAddress`, :class:`ClientDisplay`,
    :class:`ClientInfo`, :class:`ConfigInfo`, :class:`StationInfo`, :class:`StationInfoEx`,
    bool for ``IS_REMOTE_SESSION`` (only on the local server, as Microsoft documents).
    ``IDLE_TIME`` ... ``OUTGOING_FRAMES`` are not supported by Windows ("This value
    returns FALSE"); they raise :class:`~winsession.errors.UnsupportedPlatformError`
    pointing at ``SESSION_INFO``; so do ``VALIDATION_INFO`` ("not supported") and
    ``SESSION_ADDRESS_V4`` for a session without a virtual IP address.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> wts.query_session_information(2, wts.InfoClass.CLIENT_ADDRESS)
    ClientAddress(family=2, address=IPv4Address('10.0.0.5'), raw=...)
    >>> wts.query_session_information(wts.CURRENT_SESSION, wts.InfoClass.USER_NAME)
    'alice'
    >>> wts.query_session_information(2, wts.InfoClass.IDLE_TIME)
    Traceback (most recent call last):
    winsession.errors.WtsUnsupportedPlatformError: WTSQuerySessionInformationW does not support
    IDLE_TIME (ERROR_NOT_SUPPORTED); Windows gives these facts through InfoClass.SESSION_INFO ...
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    if isinstance(info_class, bool) or not isinstance(info_class, int):
        raise TypeError(f"info_class must be a wts.InfoClass, not {type(info_class).__name__}")
    try:
        cls = InfoClass(info_class)
    except ValueError:
        raise ValueError(f"info_class {info_class} is not a WTS_INFO_CLASS value") from None
    with Using(server, sid) as handle:
        try:
            return _query(handle, sid, cls)
        except errors.UnsupportedPlatformError as err:
            if cls not in _UNSUPPORTED_CLASSES:
                raise
            raise errors.wts_error(
                err.winerror,
                err.function,
                session_id=sid,
                message=(
                    f"WTSQuerySessionInformationW does not support {cls.name}"
                    f" ({err.symbol}); Windows gives these facts through"
                    " InfoClass.SESSION_INFO (see session_details())"
                ),
            ) from err


def _query(handle: Optional[int], session_id: int, info_class: InfoClass) -> Any:
    """One ``WTSQuerySessionInformationW`` on an open handle, arguments already checked:
    call, decode into Python objects, free the buffer on every path."""
    buf = ctypes.c_wchar_p()
    size = DWORD(0)
    free = _raw.WTSFreeMemory.bind()  # called straight from finally (see _sessions._FREE_NOTE)
    try:
        _raw.WTSQuerySessionInformationW(
            handle, session_id, info_class, ctypes.byref(buf), ctypes.byref(size)
        )
        address = ctypes.cast(buf, ctypes.c_void_p).value
        if not address:
            raise errors.wts_error(
                ERROR_INVALID_DATA, "WTSQuerySessionInformationW", message="no buffer returned"
            )
        return _decode(info_class, address, size.value)
    finally:
        if buf:
            free(buf)


def _optional(handle: Optional[int], session_id: int, info_class: InfoClass) -> Any:
    """:func:`_query`, or ``None`` where this Windows does not offer ``info_class``."""
    try:
        return _query(handle, session_id, info_class)
    except errors.UnsupportedPlatformError:
        return None


def session_details(session_id: int, server: ServerArg = None) -> SessionDetails:
    """A session's user, station, state, client and times in one object.

    Gathered on one server handle from ``SESSION_INFO_EX`` (``SESSION_INFO`` where Windows
    has no Ex class; ``locked`` is then ``None``), the protocol type and ``CLIENT_INFO``:
    three queries, each buffer freed at once (six DLL calls).
    A session without a client gives ``None`` for the client's address, protocol and display.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> bob = wts.session_details(3)
    >>> bob.user_name, bob.client_name, bob.state, bob.locked
    ('bob', 'BOB-LAPTOP', <ConnectState.DISCONNECTED: 4>, True)
    >>> print(bob.disconnect_time, bob.idle_time)       # idle since the disconnection
    2024-05-06 09:30:00+00:00 1:55:00
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    use = Using(server, sid)
    with use as handle:
        station: Union[StationInfoEx, StationInfo, None] = _optional(
            handle, sid, InfoClass.SESSION_INFO_EX
        )
        if station is None:
            station = _query(handle, sid, InfoClass.SESSION_INFO)
        protocol: Optional[ProtocolType] = _optional(handle, sid, InfoClass.CLIENT_PROTOCOL_TYPE)
        client: ClientInfo = _query(handle, sid, InfoClass.CLIENT_INFO)
    # WTSCLIENTW holds what CLIENT_NAME, CLIENT_ADDRESS, CLIENT_BUILD_NUMBER and
    # CLIENT_DISPLAY give one by one (its ColorDepth uses WTS_CLIENT_DISPLAY's codes).
    display = ClientDisplay(
        client.horizontal_resolution, client.vertical_resolution, client.color_depth
    )
    return SessionDetails(
        server=use.server.name,
        session_id=station.session_id,
        user_name=station.user_name,
        domain_name=station.domain_name,
        win_station_name=station.win_station_name,
        state=station.state,
        client_name=client.client_name,
        client_address=_client_or_none(client.client_address),
        client_protocol=protocol,
        client_build_number=client.client_build_number,
        client_display=_client_or_none(display),
        connect_time=station.connect_time,
        disconnect_time=station.disconnect_time,
        last_input_time=station.last_input_time,
        logon_time=station.logon_time,
        current_time=station.current_time,
        incoming_bytes=station.incoming_bytes,
        outgoing_bytes=station.outgoing_bytes,
        incoming_frames=station.incoming_frames,
        outgoing_frames=station.outgoing_frames,
        locked=station.locked if isinstance(station, StationInfoEx) else None,
    )


def _client_or_none(value: Any) -> Any:
    """``None`` for what a session without a client reports: an AF_UNSPEC address, an all-zero
    display."""
    if isinstance(value, ClientAddress) and value.family == AF_UNSPEC:
        return None
    if value == ClientDisplay(0, 0, 0):
        return None
    return value
