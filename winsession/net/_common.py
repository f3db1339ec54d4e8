"""What the NetSession*, NetFile* and NetConnectionEnum wrappers share: argument checks (all
run before any DLL call), the paging loop and the streaming iterator built on it."""

from __future__ import annotations

import bisect
import ctypes
import itertools
import sys
import typing
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import _args, errors
from .._winerror import ERROR_INVALID_DATA, ERROR_INVALID_LEVEL
from ..raw import netapi32 as _raw
from ..raw._types import DWORD, LPBYTE

if TYPE_CHECKING:
    from .._records import Decoder

MAX_PREFERRED_LENGTH: int = _raw.MAX_PREFERRED_LENGTH
"""``prefmaxlen`` meaning "one page holding everything" (the API sizes the buffer)."""

MAX_EMPTY_PAGES = 16
"""``ERROR_MORE_DATA`` pages in a row that bring no entry before paging gives up."""

FREE_NOTE = """Every buffer is freed by calling the bound ctypes function (``Function.bind()``)
straight from ``finally``: a KeyboardInterrupt is delivered only where Python code runs, and
between ``if buf:`` and that C call none does, so an interrupt cannot skip the free. (Through
``Function.__call__`` it could land in that method's frame, before the call.)"""


def _invalid(function: str, why: str) -> errors.WinSessionError:
    """The error for an answer no correct netapi32 gives (ERROR_INVALID_DATA)."""
    return errors.net_api_error(ERROR_INVALID_DATA, function, message=f"{function} {why}")


def decode_page(decoder: Decoder[Any], function: str, buf: Any, count: int) -> list[Any]:
    """Copy ``count`` structures at ``buf`` into records (before the buffer is freed).

    Nothing the DLL says is trusted blindly (for a remote server it relays another machine):
    a count with no buffer, more structures than the buffer holds (its size from
    ``NetApiBufferSize``), a string pointer outside the buffer or a string running past its
    end are ``ERROR_INVALID_DATA`` -- read nothing rather than memory past the allocation.
    """
    records: list[Any] = _decode_checked(decoder, decoder, function, buf, count)
    return records


def decode_page_batches(
    decoder: Decoder[Any], function: str, buf: Any, count: int
) -> list[list[Any]]:
    """:func:`decode_page`, the records in the decoder's batches (``[]`` for none): a stream
    chains them, so they are never copied into one list first."""
    batches: list[list[Any]] = _decode_checked(decoder, decoder.batches, function, buf, count)
    return batches


def get_one(decoder: Decoder[Any], function: str, call: Callable[[Any], object]) -> Any:
    """The one record a ``Net*GetInfo`` call gives: ``call(byref(buf))`` makes the call, its
    buffer is checked and decoded like a page of one (a success without a buffer is
    ``ERROR_INVALID_DATA``, nothing read from NULL) and freed in ``finally`` (:data:`FREE_NOTE`)."""
    buf = LPBYTE()
    free = _raw.NetApiBufferFree.bind()  # called straight from finally: see FREE_NOTE
    try:
        call(ctypes.byref(buf))
        page = decode_page(decoder, function, buf, 1)
    finally:
        if buf:
            free(buf)
    return page[0]


def _decode_checked(
    decoder: Decoder[Any], decode: Callable[[int, int, set[int]], Any], function: str, buf: Any,
    count: int,
) -> Any:  # fmt: skip
    if not count:
        return []
    address = ctypes.cast(buf, ctypes.c_void_p).value
    if not address:
        raise _invalid(function, f"reported {count} entries but returned no buffer")
    struct = decoder.struct
    size = DWORD(0)
    _raw.NetApiBufferSize(buf, ctypes.byref(size))
    need = count * ctypes.sizeof(struct)
    if need > size.value:
        raise _invalid(
            function,
            f"reported {count} entries of {struct.__name__} ({need} bytes) in a buffer of"
            f" {size.value} bytes",
        )
    try:
        nulls = _check_strings(function, struct, address, size.value, count)
        return decode(address, count, nulls)
    except ValueError:  # text no wchar_t can hold (Linux's are 4 bytes): garbage, not names
        raise _invalid(function, "returned a string with no valid characters") from None


_ALIGNED_LOW = bytes(range(0, 256, ctypes.sizeof(ctypes.c_wchar)))
"""The low bytes a pointer to a ``wchar_t`` can end in (NULL's 0 among them)."""

_CHUNK = 4096
"""Structures checked at a time (bounds the memory of their copy and their pointers' ints)."""


