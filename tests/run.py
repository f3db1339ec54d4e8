#!/usr/bin/env python3
"""Run every test tier: ``python tests/run.py`` (the one test command).

Tiers (DESIGN.md at the repository root, "Test tiers"; on Windows only ``windows-live`` runs):

  lint          ruff check, ruff format --check, mypy --strict (win32 and linux)
  docs          the Sphinx site in docs/ (python -m sphinx -W: warnings are errors)
  host          this (Linux) Python, winsession bound to the host-built stand-ins
  wine-standin  Windows CPython 3.13 under Wine, stand-in DLLs in the test prefix's System32
                (WINEDLLOVERRIDES="netapi32,wtsapi32=n,b": the production loader, which
                loads from System32 only, opens them)
  wine-builtin  the same Python with Wine's own DLLs forced (=b), tests marked builtin_dll
  wine-standin-py39, wine-builtin-py39
                the same two with the Windows CPython 3.9, the oldest winsession supports
  wine-parity-py310, wine-parity-py311, wine-parity-py312
                the parity suite (tests/test_parity.py: stand-ins vs simulator) and the
                tier checks on the stand-ins, with the Windows CPython 3.10, 3.11 and 3.12
  package       the sdist and wheel built (python -m build) and checked (twine), the wheel
                installed in a fresh venv and run, the unpacked sdist's own host tier, and
                the unpacked wheel imported by the Windows CPython under Wine (tests/artefacts.py)
  windows-live  (on Windows) the live system

Steps: with --install, install what is missing (Debian packages through apt, this package
with its test/dev extras through pip); lint (ruff check, ruff format --check, mypy --strict of
winsession/ and benchmarks/ for win32 and linux); build the stand-ins (make -C stubs), prepare
the Windows Python and the Wine prefix (tests/winpy.py, idempotent), run pytest once per tier
(each tier's results are read from the JUnit XML it writes to build/junit/), print a table and
a closing line ``N passed, N failed, N skipped``.

The exit status is non-zero if any tier fails or cannot run (a missing tool is a failure, never
a skip: the message says what to install). With CI=true a skipped test fails the run too.

Examples:
  python tests/run.py --install      # a fresh machine: what CI runs
  python tests/run.py
  python tests/run.py --tier host
  python tests/run.py --tier wine-standin -- tests/test_net.py -k paging -x
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import artefacts  # tests/artefacts.py: the package tier
import winpy  # tests/winpy.py, beside this file

REPO = winpy.REPO
STUBS_BUILD = REPO / "build" / "stubs"


@dataclass(frozen=True)
class WineRun:
    """A Wine tier: which DLLs (``kind``: the stand-ins or Wine's own; the WINSESSION_TIER the
    tests see), which Windows CPython (tests/winpy.py's PYTHONS), and which tests (None: the
    full Windows selection of that kind)."""

    kind: str  # "wine-standin" or "wine-builtin"
    python: str
    tests: tuple[str, ...] = ()  # empty: all


# The parity suite, and the tier checks (which assert the interpreter's version).
PARITY = ("tests/test_parity.py", "tests/test_tiers.py")
# 3.13 and 3.9 (the newest and the oldest Python winsession supports) run every Windows test;
# 3.10-3.12 run the parity suite (the stand-ins and the simulator against each other).
WINE_TIERS = {
    "wine-standin": WineRun("wine-standin", "3.13"),
    "wine-builtin": WineRun("wine-builtin", "3.13"),
    "wine-standin-py39": WineRun("wine-standin", "3.9"),
    "wine-builtin-py39": WineRun("wine-builtin", "3.9"),
    "wine-parity-py310": WineRun("wine-standin", "3.10", PARITY),
    "wine-parity-py311": WineRun("wine-standin", "3.11", PARITY),
    "wine-parity-py312": WineRun("wine-standin", "3.12", PARITY),
}
POSIX_TIERS = ("lint", "docs", "host", *WINE_TIERS, "package")
APT_PACKAGES = ("make", "gcc", "gcc-mingw-w64-x86-64", "wine", "wine64")
# The Pythons the tiers run, which pyproject.toml's classifiers name (tests/test_release.py):
# CI's host Python (Debian bookworm's python3, the host tier) and the Windows CPythons.
CI_HOST_PYTHON = "3.11"
TESTED_PYTHONS = tuple(
    sorted({CI_HOST_PYTHON, *(r.python for r in WINE_TIERS.values())}, key=lambda v: int(v[2:]))
)
ALWAYS_OVERRIDDEN = ("netapi32", "wtsapi32")

APT_HINT = "sudo apt-get install make gcc gcc-mingw-w64-x86-64 wine wine64"
PIP_HINT = "python3 -m pip install -e '.[dev]' (or run with --install)"

PYTEST_EXIT = {
    1: "tests failed",
    2: "interrupted",
    3: "pytest internal error",
    4: "pytest usage error",
    5: "no tests collected",
}

COLUMNS = ("passed", "failed", "skipped", "errors", "deselected", "xfailed", "xpassed")


@dataclass
class Tier:
    name: str
    ok: bool = False
    ran: bool = False
    problem: str = ""  # why it failed or could not run
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped_lines: list[str] = field(default_factory=list)


def banner(text: str) -> None:
    print(f"\n{'=' * 20} {text} {'=' * max(3, 70 - len(text))}", flush=True)


def parse_junit(path: Path) -> tuple[dict[str, int] | None, list[str]]:
    """A tier's counts from the JUnit XML pytest wrote (None if it wrote none, or an
    unreadable one), and one line per skipped test."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None, []
    counts = dict.fromkeys(COLUMNS, 0)
    skipped: list[str] = []
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        for prop in suite.iterfind("properties/property"):
            if prop.get("name") == "deselected":  # recorded by tests/conftest.py
                counts["deselected"] += int(prop.get("value") or 0)
        for case in suite.iter("testcase"):
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            outcome = "passed"
            for child in case:
                message = child.get("message") or ""
                if child.tag == "failure":
                    # xfail_strict: an unexpected pass is reported as a failure like this.
                    xpass = message.startswith("[XPASS(strict)]")
                    outcome = "xpassed" if xpass else "failed"
                    counts[outcome] += 1
                elif child.tag == "error":
                    outcome = "errors"
                    counts["errors"] += 1
                elif child.tag == "skipped":
                    outcome = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
                    counts[outcome] += 1
                    if outcome == "skipped":
                        skipped.append(f"SKIPPED {name}: {message}")
            if outcome == "passed":
                counts["passed"] += 1
    return {k: v for k, v in counts.items() if v}, skipped


