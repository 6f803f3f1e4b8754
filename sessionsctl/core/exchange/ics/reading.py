"""Reading an iCalendar file into sessions, series and closures, and every problem in it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Component

from ...domain import policy
from ...domain.errors import InvalidInput
from ...domain.timeutil import zone
from ...schedule import bound
from ...schedule.recurrence import expand, parse_recurrence
from ..problems import MAX_PARTICIPANTS, MAX_SEQUENCE, Problem, bounded, whole
from .events import UNREADABLE
from .fields import (
    X_LOCATION,
    X_MAX,
    X_MEETING_ID,
    X_NOTES,
    X_PASSCODE,
    X_ROOM,
    X_TYPE,
    split_description,
)
from .layout import Mark, PropertyLines, blocks, calendar_property, file_problem, marks, parsed
from .properties import email, text
from .recurring import needs_expanding, own_occurrences, rule_text
from .zones import FileZones, spans, zone_name


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
    expanded: bool = False  # an occurrence taken from the event's own expansion
    this_and_future: bool = False  # RECURRENCE-ID;RANGE=THISANDFUTURE: later ones change too
    endless: bool = False  # neither DTEND nor DURATION: given policy.ENDLESS_EVENT_LENGTH


@dataclass(frozen=True, slots=True)
class IcsClosure:
    """An all-day VEVENT: the centre is closed on those days (see :func:`read`)."""

    line: int
    uid: str
    starts_on: date
    ends_on: date  # inclusive
    reason: str


_UTC = ZoneInfo("UTC")  # a closure's days are the same in every zone

Made = IcsEvent | IcsClosure | list[IcsEvent] | list[IcsClosure]


# ------------------------------------------------------------------ one event, step by step
def _made_uid(start: date, title: str) -> str:
    # Some exporters omit UIDs: one is made from what the event is, so a second import of the
    # same file finds it again.
    return hashlib.sha1(f"{start}|{title}".encode()).hexdigest() + "@import"


def _closure(event: Any, line: int, uid: str, first: date, reason: str, zones: FileZones,
             until: datetime) -> IcsClosure | list[IcsClosure]:
    """An all-day event: the centre is closed from ``first`` to its last day (DTEND is the day
    after, exclusive); on each occurrence of its rule if it repeats (an open-ended one up to
    ``until``). Held to the bound of a series: at most ten years long, its rule as a series'."""
    end_prop, duration = event.get("DTEND"), event.get("DURATION")
    last = first
    if end_prop is not None and isinstance(end_prop.dt, date):
        last = max(first, end_prop.dt - timedelta(days=1))
    elif duration is not None:
        last = first + max(duration.dt - timedelta(days=1), timedelta(0))
    bound.closure(first, last, ("DTSTART", "DTEND" if end_prop is not None else "DURATION"))
    if event.get("RRULE") is None:
        return IcsClosure(line, uid, first, last, reason)
    rule = rule_text(event, "UTC", zones)
    assert rule is not None
    rec = parse_recurrence(rule, _UTC, field="RRULE")
    try:
        days = [o.start.date() for o in expand(rec, datetime.combine(first, time()), _UTC,
                                               until=until if rec.open_ended else None)]
    except InvalidInput as exc:  # named as the series' rule is, "repeat"
        raise InvalidInput(exc.detail, field="RRULE") from None
    bound.at_most(len(days), field="RRULE")
    return [IcsClosure(line, uid, day, day + (last - first), reason) for day in days]


def _end(event: Any, start: datetime, zones: FileZones) -> tuple[datetime, bool]:
    """DTEND, else DTSTART + DURATION; and whether it has neither. RFC 5545 (3.6.1) ends such
    an event at its start, but a session needs a length: it is given
    :data:`~sessionsctl.core.domain.policy.ENDLESS_EVENT_LENGTH`, and the import says so."""
    end_prop = event.get("DTEND")
    if end_prop is not None:
        if not isinstance(end_prop.dt, datetime):
            raise InvalidInput("is a date but DTSTART a date-time", field="DTEND")
        return _instant(end_prop, "DTEND", zones)[0], False
    duration = event.get("DURATION")
    length = duration.dt if duration is not None else policy.ENDLESS_EVENT_LENGTH
    try:
        return bounded(start + length, "DURATION"), duration is None
    except OverflowError:
        raise InvalidInput("is out of range", field="DURATION") from None


