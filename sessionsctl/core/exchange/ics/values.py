"""The property values events are written with: shared by all events of an export, or fresh."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from icalendar import vCalAddress, vCategory, vDDDTypes, vInt, vText, vUri

_FOLD_AT = 75  # octets: icalendar folds a content line this long


def address(email: str, name: str | None, **params: str) -> vCalAddress:
    """A ``mailto:`` address with its CN and parameters (``cu_type="x"`` is ``CU-TYPE=x``)."""
    addr = vCalAddress(f"mailto:{email}")
    if name:
        addr.params["CN"] = name
    for key, value in params.items():
        addr.params[key.replace("_", "-").upper()] = value
    return addr


def _attendee(attendee: bool) -> dict[str, str]:
    """The parameters of an ATTENDEE (an ORGANIZER has none)."""
    return {"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION",
            "cutype": "INDIVIDUAL"} if attendee else {}


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
        # ``NAME;PARAMS:`` of a property by (name, value type, parameters).
        self._heads: dict[tuple[str, type, tuple[Any, ...]], bytes] = {}

    def text(self, value: str) -> vText:
        found = self._text.get(value)
        if found is None:
            found = self._text[value] = vText(value)
            self._shared.add(id(found))
        return found

    def person(self, email: str, attendee: bool) -> vCalAddress:
        found = self._people.get((email, attendee))
        if found is None:
            found = self._people[email, attendee] = address(email, self.names.get(email),
                                                            **_attendee(attendee))
            self._shared.add(id(found))
        return found

    def uri(self, value: str) -> vUri:
        return cast(vUri, self._one(vUri, value))

    def integer(self, value: int) -> vInt:
        return cast(vInt, self._one(vInt, value))

    def categories(self, value: str) -> vCategory:
        return cast(vCategory, self._one(lambda v: vCategory([v]), value, vCategory))

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
        the first time and reused for every event that has it; a value of an event's own
        (its UID, its times) is written after the name and parameters icalendar wrote for
        the first value of its kind with the same parameters (see :meth:`_own_line`)."""
        lines = []
        shared, memo = self._shared, self._lines
        for name, value in component.property_items():
            if id(value) in shared:
                line = memo.get((name, id(value)))
                if line is None:
                    line = memo[name, id(value)] = component.content_line(name, value).to_ical()
            else:
                line = self._own_line(component, name, value)
            if line:
                lines.append(line)
        lines.append(b"")
        return b"\r\n".join(lines)

    def _own_line(self, component: Any, name: str, value: Any) -> bytes:
        """The content line of one value: ``NAME;PARAMS:`` as icalendar wrote it for the
        first value of this name, type and parameters, then the value's own text; a line as
        long as icalendar folds (75 octets) is made by icalendar."""
        as_text = getattr(value, "to_ical", None)
        params = getattr(value, "params", None)
        if as_text is None or name in ("BEGIN", "END"):
            return cast(bytes, component.content_line(name, value).to_ical())
        try:
            key = (name, type(value), tuple(params.items()) if params else ())
            head = self._heads.get(key)
        except TypeError:  # a parameter holding a list: not a key
            return cast(bytes, component.content_line(name, value).to_ical())
        text = as_text()
        text = text if isinstance(text, bytes) else text.encode()
        if head is not None and len(head) + len(text) < _FOLD_AT:
            return head + text
        line = cast(bytes, component.content_line(name, value).to_ical())
        if head is None and len(line) < _FOLD_AT and line.endswith(b":" + text):
            self._heads[key] = line[:len(line) - len(text)]
        return line

    @staticmethod
    def when(instant: datetime, tz: str) -> vDDDTypes:
        if tz == "UTC":
            return vDDDTypes(instant.astimezone(UTC))
        value = vDDDTypes(instant.astimezone(ZoneInfo(tz)).replace(tzinfo=None))
        value.params["TZID"] = tz
        return value


class Fresh(Values):
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
        return address(email, self.names.get(email), **_attendee(attendee))

    @staticmethod
    def when(instant: datetime, tz: str) -> vDDDTypes:
        return vDDDTypes(instant.astimezone(ZoneInfo(tz)))
