"""The base of winsession's record dataclasses: reprs that read well in a REPL, and the
fast decoder that turns an API's array of structures into records.

The dataclass default repr shows ``active_time=3600``, ``state=<ConnectState.ACTIVE: 0>`` and
``datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.timezone.utc)``; people reading sessions
want ``active_time=3600 (1:00:00)``, ``state=ConnectState.ACTIVE`` and
``2024-05-06 08:00:00+00:00``. The fields keep their types (int seconds, enums, datetimes), so
``dataclasses.asdict`` and comparisons are unchanged: only the text differs.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime
import enum
import gc
import struct as struct_module
import types
from collections import deque
from collections.abc import Container, Iterable, Mapping
from itertools import repeat, starmap
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, Optional, TypeVar
from typing import cast as typing_cast

if TYPE_CHECKING:
    from typing import Protocol

    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator  # typing's own is 3.11+, and only tells checkers


T = TypeVar("T")

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


def show(value: Any) -> str:
    """``value`` as a record's repr shows it: enums by name, datetimes as ISO text."""
    own = getattr(type(value), "record_text", None)
    if own is not None:
        return str(own(value))  # a type that knows better (net.ShareType: kind|modifiers)
    if isinstance(value, enum.Flag):
        return _flag_text(value)
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, datetime.datetime):
        return str(value)
    return repr(value)


def _flag_text(value: enum.Flag) -> str:
    cls = type(value)
    bits = int(value.value)
    names = []
    for member in cls.__members__.values():
        single = int(member.value)
        if single and single & (single - 1) == 0 and bits & single:
            names.append(str(member.name))
            bits &= ~single
    if bits:  # bits this enum has no name for
        names.append(hex(bits))
    return f"{cls.__name__}.{'|'.join(names)}" if names else f"{cls.__name__}(0)"


def _duration(seconds: int) -> str:
    return f"{seconds} ({datetime.timedelta(seconds=seconds)})"


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass_transform(frozen_default=True, eq_default=False)
def record(cls: type[T]) -> type[T]:
    """What ``@dataclass(frozen=True, repr=False, eq=False)`` makes of a :class:`Record`
    subclass, without compiling anything at import.

    That decorator compiles (``exec``) an ``__init__``, a ``__setattr__`` and a
    ``__delattr__`` for every class: two thirds of what ``import winsession.net,
    winsession.wts`` cost over the standard library. :class:`Record` holds one frozen pair
    for all records, and each record's ``__init__`` is compiled when the class is first
    called (records decoded from an API never call it). ``inspect.signature``, ``help()``,
    ``dataclasses.fields``/``replace``/``asdict`` and pickling see what the dataclass
    would give; ``__dataclass_params__`` say init and frozen, as the class behaves (a
    frozen dataclass may subclass it).

    >>> @record
    ... class Point(Record):
    ...     __slots__ = ("x", "y")
    ...     x: int
    ...     y: int
    >>> import inspect; inspect.signature(Point)
    <Signature (x: 'int', y: 'int') -> None>
    >>> p = Point(1, y=2)
    >>> p
    Point(x=1, y=2)
    >>> p.x = 5
    Traceback (most recent call last):
    dataclasses.FrozenInstanceError: cannot assign to field 'x'
    >>> dataclasses.replace(p, x=5), dataclasses.asdict(p)
    (Point(x=5, y=2), {'x': 1, 'y': 2})
    """
    # dataclass() refuses a non-frozen dataclass under a frozen one, and records subclass
    # records: the bases' flags are lowered while it runs (imports hold the import lock).
    marked = [vars(base)["__dataclass_params__"] for base in cls.__mro__[1:]
              if "__dataclass_params__" in vars(base)]  # fmt: skip
    for params in marked:
        params.frozen = False
    try:
        made = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    finally:
        for params in marked:
            params.frozen = True
    params = vars(made)["__dataclass_params__"]
    params.init = params.frozen = True

    def __init__(self: Record, *args: Any, **kwargs: Any) -> None:
        init = _compile_init(made)  # on the first call only: it replaces this function
        made.__init__ = init  # type: ignore[method-assign]
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{made.__qualname__}.__init__"
    __init__.__signature__ = _signature(made)  # type: ignore[attr-defined]  # for help()
    made.__init__ = __init__  # type: ignore[assignment]
    return made


