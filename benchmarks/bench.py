"""winsession vs pywin32, side by side in one process, on the same stand-in DLLs.

Run by ``benchmarks/run.py`` under the Windows embeddable CPython in Wine (with pywin32 on a
benchmark-only path), one mode per process; every mode prints one ``RESULT {json}`` line.
On a Linux host it runs the winsession half against the host stand-ins (for profiling).

Modes:
  time N RUNS [LEVEL]  full materialisation, time to first record, tracemalloc peaks
  mem N LEVEL IMPL     process peak working set for one consumer (IMPL: stream, list, pywin32)
  wts N RUNS           wts.enumerate_sessions vs win32ts.WTSEnumerateSessions
  load N               the control-export loop (one ctypes call per session) vs the bulk export
  gc N RUNS LEVEL      where list() spends its time: inside the cyclic collector or not
  files N RUNS         NetFileEnum level 3: net.enum_files vs win32net.NetFileEnum, time and
                       tracemalloc peaks (streaming in 64 KiB pages vs one page's records)
  levels N RUNS WTS_N [CALL[:LEVEL]...]
                       every enumeration at every level, interleaved with its pywin32
                       counterpart in one process: NetSessionEnum 0/1/2/10/502, NetFileEnum 2/3
                       and NetConnectionEnum 0/1 on N entries, WTSEnumerateSessions(Ex) on
                       WTS_N sessions (see LEVEL_CASES for the two calls pywin32 lacks); only
                       the cases named, if any (``NetSessionEnum:0``, ``NetFileEnum``)
  logon N RUNS         N LSA logon sessions with their data: logon.enum_logon_sessions vs
                       win32security's LsaEnumerateLogonSessions + LsaGetLogonSessionData loop
  wksta N RUNS LEVEL   N workstation users: net.enum_workstation_users vs
                       win32net.NetWkstaUserEnum
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

if sys.platform != "win32":  # host profiling: the Linux stand-ins through the test hook
    from winsession import _dll

    # advapi32's LsaNtStatusToWinError comes from the secur32 stand-in on the host.
    for _name, _lib in (("netapi32", "netapi32"), ("wtsapi32", "wtsapi32"),
                        ("secur32", "secur32"), ("advapi32", "secur32")):  # fmt: skip
        _dll.use_stand_in(_name, str(ROOT / "build" / "stubs" / "host" / f"lib{_lib}.so"))

from stubctl import Logon, LsaStub, NetStub, WkstaStub, WtsStub, sid_bytes  # noqa: E402

from winsession import logon, net, wts  # noqa: E402

try:
    import win32net  # pywin32: no types (pyproject.toml's mypy overrides)
    import win32security
    import win32ts
except ImportError:
    win32net = win32security = win32ts = None

PAGE = 64 * 1024
LEVELS = (10, 502)


def result(**data: Any) -> None:
    print("RESULT " + json.dumps(data), flush=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def runs(fn: Callable[[], Any], count: int) -> list[float]:
    times = []
    for _ in range(count):
        seconds, value = timed(fn)
        del value  # freed before the next run, outside the timing
        times.append(seconds)
    return times


def stats(times: list[float], per: int = 1) -> dict[str, float]:
    return {"best": min(times) / per, "median": statistics.median(times) / per}


def peak_working_set() -> int:
    """The process's peak working set in bytes (K32GetProcessMemoryInfo; ru_maxrss off Windows)."""
    if sys.platform != "win32":
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", ctypes.c_uint32),
            ("PageFaultCount", ctypes.c_uint32),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    fn = kernel32.K32GetProcessMemoryInfo
    fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(Counters), ctypes.c_uint32]
    fn.restype = ctypes.c_int
    kernel32.GetCurrentProcess.restype = ctypes.c_void_p
    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    if not fn(kernel32.GetCurrentProcess(), ctypes.byref(counters), counters.cb):
        raise ctypes.WinError(ctypes.get_last_error())
    return int(counters.PeakWorkingSetSize)


def load_net(n: int) -> NetStub:
    stub = NetStub()
    stub.reset()
    assert stub.add_sessions_bulk(n) == n
    return stub


