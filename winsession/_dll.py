"""The one place winsession loads DLLs and binds functions from them.

On Windows every DLL is loaded lazily, on first use, from System32 only:
``LoadLibraryExW(<System32>\\name.dll, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32)`` (the full path
from ``GetSystemDirectoryW``, so a same-named module loaded from elsewhere is not reused; the
flag, so its dependencies come from System32 too), then bound through that handle as
``ctypes.WinDLL(name, handle=h, use_last_error=True)`` -- a private instance per DLL, never
the shared ``ctypes.windll``, so the ``argtypes``/``restype`` set here cannot clash with other
libraries in the same process. ``ctypes.WinDLL("netapi32")`` would search the application's
folder (next to ``python.exe``) and every ``os.add_dll_directory`` folder before System32: a
DLL planted there would win. Only kernel32 itself, needed to make that call, is opened by
name: it is a KnownDLL, mapped from System32 into every process before Python starts. Nothing
(no environment variable, no file outside System32) can redirect which DLL is loaded.

On other systems importing works and every declaration can be inspected, but calling an
API raises :class:`~winsession.errors.UnsupportedPlatformError` -- unless a test has bound
a stand-in library with :func:`use_stand_in`, the test-only hook.

This module is the bottom of the package: it imports nothing of winsession, and knows no
exception class of it. A declaration names its return convention with a :class:`Check`
(``Check("BOOL")``, ``Check("NET_API_STATUS")``); :mod:`winsession.errors`, above, attaches
the code that raises for each convention, and the exception for a DLL that cannot be had
(a :class:`LoadFailure`), with :func:`attach_errors` when it is imported -- which
``import winsession`` always does first.

On every OS, :func:`use_simulator` makes :func:`load` return an in-process provider object
(:mod:`winsession.testing`'s pure-Python simulator) instead of a DLL. That is an explicit
call by the program itself, not a redirection from outside: the rule above stands.
"""

from __future__ import annotations

import _thread
import sys
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar, Union

# ctypes is imported where a DLL is loaded or a last error read, not here: winsession.errors
# imports this module, and `import winsession` (which imports errors) should not pay for it.
if TYPE_CHECKING:
    import ctypes
    from collections.abc import Sequence

    from typing_extensions import ParamSpec  # typeshed's; nothing imports it at run time

    _P = ParamSpec("_P")
else:
    _P = TypeVar("_P")  # a stand-in: 3.9 has no ParamSpec, and annotations are never evaluated
_R = TypeVar("_R")

__all__ = [
    "Check",
    "Function",
    "LoadFailure",
    "attach_errors",
    "clear_simulator",
    "clear_stand_ins",
    "data_file",
    "forget_data_files",
    "is_simulated",
    "last_error",
    "load",
    "set_last_error",
    "use_simulator",
    "use_stand_in",
]

_IS_WINDOWS = sys.platform == "win32"
_lock = _thread.allocate_lock()  # threading.Lock itself, without importing threading
_libraries: dict[str, ctypes.CDLL] = {}
_stand_ins: dict[str, str] = {}
_functions: list[Function[..., Any]] = []
_simulators: dict[str, Any] = {}
_data_files: dict[str, int] = {}
_data_lock = _thread.allocate_lock()  # not _lock: binding kernel32 inside takes that one

ErrCheck = Callable[[Any, Any, tuple[Any, ...]], Any]
"""A ctypes errcheck: ``(result, function, arguments) -> result``, raising on failure."""


class Check:
    """A declaration's return convention -- what its result says about failure -- without
    the code that raises, which :mod:`winsession.errors` attaches (see :func:`attach_errors`).

    ``Check("NET_API_STATUS")``: 0 and ``ERROR_MORE_DATA`` succeed, anything else is the
    error. ``Check("BOOL")``: zero fails, the reason is the thread's last error;
    ``Check("BOOL", failure=-1)`` for a function whose one failing result is -1
    (``GetMessageW``) or ``WAIT_FAILED``. ``Check("HRESULT")``: negative fails.

    >>> from winsession import _dll
    >>> _dll.Check("BOOL", failure=-1)
    Check('BOOL', failure=-1)
    >>> _dll.Check("HRESULT").resolve("ole32")(0, "CoInitializeEx", ())   # S_OK: returned
    0
    """

    __slots__ = ("convention", "failure")

    def __init__(self, convention: str, failure: Optional[int] = None) -> None:
        self.convention = convention
        self.failure = failure

    def resolve(self, dll: str) -> ErrCheck:
        """The errcheck attached for this convention, for a function of ``dll``."""
        make = _conventions.get(self.convention)
        if make is None:  # winsession/__init__ imports errors first: only a broken install
            raise RuntimeError(f"no errcheck is attached for {self.convention} (winsession.errors)")
        return make(dll, self.failure)

    def __repr__(self) -> str:
        failure = "" if self.failure is None else f", failure={self.failure}"
        return f"Check({self.convention!r}{failure})"


