"""Every public name has a docstring example, and every example runs.

Examples in ``winsession.net``, ``.wts``, ``.errors``, ``.codes``, ``.sens`` and the package
show what the demo table of ``winsession.testing.demo_simulator()`` gives: here each docstring
runs in a fresh demo simulator (on every tier, Windows included) which must end clean, so an
example that leaks a buffer or goes stale against the code fails. ``winsession.testing`` and
``winsession.cli`` set up their own simulators. Lines that need a real Windows (SENS, a remote
server) carry ``# doctest: +SKIP`` and are counted: most of an example must run.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
from typing import Any

import pytest

from winsession import testing

OWN_SETUP = (
    "winsession.testing", "winsession.testing.pytest_plugin", "winsession.cli",
    "winsession.fleet", "winsession._escape",
)  # fmt: skip
MODULES = (
    "winsession", "winsession.net", "winsession.wts", "winsession.errors", "winsession.codes",
    "winsession.sens", "winsession.logon", *OWN_SETUP,
)  # fmt: skip
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


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


@pytest.mark.parametrize(("module_name", "test"), TESTS, ids=[t.name for _, t in TESTS])
def test_example_runs(module_name: str, test: doctest.DocTest) -> None:
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    test.globs = dict(test.globs)  # examples of one module must not see each other's names
    if module_name in OWN_SETUP:
        runner.run(test, out=report.append)
    else:
        with testing.demo_simulator() as sim:
            runner.run(test, out=report.append)
        assert sim.problems() == [], f"{test.name}: the example leaked: {sim.problems()}"
    assert runner.failures == 0, "".join(report)


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
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    parts = text.split("```pycon\n")[1:]
    return [part.split("```", 1)[0] for part in parts]


README_BLOCKS = _readme_blocks()


@pytest.mark.parametrize("index", range(len(README_BLOCKS)))
def test_readme_repl_session_is_real(index: int) -> None:
    test = doctest.DocTestParser().get_doctest(README_BLOCKS[index], {}, f"README[{index}]",
                                               "README.md", 0)  # fmt: skip
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    with testing.demo_simulator() as sim:
        runner.run(test, out=report.append)
    assert sim.problems() == []
    assert len(test.examples) >= 4 and runner.failures == 0, "".join(report)


def test_readme_has_repl_sessions() -> None:
    assert len(README_BLOCKS) >= 2


# --- the guide pages in docs/ -------------------------------------------------------------

# page -> whether its examples run in the demo table (testing.rst makes its own simulators).
# pywin32.rst has no '>>>' examples: tests/test_pywin32_page.py runs its pairs of blocks.
DOC_PAGES = {
    "getting-started.rst": True,
    "recipes.rst": True,
    "testing.rst": False,
    "details.rst": True,
    "who.rst": True,
}


def test_every_guide_page_with_examples_is_run() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs"
    with_examples = {p.name for p in docs.glob("*.rst") if ">>> " in p.read_text(encoding="utf-8")}
    assert with_examples == set(DOC_PAGES)


@pytest.mark.parametrize("page", sorted(DOC_PAGES))
def test_docs_page_examples_run(page: str) -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / page
    text = path.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, page, str(path), 0)
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    if DOC_PAGES[page]:
        with testing.demo_simulator() as sim:
            runner.run(test, out=report.append)
        assert sim.problems() == [], f"{page}: the examples leaked: {sim.problems()}"
    else:
        runner.run(test, out=report.append)
    assert len(test.examples) >= 5 and runner.failures == 0, "".join(report)
