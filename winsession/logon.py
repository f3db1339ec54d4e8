"""LSA logon sessions: every logon Windows keeps on this computer -- interactive, network,
service, batch, cached, remote-interactive -- with who, how and since when.

>>> from winsession import logon, testing
>>> sim = testing.demo_simulator().start()      # off Windows: the demo table
>>> for s in logon.enum_logon_sessions():
...     print(hex(s.logon_id), s.logon_type.windows_name, s.user_name)
0x3e7 Service SIMULATED$
0x3e4 Service SIMULATED$
0x3e5 Service LOCAL SERVICE
0x3f1 Interactive DWM-1
0x3f2 Interactive UMFD-1
0x2a0f1 Interactive Administrator
0x3b9c2 RemoteInteractive alice
0x4c1d0 Network carol
0x4e2a1 Network alice
0x4f3b7 Network bob
0x4d3e8 Batch svc-backup
0x51a77 CachedRemoteInteractive bob
>>> sim.stop()

The examples in this module show what :func:`winsession.testing.demo_simulator` gives (the
logon sessions behind its Remote Desktop and SMB sessions, and the system's own); each starts
it where you see it, so it runs as shown on any OS (on Windows, leave that line out).

How it works, and what it guarantees:

- ``LsaEnumerateLogonSessions`` gives the logon ids (LUIDs); their list is copied and freed
  at once. Each id is then read with ``LsaGetLogonSessionData``, decoded and its buffer freed
  -- before the record is yielded, so no API buffer is ever held across a ``yield``: stopping
  early, an exception or Ctrl-C cannot leak one (both are freed with ``LsaFreeReturnBuffer``
  in ``finally``).
- A logon session that ends between the two calls (``STATUS_NO_SUCH_LOGON_SESSION``) is
  skipped and counted in :attr:`LogonSessions.vanished`. One the caller may not read
  (``STATUS_ACCESS_DENIED``: another user's logon, not elevated) is skipped and counted in
  :attr:`LogonSessions.skipped`, or raised with ``skip_denied=False``.
- A failing ``NTSTATUS`` becomes an exception through advapi32's ``LsaNtStatusToWinError``:
  a :class:`~winsession.errors.LsaError` with ``.winerror``, ``.function`` and the status
  kept as ``.ntstatus``.
- The structure's ``Size`` decides which members exist: before Windows Vista it ended after
  ``Upn``, and the later members (``user_flags`` to ``password_must_change``) are ``None``.
- Nothing the LSA returns is trusted blindly; what cannot be right is
  ``ERROR_INVALID_DATA``. LSA buffers have no size query (``NetApiBufferSize`` has no
  ``LsaFreeReturnBuffer`` counterpart), so what can be checked is checked: a ``Size`` below
  the first version of the structure or above :data:`MAX_DATA_SIZE` (only the members this
  module knows are read, however large a later Windows makes it); a ``UNICODE_STRING`` whose
  ``Length`` is odd, exceeds its ``MaximumLength`` or has a NULL ``Buffer``; a SID whose
  revision is not 1 or that claims more than 15 sub-authorities; more than
  :data:`MAX_LOGON_SESSIONS` ids, or a count with no list. A pointer into memory the LSA did
  not hand out cannot be detected from here.
- ``UNICODE_STRING``\\ s are read by their byte ``Length`` (they need not end in a NUL) and
  decoded as UTF-16 on every OS, so a character beyond the BMP is one character.
"""

from __future__ import annotations

import array
import codecs
import ctypes
import dataclasses
import datetime
import enum
import gc
import struct as struct_module
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from functools import reduce
from itertools import compress, repeat
from operator import add, and_, gt, itemgetter, lshift, not_, or_, rshift, sub
from typing import Any, Optional, Union

from . import errors
from ._record import Record, record
from ._records import (
    FILETIME_EPOCH,
    GC_PAUSE_MIN,
    SID_MAX_SUB_AUTHORITIES,
    SID_REVISION,
    Memo,
    from_filetime,
    sid_authority_text,
    sid_text_at,
)
from .raw import advapi32 as _advapi32
from .raw import secur32 as _raw

__all__ = [
    "MAX_DATA_SIZE",
    "MAX_LOGON_SESSIONS",
    "LogonSession",
    "LogonSessions",
    "LogonType",
    "enum_logon_sessions",
    "get_logon_session",
]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


MAX_LOGON_SESSIONS = 1 << 20
"""More logon ids than this from ``LsaEnumerateLogonSessions`` is a bad answer."""
MAX_DATA_SIZE = 4096
"""A ``SECURITY_LOGON_SESSION_DATA.Size`` above this is a bad answer (the structure is 272
bytes on 64-bit Windows 11; a later Windows may add members, which are not read)."""

_ERROR_INVALID_DATA = 13
_U64 = (1 << 64) - 1