class LoadFailure:
    """Why a DLL cannot be had, as facts; :mod:`winsession.errors` makes the exception.

    ``dll``: the library's name (``"netapi32"``); ``winerror``: ``LoadLibraryExW``'s last
    error on Windows, ``None`` when this is not Windows (and no stand-in is bound);
    ``platform``: ``sys.platform``.
    """

    __slots__ = ("dll", "platform", "winerror")

    def __init__(self, dll: str, winerror: Optional[int], platform: str) -> None:
        self.dll = dll
        self.winerror = winerror
        self.platform = platform

    def __repr__(self) -> str:
        return f"LoadFailure({self.dll!r}, {self.winerror!r}, {self.platform!r})"


_conventions: dict[str, Callable[[str, Optional[int]], ErrCheck]] = {}


def _no_errors(failure: LoadFailure) -> BaseException:
    # Before winsession.errors has attached its own (it always has, once winsession imports).
    return OSError(f"{failure.dll}.dll cannot be loaded (error {failure.winerror})")


_load_error: Callable[[LoadFailure], BaseException] = _no_errors


def attach_errors(
    conventions: dict[str, Callable[[str, Optional[int]], ErrCheck]],
    load_error: Callable[[LoadFailure], BaseException],
) -> None:
    """Called once by :mod:`winsession.errors`: the errcheck factory for each :class:`Check`
    convention (``factory(dll, failure) -> errcheck``) and the exception for a
    :class:`LoadFailure`. So the loader and the raw layer raise winsession's exceptions
    without importing them."""
    global _load_error
    _conventions.update(conventions)
    _load_error = load_error


def load(name: str) -> ctypes.CDLL:
    """Return the loaded library ``name`` (e.g. ``"netapi32"``), loading it on first use.

    A provider bound with :func:`use_simulator` is returned instead, on every OS.
    """
    simulated = _simulators.get(name)
    if simulated is not None:
        return simulated  # type: ignore[no-any-return]
    lib = _libraries.get(name)
    if lib is not None:
        return lib
    with _lock:
        lib = _libraries.get(name)
        if lib is None:
            lib = _open(name)
            _libraries[name] = lib
        return lib


# winbase.h; raw.kernel32 names them too, but this module sits below raw and imports none of it.
_LOAD_LIBRARY_AS_DATAFILE = 0x00000002
_LOAD_LIBRARY_SEARCH_SYSTEM32 = 0x00000800

_bootstrap: Optional[tuple[Callable[..., int], Callable[..., Optional[int]], Callable[..., int]]]
_bootstrap = None


def _system32() -> tuple[Callable[..., int], Callable[..., Optional[int]], Callable[..., int]]:
    """``GetSystemDirectoryW``, ``LoadLibraryExW`` and ``FreeLibrary`` of a private kernel32
    (Windows only): what loading needs, before any declaration can be bound. kernel32 is a
    KnownDLL, always System32's; the functions are fetched by ``__getitem__`` (new objects), so
    neither ``ctypes.windll`` nor raw.kernel32's declarations are touched."""
    import ctypes

    global _bootstrap
    if _bootstrap is None and sys.platform == "win32":  # (WinDLL exists there only)
        k32 = ctypes.WinDLL("kernel32", use_last_error=True)
        get_dir = k32["GetSystemDirectoryW"]
        get_dir.argtypes = (ctypes.c_wchar_p, ctypes.c_uint32)
        get_dir.restype = ctypes.c_uint32
        load_ex = k32["LoadLibraryExW"]
        load_ex.argtypes = (ctypes.c_wchar_p, ctypes.c_void_p, ctypes.c_uint32)
        load_ex.restype = ctypes.c_void_p
        free = k32["FreeLibrary"]
        free.argtypes = (ctypes.c_void_p,)
        free.restype = ctypes.c_int32
        _bootstrap = (get_dir, load_ex, free)
    if _bootstrap is None:
        raise RuntimeError("no System32 to load from: not Windows")
    return _bootstrap


