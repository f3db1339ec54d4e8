"""What a release promises: one version, the licence, and metadata that claims only what the
test tiers run. (The artefacts themselves are built and tested by tests/run.py's package
tier, tests/artefacts.py.)"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from _tier import tier

import winsession

if sys.version_info >= (3, 11):
    import tomllib
else:  # the test extra installs tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT: dict[str, Any] = PYPROJECT["project"]


def _python_classifiers() -> set[str]:
    prefix = "Programming Language :: Python :: "
    found = {c[len(prefix) :] for c in PROJECT["classifiers"] if c.startswith(prefix)}
    return {v for v in found if re.fullmatch(r"3\.\d+", v)}


def test_version_is_defined_once() -> None:
    assert "version" not in PROJECT
    assert PROJECT["dynamic"] == ["version"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "winsession.__version__"}
    # setuptools reads it without importing winsession: it must be a plain literal.
    tree = ast.parse((ROOT / "winsession" / "__init__.py").read_text(encoding="utf-8"))
    literals = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    assert literals == [winsession.__version__]
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?", winsession.__version__)
    # No second copy anywhere in the package.
    for path in (ROOT / "winsession").rglob("*.py"):
        if path.name != "__init__.py" or path.parent.name != "winsession":
            assert f'"{winsession.__version__}"' not in path.read_text(encoding="utf-8"), path


def test_cli_version_prints_it() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-m", "winsession", "--version"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == f"winsession {winsession.__version__}"


def test_changelog_has_the_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in text
    assert f"## [{winsession.__version__}]" in text


def test_licence() -> None:
    assert PROJECT["license"] == "MIT"  # an SPDX expression, not the deprecated table
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 winsession developers" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # PEP 639
    requires = PYPROJECT["build-system"]["requires"]
    assert requires == ["setuptools>=77"]  # the first to read SPDX licence metadata


def test_metadata_classifiers() -> None:
    classifiers = set(PROJECT["classifiers"])
    for needed in (
        "Environment :: Console",
        "Intended Audience :: Developers",
        "Intended Audience :: System Administrators",
        "Operating System :: Microsoft :: Windows",
        "Typing :: Typed",
    ):
        assert needed in classifiers
    assert sum(c.startswith("Development Status :: ") for c in classifiers) == 1
    assert PROJECT["keywords"]
    assert PROJECT["authors"]


def test_python_classifiers_are_the_tested_versions() -> None:
    # Every Python named in a classifier runs tests in tests/run.py's table, and every Python
    # the table runs is named: the Windows CPythons under Wine, and CI's host Python.
    import run  # tests/run.py

    if tier() == "host" and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        # CI's host tier runs the Python the table names (Debian's python3).
        assert f"{sys.version_info[0]}.{sys.version_info[1]}" == run.CI_HOST_PYTHON
    tested = set(run.TESTED_PYTHONS)
    assert _python_classifiers() == tested
    lowest = min(tested, key=lambda v: int(v.split(".")[1]))
    assert PROJECT["requires-python"] == f">={lowest}"
