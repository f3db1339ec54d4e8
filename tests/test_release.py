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

import pytest
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


# --- what an index page shows: the project URLs and the README's links --------------------

HOME = "https://github.com/winsession/winsession"
_IN_REPO = re.compile(re.escape(HOME) + r"/(blob|tree)/([^/#?]+)/([^#?]*)")


def _check_repo_link(url: str) -> None:
    """An https link; one into the repository names the main branch and a file (blob) or
    folder (tree) that exists in this checkout, so a renamed file breaks the test."""
    assert url.startswith("https://"), f"not an absolute https link: {url!r}"
    found = _IN_REPO.fullmatch(url.split("#", 1)[0])
    if found is None:
        assert not url.startswith(HOME + "/blob/") and not url.startswith(HOME + "/tree/"), url
        return
    kind, branch, path = found.groups()
    assert branch == "main", url
    target = ROOT / path
    assert target.is_file() if kind == "blob" else target.is_dir(), f"{url}: no {path}"


def test_project_urls() -> None:
    urls = PROJECT["urls"]
    assert set(urls) == {"Source", "Issues", "Documentation", "Changelog"}
    assert urls["Source"] == HOME
    assert urls["Issues"] == HOME + "/issues"
    assert urls["Changelog"] == HOME + "/blob/main/CHANGELOG.md"
    assert urls["Documentation"].startswith(HOME + "/")
    for url in urls.values():
        _check_repo_link(url)


def _strip_code(markdown: str) -> str:
    """Markdown without fenced blocks and code spans: what they hold is not a link."""
    markdown = re.sub(r"^```.*?^```[^\n]*$", "", markdown, flags=re.M | re.S)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", markdown, flags=re.S)


def readme_links(markdown: str) -> list[str]:
    """Every link target in ``markdown``: inline ``[x](y)`` and ``![x](y)``, reference
    definitions ``[x]: y``, autolinks ``<y>``, HTML ``href``/``src`` and bare URLs."""
    text = _strip_code(markdown)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    inline = r"\]\(\s*(?:<([^>]*)>|([^)\s]*))(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    links = [pointed or plain for pointed, plain in re.findall(inline, text)]
    links += re.findall(r"^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)", text, flags=re.M)
    links += re.findall(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s>]*)>", text)
    links += re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", text)
    # Bare URLs that are not already the target of one of the forms above.
    bare = re.sub(r"\]\([^)]*\)|^ {0,3}\[[^\]]+\]:.*$|<[^>]*>", "", text, flags=re.M)
    links += [u.rstrip(".,;:") for u in re.findall(r"\b[a-z][a-z0-9+.-]*://[^\s)<>\]]+", bare)]
    return links


def test_readme_links_parser() -> None:
    # The parser must see every form, or the test below would pass on a README it cannot read.
    sample = (
        'See [a](docs/a.rst) and [b]( <c d.md> ), ![i](img.png "t"), [r][x], <https://e.org/>,\n'
        "<a href='rel.html'>h</a> and http://bare.example/p.\n"
        "`[no](code.md) https://in-code.example` is a code span\n"
        "```\n[no](block.md) https://block.example\n```\n"
        "[x]: ./ref.md\n"
        "<!-- [hidden](comment.md) -->\n"
    )
    assert sorted(readme_links(sample)) == sorted(
        ["docs/a.rst", "c d.md", "img.png", "./ref.md", "https://e.org/", "rel.html",
         "http://bare.example/p"]
    )  # fmt: skip


def test_readme_links_work_on_an_index_page() -> None:
    # PyPI shows the README without the repository: a relative link there is a dead link.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = readme_links(readme)
    assert len(links) >= 10  # the guide pages, schema, changelog, licence, ...
    # A reference link without its definition is shown as bracketed text, not as a link.
    prose = _strip_code(readme)
    defined = set(re.findall(r"^ {0,3}\[([^\]]+)\]:", prose, flags=re.M))
    used = set(re.findall(r"\]\[([^\]]+)\]", prose))
    assert used <= defined, f"README.md: reference links without a definition: {used - defined}"
    assert defined <= used, f"README.md: link definitions never used: {defined - used}"
    relative = [link for link in links if not link.startswith("https://")]
    assert relative == [], f"README.md: links that break on an index page: {relative}"
    for link in links:
        _check_repo_link(link)


# --- the README's two set-up commands, as written ----------------------------------------


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Set up", 1)[1].split("```\n", 2)[1]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_setup_is_two_commands_and_ci_runs_the_second() -> None:
    first, second = _setup_commands()
    assert first.startswith("python3 -m winsession --simulate ")
    assert second == "python3 tests/run.py --install"
    assert "exec python3 tests/run.py --install" in (ROOT / ".ci" / "run").read_text("utf-8")


@pytest.mark.posix
def test_readme_first_command_runs_in_a_fresh_checkout(tmp_path: Path) -> None:
    # As a new user runs it: from the checkout's root, nothing installed, no PYTHONPATH.
    import shutil
    import subprocess

    shutil.copytree(ROOT / "winsession", tmp_path / "winsession",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    argv = _setup_commands()[0].split()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([sys.executable, *argv[1:]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "alice" in done.stdout and "session(s)" in done.stdout