def _load_from_system32(file_name: str, flags: int) -> Optional[int]:
    """``LoadLibraryExW(<System32>\\file_name, NULL, flags)``: the module handle, or ``None``
    (the reason in ctypes' saved last error)."""
    import ctypes

    get_dir, load_ex, _ = _system32()
    system = ctypes.create_unicode_buffer(512)
    length = get_dir(system, len(system))
    if not 0 < length < len(system):
        return None
    path = system.value[:length].rstrip("\\") + "\\" + file_name
    return load_ex(path, None, flags) or None


def _open(name: str) -> ctypes.CDLL:
    import ctypes

    if sys.platform == "win32":
        if name == "kernel32":
            # A KnownDLL; a private instance, so no other library's settings are touched.
            return ctypes.WinDLL("kernel32", use_last_error=True)
        handle = _load_from_system32(name + ".dll", _LOAD_LIBRARY_SEARCH_SYSTEM32)
        if handle is None:
            raise _load_error(LoadFailure(name, ctypes.get_last_error(), sys.platform))
        return ctypes.WinDLL(name, handle=handle, use_last_error=True)
    path = _stand_ins.get(name)
    if path is None:
        raise _load_error(LoadFailure(name, None, sys.platform))
    # The stand-ins are built for the host's C convention; no GetLastError there.
    return ctypes.CDLL(path)


def is_simulated(name: str) -> bool:
    """Whether :func:`use_simulator` has put an in-process provider in place of ``name``."""
    return name in _simulators


def data_file(name: str) -> Optional[int]:
    """The module handle of System32's ``name`` (e.g. ``"netmsg.dll"``) loaded as a data file,
    or ``None`` when it cannot be loaded (or off Windows).

    Loaded once with ``LoadLibraryExW(<System32>\\name, NULL, LOAD_LIBRARY_AS_DATAFILE |
    LOAD_LIBRARY_SEARCH_SYSTEM32)``: the full path from ``GetSystemDirectoryW`` as well as the
    flag, because Wine's loader searches the application's folder for data files despite the
    flag; a DLL planted next to the program or in the current directory is never used. No code
    of it runs -- its resources (message tables) are all that is read. A failure is not
    remembered, so a DLL that appears later is found. :func:`forget_data_files` releases the
    handles.
    """
    if sys.platform != "win32" or is_simulated("kernel32"):
        return None
    handle = _data_files.get(name)
    if handle is not None:
        return handle
    with _data_lock:
        handle = _data_files.get(name)
        if handle is None:
            flags = _LOAD_LIBRARY_AS_DATAFILE | _LOAD_LIBRARY_SEARCH_SYSTEM32
            loaded = _load_from_system32(name, flags)
            if loaded is None:
                return None
            handle = _data_files[name] = int(loaded)
        return handle


def forget_data_files() -> None:
    """Release every module :func:`data_file` loaded (the next call loads afresh)."""
    if sys.platform != "win32":
        return
    with _data_lock:
        handles = list(_data_files.values())
        _data_files.clear()
    if handles:
        free = _system32()[2]
        for handle in handles:
            free(handle)


def last_error(dll: str) -> int:
    """The calling thread's last-error value after a call into ``dll``.

    On Windows that is ctypes' saved copy (``use_last_error=True`` swaps it in and out
    around every call, so nothing between the call and this read can change it). Off
    Windows the stand-ins keep a thread-local value of their own. A simulated DLL (see
    :func:`use_simulator`) answers through its provider's ``get_last_error()``.
    """
    import ctypes

    simulated = _simulators.get(dll)
    if simulated is not None:
        return int(simulated.get_last_error())
    if sys.platform == "win32":
        return ctypes.get_last_error()
    getter = load(dll).stub_get_last_error
    getter.restype = ctypes.c_uint32
    getter.argtypes = ()
    return int(getter())


def set_last_error(dll: str, code: int) -> None:
    """Set the calling thread's last-error value as a call into ``dll`` will see it (ctypes'
    saved copy on Windows, the stand-in's own off Windows; nothing for a simulated DLL).
    Lets a caller tell "failed without setting an error" from a stale error of an earlier
    call."""
    import ctypes

    if dll in _simulators:
        return
    if sys.platform == "win32":
        ctypes.set_last_error(code)
        return
    setter = load(dll).stub_set_last_error
    setter.restype = None
    setter.argtypes = (ctypes.c_uint32,)
    setter(code)


