"""DESIGN.md stays a true map: every file or folder it names exists, and every module of the
package appears in it (a new module without a place on the map fails here)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DESIGN = (ROOT / "DESIGN.md").read_text(encoding="utf-8")
# Where a short name in the map is looked up: the page names files relative to these.
BASES = ("", "winsession", "winsession/testing", "winsession/cli", "stubs", "tests")
PATHLIKE = re.compile(r"^[\w./-]+\.(?:py|c|mc|json|yml|md)$|^[\w./-]+/$")


def named_paths() -> set[str]:
    names = set()
    for token in re.findall(r"`([^`\n]+)`", DESIGN):
        for part in re.split(r"[\s,]+", token):
            part = part.strip("()")
            if PATHLIKE.match(part):
                names.add(part)
    return names


def test_every_named_path_exists() -> None:
    names = named_paths()
    assert len(names) > 40  # the map names the files; an empty parse proves nothing
    missing = [n for n in sorted(names) if not any((ROOT / b / n).exists() for b in BASES)]
    assert not missing, f"DESIGN.md names paths that do not exist: {missing}"


def test_every_package_module_is_on_the_map() -> None:
    unnamed = []
    for path in sorted((ROOT / "winsession").rglob("*.py")):
        rel = path.relative_to(ROOT / "winsession").as_posix()
        if path.name in ("__init__.py", "__main__.py", "pytest_plugin.py"):
            continue
        short = (rel, rel.split("/", 1)[-1], path.name)
        if not any(re.search(rf"(?<![\w/]){re.escape(s)}(?!\w)", DESIGN) for s in short[:2]):
            unnamed.append(rel)
    assert not unnamed, f"modules DESIGN.md does not place: {unnamed}"
