"""A user's token and starting a program in that user's session (WTSQueryUserToken,
DuplicateTokenEx, CreateEnvironmentBlock, CreateProcessAsUserW).

``WTSQueryUserToken`` only works for a caller running as LocalSystem with ``SE_TCB_NAME``
(a service); everyone else gets ``ERROR_PRIVILEGE_NOT_HELD``, raised as
:class:`~winsession.errors.AccessDeniedError`. Every handle (the user token, its primary
duplicate, the new thread) and the environment block are released on every path; the
process handle belongs to the returned :class:`SpawnedProcess`, which closes it once.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import time
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Optional, TypeVar, Union

from .. import _args, errors
from .._winerror import ERROR_INVALID_HANDLE
from ..errors import WinSessionError
from ..raw import advapi32 as _adv
from ..raw import kernel32 as _k32
from ..raw import userenv as _env
from ..raw import wtsapi32 as _raw
from ..raw._types import DWORD, HANDLE

__all__ = ["SpawnedProcess", "UserToken", "query_user_token", "spawn_in_session"]

DESKTOP = "winsta0\\default"
"""The interactive window station and desktop a spawned program is started on."""

_MAX_COMMAND_LINE = 32767  # CreateProcessW: "The maximum length of this string is 32,767"
# What CreateProcessAsUserW ("TOKEN_QUERY, TOKEN_DUPLICATE, and TOKEN_ASSIGN_PRIMARY") and
# CreateEnvironmentBlock ("TOKEN_QUERY and TOKEN_DUPLICATE") need of the primary token.
_PRIMARY_ACCESS = (
    _adv.TOKEN_QUERY
    | _adv.TOKEN_DUPLICATE
    | _adv.TOKEN_ASSIGN_PRIMARY
    | _adv.TOKEN_ADJUST_DEFAULT
    | _adv.TOKEN_ADJUST_SESSIONID
)


def _close(handle: int) -> None:
    # Finalizers and cleanup paths: a failure to close is not worth an exception there.
    with contextlib.suppress(WinSessionError):
        _k32.CloseHandle(handle)


_Owner = TypeVar("_Owner", bound="_OwnedHandle")


class _OwnedHandle:
    """A kernel handle closed exactly once: by :meth:`close`, the ``with`` block or, failing
    both, garbage collection (``weakref.finalize``)."""

    def __init__(self, handle: int) -> None:
        self._handle: Optional[int] = handle
        self._finalizer = weakref.finalize(self, _close, handle)

    def _live_handle(self) -> int:
        if self._handle is None:
            raise ValueError(f"{self!r} is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        """Whether the handle has been closed."""
        return self._handle is None

    def close(self) -> None:
        """Close the handle (``CloseHandle``); later calls do nothing."""
        if self._handle is None:
            return
        self._handle = None
        self._finalizer()

    def __enter__(self: _Owner) -> _Owner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class UserToken(_OwnedHandle):
    """The primary token of the user logged on to a session (``WTSQueryUserToken``).

    A context manager; the handle is closed exactly once (:meth:`close`, the ``with`` block
    or garbage collection).

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.query_user_token(2) as token:      # the demo runs as if it were a service
    ...     print(token, token.session_id, token.closed)
    <wts.UserToken session 2 open> 2 False
    >>> token.closed
    True
    >>> sim.stop()
    """

    def __init__(self, handle: int, session_id: int) -> None:
        super().__init__(handle)
        self.session_id = session_id

    @property
    def handle(self) -> int:
        """The raw token ``HANDLE``; ``ValueError`` once closed."""
        return self._live_handle()

    def __repr__(self) -> str:
        return f"<wts.UserToken session {self.session_id} {'closed' if self.closed else 'open'}>"


def query_user_token(session_id: int) -> UserToken:
    """The token of the user logged on to ``session_id`` (``WTSQueryUserToken``).

    Needs a service running as LocalSystem (``SE_TCB_NAME``): any other caller gets
    :class:`~winsession.errors.AccessDeniedError` (``ERROR_PRIVILEGE_NOT_HELD``). A session
    nobody is logged on to (session 0, a listener) raises
    :class:`~winsession.errors.SessionNotFoundError` (``ERROR_NO_TOKEN``).

    >>> from winsession import testing, wts
    >>> with testing.demo_simulator():              # off Windows: the demo table
    ...     wts.query_user_token(0)
    Traceback (most recent call last):
    winsession.errors.WtsSessionNotFoundError: WTSQueryUserToken for session 0 failed: ...
    """
    sid = _args.u32(session_id, "session_id")
    handle = HANDLE()
    with errors.context(None, sid):
        _raw.WTSQueryUserToken(sid, ctypes.byref(handle))
    if not handle.value:
        raise errors.wts_error(ERROR_INVALID_HANDLE, "WTSQueryUserToken", session_id=sid)
    return UserToken(handle.value, sid)


class SpawnedProcess(_OwnedHandle):
    """A program :func:`spawn_in_session` started: ``pid``, :meth:`wait`,
    :attr:`exit_code`, :meth:`terminate`. Holds the process handle until :meth:`close`
    (or the ``with`` block, or garbage collection) closes it once.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> with wts.spawn_in_session(2, ["notepad.exe", "C:\\\\My Files\\\\todo.txt"]) as proc:
    ...     print(proc.pid, proc.session_id, proc.exit_code, proc.wait(0.1))
    ...     proc.terminate(3)
    ...     print(proc.wait(), proc.exit_code)
    5000 2 None None
    3 3
    >>> sim.stop()
    """

    def __init__(self, handle: int, pid: int, session_id: int, command_line: str) -> None:
        super().__init__(handle)
        self.pid = pid
        self.session_id = session_id
        self.command_line = command_line
        self._exit_code: Optional[int] = None

    def wait(self, timeout: Optional[float] = None) -> Optional[int]:
        """Wait until the process ends and return its exit code; ``None`` if ``timeout``
        seconds pass first. Waits in short steps, so Ctrl-C interrupts it."""
        if self._exit_code is not None:
            return self._exit_code
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0
        ):
            raise ValueError(f"timeout must be a number of seconds >= 0, not {timeout!r}")
        handle = self._live_handle()
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 0.2 if deadline is None else max(0.0, min(0.2, deadline - time.monotonic()))
            if _k32.WaitForSingleObject(handle, int(left * 1000)) == _k32.WAIT_OBJECT_0:
                code = DWORD(0)
                _k32.GetExitCodeProcess(handle, ctypes.byref(code))
                self._exit_code = int(code.value)
                return self._exit_code
            if deadline is not None and time.monotonic() >= deadline:
                return None

    @property
    def exit_code(self) -> Optional[int]:
        """The exit code, or ``None`` while the process runs."""
        return self.wait(0)

    def terminate(self, exit_code: int = 1) -> None:
        """End the process (``TerminateProcess``) with ``exit_code``; nothing if it ended."""
        code = _args.u32(exit_code, "exit_code")
        if self.wait(0) is not None:
            return
        _k32.TerminateProcess(self._live_handle(), code)

    def close(self) -> None:
        """Close the process handle (the process itself goes on running)."""
        super().close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<wts.SpawnedProcess pid {self.pid} session {self.session_id} {state}>"


def _text_arg(value: object, argument: str) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{argument} must not contain NUL characters")
    return value


def command_line_text(command_line: Union[str, Sequence[str]]) -> str:
    """``command_line`` as one string: a sequence is quoted by ``subprocess.list2cmdline``'s
    rules (the C runtime's), a string is taken as it is.

    >>> from winsession.wts._token import command_line_text
    >>> command_line_text(["notepad.exe", "C:\\\\My Files\\\\a.txt", 'say "hi"'])
    'notepad.exe "C:\\\\My Files\\\\a.txt" "say \\\\"hi\\\\""'
    """
    if isinstance(command_line, (str, os.PathLike)):
        text = _text_arg(command_line, "command_line")
    elif isinstance(command_line, Sequence) and not isinstance(command_line, (bytes, bytearray)):
        parts = [_text_arg(p, f"command_line[{i}]") for i, p in enumerate(command_line)]
        if not parts:
            raise ValueError("command_line must not be empty")
        text = subprocess.list2cmdline(parts)
    else:
        raise TypeError(
            f"command_line must be a str or a sequence of str, not {type(command_line).__name__}"
        )
    if not text.strip():
        raise ValueError("command_line must not be empty")
    if len(text) >= _MAX_COMMAND_LINE:
        raise ValueError(f"command_line is longer than {_MAX_COMMAND_LINE - 1} characters")
    return text


def _environment(env: object) -> Optional[dict[str, str]]:
    if env is None:
        return None
    if not isinstance(env, Mapping):
        raise TypeError(f"env must be a mapping of str to str, not {type(env).__name__}")
    out: dict[str, str] = {}
    for key, value in env.items():
        k = _text_arg(key, "env key")
        v = _text_arg(value, f"env[{key!r}]")
        if not k or "=" in k[1:]:
            raise ValueError(f"env key {key!r} is not a variable name")
        out[k] = v
    return out


def _read_block(address: int) -> dict[str, str]:
    """A Unicode environment block (``name=value\\0...\\0\\0``) -> dict, order kept."""
    out: dict[str, str] = {}
    size = ctypes.sizeof(ctypes.c_wchar)
    offset = 0
    while True:
        entry = ctypes.wstring_at(address + offset)
        if not entry:
            return out
        # Its wchar_t units, not its characters: on Windows one beyond the BMP takes two.
        units = len(entry.encode("utf-16-le", "surrogatepass")) // 2 if size == 2 else len(entry)
        offset += (units + 1) * size
        name, sep, value = entry[1:].partition("=")  # "=C:=C:\\" entries start with "="
        if sep:
            out[entry[0] + name] = value
        if offset > (1 << 20) * size:  # a block without its end: stop, bounded
            return out


def _make_block(variables: Mapping[str, str]) -> Any:
    # Windows keeps environment blocks sorted by name, case-insensitively.
    text = "".join(f"{k}={v}\0" for k, v in sorted(variables.items(), key=lambda i: i[0].upper()))
    return ctypes.create_unicode_buffer(text + "\0")  # sized in wchar_t units, NUL added


def spawn_in_session(
    session_id: int,
    command_line: Union[str, Sequence[str]],
    *,
    cwd: Union[str, os.PathLike[str], None] = None,
    env: Optional[Mapping[str, str]] = None,
    visible: bool = True,
) -> SpawnedProcess:
    """Start ``command_line`` as the user logged on to ``session_id``, on that session's
    interactive desktop (``winsta0\\\\default``): the service-side "launch in the user's
    session" (``WTSQueryUserToken``, ``DuplicateTokenEx``, ``CreateEnvironmentBlock``,
    ``CreateProcessAsUserW`` with ``CREATE_UNICODE_ENVIRONMENT``).

    ``command_line`` is a string, or a list quoted as ``subprocess.list2cmdline`` quotes.
    The environment is the user's own (from their profile), with ``env``'s variables put
    over it. ``visible=False`` starts the program hidden (``SW_HIDE``, no console window).
    Needs what :func:`query_user_token` needs: a LocalSystem service.

    >>> from winsession import testing, wts
    >>> sim = testing.demo_simulator().start()      # off Windows: the demo table
    >>> proc = wts.spawn_in_session(2, ["notepad.exe", "My Files/todo.txt"],
    ...                             env={"TODO": "1"}, visible=False)
    >>> proc.pid, proc.exit_code, proc.command_line
    (5000, None, 'notepad.exe "My Files/todo.txt"')
    >>> proc.terminate()
    >>> proc.wait(5)
    1
    >>> proc.close()
    >>> sim.stop()
    """
    sid = _args.u32(session_id, "session_id")
    text = command_line_text(command_line)
    directory = None if cwd is None else _text_arg(cwd, "cwd")
    extra = _environment(env)
    show = _args.flag(visible, "visible")
    with query_user_token(sid) as token:
        primary = HANDLE()
        _adv.DuplicateTokenEx(
            token.handle, _PRIMARY_ACCESS, None, _adv.SecurityImpersonation,
            _adv.TokenPrimary, ctypes.byref(primary),
        )  # fmt: skip
        try:
            return _start(sid, primary.value, text, directory, extra, show)
        finally:
            if primary.value:
                _k32.CloseHandle(primary.value)


def _start(
    sid: int, primary: Any, text: str, directory: Optional[str],
    extra: Optional[dict[str, str]], show: bool,
) -> SpawnedProcess:  # fmt: skip
    block = ctypes.c_void_p()
    _env.CreateEnvironmentBlock(ctypes.byref(block), primary, False)
    try:
        environment: Any = block
        if extra is not None and block.value:
            merged = _read_block(block.value)
            merged.update(extra)
            environment = _make_block(merged)
        si = _adv.STARTUPINFOW()
        si.cb = ctypes.sizeof(_adv.STARTUPINFOW)
        desktop = ctypes.create_unicode_buffer(DESKTOP)
        si.lpDesktop = ctypes.cast(desktop, ctypes.c_wchar_p)
        si.dwFlags = _adv.STARTF_USESHOWWINDOW
        si.wShowWindow = _adv.SW_SHOW if show else _adv.SW_HIDE
        flags = _adv.CREATE_UNICODE_ENVIRONMENT
        flags |= _adv.CREATE_NEW_CONSOLE if show else _adv.CREATE_NO_WINDOW
        info = _adv.PROCESS_INFORMATION()
        writable = ctypes.create_unicode_buffer(text)  # the function may write into it
        _adv.CreateProcessAsUserW(
            primary, None, writable, None, None, False, flags, environment, directory,
            ctypes.byref(si), ctypes.byref(info),
        )  # fmt: skip
    finally:
        if block.value:
            _env.DestroyEnvironmentBlock(block)
    process = SpawnedProcess(info.hProcess, int(info.dwProcessId), sid, text)
    if info.hThread:
        _close(info.hThread)
    return process
