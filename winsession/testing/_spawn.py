"""The simulated token and process functions behind ``wts.spawn_in_session``: wtsapi32's
``WTSQueryUserToken``, advapi32's ``DuplicateTokenEx``, ``CreateProcessAsUserW`` and
``LookupAccountSidW``, userenv's environment blocks and kernel32's process handles.

Each follows its Microsoft Learn page; every call is recorded with its arguments
(:attr:`SpawnMixin.spawned`, ``token_queries``), and every handle and environment block is
counted, so a test sees a leak as a number.

- ``WTSQueryUserToken``: ``ERROR_INVALID_PARAMETER`` for a NULL ``phToken`` (checked first, as
  Windows does); ``ERROR_PRIVILEGE_NOT_HELD`` unless the caller holds ``SE_TCB_NAME``
  (:attr:`SpawnMixin.tcb_privilege`, True by default so that the demo runs as a service
  would); ``ERROR_CTX_WINSTATION_NOT_FOUND`` for a session that does not exist;
  ``ERROR_NO_TOKEN`` for a session nobody is logged on to ("when the session is in the idle
  state or SessionId is zero").
- ``DuplicateTokenEx``: needs a token handle (``ERROR_INVALID_HANDLE`` otherwise);
  ``TokenType`` must be ``TokenPrimary`` or ``TokenImpersonation``.
- ``CreateEnvironmentBlock``: the user's variables (USERNAME, USERDOMAIN, USERPROFILE, ...),
  sorted, as ``WCHAR`` strings; freed with ``DestroyEnvironmentBlock``.
- ``CreateProcessAsUserW``: needs a primary token ("The token must be a primary token",
  ``ERROR_BAD_TOKEN_TYPE`` otherwise); a non-NULL environment must come with
  ``CREATE_UNICODE_ENVIRONMENT`` when it is Unicode (the simulator only makes Unicode blocks,
  so it insists); writes both handles, which the caller must close.
- ``WaitForSingleObject`` waits for real (on a condition) until the process ends;
  ``TerminateProcess`` on an ended process fails with ``ERROR_ACCESS_DENIED`` as Windows
  does; ``GetExitCodeProcess`` gives ``STILL_ACTIVE`` (259) while it runs.
- ``LookupAccountSidW``: from :attr:`SpawnMixin.accounts`; ``ERROR_INSUFFICIENT_BUFFER`` with
  the sizes needed; ``ERROR_NONE_MAPPED`` for an unknown SID.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from .._winerror import (
    ERROR_ACCESS_DENIED,
    ERROR_BAD_TOKEN_TYPE,
    ERROR_CTX_WINSTATION_NOT_FOUND,
    ERROR_INSUFFICIENT_BUFFER,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    ERROR_NO_TOKEN,
    ERROR_NONE_MAPPED,
    ERROR_PRIVILEGE_NOT_HELD,
)
from ..raw import advapi32 as _adv
from ._buffers import _I32, _U32, _V, _Provider, _put_ptr, _put_u32, _wstr, _WtsPart
from ._tables import Process

_STILL_ACTIVE = 259
_WAIT_OBJECT_0, _WAIT_TIMEOUT, _WAIT_FAILED = 0, 0x102, 0xFFFFFFFF
_INFINITE = 0xFFFFFFFF
_FIRST_PID = 5000


@dataclass
class Spawned:
    """One ``CreateProcessAsUserW`` the simulator served: what it was called with."""

    pid: int
    session_id: int
    command_line: str
    desktop: Optional[str]
    current_directory: Optional[str]
    environment: dict[str, str]
    creation_flags: int
    show_window: Optional[int]
    exit_code: Optional[int] = None


@dataclass
class _Handle:
    kind: str  # "token", "process", "thread"
    session_id: int = 0
    primary: bool = False
    pid: int = 0


@dataclass
class _Accounting:
    handles: dict[int, _Handle] = field(default_factory=dict)
    bad_closes: int = 0
    env_blocks: int = 0


class SpawnMixin(_WtsPart):
    """The token, process and account parts of :class:`WtsSimulator` (see this module)."""

    def _init_spawn(self, provider: _Provider, guard: Any) -> None:
        self.tcb_privilege = True
        self.token_queries: list[int] = []
        self.spawned: list[Spawned] = []
        self.accounts: dict[str, tuple[str, str]] = {
            "S-1-5-18": ("NT AUTHORITY", "SYSTEM"),
            "S-1-5-19": ("NT AUTHORITY", "LOCAL SERVICE"),
            "S-1-5-20": ("NT AUTHORITY", "NETWORK SERVICE"),
        }
        self._acct = _Accounting()
        self._fail_next: dict[str, int] = {}
        self._serial_handle = 0
        self._next_pid = _FIRST_PID
        self._exited = threading.Condition(self.lock)
        self.advapi32 = _Provider("advapi32", self.get_last_error)
        self.userenv = _Provider("userenv", self.get_last_error)
        B = _I32
        exports: list[tuple[str, Any, list[Any], Any, Any]]
        provider.export("WTSQueryUserToken", B, [_U32, _V], guard(0, self._query_token))
        exports = [
            ("DuplicateTokenEx", B, [_V, _U32, _V, _I32, _I32, _V], self._duplicate, 0),
            ("CreateProcessAsUserW", B, [_V, _V, _V, _V, _V, _I32, _U32, _V, _V, _V, _V],
             self._create_process, 0),
            ("LookupAccountSidW", B, [_V, _V, _V, _V, _V, _V, _V], self._lookup, 0),
        ]  # fmt: skip
        for name, restype, argtypes, impl, failure in exports:
            self.advapi32.export(name, restype, argtypes, guard(failure, impl))
        self.userenv.export("CreateEnvironmentBlock", B, [_V, _V, _I32], guard(0, self._env))
        self.userenv.export("DestroyEnvironmentBlock", B, [_V], guard(0, self._destroy_env))
        exports = [
            ("CloseHandle", B, [_V], self._close_handle, 0),
            ("WaitForSingleObject", _U32, [_V, _U32], self._wait_object, _WAIT_FAILED),
            ("GetExitCodeProcess", B, [_V, _V], self._exit_code, 0),
            ("TerminateProcess", B, [_V, _U32], self._terminate_process, 0),
        ]
        for name, restype, argtypes, impl, failure in exports:
            self.kernel32.export(name, restype, argtypes, guard(failure, impl))

    # --- control and accounting ---------------------------------------------------------------

    @property
    def open_kernel_handles(self) -> int:
        """Tokens, processes and threads handed out and not closed."""
        with self.lock:
            return len(self._acct.handles)

    @property
    def open_tokens(self) -> int:
        """Token handles (user tokens and their duplicates) not closed."""
        with self.lock:
            return sum(1 for h in self._acct.handles.values() if h.kind == "token")

    @property
    def env_blocks(self) -> int:
        """Environment blocks created and not destroyed."""
        with self.lock:
            return self._acct.env_blocks

    def fail_api(self, function: str, code: int) -> None:
        """Make the next call of ``function`` (e.g. ``"CreateProcessAsUserW"``,
        ``"DuplicateTokenEx"``, ``"CreateEnvironmentBlock"``) fail with ``code``."""
        with self.lock:
            self._fail_next[function] = code

    def _injected(self, function: str) -> int:
        return self._fail_next.pop(function, 0)

    def exit_process(self, pid: int, exit_code: int = 0) -> None:
        """Make spawned process ``pid`` end with ``exit_code`` (waits return)."""
        with self.lock:
            for record in self.spawned:
                if record.pid == pid and record.exit_code is None:
                    record.exit_code = exit_code & 0xFFFFFFFF
                    self.processes[:] = [p for p in self.processes if p.process_id != pid]
            self._exited.notify_all()

    def _spawn_problems(self) -> list[str]:
        found = []
        with self.lock:
            kinds: dict[str, int] = {}
            for h in self._acct.handles.values():
                kinds[h.kind] = kinds.get(h.kind, 0) + 1
            found += [f"{n} {kind} handle(s) left open" for kind, n in sorted(kinds.items())]
            if self._acct.env_blocks:
                found.append(f"{self._acct.env_blocks} environment block(s) not destroyed")
            if self._acct.bad_closes:
                found.append(f"CloseHandle on a handle never opened: {self._acct.bad_closes}")
        return found

    def _reset_spawn(self) -> None:
        self.token_queries.clear()
        self.spawned.clear()
        self.tcb_privilege = True
        self._acct.bad_closes = 0
        self._fail_next.clear()
        self._exited.notify_all()

    # --- helpers ------------------------------------------------------------------------------

    def _new_handle(self, handle: _Handle) -> int:
        self._serial_handle += 1
        value = 0x7A000000 + self._serial_handle * 4
        self._acct.handles[value] = handle
        return value

    def _spawned(self, pid: int) -> Optional[Spawned]:
        return next((s for s in self.spawned if s.pid == pid), None)

    def _user_session(self, session_id: int) -> Any:
        for s in self.sessions:
            if s.session_id == session_id and not s.server:
                return s
        return None

    # --- exports ------------------------------------------------------------------------------

    def _query_token(self, session_id: int, ptoken: Any) -> int:
        with self.lock:
            r = self._begin(has_server=False)
            if isinstance(r, int):
                return self._fail(r)
            self.token_queries.append(session_id)
            # NULL phToken before the privilege: Windows answers ERROR_INVALID_PARAMETER to a
            # caller without SE_TCB_NAME (Wine's wtsapi.c test_WTSQueryUserToken).
            if not ptoken:
                return self._fail(ERROR_INVALID_PARAMETER)
            if not self.tcb_privilege:
                return self._fail(ERROR_PRIVILEGE_NOT_HELD)
            s = self._user_session(session_id)
            if s is None:
                return self._fail(ERROR_CTX_WINSTATION_NOT_FOUND)
            if session_id == 0 or not s.user_name:
                return self._fail(ERROR_NO_TOKEN)
            _put_ptr(ptoken, self._new_handle(_Handle("token", session_id, primary=True)))
            return 1

    def _duplicate(
        self, token: Any, access: int, attrs: Any, level: int, kind: int, pnew: Any
    ) -> int:
        with self.lock:
            code = self._injected("DuplicateTokenEx")
            if code:
                return self._fail(code)
            h = self._acct.handles.get(token or 0)
            if h is None or h.kind != "token":
                return self._fail(ERROR_INVALID_HANDLE)
            if not pnew or kind not in (_adv.TokenPrimary, _adv.TokenImpersonation):
                return self._fail(ERROR_INVALID_PARAMETER)
            dup = _Handle("token", h.session_id, primary=kind == _adv.TokenPrimary)
            _put_ptr(pnew, self._new_handle(dup))
            return 1

    def _user_environment(self, session_id: int) -> dict[str, str]:
        s = self._user_session(session_id)
        user = s.user_name if s is not None else ""
        domain = s.domain_name if s is not None else ""
        return {
            "ALLUSERSPROFILE": "C:\\ProgramData",
            "SystemRoot": "C:\\Windows",
            "TEMP": f"C:\\Users\\{user}\\AppData\\Local\\Temp",
            "USERDOMAIN": domain,
            "USERNAME": user,
            "USERPROFILE": f"C:\\Users\\{user}",
        }

    def _env(self, pblock: Any, token: Any, inherit: int) -> int:
        with self.lock:
            code = self._injected("CreateEnvironmentBlock")
            if code:
                return self._fail(code)
            if not pblock:
                return self._fail(ERROR_INVALID_PARAMETER)
            h = self._acct.handles.get(token or 0) if token else None
            if token and (h is None or h.kind != "token"):
                return self._fail(ERROR_INVALID_HANDLE)
            variables = self._user_environment(h.session_id if h else 0)
            text = "".join(f"{k}={v}\0" for k, v in sorted(variables.items(),
                                                          key=lambda i: i[0].upper()))  # fmt: skip
            buf = ctypes.create_unicode_buffer(text + "\0")  # sized in wchar_t units, NUL added
            address = self.buffers.alloc(ctypes.sizeof(buf), "env")
            ctypes.memmove(address, buf, ctypes.sizeof(buf))
            self._acct.env_blocks += 1
            _put_ptr(pblock, address)
            return 1

    def _destroy_env(self, block: Any) -> int:
        with self.lock:
            buffers = self.buffers
            if not block or block not in buffers.live or buffers.tag(block) != "env":
                if block:
                    buffers.free(block)  # counts a double or foreign free
                return self._fail(ERROR_INVALID_PARAMETER)
            buffers.free(block)
            self._acct.env_blocks -= 1
            return 1

    def _create_process(
        self, token: Any, app: Any, cmdline: Any, pattrs: Any, tattrs: Any, inherit: int,
        flags: int, env: Any, cwd: Any, psi: Any, ppi: Any,
    ) -> int:  # fmt: skip
        with self.lock:
            code = self._injected("CreateProcessAsUserW")
            if code:
                return self._fail(code)
            h = self._acct.handles.get(token or 0)
            if h is None or h.kind != "token":
                return self._fail(ERROR_INVALID_HANDLE)
            if not h.primary:
                return self._fail(ERROR_BAD_TOKEN_TYPE)
            if not psi or not ppi or (not app and not cmdline):
                return self._fail(ERROR_INVALID_PARAMETER)
            if env and not flags & _adv.CREATE_UNICODE_ENVIRONMENT:
                return self._fail(ERROR_INVALID_PARAMETER)
            si = _adv.STARTUPINFOW.from_address(psi)
            if si.cb != ctypes.sizeof(_adv.STARTUPINFOW):
                return self._fail(ERROR_INVALID_PARAMETER)
            environment: dict[str, str] = {}
            if env:
                from ..wts._token import _read_block

                environment = _read_block(env)
            pid = self._next_pid
            self._next_pid += 4
            command = _wstr(cmdline) or _wstr(app) or ""
            self.spawned.append(Spawned(
                pid, h.session_id, command, si.lpDesktop, _wstr(cwd), environment, flags,
                si.wShowWindow if si.dwFlags & _adv.STARTF_USESHOWWINDOW else None,
            ))  # fmt: skip
            name = command.split(" ", 1)[0].strip('"').rsplit("\\", 1)[-1]
            self.processes.append(Process(pid, h.session_id, name))
            info = _adv.PROCESS_INFORMATION.from_address(ppi)
            info.hProcess = self._new_handle(_Handle("process", h.session_id, pid=pid))
            info.hThread = self._new_handle(_Handle("thread", h.session_id, pid=pid))
            info.dwProcessId = pid
            info.dwThreadId = pid + 1
            return 1

    def _close_handle(self, handle: Any) -> int:
        with self.lock:
            if self._acct.handles.pop(handle or 0, None) is None:
                self._acct.bad_closes += 1
                return self._fail(ERROR_INVALID_HANDLE)
            return 1

    def _process_of(self, handle: Any) -> Optional[Spawned]:
        h = self._acct.handles.get(handle or 0)
        if h is None or h.kind != "process":
            return None
        return self._spawned(h.pid)

    def _wait_object(self, handle: Any, ms: int) -> int:
        deadline = None if ms == _INFINITE else time.monotonic() + ms / 1000
        with self.lock:
            while True:
                record = self._process_of(handle)
                if record is None:
                    self._fail(ERROR_INVALID_HANDLE)
                    return _WAIT_FAILED
                if record.exit_code is not None:
                    return _WAIT_OBJECT_0
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return _WAIT_TIMEOUT
                self._exited.wait(left)

    def _exit_code(self, handle: Any, pcode: Any) -> int:
        with self.lock:
            record = self._process_of(handle)
            if record is None or not pcode:
                return self._fail(
                    ERROR_INVALID_HANDLE if record is None else ERROR_INVALID_PARAMETER
                )
            _put_u32(pcode, _STILL_ACTIVE if record.exit_code is None else record.exit_code)
            return 1

    def _terminate_process(self, handle: Any, code: int) -> int:
        with self.lock:
            record = self._process_of(handle)
            if record is None:
                return self._fail(ERROR_INVALID_HANDLE)
            if record.exit_code is not None:
                return self._fail(ERROR_ACCESS_DENIED)  # what Windows gives for an ended one
        self.exit_process(record.pid, code)
        return 1

    def _lookup(
        self, system: Any, psid: Any, name: Any, pcch_name: Any, domain: Any,
        pcch_domain: Any, puse: Any,
    ) -> int:  # fmt: skip
        from ..wts._query import _sid

        with self.lock:
            if not psid or not pcch_name or not pcch_domain:
                return self._fail(ERROR_INVALID_PARAMETER)
            account = self.accounts.get(_sid(psid) or "")
            if account is None:
                return self._fail(ERROR_NONE_MAPPED)
            dom, user = account
            have_name = ctypes.c_uint32.from_address(pcch_name).value
            have_dom = ctypes.c_uint32.from_address(pcch_domain).value
            if have_name <= len(user) or have_dom <= len(dom) or not name or not domain:
                # "If the Name buffer is too small, the function fails and cchName receives
                # the required buffer size, including the terminating null character."
                _put_u32(pcch_name, len(user) + 1)
                _put_u32(pcch_domain, len(dom) + 1)
                return self._fail(ERROR_INSUFFICIENT_BUFFER)
            for address, text in ((name, user), (domain, dom)):
                buf = ctypes.create_unicode_buffer(text)
                ctypes.memmove(address, buf, ctypes.sizeof(buf))
            _put_u32(pcch_name, len(user))
            _put_u32(pcch_domain, len(dom))
            if puse:
                ctypes.c_int32.from_address(puse).value = 5 if dom == "NT AUTHORITY" else 1
            return 1
