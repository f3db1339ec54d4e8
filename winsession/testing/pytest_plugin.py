"""The pytest plugin of :mod:`winsession.testing`: the ``windows_simulator`` fixture.

Registered through the ``pytest11`` entry point, so an installed winsession gives every
pytest run the fixture; where winsession is only on the path, add
``pytest_plugins = ["winsession.testing.pytest_plugin"]`` to ``conftest.py``.

>>> from winsession.testing import pytest_plugin
>>> pytest_plugin.windows_simulator.__doc__.splitlines()[0]
'An entered, empty :class:`~winsession.testing.Simulator`, checked after the test.'
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._simulator import Simulator

__all__ = ["windows_simulator"]


@pytest.fixture
def windows_simulator() -> Iterator[Simulator]:
    """An entered, empty :class:`~winsession.testing.Simulator`, checked after the test.

    Fill it with ``windows_simulator.load(smb=[...], sessions=[...])``; when the test ends,
    :meth:`~winsession.testing.Simulator.assert_clean` fails it if a buffer leaked, was
    freed twice or a server handle stayed open.
    """
    with Simulator() as sim:
        yield sim
        sim.assert_clean()
