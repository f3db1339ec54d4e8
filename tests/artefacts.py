"""The package tier of tests/run.py: build the sdist and the wheel as a packager would, check
them, and test what users install rather than the checkout.

Checks, each one line of the tier (``python tests/artefacts.py`` runs them alone):

build         ``python -m build`` (sdist, then the wheel from the sdist) into build/dist,
              with no warning in its output
contents      the sdist carries what its tests need; the wheel carries the package, py.typed
              and the licence, and nothing else
twine         ``twine check --strict`` of both
venv          the wheel in a fresh venv: ``winsession --version`` prints the one version,
              ``winsession --simulate ts list`` runs, and ``import winsession`` comes from it
sdist-host    the unpacked sdist's own ``tests/run.py --tier host``, with that venv's Python
wine-wheel    the unpacked wheel, alone on the path of the Windows CPython under Wine, imported
              and smoke-tested against Wine's own DLLs
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
import tarfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import winpy  # tests/winpy.py, beside this file

REPO = winpy.REPO
DIST = REPO / "build" / "dist"
WORK = REPO / "build" / "package"
VENV = WORK / "venv"

# What the sdist must carry for its own tests (tests/run.py --tier host) to pass.
SDIST_NEEDS = (
    "pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in",
    "tests/run.py", "tests/winpy.py", "tests/conftest.py", "tests/stubctl.py", "tests/_tier.py",
    "tests/reference/win32-sessions.json", "stubs/Makefile", "stubs/common/stubcommon.c",
    "examples/list_smb_sessions.py", "benchmarks/run.py", "winsession/py.typed",
    "docs/conf.py", "docs/index.rst",
)  # fmt: skip

# pip's own notice about this machine's index configuration, not about the build.
PIP_CONFIG_NOTICE = re.compile(r"^WARNING: Location '.*' is ignored")


def version() -> str:
    """winsession.__version__, read from the checkout's source as setuptools reads it."""
    tree = ast.parse((REPO / "winsession" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise RuntimeError("winsession/__init__.py defines no __version__ string")


def _run(
    cmd: Sequence[str],
    *,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> tuple[int, str]:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    output: list[str] = []
    rc = winpy.stream(cmd, cwd=cwd, env=env, output=output, timeout=timeout)
    return rc, "".join(output)


def _artefacts() -> tuple[Path, Path]:
    v = version()
    return DIST / f"winsession-{v}.tar.gz", DIST / f"winsession-{v}-py3-none-any.whl"


def check_build() -> str:
    if DIST.exists():
        shutil.rmtree(DIST)
    # Byte-compiling off (PYTHONDONTWRITEBYTECODE) makes setuptools warn; a packager's
    # environment has it on.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rc, out = _run([sys.executable, "-m", "build", "--outdir", str(DIST), str(REPO)], env=env)
    if rc != 0:
        return f"python -m build failed (exit code {rc})"
    warnings = [
        line.strip()
        for line in out.splitlines()
        if "warn" in line.lower() and not PIP_CONFIG_NOTICE.match(line.strip())
    ]
    if warnings:
        return f"python -m build warned: {warnings[:5]}"
    missing = [p.name for p in _artefacts() if not p.is_file()]
    return f"python -m build did not make {missing}" if missing else ""


def check_contents() -> str:
    sdist, wheel = _artefacts()
    top = f"winsession-{version()}/"
    with tarfile.open(sdist) as tar:
        in_sdist = {n[len(top) :] for n in tar.getnames() if n.startswith(top)}
    problems = [f"sdist lacks {n}" for n in SDIST_NEEDS if n not in in_sdist]
    problems += [f"sdist carries {n}" for n in in_sdist if n.startswith("build/")]
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = zf.namelist()
    info = f"winsession-{version()}.dist-info/"
    for need in ("winsession/__init__.py", "winsession/py.typed", f"{info}licenses/LICENSE"):
        if need not in in_wheel:
            problems.append(f"wheel lacks {need}")
    stray = [n for n in in_wheel if not n.startswith(("winsession/", info))]
    if stray:
        problems.append(f"wheel carries more than the package: {stray[:5]}")
    print(f"sdist {sdist.name}: {sdist.stat().st_size} bytes, {len(in_sdist)} entries")
    print(f"wheel {wheel.name}: {wheel.stat().st_size} bytes, {len(in_wheel)} files")
    return "; ".join(problems)


def check_twine() -> str:
    rc, _ = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, _artefacts())])
    return f"twine check failed (exit code {rc})" if rc else ""


def _venv_bin(name: str) -> Path:
    return VENV / ("Scripts" if sys.platform == "win32" else "bin") / name


