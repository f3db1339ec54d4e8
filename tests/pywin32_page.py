"""The pywin32 migration page (docs/pywin32.rst) as data, and how each side of it is run.

The page holds pairs of examples: a comment ``.. pywin32-pair: NAME`` followed by a
``code-block`` captioned ``pywin32`` and one captioned ``winsession`` (only the latter where
pywin32 has no equivalent). The first pair, ``imports``, is the preamble each block of its side
starts from. Its tables headed "pywin32 key" map pywin32's dict keys to winsession's attributes.

tests/test_pywin32_page.py imports this module for winsession's side (run in the pytest process)
and runs it as a script for pywin32's side, in a child python.exe that alone gets pywin32 on its
path: ``python.exe pywin32_page.py PYWIN32_FOLDER PAIRS.json RESULTS.json``. Both sides load
the same table (``winsession --simulate``'s) into the same stand-in DLLs before each block and
report the names the block assigned, as plain data, and the stand-ins' state afterwards.
Adding a pair to the page is all it takes to have it run and compared.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import os
import re
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
PAGE = HERE.parent / "docs" / "pywin32.rst"
PAIR_MARK = re.compile(r"^\.\. pywin32-pair: (\S+)\s*$")
SIDES = ("pywin32", "winsession")


@dataclasses.dataclass(frozen=True)
class Pair:
    """One pair of examples: the code of each side (None where the page shows none)."""

    name: str
    line: int
    pywin32: Optional[str]
    winsession: Optional[str]


def pairs(text: str) -> list[Pair]:
    """The page's pairs in order; a code block outside a pair, with another caption or a second
    block of one side is an error (the page and this parser must agree)."""
    lines = text.splitlines()
    found: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        mark = PAIR_MARK.match(lines[i])
        if mark:
            found.append({"name": mark[1], "line": i + 1, "pywin32": None, "winsession": None})
            i += 1
            continue
        if not lines[i].startswith(".. code-block::"):
            i += 1
            continue
        start, caption = i + 1, None
        i += 1
        while i < len(lines) and lines[i].startswith("   :"):
            key, _, value = lines[i].strip()[1:].partition(":")
            caption = value.strip() if key == "caption" else caption
            i += 1
        body = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
            body.append(lines[i])
            i += 1
        if not found or caption not in SIDES or found[-1][caption] is not None:
            raise ValueError(
                f"{PAGE.name}:{start}: a code block that belongs to no pair (caption "
                f"{caption!r}; each pair has one pywin32 and one winsession block after its "
                "'.. pywin32-pair: NAME' line)"
            )
        found[-1][caption] = textwrap.dedent("\n".join(body)).strip() + "\n"
    return [Pair(**p) for p in found]


def key_map(text: str) -> dict[str, str]:
    """pywin32 dict key -> winsession attribute, from the page's tables headed "pywin32 key"."""
    mapping: dict[str, str] = {}
    for table in text.split(".. list-table::")[1:]:
        rows = re.findall(r"^   \* - (.*)\n     - (.*)$", table, re.M)
        if not rows or rows[0][0].strip() != "pywin32 key":
            continue
        for left, right in rows[1:]:
            key, attr = re.match(r"``'(\w+)'``", left), re.match(r"``(\w+)``", right)
            if key and attr:
                mapping[key[1]] = attr[1]
    return mapping


# --- the table both sides run against --------------------------------------------------------

# What a pair needs beyond the table, done on both sides (the stand-in's control exports).
SETUP: dict[str, Callable[[Any, Any], None]] = {
    "WTSWaitSystemEvent": lambda net, wts: wts.queue_event(0x20),  # WTS_EVENT_LOGON
    "WTSQueryUserToken": lambda net, wts: wts.set_tcb(1),  # a LocalSystem service's privilege
    # The host tier's kernel32 is the stand-in's, which knows the table's processes only.
    "WTSGetActiveConsoleSessionId": lambda net, wts: wts.add_process(
        None, 1, os.getpid(), "python.exe", None, 0
    ),
}


def uses_lsa(pair: str) -> bool:
    """Whether a pair calls secur32 (its side then gets the LSA stand-in: on the host that
    binds advapi32 to it for the pair alone, as tests/conftest.py's ``lsastub`` does)."""
    return pair.startswith("Lsa")


LOGON_TIMES = ("logon_time", "last_successful_logon", "last_failed_logon", "logoff_time",
               "kick_off_time", "password_last_set", "password_can_change",
               "password_must_change")  # fmt: skip


def logon_row(row: Any) -> Any:
    """A ``winsession.testing.LogonSession`` as the secur32 stand-in's row (binary SID,
    FILETIME ticks; the members have the same names)."""
    from stubctl import Logon, sid_bytes

    from winsession._records import to_filetime

    values = {field.name: getattr(row, field.name) for field in dataclasses.fields(Logon)}
    values["sid"] = sid_bytes(row.sid) if row.sid else None
    values.update((name, to_filetime(values[name])) for name in LOGON_TIMES)
    return Logon(**values)


