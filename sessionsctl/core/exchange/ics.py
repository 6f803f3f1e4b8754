"""Conversion between sessions/series and iCalendar (RFC 5545) components, built with icalendar.

Public, stable API (mail invitations import it too):

* :func:`session_event` -- the VEVENT of one session: a one-off, or one occurrence of a series
  (then it carries the series' UID and a RECURRENCE-ID, as an exception of the series does).
* :func:`series_events` -- the VEVENTs of a whole series: one master with RRULE/EXDATE/RDATE and
  one RECURRENCE-ID event per occurrence that differs from the rule (moved, edited, cancelled).
* :func:`calendar` -- one VCALENDAR (PRODID, VERSION, optional METHOD) around events, with a
  VTIMEZONE for every zone they use.

Times are written in the zone the session was booked in (``DTSTART;TZID=Europe/London``), so a
calendar client shows the same wall time and expands the rule across daylight saving the way
we do. UIDs are the sessions' own; SEQUENCE is the session's (or series') edit counter, so an
invitation and an export of the same session agree.

Custom ``X-SESSIONSCTL-*`` properties carry what iCalendar has no field for (room, session type,
meeting id, capacity, notes), so a file we wrote imports back exactly; other clients ignore them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    vCalAddress,
    vCategory,
    vDDDTypes,
    vInt,
    vRecur,
    vText,
    vUri,
)

from ..domain.errors import InvalidInput
from ..domain.model import Series, Session, SessionStatus
from ..domain.timeutil import localize, zone
from ..schedule.recurrence import parse_recurrence
from .csvformat import MAX_PARTICIPANTS, MAX_SEQUENCE, Problem, bounded, whole

PRODID = "-//sessionsctl//sessionsctl 0.1//EN"
X_ROOM = "X-SESSIONSCTL-ROOM"
X_TYPE = "X-SESSIONSCTL-TYPE"
X_MEETING_ID = "X-SESSIONSCTL-MEETING-ID"
X_PASSCODE = "X-SESSIONSCTL-PASSCODE"
X_MAX = "X-SESSIONSCTL-MAX-PARTICIPANTS"
X_NOTES = "X-SESSIONSCTL-NOTES"
X_LOCATION = "X-SESSIONSCTL-LOCATION"
MEETING_ID_LABEL = "Meeting ID: "
PASSCODE_LABEL = "Passcode: "


def _address(email: str, name: str | None, **params: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{email}")
    if name:
        addr.params["CN"] = name
    for key, value in params.items():
        addr.params[key.replace("_", "-").upper()] = value
    return addr


def _local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


class Values:
    """Property values shared by the events of one export.

    An export builds tens of thousands of events in which the same people, rooms, statuses
    and DTSTAMP recur; each value is made once here and only read afterwards (never change
    a property of an event built with a ``Values``). Times are made from their wall time
    and a TZID, which writes the same text without icalendar's zone look-ups.
    """

    def __init__(self, names: Mapping[str, str], stamp: datetime) -> None:
        self.names = names
        self.stamp = vDDDTypes(stamp.astimezone(UTC))
        self._text: dict[str, vText] = {}
        self._people: dict[tuple[str, bool], vCalAddress] = {}
        self._other: dict[tuple[type, Any], Any] = {}
        # The content line of each (property, shared value), made by icalendar once.
        self._shared: set[int] = {id(self.stamp)}
        self._lines: dict[tuple[str, int], bytes] = {}

    def text(self, value: str) -> vText:
        found = self._text.get(value)
        if found is None:
            found = self._text[value] = vText(value)
            self._shared.add(id(found))
        return found

    def person(self, email: str, attendee: bool) -> vCalAddress:
        found = self._people.get((email, attendee))
        if found is None:
            params = {"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION",
                      "cutype": "INDIVIDUAL"} if attendee else {}
            found = self._people[email, attendee] = _address(email, self.names.get(email),
                                                             **params)
            self._shared.add(id(found))
        return found

    def uri(self, value: str) -> vUri:
        return self._one(vUri, value)

    def integer(self, value: int) -> vInt:
        return self._one(vInt, value)

    def categories(self, value: str) -> vCategory:
        return self._one(lambda v: vCategory([v]), value, vCategory)

    def _one(self, make: Any, value: Any, kind: type | None = None) -> Any:
        key = (kind or make, value)
        found = self._other.get(key)
        if found is None:
            found = self._other[key] = make(value)
            self._shared.add(id(found))
        return found

    def to_ical(self, component: Any) -> bytes:
        """``component.to_ical()``, the same bytes, faster: the content line of a value
        these :class:`Values` made (a person, a title, a room, DTSTAMP) is made by icalendar
        the first time and reused for every event that has it."""
        lines = []
        shared, memo = self._shared, self._lines
        for name, value in component.property_items():
            if id(value) in shared:
                line = memo.get((name, id(value)))
                if line is None:
                    line = memo[name, id(value)] = component.content_line(name, value).to_ical()
            else:
                line = component.content_line(name, value).to_ical()
            if line:
                lines.append(line)
        lines.append(b"")
        return b"\r\n".join(lines)

    @staticmethod
    def when(instant: datetime, tz: str) -> vDDDTypes:
        if tz == "UTC":
            return vDDDTypes(instant.astimezone(UTC))
        value = vDDDTypes(instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None))
        value.params["TZID"] = tz
        return value


class _Fresh(Values):
    """New values for every event (the default: an invitation is built on its own)."""

    def text(self, value: str) -> vText:
        return vText(value)

    def uri(self, value: str) -> vUri:
        return vUri(value)

    def integer(self, value: int) -> vInt:
        return vInt(value)

    def categories(self, value: str) -> vCategory:
        return vCategory([value])

    def person(self, email: str, attendee: bool) -> vCalAddress:
        params = {"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION",
                  "cutype": "INDIVIDUAL"} if attendee else {}
        return _address(email, self.names.get(email), **params)

    @staticmethod
    def when(instant: datetime, tz: str) -> vDDDTypes:
        return vDDDTypes(_local(instant, tz))


def _fill(event: Event, *, title: str, mentor: str, students: Iterable[str],
          room: str | None, subject: str | None, type_: str, location: str | None,
          link: str | None, description: str | None, meeting_id: str | None,
          passcode: str | None, max_participants: int | None, notes: str | None,
          values: Values, passcodes: bool) -> None:
    """The properties an occurrence and a series master share."""
    # Properties are set as typed values, not through Component.add: exports build tens of
    # thousands of events, and add() looks every type up again.
    text_ = values.text
    event["SUMMARY"] = text_(title)
    event["ORGANIZER"] = values.person(mentor, False)
    attendees = [values.person(student, True) for student in students]
    if attendees:
        event["ATTENDEE"] = attendees if len(attendees) > 1 else attendees[0]
    # LOCATION is what people read: the room, and the place text if there is one.
    shown = ", ".join(p for p in (room, location) if p)
    if shown:
        event["LOCATION"] = text_(shown)
    if room:
        event[X_ROOM] = text_(room)
    if location:
        event[X_LOCATION] = text_(location)
    if link:
        event["URL"] = values.uri(link)
    if subject:
        event["CATEGORIES"] = values.categories(subject)
    event[X_TYPE] = text_(type_)
    text = [description] if description else []
    details = []
    if meeting_id:
        event[X_MEETING_ID] = vText(meeting_id)
        details.append(MEETING_ID_LABEL + meeting_id)
    if passcode and passcodes:
        event[X_PASSCODE] = vText(passcode)
        details.append(PASSCODE_LABEL + passcode)
    if link and details:
        details.insert(0, f"Join: {link}")
    if details:
        text.append("\n".join(details))
    if text:
        event["DESCRIPTION"] = vText("\n\n".join(text))
    if max_participants is not None:
        event[X_MAX] = vText(str(max_participants))
    if notes:
        event[X_NOTES] = vText(notes)


def session_event(session: Session, *, names: Mapping[str, str] | None = None,
                  stamp: datetime | None = None, passcodes: bool = False,
                  values: Values | None = None) -> Event:
    """The VEVENT of one session.

    ``names`` maps emails to display names (ORGANIZER/ATTENDEE ``CN``); ``stamp`` is DTSTAMP
    (default: now, UTC); the meeting passcode is included only with ``passcodes=True``.
    A series occurrence gets the series' UID and ``RECURRENCE-ID`` (its original start), so it
    replaces that one occurrence in a client that has the series. Cancelled sessions carry
    ``STATUS:CANCELLED``; everything else is ``CONFIRMED``. An export passes ``values`` (a
    :class:`Values` shared by all its events, which then supplies names and DTSTAMP).
    """
    if values is None:
        values = _Fresh(names or {}, stamp or datetime.now(UTC))
    event = Event()
    event["UID"] = vText(session.uid)
    event["DTSTAMP"] = values.stamp
    if session.recurrence_id is not None:  # an occurrence (of a series, or kept on import)
        event["RECURRENCE-ID"] = values.when(session.recurrence_id, session.tz)
    event["DTSTART"] = values.when(session.start, session.tz)
    event["DTEND"] = values.when(session.end, session.tz)
    event["SEQUENCE"] = values.integer(session.sequence)
    if session.created_at is not None:
        event["CREATED"] = vDDDTypes(session.created_at.astimezone(UTC))
    if session.modified_at is not None:
        event["LAST-MODIFIED"] = vDDDTypes(session.modified_at.astimezone(UTC))
    event["STATUS"] = values.text("CANCELLED" if session.status is SessionStatus.CANCELLED
                                  else "CONFIRMED")
    _fill(event, title=session.title, mentor=session.mentor, students=session.students,
          room=session.room, subject=session.subject, type_=session.type.value,
          location=session.location, link=session.link, description=session.description,
          meeting_id=session.meeting_id, passcode=session.passcode,
          max_participants=session.max_participants, notes=session.notes,
          values=values, passcodes=passcodes)
    return event


def _utc_until(rrule: str, tz: ZoneInfo) -> str:
    """RFC 5545 wants UNTIL in UTC when DTSTART has a TZID; we keep it as a local wall time."""
    parts = []
    for part in rrule.split(";"):
        key, _, value = part.partition("=")
        if key.upper() == "UNTIL" and "T" in value and not value.endswith("Z"):
            wall = datetime.strptime(value, "%Y%m%dT%H%M%S")
            value = f"{localize(wall, tz):%Y%m%dT%H%M%SZ}"
        parts.append(f"{key}={value}")
    return ";".join(parts)


def _wall(value: datetime | date, at: time) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, at)


def _same_as_rule(member: Session, series: Series) -> bool:
    """Whether an occurrence is exactly what the series' rule and template give."""
    if member.recurrence_id is None or member.status is SessionStatus.CANCELLED:
        return False
    t = series.template
    return (member.start == member.recurrence_id
            and member.end - member.start == series.duration
            and member.title == t.get("title") and member.mentor == t.get("mentor")
            and list(member.students) == sorted(t.get("students") or ())
            and member.room == t.get("room") and member.subject == t.get("subject")
            and member.type.value == (t.get("type") or "individual")
            and member.location == t.get("location") and member.link == t.get("link")
            and member.description == t.get("description")
            and member.meeting_id == t.get("meeting_id")
            and member.passcode == t.get("passcode")
            and member.max_participants == t.get("max_participants")
            and member.notes == t.get("notes"))


