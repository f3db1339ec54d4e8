"""Many servers at once: run one task per server on a bounded pool of threads and get the
results as they arrive.

ctypes releases the GIL while a DLL call runs, so the calls to different servers overlap:
the whole run takes about as long as the slowest server, not the sum. A server that fails
(or takes longer than ``timeout``) becomes a :class:`Failure`; the others go on.

>>> from winsession import fleet, net
>>> from winsession.testing import Simulator, SmbSession
>>> with Simulator(smb=[SmbSession("PC1", "alice", server="FS1"),
...                    SmbSession("PC2", "bob", server="FS2")]):
...     results = fleet.fan_out(["FS1", "FS2", "FS9"],
...                             lambda server: net.enum_sessions(server, level=10))
...     for r in sorted(results, key=lambda r: str(r.server)):
...         if isinstance(r, fleet.Item):
...             print(r.server, r.value.user_name)
...         else:
...             print(r.server, r.error.symbol)
FS1 alice
FS2 bob
FS9 ERROR_BAD_NETPATH

The task gets the server name (``None`` is this computer) and returns an iterable of records
(or a single record: wrap it in a list). Its records are yielded as :class:`Item` as soon as
the task produces them, so a listing streams.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Callable, Generic, Optional, TypeVar, Union

from ._record import Record, record

__all__ = [
    "DEFAULT_PARALLEL",
    "Failure",
    "Item",
    "ServerTimeoutError",
    "fan_out",
    "read_servers_file",
]


def __dir__() -> list[str]:
    return list(__all__)  # public names only (not the imports and helpers)


T = TypeVar("T")

DEFAULT_PARALLEL = 8
"""Servers queried at the same time unless told otherwise."""


@record
class Item(Record, Generic[T]):
    """One record from one server.

    >>> Item("FS1", 42)
    Item(server='FS1', value=42)
    """

    __slots__ = ("server", "value")
    server: Optional[str]
    value: T


@record
class Failure(Record):
    """A server whose task raised (or timed out): ``error`` is the exception.

    Records the server produced before failing were yielded already. Two failures are equal
    when their servers are (an exception compares by identity).

    >>> Failure("FS9", TimeoutError("FS9: no answer within 5 s"))
    Failure(server='FS9', error=TimeoutError('FS9: no answer within 5 s'))
    """

    __slots__ = ("error", "server")
    server: Optional[str]
    error: BaseException

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Failure):
            return NotImplemented
        return self.server == other.server

    def __hash__(self) -> int:
        return hash(self.server)


class ServerTimeoutError(TimeoutError):
    """A server took longer than ``timeout`` seconds (its call may still be running in a
    background thread; its later records are discarded).

    >>> ServerTimeoutError("FS1: no answer within 2 s").args[0]
    'FS1: no answer within 2 s'
    """


def read_servers_file(path: Union[str, os.PathLike[str]]) -> list[str]:
    """Server names from a file: one per line; blank lines and ``#`` comments are ignored.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("# file servers\\nFS1\\n\\n  FS2   # second\\n")
    >>> read_servers_file(f.name)
    ['FS1', 'FS2']
    >>> os.unlink(f.name)
    """
    names = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


_Message = tuple[int, str, object]


def fan_out(
    servers: Iterable[Optional[str]],
    task: Callable[[Optional[str]], Iterable[T]],
    *,
    parallel: int = DEFAULT_PARALLEL,
    timeout: Optional[float] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> Iterator[Union[Item[T], Failure]]:
    """Run ``task(server)`` for every server, at most ``parallel`` at a time; yield each
    record as an :class:`Item` as it arrives and each failed server as a :class:`Failure`.

    ``timeout`` bounds each server (seconds from its start). ``progress(done, total)`` is
    called (in the caller's thread) whenever a server finishes. Duplicate names run once.
    Closing the iterator early abandons the servers still running (their threads are daemon
    threads; their results are dropped).

    >>> from winsession import fleet
    >>> list(fleet.fan_out(["A", "B"], lambda s: [s.lower()], parallel=1))
    [Item(server='A', value='a'), Item(server='B', value='b')]
    >>> fleet.fan_out([], len, parallel=0)
    Traceback (most recent call last):
      ...
    ValueError: parallel must be at least 1, not 0
    """
    if not isinstance(parallel, int) or isinstance(parallel, bool) or parallel < 1:
        raise ValueError(f"parallel must be at least 1, not {parallel!r}")
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    names = list(dict.fromkeys(servers))
    return _run(names, task, parallel, timeout, progress)


def _run(
    names: list[Optional[str]],
    task: Callable[[Optional[str]], Iterable[T]],
    parallel: int,
    timeout: Optional[float],
    progress: Optional[Callable[[int, int], None]],
) -> Iterator[Union[Item[T], Failure]]:
    inbox: queue.Queue[_Message] = queue.Queue()
    cancelled = threading.Event()

    def work(index: int, server: Optional[str]) -> None:
        try:
            for value in task(server):
                if cancelled.is_set():
                    return
                inbox.put((index, "item", value))
        except BaseException as exc:  # reported as the server's failure
            inbox.put((index, "error", exc))
        else:
            inbox.put((index, "end", None))

    pending = list(enumerate(names))
    pending.reverse()
    running: dict[int, float] = {}  # index -> deadline (or inf)
    done = 0
    try:
        while pending or running:
            while pending and len(running) < parallel:
                index, server = pending.pop()
                limit = time.monotonic() + timeout if timeout is not None else float("inf")
                running[index] = limit
                threading.Thread(
                    target=work, args=(index, server), name=f"winsession-fleet-{index}",
                    daemon=True,
                ).start()  # fmt: skip
            wait = min(running.values()) - time.monotonic()
            try:
                index, kind, value = inbox.get(timeout=None if wait == float("inf") else
                                               max(wait, 0.0))  # fmt: skip
            except queue.Empty:
                now = time.monotonic()
                for index in [i for i, limit in running.items() if limit <= now]:
                    del running[index]
                    done += 1
                    name = names[index]
                    yield Failure(name, ServerTimeoutError(
                        f"{name or 'this computer'}: no answer within {timeout:g} s"
                    ))  # fmt: skip
                    if progress is not None:
                        progress(done, len(names))
                continue
            if index not in running:
                continue  # a server that timed out already
            if kind == "item":
                yield Item(names[index], value)  # type: ignore[arg-type]
                continue
            del running[index]
            done += 1
            if kind == "error":
                assert isinstance(value, BaseException)
                if isinstance(value, (KeyboardInterrupt, SystemExit)):
                    raise value
                yield Failure(names[index], value)
            if progress is not None:
                progress(done, len(names))
    finally:
        cancelled.set()
