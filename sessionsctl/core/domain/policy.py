"""The centre's working rules, each defined once: opening hours, how far ahead and back the
program looks, and the defaults a booking takes when nobody says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from .model import SessionType

# Where no mentor availability is set, free slots are offered within these hours, and a new
# booking's default start is the next full hour inside them.
OPENING_HOURS: tuple[time, time] = (time(8), time(20))

# The length an imported calendar event is given when it has neither DTEND nor DURATION
# (RFC 5545 makes it end at its start; a session needs some length). The import says so.
ENDLESS_EVENT_LENGTH = timedelta(minutes=60)

# How far ahead free slots are looked for when no end is given (command and form alike).
SLOT_HORIZON = timedelta(days=14)

# How far ahead open-ended series are materialised; `series extend` keeps it rolling.
SERIES_HORIZON = timedelta(days=182)

# The years the program works in: every time typed or imported, every session and every
# occurrence of a series falls in them (well inside what datetime arithmetic can hold).
FIRST_YEAR, LAST_YEAR = 1900, 2999
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # exclusive
YEARS = f"years {FIRST_YEAR} to {LAST_YEAR}"

# The bound of every series, however it is made (a typed rule, a CSV row, a calendar file's
# RRULE and RDATEs, `series extend`), and of a closure; checked before anything is expanded
# (core/schedule/bound.py): one booking holds at most MAX_OCCURRENCES occurrences, and a
# series' COUNT, UNTIL and RDATEs reach at most SERIES_YEARS from its start.
MAX_OCCURRENCES = 1000
SERIES_YEARS = 10
SERIES_SPAN = timedelta(days=round(365.25 * SERIES_YEARS))

# The window of the headline rates (TUI header) and of a report given no --from.
REPORT_WINDOW = timedelta(days=30)

# A report on one student given no --from looks back a term rather than a month.
STUDENT_REPORT_WINDOW = REPORT_WINDOW * 6

# The schemes a session's link may use: it is shown as a link in the emails and screens, so
# nothing a mail reader or browser would run (javascript:, data:) gets there. A centre whose
# meetings open another way (say, a conferencing app's own scheme) adds it here.
LINK_SCHEMES = frozenset({"http", "https"})


def default_type(students: int) -> SessionType:
    """The type of a session booked without one: a group when several students share it."""
    return SessionType.GROUP if students > 1 else SessionType.INDIVIDUAL


# The seats a session opened for registration has when neither it nor `session open --seats`
# says: by its type (an individual session is one student's).
DEFAULT_SEATS = {SessionType.INDIVIDUAL: 1, SessionType.GROUP: 10, SessionType.WORKSHOP: 50}

# Joining a session (`session join`): open from this long before its start to its end; a
# student checking in more than the grace after the start is marked late (config late_grace).
JOIN_EARLY = timedelta(minutes=10)
LATE_GRACE = timedelta(minutes=10)
