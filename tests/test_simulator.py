"""winsession.testing beyond what the parity suite shares with the C stand-ins: fault
injection the stand-ins do not have, kernel32, accounting of misuse, binding and restoring,
threads, the pytest fixture and the example in examples/."""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import pytest

from winsession import _dll, _winerror, errors, net, testing, wts
from winsession.raw import netapi32 as raw_net
from winsession.raw import wtsapi32 as raw_wts
from winsession.testing import Process, Session, Simulator, SimulatorError, SmbSession

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_session_vanishes_between_calls() -> None:
    with Simulator(sessions=[Session(1), Session(2, user_name="alice")]) as sim:
        sim.vanish_on_call(2, 2)
        ids = [s.session_id for s in wts.enumerate_sessions()]
        assert ids == [1, 2]
        with pytest.raises(errors.SessionNotFoundError) as info:
            wts.session_details(ids[1])
        assert info.value.winerror == 7022
        sim.assert_clean()


def test_remove_smb_between_pages() -> None:
    table = [SmbSession(f"\\\\PC{i}", f"u{i}") for i in range(4)]
    with Simulator(smb=table) as sim:
        sim.remove_smb_on_call(2, 0)
        assert [s.user_name for s in net.enum_sessions(level=10, prefmaxlen=1)] == [
            "u0",
            "u2",
            "u3",
        ]
        sim.assert_clean()


def test_fail_on_call_needs_a_known_api() -> None:
    sim = Simulator()
    with pytest.raises(ValueError):
        sim.fail_on_call(1, 5, api="kernel32")
    with pytest.raises(ValueError):
        sim.fail_on_call(0, 5)


def test_kernel32() -> None:
    procs = [Process(4242, 2, "notepad.exe"), Process(7, 0, "remote", server="RDS2")]
    with Simulator(processes=procs, console_session=1) as sim:
        assert wts.active_console_session_id() == 1
        sim.wts.console_session = None
        assert wts.active_console_session_id() is None
        assert wts.process_session_id(4242) == 2
        with pytest.raises(errors.InvalidParameterError):
            wts.process_session_id(7)  # only the local table answers
        sim.assert_clean()


def test_last_error_is_per_thread() -> None:
    with Simulator() as sim:
        sim.wts.set_last_error(5)
        seen = []
        t = threading.Thread(target=lambda: seen.append(_dll.last_error("wtsapi32")))
        t.start()
        t.join()
        assert seen == [0]
        assert _dll.last_error("wtsapi32") == 5


def test_accounting_catches_misuse() -> None:
    with Simulator(smb=[SmbSession("\\\\PC", "u")], sessions=[Session(1)]) as sim:
        buf = ctypes.POINTER(ctypes.c_uint8)()
        read, total = ctypes.c_uint32(), ctypes.c_uint32()
        raw_net.NetSessionEnum(
            None, None, None, 10, ctypes.byref(buf), raw_net.MAX_PREFERRED_LENGTH,
            ctypes.byref(read), ctypes.byref(total), None,
        )  # fmt: skip
        assert sim.net.outstanding == 1
        with pytest.raises(SimulatorError, match="leaked"):
            sim.assert_clean()
        raw_net.NetApiBufferFree(buf)
        with pytest.raises(errors.InvalidParameterError):
            raw_net.NetApiBufferFree(buf)
        assert sim.net.double_frees == 1
        local = ctypes.create_string_buffer(8)
        with pytest.raises(errors.InvalidParameterError):
            raw_net.NetApiBufferFree(local)
        assert sim.net.foreign_frees == 1
        assert sim.net.outstanding == 0

        pp = ctypes.POINTER(raw_wts.WTS_SESSION_INFO_1W)()
        count, level = ctypes.c_uint32(), ctypes.c_uint32(1)
        raw_wts.WTSEnumerateSessionsExW(None, ctypes.byref(level), 0, ctypes.byref(pp),
                                        ctypes.byref(count))  # fmt: skip
        raw_wts.WTSFreeMemory(pp)  # the wrong function: counted, memory kept
        assert (sim.wts.wrong_frees, sim.wts.outstanding) == (1, 1)
        with pytest.raises(errors.InvalidParameterError):
            raw_wts.WTSFreeMemoryExW(raw_wts.WTSTypeSessionInfoLevel1, pp, 5)  # wrong count
        assert sim.wts.bad_free_args == 1
        raw_wts.WTSFreeMemoryExW(raw_wts.WTSTypeSessionInfoLevel1, pp, count.value)
        assert sim.wts.outstanding == 0
        problems = sim.problems()
        assert any("freed twice" in p for p in problems)
        assert any("wrong_frees" in p for p in problems)
        sim.net.reset()
        sim.wts.reset()
        sim.assert_clean()


def test_handles_are_accounted() -> None:
    with Simulator(servers=["RDS2"]) as sim:
        handle = raw_wts.WTSOpenServerW("RDS2")
        assert sim.wts.open_handles == 1
        with pytest.raises(SimulatorError, match="handle"):
            sim.assert_clean()
        raw_wts.WTSCloseServer(handle)
        raw_wts.WTSCloseServer(handle)
        assert sim.wts.bad_closes == 1