def _check_strings(
    function: str, struct: type[ctypes.Structure], address: int, size: int, count: int
) -> set[int]:
    """Every string pointer of ``count`` ``struct`` entries at ``address`` must point into the
    ``size``-byte buffer, and reading from any of them must meet a NUL inside it. Returns the
    indexes of the string fields holding NULL pointers (the decoder scans only those).

    One column of pointers per string field and :data:`_CHUNK` entries, read through a
    memoryview and sorted in C (a column in buffer order is one run: linear time; any order
    costs at most n log n), gives its smallest non-NULL and largest values. For the NUL: the
    string that starts last is read (bounded by the buffer's end) and must hold one; a string
    starting earlier either ends before that one starts or runs into it, so it ends inside the
    buffer too -- when both are read in the same ``wchar_t`` units: every pointer must be a
    multiple of ``sizeof(wchar_t)``. (A pointer one byte off would read the last string's units
    straddled, miss its NUL -- ``'\\u0100\\0'`` is ``00 01 00 00``, read from its second byte
    ``01 00``, ``00 ??`` -- and run past the buffer.) The low bytes of a column are checked in
    C: ``bytes.translate`` deletes the aligned values, and anything left is a misfit.
    """
    end = address + size
    width = ctypes.sizeof(ctypes.c_void_p)
    step = ctypes.sizeof(struct) // width
    last = 0
    nulls: set[int] = set()
    if not any(field[1] is ctypes.c_wchar_p for field in struct._fields_):
        return nulls  # (and its size need not be a multiple of a pointer's)
    low_byte = 0 if sys.byteorder == "little" else width - 1
    entry = ctypes.sizeof(struct)
    texts = [  # (field index, name, first pointer's index in words, its low byte's offset)
        (index, field[0], getattr(struct, field[0]).offset // width,
         getattr(struct, field[0]).offset + low_byte)
        for index, field in enumerate(struct._fields_) if field[1] is ctypes.c_wchar_p
    ]  # fmt: skip
    array = (ctypes.c_char * (count * entry)).from_address(address)
    # A chunk of entries at a time: the pointers' Python ints are made and freed again and
    # again in the same few kilobytes (all of them at once would take megabytes, to fault
    # in, for nothing).
    with memoryview(array) as view, view.cast("B") as raw, raw.cast("P") as words:
        for start in range(0, count, _CHUNK):
            stop = min(count, start + _CHUNK)
            # The pointers' low bytes, from a copy of the structures: slicing bytes with a
            # step is a plain C loop (a strided memoryview copies item by item).
            block = ctypes.string_at(address + start * entry, (stop - start) * entry)
            for index, name, first, low in texts:
                pointers = words[first + start * step : first + stop * step : step].tolist()
                pointers.sort()
                highest = pointers[-1]
                lowest = pointers[0]
                if not lowest:
                    nulls.add(index)
                    if not highest:
                        continue
                    lowest = pointers[bisect.bisect_right(pointers, 0)]
                if lowest < address or highest >= end:
                    raise _invalid(function, f"returned a {name} pointer outside its buffer")
                if block[low::entry].translate(None, _ALIGNED_LOW):
                    raise _invalid(function, f"returned a {name} pointer between two wchar_t")
                last = max(last, highest)
    if last:
        chars = (end - last) // ctypes.sizeof(ctypes.c_wchar)
        if "\0" not in ctypes.wstring_at(last, chars):
            raise _invalid(function, "returned a string running past the end of its buffer")
    return nulls


# --- argument checks: every one runs before any DLL call --------------------------------


def optional_text(value: object, argument: str) -> Optional[str]:
    if value is None:
        return None
    text = _args.text(value, argument, "a str or None")
    if not text:
        raise ValueError(f"{argument} must not be empty (pass None to leave it out)")
    return text


server_arg = _args.server_name
"""The ``server=`` argument: ``None`` (also for ``""``) or the exact name (:mod:`._args`)."""


def client_arg(value: object, argument: str = "client") -> Optional[str]:
    client = optional_text(value, argument)
    if client is None:
        return None
    bare = client.lstrip("\\")
    if not bare:
        raise ValueError(f"{argument} must name a computer, not {client!r}")
    return "\\\\" + bare  # the API wants UNC form; accept "PC" as well as "\\\\PC"


def level_arg(value: object, allowed: tuple[int, ...], function: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"level must be an int, not {type(value).__name__}")
    if value not in allowed:
        choices = ", ".join(map(str, allowed))
        raise errors.net_api_error(
            ERROR_INVALID_LEVEL,
            function,
            message=f"level must be one of {choices} for {function}, not {value}",
        )
    return value


def prefmaxlen_arg(value: object) -> int:
    return _args.u32(value, "prefmaxlen")  # MAX_PREFERRED_LENGTH is the largest DWORD


def dword_arg(value: object, argument: str) -> int:
    """An identifier the API takes as a DWORD: an int in 0 .. 0xFFFFFFFF."""
    return _args.u32(value, argument)


# --- paging ------------------------------------------------------------------------------


EnumCall = Callable[[Any, int, Any, Any, Any], int]
"""``(byref(buf), prefmaxlen, byref(read), byref(total), byref(resume)) -> status``: one
call of an enumeration with every other argument bound."""


