"""``winsession events ...``: logon events from SENS."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable
from typing import Any

from ..errors import (
    UnsupportedPlatformError,
)
from . import _common
from ._actions import (
    event_record,
    now,
    pump,
)
from ._common import (
    NeedsWindows,
    SensUnavailable,
)
from ._options import (
    add_format_options,
)
from ._output import (
    fmt,
    human,
    output,
)


def subscribe() -> contextlib.AbstractContextManager[Iterable[Any]]:
    """A SENS subscription to every logon event kind: :class:`winsession.sens.SessionEvents`.

    The one seam the CLI's tests replace (they check the output, the SENS subscriber itself is
    tested against the COM+ event system stand-in under Wine).
    """
    from .. import sens

    return sens.SessionEvents()


def _events_watch(args: argparse.Namespace) -> int:
    if args.simulate:
        raise NeedsWindows(
            "SENS logon events are not simulated; run this on Windows, or try"
            " winsession --simulate ts watch for the Remote Desktop session events"
        )
    try:
        subscription = subscribe()
    except Exception as exc:
        if isinstance(exc, UnsupportedPlatformError) and not _common.on_windows():
            raise NeedsWindows(
                "this command needs Windows: SENS logon events come from Windows' COM+ Event"
                f" System, which cannot run on {sys.platform}. --simulate does not cover SENS;"
                " for session events here try: winsession --simulate ts watch"
            ) from None
        raise SensUnavailable(f"SENS logon events are not available here: {exc}") from None

    def emit(event: Any) -> None:
        when = getattr(event, "received_at", None) or now()
        kind = getattr(getattr(event, "kind", None), "name", str(getattr(event, "kind", "")))
        if fmt(args) in ("json", "jsonl"):
            record = event_record(when, kind, session_id=event.session_id,
                                  user_name=event.user_name, source="sens")  # fmt: skip
            output().write(json.dumps(record) + "\n")
        else:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S") if hasattr(when, "strftime") else when
            output().write(f"{stamp}  {human(kind):<18} session {event.session_id}"
                           f"  {human(event.user_name)}\n")  # fmt: skip

    with contextlib.ExitStack() as stack:
        events = stack.enter_context(subscription)
        # stop: unsubscribe (ending the iteration) as soon as the pump is done.
        return pump(iter(events), args.count, emit, stack.close)


def register(groups: Any) -> None:
    """Add ``events`` and its commands to the top-level subparsers."""
    events = groups.add_parser("events", help="logon events from SENS")
    event_commands = events.add_subparsers(dest="command", metavar="{watch}")
    event_commands.required = True
    p = event_commands.add_parser("watch", help="print logon/logoff/... events until Ctrl-C")
    add_format_options(p, table=False)
    p.add_argument("--count", type=int, metavar="N", help="stop after N events")
    p.set_defaults(run=_events_watch)
