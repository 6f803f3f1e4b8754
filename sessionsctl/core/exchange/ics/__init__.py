"""iCalendar (RFC 5545) for sessions and series: writing events and calendars, reading files.

This package re-exports its public names, so callers keep importing them from here
(``from ..exchange import ics`` then ``ics.read``, ``ics.session_event``, ``ics.IcsEvent`` ...,
or ``from ..exchange.ics import session_event``), never from the modules below, which are
free to move things between them.

Public, stable API (mail invitations import it too):

* :func:`session_event` -- the VEVENT of one session: a one-off, or one occurrence of a series
  (then it carries the series' UID and a RECURRENCE-ID, as an exception of the series does).
* :func:`series_events` -- the VEVENTs of a whole series: one master with RRULE/EXDATE/RDATE and
  one RECURRENCE-ID event per occurrence that differs from the rule (moved, edited, cancelled).
* :func:`calendar` -- one VCALENDAR (PRODID, VERSION, optional METHOD) around events, with a
  VTIMEZONE for every zone they use; :func:`stream` writes one chunk by chunk, for exports,
  with :class:`Values` sharing the property values its events repeat; :func:`to_bytes`.
* :func:`read` -- a file's events as :class:`IcsEvent` sessions and :class:`IcsClosure`
  closures, and each problem found; :class:`PropertyLines` points a problem at its line.

Times are written in the zone the session was booked in (``DTSTART;TZID=Europe/London``), so a
calendar client shows the same wall time and expands the rule across daylight saving the way
we do. UIDs are the sessions' own; SEQUENCE is the session's (or series') edit counter, so an
invitation and an export of the same session agree.

Custom ``X-SESSIONSCTL-*`` properties carry what iCalendar has no field for (room, session type,
meeting id, capacity, notes), so a file we wrote imports back exactly; other clients ignore them.

The modules, one job each:

* :mod:`.writing` -- sessions and series as VEVENTs, and calendars of them (whole or streamed);
* :mod:`.values` -- the property values events are written with (shared in an export);
* :mod:`.fields` -- our ``X-SESSIONSCTL-*`` properties and the joining details in DESCRIPTION;
* :mod:`.reading` -- a file read into sessions, series and closures, event by event;
* :mod:`.layout` -- the file as text: whether it is whole, its components and their lines;
* :mod:`.events` -- each VEVENT parsed, every distinct line of the file parsed once;
* :mod:`.lines` -- content lines unfolded, cut and made into properties as icalendar does;
* :mod:`.common` -- date-times and texts of the common forms made as icalendar's parser makes them;
* :mod:`.properties` -- the values of single properties (text, addresses, date lists);
* :mod:`.zones` -- which zone a TZID means (IANA, Windows, a file's own VTIMEZONE);
* :mod:`.recurring` -- a recurring event's rule as our text, or expanded in a file's own zone.
"""

from .fields import (
    MEETING_ID_LABEL,
    PASSCODE_LABEL,
    X_LOCATION,
    X_MAX,
    X_MEETING_ID,
    X_NOTES,
    X_PASSCODE,
    X_ROOM,
    X_TYPE,
)
from .layout import PropertyLines
from .reading import IcsClosure, IcsEvent, read
from .values import Values
from .writing import PRODID, calendar, series_events, session_event, stream, to_bytes
from .zones import matching_zone

__all__ = [
    "MEETING_ID_LABEL",
    "PASSCODE_LABEL",
    "PRODID",
    "X_LOCATION",
    "X_MAX",
    "X_MEETING_ID",
    "X_NOTES",
    "X_PASSCODE",
    "X_ROOM",
    "X_TYPE",
    "IcsClosure",
    "IcsEvent",
    "PropertyLines",
    "Values",
    "calendar",
    "matching_zone",
    "read",
    "series_events",
    "session_event",
    "stream",
    "to_bytes",
]
