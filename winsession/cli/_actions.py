"""What the commands do to many things at once: many servers (winsession.fleet), bulk
actions with --dry-run, confirmation, a result line per item and a summary, and the event
pump of the watch commands."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import queue
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Callable, Optional

from .. import fleet
from ..errors import (
    AccessDeniedError,
    OpenFileNotFoundError,
    ServerNotFoundError,
    SessionNotFoundError,
    UnsupportedPlatformError,
    WinSessionError,
)
from ._common import (
    EXIT_API_ERROR,
    EXIT_DECLINED,
    EXIT_OK,
    EXIT_PARTIAL,
    UsageError,
    command_name,
)
from ._output import emit_rows, errors_out, fmt, human, human_err, output, plain_value, warn

# --- many servers ---------------------------------------------------------------------------


def servers_of(args: argparse.Namespace) -> list[Optional[str]]:
    """The servers a command runs on: ``--server`` (repeatable) and ``--servers-file``;
    ``[None]`` (this computer) when neither is given."""
    return list(getattr(args, "servers", None) or [None])


def single_server(args: argparse.Namespace) -> Optional[str]:
    """The one server of a command that takes one (a usage error if several were given)."""
    servers = servers_of(args)
    if len(servers) > 1:
        raise UsageError(f"{command_name(args)} takes one --server, not {len(servers)}")
    return servers[0]


def server_label(server: Optional[str]) -> str:
    return server if server else "this computer"


def where_text(server: Optional[str]) -> str:
    return f"on {human(server)}" if server else "on this computer"


class Fleet:
    """Rows from every server of ``args`` through :func:`winsession.fleet.fan_out`.

    Failing servers are reported on stderr as they fail and counted; :attr:`exit_code` is
    0 when every server answered, 3 (partial) when some failed. When *every* server failed,
    iterating re-raises the first server's error (main() reports it with advice: exit 1,
    or 5 off Windows). One server runs in this thread, with no pool (unless --timeout is
    given: then it goes through the pool too, which enforces it).
    """

    def __init__(self, args: argparse.Namespace,
                 fetch: Callable[[Optional[str]], Iterable[dict[str, Any]]]) -> None:  # fmt: skip
        self.args = args
        self.fetch = fetch
        self.servers = servers_of(args)
        self.failed: list[fleet.Failure] = []
        self.multi = len(self.servers) > 1

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else EXIT_OK

    def in_order(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` (as they arrived) grouped by server in the order the servers were given."""
        rank = {name: i for i, name in enumerate(self.servers)}
        return sorted(rows, key=lambda r: rank.get(r.get("server"), len(rank)))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        timeout = getattr(self.args, "timeout", None)
        if not self.multi and timeout is None:
            server = self.servers[0]
            for row in self.fetch(server):
                yield {"server": server, **row}
            return
        err = errors_out()
        show_progress = self.multi and err.isatty()
        total = len(self.servers)

        def progress(done: int, total: int) -> None:
            if show_progress:
                err.write(f"\r{done}/{total} servers done")
                err.flush()

        try:
            for result in fleet.fan_out(
                self.servers, self.fetch, parallel=getattr(self.args, "parallel", None)
                or fleet.DEFAULT_PARALLEL, timeout=timeout, progress=progress,
            ):  # fmt: skip
                if isinstance(result, fleet.Failure):
                    self.failed.append(result)
                    if show_progress:
                        err.write("\r\x1b[K")
                    if self.multi:  # one server (given --timeout): main() reports it
                        warn(f"{human_err(server_label(result.server))}:"
                             f" {error_text(result.error)}")  # fmt: skip
                    continue
                yield {"server": result.server, **result.value}
        finally:
            if show_progress:
                err.write("\r\x1b[K")
                err.flush()
        if len(self.failed) == total:
            raise self.failed[0].error


