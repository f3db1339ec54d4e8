"""Every public name has a docstring example, and every example runs as shown.

An example that calls a Windows API shows its own set-up: ``sim =
testing.demo_simulator().start()`` ... ``sim.stop()``, or ``with testing.demo_simulator():``,
so pasted into a REPL on any OS it prints what it shows. Nothing here provides a simulator:
on the host tier the stand-ins are unbound while an example runs, so one that forgets its
set-up fails with UnsupportedPlatformError, and every simulator an example started must be
stopped and clean (no leaked buffer or handle) when it ends. The docs pages and the README's
REPL sessions are held to the same. Lines that need a real Windows (SENS, a remote server)
carry ``# doctest: +SKIP`` and are counted: most of an example must run.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from _tier import tier
from conftest import bind_host_standins

from winsession import _dll
from winsession.testing import Simulator

ROOT = Path(__file__).resolve().parents[1]
# Modules whose examples build their own tables (Simulator(...), --simulate) or call no API;
# run exactly as the others are.
OWN_SETUP = (
    "winsession.testing", "winsession.testing.pytest_plugin", "winsession.cli",
    "winsession.fleet", "winsession._escape",
)  # fmt: skip
MODULES = (
    "winsession", "winsession.net", "winsession.wts", "winsession.errors", "winsession.codes",
    "winsession.sens", "winsession.logon", *OWN_SETUP,
)  # fmt: skip
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
TIER = tier()


class _PackageFinder(doctest.DocTestFinder):
    """Also takes a package's functions and classes that live in its private modules
    (``wts._query``, ``net._sessions``): plain doctest claims them only for the module whose
    globals they have (a class: its ``__module__``, which stays the private module's)."""

    def _from_module(self, module: Any, object: Any) -> bool:
        if inspect.isfunction(object):
            home = object.__globals__.get("__name__", "")
            if home.startswith(module.__name__ + "._"):
                return True
        if inspect.isclass(object) and object.__module__.startswith(module.__name__ + "._"):
            return True
        return bool(super()._from_module(module, object))  # type: ignore[misc]


def _docstring_tests() -> list[tuple[str, doctest.DocTest]]:
    found = []
    finder = _PackageFinder(exclude_empty=True)
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        public = getattr(module, "__all__", ())
        # A public class's methods may come from mixins in the package's private modules
        # (testing's WtsSimulator has its notification calls from NotificationsMixin):
        # doctest only looks at a class's own __dict__, so those are searched too.
        mixins = {}
        for name in public:
            value = getattr(module, name)  # (loads what a package loads on first use)
            for base in getattr(value, "__mro__", ())[1:]:
                if base.__module__.startswith(module_name + "._") and base.__name__ not in public:
                    mixins[base.__name__] = base
        tests = finder.find(module, module_name)
        for mixin_name, mixin in sorted(mixins.items()):
            tests += finder.find(mixin, f"{module_name}.{mixin_name}", module=module,
                                 globs=vars(module))  # fmt: skip
        found += [(module_name, test) for test in tests if test.examples]
    return sorted(found, key=lambda item: item[1].name)


TESTS = _docstring_tests()


def _skipped(example: doctest.Example) -> bool:
    return example.options.get(doctest.SKIP, False)


def _run_bare(test: doctest.DocTest, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run ``test`` with nothing bound that it did not bind itself; return (failures, report).

    On the host tier the stand-ins are unbound for the run (and bound again after, as
    conftest binds them); on the Wine tiers System32's DLLs (the stand-ins) stay, and the
    simulator an example starts replaces them. Every Simulator the example enters (``with``
    or ``start()``) is recorded: each must have been stopped, and be clean."""
    entered: list[Simulator] = []
    enter = Simulator.__enter__

    def recording_enter(self: Simulator) -> Simulator:
        entered.append(self)
        return enter(self)

    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    monkeypatch.setattr(Simulator, "__enter__", recording_enter)
    if TIER == "host":
        _dll.clear_stand_ins()
    try:
        runner.run(test, out=report.append)
    finally:
        monkeypatch.undo()
        left_active = [sim for sim in entered if sim.active]
        for sim in reversed(left_active):  # not to spoil the tests that follow
            sim.stop()
        if TIER == "host":
            _dll.clear_stand_ins()
            bind_host_standins()
    assert left_active == [], f"{test.name}: a simulator was started and not stopped"
    leaks = [problem for sim in entered for problem in sim.problems()]
    assert leaks == [], f"{test.name}: the example leaked: {leaks}"
    return runner.failures, "".join(report)


@pytest.mark.parametrize(("module_name", "test"), TESTS, ids=[t.name for _, t in TESTS])
def test_example_runs(module_name: str, test: doctest.DocTest,
                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    test.globs = dict(test.globs)  # examples of one module must not see each other's names
    failures, report = _run_bare(test, monkeypatch)
    assert failures == 0, report


def test_an_example_without_its_set_up_fails_off_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the host tier's unbinding is for: the set-up line is what makes an example run.
    text = """
>>> from winsession import net, testing
>>> sim = testing.demo_simulator().start()      # off Windows: the demo table
>>> [s.user_name for s in net.enum_sessions(level=10)]
['alice', 'bob', 'carol']
>>> sim.stop()
"""
    parser = doctest.DocTestParser()
    assert _run_bare(parser.get_doctest(text, {}, "with", "", 0), monkeypatch)[0] == 0
    forgot = "\n".join(line for line in text.splitlines() if "sim" not in line)
    failures, report = _run_bare(parser.get_doctest(forgot, {}, "without", "", 0), monkeypatch)
    if TIER == "host":
        assert failures == 1 and "UnsupportedPlatformError" in report, report
    left_running = text.replace(">>> sim.stop()", "")
    with pytest.raises(AssertionError, match="started and not stopped"):
        _run_bare(parser.get_doctest(left_running, {}, "left", "", 0), monkeypatch)
    assert not _dll.is_simulated("netapi32")


def _example_of(value: Any) -> bool:
    return ">>>" in (inspect.getdoc(value) or "")


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_class_and_function_has_an_example(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [
        name for name in module.__all__
        if (inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name)))
        and not _example_of(getattr(module, name))
    ]  # fmt: skip
    assert missing == [], f"{module_name}: no '>>>' example in the docstring of {missing}"


def test_most_of_each_example_runs() -> None:
    examples = [e for _, t in TESTS for e in t.examples]
    skipped = [e for e in examples if _skipped(e)]
    assert len(examples) >= 150
    assert len(skipped) <= len(examples) // 5, "too many examples marked +SKIP"


# --- the README's REPL sessions ---------------------------------------------------------


def _readme_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    parts = text.split("```pycon\n")[1:]
    return [part.split("```", 1)[0] for part in parts]


README_BLOCKS = _readme_blocks()


@pytest.mark.parametrize("index", range(len(README_BLOCKS)))
def test_readme_repl_session_is_real(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    test = doctest.DocTestParser().get_doctest(README_BLOCKS[index], {}, f"README[{index}]",
                                               "README.md", 0)  # fmt: skip
    failures, report = _run_bare(test, monkeypatch)
    assert len(test.examples) >= 4 and failures == 0, report


def test_readme_has_repl_sessions() -> None:
    assert len(README_BLOCKS) >= 2


# --- the guide pages in docs/ -------------------------------------------------------------

# Each page starts its own simulators, visibly, as the docstrings do (testing.rst makes its
# own tables). pywin32.rst has no '>>>' examples: tests/test_pywin32_page.py runs its pairs
# of blocks.
DOC_PAGES = (
    "details.rst", "getting-started.rst", "recipes.rst", "testing.rst", "who.rst",
)  # fmt: skip


def test_every_guide_page_with_examples_is_run() -> None:
    pages = (ROOT / "docs").glob("*.rst")
    with_examples = {p.name for p in pages if ">>> " in p.read_text(encoding="utf-8")}
    assert with_examples == set(DOC_PAGES)


@pytest.mark.parametrize("page", DOC_PAGES)
def test_docs_page_examples_run(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "docs" / page
    test = doctest.DocTestParser().get_doctest(path.read_text(encoding="utf-8"), {}, page,
                                               str(path), 0)  # fmt: skip
    failures, report = _run_bare(test, monkeypatch)
    assert len(test.examples) >= 5 and failures == 0, report