class LogonType(enum.IntEnum):
    """How the logon was made (``SECURITY_LOGON_TYPE``); :attr:`windows_name` is Microsoft's
    name (``"RemoteInteractive"``), as ``logonsessions`` and the event log show it.

    >>> from winsession.logon import LogonType
    >>> LogonType(10), LogonType(10).windows_name
    (<LogonType.REMOTE_INTERACTIVE: 10>, 'RemoteInteractive')
    >>> LogonType(99)                   # a value this module does not know stays readable
    <LogonType.UNKNOWN: 99>
    """

    UNDEFINED = _raw.UndefinedLogonType
    INTERACTIVE = _raw.Interactive
    NETWORK = _raw.Network
    BATCH = _raw.Batch
    SERVICE = _raw.Service
    PROXY = _raw.Proxy
    UNLOCK = _raw.Unlock
    NETWORK_CLEARTEXT = _raw.NetworkCleartext
    NEW_CREDENTIALS = _raw.NewCredentials
    REMOTE_INTERACTIVE = _raw.RemoteInteractive
    CACHED_INTERACTIVE = _raw.CachedInteractive
    CACHED_REMOTE_INTERACTIVE = _raw.CachedRemoteInteractive
    CACHED_UNLOCK = _raw.CachedUnlock

    @classmethod
    def _missing_(cls, value: object) -> Optional[LogonType]:
        # A future or hostile value: a pseudo-member named UNKNOWN rather than an exception
        # halfway through an enumeration.
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def windows_name(self) -> str:
        """Microsoft's name of the value (``SECURITY_LOGON_TYPE``), e.g. ``"Interactive"``.

        >>> from winsession.logon import LogonType
        >>> [t.windows_name for t in (LogonType.SERVICE, LogonType.CACHED_INTERACTIVE)]
        ['Service', 'CachedInteractive']
        """
        return _WINDOWS_NAMES.get(int(self), str(int(self)))


_WINDOWS_NAMES = {
    0: "UndefinedLogonType", 2: "Interactive", 3: "Network", 4: "Batch", 5: "Service",
    6: "Proxy", 7: "Unlock", 8: "NetworkCleartext", 9: "NewCredentials",
    10: "RemoteInteractive", 11: "CachedInteractive", 12: "CachedRemoteInteractive",
    13: "CachedUnlock",
}  # fmt: skip


@record
class LogonSession(Record):
    """One LSA logon session (``SECURITY_LOGON_SESSION_DATA``).

    Times are aware UTC datetimes, ``None`` for 0 or "never". The members from
    :attr:`user_flags` on are ``None`` when the structure's ``Size`` says they are absent
    (Windows before Vista): :attr:`user_flags` ``None`` tells that apart from "never".

    >>> from winsession import logon, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> s = logon.get_logon_session(0x3B9C2)
    >>> s.user_name, s.logon_domain, s.logon_type, s.session_id
    ('alice', 'CONTOSO', <LogonType.REMOTE_INTERACTIVE: 10>, 2)
    >>> s.authentication_package, s.sid, str(s.logon_time)
    ('Kerberos', 'S-1-5-21-1004336348-1177238915-682003330-1001', '2024-05-06 08:30:00+00:00')
    >>> s.upn, s.home_directory_drive, s.failed_attempt_count
    ('alice@contoso.com', 'H:', 0)
    >>> sim.stop()
    """

    __slots__ = (
        "authentication_package", "dns_domain_name", "failed_attempt_count",
        "home_directory", "home_directory_drive", "kick_off_time", "last_failed_logon",
        "last_successful_logon", "logoff_time", "logon_domain", "logon_id", "logon_script",
        "logon_server", "logon_time", "logon_type", "password_can_change",
        "password_last_set", "password_must_change", "profile_path", "session_id", "sid",
        "upn", "user_flags", "user_name",
    )  # fmt: skip
    logon_id: int
    """The logon session's LUID as one unsigned 64-bit int (Windows shows it in hex)."""
    user_name: str
    """The account name (``UserName``)."""
    logon_domain: str
    """The domain that authenticated the account, or the computer's name for a local one."""
    authentication_package: str
    """The package that authenticated the logon: ``Kerberos``, ``NTLM``, ``Negotiate``..."""
    logon_type: LogonType
    """How the logon was made."""
    session_id: int
    """The Terminal Services (Remote Desktop) session it belongs to."""
    sid: Optional[str]
    """The account's SID in string form (``S-1-5-18``), ``None`` when the LSA gives none."""
    logon_time: Optional[datetime.datetime]
    """When the logon session was created."""
    logon_server: str
    """The server that authenticated the logon (empty for a local one)."""
    dns_domain_name: str
    """The DNS name of the logon domain."""
    upn: str
    """The user principal name (``alice@contoso.com``), when known."""
    user_flags: Optional[int]
    """``UserFlags`` (the ``LOGON_*`` flags of the logon), or ``None``: not reported."""
    last_successful_logon: Optional[datetime.datetime]
    """The account's last successful interactive logon before this one."""
    last_failed_logon: Optional[datetime.datetime]
    """The account's last failed interactive logon attempt."""
    failed_attempt_count: Optional[int]
    """Failed interactive logon attempts since the last successful one."""
    logon_script: Optional[str]
    """The logon script's path."""
    profile_path: Optional[str]
    """The roaming profile's path."""
    home_directory: Optional[str]
    """The home directory."""
    home_directory_drive: Optional[str]
    """The drive letter the home directory is mapped to (``H:``)."""
    logoff_time: Optional[datetime.datetime]
    """When the user must log off."""
    kick_off_time: Optional[datetime.datetime]
    """When the system logs the user off."""
    password_last_set: Optional[datetime.datetime]
    """When the password was last set."""
    password_can_change: Optional[datetime.datetime]
    """From when the password may be changed."""
    password_must_change: Optional[datetime.datetime]
    """When the password must be changed."""

    def __repr__(self) -> str:
        # The id in hex, as Windows shows LUIDs (0x3e7); everything else as records show it.
        text = super().__repr__()
        return text.replace(f"logon_id={self.logon_id}", f"logon_id={self.logon_id:#x}", 1)