def advice(exc: BaseException) -> str:
    """What to do about an API error, naming the service of the API that failed (an SMB
    failure never mentions Remote Desktop)."""
    if not isinstance(exc, WinSessionError):
        return ""
    function = exc.function or ""
    service = (
        "Server (LanmanServer)" if function.startswith("Net")
        else "Remote Desktop Services (TermService)" if function.startswith("WTS")
        else ""
    )  # fmt: skip
    if isinstance(exc, AccessDeniedError):
        return ("Run it from an elevated prompt (Run as administrator), or as a member of"
                " Administrators or Server Operators on the server.")  # fmt: skip
    if isinstance(exc, OpenFileNotFoundError):  # before SessionNotFoundError: both LookupErrors
        return "No file is open with that ID (it may have been closed); see `winsession smb files`."
    if isinstance(exc, SessionNotFoundError):
        listing = ("`winsession smb list`" if function.startswith("Net")
                   else "`winsession ts list`")  # fmt: skip
        return f"No such session (it may have ended); see {listing}."
    if isinstance(exc, ServerNotFoundError):
        tail = f" and that its {service} service runs" if service else ""
        return f"Check the server name, that it is reachable{tail}."
    if isinstance(exc, UnsupportedPlatformError):
        return "This Windows edition does not offer that API."
    return ""


def error_text(exc: BaseException) -> str:
    """An exception's message for stderr, escaped (it may echo a name), with advice."""
    text = human_err(str(exc) or type(exc).__name__)
    return f"{text} {advice(exc)}".rstrip()


# --- actions: --dry-run, confirmation, one result line per item, a summary -------------------


@dataclasses.dataclass
class Action:
    """One thing a destructive command will do.

    ``target`` is what a human reads (unescaped: it is escaped when printed), ``fields`` the
    JSON record's identifying fields (``session_id``, ``client_name``, ``user_name``,
    ``file_id``, ``process_id``).
    """

    server: Optional[str]
    target: str
    run: Callable[[], Any]
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)


def confirm(args: argparse.Namespace, question: str) -> bool:
    """True to go on. On a terminal, ask; elsewhere only ``--yes`` lets a command go on
    (without it: a usage error, exit 2). ``question`` must be escaped already."""
    if getattr(args, "yes", False):
        return True
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise UsageError(
            f"{question.rstrip('?')}: refusing without --yes because stdin is not a terminal"
        )
    err = errors_out()
    err.write(f"{question} [y/N] ")
    err.flush()
    answer = stdin.readline().strip().lower()
    if answer in ("y", "yes"):
        return True
    err.write("winsession: not confirmed; nothing was changed\n")
    return False


def _action_record(action: Action, verb: str, status: str,
                   error: Optional[BaseException] = None) -> dict[str, Any]:  # fmt: skip
    record: dict[str, Any] = {
        "server": action.server,
        "action": verb,
        "target": action.target,
        "session_id": None,
        "client_name": None,
        "user_name": None,
        "file_id": None,
        "process_id": None,
    }
    record.update(action.fields)
    record["status"] = status
    record["response"] = None
    record["error"] = None if error is None else (str(error) or type(error).__name__)
    record["winerror"] = getattr(error, "winerror", None) if error is not None else None
    return record


def run_actions(
    args: argparse.Namespace,
    actions: Sequence[Action],
    *,
    verb: str,
    past: str,
    noun: str,
    nothing: str,
    failed_servers: int = 0,
    ask: bool = True,
) -> int:
    """Do ``actions`` with the house rules and return the exit code.

    ``--dry-run`` prints what would be done and changes nothing (exit 0). Otherwise one
    confirmation for all (declined: exit 4), one result line per item (failures on stderr,
    with the error), a summary when there was more than one, and exit 0 (all done), 3 (some
    failed; or servers failed while listing: ``failed_servers``), 1 (all failed).
    With --json/--jsonl a result record per item (``status`` done/failed/dry-run).
    """
    kind = fmt(args)
    machine = kind in ("json", "jsonl")
    partial = EXIT_PARTIAL if failed_servers else EXIT_OK
    if kind == "csv":
        raise UsageError("actions report as text or --json/--jsonl, not --csv")
    out = output()
    if not actions:
        if machine:
            emit_rows(args, [], [])
        else:
            out.write(nothing + "\n")
        return partial
    many = len(actions) > 1
    if getattr(args, "dry_run", False):
        if machine:
            emit_rows(args, (_action_record(a, verb, "dry-run") for a in actions), [])
        else:
            for a in actions:
                out.write(f"Would {verb} {human(a.target)} {where_text(a.server)}.\n")
            out.write(f"Dry run: {len(actions)} {noun} would be {past}; nothing was changed.\n")
        return partial
    question = (
        f"{verb.capitalize()} {len(actions)} {noun}?" if many
        else f"{verb.capitalize()} {human(actions[0].target)} {where_text(actions[0].server)}?"
    )  # fmt: skip
    if ask and not confirm(args, question):
        return EXIT_DECLINED
    done = failed = 0
    records: list[dict[str, Any]] = []
    first_error: Optional[BaseException] = None
    for a in actions:
        try:
            result = a.run()
        except (WinSessionError, ValueError) as exc:
            failed += 1
            first_error = first_error or exc
            records.append(_action_record(a, verb, "failed", exc))
            if not machine:
                warn(f"could not {verb} {human_err(a.target)} {where_text(a.server)}:"
                     f" {error_text(exc)}")  # fmt: skip
            continue
        done += 1
        record = _action_record(a, verb, "done")
        record["response"] = result if isinstance(result, str) else None
        records.append(record)
        if not machine:
            where = f" {where_text(a.server)}" if a.server else ""
            tail = f": {human(result)}" if isinstance(result, str) else "."
            out.write(f"{past.capitalize()} {human(a.target)}{where}{tail}\n")
            out.flush()
    if machine:
        emit_rows(args, records, [])
    elif many:
        tail = f"; {failed} failed" if failed else ""
        out.write(f"{past.capitalize()} {done} of {len(actions)} {noun}{tail}.\n")
    if failed and not done:
        return EXIT_API_ERROR
    return EXIT_PARTIAL if failed else partial


