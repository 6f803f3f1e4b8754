"""RECURRENCE-ID;RANGE=THISANDFUTURE: an exception that changes its occurrence and every later one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.timeutil import localize, zone

if TYPE_CHECKING:
    from .ics import IcsEvent


def this_and_future(exceptions: Mapping[str, dict[datetime, IcsEvent]],
                    starts: Mapping[str, Iterable[datetime]]) -> list[IcsEvent]:
    """The occurrences that exceptions with ``RANGE=THISANDFUTURE`` change (RFC 5545
    3.8.4.4), added to ``exceptions``. Each later occurrence of the event (``starts``: a
    series' RECURRENCE-IDs, UTC; else those expanded from the event) that the file gives no
    exception of its own becomes the latest such exception before it, moved by the same
    shift of wall time and keeping its new length. An exception of its own, or a later
    THISANDFUTURE one, wins from where it stands."""
    made: list[IcsEvent] = []
    for uid, group in exceptions.items():
        ranges = sorted((x for x in group.values() if x.this_and_future and not x.expanded),
                        key=lambda x: x.recurrence_id or x.start)
        if not ranges:
            continue
        # A series' own occurrences; else those expanded from the event (its RDATEs...).
        known = starts.get(uid)
        for start in sorted(known if known is not None else
                            [rid for rid, x in group.items() if x.expanded]):
            held = group.get(start)
            if held is not None and not held.expanded:
                continue
            governing = [x for x in ranges if x.recurrence_id is not None
                         and x.recurrence_id < start]
            if not governing:
                continue
            changed = _moved(governing[-1], start)
            group[start] = changed
            made.append(changed)
    return made


def _moved(change: IcsEvent, start: datetime) -> IcsEvent:
    """``change`` applied to the occurrence first due at ``start``."""
    assert change.recurrence_id is not None
    tz = zone(change.tz)

    def wall(at: datetime) -> datetime:
        return at.astimezone(tz).replace(tzinfo=None)

    begin = localize(wall(start) + (wall(change.start) - wall(change.recurrence_id)), tz)
    return replace(change, start=begin, end=begin + (change.end - change.start),
                   recurrence_id=start, dtstart=wall(begin), this_and_future=False,
                   expanded=True)
