"""The argument check the API modules share: every one runs before any DLL call."""

from __future__ import annotations


def text(value: object, argument: str, expected: str = "a str") -> str:
    """``value`` if it is a ``str`` a wide-string API can take (no NUL), else an error
    naming ``argument``: ``TypeError`` for another type (saying what was ``expected``),
    ``ValueError`` for an embedded NUL, which would silently cut the string short."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be {expected}, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{argument} must not contain NUL characters: {value!r}")
    return value