def use_stand_in(name: str, path: str) -> None:
    """Test hook: make ``load(name)`` open the stand-in shared library at ``path``.

    Refused on Windows, where System32's DLLs are always the ones used (the Wine tier puts
    the stand-ins into the test prefix's own System32, so the production path runs).
    """
    if _IS_WINDOWS:
        raise RuntimeError("stand-in libraries cannot be substituted on Windows")
    with _lock:
        _stand_ins[name] = path
        _libraries.pop(name, None)
        for fn in _functions:
            if fn.dll == name:
                fn._unbind()


def _unbind_all(name: str) -> None:
    for fn in _functions:
        if fn.dll == name:
            fn._unbind()


def use_simulator(name: str, provider: Any) -> Optional[Any]:
    """Make ``load(name)`` return ``provider`` (an in-process simulator); return the previous one.

    ``provider`` has one attribute per export (a ctypes function pointer that
    :meth:`Function.bind` configures) and ``get_last_error()``. Allowed on every OS: it is
    an explicit call inside the process (``winsession.testing.Simulator`` makes it), not a
    way to redirect which DLL is loaded. Every declaration of ``name`` is rebound on its
    next call. Undo with ``clear_simulator(name, previous)``.
    """
    with _lock:
        previous = _simulators.get(name)
        _simulators[name] = provider
        _unbind_all(name)
        return previous


def clear_simulator(name: str, previous: Optional[Any] = None) -> None:
    """Stop simulating ``name``: restore ``previous`` (from :func:`use_simulator`) or the DLL."""
    with _lock:
        if previous is None:
            _simulators.pop(name, None)
        else:
            _simulators[name] = previous
        _unbind_all(name)


def clear_stand_ins() -> None:
    """Test hook: forget every stand-in, so calls raise UnsupportedPlatformError again."""
    with _lock:
        _stand_ins.clear()
        if not _IS_WINDOWS:
            _libraries.clear()
            for fn in _functions:
                fn._unbind()


class Function(Generic[_P, _R]):
    """A DLL export declared with exact ``argtypes`` and ``restype``, bound on first call.

    The declaration (``dll``, ``name``, ``argtypes``, ``restype``, ``errcheck``) is
    inspectable on every OS; binding happens through :func:`load` only. ``errcheck`` is a
    :class:`Check` (a return convention; its errcheck is looked up when binding) or a ctypes
    errcheck itself. For mypy a declaration is ``Function[[arg types...], result]``, so a call
    with the wrong number or kind of arguments is a type error where it is written (the raw
    modules annotate each one). Arguments are positional only, as ctypes passes them: a
    keyword is refused, not dropped.

    >>> from winsession.raw import kernel32
    >>> kernel32.CloseHandle(hObject=0)
    Traceback (most recent call last):
    TypeError: CloseHandle() takes positional arguments only, not hObject=
    """

    def __init__(
        self,
        dll: str,
        name: str,
        restype: Any,
        argtypes: Sequence[Any],
        errcheck: Union[Check, ErrCheck, None] = None,
        doc: Optional[str] = None,
    ) -> None:
        self.dll = dll
        self.name = name
        self.restype = restype
        self.argtypes = tuple(argtypes)
        self.errcheck = errcheck
        self.__doc__ = doc
        self._bound: Optional[Callable[..., Any]] = None
        _functions.append(self)  # so use_stand_in() can unbind every declaration

    def bind(self) -> Callable[..., Any]:
        """Return the ctypes function pointer, configured, binding it if needed."""
        bound = self._bound
        if bound is None:
            ptr = getattr(load(self.dll), self.name)
            ptr.argtypes = self.argtypes
            ptr.restype = self.restype
            check = self.errcheck
            if isinstance(check, Check):
                ptr.errcheck = check.resolve(self.dll)
            elif check is not None:
                ptr.errcheck = check
            self._bound = bound = ptr
        return bound

    def _unbind(self) -> None:
        self._bound = None

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if kwargs:  # ctypes has no keywords; dropping them would call with fewer arguments
            given = ", ".join(f"{key}=" for key in kwargs)
            raise TypeError(f"{self.name}() takes positional arguments only, not {given}")
        bound = self._bound
        if bound is None:
            bound = self.bind()
        return bound(*args)  # type: ignore[no-any-return]  # ctypes' result, typed by _R

    def __repr__(self) -> str:
        return f"<winsession raw function {self.dll}!{self.name}>"