def _kept_in(written_in: str | tzinfo | None, recurring: bool, default_tz: str) -> str:
    """The zone a session is kept in: the IANA zone it was written in. A UTC series repeats
    in UTC, as RFC 5545 has it; a UTC one-off is shown in ``--tz``, and so are the
    occurrences of a file's own zone that no IANA zone matches (expanded in its own rules)."""
    if isinstance(written_in, str):
        return written_in
    return "UTC" if recurring and written_in is None else default_tz


def _recurrence_id(event: Any, zones: FileZones) -> tuple[datetime | None, bool]:
    """The RECURRENCE-ID (UTC), and whether it holds for the later occurrences too
    (``RANGE=THISANDFUTURE``)."""
    prop = event.get("RECURRENCE-ID")
    if prop is None:
        return None, False
    if not isinstance(prop.dt, datetime):
        raise InvalidInput("must be a date-time", field="RECURRENCE-ID")
    later = str(prop.params.get("RANGE", "")).upper() == "THISANDFUTURE"
    return zones.instant(prop.dt, prop.params, "RECURRENCE-ID")[0], later


People = tuple[str | None, tuple[str, ...], tuple[tuple[str, str], ...], str | None]


def _instant(prop: Any, field: str, zones: FileZones) -> tuple[datetime, Any]:
    """``zones.instant`` of a DATE-TIME property, read once for a property events share."""
    key = (field, id(prop))
    found = zones.read_from.get(key)
    if found is None:
        found = zones.read_from[key] = (prop, zones.instant(prop.dt, prop.params, field))
    made: tuple[datetime, Any] = found[1]
    return made


def _person(prop: Any, zones: FileZones) -> tuple[str | None, str | None, bool, bool]:
    """(e-mail address, CN, whether a room or resource, whether a non-participant) of an
    ORGANIZER or ATTENDEE, read once for a property events share."""
    key = ("person", id(prop))
    found = zones.read_from.get(key)
    if found is None:
        params = prop.params
        cn = params.get("CN")
        kind = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
        role = str(params.get("ROLE", "")).upper()
        found = zones.read_from[key] = (prop, (email(prop), str(cn) if cn else None,
                                               kind in ("ROOM", "RESOURCE"),
                                               role == "NON-PARTICIPANT"))
    made: tuple[str | None, str | None, bool, bool] = found[1]
    return made


def _people(event: Any, zones: FileZones) -> People:
    """(mentor, students, (email, CN) of each named, room). The ORGANIZER is the mentor; an
    ATTENDEE is a student, unless it is the organizer or a non-participant, or a room or
    resource (which names the room when X-SESSIONSCTL-ROOM does not)."""
    organizer = event.get("ORGANIZER")
    mentor = cn = None
    if organizer is not None:
        mentor, cn, _, _ = _person(organizer, zones)
    names: list[tuple[str, str]] = []
    if mentor and cn:
        names.append((mentor, cn))
    students: list[str] = []
    room = text(event, X_ROOM)
    attendees = event.get("ATTENDEE") or []
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        address, cn, is_room, non_participant = _person(attendee, zones)
        if is_room:
            room = room or cn
            continue
        if address is None or address == mentor or non_participant:
            continue
        students.append(address)
        if cn:
            names.append((address, cn))
    return mentor, tuple(students), tuple(names), room


def _categories(event: Any) -> tuple[str, ...]:
    cats = event.get("CATEGORIES")
    found: list[str] = []
    for prop in (cats if isinstance(cats, list) else [cats]) if cats is not None else []:
        found.extend(str(c).strip() for c in getattr(prop, "cats", [prop]) if str(c).strip())
    return tuple(found)


def _link(event: Any) -> str | None:
    """URL, else the meeting link Google or Teams keep in a property of their own."""
    return text(event, "URL") or text(event, "X-GOOGLE-CONFERENCE") \
        or text(event, "X-MICROSOFT-SKYPETEAMSMEETINGURL")