def check_venv() -> str:
    _, wheel = _artefacts()
    if VENV.exists():
        shutil.rmtree(VENV)
    rc, _ = _run([sys.executable, "-m", "venv", str(VENV)])
    if rc:
        return f"python -m venv failed (exit code {rc})"
    python = _venv_bin("python")
    # The test extra too: the sdist-host check runs the sdist's tests with this Python.
    rc, _ = _run([str(python), "-m", "pip", "install", "-q", f"{wheel}[test]"])
    if rc:
        return f"pip install of the wheel failed (exit code {rc})"
    neutral = WORK  # not the checkout: its winsession/ must not shadow the installed one
    problems = []
    rc, out = _run([str(_venv_bin("winsession")), "--version"], cwd=neutral)
    if rc or out.strip() != f"winsession {version()}":
        problems.append(f"`winsession --version` gave {out.strip()!r} (exit code {rc})")
    rc, out = _run([str(_venv_bin("winsession")), "--simulate", "ts", "list"], cwd=neutral)
    if rc or "alice" not in out:
        problems.append(f"`winsession --simulate ts list` failed (exit code {rc})")
    # The JSON Schema of the command's output ships in the wheel (issue 21).
    code = ("import importlib.resources as r, json; print(len(json.loads(r.files("
            "'winsession.cli').joinpath('schema.json').read_text('utf-8'))['$defs']))")  # fmt: skip
    rc, out = _run([str(python), "-c", code], cwd=neutral)
    if rc or not out.strip().isdigit():
        problems.append(f"schema.json did not load from the installed wheel: {out.strip()!r}")
    code = "import winsession; print(winsession.__file__)"
    rc, out = _run([str(python), "-c", code], cwd=neutral)
    if rc or Path(out.strip()).resolve().parents[1] == REPO or str(VENV) not in out:
        problems.append(f"import winsession in the venv gave {out.strip()!r}")
    return "; ".join(problems)


def check_sdist_host() -> str:
    sdist, _ = _artefacts()
    unpacked = WORK / "sdist"
    if unpacked.exists():
        shutil.rmtree(unpacked)
    unpacked.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in member.name.split("/"):
                return f"unexpected member {member.name!r} in {sdist.name}"
        if hasattr(tarfile, "data_filter"):  # 3.9.17+, 3.10.12+, 3.11.4+
            tar.extractall(unpacked, filter="data")
        else:
            tar.extractall(unpacked)
    root = unpacked / f"winsession-{version()}"
    rc, _ = _run([str(_venv_bin("python")), "tests/run.py", "--tier", "host"], cwd=root)
    return f"the unpacked sdist's host tier failed (exit code {rc})" if rc else ""


WINE_SMOKE = r"""
import sys
wheel_dir, repo = sys.argv[1], sys.argv[2]
sys.path[:] = [p for p in sys.path if p.lower() != repo.lower()]  # the ._pth's checkout entry
sys.path.insert(0, wheel_dir)
import importlib.metadata, os
import winsession
from winsession import codes, net, wts
from winsession.cli import main
where = os.path.dirname(os.path.dirname(winsession.__file__))
assert where.lower() == wheel_dir.lower(), winsession.__file__
assert importlib.metadata.version("winsession") == winsession.__version__
# Wine's own DLLs (=b): the declarations load and the calls return; Wine reports no sessions.
assert list(wts.enumerate_sessions()) == list(net.enum_sessions()) == []
assert codes.symbol(5) == "ERROR_ACCESS_DENIED" and codes.message(5)  # Windows' text here
assert main(["--simulate", "ts", "list"]) == 0
print("wheel smoke test passed:", winsession.__version__, winsession.__file__)
"""


def check_wine_wheel() -> str:
    _, wheel = _artefacts()
    unpacked = WORK / "wheel-win"
    if unpacked.exists():
        shutil.rmtree(unpacked)
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(unpacked)
    try:
        winpy.setup()
        args = ["-c", WINE_SMOKE, winpy.to_windows_path(unpacked), winpy.to_windows_path(REPO)]
        rc = winpy.run_python(args, dll_overrides="netapi32,wtsapi32=b", cwd=WORK, timeout=300)
    except winpy.SetupError as exc:
        return f"Windows Python / Wine not ready: {exc}"
    finally:
        winpy.wine_shutdown()
    return f"the wheel's smoke test under Wine failed (exit code {rc})" if rc else ""


CHECKS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("build", check_build),
    ("contents", check_contents),
    ("twine", check_twine),
    ("venv", check_venv),
    ("sdist-host", check_sdist_host),
    ("wine-wheel", check_wine_wheel),
)
NEEDS = {"contents": "build", "twine": "build", "venv": "build", "sdist-host": "venv",
         "wine-wheel": "build"}  # fmt: skip


def run_checks(banner: Callable[[str], None]) -> list[tuple[str, str]]:
    """Run the checks in order; (name, problem) for each, problem "" when it passed. A check
    whose prerequisite failed is not run, and fails."""
    WORK.mkdir(parents=True, exist_ok=True)
    problems: dict[str, str] = {}
    for name, check in CHECKS:
        banner(f"tier package: {name}")
        need = NEEDS.get(name)
        if need and problems.get(need):
            problems[name] = f"not run: {need} failed"
        else:
            try:
                problems[name] = check()
            except Exception as exc:  # a bug in a check fails that check, not run.py
                problems[name] = f"{type(exc).__name__}: {exc}"
        print(f"[package] {name}: {problems[name] or 'ok'}", flush=True)
    return list(problems.items())


if __name__ == "__main__":
    found = run_checks(lambda text: print(f"\n=== {text} ===", flush=True))
    failed = [f"{name}: {problem}" for name, problem in found if problem]
    print("\n".join(failed) or "all package checks passed")
    sys.exit(1 if failed else 0)
