"""Gives the examples' tests the ``windows_simulator`` fixture (what users write too)."""

pytest_plugins = ["winsession.testing.pytest_plugin"]