def _most(event: Any) -> int | None:
    most = text(event, X_MAX)
    return whole(most, X_MAX, MAX_PARTICIPANTS) if most else None


def _sequence(event: Any) -> int:
    sequence = event.get("SEQUENCE")
    return whole(str(sequence), "SEQUENCE", MAX_SEQUENCE) if sequence is not None else 0


def _session(event: Any, line: int, uid: str, title: str, start: datetime, end: datetime,
             tz: str, rid: datetime | None, zones: FileZones) -> IcsEvent:
    """The event as a session (no rule yet), its properties read in the order their
    problems are reported. The same people, rooms, zones and titles come back in event after
    event: ``zones.shared`` keeps one copy of each."""
    mentor, students, names, room = _people(event, zones)
    link, kind = _link(event), text(event, X_TYPE)
    location = text(event, X_LOCATION)
    if room is None and location is None:
        location = text(event, "LOCATION")
        if location is not None and location == link:  # an online session's, written so
            location = None
    categories = _categories(event)
    description, meeting, passcode = split_description(text(event, "DESCRIPTION"))
    share = zones.shared.setdefault
    return IcsEvent(
        line=line, uid=uid, title=share(title, title), start=start, end=end,
        tz=share(tz, tz), mentor=share(mentor, mentor), students=share(students, students),
        names=share(names, names), room=share(room, room),
        location=share(location, location), categories=share(categories, categories),
        type=share(kind, kind), link=share(link, link), description=description,
        meeting_id=text(event, X_MEETING_ID) or meeting,
        passcode=text(event, X_PASSCODE) or passcode, max_participants=_most(event),
        notes=text(event, X_NOTES),
        cancelled=(text(event, "STATUS") or "").upper() == "CANCELLED",
        sequence=_sequence(event), recurrence_id=rid,
        dtstart=start.astimezone(zone(tz)).replace(tzinfo=None))


def _event(event: Any, line: int, zones: FileZones, until: datetime) -> Made:
    """One parsed VEVENT: a closure (all day), a session, a series master or exception, or
    the occurrences of a rule in a zone of the file's own."""
    uid = text(event, "UID")
    start_prop = event.get("DTSTART")
    if start_prop is None:
        raise InvalidInput("has no DTSTART", field="DTSTART")
    title = text(event, "SUMMARY") or "(no title)"
    uid = uid or _made_uid(start_prop.dt, title)
    if not isinstance(start_prop.dt, datetime):
        return _closure(event, line, uid, start_prop.dt, title, zones, until)
    start, written_in = _instant(start_prop, "DTSTART", zones)
    end, endless = _end(event, start, zones)
    expanding = needs_expanding(event)
    recurring = expanding or event.get("RRULE") is not None
    tz = _kept_in(written_in, recurring, zones.default_tz)
    rid, later = _recurrence_id(event, zones)
    made = _session(event, line, uid, title, start, end, tz, rid, zones)
    if endless or later:
        made = replace(made, endless=endless, this_and_future=later)
    if not recurring or rid is not None:
        return made
    if not expanding and (written_in is None or isinstance(written_in, str)):
        return replace(made, rule=rule_text(event, tz, zones))
    # What one series of ours cannot hold (several RRULEs, RDATEs alone or with their own
    # lengths), or a VTIMEZONE no IANA zone has the rules of: the occurrences are taken as
    # the calendar shows them, each kept under the event's UID and its RECURRENCE-ID.
    own = written_in if written_in is not None and not isinstance(written_in, str) \
        else zone(tz)
    return [replace(made, start=at, end=ends, recurrence_id=at, expanded=True)
            for at, ends in own_occurrences(event, start, own, zones, until, end - start)]


def _one(event: Any, line: int, zones: FileZones, until: datetime,
         where: PropertyLines) -> Made | Problem:
    """What one VEVENT gives (``event`` is the exception if icalendar could not parse it),
    or the problem that keeps it out, at the line of the property it is about."""
    if isinstance(event, Exception):
        return Problem(line, None, f"cannot be read as iCalendar: {event}", unit="line")
    errors = getattr(event, "errors", None)
    if errors:
        prop, message = errors[0]
        return Problem(where.of(line, prop), prop or None, f"cannot be read: {message}",
                       unit="line")
    try:
        return _event(event, line or 0, zones, until)
    except InvalidInput as exc:
        return Problem(where.of(line, exc.field), exc.field, exc.detail, unit="line")
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
        return Problem(line, None, f"cannot be read: {exc}", unit="line")


