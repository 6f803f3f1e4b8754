"""When a mentor can teach and when the centre is open: weekly and dated windows, time off,
closures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..domain.errors import InvalidInput
from ..domain.timeutil import localize
from .conflicts import Conflict, named, overlaps

if TYPE_CHECKING:
    from ..domain.drafts import SessionDraft
    from ..domain.model import Availability, Closure, DatedWindow, Person, Session, TimeOff

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday(text: str, field: str = "weekday") -> int:
    """0 for Monday … 6 for Sunday, from a name or its first three letters."""
    key = text.strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if key in (name, name[:3]):
            return number
    raise InvalidInput(f"{text!r} is not a weekday (mon … sun)", field=field)


def wall_time(text: str, field: str) -> time:
    """A time of day as people type it: 9:00, 09:00, 15:30."""
    raw = text.strip()
    if len(raw) == 4 and raw[1] == ":":
        raw = "0" + raw
    try:
        value = time.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a time of day (e.g. 15:30)", field=field) from None
    return value.replace(second=0, microsecond=0)


def _windows_on(windows: Sequence[Availability], start: datetime) -> list[tuple[datetime, datetime]]:
    """The instants the weekly windows cover on the days around ``start``."""
    spans = []
    days: dict[str, tuple[tuple[date, int], ...]] = {}  # a mentor's windows share a zone
    for w in windows:
        around = days.get(w.tz)
        if around is None:
            local_day = start.astimezone(ZoneInfo(w.tz)).date()
            around = days[w.tz] = tuple((d, d.weekday()) for d in (
                local_day - timedelta(days=1), local_day))
        for day, weekday in around:
            if weekday == w.weekday:
                spans.append(_span(day, w.start, w.end, w.tz))
    return spans


@lru_cache(maxsize=8192)
def _span(day: date, start: time, end: time, tz: str) -> tuple[datetime, datetime]:
    """The instants of a window on ``day``: the same few windows on the same days come back
    draft after draft of a bulk booking or an import."""
    zone = ZoneInfo(tz)
    return localize(datetime.combine(day, start), zone), localize(datetime.combine(day, end), zone)


def _dated_on(dated: Sequence[DatedWindow], start: datetime) -> list[tuple[datetime, datetime]]:
    """The instants of the dated windows on the day ``start`` falls on (in each one's zone)."""
    spans = []
    for w in dated:
        tz = ZoneInfo(w.tz)
        if start.astimezone(tz).date() == w.day:
            spans.append((localize(datetime.combine(w.day, w.start), tz),
                          localize(datetime.combine(w.day, w.end), tz)))
    return spans


def outside_availability(draft: SessionDraft | Session, windows: Sequence[Availability],
                         time_off: Iterable[TimeOff],
                         people: Mapping[str, Person] | None = None, *,
                         dated: Sequence[DatedWindow] = ()) -> list[Conflict]:
    """Why the mentor cannot teach ``draft`` (or a booked session, as flags.py asks):
    outside every window of its day, or on time off.

    A day with dated windows follows them; any other day the weekly windows. A mentor with
    neither set is available at any time (but time off still counts).
    """
    found = []
    on_day = _dated_on(dated, draft.start) if dated else None
    spans = on_day if on_day else _windows_on(windows, draft.start) if windows else None
    if spans is not None and not any(a <= draft.start and draft.end <= b for a, b in spans):
        found.append(Conflict("availability", draft.start,
                              f"{named(draft.mentor, people)} is not available then "
                              "(see availability list)"))
    for off in time_off:
        if overlaps(draft.start, draft.end, off.start, off.end):
            reason = f": {off.reason}" if off.reason else ""
            found.append(Conflict("availability", draft.start,
                                  f"{named(draft.mentor, people)} is on time off{reason}"))
    return found


def on_closure(draft: SessionDraft, closures: Iterable[Closure]) -> list[Conflict]:
    """A closure covering the day the session starts (in the zone it is booked in)."""
    day = draft.start.astimezone(ZoneInfo(draft.tz)).date()
    return [Conflict("closure", draft.start, f"the centre is closed: {c.reason}")
            for c in closures if c.covers(day)]
