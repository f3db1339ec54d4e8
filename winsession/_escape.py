"""Text from outside, made safe for a human's terminal and a spreadsheet.

Names that winsession prints are chosen by remote clients (SMB computer and user names, RDP
client names, station names, ...). Printed raw, an ESC starts a terminal escape sequence (a
window title, a hyperlink, a cleared screen), CR overwrites a line, LF forges a row, and a
bidi override reverses what follows. :func:`escape` renders every such character visibly:

* ``\\xHH`` for C0 and C1 controls and DEL (and any character below U+0100 that needs it),
* ``\\uHHHH`` for the rest of the BMP, ``\\u{HHHHH}`` above it,

which covers: every control (category Cc), every format character (Cf: the bidi embeddings,
overrides and isolates U+202A-U+202E / U+2066-U+2069, the marks U+200E, U+200F, U+061C, zero
width characters, tags), lone surrogates (Cs), the line and paragraph separators U+2028 and
U+2029 (Zl, Zp), and characters the output's encoding cannot represent.

The backslash stays unambiguous without doubling the backslashes of Windows names
(``\\\\PC``, ``DOMAIN\\user``): a backslash is written ``\\x5c`` exactly when the next
character is an ``x`` or a ``u`` (what would start an escape); every other backslash is
itself. Reading left to right, ``\\x``/``\\u`` always starts an escape and any other
backslash is a backslash.

>>> print(escape("evil\\x1b]0;pwned\\x07"))
evil\\x1b]0;pwned\\x07
>>> print(escape("CONTOSO\\\\alice"), escape("\\\\\\\\10.0.0.5"), escape("C:\\\\x"))
CONTOSO\\alice \\\\10.0.0.5 C:\\x5cx
>>> print(escape("abc\\u202edcba"), escape("日本"), escape("日本", "cp1252"))
abc\\u202edcba 日本 \\u65e5\\u672c
"""

from __future__ import annotations

import codecs
import functools
import unicodedata
from typing import Optional

__all__ = ["csv_safe", "display_width", "escape", "needs_escape"]

_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
# Listed by name too, for the record (all are Cf): the bidi controls the audit names.
BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


@functools.lru_cache(maxsize=4096)
def needs_escape(char: str) -> bool:
    """Whether ``char`` is never printed raw (see the module docstring).

    >>> [needs_escape(c) for c in "a\\x1b\\u202e\\u2028\\x85é"]
    [False, True, True, True, True, False]
    """
    return unicodedata.category(char) in _ESCAPED_CATEGORIES or ord(char) in BIDI_CONTROLS


def _code(char: str) -> str:
    n = ord(char)
    if n <= 0xFF:
        return f"\\x{n:02x}"
    if n <= 0xFFFF:
        return f"\\u{n:04x}"
    return f"\\u{{{n:x}}}"


@functools.lru_cache(maxsize=16)
def _encodable(encoding: Optional[str]) -> Optional[codecs.CodecInfo]:
    if not encoding:
        return None
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return None
    return None if info.name in ("utf-8", "utf-16", "utf-32") else info


def escape(text: object, encoding: Optional[str] = None) -> str:
    """``text`` (``str()`` of it) with every unsafe character escaped; one line, printable.

    ``encoding`` (an output stream's) also escapes what it cannot encode, so a Japanese name
    on a cp1252 pipe is printed (as ``\\u65e5...``) instead of stopping the output.

    >>> escape("line1\\nline2\\r")
    'line1\\\\x0aline2\\\\x0d'
    >>> escape("\\\\u202e"), escape("\\\\server"), escape("\\udc80")
    ('\\\\x5cu202e', '\\\\server', '\\\\udc80')
    """
    s = text if isinstance(text, str) else str(text)
    codec = _encodable(encoding)
    if s.isascii() and s.isprintable() and "\\" not in s:
        return s  # the common case, fast
    out: list[str] = []
    last = len(s) - 1
    for i, char in enumerate(s):
        if char == "\\":
            out.append("\\x5c" if i < last and s[i + 1] in "xu" else "\\")
        elif needs_escape(char):
            out.append(_code(char))
        elif codec is not None and not char.isascii():
            try:
                codec.encode(char)
            except UnicodeError:
                out.append(_code(char))
                continue
            out.append(char)
        else:
            out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: combining marks 0, wide East Asian characters 2.

    Meant for escaped text (no controls). Emoji sequences joined with U+200D and
    regional-indicator pairs are counted per character (a terminal may draw them narrower).

    >>> display_width("abc"), display_width("日本"), display_width("e\\u0301")
    (3, 4, 1)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula (OWASP's CSV injection guidance).

    A text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``;
    numbers (and everything not a ``str``) stay as they are.

    >>> csv_safe("=HYPERLINK(\\"http://x\\")"), csv_safe("-2"), csv_safe(-2), csv_safe("bob")
    ('\\'=HYPERLINK("http://x")', "'-2", -2, 'bob')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