# ------------------------------------------------------------------------------ the file
def _vtimezones(data: bytes, found_marks: list[Mark]) -> dict[str, Any] | Problem:
    """The file's own VTIMEZONEs by TZID (the first of each), or why one cannot be read."""
    found: dict[str, Any] = {}
    for _kind, line, block in blocks(data, "VTIMEZONE", found_marks):
        try:
            component = Component.from_ical(block)
        except UNREADABLE as exc:
            return Problem(line, None, f"cannot be read: {exc}", unit="line")
        tzid = text(component, "TZID")
        if tzid:
            found.setdefault(tzid.strip('"'), component)
    return found


def _zones(data: bytes, default_tz: str, vtimezones: dict[str, Any],
           until: datetime, found_marks: list[Mark]) -> FileZones:
    own_spans: dict[str, tuple[datetime, datetime]] = {}
    if any(zone_name(tzid) is None for tzid in vtimezones):
        # A zone of the file's own: the span of the events that use it decides which IANA
        # zone it is (such files are calendars of people, not of a centre: small).
        own_spans = spans([e for e in parsed(data, found=found_marks)
                           if not isinstance(e, Exception)], until)
    return FileZones(default_tz, vtimezones, own_spans)


def read(data: bytes, default_tz: str, *,
         horizon: datetime | None = None) -> Iterator[IcsEvent | IcsClosure | Problem]:
    """The events of an iCalendar file as sessions and closures, and every problem found.

    What the events mean here:

    * a timed event is a session; the ORGANIZER is its mentor, the ATTENDEEs its students
      (a ``CUTYPE=ROOM`` attendee, or our own ``X-SESSIONSCTL-ROOM``, names the room);
    * an event with an RRULE is a series; one with a RECURRENCE-ID replaces that occurrence
      (``STATUS:CANCELLED`` cancels it);
    * an all-day event is a closure of the centre on those days (holidays, half-terms), and
      one with an RRULE a closure on each of its occurrences;
    * times with a TZID keep that zone (Windows names, as Outlook writes them, are mapped to
      IANA ones; a zone the file describes in its own VTIMEZONE is the IANA zone with the
      same rules, see :class:`~.zones.FileZones`); floating times are read in the
      calendar's X-WR-TIMEZONE (Google's), else in ``default_tz``; a TZID that is none of
      these is a problem of its line;
    * several RRULEs are expanded as their union, RDATEs alone or with periods (each with
      its own length) as they come: each occurrence is kept under the event's UID and its
      RECURRENCE-ID, as are the occurrences of a rule in a zone no IANA zone matches;
    * a timed event with neither DTEND nor DURATION lasts
      :data:`~sessionsctl.core.domain.policy.ENDLESS_EVENT_LENGTH` (``endless``);
    * an open-ended rule in a zone of the file's own that no IANA zone matches is taken up
      to ``horizon`` (default: half a year from now).

    A file that cannot be parsed at all is one :class:`Problem`, after which reading stops.
    """
    found_marks = marks(data)  # the BEGIN and END lines, for each pass below
    problem = file_problem(data, found_marks)
    if problem is not None:
        yield problem
        return
    until = horizon or datetime.now(UTC) + timedelta(days=183)
    vtimezones = _vtimezones(data, found_marks)
    if isinstance(vtimezones, Problem):
        yield vtimezones
        return
    # Google names its calendar's zone (X-WR-TIMEZONE): floating times are in it.
    default_tz = zone_name(calendar_property(data, "X-WR-TIMEZONE")) or default_tz
    zones = _zones(data, default_tz, vtimezones, until, found_marks)
    # Each component is parsed on its own, as it comes: a calendar of 100,000 events is never
    # one object graph in memory (icalendar's objects take some twenty times the text).
    where = PropertyLines(data)
    for line, event in parsed(data, with_lines=True, found=found_marks):
        made = _one(event, line, zones, until, where)
        if isinstance(made, list):
            yield from made
        else:
            yield made
