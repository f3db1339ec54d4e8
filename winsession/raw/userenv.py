"""userenv.dll: a user's environment block (spawn_in_session), as the reference's
``support`` section declares it."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from .. import _dll
from ._types import BOOL, HANDLE, LPVOID

if TYPE_CHECKING:
    from ._types import Handle, Out, Ptr

_check = _dll.Check("BOOL")  # zero fails; the reason is the last error

CreateEnvironmentBlock: _dll.Function[[Out, Handle, int], int] = _dll.Function(
    "userenv",
    "CreateEnvironmentBlock",
    BOOL,
    [ctypes.POINTER(LPVOID), HANDLE, BOOL],
    _check,
    doc="""``CreateEnvironmentBlock(lpEnvironment, hToken, bInherit) -> BOOL``: a block of
    ``WCHAR`` strings (``name=value``, each NUL-terminated, one more NUL at the end) that
    :data:`DestroyEnvironmentBlock` must free.""",
)

DestroyEnvironmentBlock: _dll.Function[[Ptr], int] = _dll.Function(
    "userenv",
    "DestroyEnvironmentBlock",
    BOOL,
    [LPVOID],
    _check,
    doc="``DestroyEnvironmentBlock(lpEnvironment) -> BOOL``.",
)