def series_events(series: Series, members: Sequence[Session], *,
                  names: Mapping[str, str] | None = None, stamp: datetime | None = None,
                  passcodes: bool = False, expanded: Sequence[datetime] = (),
                  values: Values | None = None) -> list[Event]:
    """The master VEVENT of a series (RRULE, EXDATE, RDATE) and one event per exception.

    ``members`` are the series' stored occurrences. ``expanded`` are the original starts the
    rule gives up to where the series is materialised: one of them with no stored occurrence
    (removed when the series was changed) is written as an EXDATE, so a calendar client shows
    exactly the sessions we hold. An occurrence that differs from the rule (moved, edited) is a
    ``RECURRENCE-ID`` event; a cancelled one is a ``RECURRENCE-ID`` event with
    ``STATUS:CANCELLED`` (clients hide it, and it keeps its record).
    """
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    if values is None:
        values = _Fresh(names or {}, stamp)
    tz = ZoneInfo(series.tz)
    rec = parse_recurrence(series.rule, tz)
    at = series.dtstart.time()
    event = Event()
    event.add("uid", series.uid)
    event["DTSTAMP"] = values.stamp
    start = localize(series.dtstart, tz).astimezone(tz)
    event.add("dtstart", start)
    event.add("dtend", (start.astimezone(UTC) + series.duration).astimezone(tz))
    event.add("rrule", vRecur.from_ical(_utc_until(rec.rrule, tz)))
    held = {m.recurrence_id for m in members if m.recurrence_id is not None}
    exdates = {localize(_wall(v, at), tz) for v in rec.exdates}
    exdates |= {r for r in expanded if r not in held}
    if exdates:
        event.add("exdate", [e.astimezone(tz) for e in sorted(exdates)])
    if rec.rdates:
        event.add("rdate", [localize(_wall(v, at), tz).astimezone(tz) for v in rec.rdates])
    event.add("sequence", series.sequence)
    modified = [m.modified_at for m in members if m.modified_at is not None]
    created = [m.created_at for m in members if m.created_at is not None]
    if created:
        event.add("created", min(created).astimezone(UTC))
    if modified:
        event.add("last-modified", max(modified).astimezone(UTC))
    event.add("status", "CONFIRMED")
    t = series.template
    _fill(event, title=t.get("title") or "", mentor=t.get("mentor") or "",
          students=sorted(t.get("students") or ()), room=t.get("room"),
          subject=t.get("subject"), type_=t.get("type") or "individual",
          location=t.get("location"), link=t.get("link"), description=t.get("description"),
          meeting_id=t.get("meeting_id"), passcode=t.get("passcode"),
          max_participants=t.get("max_participants"), notes=t.get("notes"), values=values,
          passcodes=passcodes)
    exceptions = [session_event(m, passcodes=passcodes, values=values)
                  for m in sorted(members, key=lambda m: (m.recurrence_id or m.start, m.id))
                  if not _same_as_rule(m, series)]
    return [event, *exceptions]


