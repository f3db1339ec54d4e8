"""Exact ctypes declarations of the Windows APIs winsession binds, under Microsoft's names.

One module per DLL. Every module imports on every OS, so layouts and declarations can be
inspected and tested anywhere; functions bind to their DLL lazily, through
:mod:`winsession._dll`.

A raw module imports ``_dll`` and ``_types`` only (and another raw module for a shared
structure), never an exception: a declaration names its return convention
(``_dll.Check("BOOL")``, ``_dll.Check("NET_API_STATUS")``, ``_dll.Check("HRESULT")``) and
:mod:`winsession.errors`, above, attaches the errcheck that raises for it. So
:mod:`winsession.codes` can use :mod:`.kernel32` (``FormatMessageW``) with no circle.
"""