# --- decoding ------------------------------------------------------------------------------

_DATA = _raw.SECURITY_LOGON_SESSION_DATA
_V1_SIZE = _raw.SECURITY_LOGON_SESSION_DATA_V1_SIZE
_BUFFER_OFFSET = _raw.UNICODE_STRING.Buffer.offset


def _invalid(function: str, why: str) -> errors.WinSessionError:
    """The error for an answer no correct LSA gives (ERROR_INVALID_DATA)."""
    return errors.lsa_error(
        0, _ERROR_INVALID_DATA, function, message=f"{function} {why} (ERROR_INVALID_DATA)"
    )


def _lsa_failure(status: int, function: str) -> errors.WinSessionError:
    """The exception for a failing NTSTATUS: LsaNtStatusToWinError gives the Win32 code."""
    return errors.lsa_error(status, int(_advapi32.LsaNtStatusToWinError(status)), function)


def decode_unicode_string(value: _raw.UNICODE_STRING, what: str, function: str) -> str:
    """The text of a ``UNICODE_STRING``, read by its byte ``Length`` as UTF-16LE.

    ``Length`` must be even and at most ``MaximumLength`` (both are USHORTs, so at most
    64 KiB is ever read), and a non-empty string needs a ``Buffer``. Lone surrogates are kept
    (``surrogatepass``), as Windows names may hold them; escaping is for whoever displays it.

    >>> import ctypes
    >>> from winsession.logon import decode_unicode_string
    >>> from winsession.raw.secur32 import UNICODE_STRING
    >>> text = ctypes.create_string_buffer("bob\\U0001F600!".encode("utf-16-le"))
    >>> u = UNICODE_STRING(12, 14, ctypes.cast(text, ctypes.c_wchar_p))
    >>> s = decode_unicode_string(u, "UserName", "LsaGetLogonSessionData")
    >>> s, len(s)
    ('bob😀!', 5)
    >>> decode_unicode_string(UNICODE_STRING(3, 4, None), "UserName", "LsaGetLogonSessionData")
    Traceback (most recent call last):
    ...
    winsession.errors.LsaError: LsaGetLogonSessionData returned UserName with an odd Length
    (3) (ERROR_INVALID_DATA)
    """
    address = ctypes.c_void_p.from_buffer(value, _BUFFER_OFFSET).value
    return _counted(value.Length, value.MaximumLength, address, what, function)


def _counted(length: int, maximum: int, address: Optional[int], what: str, function: str) -> str:
    """The rules of :func:`decode_unicode_string`, on the three members' values."""
    if not length:
        return ""
    if length % 2:
        raise _invalid(function, f"returned {what} with an odd Length ({length})")
    if length > maximum:
        raise _invalid(
            function, f"returned {what} with Length {length} beyond MaximumLength {maximum}"
        )
    if not address:
        raise _invalid(function, f"returned {what} with Length {length} and no Buffer")
    return ctypes.string_at(address, length).decode("utf-16-le", "surrogatepass")


def _sid_text(address: Optional[int], function: str) -> Optional[str]:
    """A SID's string form (what ``ConvertSidToStringSidW`` gives), read with its bounds
    (:func:`~winsession._records.sid_text_at`)."""
    if not address:
        return None
    try:
        return sid_text_at(address)
    except ValueError as bad:
        revision, count = bad.args
        raise _invalid(
            function, f"returned a SID of revision {revision} with {count} parts"
        ) from None


def _flat_layout(struct: Any, base: int = 0, prefix: str = "") -> list[tuple[int, str, str]]:
    """(offset, struct-module code, dotted name) of every scalar member, nested ones too."""
    out = []
    for name, ctype in struct._fields_:
        offset = base + getattr(struct, name).offset
        if issubclass(ctype, ctypes.Structure):
            out += _flat_layout(ctype, offset, f"{prefix}{name}.")
        else:
            code = "P" if ctype._type_ in ("Z", "P") else ctype._type_
            out.append((offset, code, prefix + name))
    return out


def _struct_of(layout: list[tuple[int, str, str]], size: int) -> struct_module.Struct:
    # Native codes with explicit padding to each ctypes offset: the same bytes as the
    # Structure on every platform, unpacked in one C call instead of ~40 attribute reads.
    fmt, at = "@", 0
    for offset, code, _ in layout:
        fmt += "x" * (offset - at) + code
        at = offset + struct_module.calcsize("@" + code)
    fmt += "x" * (size - at)
    packed = struct_module.Struct(fmt)
    assert packed.size == size
    return packed