def load(netstub: Any, wtsstub: Any, pair: str, lsastub: Any = None) -> None:
    """Reset the stand-ins and load ``winsession --simulate``'s table into them: SMB sessions,
    open files and workstation users (netapi32), Remote Desktop (wtsapi32), and the logon
    sessions (secur32) when ``lsastub`` is given."""
    from stubctl import WkstaStub
    from test_parity import StandinBackend  # the loader the parity suite checks

    from winsession.testing import demo_simulator

    sim = demo_simulator()  # its tables only: it is never entered (bound)
    wksta = WkstaStub()
    wksta.reset()
    for user in sim.net.workstation_users:
        added = wksta.add_user(user.server, user.user_name, user.logon_domain,
                               user.other_domains, user.logon_server)  # fmt: skip
        assert added > 0, user
    if lsastub is not None:
        lsastub.load([logon_row(row) for row in sim.lsa.logon_sessions])
    backend = StandinBackend(netstub, wtsstub)
    backend.load_smb(sim.net.sessions)
    backend.load_files(sim.net.files, sim.net.connections)
    backend.load_wts(sim.wts.sessions, sim.wts.processes, sim.wts.servers)
    backend.add_domain_servers(sim.wts.domain_servers)
    if sim.wts.current_session is not None:
        wtsstub.set_current_session(sim.wts.current_session)
    if sim.wts.console_session is not None:
        wtsstub.set_console_session(sim.wts.console_session)
    SETUP.get(pair, lambda net, wts: None)(netstub, wtsstub)


SESSION_IDS = (0, 1, 2, 3, 65536)  # the table's Remote Desktop sessions on this computer


def state(netstub: Any, wtsstub: Any, lsastub: Any = None) -> dict[str, Any]:
    """What a block can change in the stand-ins (call counters aside: the libraries may call
    differently), and what it must not leave behind."""
    title, text, style = wtsstub.last_message_text()
    lsa = {} if lsastub is None else {
        "logon sessions": int(lsastub.session_count()),
        "lsa buffers outstanding": int(lsastub.outstanding()),
        "lsa double or foreign frees": [int(lsastub.double_frees()),
                                        int(lsastub.foreign_frees())],
    }  # fmt: skip
    return lsa | {
        "smb sessions": int(netstub.session_count()),
        "open files": int(netstub.file_count()),
        "connections": int(netstub.connection_count()),
        "netapi buffers outstanding": int(netstub.outstanding()),
        "rds sessions": {
            server or "": int(wtsstub.session_count(server)) for server in (None, "RDS2")
        },
        "rds states": {str(i): int(wtsstub.session_state(None, i)) for i in SESSION_IDS},
        "last message": [title, text, style, int(wtsstub.last_timeout())],
        "shutdowns": [int(wtsstub.shutdowns()), int(wtsstub.last_shutdown())],
        "connects": int(wtsstub.connects()),
        "remote controls": int(wtsstub.remote_controls()),
        "wts buffers outstanding": int(wtsstub.outstanding()),
        "server handles open": int(wtsstub.open_handles()),
        "tokens": [int(wtsstub.tokens_handed()), int(wtsstub.tokens_open())],
        "token session": int(wtsstub.last_token_session()),
        "notification windows registered": int(wtsstub.registrations()),
    }


# --- running one side ---------------------------------------------------------------------


FILETIME_ZERO = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Record:
    """A winsession record reduced to plain data: its fields in order."""

    type: str
    fields: dict[str, Any]


def plain(value: Any) -> Any:
    """A value as plain data: int for enums and flags, list for tuples and iterators, Record
    for dataclasses, str for what has a string form that pywin32 also gives (SIDs)."""
    if isinstance(value, enum.Enum):
        return int(value.value)
    if isinstance(value, datetime.datetime):
        # ISO text in UTC. A FILETIME of 0 ("not set") is 1601-01-01 in pywin32, None in
        # winsession (the page's key table says so): both are None here.
        utc = value.astimezone(datetime.timezone.utc)
        return None if utc == FILETIME_ZERO else utc.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return Record(type(value).__name__, {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        })  # fmt: skip
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if type(value).__name__ == "PySID":  # pywin32's SID object
        import win32security

        return win32security.ConvertSidToStringSid(value)
    return {"<object>": type(value).__name__}