def calendar(events: Iterable[Event], *, method: str | None = None,
             name: str | None = None) -> Calendar:
    """One VCALENDAR around ``events``: PRODID, VERSION 2.0, CALSCALE, an optional METHOD
    (``REQUEST``, ``CANCEL``, ``PUBLISH``) and a VTIMEZONE for every zone the events use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method.upper())
    if name:
        cal.add("x-wr-calname", name)
    first: date | None = None
    last: date | None = None
    for event in events:
        cal.add_component(event)
        start = event.get("DTSTART")
        if start is not None:
            day = start.dt if not isinstance(start.dt, datetime) else start.dt.date()
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
    # The zones' transitions around the events (not 1970-2038): a far smaller file.
    if first is not None and last is not None:
        cal.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                                  last_date=date(last.year + 3, 1, 1))
    else:
        cal.add_missing_timezones()
    return cal


def stream(events: Iterable[Event], zones: Iterable[str], *, first: date, last: date,
           method: str | None = None, name: str | None = None,
           values: Values | None = None) -> Iterator[bytes]:
    """One VCALENDAR as RFC 5545 text, chunk by chunk, for calendars too big to hold whole.

    Like :func:`calendar`, but each event is serialised as it comes, so memory stays flat
    however many there are. ``zones`` (IANA names) get their VTIMEZONE up front, with the
    transitions from the year before ``first`` to a few years after ``last``. Events built
    with ``values`` are serialised through it (:meth:`Values.to_ical`).
    """
    head = calendar((), method=method, name=name).to_ical()
    end = b"END:VCALENDAR\r\n"
    yield head[:-len(end)]
    for tzid in sorted(set(zones)):
        if tzid == "UTC":
            continue  # UTC times are written with Z, no VTIMEZONE
        yield Timezone.from_tzid(tzid, first_date=date(first.year - 1, 1, 1),
                                 last_date=date(last.year + 3, 1, 1)).to_ical()
    serialise = values.to_ical if values is not None else (lambda e: e.to_ical())
    for event in events:
        yield serialise(event)
    yield end


def to_bytes(cal: Calendar) -> bytes:
    """The calendar as RFC 5545 text (CRLF line ends, folded lines)."""
    return cal.to_ical()



# ------------------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class IcsEvent:
    """One timed VEVENT as a session (or a series master, or an exception of one)."""

    line: int
    uid: str
    title: str
    start: datetime  # aware UTC
    end: datetime
    tz: str
    mentor: str | None
    students: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (email, CN) of everyone named
    room: str | None = None
    location: str | None = None
    categories: tuple[str, ...] = ()
    type: str | None = None
    link: str | None = None
    description: str | None = None
    meeting_id: str | None = None
    passcode: str | None = None
    max_participants: int | None = None
    notes: str | None = None
    cancelled: bool = False
    sequence: int = 0
    recurrence_id: datetime | None = None  # aware UTC, for an exception
    rule: str | None = None  # RRULE/EXDATE/RDATE lines in wall times of ``tz``, for a master
    dtstart: datetime | None = None  # naive wall time in ``tz``, for a master
    expanded: bool = False  # an occurrence of a rule in a zone no IANA zone matches


@dataclass(frozen=True, slots=True)
class IcsClosure:
    """An all-day VEVENT: the centre is closed on those days (see :func:`read`)."""

    line: int
    uid: str
    starts_on: date
    ends_on: date  # inclusive
    reason: str


def _zone_name(tzid: str | None) -> str | None:
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


class _Zones:
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

    def resolve(self, tzid: str, field: str) -> str | tzinfo:
        key = tzid.strip().strip('"')
        if key in self._found:
            return self._found[key]
        name = _zone_name(key)
        if name is not None:
            self._found[key] = name
            return name
        component = self._vtimezones.get(key)
        if component is None:
            raise InvalidInput(f"TZID {key!r} is not a known time zone and the file has no "
                               "VTIMEZONE for it", field=field)
        try:
            own = component.to_tz()
        except Exception as exc:  # icalendar/dateutil refuse a malformed VTIMEZONE
            raise InvalidInput(f"the VTIMEZONE of TZID {key!r} cannot be read: {exc}",
                               field=field) from None
        lo, hi = self._spans.get(key) or (datetime.now(UTC), datetime.now(UTC))
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
        found: str | tzinfo = matching_zone(own, lo, hi, (self.default_tz,)) or own
        self._found[key] = found
        return found


def _spans(events: Sequence[Any], until: datetime) -> dict[str, tuple[datetime, datetime]]:
    """For each TZID of a DTSTART: the instants (roughly) its events span, a rule's UNTIL
    included and an open or counted rule taken to ``until``."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for event in events:
        try:
            prop = event.get("DTSTART")
            if prop is None or not isinstance(prop.dt, datetime) or "TZID" not in prop.params:
                continue
            key = str(prop.params["TZID"]).strip().strip('"')
            first = prop.dt.replace(tzinfo=UTC)
            last = first
            rules_ = event.get("RRULE")
            for rule in rules_ if isinstance(rules_, list) else [rules_] if rules_ else []:
                ends = rule.get("UNTIL") or []
                for end in ends:
                    end = end if isinstance(end, datetime) else datetime.combine(end, time())
                    last = max(last, end.replace(tzinfo=UTC))
                if not ends:
                    last = max(last, until)
            lo, hi = spans.get(key, (first, last))
            spans[key] = (min(lo, first), min(max(hi, last), first + timedelta(days=366 * 50)))
        except (AttributeError, TypeError, ValueError, OverflowError):
            continue  # the event itself reports what is wrong with it
    return spans