_LAYOUT = _flat_layout(_DATA)
_UNPACK = _struct_of(_LAYOUT, ctypes.sizeof(_DATA))
_AT = {name: i for i, (_, _, name) in enumerate(_LAYOUT)}
_END = {name: offset + struct_module.calcsize("@" + code) for offset, code, name in _LAYOUT}
# Each UNICODE_STRING member: its name and where its Length, MaximumLength and Buffer are.
_STRING_AT = {
    field[0]: tuple(_AT[f"{field[0]}.{part}"] for part in ("Length", "MaximumLength", "Buffer"))
    for field in _DATA._fields_
    if field[1] is _raw.UNICODE_STRING
}


def _text(values: tuple[Any, ...], name: str, function: str) -> str:
    """The ``UNICODE_STRING`` member ``name`` of the unpacked structure ``values``."""
    i_length, i_maximum, i_buffer = _STRING_AT[name]
    return _counted(values[i_length], values[i_maximum], values[i_buffer], name, function)


def _decode(address: int, function: str) -> LogonSession:
    """Copy the ``SECURITY_LOGON_SESSION_DATA`` at ``address`` into a record (the buffer is
    still the LSA's: the caller frees it afterwards). Only as many bytes as ``Size`` says,
    and no more than this module's structure, are read."""
    size = ctypes.c_uint32.from_address(address).value
    if size < _V1_SIZE or size > MAX_DATA_SIZE:
        raise _invalid(
            function,
            f"returned a SECURITY_LOGON_SESSION_DATA of Size {size} (expected {_V1_SIZE} to"
            f" {MAX_DATA_SIZE} bytes)",
        )
    full = _UNPACK.size
    raw = ctypes.string_at(address, min(size, full))
    if size < full:
        raw += bytes(full - size)  # members beyond Size read as 0, and are reported as None
    v = _UNPACK.unpack(raw)
    at = _AT

    def has(name: str) -> bool:  # a member from UserFlags on exists if Size reaches its end
        return size >= _END[name]

    def when(name: str) -> Optional[datetime.datetime]:
        return from_filetime(v[at[name]]) if has(name) else None

    def text_if(name: str) -> Optional[str]:
        return _text(v, name, function) if has(f"{name}.Buffer") else None

    last = "LastLogonInfo."
    return LogonSession(
        ((v[at["LogonId.HighPart"]] & 0xFFFFFFFF) << 32) | v[at["LogonId.LowPart"]],
        _text(v, "UserName", function),
        _text(v, "LogonDomain", function),
        _text(v, "AuthenticationPackage", function),
        LogonType(v[at["LogonType"]]),
        v[at["Session"]],
        _sid_text(v[at["Sid"]], function),
        from_filetime(v[at["LogonTime"]]),
        _text(v, "LogonServer", function),
        _text(v, "DnsDomainName", function),
        _text(v, "Upn", function),
        v[at["UserFlags"]] if has("UserFlags") else None,
        when(last + "LastSuccessfulLogon"),
        when(last + "LastFailedLogon"),
        v[at[last + "FailedAttemptCountSinceLastSuccessfulLogon"]]
        if has(last + "FailedAttemptCountSinceLastSuccessfulLogon") else None,
        text_if("LogonScript"),
        text_if("ProfilePath"),
        text_if("HomeDirectory"),
        text_if("HomeDirectoryDrive"),
        when("LogoffTime"),
        when("KickOffTime"),
        when("PasswordLastSet"),
        when("PasswordCanChange"),
        when("PasswordMustChange"),
    )  # fmt: skip


# --- decoding many, fast ------------------------------------------------------------------
#
# Enumerating is one LsaGetLogonSessionData call per logon session, and 10,000 of them are
# ordinary on a busy server. Per session, only the call and the free run as Python bytecode;
# the answers of a batch are decoded together while their buffers are held (freed before
# anything is yielded), each member as one column converted in C (map over a memoryview of
# the buffers, struct's unpack_from, codecs' UTF-16 decoder), as column_decoder does for the
# netapi32 arrays. The columns get the checks _decode makes one by one; a batch in which
# any fails, or whose Size is not the whole structure, is decoded one by one by _decode, which
# raises the same errors as before in the same order.

_FULL = _UNPACK.size
_BATCH = 4096
"""Logon ids queried before their records are handed out (their buffers held meanwhile)."""
_SIZE = struct_module.Struct("@I")
_UTF16 = codecs.utf_16_le_decode
_M32 = 0xFFFFFFFF
_US_MAX = (datetime.datetime.max.replace(tzinfo=datetime.timezone.utc) - FILETIME_EPOCH) // (
    datetime.timedelta(microseconds=1)
)
_TICKS_LIMIT = (_US_MAX + 1) * 10
"""FILETIME ticks from here on are past datetime.max: from_filetime gives None for them."""
_TIME_MEMBERS = ("LogonTime", "LastLogonInfo.LastSuccessfulLogon",
                 "LastLogonInfo.LastFailedLogon", "LogoffTime", "KickOffTime",
                 "PasswordLastSet", "PasswordCanChange", "PasswordMustChange")  # fmt: skip
