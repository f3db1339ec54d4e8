"""winsession.sens: the COM layer, the subscriber object, and subscriptions against the
COM+ event system stand-in (Wine tiers)."""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _tier import tier
from hypothesis import given
from hypothesis import strategies as st

import winsession
from winsession import sens
from winsession.codes import WinError
from winsession.raw import com

ROOT = Path(__file__).resolve().parents[1]
META = json.loads((ROOT / "tests" / "reference" / "win32-sessions.json").read_text("utf-8"))


# --- GUIDs, layouts, declarations (every tier) ---------------------------------------------


@given(st.uuids())
def test_guid_round_trips(value: uuid.UUID) -> None:
    guid = com.GUID(str(value))
    assert str(guid) == "{" + str(value).upper() + "}"
    assert bytes(guid) == value.bytes_le  # the in-memory layout Windows uses
    assert com.GUID(str(guid)) == guid and hash(com.GUID(str(guid))) == hash(guid)
    assert guid.Data1 == value.fields[0]


def test_guid_constants_match_the_reference() -> None:
    constants = {c["Name"]: c["Value"] for c in META["sens"]["constants"]}
    assert com.GUID(constants["SENSGUID_PUBLISHER"]) == com.SENSGUID_PUBLISHER
    assert com.GUID(constants["SENSGUID_EVENTCLASS_LOGON2"]) == com.SENSGUID_EVENTCLASS_LOGON2
    classes = {t["Name"]: t["Guid"] for t in META["sens"]["types"]}
    assert com.CLSID_CEventSystem == com.GUID(classes["CEventSystem"])
    assert com.CLSID_CEventSubscription == com.GUID(classes["CEventSubscription"])


def _interfaces() -> dict[str, dict[str, Any]]:
    found = {t["Name"]: t for t in META["sens"]["types"] if t["Kind"] == "Com"}
    found.update({t["Name"]: t for t in META["com_base"]})
    return found


@pytest.mark.parametrize(
    "interface",
    [com.IUnknown, com.IDispatch, com.IEventSystem, com.IEventSubscription, com.ISensLogon2],
    ids=lambda i: i.name,
)
def test_vtable_slots_match_the_reference(interface: com.Interface) -> None:
    meta = _interfaces()
    expected: list[tuple[str, int]] = []
    current: Any = meta[interface.name]
    chain = []
    while current is not None:
        chain.insert(0, current)
        base = current.get("Interface")
        current = meta[base["Name"]] if base else None
    for item in chain:
        expected += [(m["Name"], len(m["Params"])) for m in item["Methods"]]
    got = [(name, len(argtypes)) for name, _, argtypes in interface.methods]
    assert got == expected
    assert interface.iid == com.GUID(meta[interface.name]["Guid"])
    assert ctypes.sizeof(interface.vtable) == len(expected) * ctypes.sizeof(ctypes.c_void_p)


def test_slots_as_sens_md_says() -> None:
    assert com.IEventSystem.slot("Store") == 8 and com.IEventSystem.slot("Remove") == 9
    assert com.IEventSubscription.slot("put_SubscriberInterface") == 20
    assert com.IEventSubscription.slot("put_InterfaceID") == 40
    assert [com.ISensLogon2.slot(k.method) for k in sens.EventKind] == [7, 8, 9, 10, 11]


def test_variant_and_dispparams_layout() -> None:
    assert ctypes.sizeof(com.VARIANT) == 24 and com.VARIANT.value.offset == 8
    assert ctypes.sizeof(com.DISPPARAMS) == 24


def test_event_records() -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    event = sens.SessionEvent(sens.EventKind.SESSION_DISCONNECT, "CONTOSO\\alice", 2, now)
    assert event.kind.method == "SessionDisconnect" and int(event.kind) == 3
    with pytest.raises(AttributeError):
        event.session_id = 3  # type: ignore[misc]
    assert [k.method for k in sens.EventKind] == [
        "Logon", "Logoff", "SessionDisconnect", "SessionReconnect", "PostShell",
    ]  # fmt: skip