def _instant(value: Any, params: Mapping[str, str], zones: _Zones,
             field: str = "DTSTART") -> tuple[datetime, str | tzinfo | None]:
    """A DATE-TIME property as (UTC instant, the zone it was written in: an IANA name, a
    file's own zone that no IANA zone matches, or None for UTC). Floating times are read in
    the importing zone; an unknown TZID is an error."""
    try:
        tzid = params.get("TZID")
        if tzid:
            found = zones.resolve(str(tzid), field)
            wall = value.replace(tzinfo=None)
            if isinstance(found, str):
                return bounded(localize(wall, zone(found)), field), found
            return bounded(wall.replace(tzinfo=found).astimezone(UTC), field), found
        if value.tzinfo is None:
            return bounded(localize(value, zone(zones.default_tz)), field), zones.default_tz
        return bounded(value.astimezone(UTC), field), None
    except OverflowError:
        raise InvalidInput(f"{value} is out of range (years 1900 to 2999)",
                           field=field) from None


def _email(addr: Any) -> str | None:
    text = str(addr).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text else None


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value).strip()
    return text or None


def _stamps(component: Any, name: str) -> list[tuple[Any, Mapping[str, str]]]:
    """The values of a (possibly repeated, comma-separated) EXDATE/RDATE property."""
    found = component.get(name)
    if found is None:
        return []
    props = found if isinstance(found, list) else [found]
    values = []
    for prop in props:
        for item in getattr(prop, "dts", [prop]):
            params = {**getattr(prop, "params", {}), **getattr(item, "params", {})}
            values.append((item.dt, params))
    return values