def check_same(stub: NetStub, level: int, n: int) -> None:
    """Both libraries see the same stand-in table (and pywin32 really calls the stand-in)."""
    ours = list(net.enum_sessions(level=level))
    assert len(ours) == n and ours[-1].client_name == NetStub.synthetic(n - 1).cname
    if win32net is not None:
        before = stub.calls()
        theirs = win32net.NetSessionEnum(level, None, None, None)
        assert stub.calls() > before, "pywin32 did not call the stand-in"
        assert len(theirs) == n, (len(theirs), n)
        assert theirs[-1]["client_name"] == ours[-1].client_name, theirs[-1]
        result(
            check="pywin32",
            level=level,
            calls=stub.calls() - before,
            prefmaxlen=stub.last_prefmaxlen(),
            keys=sorted(theirs[0]),
        )


def tracemalloc_peak(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        value = fn()
        del value
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def stream(level: int) -> None:
    for _ in net.enum_sessions(level=level, prefmaxlen=PAGE):
        pass


def first(level: int) -> Any:
    # The iterator's close() is documented (it stops early); its annotation says Iterator.
    it: Any = net.enum_sessions(level=level, prefmaxlen=PAGE)
    record = next(it)
    it.close()
    return record


def time_level(stub: NetStub, n: int, level: int, count: int) -> None:
    check_same(stub, level, n)
    out: dict[str, Any] = {"mode": "time", "n": n, "level": level}
    out["winsession"] = stats(runs(lambda: list(net.enum_sessions(level=level)), count), n)
    out["first"] = stats(runs(lambda: first(level), count))
    out["stream_s"] = stats(runs(lambda: stream(level), 1), n)
    out["tm_stream"] = tracemalloc_peak(lambda: stream(level))
    out["tm_list"] = tracemalloc_peak(lambda: list(net.enum_sessions(level=level)))
    if win32net is not None:
        call = lambda: win32net.NetSessionEnum(level, None, None, None)  # noqa: E731
        out["pywin32"] = stats(runs(call, count), n)
        out["pywin32_full"] = stats(runs(call, 1))
        out["tm_pywin32"] = tracemalloc_peak(call)
    result(**out)


def mode_time(n: int, count: int, levels: tuple[int, ...] = LEVELS) -> None:
    stub = load_net(n)
    for level in levels:
        time_level(stub, n, level, count)
    stub.reset()
    stub.assert_clean()


def mode_mem(n: int, level: int, impl: str) -> None:
    stub = load_net(n)
    gc.collect()
    base = peak_working_set()
    if impl == "stream":
        stream(level)
    elif impl == "list":
        value = list(net.enum_sessions(level=level))
        assert len(value) == n
    elif impl == "pywin32":
        value = win32net.NetSessionEnum(level, None, None, None)
        assert len(value) == n
    else:
        raise SystemExit(f"unknown impl {impl}")
    peak = peak_working_set()
    result(mode="mem", n=n, level=level, impl=impl, base=base, peak=peak)
    stub.reset()


def mode_wts(n: int, count: int) -> None:
    stub = WtsStub()
    stub.reset()
    for i in range(n):
        assert stub.add_session(None, i, i % 10, f"RDP-Tcp#{i}") >= 0
    ours = wts.enumerate_sessions()
    assert len(ours) == n
    out: dict[str, Any] = {"mode": "wts", "n": n}
    out["winsession"] = stats(runs(wts.enumerate_sessions, count), n)
    if win32ts is not None:
        theirs = win32ts.WTSEnumerateSessions(None)
        assert len(theirs) == n and theirs[-1]["SessionId"] == ours[-1].session_id, theirs[-1]
        out["pywin32"] = stats(runs(lambda: win32ts.WTSEnumerateSessions(None), count), n)
    result(**out)
    stub.reset()
    stub.assert_clean()


def mode_load(n: int) -> None:
    stub = NetStub()
    stub.reset()
    loop, _ = timed(
        lambda: [
            stub.add_session(
                None,
                f"\\\\C{i}",
                f"u{i}",
                i % 8,
                i,
                i % 3600,
                i % 4,
                "Windows 10 Enterprise",
                "\\Device\\NetbiosSmb",
            )
            for i in range(n)
        ]
    )
    stub.reset()
    bulk, _ = timed(lambda: stub.add_sessions_bulk(n))
    stub.reset()
    result(mode="load", n=n, loop_s=loop, bulk_s=bulk)


class CollectorClock:
    """Time spent inside the cyclic garbage collector (gc.callbacks), and collections run."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1


def mode_gc(n: int, count: int, level: int) -> None:
    """list() of n records: total time, the part spent in the collector, and with it off."""
    load_net(n)
    out: dict[str, Any] = {"mode": "gc", "n": n, "level": level}
    calls = {"winsession": lambda: list(net.enum_sessions(level=level))}
    if win32net is not None:
        calls["pywin32"] = lambda: win32net.NetSessionEnum(level, None, None, None)
    for name, call in calls.items():
        totals, in_gc, collections = [], [], []
        for _ in range(count):
            gc.collect()
            clock = CollectorClock()
            gc.callbacks.append(clock)
            try:
                seconds, value = timed(call)
            finally:
                gc.callbacks.remove(clock)
            del value
            totals.append(seconds)
            in_gc.append(clock.seconds)
            collections.append(clock.collections)
        gc.collect()
        gc.disable()
        try:
            off = runs(call, count)
        finally:
            gc.enable()
        out[name] = {
            "total": stats(totals, n),
            "in_gc": stats(in_gc, n),
            "collections": statistics.median(collections),
            "gc_off": stats(off, n),
        }
    result(**out)


def pywin32_files() -> list[Any]:
    """Every open file through pywin32: its NetFileEnum(level, server, basepath, username)
    follows the resume handle itself and returns one list of dicts."""
    return list(win32net.NetFileEnum(3, None, None, None))


def mode_files(n: int, count: int) -> None:
    stub = NetStub()
    stub.reset()
    assert stub.add_files_bulk(n) == n
    ours = list(net.enum_files())
    last = NetStub.synthetic_file(n - 1)
    assert len(ours) == n and ours[-1].path_name == last.path
    out: dict[str, Any] = {"mode": "files", "n": n, "level": 3}
    if win32net is not None:
        before = stub.calls()
        theirs = pywin32_files()
        assert stub.calls() > before, "pywin32 did not call the stand-in"
        assert len(theirs) == n and theirs[-1]["path_name"] == last.path, theirs[-1]
        out["pywin32_calls"] = stub.calls() - before
    # Interleaved (ours, theirs, ours, ...): on a shared machine both see the same load, and
    # each pair's ratio compares like with like.
    ours_t: list[float] = []
    theirs_t: list[float] = []
    for _ in range(count):
        ours_t += runs(lambda: list(net.enum_files()), 1)
        if win32net is not None:
            theirs_t += runs(pywin32_files, 1)
    out["winsession"] = stats(ours_t, n)
    if theirs_t:
        out["pywin32"] = stats(theirs_t, n)
        out["pair_ratio"] = statistics.median(a / b for a, b in zip(ours_t, theirs_t))

    def stream_files() -> None:
        for _ in net.enum_files(prefmaxlen=PAGE):
            pass

    before = stub.calls()
    stream_files()
    per_page = -(-n // (stub.calls() - before))  # entries in one 64 KiB page

    def one_page() -> Any:
        # What one 64 KiB page holds, as records: the bound streaming must stay within.
        it: Any = net.enum_files(prefmaxlen=PAGE)
        page = list(itertools.islice(it, per_page))
        it.close()
        return page

    out["per_page"] = per_page
    out["stream_s"] = stats(runs(stream_files, 1), n)
    out["tm_stream"] = tracemalloc_peak(stream_files)
    out["tm_page"] = tracemalloc_peak(one_page)
    out["tm_list"] = tracemalloc_peak(lambda: list(net.enum_files()))
    if win32net is not None:
        out["tm_pywin32"] = tracemalloc_peak(pywin32_files)
    result(**out)
    stub.reset()
    stub.assert_clean()


# pywin32 312 binds neither NetConnectionEnum nor WTSEnumerateSessionsEx. For those the
# comparison is with what pywin32 would take if it did: this call's own stand-in time (the
# raw ctypes call and the free, nothing decoded) plus pywin32's decoding time per record for
# the call whose records have the nearest shape with no more work per record (its total less
# its own raw call) -- CONNECTION_INFO_0 (one DWORD) as FILE_INFO_2 (one DWORD),
# CONNECTION_INFO_1 (5 DWORDs, 2 strings) as SESSION_INFO_1 (4 DWORDs, 2 strings),
# WTS_SESSION_INFO_1W (3 DWORDs, 5 strings) as SESSION_INFO_502 (4 DWORDs, 4 strings).

SHARE = "Data"


def raw_enum(function: Callable[..., int], *args: Any, resume: Any = None) -> Callable[[], None]:
    """One netapi32 enumeration of everything through the raw binding, its buffer freed:
    the stand-in's own time, with nothing decoded."""
    from winsession.raw import netapi32 as raw
    from winsession.raw._types import DWORD, LPBYTE

    def call() -> None:
        buf, read, total = LPBYTE(), DWORD(), DWORD()
        handle = (resume or DWORD)()
        function(*args, ctypes.byref(buf), raw.MAX_PREFERRED_LENGTH, ctypes.byref(read),
                 ctypes.byref(total), ctypes.byref(handle))  # fmt: skip
        raw.NetApiBufferFree(buf)

    return call


def raw_wts(ex: bool) -> Callable[[], None]:
    """WTSEnumerateSessions(Ex)W through the raw binding, its buffer freed."""
    from winsession.raw import wtsapi32 as raw
    from winsession.raw._types import DWORD

    def call() -> None:
        count = DWORD()
        if ex:
            buf: Any = ctypes.POINTER(raw.WTS_SESSION_INFO_1W)()
            level = DWORD(1)
            raw.WTSEnumerateSessionsExW(None, ctypes.byref(level), 0, ctypes.byref(buf),
                                        ctypes.byref(count))  # fmt: skip
            raw.WTSFreeMemoryExW(raw.WTSTypeSessionInfoLevel1, buf, count.value)
        else:
            buf = ctypes.POINTER(raw.WTS_SESSION_INFOW)()
            raw.WTSEnumerateSessionsW(None, 0, 1, ctypes.byref(buf), ctypes.byref(count))
            raw.WTSFreeMemory(buf)

    return call


class LevelCase:
    """One call at one level: winsession's, pywin32's (or the proxy's), and the raw calls."""

    def __init__(self, call: str, level: int, ours: Callable[[], Any], raw: Callable[[], None],
                 theirs: Callable[[], Any], proxy: str = "",
                 proxy_raw: Optional[Callable[[], None]] = None) -> None:  # fmt: skip
        self.call, self.level, self.ours, self.raw, self.theirs = call, level, ours, raw, theirs
        self.proxy, self.proxy_raw = proxy, proxy_raw


def level_cases() -> list[LevelCase]:
    from winsession.raw import netapi32 as raw

    def sessions(level: int) -> LevelCase:
        return LevelCase("NetSessionEnum", level, lambda: list(net.enum_sessions(level=level)),
                         raw_enum(raw.NetSessionEnum, None, None, None, level),
                         lambda: win32net.NetSessionEnum(level, None, None, None))  # fmt: skip

    def files(level: int) -> LevelCase:
        return LevelCase("NetFileEnum", level, lambda: list(net.enum_files(level=level)),
                         raw_enum(raw.NetFileEnum, None, None, None, level,
                                  resume=ctypes.c_size_t),
                         lambda: win32net.NetFileEnum(level, None, None, None))  # fmt: skip

    def connections(level: int, like: LevelCase) -> LevelCase:
        return LevelCase("NetConnectionEnum", level,
                         lambda: list(net.enum_connections(SHARE, level=level)),
                         raw_enum(raw.NetConnectionEnum, None, SHARE, level), like.theirs,
                         f"{like.call} level {like.level}", like.raw)  # fmt: skip

    return [
        *(sessions(level) for level in (0, 1, 2, 10, 502)),
        *(files(level) for level in (2, 3)),
        connections(0, files(2)),
        connections(1, sessions(1)),
        LevelCase("WTSEnumerateSessions", 1, wts.enumerate_sessions, raw_wts(False),
                  lambda: win32ts.WTSEnumerateSessions(None)),
        LevelCase("WTSEnumerateSessionsEx", 1, wts.enumerate_sessions_ex, raw_wts(True),
                  sessions(502).theirs, "NetSessionEnum level 502", sessions(502).raw),
    ]  # fmt: skip


def mode_levels(n: int, count: int, wts_n: int, only: tuple[str, ...] = ()) -> None:
    """Every call at every level against pywin32, the runs of all of them interleaved (ours,
    theirs, raw, ...) in one process so all see the same machine load; best of ``count``."""
    stub = load_net(n)
    assert stub.add_files_bulk(n) == n
    for i in range(n):  # no bulk export for connections: one ctypes call each
        assert stub.add_connection(None, i + 1, SHARE, f"\\\\C{i}", f"u{i % 100}", 0, i % 8,
                                   1, i) > 0  # fmt: skip
    wstub = WtsStub()
    wstub.reset()
    for i in range(wts_n):
        assert wstub.add_session(None, i, i % 10, f"RDP-Tcp#{i}") == 0
        for field, text in ((5, f"user{i}"), (7, "CONTOSO"), (100, "RDSH-1")):
            assert wstub.set_string(None, i, field, text) == 0
    cases = [c for c in level_cases()
             if not only or {c.call, f"{c.call}:{c.level}"} & set(only)]  # fmt: skip
    size = {"WTSEnumerateSessions": wts_n, "WTSEnumerateSessionsEx": wts_n}
    times: dict[tuple[int, str], list[float]] = {}
    for case in cases:  # both sides list the whole table (and pywin32 calls the stand-in)
        entries = size.get(case.call, n)
        assert len(case.ours()) == entries, (case.call, case.level)
        if win32net is not None:
            assert len(case.theirs()) == (n if case.proxy else entries), (case.call, case.level)
    for round_no in range(count):
        for index, case in enumerate(cases):
            parts = [("winsession", case.ours), ("raw", case.raw)]
            if win32net is not None:
                parts.append(("pywin32", case.theirs))
                if case.proxy_raw is not None:
                    parts.append(("proxy_raw", case.proxy_raw))
            # Each run finds the memory the one before it freed: the order turns every round,
            # and every other cycle of turns runs backwards, so each side runs after each of
            # the others as often. (Turning alone ran winsession after pywin32, and pywin32
            # after the raw call, every time: after pywin32 frees its 100,000 dicts, the
            # next 10^5-record run starts about a tenth slower.)
            turn = round_no % len(parts)
            order = parts[turn:] + parts[:turn]
            if round_no // len(parts) % 2:
                order.reverse()
            for part, fn in order:
                times.setdefault((index, part), []).extend(runs(fn, 1))
    for index, case in enumerate(cases):
        entries = size.get(case.call, n)
        best = {part: min(t) for (i, part), t in times.items() if i == index}
        out: dict[str, Any] = {
            "mode": "levels", "call": case.call, "level": case.level, "n": entries,
            "proxy": case.proxy, "winsession": best["winsession"] / entries,
            "raw": best["raw"] / entries,
        }  # fmt: skip
        if "pywin32" in best:
            if case.proxy:  # their decoding per record, on top of this call's stand-in time
                decoding = (best["pywin32"] - best["proxy_raw"]) / n
                out["pywin32"] = out["raw"] + decoding
            else:
                out["pywin32"] = best["pywin32"] / entries
            out["ratio"] = out["winsession"] / out["pywin32"]
        result(**out)
    stub.reset()
    stub.assert_clean()
    wstub.reset()
    wstub.assert_clean()


def interleaved(ours: Callable[[], Any], theirs: Optional[Callable[[], Any]], count: int,
                n: int) -> dict[str, Any]:  # fmt: skip
    """Alternating runs (ours, theirs, ours, ...): on a shared machine both see the same load.
    Best/median per record of each, and the median of the per-pair ratios."""
    ours_t: list[float] = []
    theirs_t: list[float] = []
    for _ in range(count):
        ours_t += runs(ours, 1)
        if theirs is not None:
            theirs_t += runs(theirs, 1)
    out: dict[str, Any] = {"winsession": stats(ours_t, n)}
    if theirs_t:
        out["pywin32"] = stats(theirs_t, n)
        out["pair_ratio"] = statistics.median(a / b for a, b in zip(ours_t, theirs_t))
    return out


T0 = 133_590_000_000_000_000  # FILETIME ticks: 2024-05-01, UTC
HOUR = 36_000_000_000


def synthetic_logon(i: int) -> Logon:
    """Logon session ``i`` of the benchmark's table: a domain user's network or interactive
    logon with the members a domain member fills in (as the demo's people have them)."""
    name = f"user{i:05d}"
    sid = sid_bytes(f"S-1-5-21-1004336348-1177238915-682003330-{1000 + i}")
    return Logon(
        0x10000 + i, name, "CONTOSO", ("Kerberos", "NTLM", "Negotiate")[i % 3],
        (2, 3, 10, 5)[i % 4], i % 64, sid,
        T0 + i * 10_000_000, "DC01", "CONTOSO.COM", f"{name}@contoso.com", user_flags=0x20,
        last_successful_logon=T0 - 24 * HOUR, failed_attempt_count=i % 3,
        home_directory=f"\\\\FS1\\home\\{name}", home_directory_drive="H:",
        password_last_set=T0 - 720 * HOUR, password_can_change=T0 - 696 * HOUR,
    )  # fmt: skip


def pywin32_logons() -> list[Any]:
    """Every logon session's data through pywin32: its two calls, as its users loop them."""
    return [win32security.LsaGetLogonSessionData(luid)
            for luid in win32security.LsaEnumerateLogonSessions()]  # fmt: skip


def mode_logon(n: int, count: int) -> None:
    stub = LsaStub()
    stub.reset()
    loaded, _ = timed(lambda: [stub.add(synthetic_logon(i)) for i in range(n)])
    ours = list(logon.enum_logon_sessions())
    last = synthetic_logon(n - 1)
    assert len(ours) == n and ours[-1].user_name == last.user_name, ours[-1]
    assert ours[-1].home_directory == last.home_directory
    out: dict[str, Any] = {"mode": "logon", "n": n, "load_s": loaded}
    theirs = None
    if win32security is not None:
        before = stub.calls()
        got = pywin32_logons()
        assert stub.calls() - before == n + 1, "pywin32 did not call the stand-in"
        assert len(got) == n and got[-1]["UserName"] == last.user_name, got[-1]
        assert got[-1]["LogonId"] == ours[-1].logon_id
        theirs = pywin32_logons
    out |= interleaved(lambda: list(logon.enum_logon_sessions()), theirs, count, n)
    result(**out)
    stub.reset()
    stub.assert_clean()


def mode_wksta(n: int, count: int, level: int) -> None:
    netstub = NetStub()
    netstub.reset()
    stub = WkstaStub()
    stub.reset()
    for i in range(n):
        assert stub.add_user(None, f"user{i:05d}", "CONTOSO", "", "DC01") > 0
    ours = list(net.enum_workstation_users(level=level))
    assert len(ours) == n and ours[-1].user_name == f"user{n - 1:05d}", ours[-1]
    out: dict[str, Any] = {"mode": "wksta", "n": n, "level": level}
    theirs = None
    if win32net is not None:
        before = netstub.calls()
        users, total, resume = win32net.NetWkstaUserEnum(None, level)
        assert netstub.calls() > before, "pywin32 did not call the stand-in"
        # One call brings every user (MAX_PREFERRED_LENGTH): nothing left to resume.
        assert len(users) == total == n and resume == 0, (len(users), total, resume)
        assert users[-1]["username"] == ours[-1].user_name, users[-1]
        theirs = lambda: win32net.NetWkstaUserEnum(None, level)  # noqa: E731
    out |= interleaved(lambda: list(net.enum_workstation_users(level=level)), theirs, count, n)
    result(**out)
    stub.reset()
    netstub.reset()
    netstub.assert_clean()


def main(argv: list[str]) -> None:
    mode, *args = argv
    if mode == "time":
        mode_time(int(args[0]), int(args[1]), tuple(map(int, args[2:])) or LEVELS)
    elif mode == "mem":
        mode_mem(int(args[0]), int(args[1]), args[2])
    elif mode == "wts":
        mode_wts(int(args[0]), int(args[1]))
    elif mode == "load":
        mode_load(int(args[0]))
    elif mode == "files":
        mode_files(int(args[0]), int(args[1]))
    elif mode == "levels":
        mode_levels(int(args[0]), int(args[1]), int(args[2]), tuple(args[3:]))
    elif mode == "gc":
        mode_gc(int(args[0]), int(args[1]), int(args[2]))
    elif mode == "logon":
        mode_logon(int(args[0]), int(args[1]))
    elif mode == "wksta":
        mode_wksta(int(args[0]), int(args[1]), int(args[2]) if args[2:] else 1)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
