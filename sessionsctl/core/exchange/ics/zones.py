"""Which zone a file's TZID means (IANA, Windows, or its own VTIMEZONE) and its times in UTC."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from ...domain.errors import InvalidInput
from ...domain.timeutil import localize, zone
from ..problems import bounded


def zone_name(tzid: str | None) -> str | None:
    """The IANA name of a TZID: itself, or the zone a Windows name (Outlook) stands for."""
    if not tzid:
        return None
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    name = tzid.strip().strip('"')
    # Old Thunderbird writes "/mozilla.org/20050126_1/Europe/London": the IANA name ends it.
    tail = "/".join(name.rsplit("/", 2)[-2:]) if name.startswith("/") else None
    for candidate in (name, WINDOWS_TO_OLSON.get(name), tail):
        if candidate:
            try:
                zone(candidate)
                return candidate
            except InvalidInput:
                continue
    return None


# ------------------------------------------------------------------ a file's own zones
def _transitions(tz: tzinfo, lo: datetime, hi: datetime) -> list[tuple[datetime, timedelta]]:
    """The UTC offset of ``tz`` at ``lo`` and at each change up to ``hi`` (to the second).

    Offsets are sampled a day apart (a week apart over long spans) and each change is
    bisected to the second, so two zones with the same rules give the same list."""
    step = timedelta(days=1 if hi - lo <= timedelta(days=5 * 366) else 7)

    def offset(at: datetime) -> timedelta | None:
        return at.astimezone(tz).utcoffset()

    found = [(lo, offset(lo))]
    at, last = lo, found[0][1]
    while at < hi:
        nxt = at + step
        now = offset(nxt)
        if now != last:
            a, b = 0, int(step.total_seconds())  # last holds at a, now at b
            while b - a > 1:
                mid = (a + b) // 2
                if offset(at + timedelta(seconds=mid)) == last:
                    a = mid
                else:
                    b = mid
            found.append((at + timedelta(seconds=b), now))
            last = now
        at = nxt
    return found  # type: ignore[return-value]


def _candidates(prefer: Iterable[str]) -> Iterator[str]:
    """IANA zones to try for a file's own VTIMEZONE: the preferred ones, the zones that stand
    for Windows zones (one per region, as Outlook names them), then every other zone."""
    from zoneinfo import available_timezones

    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    seen: set[str] = set()
    for name in (*prefer, *WINDOWS_TO_OLSON.values(), *sorted(available_timezones())):
        if name not in seen:
            seen.add(name)
            yield name


def matching_zone(tz: tzinfo, lo: datetime, hi: datetime,
                  prefer: Iterable[str] = ()) -> str | None:
    """The IANA zone whose offsets and transitions are those of ``tz`` from ``lo`` to ``hi``
    (aware instants), trying ``prefer`` first; None when no zone has the same rules there."""
    want = _transitions(tz, lo, hi)
    probes = [at for at, _ in want] + [lo + (hi - lo) * k / 8 for k in range(9)]
    expected = [p.astimezone(tz).utcoffset() for p in probes]
    for name in _candidates(prefer):
        try:
            other = zone(name)
        except InvalidInput:
            continue
        # A cheap look at a few instants first; the whole list only for zones that pass.
        if [p.astimezone(other).utcoffset() for p in probes] != expected:
            continue
        if _transitions(other, lo, hi) == want:
            return name
    return None


def _rule_ends(event: Any, until: datetime) -> Iterator[datetime]:
    """Where each RRULE of ``event`` ends: its UNTILs (their wall time taken as UTC, as a
    span is only rough), or ``until`` for an open or counted rule."""
    rules_ = event.get("RRULE")
    for rule in rules_ if isinstance(rules_, list) else [rules_] if rules_ else []:
        ends = rule.get("UNTIL") or []
        for end in ends:
            end = end if isinstance(end, datetime) else datetime.combine(end, time())
            yield end.replace(tzinfo=UTC)
        if not ends:
            yield until


def spans(events: Sequence[Any], until: datetime) -> dict[str, tuple[datetime, datetime]]:
    """For each TZID of a DTSTART: the instants (roughly) its events span, a rule's UNTIL
    included and an open or counted rule taken to ``until``."""
    found: dict[str, tuple[datetime, datetime]] = {}
    for event in events:
        try:
            prop = event.get("DTSTART")
            if prop is None or not isinstance(prop.dt, datetime) or "TZID" not in prop.params:
                continue
            key = str(prop.params["TZID"]).strip().strip('"')
            first = prop.dt.replace(tzinfo=UTC)
            last = max((first, *_rule_ends(event, until)))
            lo, hi = found.get(key, (first, last))
            found[key] = (min(lo, first), min(max(hi, last), first + timedelta(days=366 * 50)))
        except (AttributeError, TypeError, ValueError, OverflowError):
            continue  # the event itself reports what is wrong with it
    return found


class FileZones:
    """How the TZIDs of one file are read.

    A TZID is an IANA name, a Windows name (Outlook), or a zone the file describes with its
    own VTIMEZONE (Outlook's "Customized Time Zone", exports of renamed zones). Such a zone is
    the IANA zone with the same offsets and transitions over the span its events use (the
    importing ``--tz`` first), so its series repeat across daylight saving as the calendar
    means; if no IANA zone matches, its own rules (a tzinfo) are used. A TZID that is none
    of these is an error, never silently read in ``--tz``.
    """

    def __init__(self, default_tz: str, vtimezones: Mapping[str, Any],
                 spans: Mapping[str, tuple[datetime, datetime]]) -> None:
        self.default_tz = default_tz
        self._vtimezones = vtimezones
        self._spans = spans
        self._found: dict[str, str | tzinfo] = {}
        self.shared: dict[Any, Any] = {}  # one copy of each value events repeat
        # What is read from properties that events share (see .events), by their identity:
        # each entry holds the properties themselves, so no identity is taken by another.
        self.read_from: dict[Any, tuple[Any, Any]] = {}

    def resolve(self, tzid: str, field: str) -> str | tzinfo:
        key = tzid.strip().strip('"')
        if key in self._found:
            return self._found[key]
        name = zone_name(key)
        if name is not None:
            self._found[key] = name
            return name
        component = self._vtimezones.get(key)
        if component is None:
            raise InvalidInput(f"TZID {key!r} is not a known time zone and the file has no "
                               "VTIMEZONE for it", field=field)
        try:
            own = component.to_tz()
        except Exception as exc:  # noqa: BLE001 - icalendar/dateutil refuse a malformed VTIMEZONE
            raise InvalidInput(f"the VTIMEZONE of TZID {key!r} cannot be read: {exc}",
                               field=field) from None
        lo, hi = self._spans.get(key) or (datetime.now(UTC), datetime.now(UTC))
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
        found: str | tzinfo = matching_zone(own, lo, hi, (self.default_tz,)) or own
        self._found[key] = found
        return found

    def instant(self, value: Any, params: Mapping[str, str],
                field: str = "DTSTART") -> tuple[datetime, str | tzinfo | None]:
        """A DATE-TIME property as (UTC instant, the zone it was written in: an IANA name, a
        file's own zone that no IANA zone matches, or None for UTC). Floating times are read
        in the importing zone; an unknown TZID is an error."""
        try:
            tzid = params.get("TZID")
            if tzid:
                found = self.resolve(str(tzid), field)
                wall = value.replace(tzinfo=None)
                if isinstance(found, str):
                    return bounded(localize(wall, zone(found)), field), found
                return bounded(wall.replace(tzinfo=found).astimezone(UTC), field), found
            if value.tzinfo is None:
                return bounded(localize(value, zone(self.default_tz)), field), self.default_tz
            return bounded(value.astimezone(UTC), field), None
        except OverflowError:
            raise InvalidInput(f"{value} is out of range (years 1900 to 2999)",
                               field=field) from None