def _compile_init(cls: type) -> Callable[..., None]:
    """``def __init__(self, a, b): set(self, "a", a); set(self, "b", b)`` for ``cls``'s
    fields, the code dataclass(frozen=True) generates for fields without defaults."""
    fields = dataclasses.fields(cls)
    names = [spec.name for spec in fields]
    assert "self" not in names and all(
        spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        for spec in fields
    ), f"{cls.__name__}: records have no defaults"
    body = "".join(f"\n    set_slot(self, {name!r}, {name})" for name in names)
    namespace: dict[str, Any] = {}
    code = f"def __init__(self, {', '.join(names)}) -> None:{body or ' pass'}"
    exec(code, {"set_slot": object.__setattr__}, namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {spec.name: spec.type for spec in fields}
    init.__annotations__["return"] = None
    return init


def _signature(cls: type) -> Any:
    """The signature of the ``__init__`` dataclass would generate for ``cls``."""
    import inspect  # (already imported by dataclasses)

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("self", kind)]
    parameters += [inspect.Parameter(spec.name, kind, annotation=spec.type)
                   for spec in dataclasses.fields(cls)]  # fmt: skip
    return inspect.Signature(parameters, return_annotation=None)


class Record:
    """Base of the frozen record dataclasses (made by :func:`record`)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    _durations: ClassVar[frozenset[str]] = frozenset()
    """Fields holding int seconds, shown with their duration beside them."""
    _hidden: ClassVar[frozenset[str]] = frozenset()
    """Fields the repr leaves out (a slotted record cannot use ``field(repr=False)``)."""

    def __repr__(self) -> str:
        parts = []
        for spec in dataclasses.fields(self):
            if not spec.repr or spec.name in self._hidden:
                continue
            name = spec.name
            value = getattr(self, name)
            if name in self._durations and type(value) is int and value >= 0:
                text = _duration(value)
            else:
                text = show(value)
            parts.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(parts)})"

    if not TYPE_CHECKING:  # (the checker knows records are frozen from @record)

        def __setattr__(self, name: str, value: Any) -> None:
            # Frozen as dataclass(frozen=True) would make it, written once for every record
            # (__init__ fills the slots with object.__setattr__, as that decorator's does).
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

        def __delattr__(self, name: str) -> None:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    # Equality and hashing by field values, as dataclass(eq=True) would generate them, written
    # once here: the records declare eq=False, so importing them compiles two functions fewer
    # per class (import cost is part of the API's cost).
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def _values(self) -> tuple[Any, ...]:
        names = _FIELD_NAMES.get(type(self))
        if names is None:
            names = _FIELD_NAMES[type(self)] = tuple(f.name for f in dataclasses.fields(self))
        return tuple(getattr(self, name) for name in names)

    def __reduce__(self) -> tuple[Any, ...]:
        # Frozen + hand-written __slots__ (3.9 has no dataclass(slots=True)): the default
        # pickle protocol would setattr() and hit FrozenInstanceError.
        fields = dataclasses.fields(self)
        return (type(self), tuple(getattr(self, spec.name) for spec in fields))


# --- turning an array of structures into records, fast ----------------------------------------

R = TypeVar("R")
V = TypeVar("V")

_CHUNK = 4096
"""Entries decoded per batch: keeps the temporary columns small and in cache."""

GC_PAUSE_MIN = 2048
"""Arrays smaller than this decode with the collector left alone (at most one run saved)."""


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


def column_decoder(
    struct: type[ctypes.Structure], record: type[R], convert: Mapping[str, Mapping[int, Any]]
) -> Decoder[R]:
    """Build ``(address, count[, nulls]) -> records`` for an array of ``struct`` at ``address``.

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

    def decode_all(address: int, count: int, nulls: Optional[Container[int]]) -> list[R]:
        array = (ctypes.c_char * (count * size)).from_address(address)
        texts = None
        if has_text:  # the structures as c_wchar_p: a strided slice reads a column of strings
            texts = (ctypes.c_wchar_p * (count * size // pointer)).from_address(address)
        with memoryview(array) as view, view.cast("B") as numbers:
            if count <= _CHUNK:
                return decode_batch(texts, numbers, 0, count, nulls)
            records: list[R] = []
            for first_entry in range(0, count, _CHUNK):
                n = min(_CHUNK, count - first_entry)
                records += decode_batch(texts, numbers, first_entry, n, nulls)
            return records

    def decode(address: int, count: int, nulls: Optional[Container[int]] = None) -> list[R]:
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

    decode.struct = struct  # type: ignore[attr-defined]  # for buffer checks (net)
    return typing_cast("Decoder[R]", decode)
