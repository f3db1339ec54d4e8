"""Sphinx configuration: ``python -m sphinx -W -b html docs build/docs`` (tests/run.py's docs
tier). The API reference is autodoc over the checkout's docstrings, whose ``>>>`` examples
tests/test_docs.py runs; the guide pages' examples run there too."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # document this checkout, not an installed copy

import winsession  # noqa: E402

project = "winsession"
author = "winsession developers"
copyright = "2026, winsession developers"
release = winsession.__version__
version = ".".join(release.split(".")[:2])

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]  # napoleon: the Google-style "Args:"
exclude_patterns = ["_build"]
root_doc = "index"

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "alabaster"
html_title = f"winsession {release}"
html_theme_options = {"description": "Windows sessions from Python, in pure ctypes"}

# "Attributes:" sections as fields: an attribute that is also a documented property would
# otherwise be described twice.
napoleon_use_ivar = True