# --- the subscriber object, called through its vtable (every tier, real FFI) ----------------


class Captured:
    def __init__(self) -> None:
        self.events: list[tuple[sens.EventKind, str, int]] = []

    def __call__(self, kind: sens.EventKind, user: str, session_id: int) -> None:
        self.events.append((kind, user, session_id))


@pytest.fixture
def sink() -> Iterator[tuple[Any, Captured]]:
    captured = Captured()
    obj = sens._Sink(captured)
    yield obj, captured
    while obj.refs:
        obj.release()


def vcall(address: int, method: str, *args: Any) -> int:
    vtable = ctypes.cast(address, ctypes.POINTER(ctypes.POINTER(com.ISensLogon2.vtable)))
    return int(getattr(vtable.contents.contents, method)(address, *args))


def test_query_interface_and_reference_count(sink: tuple[Any, Captured]) -> None:
    obj, _ = sink
    out = ctypes.c_void_p()
    for iid in (com.IUnknown.iid, com.IDispatch.iid, com.ISensLogon2.iid):
        assert vcall(obj.address, "QueryInterface", ctypes.byref(iid), ctypes.byref(out)) == 0
        assert out.value == obj.address
    assert obj.refs == 4
    other = com.IEventSystem.iid
    assert vcall(obj.address, "QueryInterface", ctypes.byref(other), ctypes.byref(out)) == (
        com.E_NOINTERFACE
    )
    assert out.value is None
    assert vcall(obj.address, "AddRef") == 5
    for expected in (4, 3, 2, 1, 0):
        assert vcall(obj.address, "Release") == expected
    assert obj.address not in sens._sinks  # released after the last reference


def test_vtable_methods_deliver(sink: tuple[Any, Captured]) -> None:
    obj, captured = sink
    for kind in sens.EventKind:
        assert vcall(obj.address, kind.method, None, 40 + kind) == 0
    assert captured.events == [(k, "", 40 + k) for k in sens.EventKind]


def test_dispatch_names_and_invoke(sink: tuple[Any, Captured]) -> None:
    obj, captured = sink
    names = (ctypes.c_wchar_p * 2)("sessionDISCONNECT", "Nope")
    ids = (ctypes.c_int32 * 2)()
    iid_null = com.GUID()
    hr = vcall(obj.address, "GetIDsOfNames", ctypes.byref(iid_null), names, 2, 0, ids)
    assert hr == com.DISP_E_UNKNOWNNAME and list(ids) == [3, -1]
    count = ctypes.c_uint32(9)
    assert vcall(obj.address, "GetTypeInfoCount", ctypes.byref(count)) == 0 and count.value == 0
    args = (com.VARIANT * 2)()
    args[0].vt, args[0].ulVal = com.VT_UI4, 7  # rgvarg[0]: the session id (reversed order)
    args[1].vt, args[1].bstrVal = com.VT_BSTR, None  # a NULL BSTR is the empty string
    params = com.DISPPARAMS(args, None, 2, 0)
    hr = vcall(obj.address, "Invoke", 3, ctypes.byref(iid_null), 0, com.DISPATCH_METHOD,
               ctypes.byref(params), None, None, None)  # fmt: skip
    assert hr == 0 and captured.events == [(sens.EventKind.SESSION_DISCONNECT, "", 7)]
    assert vcall(obj.address, "Invoke", 9, ctypes.byref(iid_null), 0, 1,
                 ctypes.byref(params), None, None, None) == com.DISP_E_MEMBERNOTFOUND  # fmt: skip
    params.cArgs = 1
    assert vcall(obj.address, "Invoke", 1, ctypes.byref(iid_null), 0, 1,
                 ctypes.byref(params), None, None, None) == com.DISP_E_BADPARAMCOUNT  # fmt: skip
    params.cArgs = 2
    args[0].vt = com.VT_EMPTY
    arg_err = ctypes.c_uint32(99)
    assert vcall(obj.address, "Invoke", 1, ctypes.byref(iid_null), 0, 1, ctypes.byref(params),
                 None, None, ctypes.byref(arg_err)) == com.DISP_E_TYPEMISMATCH  # fmt: skip
    assert arg_err.value == 0


