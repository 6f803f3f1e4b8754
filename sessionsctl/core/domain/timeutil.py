"""Reading and normalising times: what people type, zones, and the daylight-saving rule.

Instants are aware UTC datetimes everywhere inside the program (ARCHITECTURE.md, decision 1).
Wall times are turned into instants by one rule, :func:`localize`:

* a wall time that does not exist (the clocks spring forward over it) is moved forward by the
  length of the gap: 01:30 on the morning London springs forward becomes 02:30 BST;
* a wall time that happens twice (the clocks fall back) is taken at its first, earlier
  occurrence: 01:30 on the morning London falls back is 01:30 BST, not 01:30 GMT.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import policy
from .errors import InvalidInput
from .typed import EXAMPLES, clock_time, read_typed

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_LIKE = re.compile(r"^\d{4}-\d")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{1,4}\b")


@lru_cache(maxsize=256)
def zone(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA zone called ``name``, or an InvalidInput naming ``field``."""
    try:
        if not name or name != name.strip() or name.startswith(("/", ".")) or len(name) > 255:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name no file can have
        shown = name if len(name) <= 60 else name[:60] + "..."
        raise InvalidInput(f"unknown time zone {shown!r} (use an IANA name such as "
                           "Europe/London)", field=field) from None


def within_years(value: date, field: str, *, shown: str | None = None) -> None:
    """Refuse a day or time outside the program's years (:data:`policy.YEARS`), an aware
    time judged in UTC: an InvalidInput naming ``field`` and the value (``shown``, or the day)."""
    inside = policy.FIRST_YEAR <= value.year <= policy.LAST_YEAR
    if inside and isinstance(value, datetime) and value.tzinfo is not None:
        inside = policy.EARLIEST <= value < policy.LATEST
    if not inside:
        raise InvalidInput(f"{shown or f'{value.year:04d}-{value:%m-%d}'} is out of range "
                           f"({policy.YEARS})", field=field)


@lru_cache(maxsize=1)
def system_zone_name() -> str:
    """The IANA name of this machine's zone, UTC when it cannot be told."""
    # only needed when no zone was configured
    from pendulum.tz.local_timezone import get_local_timezone

    try:
        name = str(get_local_timezone().name)
        ZoneInfo(name)
        return name
    except Exception:  # an odd /etc/localtime must not stop the program
        return "UTC"


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of the naive wall time ``wall`` in ``tz``, by the module's DST rule."""
    candidate = wall.replace(tzinfo=tz, fold=0)
    instant = candidate.astimezone(UTC)
    # A wall time inside a spring-forward gap does not survive the round trip; fold=0 already
    # read it with the offset from before the gap, which is "moved forward by the gap".
    return instant