def junit_path(tier: str) -> Path:
    """Where a tier's pytest writes its JUnit XML (build/junit/TIER.xml, removed first)."""
    path = REPO / "build" / "junit" / f"{tier}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return path


def pytest_paths(extra: list[str]) -> list[str]:
    """'tests', unless the pass-through arguments name test files or folders themselves."""
    for arg in extra:
        if not arg.startswith("-") and (REPO / arg.split("::")[0]).exists():
            return []
    return ["tests"]


def finish(tier: Tier, rc: int, junit: Path, seconds: float, crash_note: str = "") -> None:
    tier.ran = True
    tier.seconds = seconds
    counts, tier.skipped_lines = parse_junit(junit)
    tier.counts = counts or {}
    if rc == 0 and counts is not None:
        tier.ok = True
        return
    if rc == 124:
        tier.problem = "timed out (killed; see --timeout)"
    elif rc in PYTEST_EXIT:
        tier.problem = f"pytest exit code {rc} ({PYTEST_EXIT[rc]})"
    else:
        tier.problem = f"exit code {rc}{crash_note}"
    if counts is None and rc != 124:
        tier.problem += f"; pytest wrote no JUnit XML ({junit.relative_to(REPO)})"


# --------------------------------------------------------------------------------------------
# steps


def _installed(package: str) -> bool:
    query = ["dpkg-query", "-W", "-f=${Status}", package]
    done = subprocess.run(query, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return done.returncode == 0 and "install ok installed" in done.stdout


def install() -> None:
    """Install what the suite needs and this machine lacks; raise SystemExit if impossible."""
    banner("install (--install)")
    if shutil.which("dpkg-query") is None:
        raise SystemExit(f"--install knows Debian's apt only; install yourself: {APT_HINT}")
    missing = [pkg for pkg in APT_PACKAGES if not _installed(pkg)]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (
            [*sudo, "apt-get", "update"],
            [*sudo, "apt-get", "install", "-y", *missing],
        ):
            print("$", " ".join(cmd), flush=True)
            if winpy.stream(cmd, env=env, timeout=1800) != 0:
                raise SystemExit(f"`{' '.join(cmd)}` failed")
    else:
        print(f"Debian packages present: {' '.join(APT_PACKAGES)}")
    cmd = [sys.executable, "-m", "pip", "install", "-q", "-e", f"{REPO}[dev]"]
    print("$", " ".join(cmd), flush=True)
    if winpy.stream(cmd, timeout=1800) != 0:
        raise SystemExit("pip install failed")


def run_lint(tier: Tier) -> None:
    """ruff check, ruff format --check, and mypy --strict of the library and the benchmarks
    for both platforms; each counts as one check."""
    mypy = [sys.executable, "-m", "mypy", "--strict"]
    checks = [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        [*mypy, "--platform", "win32", "winsession", "benchmarks"],
        [*mypy, "--platform", "linux", "winsession", "benchmarks"],
    ]
    t0 = time.monotonic()
    failures = []
    for cmd in checks:
        tool = cmd[2]
        if importlib.util.find_spec(tool) is None:
            failures.append(f"{tool} is not installed: {PIP_HINT}")
            continue
        banner(f"tier lint: {' '.join(cmd[2:])}")
        if winpy.stream(cmd, cwd=REPO, timeout=600) != 0:
            failures.append(" ".join(cmd[2:]))
    tier.ran = True
    tier.seconds = time.monotonic() - t0
    tier.counts = {"passed": len(checks) - len(failures), "failed": len(failures)}
    tier.ok = not failures
    tier.problem = "; ".join(failures)


def run_docs(tier: Tier) -> None:
    """Sphinx, warnings as errors: the API reference (autodoc) and the guide in docs/."""
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    cmd += ["-d", str(REPO / "build" / "docs" / "doctrees"), "docs", str(REPO / "build" / "docs")]
    tier.ran = True
    if importlib.util.find_spec("sphinx") is None:
        tier.problem = f"sphinx is not installed: {PIP_HINT}"
        tier.counts = {"failed": 1}
        return
    banner(f"tier docs: {' '.join(cmd[1:])}")
    t0 = time.monotonic()
    rc = winpy.stream(cmd, cwd=REPO, timeout=600)
    tier.seconds = time.monotonic() - t0
    tier.ok = rc == 0
    tier.counts = {"passed": 1} if tier.ok else {"failed": 1}
    tier.problem = "" if tier.ok else f"sphinx -W failed (exit code {rc}); see its output above"


def run_package(tier: Tier) -> None:
    """tests/artefacts.py: build, check and install the sdist and wheel; each check counts
    as one."""
    t0 = time.monotonic()
    results = artefacts.run_checks(banner)
    failures = [f"{name}: {problem}" for name, problem in results if problem]
    tier.ran = True
    tier.seconds = time.monotonic() - t0
    tier.counts = {"passed": len(results) - len(failures), "failed": len(failures)}
    tier.ok = not failures
    tier.problem = "; ".join(failures)


def build_standins(targets: list[str]) -> dict[str, str]:
    """make -C stubs TARGET for each target; returns target -> problem for those that failed."""
    problems: dict[str, str] = {}
    if not (REPO / "stubs" / "Makefile").is_file():
        return {t: "stubs/Makefile is missing" for t in targets}
    if shutil.which("make") is None:
        return {t: f"`make` is not installed: {APT_HINT}" for t in targets}
    needs = {  # the Makefile's defaults, overridable the same way
        "host": os.environ.get("HOST_CC", "gcc"),
        "win64": os.environ.get("MINGW_CC", "x86_64-w64-mingw32-gcc"),
    }
    for target in targets:
        compiler = needs[target]
        if shutil.which(compiler) is None:
            problems[target] = f"`{compiler}` is not installed: {APT_HINT}"
            continue
        banner(f"make -C stubs {target}")
        rc = winpy.stream(["make", "-C", str(REPO / "stubs"), target], timeout=600)
        if rc != 0:
            problems[target] = f"`make -C stubs {target}` failed (exit code {rc})"
    return problems


def run_host_tier(tier: Tier, name: str, extra: list[str], timeout: float) -> None:
    missing = [m for m in ("pytest", "hypothesis") if importlib.util.find_spec(m) is None]
    if missing:
        tier.problem = f"{', '.join(missing)} not installed for {sys.executable}: {PIP_HINT}"
        return
    # -u: output reaches us (and the log) as it is written, not in 8 KiB blocks.
    cmd = [sys.executable, "-u", "-m", "pytest", *pytest_paths(extra)]
    junit = junit_path(name)
    cmd += ["-m", "not builtin_dll", "-ra", f"--junitxml={junit}", *extra]
    banner(f"tier {name}: {' '.join(cmd[1:])}")
    env = dict(os.environ, WINSESSION_TIER=name)
    t0 = time.monotonic()
    rc = winpy.stream(cmd, env=env, cwd=REPO, timeout=timeout)
    finish(tier, rc, junit, time.monotonic() - t0)


def run_wine_tier(tier: Tier, extra: list[str], timeout: float, standins: list[str]) -> None:
    run = WINE_TIERS[tier.name]
    names = sorted({*ALWAYS_OVERRIDDEN, *(Path(n).stem.lower() for n in standins)})
    if run.kind == "wine-standin":
        overrides, marker = f"{','.join(names)}=n,b", "not builtin_dll"
    else:
        overrides, marker = f"{','.join(names)}=b", "builtin_dll"
    junit = junit_path(tier.name)
    paths = pytest_paths(extra)
    if run.tests and paths:  # the tier's own selection, unless the arguments name tests
        paths = list(run.tests)
    args = ["-u", "-m", "pytest", *paths]
    args += ["-m", marker, "-ra", "-p", "no:cacheprovider"]
    args += [f"--junitxml={winpy.to_windows_path(junit)}", *extra]
    py = winpy.PYTHONS[run.python]
    exe = py.exe.relative_to(REPO)
    banner(f'tier {tier.name}: WINEDLLOVERRIDES="{overrides}" wine {exe} {" ".join(args)}')
    env = {"WINSESSION_TIER": run.kind, "WINSESSION_WINPY": run.python}
    t0 = time.monotonic()
    rc = winpy.run_python(args, env, overrides, timeout=timeout, py=py)
    crashed = " (python.exe aborted or crashed under Wine?)"
    finish(tier, rc, junit, time.monotonic() - t0, crashed)


# --------------------------------------------------------------------------------------------


def report(tiers: list[Tier], steps: list[tuple[str, float]], total: float, ci: bool) -> int:
    banner("summary")
    for label, secs in steps:
        print(f"  {label}: {secs:.1f} s")
    if ci:
        for t in tiers:
            if t.ok and t.counts.get("skipped"):
                t.ok = False
                t.problem = "skipped tests (CI=true: nothing may be skipped in CI, see below)"
    header = f"{'tier':<18} {'result':<8}" + "".join(f" {c:>10}" for c in COLUMNS) + f" {'time':>8}"
    print(header)
    print("-" * len(header))
    for t in tiers:
        result = "ok" if t.ok else ("FAILED" if t.ran else "NOT RUN")
        cells = "".join(f" {t.counts.get(c, 0):>10}" for c in COLUMNS)
        took = f"{t.seconds:.1f}s" if t.ran else "-"
        print(f"{t.name:<18} {result:<8}{cells} {took:>8}")
    print("-" * len(header))
    print(f"total time {total:.1f} s")

    failed_run = False
    for t in tiers:
        if not t.ok:
            failed_run = True
            verb = "failed" if t.ran else "could not run"
            print(f"tier {t.name} {verb}: {t.problem}")
    skipped = sum(t.counts.get("skipped", 0) for t in tiers)
    if skipped and ci:
        failed_run = True
        print(f"CI=true: {skipped} skipped test(s) fail the run (nothing may be skipped in CI):")
        for t in tiers:
            if t.counts.get("skipped"):
                print(f"  tier {t.name}: {t.counts['skipped']} skipped")
                for line in t.skipped_lines:
                    print(f"    {line}")

    passed = sum(t.counts.get("passed", 0) for t in tiers)
    failed = 0
    for t in tiers:
        tier_failures = sum(t.counts.get(k, 0) for k in ("failed", "errors", "xpassed"))
        # A tier that failed or could not run without a single failed test still counts as one.
        failed += tier_failures if (t.ok or tier_failures) else 1
    print("(failed = failed tests + errors + strict xpasses, + 1 per tier that failed otherwise)")
    print("RESULT: FAILED" if failed_run else "RESULT: OK", flush=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 1 if failed_run else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(
        prog="python tests/run.py",
        description=(__doc__ or "").split("\n\n")[0],
        epilog="Arguments after -- go to pytest in every tier selected.",
    )
    parser.add_argument(
        "--tier",
        action="append",
        choices=(*POSIX_TIERS, "windows-live"),
        help="run only this tier (repeatable); default: all tiers for this OS",
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="first install what is missing: Debian packages (apt) and this package's extras",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("WINSESSION_TIER_TIMEOUT", 1200)),
        help="seconds one tier may take before it is killed (default 1200)",
    )
    ns = parser.parse_args(argv)
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    started = time.monotonic()
    steps: list[tuple[str, float]] = []

    if sys.platform == "win32":
        wanted = ns.tier or ["windows-live"]
        if wanted != ["windows-live"] and set(wanted) != {"windows-live"}:
            parser.error("on Windows only --tier windows-live runs (the others need Linux + Wine)")
        tier = Tier("windows-live")
        run_host_tier(tier, "windows-live", extra, ns.timeout)
        return report([tier], steps, time.monotonic() - started, ci)

    wanted = ns.tier or list(POSIX_TIERS)
    if "windows-live" in wanted:
        parser.error("tier windows-live runs only on Windows")
    tiers = [Tier(name) for name in POSIX_TIERS if name in wanted]
    by_name = {t.name: t for t in tiers}
    wine = [t for t in tiers if t.name in WINE_TIERS]

    if ns.install:
        t0 = time.monotonic()
        install()
        steps.append(("install", time.monotonic() - t0))
    if "lint" in by_name:
        run_lint(by_name["lint"])
    if "docs" in by_name:
        run_docs(by_name["docs"])

    try:
        # a. the stand-ins
        targets = (["host"] if "host" in by_name else []) + (["win64"] if wine else [])
        t0 = time.monotonic()
        problems = build_standins(targets)
        label = f"build stand-ins (make -C stubs {' '.join(targets)})"
        steps.append((label, time.monotonic() - t0))
        if "host" in problems:
            by_name["host"].problem = f"host stand-ins not built: {problems['host']}"
        for t in wine:
            if "win64" in problems:
                t.problem = f"Windows stand-ins not built: {problems['win64']}"

        # b. host
        if "host" in by_name and not by_name["host"].problem:
            run_host_tier(by_name["host"], "host", extra, ns.timeout)

        # c, d. Wine
        runnable = [t for t in wine if not t.problem]
        if runnable:
            banner("Windows CPython and Wine prefix (tests/winpy.py setup)")
            t0 = time.monotonic()
            standins: list[str] = []
            versions = sorted(
                {WINE_TIERS[t.name].python for t in runnable}, key=lambda v: int(v[2:])
            )
            try:
                winpy.setup([winpy.PYTHONS[v] for v in versions])
                dlls = sorted((STUBS_BUILD / "win64").glob("*.dll"))
                if not dlls:
                    raise winpy.SetupError(f"no stand-in DLL in {STUBS_BUILD / 'win64'}")
                standins = winpy.install_standins(dlls)
                print(f"stand-ins in the prefix's System32: {', '.join(standins)}")
                print(f"Windows CPythons: {', '.join(versions)}")
            except winpy.SetupError as exc:
                for t in runnable:
                    t.problem = f"Windows Python / Wine not ready: {exc}"
                runnable = []
            steps.append(("Windows CPython + Wine prefix setup", time.monotonic() - t0))
            for t in runnable:
                run_wine_tier(t, extra, ns.timeout, standins)
        if "package" in by_name:
            run_package(by_name["package"])
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        winpy.wine_shutdown(kill=True)
        return 130
    finally:
        if wine:
            winpy.wine_shutdown()
    return report(tiers, steps, time.monotonic() - started, ci)


if __name__ == "__main__":
    sys.exit(main())
