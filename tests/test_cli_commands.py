"""Every command of the real parser (``winsession.cli``'s, walked: a new command is covered as
soon as it exists), checked for the promise of issue 21: every option a command has does
what it says, or the command does not have it.

- ``--json`` and ``--jsonl``: output valid against the shipped schema (``winsession/cli/
  schema.json``, exactly one of its records), the same records both ways;
- ``--csv`` only where there is a table, and there the table's rows in words (no ``False``,
  no raw flag numbers), the JSON records' keys as the header;
- ``--server``: repeatable (each server is asked) where the help says "repeat it", refused
  with exit 2 where it says "one server only";
- an option the command lacks, given before the subcommand, is refused (exit 2).

A command runs against the demo table (``--simulate``) with the arguments in EXAMPLES, or
with none when it needs none.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import _jsonschema
import pytest
from clitools import EXAMPLES, Capsys, leaf_commands, no_terminal, run  # noqa: F401

from winsession import cli

COMMANDS = dict(leaf_commands(cli._parser()))
NAMES = [" ".join(path) for path in COMMANDS]


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return dict(parser._option_string_actions)


def _events_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    """`events watch` reads SENS, which --simulate does not cover: its one seam gets an event."""
    import datetime
    import types

    when = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.timezone.utc)
    event = types.SimpleNamespace(kind=types.SimpleNamespace(name="LOGON"), session_id=2,
                                  user_name="CONTOSO\\alice", received_at=when)  # fmt: skip

    class Events:
        def __enter__(self) -> Iterator[Any]:
            return iter([event])

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(cli._events, "subscribe", Events)


def invoke(capsys: Capsys, monkeypatch: pytest.MonkeyPatch, name: str,
           *options: str) -> tuple[int, str, str]:  # fmt: skip
    """Run command ``name`` with its example and ``options`` (given before the subcommand,
    where every command takes them: its own arguments may end in ``-- COMMAND``)."""
    if name == "events watch":
        _events_seam(monkeypatch)
        return run(capsys, *options, *name.split(), *EXAMPLES.get(name, []))
    return run(capsys, "--simulate", *options, *name.split(), *EXAMPLES.get(name, []))


def parse_json(out: str) -> list[Any]:
    """The records of --json (one array or one object; the watch commands: one object per
    line, a stream never ends) or --jsonl."""
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        return [json.loads(line) for line in out.splitlines()]
    return data if isinstance(data, list) else [data]


SCHEMA = cli.json_schema()


def test_the_walk_finds_every_command() -> None:
    assert {"smb list", "smb info", "ts list", "ts spawn", "ts kill", "events watch"} <= set(NAMES)
    assert set(EXAMPLES) <= set(NAMES)  # no example for a command that is gone
    assert len(NAMES) == len(set(NAMES)) >= 20


def _untimed(record: dict[str, object], name: str) -> dict[str, object]:
    return {k: v for k, v in record.items() if not (k == "time" and name.endswith(" watch"))}


@pytest.mark.parametrize("name", NAMES)
def test_json_matches_the_schema(capsys: Capsys, monkeypatch: pytest.MonkeyPatch,
                                 name: str) -> None:  # fmt: skip
    rc, out, err = invoke(capsys, monkeypatch, name, "--json")
    assert rc == 0, f"{name}: exit {rc}: {err} (an example in EXAMPLES?)"
    items = parse_json(out)
    assert items, f"{name} --json wrote no record"
    for item in items:
        problems = _jsonschema.errors(item, SCHEMA, SCHEMA)
        assert not problems, (name, item, problems)
    rc, out, _ = invoke(capsys, monkeypatch, name, "--jsonl")
    assert rc == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert all(isinstance(r, dict) for r in lines)
    if name not in ("ts spawn",):  # the spawned process's pid differs per run
        # A watched event is stamped when it happens: the two runs may straddle a second.
        assert [_untimed(r, name) for r in lines] == [_untimed(r, name) for r in items]
    # after the subcommand as well (except where a command line follows the arguments)
    if "--" not in EXAMPLES.get(name, []):
        argv = ["--simulate", *name.split(), *EXAMPLES.get(name, []), "--jsonl"]
        if name == "events watch":
            _events_seam(monkeypatch)
            argv = argv[1:]
        assert run(capsys, *argv)[0] == 0


def test_json_schema_option_prints_the_shipped_schema(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--json-schema")
    assert rc == 0 and json.loads(out) == SCHEMA
    import importlib.resources

    text = importlib.resources.files("winsession.cli").joinpath("schema.json").read_text("utf-8")
    assert json.loads(text) == SCHEMA
    kinds = {ref["$ref"].rsplit("/", 1)[1] for ref in SCHEMA["oneOf"]}
    assert {"ts_process", "ts_server", "spawned_process", "action_result"} <= kinds


@pytest.mark.parametrize("name", NAMES)
def test_csv_only_where_there_is_a_table(capsys: Capsys, monkeypatch: pytest.MonkeyPatch,
                                         name: str) -> None:  # fmt: skip
    parser = COMMANDS[tuple(name.split())]
    if "--csv" not in _options(parser):
        assert "--csv" not in parser.format_help()
        rc, out, err = invoke(capsys, monkeypatch, name, "--csv")
        assert (rc, out) == (2, "") and f"{name} does not take --csv" in err
        return
    _, out, _ = invoke(capsys, monkeypatch, name, "--json")
    records = parse_json(out)
    rc, out, _ = invoke(capsys, monkeypatch, name, "--csv")
    assert rc == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(records[0]) and len(rows) == len(records) + 1
    cells = {cell for row in rows[1:] for cell in row}
    assert not cells & {"True", "False", "None"}, (name, cells)
    for record, row in zip(records, rows[1:]):
        for key, cell in zip(rows[0], row):
            if isinstance(record[key], bool):
                assert cell == ("yes" if record[key] else "no")
            if key in ("user_flags", "permissions", "share_type"):
                assert cell and not cell.isdigit(), (name, key, cell)  # flags in words
    rc, table, _ = invoke(capsys, monkeypatch, name)  # and it has a table
    assert rc == 0 and len(table.splitlines()) > len(records)


def test_csv_words_and_numbers(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "smb", "list", "--csv")
    assert rc == 0
    bob = next(r for r in csv.DictReader(io.StringIO(out)) if r["user_name"] == "bob")
    assert (bob["user_flags"], bob["idle_time"], bob["num_opens"]) == ("GUEST", "5", "1")
    rc, out, _ = run(capsys, "--simulate", "ts", "list", "--csv")
    assert rc == 0
    alice = next(r for r in csv.DictReader(io.StringIO(out)) if r["user_name"] == "alice")
    assert (alice["current"], alice["locked"], alice["state"]) == ("yes", "no", "ACTIVE")
    assert alice["client_display"] == "1920x1080 (colour depth code 24)"
    rc, out, _ = run(capsys, "--simulate", "smb", "files", "--csv")
    assert rc == 0
    assert {r["permissions"] for r in csv.DictReader(io.StringIO(out))} == {"READ", "READ+WRITE"}


@pytest.mark.parametrize(
    "name", [n for n in NAMES if "--server" in _options(COMMANDS[tuple(n.split())])]
)
def test_server_repeatable_where_help_says_so(capsys: Capsys, monkeypatch: pytest.MonkeyPatch,
                                              name: str) -> None:  # fmt: skip
    parser = COMMANDS[tuple(name.split())]
    helptext = " ".join((_options(parser)["--server"].help or "").split())
    rc, out, err = invoke(capsys, monkeypatch, name, "--server", "SIMULATED", "--server",
                          "NOSUCH")  # fmt: skip
    if "repeat it" in helptext:
        assert "one server only" not in helptext
        assert rc == 3, (name, rc, err)  # SIMULATED answered, NOSUCH failed: partial
        assert "NOSUCH" in err and out
        for option in ("--servers-file", "--parallel", "--timeout"):
            assert option in _options(parser)
    else:
        assert "one server only" in helptext
        assert rc == 2 and f"{name} takes one --server, not 2" in err
        for option in ("--servers-file", "--parallel", "--timeout"):
            assert option not in _options(parser)
            rc, _, err = invoke(capsys, monkeypatch, name, option, "1")
            assert rc == 2 and f"does not take {option}" in err


@pytest.mark.parametrize(
    "name", [n for n in NAMES if "--server" not in _options(COMMANDS[tuple(n.split())])]
)
def test_no_server_option_no_server(capsys: Capsys, monkeypatch: pytest.MonkeyPatch,
                                    name: str) -> None:  # fmt: skip
    rc, out, err = invoke(capsys, monkeypatch, name, "--server", "RDS2")
    assert (rc, out) == (2, "") and f"{name} does not take --server" in err


def test_one_server_with_timeout_goes_through_the_pool(capsys: Capsys) -> None:
    rc, out, err = run(capsys, "--simulate", "smb", "list", "--server", "FS9", "--timeout", "5")
    assert rc == 1 and out == "" and err.count("ERROR_BAD_NETPATH") == 1
    rc, out, _ = run(capsys, "--simulate", "smb", "list", "--timeout", "5", "--json")
    assert rc == 0 and len(json.loads(out)) == 3


def test_shadow_stop_has_no_server(capsys: Capsys) -> None:
    rc, _, err = run(capsys, "--simulate", "ts", "shadow", "2", "--stop", "--server", "RDS2")
    assert rc == 2 and "this computer only" in err


def test_action_commands_report_in_json(capsys: Capsys) -> None:
    rc, out, _ = run(capsys, "--simulate", "ts", "kill", "4242", "--dry-run", "--json")
    (record,) = json.loads(out)
    assert rc == 0 and (record["process_id"], record["status"]) == (4242, "dry-run")
    rc, out, _ = run(capsys, "--simulate", "ts", "kill", "4242", "--yes", "--json")
    assert json.loads(out)[0]["status"] == "done"
    rc, out, _ = run(capsys, "--simulate", "ts", "kill", "999", "--yes", "--json")
    (record,) = json.loads(out)  # no such process: the API's error, in the record
    assert rc == 1 and record["status"] == "failed" and record["winerror"]
    rc, out, _ = run(capsys, "--simulate", "ts", "shutdown", "reboot", "--dry-run", "--jsonl")
    assert json.loads(out)["action"] == "reboot" and json.loads(out)["status"] == "dry-run"