def exists(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive wall time ``wall`` happens at all in ``tz``."""
    back = localize(wall, tz).astimezone(tz).replace(tzinfo=None)
    return back == wall


def is_ambiguous(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive wall time ``wall`` happens twice in ``tz`` (clocks falling back)."""
    return wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()


def parse_instant(text: str, tz: ZoneInfo, *, field: str = "time",
                  now: datetime | None = None, day: date | None = None,
                  need_time: bool = False) -> datetime:
    """An instant as people type it; without an offset it is read in ``tz``.

    Exact and fast for ISO 8601 (``2026-12-01T16:00``, ``2026-12-01 16:00``, with an offset or
    ``Z``) and ``now``; a time of day alone (``16:00``, ``4pm``) is on ``day`` (the session's
    day, say), else today; anything else as people say it (``tomorrow 16:00``, ``next tuesday
    4pm``, ``in 2 weeks``: :mod:`.typed`). A day with no time means its midnight, unless
    ``need_time`` (a session's start), where it is refused rather than silently midnight.
    """
    raw = text.strip()
    lowered = raw.lower()
    if lowered == "now":
        return (now or datetime.now(UTC)).astimezone(UTC)
    if lowered in _RELATIVE_DAYS:
        if need_time:
            raise _no_time(text, field)
        return day_start(parse_day(lowered, tz, field=field, now=now), tz)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is not None:
        if need_time and _DATE_ONLY.match(raw):
            raise _no_time(text, field)
        within_years(value, field, shown=raw)
        return localize(value, tz) if value.tzinfo is None else value.astimezone(UTC)
    _not_iso_nor_ambiguous(text, field)
    base = (now or datetime.now(UTC)).astimezone(tz).replace(tzinfo=None)
    at = clock_time(raw)
    if at is not None:
        return localize(datetime.combine(day or base.date(), at), tz)
    found = read_typed(raw, base) if raw else None
    if found is None:
        # Where a day alone is read as its midnight (a range's --from), say a day will do.
        what, examples = ("a time", EXAMPLES) if need_time else (
            "a day or a time", f"e.g. 2026-12-01, tomorrow, {EXAMPLES.removeprefix('e.g. ')}")
        raise InvalidInput(f"cannot read {text!r} as {what} ({examples})", field=field)
    if found.at is None and need_time:
        raise _no_time(text, field)
    within_years(found.day, field, shown=raw)
    return localize(datetime.combine(found.day, found.at or time()), tz)


def parse_end(text: str, tz: ZoneInfo, start: datetime | None, *,
               field: str = "end") -> datetime:
    """A session's end as typed: a time alone (``17:30``, ``5pm``) is on its start's day in
    ``tz`` (not today); anything else as :func:`parse_instant` reads it."""
    day = start.astimezone(tz).date() if start is not None else None
    return parse_instant(text, tz, field=field, day=day)


def _not_iso_nor_ambiguous(text: str, field: str) -> None:
    """Refuse what looks like an ISO date but is not a valid one (``2026-13-01``, never guessed
    at), and all-number dates with slashes or dots, which read differently from country to
    country (01/12/2026)."""
    raw = text.strip()
    if _ISO_LIKE.match(raw):
        raise InvalidInput(f"cannot read {text!r} as a time (expected e.g. 2026-12-01 16:00 or "
                           f"2026-12-01T16:00+01:00)", field=field)
    if _NUMERIC_DATE.search(raw):
        raise InvalidInput(f"{text!r}: write the date as 2026-12-01 (day and month order "
                           f"differs from country to country)", field=field)


def _no_time(text: str, field: str) -> InvalidInput:
    return InvalidInput(f"{text.strip()!r} is a day: give the time too, e.g. "
                        f"'{text.strip()} 16:00'", field=field)


def parse_day(text: str, tz: ZoneInfo, *, field: str = "date",
              now: datetime | None = None) -> date:
    """A calendar day: ``2026-12-01``, ``today``, ``tomorrow``, or as people say it
    (``next tuesday``, ``mon``, ``12 dec``, ``in 2 weeks``)."""
    raw = text.strip().lower()
    if raw in _RELATIVE_DAYS:
        return (now or datetime.now(UTC)).astimezone(tz).date() + timedelta(_RELATIVE_DAYS[raw])
    if _DATE_ONLY.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            within_years(day, field)
            return day
    elif raw and clock_time(raw) is None and not _ISO_LIKE.match(raw) \
            and not _NUMERIC_DATE.search(raw):
        found = read_typed(raw, (now or datetime.now(UTC)).astimezone(tz).replace(tzinfo=None))
        if found is not None and found.at is None:
            within_years(found.day, field, shown=raw)
            return found.day
    raise InvalidInput(f"cannot read {text!r} as a date (e.g. 2026-12-01, tomorrow, "
                       f"next tuesday)", field=field)


def parse_bound(text: str, tz: ZoneInfo, *, field: str, end: bool = False,
                now: datetime | None = None) -> datetime:
    """A range bound: a day means its start (or, for an end bound, the start of the next day);
    a day as people say it (``next monday``) is a day too."""
    raw = text.strip().lower()
    if raw in _RELATIVE_DAYS or _DATE_ONLY.match(raw) or _names_a_day(raw, tz, now):
        day = parse_day(raw, tz, field=field, now=now)
        if end:
            day += timedelta(days=1)
        return localize(datetime.combine(day, time()), tz)
    return parse_instant(text, tz, field=field, now=now)


def _names_a_day(raw: str, tz: ZoneInfo, now: datetime | None) -> bool:
    """Whether ``raw``, not an ISO form, names a day and no time (``next monday``)."""
    if not raw or raw == "now" or clock_time(raw) is not None or _ISO_LIKE.match(raw):
        return False
    try:
        datetime.fromisoformat(raw)
        return False
    except ValueError:
        pass
    found = read_typed(raw, (now or datetime.now(UTC)).astimezone(tz).replace(tzinfo=None))
    return found is not None and found.at is None


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The instant a calendar day starts in ``tz``."""
    return localize(datetime.combine(day, time()), tz)


def iso(instant: datetime | None, tz: ZoneInfo | None = None) -> str | None:
    """ISO 8601 with the UTC offset, in ``tz`` if given (JSON output)."""
    if instant is None:
        return None
    return instant.astimezone(tz or UTC).isoformat()
