"""One command: ``python3 benchmarks/run.py [--runs 5] [--quick]``.

Builds the stand-ins, makes sure the Windows Python exists (tests/winpy.py), prepares a
benchmark-only copy of it in ``build/winpy-bench`` with pywin32 (its ``win_amd64`` cp313 wheel
from PyPI, unpacked into ``build/bench-site``; ``pywintypes313.dll`` next to that copy's
``python.exe``), installs the stand-in DLLs into the prefix's System32, then runs
``benchmarks/bench.py`` there under Wine with ``WINEDLLOVERRIDES=netapi32,secur32,wtsapi32=n,b``
-- so winsession and pywin32's win32net/win32ts/win32security call
the same stand-in DLLs in one process -- and prints a markdown table (also written to
``build/bench-results.md``, raw numbers to ``build/bench-results.json``). The test Python in
``build/winpy-3.13`` is never modified.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import winpy  # noqa: E402

BUILD = REPO / "build"
SITE = BUILD / "bench-site"
BENCHPY = BUILD / "winpy-bench"
OVERRIDES = "netapi32,secur32,wtsapi32=n,b"


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


def prepare() -> Path:
    subprocess.run(["make", "-s", "-C", str(REPO / "stubs"), "win64"], check=True)
    winpy.setup()
    wheel = winpy.fetch_pywin32()  # the pinned wheel, its hash checked
    stamp = SITE / ".wheel"
    if not stamp.is_file() or stamp.read_text() != wheel.name:
        shutil.rmtree(SITE, ignore_errors=True)
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(SITE)
        stamp.write_text(wheel.name)
    # A copy of the test Python: pywin32's DLLs and path entries never touch build/winpy-3.13.
    shutil.copytree(
        winpy.WINPY, BENCHPY, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site-packages")
    )
    for dll in (SITE / "pywin32_system32").glob("*.dll"):
        shutil.copy2(dll, BENCHPY / dll.name)
    # winsession loads netapi32/wtsapi32/secur32 from System32 only: the stand-ins go there (as the
    # Wine tiers install them), and pywin32's import of the same name finds the same module,
    # so both libraries call one stand-in. Copies an older set-up left next to this
    # python.exe would be a second module for pywin32 alone: removed.
    for name in ("netapi32.dll", "wtsapi32.dll", "secur32.dll"):
        (BENCHPY / name).unlink(missing_ok=True)
    winpy.install_standins(sorted((BUILD / "stubs" / "win64").glob("*.dll")))
    win = winpy.to_windows_path
    (BENCHPY / "python313._pth").write_text(
        "\n".join(
            [
                "python313.zip",
                ".",
                win(SITE / "win32"),
                win(SITE / "win32" / "lib"),
                win(SITE),
                win(REPO),
            ]
        )
        + "\n"
    )
    return BENCHPY / "python.exe"


def run_bench(exe: Path, *args: str, timeout: float = 600) -> list[dict[str, Any]]:
    output: list[str] = []
    cmd = [*winpy.wine_command(), str(exe), str(REPO / "benchmarks" / "bench.py"), *args]
    log(" ".join(args))
    rc = winpy.stream(
        cmd,
        env=winpy.wine_env(None, OVERRIDES),
        cwd=REPO,
        output=output,
        timeout=timeout,
        on_timeout=lambda: winpy.wine_shutdown(kill=True),
    )
    if rc != 0:
        raise SystemExit(f"bench.py {' '.join(args)} failed with exit code {rc}")
    text = "".join(output)
    found = [
        json.loads(line[len("RESULT ") :])
        for line in text.splitlines()
        if line.startswith("RESULT ")
    ]
    if not any("mode" in r for r in found):
        raise SystemExit(f"bench.py {' '.join(args)} exited ({rc}) without its result")
    return found


STDLIB_USED = "import ctypes, dataclasses, enum, typing, datetime, itertools, weakref"
"""What net and wts need from the standard library: the floor their import cost stands on."""

IMPORTS = (
    STDLIB_USED,
    "import winsession",
    "from winsession import net",
    "from winsession import wts",
    "from winsession import net, wts",
    "import winsession.cli",
)


def import_times(runs: int) -> dict[str, Any]:
    """Import cost on this (Linux) CPython, as a user sees it: bytecode already cached.

    ``import winsession`` is read from ``-X importtime`` (its cumulative line); every
    statement is also timed with ``perf_counter`` around it. Fresh process per run, median.
    """
    import os
    import statistics
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache  # warmed below, like an installed package's .pyc

        def once(statement: str) -> tuple[float, float]:
            code = (
                f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
            )
            done = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", code],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            top = [
                line.split("|")
                for line in done.stderr.splitlines()
                if line.rstrip().endswith("| winsession")
            ]
            cumulative = int(top[0][1]) / 1e6 if top else float("nan")
            return float(done.stdout), cumulative

        for statement in IMPORTS:
            once(statement)
        wall = {s: statistics.median(once(s)[0] for _ in range(runs * 3)) for s in IMPORTS}
        importtime = statistics.median(once("import winsession")[1] for _ in range(runs * 3))
    return {
        "mode": "import",
        "python": platform.python_version(),
        "wall": wall,
        "importtime": importtime,
    }


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {cpu},"
        f" {os.cpu_count()} CPUs, {winpy.wine_version()},"
        " Windows embeddable CPython 3.13.2 (x64)"
    )


def us(x: float) -> str:
    return f"{x * 1e6:.2f}"


def ms(x: float) -> str:
    return f"{x * 1e3:.1f}"


def mib(x: float) -> str:
    return f"{x / 2**20:.1f}"


def table(results: list[dict[str, Any]], runs: int) -> str:
    lines = [f"Machine: {machine()}. {runs} runs each; best / median."]
    timed = [r for r in results if r.get("mode") == "time"]
    if timed:
        lines += [
            "",
            "| sessions | level | winsession µs/record | pywin32 µs/record | ratio (median) |"
            " first record ms (winsession) | pywin32 full call ms | first/full |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for r in timed:
        w, p, f, full = r["winsession"], r["pywin32"], r["first"], r["pywin32"]["median"] * r["n"]
        lines.append(
            f"| {r['n']:,} | {r['level']} | {us(w['best'])} / {us(w['median'])}"
            f" | {us(p['best'])} / {us(p['median'])} | {w['median'] / p['median']:.2f}x"
            f" | {ms(f['best'])} / {ms(f['median'])} | {ms(full)}"
            f" | {100 * f['median'] / full:.2f}% |"
        )
    if timed:
        lines += [
            "",
            "| sessions | level | tracemalloc peak MiB: stream (64 KiB pages) | list() | pywin32 |"
            " stream/pywin32 | stream µs/record |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for r in timed:
        lines.append(
            f"| {r['n']:,} | {r['level']} | {mib(r['tm_stream'])} | {mib(r['tm_list'])}"
            f" | {mib(r['tm_pywin32'])} | {r['tm_stream'] / r['tm_pywin32']:.3f}"
            f" | {us(r['stream_s']['best'])} |"
        )
    mem = [r for r in results if r.get("mode") == "mem"]
    if mem:
        lines += [
            "",
            "| sessions | level | consumer | peak working set MiB | growth over baseline MiB |",
            "|---:|---:|---|---:|---:|",
        ]
        for r in mem:
            lines.append(
                f"| {r['n']:,} | {r['level']} | {r['impl']} | {mib(r['peak'])}"
                f" | {mib(r['peak'] - r['base'])} |"
            )
    for r in (r for r in results if r.get("mode") == "wts"):
        w, p = r["winsession"], r["pywin32"]
        lines += [
            "",
            "| sessions | call | winsession µs/record | pywin32 µs/record | ratio (median) |",
            "|---:|---|---:|---:|---:|",
            f"| {r['n']:,} | enumerate_sessions / WTSEnumerateSessions | {us(w['best'])} /"
            f" {us(w['median'])} | {us(p['best'])} / {us(p['median'])}"
            f" | {w['median'] / p['median']:.2f}x |",
        ]
    gcs = [r for r in results if r.get("mode") == "gc"]
    if gcs:
        lines += [
            "",
            "Where `list()` spends its time (collector time from `gc.callbacks`; medians, µs"
            " per record):",
            "",
            "| sessions | level | library | total | in the cyclic GC | collections |"
            " total with the GC off |",
            "|---:|---:|---|---:|---:|---:|---:|",
        ]
        for r in gcs:
            for impl in ("winsession", "pywin32"):
                if impl in r:
                    x = r[impl]
                    lines.append(
                        f"| {r['n']:,} | {r['level']} | {impl} | {us(x['total']['median'])}"
                        f" | {us(x['in_gc']['median'])} | {x['collections']:g}"
                        f" | {us(x['gc_off']['median'])} |"
                    )
    files = [r for r in results if r.get("mode") == "files"]
    if files:
        lines += [
            "",
            "NetFileEnum level 3 (`net.enum_files()` vs pywin32's"
            " `win32net.NetFileEnum(3, None, None, None)`, both the whole table):",
            "",
            "| files | winsession µs/record | pywin32 µs/record | ratio (medians) |"
            " ratio (median of interleaved pairs) |"
            " tracemalloc MiB: stream (64 KiB pages) | one page's records | list() | pywin32 |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in files:
            w, p = r["winsession"], r["pywin32"]
            lines.append(
                f"| {r['n']:,} | {us(w['best'])} / {us(w['median'])}"
                f" | {us(p['best'])} / {us(p['median'])} | {w['median'] / p['median']:.2f}x"
                f" | {r['pair_ratio']:.2f}x"
                f" | {mib(r['tm_stream'])} | {mib(r['tm_page'])} | {mib(r['tm_list'])}"
                f" | {mib(r['tm_pywin32'])} |"
            )
    levels = [r for r in results if r.get("mode") == "levels"]
    if levels:
        lines += [
            "",
            "Every enumeration at every level (`list()` of everything) against pywin32, the"
            " runs of all of them interleaved in one process; best of the runs, µs per record."
            ' "stand-in" is the raw call and free alone, nothing decoded. pywin32 has no'
            " NetConnectionEnum or WTSEnumerateSessionsEx: for those its column is this call's"
            " stand-in time plus pywin32's decoding per record of the named call (its records"
            " the nearest shape, with no more work each).",
            "",
            "| call | level | entries | winsession | pywin32 | ratio | stand-in |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in levels:
            against = f" (pywin32: as {r['proxy']})" if r["proxy"] else ""
            lines.append(
                f"| {r['call']}{against} | {r['level']} | {r['n']:,} | {us(r['winsession'])}"
                f" | {us(r['pywin32'])} | {r['ratio']:.2f}x | {us(r['raw'])} |"
            )
    logons = [r for r in results if r.get("mode") in ("logon", "wksta")]
    if logons:
        lines += [
            "",
            "Who is logged on (`list(logon.enum_logon_sessions())` against pywin32's"
            " `[LsaGetLogonSessionData(l) for l in LsaEnumerateLogonSessions()]`;"
            " `list(net.enum_workstation_users(level=L))` against"
            " `win32net.NetWkstaUserEnum(None, L)`, which brings every user in one call):",
            "",
            "| records | call | winsession µs/record | pywin32 µs/record | ratio (medians) |"
            " ratio (median of interleaved pairs) |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for r in logons:
            w, p = r["winsession"], r["pywin32"]
            call = (
                "logon sessions with their data"
                if r["mode"] == "logon"
                else f"workstation users, level {r['level']}"
            )
            lines.append(
                f"| {r['n']:,} | {call} | {us(w['best'])} / {us(w['median'])}"
                f" | {us(p['best'])} / {us(p['median'])} | {w['median'] / p['median']:.2f}x"
                f" | {r['pair_ratio']:.2f}x |"
            )
    for r in (r for r in results if r.get("mode") == "load"):
        lines += [
            "",
            f"Loading {r['n']:,} sessions into the stand-in: {r['loop_s']:.2f} s through"
            f" `stub_net_add_session` (one ctypes call each), {r['bulk_s']:.2f} s through"
            " `stub_net_add_sessions_bulk`.",
        ]
    for r in (r for r in results if r.get("mode") == "import"):
        lines += [
            "",
            f"Import cost on Linux CPython {r['python']} (bytecode cached, median of fresh"
            f" processes): `import winsession` {ms(r['importtime'])} ms by `-X importtime`.",
            "",
            "| statement | ms |",
            "|---|---:|",
        ]
        lines += [f"| `{stmt}` | {ms(t)} |" for stmt, t in r["wall"].items()]
        excess = r["wall"]["from winsession import net, wts"] - r["wall"][STDLIB_USED]
        lines += ["", f"`net` and `wts` over the standard library they use: {ms(excess)} ms."]
    for r in [r for r in results if r.get("check") == "pywin32" and r["level"] == 502][:1]:
        lines += [
            "",
            f"pywin32's NetSessionEnum made {r['calls']} call(s) with prefmaxlen"
            f" {r['prefmaxlen']:#x} for the whole table.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 sessions")
    parser.add_argument("--files-only", action="store_true",
                        help="only NetFileEnum level 3 on 100,000 open files")  # fmt: skip
    parser.add_argument("--levels-only", action="store_true",
                        help="only every enumeration at every level against pywin32"
                             " (100,000 entries, 10,000 WTS sessions)")  # fmt: skip
    parser.add_argument("--case", action="append", default=[], metavar="CALL[:LEVEL]",
                        help="with --levels-only: only this call (at this level), e.g."
                             " NetSessionEnum:0; repeatable")  # fmt: skip
    parser.add_argument("--logon-only", action="store_true",
                        help="only the 10,000 logon sessions and workstation users")  # fmt: skip
    opts = parser.parse_args()
    start = time.monotonic()
    exe = prepare()
    # One wineserver for the whole run: by default it exits a few seconds after the last Wine
    # process, and a bench process started just then fails with "wine client error: recvmsg:
    # Connection reset by peer" (seen twice before the files mode of a full run). A server
    # left by earlier Wine use of the prefix is ended first (`-p` refuses to start beside
    # it, exit code 2); the daemon gets no pipe of ours, which would keep our output open.
    winpy.wine_shutdown(kill=True)
    subprocess.run([*winpy.wineserver_command(), "-p"], env=winpy.wine_env(None, OVERRIDES),
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)  # fmt: skip
    try:
        measure(exe, opts)
    finally:
        winpy.wine_shutdown(kill=True)
    log(f"done in {time.monotonic() - start:.0f} s")


def logon_runs(exe: Path, runs: int) -> list[dict[str, Any]]:
    """10,000 LSA logon sessions with their data, and 10,000 workstation users at levels 1
    and 0: one process each, winsession and pywin32 interleaved."""
    found = run_bench(exe, "logon", "10000", str(runs))
    for level in (1, 0):
        found += run_bench(exe, "wksta", "10000", str(runs), str(level))
    return found


def measure(exe: Path, opts: argparse.Namespace) -> None:
    if opts.files_only:
        only = run_bench(exe, "files", "100000", str(opts.runs))
        print(table(only, opts.runs))
        (BUILD / "bench-files.json").write_text(json.dumps(only, indent=1))
        return
    if opts.levels_only:
        only = run_bench(exe, "levels", "100000", str(opts.runs), "10000", *opts.case)
        print(table(only, opts.runs))
        (BUILD / "bench-levels.json").write_text(json.dumps(only, indent=1))
        return
    if opts.logon_only:
        only = logon_runs(exe, opts.runs)
        print(table(only, opts.runs))
        (BUILD / "bench-logon.json").write_text(json.dumps(only, indent=1))
        return
    sizes = (10_000, 100_000) if opts.quick else (100_000, 1_000_000)
    results: list[dict[str, Any]] = []
    results += run_bench(exe, "load", str(sizes[0]))
    for n in sizes:
        for level in (10, 502):  # one process each: 10^6 records traced by tracemalloc are big
            results += run_bench(exe, "time", str(n), str(opts.runs), str(level))
    for level in (10, 502):
        for impl in ("stream", "list", "pywin32"):
            results += run_bench(exe, "mem", str(sizes[-1]), str(level), impl)
    results += run_bench(exe, "wts", "10000", str(opts.runs))
    for level in (10, 502):
        results += run_bench(exe, "gc", str(sizes[-1]), str(opts.runs), str(level))
    results += run_bench(exe, "files", "100000", str(opts.runs))
    results += run_bench(exe, "levels", "100000", str(opts.runs), "10000")
    results += logon_runs(exe, opts.runs)
    results.append(import_times(opts.runs))
    (BUILD / "bench-results.json").write_text(json.dumps(results, indent=1))
    text = table(results, opts.runs)
    (BUILD / "bench-results.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