def test_no_python_exception_crosses_into_c(caplog: pytest.LogCaptureFixture) -> None:
    def explode(kind: sens.EventKind, user: str, session_id: int) -> None:
        raise RuntimeError("boom")

    obj = sens._Sink(explode)
    try:
        with caplog.at_level(logging.ERROR, logger="winsession.sens"):
            assert vcall(obj.address, "Logon", None, 1) == com.E_UNEXPECTED
        assert "Logon failed" in caplog.text and "boom" in caplog.text
    finally:
        obj.release()


def test_off_windows_sens_is_unsupported() -> None:
    if sys.platform == "win32":
        assert tier() != "host"
        return
    with pytest.raises(winsession.UnsupportedPlatformError):
        sens.SessionEvents()


# --- against the COM+ event system stand-in (Wine tiers) ------------------------------------

STANDIN = ROOT / "build" / "stubs" / "win64" / "eventsystem_standin.dll"
CLSIDS = (com.CLSID_CEventSystem, com.CLSID_CEventSubscription)


def _register(path: Path) -> None:
    import winreg

    for clsid in CLSIDS:
        key = rf"Software\Classes\CLSID\{clsid}\InprocServer32"
        with winreg.CreateKeyEx(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_WRITE) as k:
            winreg.SetValueEx(k, "", 0, winreg.REG_SZ, str(path))
            winreg.SetValueEx(k, "ThreadingModel", 0, winreg.REG_SZ, "Both")


def _unregister() -> None:
    import winreg

    for clsid in CLSIDS:
        base = rf"Software\Classes\CLSID\{clsid}"
        for key in (base + r"\InprocServer32", base):
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteKey(winreg.HKEY_LOCAL_MACHINE, key)


