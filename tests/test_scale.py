"""Robustness at scale (issue 6), against the netapi32 stand-in: host and wine-standin tiers.

Not timed: the benchmark (benchmarks/) measures speed. These check that concurrency, an
interrupt in the middle of a page and a million-session stream leave no buffer behind and
keep memory bounded by one page.
"""

from __future__ import annotations

import gc
import itertools
import sys
import threading
import tracemalloc

import pytest
from stubctl import NetStub

from winsession import net
from winsession.net import _sessions as net_sessions

PAGE = 64 * 1024


def expected(index: int) -> net.SessionInfo502:
    record: net.SessionInfo502 = NetStub.synthetic(index).record(502)
    return record


def test_bulk_sessions_decode_as_documented(netstub: NetStub) -> None:
    assert netstub.add_sessions_bulk(0) == 0
    assert netstub.add_sessions_bulk(50) == 50
    assert list(net.enum_sessions()) == [expected(i) for i in range(50)]


def test_eight_threads_enumerate_concurrently(netstub: NetStub) -> None:
    count = 20_000
    assert netstub.add_sessions_bulk(count) == count
    want = [expected(i) for i in range(count)]
    barrier = threading.Barrier(8)
    results: dict[int, object] = {}

    def worker(k: int) -> None:
        try:
            barrier.wait()
            # Different page sizes: the threads' NetSessionEnum calls interleave.
            prefmaxlen = net.MAX_PREFERRED_LENGTH if k == 0 else 2048 * k
            for _ in range(3):
                got = list(net.enum_sessions(level=502, prefmaxlen=prefmaxlen))
                if got != want:
                    results[k] = f"thread {k}: wrong result ({len(got)} records)"
                    return
            results[k] = True
        except BaseException as exc:  # reported below, in the test's thread
            results[k] = exc

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert results == {k: True for k in range(8)}
    assert netstub.outstanding() == 0


def test_keyboard_interrupt_from_the_consumer_mid_page(netstub: NetStub) -> None:
    netstub.add_sessions_bulk(1000)
    sessions = net.enum_sessions(level=502, prefmaxlen=4096)
    seen = 0
    with pytest.raises(KeyboardInterrupt):
        for s in sessions:
            assert s == expected(seen)
            seen += 1
            if seen == 7:  # inside the first page (4 KiB holds dozens of entries)
                raise KeyboardInterrupt
    assert netstub.calls() == 1, "the interrupt came after the first page"
    # The page was freed before its first record was yielded: nothing outstanding even
    # while the generator is still suspended.
    assert netstub.outstanding() == 0
    sessions.close()
    assert next(sessions, None) is None
    assert netstub.outstanding() == 0


def test_keyboard_interrupt_while_decoding_a_page(
    netstub: NetStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user_flags value never seen before makes the decoder build a new SessionFlags in
    # the middle of the page; that is where the interrupt is raised.
    odd = 0x5A0000
    assert odd not in net_sessions._FLAG_CACHE
    netstub.add_sessions_bulk(100)
    netstub.add_session(None, "\\\\ODD", "odd", 0, 0, 0, odd, "t", "x")
    netstub.add_sessions_bulk(100)

    def interrupt(value: int) -> net.SessionFlags:
        raise KeyboardInterrupt

    monkeypatch.setattr(net_sessions, "SessionFlags", interrupt)
    sessions = net.enum_sessions(level=502)
    with pytest.raises(KeyboardInterrupt):
        next(sessions)
    assert netstub.calls() == 1 and netstub.allocs() == 1
    assert netstub.outstanding() == 0, "the buffer being decoded was not freed"
    assert next(sessions, None) is None  # the generator is finished
    assert odd not in net_sessions._FLAG_CACHE


def test_a_million_sessions_stream_in_constant_memory(netstub: NetStub) -> None:
    # tracemalloc would make this run minutes; the interpreter's count of allocated blocks
    # is free to read and shows the same thing: it must not grow with the records consumed.
    count = 1_000_000
    assert netstub.add_sessions_bulk(count) == count
    checked = seen = 0
    gc.collect()
    baseline = most = sys.getallocatedblocks()
    for s in net.enum_sessions(level=502, prefmaxlen=PAGE):
        if seen % 10_000 == 0:
            most = max(most, sys.getallocatedblocks())
        if seen % 99_991 == 0:
            assert s == expected(seen)
            checked += 1
        seen += 1
    assert seen == count and checked == 11
    assert netstub.outstanding() == 0
    # A 64 KiB page is ~230 records of a few objects each; a list of a million records
    # would be millions of blocks.
    assert most - baseline < 20_000, f"{most - baseline} blocks more than at the start"


def test_a_stream_peaks_at_one_page_of_memory(netstub: NetStub) -> None:
    count = 100_000
    assert netstub.add_sessions_bulk(count) == count
    seen = 0
    tracemalloc.start()
    try:
        for _ in net.enum_sessions(level=502, prefmaxlen=PAGE):
            seen += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count and netstub.outstanding() == 0
    # One page decodes to a few hundred KiB; the list of these 100,000 records is ~37 MiB.
    assert peak < 2 * 2**20, f"peak {peak / 2**20:.1f} MiB"


# --- the collector pause around large pages -------------------------------------------------


_UNSEEN = itertools.count(0x3C0000)


def _probe_gc_during_decode(netstub: NetStub, monkeypatch: pytest.MonkeyPatch, before: int,
                            fail: bool = False) -> list[bool]:  # fmt: skip
    """Put an unseen user_flags value after ``before`` sessions; when the decoder meets it,
    note whether the collector is enabled (and optionally interrupt the decoding there)."""
    odd = next(_UNSEEN)
    assert odd not in net_sessions._FLAG_CACHE
    netstub.add_sessions_bulk(before)
    netstub.add_session(None, "\\\\ODD", "odd", 0, 0, 0, odd, "t", "x")
    netstub.add_sessions_bulk(10)
    seen: list[bool] = []
    real = net.SessionFlags

    def probe(value: int) -> net.SessionFlags:
        seen.append(gc.isenabled())
        if fail:
            raise KeyboardInterrupt
        return real(value)

    monkeypatch.setattr(net_sessions, "SessionFlags", probe)
    return seen


def test_a_large_page_decodes_with_the_collector_paused(
    netstub: NetStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _probe_gc_during_decode(netstub, monkeypatch, 5000)
    assert gc.isenabled()
    assert len(list(net.enum_sessions(level=502))) == 5011
    assert seen == [False] and gc.isenabled()  # paused inside, on again afterwards
    assert netstub.outstanding() == 0


def test_a_small_page_leaves_the_collector_alone(
    netstub: NetStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _probe_gc_during_decode(netstub, monkeypatch, 100)
    assert len(list(net.enum_sessions(level=1))) == 111
    assert seen == [True] and gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(
    netstub: NetStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _probe_gc_during_decode(netstub, monkeypatch, 5000)
    gc.disable()
    try:
        assert len(list(net.enum_sessions(level=2))) == 5011
        assert seen == [False] and not gc.isenabled()
    finally:
        gc.enable()


def test_an_interrupt_inside_a_large_page_turns_the_collector_back_on(
    netstub: NetStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _probe_gc_during_decode(netstub, monkeypatch, 5000, fail=True)
    sessions = net.enum_sessions(level=502)
    with pytest.raises(KeyboardInterrupt):
        next(sessions)
    assert seen == [False] and gc.isenabled()
    assert netstub.outstanding() == 0
