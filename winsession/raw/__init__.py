"""Exact ctypes declarations of the Windows APIs winsession binds, under Microsoft's names.

One module per DLL. Every module imports on every OS, so layouts and declarations can be
inspected and tested anywhere; functions bind to their DLL lazily, through
:mod:`winsession._dll`.
"""
