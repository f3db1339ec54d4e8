"""Issue 11, the library side: hostile answers from a DLL, hostile arguments, interrupts.

Every test drives the real ctypes calls into the stand-in DLLs (host .so, Wine .dll) and a
hostile mode of theirs (``stub_*_hostile``, see stubs/README.md) that produces one bad
answer; the fixtures fail a test that leaves a buffer or handle behind.
"""

from __future__ import annotations

import pytest
from stubctl import NetStub, Session, WtsStub

from winsession import errors, net, wts

BOB = Session("\\\\10.0.0.6", "bob", 1, 120, 5, 1, "Samba", "\\Device\\Tcpip")
CAROL = Session("\\\\10.0.0.7", "carol", 0, 10, 10, 0, "macOS", "tcp")


# --- item 11: argument checks cannot be bypassed ----------------------------------------------


class Lying(str):
    """A str whose methods all lie: it contains nothing, equals everything, prints as
    something else. ctypes still passes its real characters to the DLL."""

    __hash__ = str.__hash__

    def __contains__(self, item: object) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __str__(self) -> str:
        return "harmless"

    def __repr__(self) -> str:
        return "'harmless'"

    def find(self, *args: object) -> int:  # type: ignore[override]
        return -1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter("harmless")

    def __len__(self) -> int:
        return 8


def test_str_subclass_cannot_smuggle_a_nul_into_delete(netstub: NetStub) -> None:
    netstub.load([BOB, CAROL])
    with pytest.raises(ValueError, match="user must not contain NUL"):
        net.delete_session(user=Lying("bob\0carol"))
    with pytest.raises(ValueError, match="client must not contain NUL"):
        net.delete_session(client=Lying("\\\\10.0.0.6\0x"))
    assert netstub.calls() == 0  # refused before any DLL call
    assert netstub.session_count() == 2


def test_str_subclass_value_reaching_the_dll_is_the_checked_one(netstub: NetStub) -> None:
    netstub.load([BOB, CAROL])
    net.delete_session(user=Lying("bob"))  # its characters, not its __str__, reach the DLL
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["carol"]


def test_str_subclass_equal_to_empty_does_not_pick_the_local_server(netstub: NetStub) -> None:
    netstub.load([BOB])
    # Lying("ELSEWHERE") == "" is True; the server name that reaches the DLL is ELSEWHERE.
    with pytest.raises(errors.ServerNotFoundError):
        list(net.enum_sessions(Lying("ELSEWHERE")))
    with pytest.raises(errors.ServerNotFoundError):
        wts.enumerate_sessions(Lying("ELSEWHERE"))


def test_str_subclass_nul_in_wts_message_and_server(wtsstub: WtsStub) -> None:
    assert wtsstub.add_session(None, 2, 0, "RDP-Tcp#1") == 0
    with pytest.raises(ValueError, match="title must not contain NUL"):
        wts.send_message(2, Lying("ok\0evil"), "text")
    with pytest.raises(ValueError, match="message must not contain NUL"):
        wts.send_message(2, "title", Lying("ok\0evil"))
    with pytest.raises(ValueError, match="server must not contain NUL"):
        wts.Server(Lying("RDS\0X"))
    assert wtsstub.calls() == 0
    wts.send_message(2, Lying("Title"), Lying("Body"))
    title, text, _ = wtsstub.last_message_text()
    assert (title, text) == ("Title", "Body")
