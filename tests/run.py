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
with its test/dev extras through pip; the Windows CPythons are fetched meanwhile); lint (ruff
check, ruff format --check, mypy --strict of winsession/ and benchmarks/ for win32 and linux);
build the stand-ins (make -C stubs), prepare the Windows Pythons and the Wine prefix
(tests/winpy.py, idempotent), run pytest once per tier (each tier's results are read from the
JUnit XML it writes to build/junit/), print a table and a closing line
``N passed, N failed, N skipped``.

Side by side: with more than one tier, --jobs tiers (default: one per CPU) run at once, each
in a process of its own whose output goes to build/logs/TIER.log (printed in part when the
tier fails; one line per tier on the terminal when it starts and ends). Set-up steps come
first, then the longest tiers (by the last run's times in build/logs/durations.json). Each
Wine tier running at once has a Wine prefix of its own (build/wineprefix, copied to
build/wineprefix-2 ...: tests change the prefix's System32 and registry) served by a
persistent wineserver. The table's cpu column is the tier's CPU time (its processes, the
Windows processes Wine starts for it, and its share of the wineserver): with N cores the run
cannot take less than the total / N.

--fast: ruff (check and format) and the host tier spread over --jobs pytest-xdist workers; a
minute or less. Run it while you edit; run the tier you touched (e.g. --tier wine-standin --
tests/test_x.py) when you change what crosses into a DLL; run everything before you push.

The exit status is non-zero if any tier fails or cannot run (a missing tool is a failure, never
a skip: the message says what to install). With CI=true a skipped test fails the run too.

Examples:
  python tests/run.py --install      # a fresh machine: what CI runs
  python tests/run.py
  python tests/run.py --fast         # while editing: lint-light and the host tier, < 1 min
  python tests/run.py --tier host
  python tests/run.py --tier wine-standin -- tests/test_net.py -k paging -x
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import artefacts  # tests/artefacts.py: the package tier
import winpy  # tests/winpy.py, beside this file

REPO = winpy.REPO
STUBS_BUILD = REPO / "build" / "stubs"
LOGS = REPO / "build" / "logs"
MAX_LANES = 4  # Wine prefixes for Wine tiers at once (each copy takes 700 MB)
DURATIONS = LOGS / "durations.json"  # each tier's last time: the longest start first


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
    cpu: float = 0.0  # CPU seconds of the tier's processes (see the module docstring)


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


def install(pythons: list[winpy.WinPython]) -> None:
    """Install what the suite needs and this machine lacks; raise SystemExit if impossible.
    While apt works, pip installs the extras and the Windows CPythons are fetched (they need
    no Wine): on a fresh machine that is a minute saved."""
    banner("install (--install)")
    if shutil.which("dpkg-query") is None:
        raise SystemExit(f"--install knows Debian's apt only; install yourself: {APT_HINT}")
    missing = [pkg for pkg in APT_PACKAGES if not _installed(pkg)]
    apt_failed: list[str] = []

    def apt() -> None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (
            [*sudo, "apt-get", "update"],
            [*sudo, "apt-get", "install", "-y", *missing],
        ):
            print("$", " ".join(cmd), flush=True)
            if winpy.stream(cmd, env=env, timeout=1800) != 0:
                apt_failed.append(f"`{' '.join(cmd)}` failed")
                return

    apt_thread = threading.Thread(target=apt, daemon=True)
    if missing:
        apt_thread.start()
    else:
        print(f"Debian packages present: {' '.join(APT_PACKAGES)}")
    cmd = [sys.executable, "-m", "pip", "install", "-q", "-e", f"{REPO}[dev]"]
    print("$", " ".join(cmd), flush=True)
    pip_ok = winpy.stream(cmd, timeout=1800) == 0
    for py in pythons:
        try:
            winpy.ensure_python(py)
        except winpy.SetupError as exc:  # said again, as the Wine tiers' problem, by setup()
            print(f"Windows CPython {py.version} not ready: {exc}", flush=True)
    if missing:
        apt_thread.join()
    if apt_failed:
        raise SystemExit(apt_failed[0])
    if not pip_ok:
        raise SystemExit("pip install failed")


def run_lint(tier: Tier, fast: bool = False) -> None:
    """ruff check, ruff format --check, and (unless ``fast``) mypy --strict of the library and
    the benchmarks for both platforms; each counts as one check."""
    mypy = [sys.executable, "-m", "mypy", "--strict"]
    checks = [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
    ]
    if not fast:
        checks += [
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


def run_host_tier(
    tier: Tier, name: str, extra: list[str], timeout: float, workers: int = 0
) -> None:
    """pytest with this Python; with ``workers``, spread over that many pytest-xdist workers
    (a test file stays on one worker: some files count across their tests)."""
    needs = ("pytest", "hypothesis", *(("xdist",) if workers else ()))
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        tier.problem = f"{', '.join(missing)} not installed for {sys.executable}: {PIP_HINT}"
        return
    # -u: output reaches us (and the log) as it is written, not in 8 KiB blocks.
    cmd = [sys.executable, "-u", "-m", "pytest", *pytest_paths(extra)]
    junit = junit_path(name)
    cmd += ["-m", "not builtin_dll", "-ra", f"--junitxml={junit}"]
    if workers:
        cmd += ["-n", str(workers), "--dist", "loadfile"]
    cmd += extra
    banner(f"tier {name}: {' '.join(cmd[1:])}")
    env = dict(os.environ, WINSESSION_TIER=name)
    # Byte-code caches on, in build/ (not the checkout): child interpreters that tests start
    # would compile winsession again each (tests/winpy.py does the same under Wine).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(REPO / "build" / "pycache"))
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
# CPU time


def become_subreaper() -> None:
    """Wine starts every Windows process with a double fork, so the Windows processes of a
    tier are nobody's children: made a subreaper (Linux), we inherit them, and their CPU time
    counts in ours once they are reaped (reap_orphans)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans() -> None:
    """Reap the exited processes we inherited (call it only when no child of ours that a
    subprocess.Popen waits for has exited unwaited)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped descendants (0 on Windows)."""
    if sys.platform == "win32":
        return 0.0
    import resource  # POSIX only; tests/test_release.py imports this file on Windows too

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def process_cpu(pid: int) -> float:
    """CPU time so far of a running process of ours (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def measured(tier: Tier, run: Callable[[], None]) -> None:
    """Run one tier in this process and record its CPU time."""
    before = cpu_seconds()
    try:
        run()
    finally:
        reap_orphans()
        tier.cpu = cpu_seconds() - before


# --------------------------------------------------------------------------------------------
# tiers side by side


@dataclass
class Lane:
    """A Wine prefix of its own for one Wine tier at a time, with a persistent wineserver."""

    prefix: Path
    server: subprocess.Popen[bytes] | None = None
    busy: bool = False

    def server_cpu(self) -> float:
        return process_cpu(self.server.pid) if self.server else 0.0


@dataclass
class Job:
    """A step of the run: a set-up step (``prep``) run in this process, or a tier run in a
    process of its own. It starts when the jobs it ``needs`` are done and a slot is free."""

    name: str
    run: Callable[[Job], None]
    needs: tuple[str, ...] = ()
    after: tuple[str, ...] = ()  # waits for these, but runs whether they failed or not
    prep: bool = False
    wine: bool = False  # needs a Lane
    weight: float = 0.0  # expected seconds: the longest start first
    problem: str = ""  # set by a failed prep job: what needs it cannot run
    blocked: Callable[[str], None] | None = None  # told why it cannot run
    lane: Lane | None = None


# Expected seconds per tier when build/logs/durations.json has none (2 cores, shared).
DEFAULT_WEIGHTS = {
    "wine-standin-py39": 95.0,
    "wine-standin": 95.0,
    "package": 60.0,
    "host": 40.0,
    "lint": 12.0,
    "wine-parity-py310": 9.0,
    "wine-parity-py311": 8.0,
    "wine-parity-py312": 8.0,
    "wine-builtin": 8.0,
    "wine-builtin-py39": 6.0,
    "docs": 5.0,
}


SAY_LOCK = threading.Lock()


class Scheduler:
    """Runs jobs, at most ``slots`` at once; prints a line when a tier starts and ends, and
    every minute which are still running."""

    def __init__(self, slots: int, lanes: list[Lane], started: float) -> None:
        self.slots = slots
        self.lanes = lanes
        self.started = started
        self.cond = threading.Condition()
        self.children: dict[str, subprocess.Popen[bytes]] = {}  # tier processes running

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f}s] {text}\n"
        with SAY_LOCK:  # whole lines: steps report from threads of their own
            sys.stdout.write(line)
            sys.stdout.flush()

    def run(self, jobs: list[Job]) -> None:
        pending = list(jobs)
        running: dict[str, float] = {}
        done: dict[str, Job] = {}
        threads: list[threading.Thread] = []
        next_beat = time.monotonic() + 60

        def work(job: Job) -> None:
            try:
                job.run(job)
            except Exception as exc:  # a bug in a step fails that step, not the run
                job.problem = job.problem or f"{type(exc).__name__}: {exc}"
                if not job.prep and job.blocked:
                    job.blocked(f"run.py: {job.problem}")
            finally:
                with self.cond:
                    if job.lane:
                        job.lane.busy = False
                    running.pop(job.name, None)
                    done[job.name] = job
                    self.cond.notify_all()

        with self.cond:
            while pending or running:
                for job in list(pending):  # what a failed step was needed for cannot run
                    failed = [done[n].problem for n in job.needs if n in done and done[n].problem]
                    if failed:
                        pending.remove(job)
                        job.problem = failed[0]
                        if job.blocked:
                            job.blocked(failed[0])
                        done[job.name] = job
                ready = [j for j in pending if all(n in done for n in (*j.needs, *j.after))]
                ready.sort(key=lambda j: (not j.prep, -j.weight))
                for job in ready:
                    if len(running) >= self.slots:
                        break
                    if job.wine:
                        free = [lane for lane in self.lanes if not lane.busy]
                        if not free:
                            continue
                        job.lane = free[0]
                        job.lane.busy = True
                    pending.remove(job)
                    running[job.name] = time.monotonic()
                    thread = threading.Thread(target=work, args=(job,), daemon=True)
                    threads.append(thread)
                    thread.start()
                if not (pending or running):
                    break
                self.cond.wait(timeout=max(0.1, next_beat - time.monotonic()))
                if time.monotonic() >= next_beat:
                    now = time.monotonic()
                    busy = ", ".join(f"{n} ({now - t:.0f} s)" for n, t in running.items())
                    self.say(f"running: {busy or '-'}")
                    next_beat = now + 60
        for thread in threads:
            thread.join()

    def kill_children(self) -> None:
        for proc in list(self.children.values()):
            kill_group(proc.pid)


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_tier_process(
    sched: Scheduler, tier: Tier, job: Job, extra: list[str], timeout: float
) -> None:
    """One tier in a process of its own (this script, --child), its output in
    build/logs/TIER.log; the tier's results come back in build/logs/TIER.json."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log, result = LOGS / f"{tier.name}.log", LOGS / f"{tier.name}.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, "-u", str(Path(__file__).resolve()), "--child", "--tier", tier.name]
    cmd += ["--timeout", str(timeout), *(["--", *extra] if extra else [])]
    env = dict(os.environ)
    if job.lane:
        env["WINSESSION_WINEPREFIX"] = str(job.lane.prefix)
        env[winpy.KEPT_SERVER_ENV] = "1"
    where = f", Wine prefix {job.lane.prefix.name}" if job.lane else ""
    sched.say(f"{tier.name}: started (log {log.relative_to(REPO)}{where})")
    server_before = job.lane.server_cpu() if job.lane else 0.0
    t0 = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
            cwd=REPO, start_new_session=True,
        )  # fmt: skip
        sched.children[tier.name] = proc
        deadline = t0 + timeout + 300  # the tier enforces its timeout; this is a backstop
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                kill_group(proc.pid)
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        del sched.children[tier.name]
    tier.seconds = time.monotonic() - t0
    tier.cpu = usage.ru_utime + usage.ru_stime
    if job.lane:
        tier.cpu += job.lane.server_cpu() - server_before
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tier.ran = True
        tier.problem = f"the tier's process ended ({proc.returncode}) without a result"
    else:
        tier.ran, tier.ok, tier.problem = data["ran"], data["ok"], data["problem"]
        tier.counts, tier.skipped_lines = data["counts"], data["skipped_lines"]
    counts = ", ".join(f"{v} {k}" for k, v in tier.counts.items()) or "no counts"
    state = "ok" if tier.ok else ("FAILED" if tier.ran else "NOT RUN")
    took = f"{tier.seconds:.1f} s, CPU {tier.cpu:.1f} s"
    sched.say(f"{tier.name}: {state}: {counts} ({took}; log {log.relative_to(REPO)})")
    if not tier.ok:
        print_tail(log, tier.name)


def print_tail(log: Path, name: str, lines: int = 60) -> None:
    """The end of a failed tier's log (its pytest summary), on the terminal."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    with SAY_LOCK:
        print(f"----- {name}: the last {min(lines, len(text))} lines of {log} -----")
        print("\n".join(text[-lines:]))
        print(f"----- end of {name} -----", flush=True)


def child_main(name: str, extra: list[str], timeout: float) -> int:
    """--child: run one tier whose set-up the parent did, write its result as JSON."""
    become_subreaper()
    tier = Tier(name)
    try:
        if name == "lint":
            run_lint(tier)
        elif name == "docs":
            run_docs(tier)
        elif name == "host":
            run_host_tier(tier, "host", extra, timeout)
        elif name == "package":
            run_package(tier)
        else:
            dlls = sorted((STUBS_BUILD / "win64").glob("*.dll"))
            run_wine_tier(tier, extra, timeout, [p.name for p in dlls])
    finally:
        reap_orphans()
    keys = ("ran", "ok", "problem", "counts", "skipped_lines")
    data = {k: getattr(tier, k) for k in keys}
    (LOGS / f"{name}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


def weights() -> dict[str, float]:
    try:
        saved = json.loads(DURATIONS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = {}
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in saved.items() if k in WINE_TIERS
                                  or k in POSIX_TIERS}}  # fmt: skip


def run_side_by_side(
    tiers: list[Tier], extra: list[str], ns: argparse.Namespace, started: float,
    steps: list[tuple[str, float]],
) -> None:  # fmt: skip
    """Every selected tier, --jobs at once (see the module docstring)."""
    by_name = {t.name: t for t in tiers}
    wine = [t for t in tiers if t.name in WINE_TIERS]
    lane_users = len(wine) + ("package" in by_name)
    slots = max(1, ns.jobs)
    lanes = [Lane(winpy.PREFIX)]
    for n in range(2, min(slots, lane_users, MAX_LANES) + 1):
        lanes.append(Lane(winpy.PREFIX.with_name(f"{winpy.PREFIX.name}-{n}")))
    if not lane_users:
        lanes = []
    sched = Scheduler(slots, lanes, started)
    estimate = weights()

    def step(label: str, job: Job, fn: Callable[[], str]) -> None:
        t0 = time.monotonic()
        sched.say(f"{label}: started")
        job.problem = fn()
        steps.append((label, time.monotonic() - t0))
        sched.say(f"{label}: {'FAILED: ' + job.problem if job.problem else 'done'}")

    def stubs(target: str, what: str) -> Callable[[Job], None]:
        def build() -> str:
            problems = build_standins([target])
            return f"{what} not built: {problems[target]}" if target in problems else ""

        return lambda job: step(f"make -C stubs {target}", job, build)

    standins: list[str] = []

    def wine_setup(job: Job) -> None:
        def setup() -> str:
            versions = sorted({WINE_TIERS[t.name].python for t in wine} | {"3.13"},
                              key=lambda v: int(v[2:]))  # fmt: skip
            try:
                winpy.setup([winpy.PYTHONS[v] for v in versions])
                dlls = sorted((STUBS_BUILD / "win64").glob("*.dll"))
                if not dlls:
                    raise winpy.SetupError(f"no stand-in DLL in {STUBS_BUILD / 'win64'}")
                for lane in lanes:
                    if lane.prefix != winpy.PREFIX:
                        winpy.clone_prefix(winpy.PREFIX, lane.prefix)
                    standins[:] = winpy.install_standins(dlls, prefix=lane.prefix)
                    lane.server = winpy.start_server(lane.prefix)
                print(f"stand-ins in each prefix's System32: {', '.join(standins)}")
                print(f"Windows CPythons: {', '.join(versions)}; Wine prefixes: "
                      f"{', '.join(lane.prefix.name for lane in lanes)}")  # fmt: skip
            except winpy.SetupError as exc:
                return f"Windows Python / Wine not ready: {exc}"
            return ""

        step("Windows CPython + Wine prefixes (tests/winpy.py)", job, setup)

    def blocked(tier: Tier) -> Callable[[str], None]:
        def tell(why: str) -> None:
            tier.problem = why
            sched.say(f"{tier.name}: NOT RUN: {why}")

        return tell

    def tier_job(
        tier: Tier, needs: tuple[str, ...] = (), after: tuple[str, ...] = (), lane: bool = False
    ) -> Job:
        def run(job: Job) -> None:
            run_tier_process(sched, tier, job, extra, ns.timeout)

        weight = estimate.get(tier.name, 30.0)
        return Job(tier.name, run, needs, after, wine=lane, weight=weight,
                   blocked=blocked(tier))  # fmt: skip

    jobs: list[Job] = []
    if "host" in by_name:
        jobs.append(Job("stubs-host", stubs("host", "host stand-ins"), prep=True))
    if wine or "package" in by_name:
        jobs.append(Job("stubs-win64", stubs("win64", "Windows stand-ins"), prep=True))
        jobs.append(Job("wine-setup", wine_setup, ("stubs-win64",), prep=True))
    for t in tiers:
        if t.name == "host":
            jobs.append(tier_job(t, ("stubs-host",)))
        elif t.name in WINE_TIERS:
            jobs.append(tier_job(t, ("wine-setup",), lane=True))
        elif t.name == "package":  # its other checks run without Wine; wine-wheel says why not
            jobs.append(tier_job(t, after=("wine-setup",), lane=True))
        else:
            jobs.append(tier_job(t))
    become_subreaper()
    try:
        sched.run(jobs)
    except KeyboardInterrupt:
        sched.kill_children()
        raise
    finally:
        for lane in lanes:
            if lane.server:
                winpy.wine_shutdown(kill=True, prefix=lane.prefix)
                kill_group(lane.server.pid)  # -k ends it; this if it did not
                lane.server.wait()
        reap_orphans()
    ran = {t.name: round(t.seconds, 1) for t in tiers if t.ran and t.counts}  # ran through
    if ran and not extra:  # a narrowed run says nothing of a tier's time
        LOGS.mkdir(parents=True, exist_ok=True)
        saved = weights()
        saved.update(ran)
        DURATIONS.write_text(json.dumps(saved, indent=1, sort_keys=True), encoding="utf-8")


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
    header = f"{'tier':<18} {'result':<8}" + "".join(f" {c:>10}" for c in COLUMNS)
    header += f" {'time':>8} {'cpu':>8}"
    print(header)
    print("-" * len(header))
    for t in tiers:
        result = "ok" if t.ok else ("FAILED" if t.ran else "NOT RUN")
        cells = "".join(f" {t.counts.get(c, 0):>10}" for c in COLUMNS)
        took = f"{t.seconds:.1f}s" if t.ran else "-"
        cpu = f"{t.cpu:.1f}s" if t.ran else "-"
        print(f"{t.name:<18} {result:<8}{cells} {took:>8} {cpu:>8}")
    print("-" * len(header))
    cpu_total = sum(t.cpu for t in tiers)
    cores = os.cpu_count() or 1
    print(f"total time {total:.1f} s; tiers' CPU {cpu_total:.1f} s "
          f"(at least {cpu_total / cores:.0f} s on {cores} cores)")  # fmt: skip

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
        "--fast",
        action="store_true",
        help="ruff and the host tier over --jobs xdist workers: a minute, while you edit",
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="first install what is missing: Debian packages (apt) and this package's extras",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=int(os.environ.get("WINSESSION_JOBS") or os.cpu_count() or 1),
        help="tiers run at once (--fast: xdist workers); default: the number of CPUs; "
        "1 runs the tiers one after another with their output on the terminal",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("WINSESSION_TIER_TIMEOUT", 1200)),
        help="seconds one tier may take before it is killed (default 1200)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    started = time.monotonic()
    steps: list[tuple[str, float]] = []

    if ns.child:  # one tier of a side-by-side run (run_tier_process)
        return child_main(ns.tier[0], extra, ns.timeout)

    if sys.platform == "win32":
        wanted = ns.tier or ["windows-live"]
        if wanted != ["windows-live"] and set(wanted) != {"windows-live"}:
            parser.error("on Windows only --tier windows-live runs (the others need Linux + Wine)")
        tier = Tier("windows-live")
        measured(tier, lambda: run_host_tier(tier, "windows-live", extra, ns.timeout))
        return report([tier], steps, time.monotonic() - started, ci)

    if ns.fast:
        if ns.tier:
            parser.error("--fast picks its own tiers (lint-light and host)")
        return fast(ns, extra, started, ci)

    wanted = ns.tier or list(POSIX_TIERS)
    if "windows-live" in wanted:
        parser.error("tier windows-live runs only on Windows")
    tiers = [Tier(name) for name in POSIX_TIERS if name in wanted]
    by_name = {t.name: t for t in tiers}
    wine = [t for t in tiers if t.name in WINE_TIERS]
    versions = sorted({WINE_TIERS[t.name].python for t in wine}, key=lambda v: int(v[2:]))

    if ns.install:
        t0 = time.monotonic()
        install([winpy.PYTHONS[v] for v in versions])
        steps.append(("install", time.monotonic() - t0))

    if ns.jobs > 1 and len(tiers) > 1:
        try:
            run_side_by_side(tiers, extra, ns, started, steps)
        except KeyboardInterrupt:
            print("\ninterrupted", flush=True)
            return 130
        return report(tiers, steps, time.monotonic() - started, ci)

    become_subreaper()
    if "lint" in by_name:
        measured(by_name["lint"], lambda: run_lint(by_name["lint"]))
    if "docs" in by_name:
        measured(by_name["docs"], lambda: run_docs(by_name["docs"]))

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
            host = by_name["host"]
            measured(host, lambda: run_host_tier(host, "host", extra, ns.timeout))

        # c, d. Wine
        runnable = [t for t in wine if not t.problem]
        if runnable:
            banner("Windows CPython and Wine prefix (tests/winpy.py setup)")
            t0 = time.monotonic()
            standins: list[str] = []
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
            if runnable:  # one persistent wineserver for the Wine tiers (winpy.start_server)
                lane = Lane(winpy.PREFIX, winpy.start_server())
                try:
                    for t in runnable:
                        before = lane.server_cpu()
                        measured(
                            t, functools.partial(run_wine_tier, t, extra, ns.timeout, standins)
                        )
                        t.cpu += lane.server_cpu() - before
                finally:
                    winpy.wine_shutdown(kill=True)
                    if lane.server:
                        lane.server.wait()
        if "package" in by_name:
            measured(by_name["package"], lambda: run_package(by_name["package"]))
    except KeyboardInterrupt:
        print("\ninterrupted", flush=True)
        winpy.wine_shutdown(kill=True)
        return 130
    finally:
        if wine:
            winpy.wine_shutdown()
            reap_orphans()
    return report(tiers, steps, time.monotonic() - started, ci)


def fast(ns: argparse.Namespace, extra: list[str], started: float, ci: bool) -> int:
    """--fast: ruff (no mypy) and the host tier spread over --jobs xdist workers."""
    become_subreaper()
    lint, host = Tier("lint (ruff)"), Tier("host")
    measured(lint, lambda: run_lint(lint, fast=True))
    t0 = time.monotonic()
    problems = build_standins(["host"])
    steps = [("build stand-ins (make -C stubs host)", time.monotonic() - t0)]
    if problems:
        host.problem = f"host stand-ins not built: {problems['host']}"
    else:
        workers = ns.jobs if ns.jobs > 1 else 0
        measured(host, lambda: run_host_tier(host, "host", extra, ns.timeout, workers))
    return report([lint, host], steps, time.monotonic() - started, ci)


if __name__ == "__main__":
    sys.exit(main())
