"""The argument checks the API modules share: every one runs before any DLL call."""

from __future__ import annotations

from typing import Optional


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


def server_name(value: object, expected: str = "a str or None") -> Optional[str]:
    """The server a ``server=`` argument names, as the APIs take it: ``None`` for this
    computer (also for ``""``: harmless, and common in scripts), else the exact name. The one
    server-name check of the SMB and Remote Desktop calls; ``expected`` says what else the
    caller accepts (a ``wts.Server``), in the ``TypeError``.

    >>> server_name("FS01"), server_name(""), server_name(None)
    ('FS01', None, None)
    >>> server_name(5)
    Traceback (most recent call last):
    TypeError: server must be a str or None, not int
    """
    # Compared after text() made an exact str: a subclass's __eq__ cannot pick the server.
    if value is None:
        return None
    return text(value, "server", expected) or None


def u32(value: object, argument: str) -> int:
    """``value`` if it is an ``int`` (not a ``bool``) that fits a DWORD, else an error naming
    ``argument``: ``TypeError`` for another type, ``ValueError`` when out of range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{argument} must be an int, not {type(value).__name__}")
    exact = int.__index__(value)  # the stored number, whatever a subclass overrides
    if not 0 <= exact <= 0xFFFFFFFF:
        raise ValueError(f"{argument} must be between 0 and 0xFFFFFFFF, not {exact}")
    return exact


def flag(value: object, argument: str) -> bool:
    """``value`` if it is exactly ``True`` or ``False``, else a ``TypeError`` naming
    ``argument``."""
    if not isinstance(value, bool):
        raise TypeError(f"{argument} must be True or False, not {type(value).__name__}")
    return value
