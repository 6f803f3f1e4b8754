"""Properties of the forms calendars write made as icalendar's parser makes them, directly.

Most distinct lines of an export are date-times (``DTSTART;TZID=Europe/London:...``,
``DTEND``, ``RECURRENCE-ID``, and ``DTSTAMP``, ``CREATED`` and ``LAST-MODIFIED`` in UTC), and
icalendar builds each through its general path: the value type looked up twice, the value
read, a :class:`~icalendar.prop.vDDDTypes` built with parameters of its own (the zone's
names looked up to set its TZID), then those parameters replaced by the line's.

:func:`date_time` builds the same property directly for a value of the forms
``YYYYMMDD``, ``YYYYMMDDTHHMMSS`` and ``YYYYMMDDTHHMMSSZ``, as
:meth:`vDDDTypes.from_ical <icalendar.prop.vDDDTypes.from_ical>` reads them: the zone of a
TZID is the one icalendar's own :data:`~icalendar.timezone.tzp` gives at that moment (an
IANA or Windows name, or a zone the file describes in a VTIMEZONE that icalendar cached when
it read it), the time is localized by it; a property of class ``vDDDTypes`` holding that
``dt`` and the line's parameters. Any other value, a value that is no date (month 13), a
TZID given as several values or as a "globally unique" ``/vendor/Zone`` (icalendar warns as
it guesses those), or a value type other than ``vDDDTypes`` gives None: the line is then
icalendar's to read, errors and all.

:func:`text` makes a TEXT value (UID, SUMMARY, LOCATION ...) as the parser does, without its
general path: one :class:`~icalendar.prop.vText` of the unescaped value, with the line's
parameters.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from icalendar.parser.ical.component import ComponentIcalParser
from icalendar.prop import vDDDTypes, vText
from icalendar.timezone import tzp

# The properties whose values are date-times in a VEVENT, and those whose TZID icalendar
# reads (for the others a TZID is a parameter, and the time floating or UTC as written).
NAMES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "DUE", "DTSTAMP", "CREATED",
                   "LAST-MODIFIED"})
_ZONED = frozenset(ComponentIcalParser.datetime_names)
# Names the parser reads otherwise whatever their value type (a TZID, or a list of values).
_NOT_TEXT = _ZONED | {"CATEGORIES", "FREEBUSY", "RDATE", "EXDATE"}
_VALUE = re.compile(r"(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z?))?", re.ASCII)
# A value type that reads its value from the whole line would not be given ours.
_OURS = {kind for kind in (vDDDTypes, vText)
         if getattr(kind, "get_value_from_content_line", None) is None}


def date_time(name: str, params: Any, value: str, factory: Any) -> Any | None:
    """The property icalendar's parser makes of ``value`` (unescaped) under ``name`` (upper
    case) and ``params`` (the line's own, kept by the property) when ``factory`` is the value
    type it picked; None when the line is icalendar's to read."""
    if factory is not vDDDTypes or factory not in _OURS or name not in NAMES:
        return None
    found = _VALUE.fullmatch(value)
    if found is None:
        return None
    tzid = params.get("TZID") if params and name in _ZONED else None
    zone = None
    if tzid:
        if not isinstance(tzid, str) or tzid.startswith("/"):
            return None
        zone = tzp.timezone(tzid)
    year, month, day, hour, minute, second, utc = found.groups()
    try:
        if hour is None:  # a date: a datetime at midnight in a zone icalendar knows
            made: Any = (tzp.localize(datetime(int(year), int(month), int(day)), zone)
                         if zone is not None
                         else date(int(year), int(month), int(day)))
        else:
            at = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second))
            made = tzp.localize(at, zone) if zone is not None \
                else tzp.localize_utc(at) if utc else at
    except (ValueError, OverflowError):  # icalendar tells what is wrong with it
        return None
    prop = vDDDTypes.__new__(vDDDTypes)
    prop.dt = made
    prop.params = params
    return prop


def text(name: str, params: Any, value: str, factory: Any) -> Any | None:
    """The property icalendar's parser makes of a TEXT ``value`` (unescaped), as
    :func:`date_time`; None when the line is icalendar's to read."""
    if factory is not vText or factory not in _OURS or name in _NOT_TEXT:
        return None
    prop = vText(value)
    prop.params = params
    return prop
