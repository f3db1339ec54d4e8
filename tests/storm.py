#!/usr/bin/env python3
"""Interrupt storm: KeyboardInterrupt injected at random points into winsession calls.

A worker thread calls winsession's APIs in a loop against the stand-in DLLs; the main thread
injects ``KeyboardInterrupt`` into it with ``PyThreadState_SetAsyncExc`` after random short
delays -- the same mechanism, and the same delivery points (wherever Python code runs), as a
Ctrl-C. The GIL switch interval is cut to 10 microseconds so the injections land all over:
in the middle of winsession's Python code, right after a DLL call returns, inside
``finally`` blocks. Afterwards the stand-ins' own counters say what was left behind: API
buffers not freed, server handles not closed.

Run as a tool (host tier, with the stand-ins built: ``make -C stubs host``)::

    python3 tests/storm.py --interrupts 20000

``tests/test_hostile_lib.py`` runs a smaller storm in the host and Wine tiers and requires 0.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import random
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

# This checkout's winsession (not an installed one) and tests/stubctl.py.
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from stubctl import Logon, LsaStub, NetStub, Session, WkstaStub, WtsStub, sid_bytes  # noqa: E402

from winsession import errors, logon, net, wts  # noqa: E402

REMOTE = "RDS01"


@dataclass
class Result:
    interrupted: int = 0  # KeyboardInterrupts that landed inside a winsession call
    outside: int = 0  # ... that landed in the storm's own loop instead
    completed: int = 0
    api_errors: int = 0
    injected: int = 0
    by_call: dict[str, int] = field(default_factory=dict)
    net_buffers_leaked: int = 0
    wts_buffers_leaked: int = 0
    handles_leaked: int = 0
    lsa_buffers_leaked: int = 0
    misfrees: int = 0
    unraisable: list[str] = field(default_factory=list)  # interrupts in finalizers etc.
    seconds: float = 0.0


def prepare(netstub: NetStub, wtsstub: WtsStub) -> None:
    """Tables for every call below: SMB sessions, local and remote RD sessions, processes."""
    netstub.load([Session(f"\\\\c{i}", f"u{i}", i, i, i, 0, "Samba", "tcp") for i in range(40)])
    wtsstub.reset()
    wtsstub.add_server(REMOTE)
    sid = bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0])  # S-1-5-18
    for server in (None, REMOTE):
        for s in range(1, 9):
            assert wtsstub.add_session(server, s, 0, f"RDP-Tcp#{s}") == 0
            assert wtsstub.set_string(server, s, 5, f"user{s}") == 0
            assert wtsstub.add_process(server, s, 1000 + s, f"p{s}.exe", sid, len(sid)) == 0


def calls() -> dict[str, Callable[[], Any]]:
    def with_server() -> None:
        with wts.Server(REMOTE) as srv:
            wts.enumerate_sessions(srv)

    return {
        "net.enum_sessions": lambda: list(net.enum_sessions(level=502)),
        "net.enum_sessions paged": lambda: list(net.enum_sessions(level=0, prefmaxlen=64)),
        "net.get_session_info": lambda: net.get_session_info("c3", "u3"),
        "wts.enumerate_sessions": lambda: wts.enumerate_sessions(),
        "wts.enumerate_sessions remote": lambda: wts.enumerate_sessions(REMOTE),
        "wts.enumerate_sessions_ex remote": lambda: wts.enumerate_sessions_ex(REMOTE),
        # resolve_users=False: LookupAccountSidW (advapi32, slow under Wine) would take most
        # of the interrupts; the buffer hand-off under test is the same either way.
        "wts.processes": lambda: wts.processes(REMOTE, resolve_users=False),
        "wts.query_session_information": lambda: wts.query_session_information(
            2, wts.InfoClass.USER_NAME, REMOTE
        ),
        "wts.query SESSION_INFO": lambda: wts.query_session_information(
            3, wts.InfoClass.SESSION_INFO
        ),
        "wts.session_details": lambda: wts.session_details(4, REMOTE),
        "wts.Server open/close": with_server,
    }


def prepare_logon(lsastub: LsaStub) -> None:
    """LSA logon sessions and workstation users for the logon calls (issue 22)."""
    lsastub.load([Logon(0x3E7 + i, f"user{i}", "CONTOSO", "Kerberos", 2 + i % 11, i % 4,
                        sid_bytes(f"S-1-5-21-1-2-3-{1000 + i}"), 10**17 + i, "DC01",
                        "CONTOSO.COM", f"user{i}@contoso.com") for i in range(12)])  # fmt: skip
    wksta = WkstaStub()
    wksta.reset()
    for i in range(12):
        assert wksta.add_user(None, f"user{i}", "CONTOSO", "", "DC01") > 0


def logon_calls() -> dict[str, Callable[[], Any]]:
    return {
        "logon.enum_logon_sessions": lambda: list(logon.enum_logon_sessions()),
        "logon.get_logon_session": lambda: logon.get_logon_session(0x3E9),
        "net.enum_workstation_users paged": lambda: list(
            net.enum_workstation_users(level=1, prefmaxlen=64)
        ),
    }


def storm(
    netstub: NetStub, wtsstub: WtsStub, interrupts: int, seed: int = 1,
    lsastub: LsaStub | None = None,
) -> Result:  # fmt: skip
    """Run until ``interrupts`` KeyboardInterrupts have landed inside winsession calls
    (``lsastub``: the logon calls too)."""
    prepare(netstub, wtsstub)
    table = calls()
    if lsastub is not None:
        prepare_logon(lsastub)
        table.update(logon_calls())
    names = sorted(table)
    rng = random.Random(seed)
    result = Result(by_call=dict.fromkeys(names, 0))
    stop = threading.Event()
    started = threading.Event()

    class Done(Exception):
        pass

    def step(_: object) -> None:
        # One call. A KeyboardInterrupt that lands inside it is an interrupted call; one that
        # lands in this bookkeeping instead escapes to loop() below and counts as outside.
        try:
            if stop.is_set():
                raise Done
            name = names[rng.randrange(len(names))]
            try:
                table[name]()
                result.completed += 1
            except KeyboardInterrupt:
                result.interrupted += 1
                result.by_call[name] += 1
            except errors.WinSessionError:
                result.api_errors += 1
        except KeyboardInterrupt:
            result.outside += 1

    def loop() -> None:
        # The steps are driven by C (deque over map): no Python loop whose backward jump an
        # interrupt could land on outside every handler. This outer loop runs once per
        # escape only.
        started.set()
        while True:
            try:
                deque(map(step, repeat(None)), maxlen=0)
            except Done:
                return
            except KeyboardInterrupt:
                result.outside += 1

    inject = ctypes.pythonapi.PyThreadState_SetAsyncExc
    inject.argtypes = (ctypes.c_ulong, ctypes.py_object)
    inject.restype = ctypes.c_int
    cancel = ctypes.pythonapi["PyThreadState_SetAsyncExc"]  # a second function object
    cancel.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
    cancel.restype = ctypes.c_int

    def unraisable(info: Any) -> None:
        # An interrupt that lands in a finalizer or weakref callback is "unraisable": Python
        # prints and drops it. Recorded here (what it hit), so a test can see whose code it was.
        result.unraisable.append(f"{info.err_msg or 'in'}: {info.object!r}"[:200])

    gc.collect()  # earlier garbage is finalized now, not in the worker mid-storm
    saved = sys.getswitchinterval()
    saved_hook = sys.unraisablehook
    sys.unraisablehook = unraisable
    sys.setswitchinterval(1e-5)
    escaped: list[int] = []

    def worker() -> None:
        try:
            loop()
        except KeyboardInterrupt:  # landed in loop()'s own handler: outside every call
            escaped.append(1)

    def start_worker() -> tuple[threading.Thread, int]:
        started.clear()
        thread = threading.Thread(target=worker, name="storm-worker", daemon=True)
        thread.start()
        started.wait()
        assert thread.ident is not None
        return thread, thread.ident

    t0 = time.monotonic()
    thread, ident = start_worker()
    try:
        while result.interrupted < interrupts:
            if not thread.is_alive():
                if not escaped:
                    break  # ended otherwise: the counts below say so
                # An interrupt escaped the worker's bookkeeping (likelier on a busy machine,
                # e.g. beside other test tiers): it counts as outside, and a new worker goes on.
                escaped.clear()
                result.outside += 1
                thread, ident = start_worker()
            time.sleep(rng.random() * 0.0004)
            inject(ident, KeyboardInterrupt)
            result.injected += 1
    finally:
        cancel(ident, None)  # no injection pending from here on
        stop.set()
        thread.join(30)
        sys.setswitchinterval(saved)
        sys.unraisablehook = saved_hook
    assert not thread.is_alive(), "the worker hangs"
    result.seconds = time.monotonic() - t0
    gc.collect()
    result.net_buffers_leaked = int(netstub.outstanding())
    result.wts_buffers_leaked = int(wtsstub.outstanding())
    result.handles_leaked = int(wtsstub.open_handles())
    result.misfrees = sum(
        int(getattr(stub, counter)())
        for stub, counters in (
            (netstub, ("double_frees", "foreign_frees")),
            (wtsstub, ("double_frees", "foreign_frees", "wrong_frees", "bad_free_args",
                       "bad_closes")),
        )
        for counter in counters
    )  # fmt: skip
    if lsastub is not None:
        result.lsa_buffers_leaked = int(lsastub.outstanding())
        result.misfrees += int(lsastub.double_frees()) + int(lsastub.foreign_frees())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--interrupts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON line, for tests")
    ns = parser.parse_args(argv)
    if sys.platform != "win32":
        from winsession import _dll

        host = Path(__file__).resolve().parents[1] / "build" / "stubs" / "host"
        for dll, lib in (("netapi32", "netapi32"), ("wtsapi32", "wtsapi32"),
                         ("kernel32", "wtsapi32"), ("secur32", "secur32"),
                         ("advapi32", "secur32")):  # fmt: skip
            _dll.use_stand_in(dll, str(host / f"lib{lib}.so"))
    result = storm(NetStub(), WtsStub(), ns.interrupts, ns.seed, LsaStub())
    if ns.json:
        print("STORM " + json.dumps(vars(result)))
        return 0
    print(f"{'python':>20}: {sys.version.split()[0]} on {sys.platform}")
    for key, value in vars(result).items():
        if key != "by_call":
            print(f"{key:>20}: {value}")
    for name, count in result.by_call.items():
        print(f"{'interrupted in':>20}: {name}: {count}")
    leaks = result.net_buffers_leaked + result.wts_buffers_leaked + result.handles_leaked
    leaks += result.lsa_buffers_leaked
    return 1 if leaks or result.misfrees else 0


if __name__ == "__main__":
    sys.exit(main())
