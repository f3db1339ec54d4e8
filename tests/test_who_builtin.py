"""``winsession.who()`` and ``winsession who`` against Wine's own wtsapi32, netapi32 and
secur32 (tier wine-builtin only).

What Wine 8.0 answered when this was written: ``WTSEnumerateSessionsExW`` fails (FALSE, with
a last error of 0); ``NetSessionEnum`` succeeds with no session; ``LsaEnumerateLogonSessions``
succeeds with no logon session. So nobody is listed, and the Remote Desktop source's failure
is reported beside the two sources that answered, not instead of them.
"""

from __future__ import annotations

import pytest
from clitools import Capsys, no_terminal, run  # noqa: F401

import winsession
from winsession import _dll, errors

pytestmark = pytest.mark.builtin_dll


def test_these_are_wines_own_dlls() -> None:
    for name, control in (("wtsapi32", "stub_wts_reset"), ("netapi32", "stub_net_reset"),
                          ("secur32", "stub_lsa_reset")):  # fmt: skip
        assert not hasattr(_dll.load(name), control), name


def test_who_on_wine_lists_nobody_and_keeps_the_failure() -> None:
    users = winsession.who()
    assert list(users) == []
    (problem,) = users.problems
    assert isinstance(problem, errors.WtsError)
    assert problem.function == "WTSEnumerateSessionsExW"
    assert users.notes == [] and users.skipped == 0 and users.local_logons
    with pytest.raises(errors.WtsError):
        list(winsession.who(strict=True))


def test_who_command_on_wine_is_a_partial_failure(capsys: Capsys) -> None:
    rc, out, err = run(capsys, "who", "--json")
    assert (rc, out) == (3, "[]\n") and "WTSEnumerateSessionsExW" in err
    rc, out, err = run(capsys, "logon", "list")
    assert (rc, err) == (0, "") and out.splitlines()[-1] == "0 logon session(s)"
