"""Client addresses as Microsoft documents them, decoded into ``ipaddress`` objects.

``WTS_CLIENT_ADDRESS`` (``InfoClass.CLIENT_ADDRESS``): IPv4 at ``Address[2..5]``, IPv6 the 16
bytes from ``Address[0]``. ``WTSCLIENTW.ClientAddress`` (``InfoClass.CLIENT_INFO``, USHORT[31]):
IPv4 "in string format, for example 127.0.0.1", IPv6 "in binary form". Round trips go through
the real FFI into the C stand-in and into the simulator; the decoder itself gets any bytes.
"""

from __future__ import annotations

import ipaddress
from typing import Union

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stubctl import WtsStub

from winsession import wts
from winsession.testing import Session, Simulator
from winsession.wts import _query

IP = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6))


def _family(address: IP) -> int:
    return 2 if address.version == 4 else 23


def _check(address: IP, sid: int) -> None:
    info = wts.query_session_information(sid, wts.InfoClass.CLIENT_INFO)
    plain = wts.query_session_information(sid, wts.InfoClass.CLIENT_ADDRESS)
    assert info.client_address_family == _family(address)
    assert info.client_address is not None
    assert info.client_address.family == _family(address)
    assert info.client_address.address == address
    assert (plain.family, plain.address) == (_family(address), address)
    if address.version == 4:  # the documented text form, NUL-terminated
        text = str(address).encode("utf-16-le") + b"\0\0"
        assert info.client_address.raw[: len(text)] == text
        assert plain.raw[2:6] == address.packed
    else:
        assert info.client_address.raw[:16] == address.packed == plain.raw[:16]
    assert wts.session_details(sid).client_address == plain


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(addresses)
def test_round_trip_through_the_stand_in(wtsstub: WtsStub, address: IP) -> None:
    wtsstub.reset()
    assert wtsstub.add_session(None, 7, 0, "RDP-Tcp#7") == 0
    raw = (b"\0\0" + address.packed) if address.version == 4 else address.packed
    assert wtsstub.set_address(None, 7, _family(address), raw, len(raw)) == 0
    _check(address, 7)
    assert wtsstub.outstanding() == 0


@settings(max_examples=60)
@given(addresses)
def test_round_trip_through_the_simulator(address: IP) -> None:
    with Simulator(sessions=[Session(7, client_address=address)]) as sim:
        _check(address, 7)
    assert sim.problems() == []


def test_no_client_gives_none_everywhere() -> None:
    with Simulator(sessions=[Session(0, win_station_name="Services")]) as sim:
        info = wts.query_session_information(0, wts.InfoClass.CLIENT_INFO)
        assert (info.client_address_family, info.client_address) == (0, None)
        details = wts.session_details(0)
        assert (details.client_address, details.client_display) == (None, None)
    assert sim.problems() == []


# --- the decoder on its own: any bytes, never an exception, never a wrong address ---------


@given(st.integers(0, 0xFFFFFFFF), st.binary(min_size=62, max_size=62))
def test_client_info_decoder_takes_any_bytes(family: int, raw: bytes) -> None:
    result = _query._client_info_address(family, raw)
    if family == 0:
        assert result is None
        return
    assert result is not None and result.family == family and result.raw == raw
    if family == 23:
        assert result.address == ipaddress.IPv6Address(raw[:16])
    elif family == 2:
        assert result.address is None or isinstance(result.address, ipaddress.IPv4Address)
        if result.address is not None:  # only ever what the text says
            text = str(result.address).encode("utf-16-le")
            assert raw.startswith(text)
    else:
        assert result.address is None


@given(st.ip_addresses(v=4), st.binary(max_size=62))
def test_ipv4_text_is_read_up_to_its_nul(address: ipaddress.IPv4Address, tail: bytes) -> None:
    raw = (str(address).encode("utf-16-le") + b"\0\0" + tail).ljust(62, b"\0")[:62]
    decoded = _query._client_info_address(2, raw)
    assert decoded is not None and decoded.address == address


@given(st.lists(st.integers(1, 0xFFFF), max_size=30))
def test_ipv4_text_that_is_not_an_address_keeps_the_raw_value(units: list[int]) -> None:
    raw = b"".join(u.to_bytes(2, "little") for u in units).ljust(62, b"\0")
    decoded = _query._client_info_address(2, raw)
    assert decoded is not None and decoded.raw == raw
    try:
        expected = ipaddress.IPv4Address("".join(map(chr, units)))
    except ValueError:
        expected = None
    assert decoded.address == expected


@given(st.integers(0, 0xFFFFFFFF), st.binary(min_size=20, max_size=20))
def test_wts_client_address_decoder(family: int, raw: bytes) -> None:
    result = _query._address(family, raw)
    assert result.family == family and result.raw == raw
    if family == 2:
        assert result.address == ipaddress.IPv4Address(raw[2:6])
    elif family == 23:
        assert result.address == ipaddress.IPv6Address(raw[:16])
    else:
        assert result.address is None