_TYPES: Memo[LogonType] = Memo(LogonType, range(14))
_WINDOWS: dict[int, Any] = {}
_SID_LAST = struct_module.Struct("<I")
_SLOTS = [getattr(LogonSession, name).__set__ for name in LogonSession.__slots__]
_drain: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator in C


def _window(low: int, high: int) -> Optional[memoryview]:
    """The process's memory from ``low`` to (at least) ``high``, as a memoryview: nothing is
    read until a slice of it is. The ctypes array types are a power of two long, so at most
    one per bit length is ever made (ctypes keeps every array type it makes)."""
    span = max(high - low, 1)
    if low <= 0 or span.bit_length() >= ctypes.sizeof(ctypes.c_void_p) * 8 - 2:
        return None
    length = 1 << span.bit_length()
    kind = _WINDOWS.get(length)
    if kind is None:
        kind = _WINDOWS.setdefault(length, ctypes.c_char * length)
    return memoryview(kind.from_address(low)).cast("B")


_WIDE_IS_UTF16 = ctypes.sizeof(ctypes.c_wchar) == 2
_WIDE_WINDOWS: dict[int, Any] = {}


def _wide_window(low: int, high: int) -> Any:
    """The UTF-16 code units from ``low`` (even) to (at least) ``high`` as a c_wchar array
    (where wchar_t is two bytes): nothing is read until a slice of it is. Power-of-two
    lengths, as :func:`_window`'s."""
    span = max((high - low) // 2, 1)
    length = 1 << span.bit_length()
    kind = _WIDE_WINDOWS.get(length)
    if kind is None:
        kind = _WIDE_WINDOWS.setdefault(length, ctypes.c_wchar * length)
    return kind.from_address(low)


def _times(column: tuple[int, ...]) -> list[Optional[datetime.datetime]]:
    """from_filetime over a column, in C: a column of one value converted once; by a table
    when few values repeat (0, "never", the times a policy sets alike); else all at once
    when every value is set."""
    if column.count(column[0]) == len(column):  # one value (0, "never", a policy's): common
        return [from_filetime(column[0])] * len(column)
    distinct = set(column)
    if len(distinct) * 4 <= len(column):
        table = {ticks: from_filetime(ticks) for ticks in distinct}
        return list(map(table.__getitem__, column))
    if min(distinct) > 0 and max(distinct) < _TICKS_LIMIT:
        us = map(int.__floordiv__, column, repeat(10))
        return list(map(add, repeat(FILETIME_EPOCH), map(datetime.timedelta, repeat(0),
                                                         repeat(0), us)))  # fmt: skip
    return list(map(from_filetime, column))


def _sids(column: tuple[int, ...]) -> Optional[list[Optional[str]]]:
    """The SIDs at the addresses of ``column`` (0: none) as text, grouped by their number of
    sub-authorities so that each group converts in C; None if one is not a SID (revision 1,
    at most 15 sub-authorities): _sid_text then says which."""
    present = list(filter(None, column))
    out: list[Optional[str]] = [None] * len(column)
    if not present:
        return out
    low = min(present)
    view = _window(low, max(present) + 8 + 4 * SID_MAX_SUB_AUTHORITIES)
    if view is None:
        return None
    at = list(map(sub, present, repeat(low)))
    revisions = list(map(view.__getitem__, at))
    counts = list(map(view.__getitem__, map(add, at, repeat(1))))
    if (
        min(revisions) != SID_REVISION
        or max(revisions) != SID_REVISION
        or max(counts) > SID_MAX_SUB_AUTHORITIES
    ):
        return None
    domains = _Domains()
    if min(counts) == max(counts) and len(present) == len(column):  # one shape, no NULL
        return _sid_texts(view, at, counts[0], domains)
    places = [i for i, address in enumerate(column) if address]
    groups: dict[int, list[int]] = {}
    for i, count in enumerate(counts):
        groups.setdefault(count, []).append(i)
    for count, members in groups.items():
        texts = _sid_texts(view, [at[i] for i in members], count, domains)
        _drain(map(out.__setitem__, [places[i] for i in members], texts))
    return out


def _sid_texts(view: memoryview, starts: list[int], count: int,
               domains: _Domains) -> list[Optional[str]]:  # fmt: skip
    """The text of the SIDs of ``count`` sub-authorities at ``starts`` in ``view``: the text
    of all but the last sub-authority once per distinct domain (the logons of one domain
    share it; the raw bytes are the key), then "-<last>" for each SID."""
    if not count:
        keys = map(view.__getitem__, map(slice, map(add, starts, repeat(2)),
                                         map(add, starts, repeat(8))))  # fmt: skip
        return list(map(domains.__getitem__, map(bytes, keys)))
    ends = list(map(add, starts, repeat(4 + 4 * count)))  # where the last one starts
    keys = map(view.__getitem__, map(slice, map(add, starts, repeat(2)), ends))
    last = map(_SID_LAST.unpack_from, repeat(view), ends)
    return list(map(add, map(domains.__getitem__, map(bytes, keys)),
                    map("-%d".__mod__, last)))  # fmt: skip


class _Domains(dict[bytes, str]):
    """A SID's identifier authority (6 bytes) and sub-authorities but the last (4 bytes
    each) -> "S-1-<authority>-<sub>-...", made on first use."""

    def __missing__(self, key: bytes) -> str:
        subs = memoryview(key[6:]).cast("I").tolist() if len(key) > 6 else []
        self[key] = text = "-".join([sid_authority_text(key[:6]), *map(str, subs)])
        return text


def _decode_many(addresses: list[int], function: str) -> Optional[list[LogonSession]]:
    """The records of the SECURITY_LOGON_SESSION_DATA at ``addresses`` (all still the LSA's),
    or None when the batch must be decoded one by one (see above)."""
    n = len(addresses)
    low = min(addresses)
    view = _window(low, max(addresses) + _FULL)
    if view is None:
        return None
    at = list(map(sub, addresses, repeat(low)))
    sizes = list(map(itemgetter(0), map(_SIZE.unpack_from, repeat(view), at)))
    if min(sizes) < _FULL or max(sizes) > MAX_DATA_SIZE:
        return None
    v = list(zip(*map(_UNPACK.unpack_from, repeat(view), at)))
    texts: dict[str, list[str]] = {}
    spans = []
    for name, (i_length, i_maximum, i_buffer) in _STRING_AT.items():
        lengths, buffers = v[i_length], v[i_buffer]
        if not any(lengths):  # all empty: nothing to check (0 is even, within any maximum)
            texts[name] = [""] * n
            continue
        if (reduce(or_, lengths) & 1 or any(map(gt, lengths, v[i_maximum]))
                or (0 in buffers and any(compress(lengths, map(not_, buffers))))):  # fmt: skip
            return None
        spans.append((name, lengths, buffers))
    if spans:
        low = min(min(filter(None, buffers)) for _, _, buffers in spans)
        high = max(max(map(add, buffers, lengths)) for _, lengths, buffers in spans)
        strings = _window(low, high)
        if strings is None:
            return None
        wide = _wide_window(low, high) if _WIDE_IS_UTF16 else None
        for name, lengths, buffers in spans:
            # A NULL Buffer has Length 0: its slice, wherever it starts, is empty.
            if wide is not None and not reduce(or_, buffers, low) & 1:
                # Where wchar_t is UTF-16 (Windows), a slice of a c_wchar array is the str
                # itself (pairs joined, lone surrogates kept, as surrogatepass decodes):
                # measured under Wine, faster than a bytes slice and a decoder call each.
                starts = list(map(rshift, map(sub, buffers, repeat(low)), repeat(1)))
                ends = map(add, starts, map(rshift, lengths, repeat(1)))
                texts[name] = list(map(wide.__getitem__, map(slice, starts, ends)))
                continue
            # One decoder call per string (measured under Wine: faster than joining a
            # column, decoding it once and cutting it).
            starts = list(map(sub, buffers, repeat(low)))
            pieces = map(strings.__getitem__, map(slice, starts, map(add, starts, lengths)))
            texts[name] = list(map(itemgetter(0), map(_UTF16, pieces, repeat("surrogatepass"),
                                                      repeat(True))))  # fmt: skip
    sids = _sids(v[_AT["Sid"]])
    if sids is None:
        return None
    high_part, low_part = v[_AT["LogonId.HighPart"]], v[_AT["LogonId.LowPart"]]
    ids = map(or_, map(lshift, map(and_, high_part, repeat(_M32)), repeat(32)), low_part)
    times = {name: _times(v[_AT[name]]) for name in _TIME_MEMBERS}
    last = "LastLogonInfo."
    columns: list[Iterable[Any]] = [
        ids, texts["UserName"], texts["LogonDomain"], texts["AuthenticationPackage"],
        map(_TYPES.__getitem__, v[_AT["LogonType"]]), v[_AT["Session"]], sids,
        times["LogonTime"], texts["LogonServer"], texts["DnsDomainName"], texts["Upn"],
        v[_AT["UserFlags"]], times[last + "LastSuccessfulLogon"],
        times[last + "LastFailedLogon"],
        v[_AT[last + "FailedAttemptCountSinceLastSuccessfulLogon"]], texts["LogonScript"],
        texts["ProfilePath"], texts["HomeDirectory"], texts["HomeDirectoryDrive"],
        times["LogoffTime"], times["KickOffTime"], times["PasswordLastSet"],
        times["PasswordCanChange"], times["PasswordMustChange"],
    ]  # fmt: skip
    # object.__new__ and each slot filled through its descriptor, as column_decoder does:
    # equal to LogonSession(*values), without the constructor's bytecode per record.
    out = list(map(object.__new__, repeat(LogonSession, n)))
    for set_slot, name in zip(_SLOTS, LogonSession.__slots__):
        _drain(map(set_slot, out, columns[_FIELD_ORDER[name]]))
    return out


_FIELD_ORDER = {spec.name: i for i, spec in enumerate(dataclasses.fields(LogonSession))}


# --- the calls -----------------------------------------------------------------------------


def _logon_ids() -> list[int]:
    """Every logon id ``LsaEnumerateLogonSessions`` lists, its buffer freed before return."""
    function = "LsaEnumerateLogonSessions"
    count = ctypes.c_uint32(0)
    luids = ctypes.POINTER(_raw.LUID)()
    free = _raw.LsaFreeReturnBuffer.bind()  # called straight from finally (net's FREE_NOTE)
    try:
        status = _raw.LsaEnumerateLogonSessions(ctypes.byref(count), ctypes.byref(luids))
        if status < 0:
            raise _lsa_failure(status, function)
        n = count.value
        if not n:
            return []
        if n > MAX_LOGON_SESSIONS:
            limit = MAX_LOGON_SESSIONS
            raise _invalid(function, f"reported {n} logon sessions (more than {limit})")
        address = ctypes.cast(luids, ctypes.c_void_p).value
        if not address:
            raise _invalid(function, f"reported {n} logon sessions but returned no list")
        # A LUID (LowPart, then the signed HighPart) read as one little-endian unsigned
        # 64-bit number is HighPart's 32 bits above LowPart's: the id as one int.
        ids: list[int] = memoryview(ctypes.string_at(address, 8 * n)).cast("Q").tolist()
        return ids
    finally:
        if luids:
            free(luids)


def _query(logon_id: int, function: str = "LsaGetLogonSessionData") -> Any:
    """``(status, record or None)`` for one logon id; the buffer is freed before return."""
    luid = _raw.LUID(logon_id & 0xFFFFFFFF, ((logon_id >> 32) ^ 0x80000000) - 0x80000000)
    data = ctypes.POINTER(_DATA)()
    free = _raw.LsaFreeReturnBuffer.bind()
    try:
        status = _raw.LsaGetLogonSessionData(ctypes.byref(luid), ctypes.byref(data))
        if status < 0:
            return status, None
        address = ctypes.cast(data, ctypes.c_void_p).value
        if not address:
            raise _invalid(function, "returned success without data")
        return status, _decode(address, function)
    finally:
        if data:
            free(data)


_Answer = Union[LogonSession, int, errors.WinSessionError]
"""One logon id's answer in a batch: its record, its failing NTSTATUS, or the error its data
raised when decoded."""


def _query_many(ids: list[int], function: str = "LsaGetLogonSessionData") -> list[_Answer]:
    """:func:`_query` for each of ``ids``; every buffer is freed before return.

    The calls run in C (``map`` over arrays of LUIDs and of out-pointers, all NULL before
    their call), so no bytecode runs between a call and the next: an interrupt lands before
    the first or after the last, and the one C call in ``finally`` frees every buffer the
    array holds (its iterator is made before the first call, so nothing in ``finally`` can
    be interrupted before that call starts)."""
    get = _by_address(_raw.LsaGetLogonSessionData.bind())
    free = _raw.LsaFreeReturnBuffer.bind()
    n = len(ids)
    # Arrays a power of two long: ctypes keeps every array type it makes, so at most one per
    # bit length is ever made. The ids are copied in as 64-bit numbers: a LUID's LowPart,
    # then its HighPart, is the id's low half, then its high half.
    cap = 1 << (n - 1).bit_length()
    luids = (_raw.LUID * cap)()
    ctypes.memmove(luids, array.array("Q", ids).tobytes(), 8 * n)
    outs = (ctypes.POINTER(_DATA) * cap)()
    # The out-pointers as numbers, read when iterated: the release reads what the calls left.
    held_by = memoryview(outs).cast("B").cast("P")[:n]
    release = map(free, filter(None, held_by))
    try:
        # Each call gets its two arguments as addresses into the arrays (ranges counted in
        # C): no LUID or pointer object is made per call.
        luid_at, out_at = ctypes.addressof(luids), ctypes.addressof(outs)
        statuses = list(map(get, range(luid_at, luid_at + 8 * n, 8),
                            range(out_at, out_at + _PTR * n, _PTR)))  # fmt: skip
        addresses = held_by.tolist()
        if min(statuses) >= 0 and 0 not in addresses:  # the common case: all with data
            good, held = list(range(n)), addresses
            answers: list[_Answer] = [0] * n
        else:
            answers = [status if status < 0 else 0 for status in statuses]
            good = [i for i, status in enumerate(statuses) if status >= 0]
            if 0 in (addresses[i] for i in good):  # success without data
                for i in good:
                    if not addresses[i]:
                        answers[i] = _invalid(function, "returned success without data")
                good = [i for i in good if addresses[i]]
            held = [addresses[i] for i in good]
        records = _decode_paused(held, function) if held else []
        if records is not None and len(records) == n:
            return records  # type: ignore[return-value]  # every answer is its record
        if records is None:
            records = []
            for address in held:
                try:
                    records.append(_decode(address, function))
                except errors.WinSessionError as e:
                    records.append(e)  # type: ignore[arg-type]  # raised when reached
        for i, found in zip(good, records):
            answers[i] = found
        return answers
    finally:
        _drain(release)


_PTR = ctypes.sizeof(ctypes.c_void_p)


def _by_address(function: Any) -> Any:
    """The same DLL function (its calling convention and flags) taking both its pointer
    arguments as plain addresses: ctypes then converts an int instead of checking a byref of
    a ctypes object made for each call."""
    by_address = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    by_address.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
    by_address.restype = _raw.NTSTATUS
    return by_address


def _decode_paused(addresses: list[int], function: str) -> Optional[list[LogonSession]]:
    """_decode_many with the cyclic collector paused for a large batch, as column_decoder
    pauses it (nothing made there can be garbage; a collector the caller disabled stays so)."""
    if len(addresses) < GC_PAUSE_MIN or not gc.isenabled():
        return _decode_many(addresses, function)
    try:
        gc.disable()
        return _decode_many(addresses, function)
    finally:
        try:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
        finally:
            gc.enable()


def _logon_id_arg(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"logon_id must be an int, not {type(value).__name__}")
    if not 0 <= value <= _U64:
        raise ValueError(f"logon_id must be a 64-bit LUID (0 to 2**64-1), not {value}")
    return int(value)


def get_logon_session(logon_id: int) -> LogonSession:
    """The logon session ``logon_id`` (``LsaGetLogonSessionData``).

    Raises :class:`~winsession.errors.SessionNotFoundError` (an
    :class:`~winsession.errors.LsaError`) when there is no such logon session, and
    :class:`~winsession.errors.AccessDeniedError` when it is another user's and the caller
    is not elevated.

    >>> from winsession import logon, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> logon.get_logon_session(0x3E7).user_name
    'SIMULATED$'
    >>> logon.get_logon_session(0x12345)
    Traceback (most recent call last):
    ...
    winsession.errors.LsaSessionNotFoundError: LsaGetLogonSessionData failed: NTSTATUS
    0xC000005F, ERROR_NO_SUCH_LOGON_SESSION (1312): ...
    >>> sim.stop()
    """
    luid = _logon_id_arg(logon_id)
    status, found = _query(luid)
    if found is None:
        raise _lsa_failure(status, "LsaGetLogonSessionData")
    return found  # type: ignore[no-any-return]


class LogonSessions(Iterator[LogonSession]):
    """What :func:`enum_logon_sessions` returns: an iterator of :class:`LogonSession` that
    counts what it left out.

    >>> from winsession import logon, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> sessions = logon.enum_logon_sessions()
    >>> len(list(sessions)), sessions.listed, sessions.skipped, sessions.vanished
    (12, 12, 0, 0)
    >>> sim.stop()
    """

    listed: int
    """Logon ids ``LsaEnumerateLogonSessions`` gave (0 until iteration starts)."""
    skipped: int
    """Logon sessions left out because the caller may not read them (access denied)."""
    vanished: int
    """Logon sessions that ended between the enumeration and their query."""

    def __init__(self, skip_denied: bool = True) -> None:
        self.listed = self.skipped = self.vanished = 0
        self._skip_denied = skip_denied
        self._run = self._records()

    def __next__(self) -> LogonSession:
        return next(self._run)

    def close(self) -> None:
        """Stop: no further API call."""
        self._run.close()

    def __repr__(self) -> str:
        return (
            f"<logon.enum_logon_sessions iterator: listed={self.listed},"
            f" skipped={self.skipped}, vanished={self.vanished}>"
        )

    def _records(self) -> Generator[LogonSession, None, None]:
        ids = _logon_ids()
        self.listed = len(ids)
        # Batches of 1, 2, 4, ... up to _BATCH ids: the first record comes after one query,
        # and stopping early leaves few calls made for nothing.
        start, size = 0, 1
        while start < len(ids):
            answers = _query_many(ids[start : start + size])
            start, size = start + size, min(size * 2, _BATCH)
            if all(map(isinstance, answers, repeat(LogonSession))):
                yield from answers  # type: ignore[misc]
                continue
            for found in answers:
                if isinstance(found, LogonSession):
                    yield found
                elif isinstance(found, errors.WinSessionError):
                    raise found
                elif found == _raw.STATUS_NO_SUCH_LOGON_SESSION:
                    self.vanished += 1
                elif found == _raw.STATUS_ACCESS_DENIED and self._skip_denied:
                    self.skipped += 1
                else:
                    raise _lsa_failure(found, "LsaGetLogonSessionData")


def enum_logon_sessions(*, skip_denied: bool = True) -> LogonSessions:
    """Iterate over the logon sessions on this computer (LSA: local only).

    ``skip_denied``: a logon session the caller may not read (another user's, when not
    elevated) is left out and counted in :attr:`LogonSessions.skipped`; ``False`` raises
    :class:`~winsession.errors.AccessDeniedError` instead. A logon session that ends
    meanwhile is left out and counted in :attr:`LogonSessions.vanished`.

    >>> from winsession import logon, testing
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> [s.user_name for s in logon.enum_logon_sessions()
    ...  if s.logon_type == logon.LogonType.REMOTE_INTERACTIVE]
    ['alice']
    >>> sorted({s.authentication_package for s in logon.enum_logon_sessions()})
    ['Kerberos', 'NTLM', 'Negotiate']
    >>> sim.stop()
    """
    if not isinstance(skip_denied, bool):
        raise TypeError(f"skip_denied must be a bool, not {type(skip_denied).__name__}")
    return LogonSessions(skip_denied)
