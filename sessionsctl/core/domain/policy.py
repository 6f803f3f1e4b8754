"""The centre's working rules, each defined once: opening hours, how far ahead and back the
program looks, and the defaults a booking takes when nobody says otherwise."""

from __future__ import annotations

from datetime import time, timedelta

from .model import SessionType

# Where no mentor availability is set, free slots are offered within these hours, and a new
# booking's default start is the next full hour inside them.
OPENING_HOURS: tuple[time, time] = (time(8), time(20))

# How far ahead free slots are looked for when no end is given (command and form alike).
SLOT_HORIZON = timedelta(days=14)

# How far ahead open-ended series are materialised; `series extend` keeps it rolling.
SERIES_HORIZON = timedelta(days=182)

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