def run_side(
    preamble: str, code: str, netstub: Any, wtsstub: Any, pair: str, lsastub: Any = None
) -> dict[str, Any]:
    """Load the table, run the preamble and the block in a fresh namespace; return the names
    the block assigned (plain), the stand-ins' state before and after, and the traceback if the
    block raised. ``lsastub`` is the secur32 stand-in's control, for the pairs that use it."""
    load(netstub, wtsstub, pair, lsastub)
    before = state(netstub, wtsstub, lsastub)
    namespace: dict[str, Any] = {"__name__": f"pywin32_page_{pair}"}
    exec(compile(preamble, f"{PAGE.name}[imports]", "exec"), namespace)
    preset = set(namespace)
    error = None
    try:
        exec(compile(code, f"{PAGE.name}[{pair}]", "exec"), namespace)
    except Exception:
        error = traceback.format_exc()
    values = {
        name: plain(value)
        for name, value in namespace.items()
        if name not in preset and not name.startswith("_") and not callable(value)
        and type(value).__name__ != "module"
    }  # fmt: skip
    # Handles, servers, tokens: objects, not data; what they did shows in the state.
    values = {k: v for k, v in values.items() if not (isinstance(v, dict) and "<object>" in v)}
    after = state(netstub, wtsstub, lsastub)
    return {"values": values, "before": before, "after": after, "error": error}


# --- comparing the two sides ---------------------------------------------------------------


def differences(theirs: Any, ours: Any, keys: dict[str, str], where: str) -> list[str]:
    """How pywin32's plain value differs from winsession's: dict keys are looked up through
    ``keys`` (the page's tables; same name otherwise), a tuple is compared with a record's
    fields in order, numbers with enum values."""
    if isinstance(ours, Record):
        if isinstance(theirs, dict):
            mapped = sorted(keys.get(key, key) for key in theirs)
            if mapped != sorted(ours.fields):
                return [f"{where}: pywin32's keys, mapped, are {mapped}; {ours.type} has "
                        f"{sorted(ours.fields)}"]  # fmt: skip
            found = []
            for key, value in theirs.items():
                attr = keys.get(key, key)
                if attr not in ours.fields:
                    found.append(f"{where}: pywin32's key {key!r} has no attribute {attr!r} in "
                                 f"{ours.type} (fields {list(ours.fields)})")  # fmt: skip
                else:
                    found += differences(value, ours.fields[attr], keys, f"{where}.{attr}")
            return found
        if isinstance(theirs, list) and len(theirs) <= len(ours.fields):
            return [m for (attr, value), item in zip(ours.fields.items(), theirs)
                    for m in differences(item, value, keys, f"{where}.{attr}")]  # fmt: skip
        return [f"{where}: pywin32 gives {theirs!r}, winsession a {ours.type}"]
    if isinstance(ours, dict) and isinstance(theirs, dict):
        mapped = {keys.get(k, k): v for k, v in theirs.items()}
        if set(mapped) != set(ours):
            return [f"{where}: keys {sorted(mapped)} (pywin32, mapped) != {sorted(ours)}"]
        return [m for k in ours for m in differences(mapped[k], ours[k], keys, f"{where}[{k!r}]")]
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{where}: {len(theirs)} items from pywin32, {len(ours)} from winsession"]
        return [m for i, (a, b) in enumerate(zip(theirs, ours))
                for m in differences(a, b, keys, f"{where}[{i}]")]  # fmt: skip
    if type(theirs) is not type(ours) and not (
        isinstance(theirs, (int, float)) and isinstance(ours, (int, float))
    ):
        return [f"{where}: pywin32 gives {theirs!r}, winsession {ours!r}"]
    return [] if theirs == ours else [f"{where}: pywin32 gives {theirs!r}, winsession {ours!r}"]


# --- the pywin32 side, in its own python.exe -----------------------------------------------


def pywin32_paths(folder: str) -> tuple[list[str], str]:
    """The sys.path entries and the DLL folder of a pywin32 wheel unpacked into ``folder`` (what
    its pywin32.pth and post-install step would set up)."""
    return [os.path.join(folder, "win32"), os.path.join(folder, "win32", "lib"), folder], (
        os.path.join(folder, "pywin32_system32")
    )


def main(argv: Iterable[str]) -> int:
    folder, pairs_file, results_file = argv
    path, dlls = pywin32_paths(folder)
    sys.path[:0] = [*path, str(HERE)]
    os.add_dll_directory(dlls)  # type: ignore[attr-defined,unused-ignore]  # (Windows only)
    from stubctl import LsaStub, NetStub, WtsStub

    netstub, wtsstub, lsastub = NetStub(), WtsStub(), LsaStub()
    todo = json.loads(Path(pairs_file).read_text(encoding="utf-8"))
    results = {}
    for item in todo["pairs"]:
        name = item["name"]
        lsa = lsastub if uses_lsa(name) else None
        results[name] = run_side(todo["preamble"], item["code"], netstub, wtsstub, name, lsa)
    Path(results_file).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