class SensStub:
    """The event system stand-in's control exports (same module COM loads)."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(str(STANDIN))
        self.fire = lib.stub_sens_fire
        self.fire.argtypes = [ctypes.c_int32, ctypes.c_wchar_p, ctypes.c_uint32, ctypes.c_int32]
        self.fire.restype = ctypes.c_int32
        self.fire_many = lib.stub_sens_fire_many
        self.fire_many.argtypes = [ctypes.c_int32] * 4
        self.fire_many.restype = ctypes.c_int32
        for name in ("subscriptions", "live_objects", "sink_refs", "last_store_count"):
            fn = getattr(lib, f"stub_sens_{name}")
            fn.argtypes, fn.restype = [], ctypes.c_int32
            setattr(self, name, fn)
        self.reset = lib.stub_sens_reset
        self.reset.argtypes, self.reset.restype = [], None


@pytest.fixture
def sensstub() -> Iterator[SensStub]:
    if not STANDIN.exists():
        pytest.fail(f"{STANDIN} missing: build the stand-ins (make -C stubs win64)")
    _register(STANDIN)
    stub = SensStub()
    stub.reset()
    try:
        yield stub
        assert stub.subscriptions() == 0, "subscriptions left behind"
        assert stub.sink_refs() == 0, "the event system still holds a subscriber"
    finally:
        _unregister()


def wait_for(predicate: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.windows
@pytest.mark.mingw
@pytest.mark.parametrize("via_invoke", [0, 1], ids=["vtable", "invoke"])
def test_subscribe_fire_receive_close(sensstub: SensStub, via_invoke: int) -> None:
    events = sens.SessionEvents()
    try:
        assert events.subscriptions == 5 and sensstub.subscriptions() == 5
        assert events.sink_references >= 2  # ours + the stand-in's subscriptions
        for kind in sens.EventKind:
            assert sensstub.fire(int(kind), f"CONTOSO\\user{kind}", 10 + kind, via_invoke) == 1
        got = [events.get(timeout=10) for _ in sens.EventKind]
        assert [(e.kind, e.user_name, e.session_id) for e in got if e] == [
            (k, f"CONTOSO\\user{k}", 10 + k) for k in sens.EventKind
        ]
        assert all(e and e.received_at.tzinfo is datetime.timezone.utc for e in got)
    finally:
        events.close()
    assert sensstub.subscriptions() == 0 and sensstub.sink_refs() == 0
    assert events.sink_references == 0 and events.removal_errors == []
    events.close()  # idempotent


@pytest.mark.windows
@pytest.mark.mingw
def test_only_the_chosen_kinds(sensstub: SensStub) -> None:
    with sens.SessionEvents(kinds={sens.EventKind.LOGON}) as events:
        assert sensstub.subscriptions() == 1
        assert sensstub.fire(int(sens.EventKind.LOGOFF), "x", 1, 0) == 0
        assert sensstub.fire(int(sens.EventKind.LOGON), "x", 1, 0) == 1
        assert events.get(timeout=10) is not None
        assert events.get(timeout=0.2) is None


@pytest.mark.windows
@pytest.mark.mingw
def test_a_raising_callback_does_not_stop_delivery(
    sensstub: SensStub, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[int] = []

    def callback(event: sens.SessionEvent) -> None:
        seen.append(event.session_id)
        if event.session_id == 1:
            raise ValueError("callback bug")

    with (
        caplog.at_level(logging.ERROR, logger="winsession.sens"),
        sens.subscribe(callback) as events,
    ):
        for sid in (1, 2, 3):
            assert sensstub.fire(1, "u", sid, 0) == 1
        wait_for(lambda: len(seen) == 3)
        assert [e.session_id for e in events.events(timeout=2)] == [1, 2, 3]
        assert events.callback_errors == 1
    assert "callback bug" in caplog.text


@pytest.mark.windows
@pytest.mark.mingw
@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, GeneratorExit, MemoryError])
def test_a_callback_raising_anything_is_counted_and_delivery_goes_on(
    sensstub: SensStub, caplog: pytest.LogCaptureFixture, exc: type[BaseException]
) -> None:
    # Issue 11 item 8: SystemExit/KeyboardInterrupt used to end the dispatcher thread
    # silently (nothing logged, callback_errors unchanged, later events lost).
    seen: list[int] = []

    def callback(event: sens.SessionEvent) -> None:
        seen.append(event.session_id)
        if event.session_id % 2:
            raise exc("from the callback")

    with (
        caplog.at_level(logging.ERROR, logger="winsession.sens"),
        sens.subscribe(callback) as events,
    ):
        for sid in range(1, 7):
            assert sensstub.fire(1, "u", sid, 0) == 1
        wait_for(lambda: len(seen) == 6)
        assert [e.session_id for e in events.events(timeout=2)] == [1, 2, 3, 4, 5, 6]
        assert events.callback_errors == 3
        assert events._dispatcher.is_alive()
    assert caplog.text.count("the event callback raised") == 3
    assert exc.__name__ in caplog.text


@pytest.mark.windows
@pytest.mark.mingw
def test_queue_size_bounds_the_inbox_newest_dropped_and_counted(sensstub: SensStub) -> None:
    # Issue 11 item 8: with queue_size=10, 199,999 events were held in memory while a slow
    # callback ran. Now at most queue_size wait for the callback; the newest overflow.
    release = threading.Event()
    delivered: list[int] = []
    high_water = [0]

    def callback(event: sens.SessionEvent) -> None:
        high_water[0] = max(high_water[0], events._inbox.qsize())
        release.wait(30)
        delivered.append(event.session_id)

    events = sens.SessionEvents(callback, kinds={sens.EventKind.LOGON}, queue_size=10)
    try:
        wait_for(lambda: sensstub.subscriptions() == 1)
        assert sensstub.fire(int(sens.EventKind.LOGON), "u", 0, 0) == 1
        wait_for(lambda: events._inbox.qsize() == 0)  # the dispatcher holds event 0
        for sid in range(1, 2000):
            assert sensstub.fire(int(sens.EventKind.LOGON), "u", sid, 0) == 1
            assert events._inbox.qsize() <= 10
        assert events.overflowed == 2000 - 1 - 10  # event 0 taken, 1..10 wait, rest dropped
        release.set()
        wait_for(lambda: len(delivered) == 11)
        assert delivered == list(range(11))  # the oldest kept, in order
        kept = [e.session_id for e in events.events(timeout=1)]
        assert kept == list(range(10)) and events.dropped == 1  # iteration queue bounded too
        assert high_water[0] <= 10
    finally:
        release.set()
        events.close()


@pytest.mark.windows
@pytest.mark.mingw
def test_queue_size_is_checked(sensstub: SensStub) -> None:
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="queue_size"):
            sens.SessionEvents(queue_size=bad)  # type: ignore[arg-type]
    assert sensstub.subscriptions() == 0


@pytest.mark.windows
@pytest.mark.mingw
def test_slow_callback_does_not_block_the_event_system(sensstub: SensStub) -> None:
    release = threading.Event()
    with sens.subscribe(lambda e: release.wait(10)) as events:
        started = time.monotonic()
        for sid in range(20):
            assert sensstub.fire(1, "u", sid, 0) == 1
        assert time.monotonic() - started < 2  # fire returned while the callback waits
        release.set()
        assert len(list(events.events(timeout=2))) == 20


@pytest.mark.windows
@pytest.mark.mingw
@pytest.mark.parametrize("via_invoke", [0, 1], ids=["vtable", "invoke"])
def test_a_thousand_events_from_native_threads_in_order(
    sensstub: SensStub, via_invoke: int
) -> None:
    with sens.SessionEvents(kinds={sens.EventKind.SESSION_RECONNECT}) as events:
        assert sensstub.fire_many(4, 250, int(sens.EventKind.SESSION_RECONNECT), via_invoke) == 1000
        received = list(events.events(timeout=5))
    assert len(received) == 1000
    for thread in range(4):
        ids = [e.session_id for e in received if e.user_name == f"t{thread}"]
        assert ids == list(range(250)), f"thread {thread} out of order"
    assert events.dropped == 0


@pytest.mark.windows
@pytest.mark.mingw
def test_without_the_event_system_nothing_is_left(sensstub: SensStub) -> None:
    _unregister()
    with pytest.raises(sens.SensUnavailableError) as info:
        sens.SessionEvents()
    err = info.value
    assert isinstance(err, winsession.ComError) and isinstance(err, NotImplementedError)
    assert err.hresult == WinError.REGDB_E_CLASSNOTREG and "REGDB_E_CLASSNOTREG" in str(err)
    assert not sens._open
    _register(STANDIN)


@pytest.mark.windows
def test_bstr_round_trip_through_oleaut32() -> None:
    for text in ("", "alice", "CONTOSO\\bob", "naïve ☃ 𝄞"):
        value = com.bstr(text)
        try:
            assert com.bstr_text(value) == text
            assert com.SysStringLen(value) == len(text.encode("utf-16-le")) // 2
        finally:
            com.SysFreeString(value)


@pytest.mark.windows
@pytest.mark.mingw
def test_watch_session_events_example(
    sensstub: SensStub, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    def fire_later() -> None:
        wait_for(lambda: sensstub.subscriptions() == 5)
        sensstub.fire(int(sens.EventKind.SESSION_DISCONNECT), "CONTOSO\\alice", 2, 1)

    thread = threading.Thread(target=fire_later)
    thread.start()
    saved = sys.argv
    sys.argv = ["watch_session_events.py", "--seconds", "1.5"]
    try:
        with pytest.raises(SystemExit) as done:
            runpy.run_path(str(ROOT / "examples" / "watch_session_events.py"), run_name="__main__")
    finally:
        sys.argv = saved
        thread.join(10)
    assert done.value.code == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split()[1:] == ["SESSION_DISCONNECT", "session", "2", "CONTOSO\\alice"]


def test_watch_session_events_example_off_windows(capsys: pytest.CaptureFixture[str]) -> None:
    if sys.platform == "win32":
        return  # the Wine test above runs it for real
    import runpy

    saved = sys.argv
    sys.argv = ["watch_session_events.py", "--seconds", "0"]
    try:
        with pytest.raises(SystemExit) as done:
            runpy.run_path(str(ROOT / "examples" / "watch_session_events.py"), run_name="__main__")
    finally:
        sys.argv = saved
    assert done.value.code == 1
    assert "ole32.dll is part of Windows" in capsys.readouterr().err


# --- the winsession command against the stand-in (Wine tiers) -------------------------------


def _fire_when_subscribed(sensstub: SensStub, events: list[tuple[int, str, int]],
                          via_invoke: int) -> threading.Thread:  # fmt: skip
    def fire() -> None:
        wait_for(lambda: sensstub.subscriptions() == 5)
        for kind, user, session_id in events:
            assert sensstub.fire(kind, user, session_id, via_invoke) == 1

    thread = threading.Thread(target=fire)
    thread.start()
    return thread


@pytest.mark.windows
@pytest.mark.mingw
@pytest.mark.parametrize("via_invoke", [0, 1], ids=["vtable", "invoke"])
def test_events_watch_command(
    sensstub: SensStub, capsys: pytest.CaptureFixture[str], via_invoke: int
) -> None:
    from winsession import cli

    fired = [(int(sens.EventKind.LOGON), "CONTOSO\\alice", 2),
             (int(sens.EventKind.SESSION_DISCONNECT), "CONTOSO\\alice", 2)]  # fmt: skip
    thread = _fire_when_subscribed(sensstub, fired, via_invoke)
    try:
        assert cli.main(["events", "watch", "--count", "2"]) == 0
    finally:
        thread.join(10)
    out, err = capsys.readouterr()
    assert err == ""
    lines = [line.split() for line in out.splitlines()]
    assert [line[2:] for line in lines] == [
        ["LOGON", "session", "2", "CONTOSO\\alice"],
        ["SESSION_DISCONNECT", "session", "2", "CONTOSO\\alice"],
    ]
    for line in lines:  # the time the event arrived, in UTC
        stamp = datetime.datetime.strptime(" ".join(line[:2]), "%Y-%m-%d %H:%M:%S")
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        assert abs((now - stamp).total_seconds()) < 60
    assert not sens._open  # the command unsubscribed (the fixture checks the stand-in)


@pytest.mark.windows
@pytest.mark.mingw
def test_events_watch_command_json(sensstub: SensStub, capsys: pytest.CaptureFixture[str]) -> None:
    from winsession import cli

    fired = [(int(kind), f"u{int(kind)}", 10 + int(kind)) for kind in sens.EventKind]
    thread = _fire_when_subscribed(sensstub, fired, 1)
    try:
        assert cli.main(["events", "watch", "--json", "--count", str(len(fired))]) == 0
    finally:
        thread.join(10)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["kind"], r["user_name"], r["session_id"]) for r in records] == [
        (kind.name, f"u{int(kind)}", 10 + int(kind)) for kind in sens.EventKind
    ]
    assert all(
        datetime.datetime.fromisoformat(r["time"]).tzinfo == datetime.timezone.utc for r in records
    )


@pytest.mark.windows
@pytest.mark.mingw
def test_events_watch_command_without_the_event_system(
    sensstub: SensStub, capsys: pytest.CaptureFixture[str]
) -> None:
    from winsession import cli

    _unregister()
    try:
        assert cli.main(["events", "watch", "--count", "1"]) == 1
    finally:
        _register(STANDIN)
    out, err = capsys.readouterr()
    assert out == ""
    assert "SENS logon events are not available here" in err and "REGDB_E_CLASSNOTREG" in err
    assert not sens._open