def _rule_text(event: Any, tz: str, zones: _Zones) -> str | None:
    """The event's RRULE, EXDATEs and RDATEs as lines in wall times of ``tz``."""
    rrule = event.get("RRULE")
    if rrule is None:
        return None
    rules_ = rrule if isinstance(rrule, list) else [rrule]
    lines = []
    for item in rules_:
        value = item.to_ical() if hasattr(item, "to_ical") else item
        lines.append("RRULE:" + (value.decode() if isinstance(value, bytes) else str(value)))
    zone_ = zone(tz)
    for name in ("EXDATE", "RDATE"):
        for value, params in _stamps(event, name):
            if isinstance(value, datetime):
                instant, _ = _instant(value, params, zones, name)
                lines.append(f"{name}:{instant.astimezone(zone_):%Y%m%dT%H%M%S}")
            elif isinstance(value, date):
                lines.append(f"{name};VALUE=DATE:{value:%Y%m%d}")
            else:
                raise InvalidInput(f"cannot read {value!r}", field=name)
    return "\n".join(lines)


def _description(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(description, meeting id, passcode): the details block we append is taken back out."""
    if not text:
        return None, None, None
    meeting = passcode = None
    body, sep, tail = text.rpartition("\n\n")
    block = tail if sep else text
    lines = block.splitlines()
    if lines and all(line.startswith(("Join: ", MEETING_ID_LABEL, PASSCODE_LABEL))
                     for line in lines):
        for line in lines:
            if line.startswith(MEETING_ID_LABEL):
                meeting = line[len(MEETING_ID_LABEL):].strip() or None
            elif line.startswith(PASSCODE_LABEL):
                passcode = line[len(PASSCODE_LABEL):].strip() or None
        if meeting or passcode:
            return (body or None) if sep else None, meeting, passcode
    return text, None, None


def _own_occurrences(event: Any, start: datetime, own: tzinfo, zones: _Zones,
                     until: datetime) -> list[datetime]:
    """The starts (UTC) of a recurring event expanded in a file's own zone (a VTIMEZONE no
    IANA zone matches), wall time by wall time as the calendar that wrote it does."""
    from dateutil.rrule import rruleset, rrulestr

    first = start.astimezone(own)
    found = rruleset()
    rules_ = event.get("RRULE")
    for rule in rules_ if isinstance(rules_, list) else [rules_]:
        rule = vRecur(rule)
        ends = []
        for end in rule.get("UNTIL") or []:
            if not isinstance(end, datetime):
                end = datetime.combine(end, first.time().replace(tzinfo=None))
            ends.append((end.replace(tzinfo=own) if end.tzinfo is None else end).astimezone(UTC))
        if ends:
            rule["UNTIL"] = ends
        try:
            found.rrule(rrulestr(rule.to_ical().decode(), dtstart=first))
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"cannot be expanded: {exc}", field="RRULE") from None
    for name, add in (("EXDATE", found.exdate), ("RDATE", found.rdate)):
        for value, params in _stamps(event, name):
            if not isinstance(value, datetime):
                value = datetime.combine(value, first.time().replace(tzinfo=None))
                instant = value.replace(tzinfo=own).astimezone(UTC)
            else:
                instant, _ = _instant(value, params, zones, name)
            add(instant.astimezone(own))
    starts: list[datetime] = []
    for occurrence in found:
        if occurrence.astimezone(UTC) > until or len(starts) >= _MAX_OWN:
            break
        starts.append(bounded(occurrence.astimezone(UTC), "RRULE"))
    return starts


_MAX_OWN = 5000  # occurrences of one event expanded in a file's own zone


def _event(event: Any, line: int, zones: _Zones,
           until: datetime) -> IcsEvent | IcsClosure | list[IcsEvent]:
    uid = _text(event, "UID")
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise InvalidInput("has no DTSTART", field="DTSTART")
    start_value = start_prop.dt
    title = _text(event, "SUMMARY") or "(no title)"
    if not uid:
        # Some exporters omit UIDs: one is made from what the event is, so a second import
        # of the same file finds it again.
        import hashlib

        uid = hashlib.sha1(f"{start_value}|{title}".encode()).hexdigest() + "@import"
    end_prop, duration = event.get("DTEND"), event.get("DURATION")
    if not isinstance(start_value, datetime):
        # All day: the centre is closed (DTEND is the day after, exclusive).
        last = start_value
        if end_prop is not None and isinstance(end_prop.dt, date):
            last = max(start_value, end_prop.dt - timedelta(days=1))
        elif duration is not None:
            last = start_value + max(duration.dt - timedelta(days=1), timedelta(0))
        return IcsClosure(line, uid, start_value, last, title)
    start, written_in = _instant(start_value, start_prop.params, zones, "DTSTART")
    if end_prop is not None:
        if not isinstance(end_prop.dt, datetime):
            raise InvalidInput("is a date but DTSTART a date-time", field="DTEND")
        end, _ = _instant(end_prop.dt, end_prop.params, zones, "DTEND")
    elif duration is not None:
        try:
            end = bounded(start + duration.dt, "DURATION")
        except OverflowError:
            raise InvalidInput("is out of range", field="DURATION") from None
    else:
        raise InvalidInput("has neither DTEND nor DURATION (a session needs a length)",
                           field="DTEND")
    recurring = event.get("RRULE") is not None
    # A UTC series repeats in UTC, as RFC 5545 has it; a UTC one-off is shown in --tz; a
    # file's own zone that no IANA zone matches is expanded in its own rules (below) and
    # its occurrences are shown in --tz.
    own = written_in if written_in is not None and not isinstance(written_in, str) else None
    tz = written_in if isinstance(written_in, str) else (
        "UTC" if recurring and own is None else zones.default_tz)
    rid = None
    rid_prop = event.get("RECURRENCE-ID")
    if rid_prop is not None:
        if not isinstance(rid_prop.dt, datetime):
            raise InvalidInput("must be a date-time", field="RECURRENCE-ID")
        rid, _ = _instant(rid_prop.dt, rid_prop.params, zones, "RECURRENCE-ID")
    organizer = event.get("ORGANIZER")
    mentor = _email(organizer) if organizer is not None else None
    names: list[tuple[str, str]] = []
    if mentor and organizer.params.get("CN"):
        names.append((mentor, str(organizer.params["CN"])))
    students: list[str] = []
    room = _text(event, X_ROOM)
    attendees = event.get("ATTENDEE") or []
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        kind = str(attendee.params.get("CUTYPE", "INDIVIDUAL")).upper()
        cn = attendee.params.get("CN")
        if kind in ("ROOM", "RESOURCE"):
            room = room or (str(cn) if cn else None)
            continue
        email = _email(attendee)
        if email is None or email == mentor \
                or str(attendee.params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        students.append(email)
        if cn:
            names.append((email, str(cn)))
    location = _text(event, X_LOCATION)
    if room is None and location is None:
        location = _text(event, "LOCATION")
    cats = event.get("CATEGORIES")
    categories: list[str] = []
    for prop in (cats if isinstance(cats, list) else [cats]) if cats is not None else []:
        categories.extend(str(c).strip() for c in getattr(prop, "cats", [prop]) if str(c).strip())
    description, meeting, passcode = _description(_text(event, "DESCRIPTION"))
    most = _text(event, X_MAX)
    sequence = event.get("SEQUENCE")
    link = _text(event, "URL") or _text(event, "X-GOOGLE-CONFERENCE") \
        or _text(event, "X-MICROSOFT-SKYPETEAMSMEETINGURL")
    # The same people, rooms, zones and titles come back in event after event: one copy each.
    share = zones.shared.setdefault
    made = IcsEvent(
        line=line, uid=uid, title=share(title, title), start=start, end=end,
        tz=share(tz, tz), mentor=share(mentor, mentor),
        students=share(tuple(students), tuple(students)),
        names=share(tuple(names), tuple(names)), room=share(room, room),
        location=share(location, location),
        categories=share(tuple(categories), tuple(categories)),
        type=share(t := _text(event, X_TYPE), t), link=share(link, link),
        description=description, meeting_id=_text(event, X_MEETING_ID) or meeting,
        passcode=_text(event, X_PASSCODE) or passcode,
        max_participants=whole(most, X_MAX, MAX_PARTICIPANTS) if most else None,
        notes=_text(event, X_NOTES),
        cancelled=(_text(event, "STATUS") or "").upper() == "CANCELLED",
        sequence=whole(str(sequence), "SEQUENCE", MAX_SEQUENCE) if sequence is not None else 0,
        recurrence_id=rid,
        rule=_rule_text(event, tz, zones) if recurring and rid is None and own is None
        else None,
        dtstart=start.astimezone(zone(tz)).replace(tzinfo=None))
    if own is not None and recurring and rid is None:
        # No IANA zone has this VTIMEZONE's rules: its occurrences are taken as the calendar
        # shows them, each kept under the event's UID and its RECURRENCE-ID.
        length = end - start
        return [replace(made, start=at, end=at + length, recurrence_id=at, expanded=True)
                for at in _own_occurrences(event, start, own, zones, until)]
    return made


_MARK = re.compile(rb"^(?:\xef\xbb\xbf)?(BEGIN|END):([A-Za-z0-9-]+)[ \t]*\r?$",
                   re.MULTILINE | re.IGNORECASE)


def _marks(text: bytes) -> Iterator[tuple[str, str, int, int, int]]:
    """Every BEGIN/END line: (BEGIN or END, component, line number, start, end offset)."""
    line, pos = 1, 0
    for mark in _MARK.finditer(text):
        line += text.count(b"\n", pos, mark.start())
        pos = mark.start()
        yield (mark.group(1).decode().upper(), mark.group(2).decode().upper(), line,
               mark.start(), mark.end())


def _blocks(text: bytes) -> Iterator[tuple[str, int, str]]:
    """The components of each VCALENDAR (a VEVENT with its VALARMs is one), as (name, line
    of its BEGIN, its text); the file is known to be balanced."""
    depth, start, begin, name = 0, 0, 0, ""
    for kind, comp, line, at, end in _marks(text):
        if kind == "BEGIN":
            depth += 1
            if depth == 2:
                start, begin, name = at, line, comp
        else:
            if depth == 2:
                yield name, begin, text[start:end].decode("utf-8-sig")
            depth -= 1


def _parsed(text: bytes, with_lines: bool = False) -> Iterator[Any]:
    """Each VEVENT parsed on its own (the exception when icalendar cannot read it)."""
    for kind, line, block in _blocks(text):
        if kind != "VEVENT":
            continue
        try:
            event: Any = Component.from_ical(block)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            event = exc
        yield (line, event) if with_lines else event


class PropertyLines:
    """Where a property of an event is in the file, to point a problem at its own line.

    The file's lines are split on the first question (problems are few; most imports ask
    none)."""

    def __init__(self, text: str | bytes) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def of(self, event_line: int | None, prop: str | None) -> int | None:
        """The line of ``prop`` in the event whose ``BEGIN:VEVENT`` is at ``event_line``
        (its first, outside any nested component), else ``event_line``."""
        if not event_line or not prop:
            return event_line
        if self._lines is None:
            text = self._text
            if isinstance(text, bytes):
                text = text.decode("utf-8-sig", errors="replace")
            self._lines = text.splitlines()
        wanted = prop.upper()
        depth = 0
        for n in range(event_line, len(self._lines)):  # the line after BEGIN:VEVENT on
            line = self._lines[n]
            if line[:1] in (" ", "\t"):
                continue  # a folded continuation
            name = line.split(":", 1)[0].split(";", 1)[0].strip().upper()
            if name == "BEGIN":
                depth += 1
            elif name == "END":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and name == wanted:
                return n + 1
        return event_line


def _unbalanced(text: bytes) -> Problem | None:
    """A component that a file opens and never closes (BEGIN:VEVENT without END:VEVENT)."""
    stack: list[tuple[str, int]] = []
    for kind, name, line, _start, _end in _marks(text):
        if kind == "BEGIN":
            stack.append((name, line))
        elif stack and stack[-1][0] == name:
            stack.pop()
        elif stack:
            opened, at = stack[-1]
            return Problem(at, None, f"BEGIN:{opened} has no END:{opened} "
                                     f"(END:{name} at line {line} comes first)", unit="line")
        else:
            return Problem(line, None, f"END:{name} without BEGIN:{name}", unit="line")
    if stack:
        opened, at = stack[-1]
        return Problem(at, None, f"BEGIN:{opened} has no END:{opened}", unit="line")
    return None


def read(data: bytes, default_tz: str, *,
         horizon: datetime | None = None) -> Iterator[IcsEvent | IcsClosure | Problem]:
    """The events of an iCalendar file as sessions and closures, and every problem found.

    What the events mean here:

    * a timed event is a session; the ORGANIZER is its mentor, the ATTENDEEs its students
      (a ``CUTYPE=ROOM`` attendee, or our own ``X-SESSIONSCTL-ROOM``, names the room);
    * an event with an RRULE is a series; one with a RECURRENCE-ID replaces that occurrence
      (``STATUS:CANCELLED`` cancels it);
    * an all-day event is a closure of the centre on those days (holidays, half-terms);
    * times with a TZID keep that zone (Windows names, as Outlook writes them, are mapped to
      IANA ones; a zone the file describes in its own VTIMEZONE is the IANA zone with the
      same rules, see :class:`_Zones`); floating times are read in ``default_tz``; a TZID
      that is none of these is a problem of its line;
    * an open-ended rule in a zone of the file's own that no IANA zone matches is taken up
      to ``horizon`` (default: half a year from now).

    A file that cannot be parsed at all is one :class:`Problem`, after which reading stops.
    """
    # The file is checked as a whole but kept as bytes: each component is decoded on its own.
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        yield Problem(line, None, "is not UTF-8 text", unit="line")
        return
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        yield Problem(None, None, "is empty", unit="line")
        return
    if b"\x00" in data:  # no database keeps it in text (PostgreSQL refuses it)
        yield Problem(data[:data.index(b"\x00")].count(b"\n") + 1, None,
                      "contains a NUL byte (is this a text file?)", unit="line")
        return
    text = data
    head = text[:4096].lstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.split(b"\n", 1)[0].strip().upper() != b"BEGIN:VCALENDAR":
        yield Problem(1, None, "is not an iCalendar file (it must start with BEGIN:VCALENDAR)",
                      unit="line")
        return
    tail = text[-4096:].rstrip()
    if tail.rsplit(b"\n", 1)[-1].strip().upper() != b"END:VCALENDAR":
        yield Problem(text.count(b"\n", 0, len(text.rstrip())) + 1, None,
                      "ends before END:VCALENDAR (a truncated file)", unit="line")
        return
    unbalanced = _unbalanced(text)
    if unbalanced is not None:
        yield unbalanced
        return
    # Each component is parsed on its own, as it comes: a calendar of 100,000 events is never
    # one object graph in memory (icalendar's objects take some twenty times the text).
    where = PropertyLines(text)
    until = horizon or datetime.now(UTC) + timedelta(days=183)
    vtimezones: dict[str, Any] = {}
    for kind, line, block in _blocks(text):
        if kind == "VTIMEZONE":
            try:
                component = Component.from_ical(block)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                yield Problem(line, None, f"cannot be read: {exc}", unit="line")
                return
            tzid = _text(component, "TZID")
            if tzid:
                vtimezones.setdefault(tzid.strip('"'), component)
    spans: dict[str, tuple[datetime, datetime]] = {}
    if any(_zone_name(tzid) is None for tzid in vtimezones):
        # A zone of the file's own: the span of the events that use it decides which IANA
        # zone it is (such files are calendars of people, not of a centre: small).
        spans = _spans([e for e in _parsed(text) if not isinstance(e, Exception)], until)
    zones = _Zones(default_tz, vtimezones, spans)
    for line, event in _parsed(text, with_lines=True):
        if isinstance(event, Exception):
            yield Problem(line, None, f"cannot be read as iCalendar: {event}", unit="line")
            continue
        errors = getattr(event, "errors", None)
        if errors:
            prop, message = errors[0]
            yield Problem(where.of(line, prop), prop or None, f"cannot be read: {message}",
                          unit="line")
            continue
        try:
            made = _event(event, line or 0, zones, until)
            if isinstance(made, list):
                yield from made
            else:
                yield made
        except InvalidInput as exc:
            yield Problem(where.of(line, exc.field), exc.field,
                          exc.detail, unit="line")
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
            yield Problem(line, None, f"cannot be read: {exc}", unit="line")
