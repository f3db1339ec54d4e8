"""Filling records from an API's buffers: the fast decoder that turns an array of
structures into records, and FILETIME conversion. The record classes themselves are made in
:mod:`winsession._record`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import gc
import struct as struct_module
import types
from collections import deque
from collections.abc import Container, Iterable, Mapping
from itertools import repeat, starmap
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar
from typing import cast as typing_cast

if TYPE_CHECKING:
    from typing import Protocol

FILETIME_EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)
"""A FILETIME counts 100-nanosecond intervals since this instant (UTC)."""


def from_filetime(ticks: int) -> Optional[datetime.datetime]:
    """FILETIME ticks -> aware UTC datetime; 0 (unset) and unrepresentable values -> None."""
    if ticks <= 0:
        return None
    try:
        return FILETIME_EPOCH + datetime.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None


def to_filetime(value: Optional[datetime.datetime]) -> int:
    """Aware (or naive UTC) datetime -> FILETIME ticks; None -> 0 (unset)."""
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


# --- turning an array of structures into records, fast ----------------------------------------

R = TypeVar("R")
V = TypeVar("V")

_CHUNK = 4096
"""Entries decoded per batch: keeps the temporary columns small and in cache."""

GC_PAUSE_MIN = 2048
"""Arrays smaller than this decode with the collector left alone (at most one run saved)."""


SID_REVISION = 1
SID_MAX_SUB_AUTHORITIES = 15
"""winnt.h: a SID holds at most 15 sub-authorities (Microsoft Learn, SID structure)."""


def sid_authority_text(authority: bytes) -> str:
    """``S-1-<authority>`` for a SID's 6-byte identifier authority, as
    ``ConvertSidToStringSidW`` writes it (MS-DTYP 2.4.2.1): decimal below 2**32, else
    ``0x`` and 12 hex digits.

    >>> sid_authority_text(bytes([0, 0, 0, 0, 0, 5])), sid_authority_text(bytes([1, 0, 0, 0, 0, 0]))
    ('S-1-5', 'S-1-0x010000000000')
    """
    value = int.from_bytes(authority, "big")
    return f"S-1-{value}" if value < 1 << 32 else f"S-1-0x{value:012X}"


def sid_text_at(address: int) -> str:
    """The string form of the binary SID at ``address`` (no advapi32 round trip needed).

    Its header is checked before the sub-authorities are read -- one claiming 255 would have
    us read a kilobyte past the SID: a revision other than :data:`SID_REVISION` or more than
    :data:`SID_MAX_SUB_AUTHORITIES` is ``ValueError(revision, count)``, for the caller to
    report as its API's bad answer.

    >>> system = ctypes.create_string_buffer(bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]))
    >>> sid_text_at(ctypes.addressof(system))
    'S-1-5-18'
    """
    head = ctypes.string_at(address, 8)
    revision, count = head[0], head[1]
    if revision != SID_REVISION or count > SID_MAX_SUB_AUTHORITIES:
        raise ValueError(revision, count)
    subs = memoryview(ctypes.string_at(address + 8, 4 * count)).cast("I").tolist()
    return "-".join([sid_authority_text(head[2:8]), *map(str, subs)])


class Memo(dict[int, V], Generic[V]):
    """Raw values met so far -> their Python values (``make(raw)``), bounded at 64 entries
    whatever a server sends: a column maps through it with one C-level lookup per value."""

    def __init__(self, make: Callable[[int], V], known: Iterable[int]) -> None:
        super().__init__((raw, make(raw)) for raw in known)
        self._make = make

    def __missing__(self, raw: int) -> V:
        value = self._make(raw)
        if len(self) < 64:
            self[raw] = value
        return value


if TYPE_CHECKING:  # (a Protocol class costs import time, and only the checker reads it)

    class Decoder(Protocol[R]):
        """What :func:`column_decoder` returns: records from an array of :attr:`struct`."""

        struct: type[ctypes.Structure]

        def __call__(
            self, address: int, count: int, nulls: Optional[Container[int]] = None
        ) -> list[R]: ...

        def batches(
            self, address: int, count: int, nulls: Optional[Container[int]] = None
        ) -> list[list[R]]:
            """The same records as lists of at most :data:`_CHUNK`, in order (none for 0)."""


def column_decoder(
    struct: type[ctypes.Structure], record: type[R], convert: Mapping[str, Mapping[int, Any]]
) -> Decoder[R]:
    """Build ``(address, count[, nulls]) -> records`` for an array of ``struct`` at ``address``;
    its ``batches`` attribute returns the same records as lists of at most :data:`_CHUNK`
    (what a stream chains: joining 10**5 records into one list first would regrow and copy
    that list about 25 times, and ``list()`` of the stream copies them once more).

    Field ``i`` of ``struct`` fills dataclass field ``i`` of ``record`` (a slotted frozen
    dataclass without ``__post_init__``). Speed matters (10**6 records per call is ordinary),
    so no Python bytecode runs per record:

    * each field of a batch is read as one column with a step of one structure, converted
      in C with no Structure object per entry: strings by slicing a ``c_wchar_p`` array
      (``PyUnicode_FromWideChar`` per string: UTF-16 on Windows, a surrogate pair one
      character and a lone surrogate kept as it is),
      32-bit numbers by ``memoryview(...)[start::step].tolist()`` (over twice as fast as a
      pointer slice on Windows CPython). NULL strings become ``""``
      (``decode(address, count, nulls)``: a caller that has checked the pointers names the
      indexes of the only fields holding NULLs, and the others are not scanned for them);
      a field named in ``convert`` is looked up there (a :class:`Memo`), still in C;
    * the records are made with ``object.__new__`` and each slot filled through its slot
      descriptor -- what the dataclass ``__init__`` does, without its ``object.__setattr__``
      call per field. The result equals ``record(*values)``. Both C functions take their
      arguments as a tuple, which ``map`` would pack anew for every call (a third of the
      instructions at level 10); ``starmap`` passes the tuple it is given instead: one
      ``(record,)`` repeated, and ``zip``'s result tuple, which ``zip`` refills in place
      when the call has let go of it. That made decoding about a quarter faster;
    * an array of :data:`GC_PAUSE_MIN` entries or more decodes with the cyclic garbage
      collector paused. It would run every ~700-2000 new records and walk the growing list
      each time, yet nothing made here can be garbage: the records are acyclic and all held
      by the result (pywin32's dicts of str and int, being untracked, never trigger it).
      Afterwards ``gc.freeze(); gc.unfreeze()`` moves the tracked objects to the oldest
      generation and resets the young count, so no collection walks the new records at the
      next allocation either (skipped when the caller has frozen objects of their own); a
      collector the caller disabled stays disabled.
    """
    names = [spec.name for spec in dataclasses.fields(record)]  # type: ignore[arg-type]
    assert len(names) == len(struct._fields_) and "__post_init__" not in dir(record)
    size = ctypes.sizeof(struct)
    plan = []
    for field, name in zip(struct._fields_, names):
        ctype = field[1]
        text = ctype is ctypes.c_wchar_p
        # A memoryview format for numbers (strings are sliced from a c_wchar_p array).
        kind: Any = None if text else getattr(ctype, "_type_", None)
        assert text or struct_module.calcsize(kind) == ctypes.sizeof(ctype) == 4
        width = ctypes.sizeof(ctype)
        offset = getattr(struct, field[0]).offset
        assert size % width == 0 and offset % width == 0
        slot = getattr(record, name)
        assert isinstance(slot, types.MemberDescriptorType), f"{record.__name__} needs __slots__"
        plan.append((slot.__set__, kind, size // width, offset // width, text,
                     convert.get(name)))  # fmt: skip
    new, new_arguments = object.__new__, (record,)
    has_text = any(item[4] for item in plan)
    pointer = ctypes.sizeof(ctypes.c_wchar_p)
    drain: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator in C

    def decode_batch(
        texts: Any, numbers: memoryview, first_entry: int, n: int,
        nulls: Optional[Container[int]],
    ) -> list[R]:  # fmt: skip
        out: list[R] = list(starmap(new, repeat(new_arguments, n)))
        for index, (set_slot, kind, step, first, text, table) in enumerate(plan):
            start = first_entry * step + first
            column: Any
            if text:
                column = texts[start : start + n * step : step]
                if (nulls is None or index in nulls) and None in column:
                    column = ["" if value is None else value for value in column]
            else:
                column = numbers.cast(kind)[start : start + n * step : step].tolist()
            if table is not None:
                column = map(table.__getitem__, column)
            drain(starmap(set_slot, zip(out, column)))  # noqa: RUF058  (not map: see above)
        return out

    def decode_all(address: int, count: int, nulls: Optional[Container[int]]) -> list[list[R]]:
        if not count:
            return []
        array = (ctypes.c_char * (count * size)).from_address(address)
        texts = None
        if has_text:  # the structures as c_wchar_p: a strided slice reads a column of strings
            texts = (ctypes.c_wchar_p * (count * size // pointer)).from_address(address)
        with memoryview(array) as view, view.cast("B") as numbers:
            return [
                decode_batch(texts, numbers, first_entry, min(_CHUNK, count - first_entry), nulls)
                for first_entry in range(0, count, _CHUNK)
            ]

    def batches(address: int, count: int, nulls: Optional[Container[int]] = None) -> list[list[R]]:
        if count < GC_PAUSE_MIN or not gc.isenabled():
            return decode_all(address, count, nulls)
        try:  # disabled inside the try: an interrupt right after it cannot leave GC off
            gc.disable()
            return decode_all(address, count, nulls)
        finally:
            try:
                if not gc.get_freeze_count():  # a caller's gc.freeze() is theirs: left alone
                    # Without this, the first allocation afterwards would run a collection
                    # that walks every record just made (about a sixth of the decoding time)
                    # only to find them alive: the records are acyclic and the result holds
                    # them all. freeze() resets the young generation's count in O(1);
                    # unfreeze() puts every object back, into the oldest generation.
                    gc.freeze()
                    gc.unfreeze()
            finally:
                gc.enable()  # whatever interrupts the lines above, GC is never left off

    def decode(address: int, count: int, nulls: Optional[Container[int]] = None) -> list[R]:
        parts = batches(address, count, nulls)
        if len(parts) == 1:
            return parts[0]
        # One list sized once: `+=` batch by batch would regrow (and copy) it about 25 times
        # for 10**5 records.
        records: list[Any] = [None] * count
        first = 0
        for part in parts:
            records[first : first + len(part)] = part
            first += len(part)
        return records

    decode.struct = struct  # type: ignore[attr-defined]  # for buffer checks (net)
    decode.batches = batches  # type: ignore[attr-defined]  # a page for a stream (net)
    return typing_cast("Decoder[R]", decode)
