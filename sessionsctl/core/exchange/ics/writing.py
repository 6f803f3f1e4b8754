"""Sessions and series as VEVENTs, and calendars of them: whole, or streamed chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDDDTypes, vRecur, vText

from ...domain.model import Series, Session, SessionStatus
from ...domain.timeutil import localize
from ...schedule.recurrence import Recurrence, expand, parse_recurrence
from .fields import (
    X_LOCATION,
    X_MAX,
    X_MEETING_ID,
    X_NOTES,
    X_PASSCODE,
    X_ROOM,
    X_TYPE,
    description_text,
)
from .values import Fresh, Values

PRODID = "-//sessionsctl//sessionsctl 0.1//EN"


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
    # An online session (no room, no place) is where its link is: calendars show that.
    shown = ", ".join(p for p in (room, location) if p) or link
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
    if meeting_id:
        event[X_MEETING_ID] = vText(meeting_id)
    passcode = passcode if passcodes else None
    if passcode:
        event[X_PASSCODE] = vText(passcode)
    text = description_text(description, link, meeting_id, passcode)
    if text:
        event["DESCRIPTION"] = vText(text)
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
        values = Fresh(names or {}, stamp or datetime.now(UTC))
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


# --------------------------------------------------------------------------------- series
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


def _template(t: Mapping[str, Any]) -> dict[str, Any]:
    """What a series' template gives each occurrence, as :func:`_fill` takes it."""
    return {"title": t.get("title") or "", "mentor": t.get("mentor") or "",
            "students": sorted(t.get("students") or ()), "room": t.get("room"),
            "subject": t.get("subject"), "type_": t.get("type") or "individual",
            "location": t.get("location"), "link": t.get("link"),
            "description": t.get("description"), "meeting_id": t.get("meeting_id"),
            "passcode": t.get("passcode"), "max_participants": t.get("max_participants"),
            "notes": t.get("notes")}


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


def _given(series: Series, rec: Recurrence, tz: ZoneInfo) -> set[datetime]:
    """The starts the series' rule gives (its RDATEs in, its EXDATEs out) up to where the
    series is materialised."""
    if series.expanded_until is None and rec.open_ended:
        return set()
    return {o.recurrence_id for o in expand(rec, series.dtstart, tz,
                                            until=series.expanded_until)}


def _add_dates(event: Event, series: Series, rec: Recurrence, tz: ZoneInfo,
               members: Sequence[Session]) -> None:
    """EXDATE and RDATE such that the master's instances are exactly the original starts of
    the stored occurrences (``members``): a start the rule gives with no occurrence stored
    (removed when the series changed) is an EXDATE; an occurrence the rule does not give
    (an extra date, or one left as it was when the series moved) is an RDATE, so its
    RECURRENCE-ID event replaces an instance, as RFC 5545 wants. A DTSTART the rule does not
    give (calendars differ on whether it is an instance then) is one or the other too."""
    at = series.dtstart.time()
    held = {m.recurrence_id for m in members if m.recurrence_id is not None}
    given = _given(series, rec, tz)
    exdates = ({localize(_wall(v, at), tz) for v in rec.exdates} | given
               | {localize(series.dtstart, tz)}) - held
    rdates = {localize(_wall(v, at), tz) for v in rec.rdates} | (held - given)
    if exdates:
        event.add("exdate", [e.astimezone(tz) for e in sorted(exdates)])
    if rdates:
        event.add("rdate", [r.astimezone(tz) for r in sorted(rdates)])


def _add_history(event: Event, members: Sequence[Session]) -> None:
    """CREATED and LAST-MODIFIED: the first creation and the last change of an occurrence."""
    modified = [m.modified_at for m in members if m.modified_at is not None]
    created = [m.created_at for m in members if m.created_at is not None]
    if created:
        event.add("created", min(created).astimezone(UTC))
    if modified:
        event.add("last-modified", max(modified).astimezone(UTC))


def _master(series: Series, members: Sequence[Session], values: Values) -> Event:
    """The series' own VEVENT with its times, rule, dates and counters (not yet filled)."""
    tz = ZoneInfo(series.tz)
    rec = parse_recurrence(series.rule, tz)
    event = Event()
    event.add("uid", series.uid)
    event["DTSTAMP"] = values.stamp
    start = localize(series.dtstart, tz).astimezone(tz)
    # With its TZID, as a one-off's times are: a zone that is UTC by another name (Etc/UTC)
    # would be written as UTC and read back as "UTC", a change of the series' zone.
    event["DTSTART"] = Values.when(start, series.tz)
    event["DTEND"] = Values.when(start.astimezone(UTC) + series.duration, series.tz)
    event.add("rrule", vRecur.from_ical(_utc_until(rec.rrule, tz)))
    _add_dates(event, series, rec, tz, members)
    event.add("sequence", series.sequence)
    _add_history(event, members)
    event.add("status", "CONFIRMED")
    return event


def series_events(series: Series, members: Sequence[Session], *,
                  names: Mapping[str, str] | None = None, stamp: datetime | None = None,
                  passcodes: bool = False, values: Values | None = None) -> list[Event]:
    """The master VEVENT of a series (RRULE, EXDATE, RDATE) and one event per exception.

    ``members`` are all the series' stored occurrences, and the file gives exactly them: the
    master's instances are their original starts (EXDATE and RDATE added where the rule and
    what is stored part, see :func:`_add_dates`). An occurrence that differs from the rule
    (moved, edited) is a ``RECURRENCE-ID`` event; a cancelled one is a ``RECURRENCE-ID``
    event with ``STATUS:CANCELLED`` (clients hide it, and it keeps its record).
    """
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    if values is None:
        values = Fresh(names or {}, stamp)
    event = _master(series, members, values)
    _fill(event, **_template(series.template), values=values, passcodes=passcodes)
    exceptions = [session_event(m, passcodes=passcodes, values=values)
                  for m in sorted(members, key=lambda m: (m.recurrence_id or m.start, m.id))
                  if not _same_as_rule(m, series)]
    return [event, *exceptions]


# ------------------------------------------------------------------------------ calendars
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
    return cast(bytes, cal.to_ical())
