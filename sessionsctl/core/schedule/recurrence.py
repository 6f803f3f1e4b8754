"""Recurrence rules (RFC 5545 RRULE, EXDATE, RDATE) and the occurrences of a series.

A series is booked at a naive local wall time (``dtstart``) in its IANA zone and repeats in
that wall time (ARCHITECTURE.md, decisions 1 and 2): python-dateutil expands the rule on naive
datetimes, so a Tuesday 16:00 lesson stays at 16:00 local when the clocks change. Each wall
time then becomes a UTC instant by the project's one daylight-saving rule,
:func:`~sessionsctl.core.domain.timeutil.localize`: a wall time that does not exist (clocks spring
forward over it) is moved forward by the length of the gap, and one that happens twice (clocks
fall back) is taken at its first, earlier instant.

Conventions:

* EXDATE and RDATE values are kept as naive wall times in the series' zone. A date-only value
  (``20261208``) means that day at the series' start time and stays a :class:`~datetime.date`
  until expansion, when the start time is known.
* An EXDATE removes the occurrence (from the rule or an RDATE) that starts at the same instant;
  an EXDATE that matches no occurrence is ignored.
* UNTIL is inclusive and kept as a naive local wall time; a UTC (``Z``) UNTIL is converted on
  reading, and a date-only UNTIL means the end of that day.
* As in dateutil (RFC 5545 leaves it undefined), a ``dtstart`` that the rule does not match is
  not itself an occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..domain import policy
from ..domain.errors import InvalidInput
from ..domain.timeutil import localize
from . import bound
from .rule_dates import ordered, parse_dates, until_wall

_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Canonical order of the parts of a normalised rule; COUNT/UNTIL last, as people write them.
_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT",
          "UNTIL")
_UNSUPPORTED = {
    "BYHOUR": "a session repeats at its own start time",
    "BYMINUTE": "a session repeats at its own start time",
    "BYSECOND": "a session repeats at its own start time",
    "BYWEEKNO": "use BYDAY, BYMONTHDAY or BYMONTH",
    "BYYEARDAY": "use BYMONTH with BYMONTHDAY",
}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # at most, leap years included

_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?([A-Z]{2})$")
_NUMBER = re.compile(r"^[+-]?\d{1,9}$")
_PROPERTY = re.compile(r"^([A-Za-z-]+)((?:;[^:;]*)*):(.*)$")
# Lines are newline-separated (RFC 5545 folding undone first); a property name after a space
# also starts a line, so a one-line CLI value can carry EXDATE/RDATE too.
_FOLD = re.compile(r"\r?\n[ \t]")
_LINE_BREAK = re.compile(r"[\r\n]+|\s+(?=(?:RRULE|EXDATE|RDATE)\s*[;:])", re.IGNORECASE)
# A wall time and its instant are never further apart than a zone's largest offset change.
_SLACK = timedelta(days=2)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A series' rule: the RRULE value (normalised, no ``RRULE:``) and its EXDATEs and RDATEs."""

    rrule: str
    exdates: tuple[datetime | date, ...] = ()  # naive wall times, or days (see module doc)
    rdates: tuple[datetime | date, ...] = ()

    @property
    def open_ended(self) -> bool:
        """Whether the rule has neither COUNT nor UNTIL (it needs a horizon to expand)."""
        return not {"COUNT", "UNTIL"} & parts_of(self.rrule).keys()

    def to_text(self) -> str:
        """The rule as RFC 5545 lines, read back unchanged by :func:`parse_recurrence`."""
        lines = [f"RRULE:{self.rrule}"]
        for name, values in (("EXDATE", self.exdates), ("RDATE", self.rdates)):
            times = [f"{v:%Y%m%dT%H%M%S}" for v in values if isinstance(v, datetime)]
            days = [f"{v:%Y%m%d}" for v in values if not isinstance(v, datetime)]
            if times:
                lines.append(f"{name}:{','.join(times)}")
            if days:
                lines.append(f"{name};VALUE=DATE:{','.join(days)}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a series."""

    start: datetime  # aware, UTC
    recurrence_id: datetime  # aware, UTC: the rule's own start for this occurrence


# ------------------------------------------------------------------------------- parsing
def parse_recurrence(text: str, tz: ZoneInfo, *, field: str = "repeat") -> Recurrence:
    """Read a rule as people type it or as iCalendar carries it.

    ``FREQ=WEEKLY;BYDAY=TU`` or ``RRULE:FREQ=...``, optionally followed by ``EXDATE`` and
    ``RDATE`` lines (``EXDATE:20261208T160000,...``, ``EXDATE;TZID=Europe/London:...``,
    UTC values ending in ``Z``, or date-only values). Values in another zone or in UTC are
    converted to wall times in ``tz``. Anything else is an :class:`InvalidInput` on ``field``.
    """
    rule: str | None = None
    exdates: set[datetime | date] = set()
    rdates: set[datetime | date] = set()
    for line in _LINE_BREAK.split(_FOLD.sub("", text)):
        line = line.strip()
        if not line:
            continue
        prop = _PROPERTY.match(line)
        name = prop.group(1).upper() if prop else "RRULE"
        if name == "RRULE":
            if rule is not None:
                raise InvalidInput("give one RRULE only", field=field)
            if prop and prop.group(2):
                raise InvalidInput(f"RRULE takes no parameters: {line!r}", field=field)
            rule = _parse_rule(prop.group(3) if prop else line, tz, field)
        elif name in ("EXDATE", "RDATE"):
            assert prop is not None
            target = exdates if name == "EXDATE" else rdates
            target.update(parse_dates(name, prop.group(2), prop.group(3), tz, field))
        else:
            raise InvalidInput(f"unknown line {line!r} (expected RRULE, EXDATE or RDATE)",
                               field=field)
    if rule is None:
        raise InvalidInput("no rule given (e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10)", field=field)
    return Recurrence(rule, ordered(exdates), ordered(rdates))


def _parse_rule(value: str, tz: ZoneInfo, field: str) -> str:
    """The normalised RRULE value, every part checked."""
    parts = _rule_parts(value, field)
    freq = _frequency(parts, field)
    out = {"FREQ": freq}
    _by_parts(parts, freq, out, field)
    _ending_parts(parts, tz, out, field)
    return ";".join(f"{k}={out[k]}" for k in _ORDER if k in out)


def _rule_parts(value: str, field: str) -> dict[str, str]:
    """The NAME=VALUE parts of a rule, upper-cased; unknown, unsupported or repeated names
    refused."""
    parts: dict[str, str] = {}
    for raw in value.split(";"):
        raw = raw.strip()
        if not raw:
            continue  # a trailing ';'
        key, eq, val = raw.partition("=")
        key, val = key.strip().upper(), val.strip().upper()
        if not eq or not key or not val:
            raise InvalidInput(f"cannot read {raw!r} (expected NAME=VALUE parts separated by "
                               "';', e.g. FREQ=WEEKLY;BYDAY=TU)", field=field)
        if key in _UNSUPPORTED:
            raise InvalidInput(f"{key} is not supported: {_UNSUPPORTED[key]}", field=field)
        if key not in _ORDER:
            raise InvalidInput(f"unknown part {raw!r} (supported: {', '.join(_ORDER)})",
                               field=field)
        if key in parts:
            raise InvalidInput(f"{key} is given twice", field=field)
        parts[key] = val
    return parts


def _frequency(parts: dict[str, str], field: str) -> str:
    freq = parts.get("FREQ")
    if freq is None:
        raise InvalidInput("FREQ is missing (e.g. FREQ=WEEKLY;BYDAY=TU)", field=field)
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise InvalidInput(f"FREQ={freq} is not supported: sessions repeat at most daily "
                           "(use DAILY, WEEKLY, MONTHLY or YEARLY)", field=field)
    if freq not in _FREQS:
        raise InvalidInput(f"unknown FREQ={freq} (use DAILY, WEEKLY, MONTHLY or YEARLY)",
                           field=field)
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidInput("COUNT and UNTIL cannot both be given; use one", field=field)
    return freq


def _one_number(parts: dict[str, str], key: str, limit: int | None, field: str) -> int:
    found = _numbers(key, parts[key], limit, signed=False, field=field)
    if len(found) != 1:
        raise InvalidInput(f"{key}={parts[key]} must be one whole number", field=field)
    return found[0]


def _by_parts(parts: dict[str, str], freq: str, out: dict[str, str], field: str) -> None:
    """INTERVAL, BYMONTH, BYMONTHDAY, BYDAY, BYSETPOS and WKST, checked into ``out``."""
    if "INTERVAL" in parts:
        interval = _one_number(parts, "INTERVAL", 10_000, field)
        if interval != 1:
            out["INTERVAL"] = str(interval)
    months = _numbers("BYMONTH", parts["BYMONTH"], 12, signed=False, field=field) \
        if "BYMONTH" in parts else []
    if months:
        out["BYMONTH"] = ",".join(map(str, months))
    if "BYMONTHDAY" in parts:
        if freq == "WEEKLY":
            raise InvalidInput("BYMONTHDAY cannot be used with FREQ=WEEKLY", field=field)
        monthdays = _numbers("BYMONTHDAY", parts["BYMONTHDAY"], 31, signed=True, field=field)
        # dateutil would search to the year 9999 for a day that never comes
        if not any(abs(d) <= _MONTH_DAYS[m - 1] for d in monthdays for m in months or range(1, 13)):
            raise InvalidInput(f"BYMONTHDAY={parts['BYMONTHDAY']} never falls in "
                               f"BYMONTH={parts['BYMONTH']}", field=field)
        out["BYMONTHDAY"] = ",".join(map(str, monthdays))
    if "BYDAY" in parts:
        out["BYDAY"] = _byday(parts["BYDAY"], freq, bool(months), field)
    if "BYSETPOS" in parts:
        if not {"BYDAY", "BYMONTHDAY", "BYMONTH"} & parts.keys():
            raise InvalidInput("BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to pick from",
                               field=field)
        positions = _numbers("BYSETPOS", parts["BYSETPOS"], 366, signed=True, field=field)
        out["BYSETPOS"] = ",".join(map(str, positions))
        bound.check_setpos(freq, out, positions, field)
    if "WKST" in parts:
        if parts["WKST"] not in DAYS:
            raise InvalidInput(f"WKST={parts['WKST']} must be one of {', '.join(DAYS)}",
                               field=field)
        if parts["WKST"] != "MO":  # Monday is the default
            out["WKST"] = parts["WKST"]


def _ending_parts(parts: dict[str, str], tz: ZoneInfo, out: dict[str, str], field: str) -> None:
    """COUNT (bounded) or UNTIL (a wall time in ``tz``), checked into ``out``."""
    if "COUNT" in parts:
        count = _one_number(parts, "COUNT", None, field)
        if count > policy.MAX_OCCURRENCES:
            raise InvalidInput(f"COUNT={count} is too many: at most {policy.MAX_OCCURRENCES} "
                               "occurrences per series", field=field)
        out["COUNT"] = str(count)
    if "UNTIL" in parts:
        out["UNTIL"] = f"{until_wall(parts['UNTIL'], tz, field):%Y%m%dT%H%M%S}"


def _numbers(key: str, value: str, limit: int | None, *, signed: bool, field: str) -> list[int]:
    """Sorted distinct non-zero integers, each 1..limit (or -limit..-1 when ``signed``)."""
    found = set()
    for item in value.split(","):
        item = item.strip()
        if not _NUMBER.match(item) or (item[0] in "+-" and not signed):
            raise InvalidInput(f"{key}={value}: {item!r} is not a "
                               f"{'' if signed else 'positive '}whole number", field=field)
        n = int(item)
        if n == 0 or (limit is not None and abs(n) > limit):
            span = f"1 to {limit}" if limit else "at least 1"
            raise InvalidInput(f"{key}={value}: {n} is out of range ({span}"
                               f"{f', or -{limit} to -1 from the end' if signed else ''})",
                               field=field)
        found.add(n)
    return sorted(found, key=lambda n: (n < 0, n))


def _byday(value: str, freq: str, with_month: bool, field: str) -> str:
    """BYDAY normalised: ``+2TU`` -> ``2TU``, sorted by weekday; numbered days checked."""
    items: set[tuple[int, int]] = set()
    for item in value.split(","):
        match = _BYDAY_ITEM.match(item.strip())
        if not match or match.group(2) not in DAYS:
            raise InvalidInput(f"BYDAY={value}: cannot read {item!r} (expected e.g. TU, 2TU "
                               "or -1FR)", field=field)
        nth = int(match.group(1)) if match.group(1) else 0
        if nth:
            if freq not in ("MONTHLY", "YEARLY"):
                raise InvalidInput(f"BYDAY={value}: a numbered weekday ({item}) needs "
                                   "FREQ=MONTHLY or YEARLY", field=field)
            # numbered within the month, or within the year when no BYMONTH narrows it
            limit = 53 if freq == "YEARLY" and not with_month else 5
            if not 1 <= abs(nth) <= limit:
                raise InvalidInput(f"BYDAY={value}: {item} is out of range (1 to {limit}, "
                                   f"or -{limit} to -1 from the end)", field=field)
        items.add((DAYS.index(match.group(2)), nth))
    if len({nth == 0 for _, nth in items}) > 1:
        # dateutil would take only the days that are both (none), not either (RFC 5545)
        raise InvalidInput(f"BYDAY={value} mixes numbered and plain weekdays, which cannot be "
                           "expanded; number them all (e.g. 1TH,2TH,3TH,4TH,-1TH) or use two "
                           "series", field=field)
    return ",".join(f"{nth or ''}{DAYS[day]}"
                    for day, nth in sorted(items, key=lambda i: (i[0], i[1] < 0, i[1])))


def expand(rec: Recurrence, dtstart: datetime, tz: ZoneInfo, *, until: datetime | None = None,
           after: datetime | None = None) -> list[Occurrence]:
    """The occurrences of ``rec`` for a series first booked at the wall time ``dtstart``.

    Sorted and distinct; only those starting at or after ``after`` and before ``until``
    (aware instants). An open-ended rule needs ``until``, a horizon. A rule whose COUNT,
    UNTIL or RDATEs reach past the series bound (:mod:`.bound`) is refused before it is
    expanded.
    """
    dtstart = _naive(dtstart, "dtstart")
    if until is None and rec.open_ended:
        raise InvalidInput("the rule has no end (COUNT or UNTIL), so it needs a horizon",
                           field="repeat")
    at = dtstart.time()
    parts = parts_of(rec.rrule)
    ends = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%S") if "UNTIL" in parts else None
    rdates = _resolve(rec.rdates, at)
    last = bound.reach(dtstart, ends, rdates)
    # An open-ended rule is expanded to its horizon; any other to its end, to check its COUNT.
    stop = _wall(min(until, policy.LATEST), tz) + _SLACK if until and rec.open_ended else last
    walls = bound.walls(rec.rrule, dtstart, stop)
    if "COUNT" in parts and len(walls) < int(parts["COUNT"]):
        raise InvalidInput(f"COUNT={parts['COUNT']} goes on past {last:%Y-%m-%d} "
                           f"({bound.SPAN_TEXT})", field="repeat")
    # EXDATEs match by instant, so one written as the shifted time of a wall time that does
    # not exist (02:30 for a 01:30 lesson on the spring-forward day) still takes it out.
    skip = {localize(w, tz) for w in _resolve(rec.exdates, at)}
    starts = {localize(w, tz) for w in [*walls, *rdates]} - skip
    return [Occurrence(s, s) for s in sorted(starts)
            if (after is None or s >= after) and (until is None or s < until)]


def split_before(rec: Recurrence, dtstart: datetime,
                 cut: datetime) -> tuple[Recurrence, Recurrence | None]:
    """Split a series at the naive wall time ``cut`` (edit scope "this and following").

    The head keeps the occurrences before ``cut``: its rule ends (UNTIL) at the last one. The
    tail has the rest: COUNT less those used, or the same UNTIL; it is expanded from the first
    occurrence of the rule at or after ``cut`` (:func:`resume_at`) -- ``cut`` itself when
    ``cut`` is one, but not when it is an RDATE. EXDATEs and RDATEs go to the side they fall
    on. The tail is None when nothing is left from ``cut`` on.
    """
    dtstart, cut = _naive(dtstart, "dtstart"), _naive(cut, "cut")
    parts = parts_of(rec.rrule)
    # A rule within the series bound ends by then; an open-ended one is looked at that far.
    rule = bound.walls(rec.rrule, dtstart, max(dtstart, cut) + policy.SERIES_SPAN)
    before = [w for w in rule if w < cut]
    at = dtstart.time()

    def side(values: tuple[datetime | date, ...], tail: bool) -> tuple[datetime | date, ...]:
        return tuple(v for v in values if (_resolve_one(v, at) >= cut) == tail)

    # A rule with nothing left on one side ends just before it starts (the head at dtstart,
    # the tail at the cut): moving UNTIL up to the cut would give what the old end did not.
    head = Recurrence(_ending(parts, UNTIL=before[-1] if before else dtstart - _SECOND),
                      side(rec.exdates, False), side(rec.rdates, False))
    rest = next((w for w in rule if w >= cut), None)
    if rest is None:
        tail_rule = _ending(parts, UNTIL=cut - _SECOND)
    elif "COUNT" in parts:
        tail_rule = _ending(parts, COUNT=int(parts["COUNT"]) - len(before))
    else:
        tail_rule = rec.rrule
    tail = Recurrence(tail_rule, side(rec.exdates, True), side(rec.rdates, True))
    if rest is not None and tail.open_ended:
        return head, tail
    left = {w for w in rule if w >= cut} | set(_resolve(tail.rdates, at))
    return head, tail if left - set(_resolve(tail.exdates, at)) else None


def resume_at(rec: Recurrence, dtstart: datetime, cut: datetime) -> datetime | None:
    """The first start the RRULE itself gives at or after the wall time ``cut`` (an EXDATE
    does not skip it, an RDATE is not one): where the tail of :func:`split_before` goes on
    from, so its COUNT and INTERVAL keep their step. None when the rule has none left (looked
    for within the series bound, as every expansion is)."""
    dtstart, cut = _naive(dtstart, "dtstart"), _naive(cut, "cut")
    walls = bound.walls(rec.rrule, dtstart, max(dtstart, cut) + policy.SERIES_SPAN)
    return next((w for w in walls if w >= cut), None)


def _ending(parts: dict[str, str], **end: datetime | int) -> str:
    """The rule of ``parts`` with its COUNT/UNTIL replaced by ``end``."""
    kept = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
    for key, value in end.items():
        kept[key] = f"{value:%Y%m%dT%H%M%S}" if isinstance(value, datetime) else str(value)
    return ";".join(f"{k}={v}" for k, v in kept.items())


def _resolve(values: tuple[datetime | date, ...], at: time) -> list[datetime]:
    return [_resolve_one(v, at) for v in values]


def _resolve_one(value: datetime | date, at: time) -> datetime:
    """A wall time; a day alone means that day at the series' start time ``at``."""
    return value if isinstance(value, datetime) else datetime.combine(value, at)


def _naive(value: datetime, name: str) -> datetime:
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive local wall time, not {value.isoformat()}")
    return value


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def parts_of(rule: str) -> dict[str, str]:
    """The NAME=VALUE parts of an RRULE value, in their order."""
    return {k.strip().upper(): v.strip() for k, _, v in
            (p.partition("=") for p in rule.split(";") if p.strip())}
