"""The record classes' decorator and base: :func:`record` and :class:`Record`.

A record is what ``@dataclass(frozen=True)`` with hand-written ``__slots__`` makes (3.9 has no
``slots=True``), built without compiling anything at import: that decorator compiles (``exec``)
an ``__init__``, a ``__setattr__`` and a ``__delattr__`` for every class. Measured for the 21
record classes of ``net``, ``wts`` and ``sens`` (CPython 3.11, fresh processes with their
bytecode cached, the variants interleaved, minimum of 150 runs each, on a busy 2-core machine):
decorating them takes 1.2 ms with :func:`record`, 7.1 ms with ``dataclass(frozen=True,
repr=False, eq=False)`` and 4.7 ms with ``dataclass(frozen=True, init=False, ...)`` (the frozen
pair compiled per class, ``__init__`` still lazy); ``from winsession import net, wts`` takes
15.9 ms, against 21.8 ms and 20.1 ms. So :func:`record` saves about 6 ms a process; the simpler
constructions cost 4 to 6 ms more.

How: :class:`Record` holds one frozen ``__setattr__``/``__delattr__`` pair, equality and
hashing by field values, pickling and the repr, for all records; :func:`record` has
``dataclasses.dataclass`` build only the fields (``init=False, repr=False, eq=False``) and
compiles a record's ``__init__`` when the class is first called. Records decoded from an API
never call it: ``_records.column_decoder`` fills the slots of ``object.__new__`` instances.

The repr evaluates: ``SessionInfo10(client_name='\\\\\\\\PC', user_name='alice',
active_time=3600, idle_time=20)``, with enums as ``ConnectState.ACTIVE`` (flags as
``SessionFlags.GUEST|SessionFlags.NOENCRYPTION``) instead of the ``<ConnectState.ACTIVE: 0>``
a dataclass shows, so ``eval(repr(r)) == r`` with the package's names in scope.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING, Any, Callable, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator  # typing's own is 3.11+, and only tells checkers


T = TypeVar("T")

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass_transform(frozen_default=True, eq_default=False)
def record(cls: type[T]) -> type[T]:
    """What ``@dataclass(frozen=True, repr=False, eq=False)`` makes of a :class:`Record`
    subclass, without compiling anything at import.

    ``inspect.signature``, ``help()``, ``dataclasses.fields``/``replace``/``asdict`` and
    pickling see what the dataclass would give; ``__dataclass_params__`` say init and
    frozen, as the class behaves (a frozen dataclass may subclass it). Fields have no
    defaults and there is no ``__post_init__`` (the column decoder would skip it).

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
    # Asking for frozen=True instead would compile the pair Record already has (+3.9 ms).
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


def show(value: Any) -> str:
    """``value`` as a record's repr shows it: Python that evaluates to an equal value, with
    enums by name (``ConnectState.ACTIVE``, not ``<ConnectState.ACTIVE: 0>``)."""
    own = getattr(type(value), "record_text", None)
    if own is not None:
        return str(own(value))  # a type that knows better (net.ShareType: kind|modifiers)
    if isinstance(value, enum.Flag):
        return flag_text(value)
    if isinstance(value, enum.Enum):
        cls = type(value)
        if cls.__members__.get(value.name or "") is value:
            return f"{cls.__name__}.{value.name}"
        return f"{cls.__name__}({value.value!r})"  # a value it has no member for (UNKNOWN_42)
    if type(value) is bytes:
        return _bytes_text(value)
    return repr(value)


def _bytes_text(value: bytes) -> str:
    """``b'\\x02\\x00' + bytes(18)``: a fixed-size buffer's trailing NULs counted, not shown."""
    data = value.rstrip(b"\0")
    zeros = len(value) - len(data)
    if zeros < 4:
        return repr(value)
    return f"{data!r} + bytes({zeros})" if data else f"bytes({zeros})"


def flag_text(value: enum.Flag) -> str:
    """``Flags.A|Flags.B``, ``Flags(0)``, or ``Flags.A|Flags(0x40)`` for bits without a
    name: text that evaluates to ``value``."""
    cls = type(value)
    bits = int(value.value)
    parts = []
    for member in cls.__members__.values():
        single = int(member.value)
        if single and single & (single - 1) == 0 and bits & single:
            parts.append(f"{cls.__name__}.{member.name}")
            bits &= ~single
    if bits or not parts:
        parts.append(f"{cls.__name__}({hex(bits) if bits else 0})")
    return "|".join(parts)


class Record:
    """Base of the frozen record dataclasses (made by :func:`record`)."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def __repr__(self) -> str:
        parts = [f"{name}={show(getattr(self, name))}" for name in _field_names(type(self))]
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
        return tuple(getattr(self, name) for name in _field_names(type(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Frozen + hand-written __slots__ (3.9 has no dataclass(slots=True)): the default
        # pickle protocol would setattr() and hit FrozenInstanceError.
        return (type(self), self._values())


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(spec.name for spec in dataclasses.fields(cls))
    return names
