"""VEVENTs parsed one by one, each distinct content line of a file once.

A calendar repeats most of its lines from event to event: DTSTAMP, the ORGANIZER, the same
students' ATTENDEEs, SUMMARY, LOCATION, STATUS, our ``X-SESSIONSCTL-*`` properties. Of the
490,000 property lines of a 100,000-session export, 55,000 are distinct. So an event's lines
are split as icalendar splits them (:func:`.lines.content_lines`: unfolded, one per line),
and only a line not seen before is made into its property, as icalendar's parser makes it
(:class:`.lines.Properties`). The property made of a line is kept by that line's text and
shared by every event that repeats it (readers read properties, never change them).

A new line that :class:`.lines.Properties` does not make into one property is handed to
icalendar within a VEVENT, as every new line once was; the events of a file are read a batch
at a time (:meth:`Events.parse_many`), and such lines of the whole batch are handed to
icalendar together, in one VEVENT, rather than one small VEVENT an event.

An event is parsed whole by icalendar, as a file's components always were, when it holds a
nested component (a VALARM), when icalendar reports a problem with one of its new lines, or
when a new line does not give exactly one property under its name: what icalendar makes of
such an event, and every problem it finds, stay exactly its own. (When a batch's new lines
cannot be learnt together, each of its events learns its own, as if read alone.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from icalendar import Component

from .lines import Properties, content_lines

# A line ``BEGIN:...`` or ``END:...`` among an event's lines (joined by line feeds, which
# no content line holds): ``\s*(?:BEGIN|END)\s*[;:]`` at the start of one of them.
_NESTED = re.compile(r"^[^\S\n]*(?:BEGIN|END)[^\S\n]*[;:]", re.IGNORECASE | re.MULTILINE)
# What icalendar raises for text it cannot read (an AttributeError too: a parameter written
# `VALUE=,DATE` is read as a list where it expects text).
UNREADABLE = (ValueError, KeyError, IndexError, TypeError, AttributeError)
_KNOWN_AT_MOST = 500_000  # distinct lines kept: a bound on memory for odd, huge files


class Event(dict[str, Any]):
    """A parsed VEVENT as readers use one: ``get(NAME)`` gives the property, or the list of
    them when the name is repeated; ``errors`` lists (name, problem) (none here: an event
    with a problem is icalendar's own :class:`~icalendar.Event`)."""

    errors: tuple[()] = ()


def _name(line: str) -> str:
    """A content line's property name, as icalendar reads it (spaces dropped, upper case)."""
    cut = min((i for i in (line.find(";"), line.find(":")) if i >= 0), default=len(line))
    return "".join(line[:cut].split()).upper()


class Events:
    """The VEVENT parser of one file: it remembers what each distinct line was parsed into."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, Any]] = {}
        self._properties = Properties()

    def parse(self, block: str) -> Any:
        """The VEVENT whose text (``BEGIN:VEVENT`` to ``END:VEVENT``) is ``block``; raises
        as :meth:`icalendar.Component.from_ical` does for text it cannot read."""
        made = self.parse_many([block])[0]
        if isinstance(made, Exception):
            raise made
        return made

    def parse_many(self, blocks: Sequence[str]) -> list[Any]:
        """Each VEVENT of ``blocks`` as :meth:`parse` gives it, or the exception it raises;
        the lines new to the file in all of them are learnt together first."""
        if len(self._known) > _KNOWN_AT_MOST:
            self._known.clear()
        known = self._known
        split: list[list[str] | Exception | None] = []
        new: dict[str, None] = {}
        for block in blocks:
            try:
                lines = content_lines(block)
            except UNREADABLE as exc:
                split.append(exc)
                continue
            body = lines[1:-1]
            if len(lines) < 2 or _NESTED.search("\n".join(body)):
                split.append(None)
                continue
            split.append(body)
            new.update((line, None) for line in body if line not in known)
        made_of = self._properties.made
        left = []
        for line in new:
            found = made_of(line)
            if found is None:
                left.append(line)
            else:
                known[line] = found
        # If they cannot be learnt together, each event learns its own below.
        unknown = bool(left) and not (len(left) > 1 and self._learn(left))
        made: list[Any] = []
        for block, lines_of in zip(blocks, split, strict=True):
            try:
                made.append(lines_of if isinstance(lines_of, Exception)
                            else self._event(block, lines_of, unknown))
            except UNREADABLE as exc:
                made.append(exc)
        return made

    def _event(self, block: str, body: list[str] | None, unknown: bool) -> Any:
        """One event from its property lines (None: icalendar parses it whole); ``unknown``:
        some of them may not be known yet."""
        if body is None:
            return Component.from_ical(block)
        known = self._known
        new = list(dict.fromkeys(line for line in body if line not in known)) if unknown else []
        if new and not self._learn(new):
            return Component.from_ical(block)
        event = Event()
        for line in body:
            name, prop = known[line]
            held = event.get(name)
            if held is None:
                event[name] = prop
            elif isinstance(held, list):
                held.append(prop)
            else:
                event[name] = [held, prop]
        return event

    def _learn(self, lines: list[str]) -> bool:
        """Parse ``lines`` (distinct, none seen before) with icalendar and remember each
        one's property; False (nothing remembered) if icalendar finds a problem in them or
        does not give one property per line."""
        try:
            parsed = Component.from_ical("BEGIN:VEVENT\r\n" + "\r\n".join(lines)
                                         + "\r\nEND:VEVENT\r\n")
        except UNREADABLE:
            return False
        if getattr(parsed, "errors", None) or parsed.subcomponents:
            return False
        names = [_name(line) for line in lines]
        made: dict[str, list[Any]] = {}
        for name, count in Counter(names).items():
            props = parsed.get(name)
            props = props if isinstance(props, list) else [] if props is None else [props]
            if len(props) != count:
                return False
            made[name] = props
        if len(made) != len(parsed):
            return False
        taken = Counter[str]()
        for line, name in zip(lines, names):
            self._known[line] = (name, made[name][taken[name]])
            taken[name] += 1
        return True