def run_one(args: argparse.Namespace, action: Action, *, verb: str, would: str, done: str,
            question: Optional[str]) -> int:  # fmt: skip
    """One action that reports in its own words (``ts connect``, ``shadow``, ``kill``,
    ``shutdown``): ``would`` is the ``--dry-run`` text, ``done`` the text afterwards,
    ``question`` the confirmation (``None``: do not ask); all escaped already. With
    --json/--jsonl the same ``action_result`` record as :func:`run_actions`: an API failure
    is then a ``failed`` record and exit code 1."""
    machine = fmt(args) in ("json", "jsonl")
    if getattr(args, "dry_run", False):
        if machine:
            emit_rows(args, [_action_record(action, verb, "dry-run")], [])
        else:
            output().write(would + "\n")
        return EXIT_OK
    if question is not None and not confirm(args, question):
        return EXIT_DECLINED
    if not machine:
        action.run()
        output().write(done + "\n")
        return EXIT_OK
    try:
        result = action.run()
    except WinSessionError as exc:
        emit_rows(args, [_action_record(action, verb, "failed", exc)], [])
        return EXIT_API_ERROR
    record = _action_record(action, verb, "done")
    record["response"] = result if isinstance(result, str) else None
    emit_rows(args, [record], [])
    return EXIT_OK


# --- event pump -----------------------------------------------------------------------------


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def event_record(
    time: datetime.datetime, kind: str, *, server: Optional[str] = None,
    session_id: Optional[int] = None, user_name: Optional[str] = None,
    flags: Optional[int] = None, source: str,
) -> dict[str, Any]:  # fmt: skip
    """The one event record of ``ts watch`` and ``events watch`` (its ``event`` in
    :func:`winsession.cli.json_schema`)."""
    return {
        "time": plain_value(time), "source": source, "server": server, "kind": kind,
        "session_id": session_id, "user_name": user_name, "flags": flags,
    }  # fmt: skip


def pump(source: Iterator[Any], count: Optional[int], emit: Callable[[Any], None],
          stop: Callable[[], None]) -> int:  # fmt: skip
    """Run ``source`` in a thread, emit each item here until ``count`` or Ctrl-C."""
    items: queue.Queue[tuple[str, Any]] = queue.Queue()

    def produce() -> None:
        try:
            for item in source:
                items.put(("item", item))
        except BaseException as exc:
            items.put(("error", exc))
        items.put(("end", None))

    thread = threading.Thread(target=produce, name="winsession-watch", daemon=True)
    thread.start()
    seen = 0
    try:
        while count is None or seen < count:
            try:
                kind, value = items.get(timeout=0.2)
            except queue.Empty:
                continue
            if kind == "end":
                break
            if kind == "error":
                raise value
            emit(value)
            output().flush()
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        thread.join(5)
    return EXIT_OK
