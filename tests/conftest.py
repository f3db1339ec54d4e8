"""Test set-up for every tier (see tests/run.py and DESIGN.md "Test tiers", at the root).

- host: Linux CPython; winsession's loader is pointed at the host-built stand-ins.
- wine-standin: Windows CPython under Wine; the stand-in DLLs sit in the test prefix's System32 and
  WINEDLLOVERRIDES prefers them, so winsession's production loader opens them.
- wine-builtin: the same, but Wine's own DLLs; only tests marked ``builtin_dll`` run.
- windows-live: real Windows; the stand-in tests cannot run there.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _tier import tier
from hypothesis import HealthCheck, settings
from stubctl import LsaStub, NetStub, WkstaStub, WtsStub
from winpy import PYWIN32_SHA256

from winsession import _dll

ROOT = Path(__file__).resolve().parents[1]
TIER = tier()
STANDIN_TIERS = ("host", "wine-standin")
HOST_STANDINS = ROOT / "build" / "stubs" / "host"
PY = f"{sys.version_info[0]}.{sys.version_info[1]}"

settings.register_profile(
    "winsession",
    max_examples=80,
    deadline=None,  # Wine's first calls are slow; speed is the benchmark's business
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("winsession")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pywin32: runs the real pywin32 (tier wine-standin)")
    if TIER == "host":
        if sys.platform == "win32":
            raise pytest.UsageError("tier 'host' is for non-Windows hosts")
        bind_host_standins()


def bind_host_standins(*extra: tuple[str, str]) -> None:
    """Point the loader at the host-built stand-ins (``extra``: more (dll, library) pairs)."""
    # kernel32's two session functions come from the wtsapi32 stand-in on Linux.
    for dll, name in (
        ("netapi32", "netapi32"),
        ("wtsapi32", "wtsapi32"),
        ("kernel32", "wtsapi32"),
        ("secur32", "secur32"),
        *extra,
    ):
        library = HOST_STANDINS / f"lib{name}.so"
        if not library.exists():
            raise pytest.UsageError(f"{library} is missing: build the stand-ins (make -C stubs)")
        _dll.use_stand_in(dll, str(library))


STANDIN_FIXTURES = {"netstub", "_netstub", "wtsstub", "_wtsstub"}
STANDIN_FIXTURES |= {"lsastub", "_lsastub", "wkstastub"}  # issue 22


def _belongs_elsewhere(item: pytest.Item) -> bool:
    """Whether a test is bound to a tier other than this one (see the module docstring)."""
    if item.get_closest_marker("windows") and sys.platform != "win32":
        return True  # needs a Windows Python
    if item.get_closest_marker("mingw") and TIER not in STANDIN_TIERS:
        return True  # needs the mingw-built layout programs (not on a Windows runner)
    if item.get_closest_marker("host_tools") and TIER != "host":
        return True  # runs the dev tools (mypy) installed for the host Python
    if item.get_closest_marker("pywin32") and (TIER != "wine-standin" or PY not in PYWIN32_SHA256):
        return True  # pywin32's wheel, pinned for these Pythons, beside the stand-ins in Wine
    if item.get_closest_marker("live") and TIER != "windows-live":
        return True  # reads the live system: real Windows only
    if item.get_closest_marker("pty") and sys.platform == "win32":
        return True  # a POSIX pseudo-terminal (the pty module): not on a Windows Python
    if item.get_closest_marker("posix") and sys.platform == "win32":
        return True  # shows what a user sees off Windows (--simulate): not on a Windows Python
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(fixtures & STANDIN_FIXTURES) and TIER not in STANDIN_TIERS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tier-bound tests are deselected (and counted as such), never skipped: in CI a skip
    # fails the run.
    deselected = [item for item in items if _belongs_elsewhere(item)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not _belongs_elsewhere(item)]


_deselected: list[int] = [0]


def pytest_deselected(items: list[pytest.Item]) -> None:
    _deselected[0] += len(items)  # by -m/-k and by pytest_collection_modifyitems above


@pytest.fixture(scope="session", autouse=True)
def _record_deselected(record_testsuite_property: Callable[[str, object], None]) -> None:
    """The number of deselected tests, in the JUnit XML that tests/run.py reads (pytest's
    XML has no field for it)."""
    record_testsuite_property("deselected", _deselected[0])


# Under pytest-xdist (tests/run.py --fast) the workers collect and deselect, and only the
# controller writes the JUnit XML: each worker hands its count over, and the controller (where
# no test, so no fixture, runs) records it. Every worker collects the same tests: one count.
def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["deselected"] = _deselected[0]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    count = int(getattr(node, "workeroutput", {}).get("deselected", 0))
    if count > _deselected[0]:
        from _pytest.junitxml import xml_key

        _deselected[0] = count
        xml = node.config.stash.get(xml_key, None)
        if xml is not None:
            xml.add_global_property("deselected", count)


def pytest_report_header(config: pytest.Config) -> str:
    return f"winsession tier: {TIER} ({sys.platform}, Python {sys.version.split()[0]})"


@pytest.fixture(scope="session")
def _netstub() -> NetStub:
    assert TIER in STANDIN_TIERS, "deselected in other tiers by pytest_collection_modifyitems"
    return NetStub()


@pytest.fixture
def netstub(_netstub: NetStub) -> Iterator[NetStub]:
    """The netapi32 stand-in, reset; the test fails if it leaves any buffer behind."""
    _netstub.reset()
    yield _netstub
    _netstub.assert_clean()


@pytest.fixture(scope="session")
def _wtsstub() -> WtsStub:
    assert TIER in STANDIN_TIERS, "deselected in other tiers by pytest_collection_modifyitems"
    return WtsStub()


@pytest.fixture
def wtsstub(_wtsstub: WtsStub) -> Iterator[WtsStub]:
    """The wtsapi32 stand-in, reset; the test fails on a leaked buffer or handle."""
    _wtsstub.reset()
    yield _wtsstub
    _wtsstub.assert_clean()


@pytest.fixture(scope="session")
def _lsastub() -> LsaStub:
    assert TIER in STANDIN_TIERS, "deselected in other tiers by pytest_collection_modifyitems"
    return LsaStub()


@pytest.fixture
def lsastub(_lsastub: LsaStub) -> Iterator[LsaStub]:
    """The secur32 stand-in, reset; the test fails if it leaves any buffer behind.

    On the host, advapi32's LsaNtStatusToWinError comes from the secur32 stand-in for the
    test's duration only: bound for good, advapi32's other functions (LookupAccountSidW)
    would be missing instead of unsupported."""
    if TIER == "host":
        _dll.clear_stand_ins()
        bind_host_standins(("advapi32", "secur32"))
    _lsastub.reset()
    try:
        yield _lsastub
        _lsastub.assert_clean()
    finally:
        if TIER == "host":
            _dll.clear_stand_ins()
            bind_host_standins()


@pytest.fixture
def wkstastub(netstub: NetStub) -> Iterator[WkstaStub]:
    """The netapi32 stand-in's workstation users, emptied (its buffers checked by netstub)."""
    stub = WkstaStub()
    stub.reset()
    yield stub
    stub.reset()