def pages(
    function: str,
    call: EnumCall,
    decoder: Decoder[Any],
    server: Optional[str],
    prefmaxlen: int,
    resume_type: Any,
    current: list[list[list[Any]]],
    empty_when: Optional[type[BaseException]] = None,
) -> Generator[list[list[Any]], None, None]:
    """The records of ``function``, page by page, each page copied (as the decoder's batches
    of records) and its buffer freed before it is yielded. ``current`` holds the page being
    read, if any. ``empty_when``: an error class meaning "the filter matches
    nothing" (the iteration just ends). Paging always ends: a page without entries and an
    unchanged resume handle, a resume handle seen before, or :data:`MAX_EMPTY_PAGES` empty
    pages in a row raise instead of looping."""
    resume = resume_type(0)
    seen = {0}
    empty = 0
    free = _raw.NetApiBufferFree.bind()  # called straight from finally: see FREE_NOTE
    while True:
        # Out-parameters are fresh for every call: some implementations (Wine's) return
        # success without writing them.
        buf = LPBYTE()
        read = DWORD(0)
        total = DWORD(0)
        before = resume.value
        try:
            status = call(ctypes.byref(buf), prefmaxlen, ctypes.byref(read),
                          ctypes.byref(total), ctypes.byref(resume))  # fmt: skip
            page = decode_page_batches(decoder, function, buf, read.value)
        except BaseException as exc:
            if empty_when is not None and isinstance(exc, empty_when):
                return  # the filter matches nothing (any more): an empty result
            raise
        finally:
            if buf:
                free(buf)
        # The buffer is freed: nothing below can touch API memory.
        if status == _raw.ERROR_MORE_DATA:
            problem = None
            if not page and resume.value == before:
                problem = f"no entries and an unchanged resume handle ({before})"
            elif resume.value in seen:
                problem = f"a resume handle it gave before ({resume.value})"
            elif not page:
                empty += 1
                if empty >= MAX_EMPTY_PAGES:
                    problem = f"{empty} pages in a row without entries"
            else:
                empty = 0
            if problem is not None:
                raise errors.net_api_error(
                    status,
                    function,
                    server,
                    message=(
                        f"{function} returned ERROR_MORE_DATA with {problem}; stopping instead"
                        f" of looping forever (prefmaxlen={prefmaxlen} may be smaller than one"
                        f" entry)"
                    ),
                )
            seen.add(resume.value)
        current[:] = [page]
        yield page
        # The consumer has finished this page (chain asks for the next one only then, and
        # its exhausted list iterator holds no reference): drop ours before the next call,
        # so memory holds one page of records, never two.
        current.clear()
        del page
        if status != _raw.ERROR_MORE_DATA:
            return


def _feed(
    ahead: list[Any], pages: Generator[list[list[Any]], None, None]
) -> Iterator[list[list[Any]]]:
    """``pages``, after the first page if :meth:`Stream.__length_hint__` fetched it already
    (or the exception fetching it raised, raised here: where the first ``next()`` meets it)."""
    if ahead:
        first = ahead.pop()
        if isinstance(first, BaseException):
            raise first
        yield first
        del first  # (the consumer is done with it: memory holds one page, never two)
    yield from pages


class Stream(itertools.chain):  # type: ignore[type-arg]
    """The records of each page in turn: ``chain`` hands them out in C, so a record costs no
    Python frame resumption; only each batch of records and each page run Python code.
    ``close()`` ends it early, as a generator's would."""

    _pages: Generator[list[list[Any]], None, None]
    _current: list[list[list[Any]]]
    _ahead: list[Any]
    _call: str

    @classmethod
    def start(
        cls,
        pages: Generator[list[list[Any]], None, None],
        current: list[list[list[Any]]],
        call: str,
    ) -> Iterator[Any]:
        ahead: list[Any] = []
        batches = itertools.chain.from_iterable(_feed(ahead, pages))
        stream = typing.cast(Stream, cls.from_iterable(batches))  # an instance of cls
        stream._pages, stream._current, stream._ahead, stream._call = pages, current, ahead, call
        return stream

    def __length_hint__(self) -> int:
        """Records in the first page, fetched now (``list()`` asks before it iterates, and
        sizes its list once instead of regrowing it); 0 once iteration has begun.

        The first ``next()`` would make the same call: nothing is fetched earlier than
        iteration needs it, and memory still holds one page. An exception the call raises
        is raised by that ``next()`` (from here, ``list()`` would drop a ``TypeError``)."""
        if self._current or self._ahead:
            return 0  # a page is being read (or waits): its rest is not counted here
        # Nothing is being read: either nothing was fetched yet, or paging has ended (then
        # next() below ends at once).
        try:
            page = next(self._pages)
        except StopIteration:
            return 0
        except Exception as exc:  # handed on to the first next(), not dropped
            self._ahead.append(exc)
            return 0
        self._ahead.append(page)
        return sum(map(len, page))

    def __repr__(self) -> str:
        return f"<{self._call} iterator>"

    def close(self) -> None:
        """Stop: no further API call, and the rest of the page is dropped."""
        self._pages.close()
        self._ahead.clear()
        for page in self._current:
            for batch in page:
                batch.clear()  # the iterator chain holds over it is then exhausted too


def call_text(name: str, names: tuple[str, ...], values: tuple[Any, ...],
              defaults: tuple[Any, ...]) -> str:  # fmt: skip
    """``net.name(a=1, b=2)`` with the arguments that differ from their defaults."""
    given = ", ".join(f"{n}={v!r}" for n, v, d in zip(names, values, defaults) if v != d)
    return f"net.{name}({given})"
