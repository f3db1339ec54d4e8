"""logon.enum_logon_sessions' batch decoding (the columns of many answers at once) gives what
the one-by-one decoding of get_logon_session gives, through the real ctypes calls into the
secur32 stand-in (host and Wine tiers)."""

from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stubctl import LSA_STRINGS, Logon, LsaStub, sid_bytes

from winsession import errors, logon

T0 = 133_590_000_000_000_000  # 2024-05-01 in FILETIME ticks
SIDS = [None, "S-1-5", "S-1-5-18", "S-1-5-90-0-1", "S-1-5-21-1004336348-1177238915-682003330-1001",
        "S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14"]  # fmt: skip
TIMES = [0, T0, T0 + 1, T0 + 10**10, 5, -1, 0x7FFFFFFFFFFFFFFF]


def big_authority_sid() -> bytes:
    """S-1-0x123456789ABC-7: an authority of 2**32 or more, which Windows writes in hex."""
    return bytes([1, 1]) + (0x123456789ABC).to_bytes(6, "big") + (7).to_bytes(4, "little")


rows = st.builds(
    lambda low, texts, sid, times, kind, session: (low, texts, sid, times, kind, session),
    st.integers(0, 0xFFFFFFFF),
    st.lists(st.text(max_size=12), min_size=len(LSA_STRINGS), max_size=len(LSA_STRINGS)),
    st.sampled_from([*SIDS, "big"]),
    st.lists(st.sampled_from(TIMES), min_size=8, max_size=8),
    st.integers(0, 20),
    st.integers(0, 0xFFFFFFFF),
)


def logon_of(i: int, row: tuple) -> Logon:  # type: ignore[type-arg]
    low, texts, sid, times, kind, session = row
    binary = big_authority_sid() if sid == "big" else (sid_bytes(sid) if sid else None)
    return Logon(
        (i << 32) | low, *texts[:3], kind, session, binary, times[0], *texts[3:6],
        user_flags=i, last_successful_logon=times[1], last_failed_logon=times[2],
        failed_attempt_count=i % 5, logon_script=texts[6], profile_path=texts[7],
        home_directory=texts[8], home_directory_drive=texts[9], logoff_time=times[3],
        kick_off_time=times[4], password_last_set=times[5], password_can_change=times[6],
        password_must_change=times[7],
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, min_size=1, max_size=40))
def test_a_batch_decodes_as_one_by_one(_lsastub: LsaStub, table: list) -> None:  # type: ignore[type-arg]
    stub = _lsastub
    stub.load([logon_of(i, row) for i, row in enumerate(table)])
    try:
        batch = list(logon.enum_logon_sessions())
        one_by_one = [logon.get_logon_session(s.logon_id) for s in batch]
        assert [s.logon_id for s in batch] == [logon_of(i, r).logon_id for i, r in enumerate(table)]
        assert batch == one_by_one
        assert [repr(s) for s in batch] == [repr(s) for s in one_by_one]
    finally:
        stub.assert_clean()


def test_a_bad_string_in_a_batch_raises_where_it_is(lsastub: LsaStub) -> None:
    """The records before it come out first, as one by one: batches are 1, 2, 4, ... long, and
    the fourth session sits in the third batch with the fifth (and an odd Length)."""
    lsastub.load([logon_of(i, (i, ["x"] * 10, None, [T0] * 8, 2, 0)) for i in range(6)])
    assert lsastub.set_string(3, 0, b"abc", 3, 3, 4) == 0
    sessions = logon.enum_logon_sessions()
    assert [next(sessions).logon_id & 0xFF for _ in range(3)] == [0, 1, 2]
    with pytest.raises(errors.LsaError) as info:
        next(sessions)
    assert info.value.winerror == 13 and "odd Length" in str(info.value)
    assert lsastub.outstanding() == 0


def test_an_older_windows_in_a_batch_is_decoded_one_by_one(lsastub: LsaStub) -> None:
    lsastub.load([logon_of(i, (i, ["y"] * 10, "S-1-5-18", [T0] * 8, 3, 1)) for i in range(9)])
    lsastub.set_data_size(136)  # the structure ends after Upn: the later members are None
    got = list(logon.enum_logon_sessions())
    assert len(got) == 9 and all(s.user_flags is None and s.upn == "y" for s in got)
    assert got == [logon.get_logon_session(s.logon_id) for s in got]


def test_a_large_batch_pauses_the_collector_and_resumes_it(lsastub: LsaStub) -> None:
    n = 4200  # batches of 1, 2, ... 1024 (2047 ids), then 2048 (collector paused), then 105
    lsastub.load([logon_of(i, (i, [f"u{i}"] * 10, SIDS[i % 5], [T0 + i] * 8, i % 14, i))
                  for i in range(n)])  # fmt: skip
    assert gc.isenabled()
    got = list(logon.enum_logon_sessions())
    assert gc.isenabled() and len(got) == n
    assert [s.user_name for s in got] == [f"u{i}" for i in range(n)]
    sample = got[::97]
    assert sample == [logon.get_logon_session(s.logon_id) for s in sample]


def test_every_kind_of_column_decodes_as_one_by_one(lsastub: LsaStub) -> None:
    """Columns of repeated times (decoded through a table), of times all set, of mixed ones
    (0, "never", negative), SIDs of several shapes with NULLs among them, in batches of 1 to
    64 answers."""
    sids = [*SIDS, "big"]
    lsastub.load([logon_of(i, (i, [f"{k}-{i % (k + 1)}" for k in range(10)], sids[i % 7],
                               [TIMES[(i + k) % 7] if k % 2 else T0 + i for k in range(8)],
                               i % 21, i)) for i in range(127)])  # fmt: skip
    got = list(logon.enum_logon_sessions())
    assert len(got) == 127
    assert got == [logon.get_logon_session(s.logon_id) for s in got]
    assert {s.sid for s in got} == {*SIDS, "S-1-0x123456789ABC-7"}


SURROGATES = [
    "\U0001f600",
    "a\ud800",
    "\udc00b",
    "\ud83d",
    "\ude00",
    "x\ud800\udc00y",
    "\ufeff",
    "",
]


def utf16(text: str) -> str:
    """What Windows holds for ``text``: its UTF-16 code units, two lone ones forming a pair."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(SURROGATES), min_size=len(LSA_STRINGS),
                         max_size=len(LSA_STRINGS)), min_size=1, max_size=12))  # fmt: skip
def test_surrogates_decode_in_a_batch_as_one_by_one(_lsastub: LsaStub, texts: list) -> None:  # type: ignore[type-arg]
    """A pair is one character, a lone surrogate stays itself, a BOM is text: in the batch's
    column decoding (a c_wchar slice on Windows, the UTF-16 decoder elsewhere) as one by one,
    also where one string's lone high surrogate is followed by the next one's low."""
    stub = _lsastub
    rows = [(i, strings, None, [T0] * 8, 2, 1) for i, strings in enumerate(texts)]
    stub.load([logon_of(i, row) for i, row in enumerate(rows)])
    try:
        batch = list(logon.enum_logon_sessions())
        assert [[getattr(s, f) for f in ("user_name", "logon_domain", "upn")] for s in batch] == [
            [utf16(t[0]), utf16(t[1]), utf16(t[5])] for t in texts
        ]
        assert batch == [logon.get_logon_session(s.logon_id) for s in batch]
    finally:
        stub.assert_clean()