def test_an_error_inside_the_simulator_never_crosses_the_ffi() -> None:
    bad = SmbSession("\\\\PC", "u", num_opens="many")  # type: ignore[arg-type]
    with Simulator(smb=[bad]) as sim:
        with pytest.raises(errors.NetApiError) as info:
            list(net.enum_sessions(level=502))
        assert info.value.winerror == _winerror.ERROR_INTERNAL_ERROR
        assert any("simulator error" in p for p in sim.problems())


def test_binding_is_restored_and_nests() -> None:
    before = {name: _dll._simulators.get(name) for name in ("netapi32", "wtsapi32", "kernel32")}
    outer = Simulator(smb=[SmbSession("\\\\A", "outer")])
    inner = Simulator(smb=[SmbSession("\\\\B", "inner")])
    with outer:
        with pytest.raises(RuntimeError):
            outer.__enter__()
        with inner:
            assert [s.user_name for s in net.enum_sessions(level=10)] == ["inner"]
        assert [s.user_name for s in net.enum_sessions(level=10)] == ["outer"]
        assert outer.active and not inner.active
    assert {name: _dll._simulators.get(name) for name in before} == before


def test_start_and_stop_bind_as_the_with_block_does() -> None:
    before = {name: _dll._simulators.get(name) for name in ("netapi32", "wtsapi32", "kernel32")}
    outer = Simulator(smb=[SmbSession("\\\\A", "outer")])
    assert outer.start() is outer and outer.active
    with pytest.raises(RuntimeError):
        outer.start()
    inner = Simulator(smb=[SmbSession("\\\\B", "inner")]).start()
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["inner"]
    inner.stop()
    assert [s.user_name for s in net.enum_sessions(level=10)] == ["outer"]
    outer.stop()
    outer.stop()  # a second stop does nothing
    assert not outer.active and not inner.active
    assert {name: _dll._simulators.get(name) for name in before} == before
    outer.assert_clean()
    inner.assert_clean()


def test_threads_share_one_simulator() -> None:
    table = [SmbSession(f"\\\\PC{i}", f"u{i}", idle_time=i) for i in range(50)]
    results: list[int] = []
    with Simulator(smb=table, sessions=[Session(i) for i in range(20)]) as sim:

        def work() -> None:
            for _ in range(10):
                results.append(len(list(net.enum_sessions(level=502, prefmaxlen=300))))
                results.append(len(wts.enumerate_sessions_ex()))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(set(results)) == [20, 50]
        sim.assert_clean()


def test_demo_table() -> None:
    with testing.demo_simulator() as sim:
        assert len(list(net.enum_sessions())) == 3
        assert [s.session_id for s in wts.enumerate_sessions()] == [0, 1, 2, 3, 65536]
        user = wts.query_session_information(wts.CURRENT_SESSION, wts.InfoClass.USER_NAME)
        assert user == "alice"
        events = [wts.wait_system_event() for _ in range(testing.DEMO_EVENT_COUNT)]
        assert [str(e) for e in events] == ["LOGON", "CONNECT", "DISCONNECT"]
        sim.assert_clean()


def test_the_example_runs_with_the_pytest_plugin() -> None:
    """examples/test_my_tool_with_simulator.py, as its users would run it (nested pytest)."""
    args = ["-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    rc = pytest.main([*args, str(EXAMPLES / "test_my_tool_with_simulator.py")])
    assert rc == 0


@pytest.mark.parametrize("module", ["netapi32", "wtsapi32", "user32", "advapi32", "userenv"])
def test_every_raw_function_is_simulated(module: str) -> None:
    """What ``winsession.raw.<module>`` declares, the simulator exports: a user's code
    calling any of them under a Simulator gets an answer, not an AttributeError (as
    NetApiBufferReallocate once did)."""
    import importlib

    raw = importlib.import_module(f"winsession.raw.{module}")
    declared = [f for f in vars(raw).values() if isinstance(f, _dll.Function) and f.dll == module]
    assert declared
    with Simulator():
        provider = _dll.load(module)
        assert [f.name for f in declared if not hasattr(provider, f.name)] == []


def test_net_api_buffer_reallocate_keeps_the_contents() -> None:
    with Simulator() as sim:
        p = ctypes.c_void_p()
        assert raw_net.NetApiBufferAllocate(4, ctypes.byref(p)) == 0
        ctypes.memmove(p.value, b"abcd", 4)
        assert raw_net.NetApiBufferReallocate(p, 4096, ctypes.byref(p)) == 0
        assert ctypes.string_at(p.value, 4) == b"abcd"
        assert raw_net.NetApiBufferReallocate(p, 2, ctypes.byref(p)) == 0
        assert ctypes.string_at(p.value, 2) == b"ab"
        assert raw_net.NetApiBufferFree(p) == 0
        # A pointer it does not hold is refused and counted, as by NetApiBufferFree (as a
        # double free when Python reuses the address of a buffer freed above).
        foreign = ctypes.create_string_buffer(8)
        with pytest.raises(errors.NetApiError) as info:
            raw_net.NetApiBufferReallocate(ctypes.addressof(foreign), 16, ctypes.byref(p))
        assert info.value.winerror == 87
        assert sim.net.foreign_frees + sim.net.double_frees == 1 and sim.net.outstanding == 0
        sim.net.buffers.reset_counters()
        sim.assert_clean()
