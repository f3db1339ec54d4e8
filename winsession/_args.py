"""The argument check the API modules share: every one runs before any DLL call."""

from __future__ import annotations


def text(value: object, argument: str, expected: str = "a str") -> str:
    """The exact ``str`` that will reach a wide-string API, checked: ``value`` itself when
    its type is ``str``, else a plain ``str`` copy of a subclass's characters; an error
    naming ``argument`` otherwise: ``TypeError`` for another type (saying what was
    ``expected``), ``ValueError`` for an embedded NUL, which would silently cut the string
    short.

    Only the returned copy may be passed on: a ``str`` subclass can override ``__contains__``,
    ``__eq__``, ``__str__`` and the rest, so checks made through the subclass's methods prove
    nothing about the characters ctypes hands the DLL (it reads the string's storage, not its
    methods). ``str.__str__`` copies that storage into an exact ``str`` whatever the subclass
    overrides, and every check here runs on that copy.

    >>> class Sneaky(str):
    ...     def __contains__(self, item: object) -> bool:
    ...         return False
    >>> text(Sneaky("bob\\0admin"), "user")
    Traceback (most recent call last):
    ValueError: user must not contain NUL characters: 'bob\\x00admin'
    >>> type(text(Sneaky("bob"), "user"))
    <class 'str'>
    """
    if type(value) is str:
        exact = value
    elif isinstance(value, str):
        exact = str.__str__(value)  # the characters in storage, as an exact str
    else:
        raise TypeError(f"{argument} must be {expected}, not {type(value).__name__}")
    if "\0" in exact:
        raise ValueError(f"{argument} must not contain NUL characters: {exact!r}")
    return exact
