"""A recurring event's RRULE/EXDATE/RDATE: as our rule text, or expanded occurrence by occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, cast

from icalendar import vRecur

from ...domain.errors import InvalidInput
from ...domain.timeutil import zone
from ..problems import bounded
from .properties import stamps

if TYPE_CHECKING:
    from .zones import FileZones

MAX_OWN = 5000  # occurrences of one event expanded in a file's own zone


def _rules(event: Any) -> list[Any]:
    rules_ = event.get("RRULE")
    return rules_ if isinstance(rules_, list) else [rules_]


def _read_once(zones: FileZones, key: tuple[Any, ...], prop: Any, read: Any) -> Any:
    """``read()`` of a property events share, read once (the property is kept with it: no
    identity is taken by another)."""
    found = zones.read_from.get(key)
    if found is None:
        found = zones.read_from[key] = (prop, read())
    return found[1]


def _rule_line(item: Any) -> str:
    value = item.to_ical() if hasattr(item, "to_ical") else item
    return "RRULE:" + (value.decode() if isinstance(value, bytes) else str(value))


def _stamp_lines(prop: Any, name: str, tz: str, zones: FileZones) -> list[str]:
    """The lines of one EXDATE or RDATE property, in wall times of ``tz``."""
    zone_ = zone(tz)
    lines = []
    for value, params in stamps({name: prop}, name):
        if isinstance(value, datetime):
            instant, _ = zones.instant(value, params, name)
            lines.append(f"{name}:{instant.astimezone(zone_):%Y%m%dT%H%M%S}")
        elif isinstance(value, date):
            lines.append(f"{name};VALUE=DATE:{value:%Y%m%d}")
        else:
            raise InvalidInput(f"cannot read {value!r}", field=name)
    return lines


def rule_text(event: Any, tz: str, zones: FileZones) -> str | None:
    """The event's RRULE, EXDATEs and RDATEs as lines in wall times of ``tz``; each
    property read once for the events that share it."""
    if event.get("RRULE") is None:
        return None
    lines = [_read_once(zones, ("RRULE", id(item)), item, lambda item=item: _rule_line(item))
             for item in _rules(event)]
    for name in ("EXDATE", "RDATE"):
        found = event.get(name)
        for prop in found if isinstance(found, list) else [found] if found is not None else []:
            lines.extend(_read_once(
                zones, (name, id(prop), tz), prop,
                lambda prop=prop, name=name: _stamp_lines(prop, name, tz, zones)))
    return "\n".join(lines)


def _own_rule(rule: Any, first: datetime, own: tzinfo) -> vRecur:
    """One RRULE with its UNTILs (wall times, or days at the first start's time) made UTC
    instants of the zone ``own``."""
    made: vRecur = vRecur(rule)
    ends = []
    for end in made.get("UNTIL") or []:
        if not isinstance(end, datetime):
            end = datetime.combine(end, first.time().replace(tzinfo=None))
        ends.append((end.replace(tzinfo=own) if end.tzinfo is None else end).astimezone(UTC))
    if ends:
        made["UNTIL"] = ends
    return made


def _own_stamp(value: Any, params: Any, first: datetime, own: tzinfo,
               zones: FileZones, name: str) -> datetime:
    """An EXDATE/RDATE as an instant in the zone ``own`` (a day at the first start's time)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, first.time().replace(tzinfo=None))
        instant = value.replace(tzinfo=own).astimezone(UTC)
    else:
        instant, _ = zones.instant(value, params, name)
    found: datetime = instant.astimezone(own)
    return found


def _period(value: tuple[Any, Any], params: Any, first: datetime, own: tzinfo,
            zones: FileZones) -> tuple[datetime, timedelta]:
    """An RDATE period (``start/end`` or ``start/duration``): its start in ``own``, its length."""
    begin, finish = value
    at = _own_stamp(begin, params, first, own, zones, "RDATE")
    if isinstance(finish, timedelta):
        length = finish
    else:
        length = _own_stamp(finish, params, first, own, zones, "RDATE") - at
    if length <= timedelta(0):
        raise InvalidInput(f"the period starting {begin} ends before it starts", field="RDATE")
    return at, length


def needs_expanding(event: Any) -> bool:
    """Whether the event's occurrences cannot be one series of ours: several RRULEs (their
    union), RDATEs with no RRULE, or RDATE periods (each an occurrence with its own length)."""
    rules_ = event.get("RRULE")
    if isinstance(rules_, list) and len(rules_) > 1:
        return True
    dates = stamps(event, "RDATE")
    return bool(dates) and (rules_ is None or any(isinstance(v, tuple) for v, _ in dates))


def own_occurrences(event: Any, start: datetime, own: tzinfo, zones: FileZones,
                    until: datetime, length: timedelta | None = None,
                    ) -> list[tuple[datetime, datetime]]:
    """The (start, end) instants (UTC) of a recurring event expanded wall time by wall time
    in the zone ``own`` (its IANA zone, or a file's own VTIMEZONE no IANA zone matches), as
    the calendar that wrote it does: the union of its RRULEs (an occurrence two give once)
    and its RDATEs (a period with its own length), less its EXDATEs, matched by instant;
    DTSTART is the first when no RRULE gives one (dateutil's reading of a
    DTSTART a rule does not match, as in a series). Up to ``until``, and at most :data:`MAX_OWN` of them."""
    from dateutil.rrule import rrule, rruleset, rrulestr

    first = start.astimezone(own)
    found = rruleset()
    if event.get("RRULE") is None:
        found.rdate(first)  # with RDATEs alone, DTSTART is the first occurrence
    lengths: dict[datetime, timedelta] = {}
    if event.get("RRULE") is not None:
        for rule in _rules(event):
            rule = _own_rule(rule, first, own)
            try:
                found.rrule(cast(rrule, rrulestr(cast(Any, rule).to_ical().decode(),
                                                 dtstart=first)))
            except (ValueError, TypeError) as exc:
                raise InvalidInput(f"cannot be expanded: {exc}", field="RRULE") from None
    for value, params in stamps(event, "EXDATE"):
        found.exdate(_own_stamp(value, params, first, own, zones, "EXDATE"))
    for value, params in stamps(event, "RDATE"):
        if isinstance(value, tuple):
            at, lengths[at.astimezone(UTC)] = _period(value, params, first, own, zones)
        else:
            at = _own_stamp(value, params, first, own, zones, "RDATE")
        found.rdate(at)
    default = length if length is not None else timedelta(0)
    made: list[tuple[datetime, datetime]] = []
    for occurrence in found:
        at = bounded(occurrence.astimezone(UTC), "RRULE")
        if at > until or len(made) >= MAX_OWN:
            break
        made.append((at, bounded(at + lengths.get(at, default), "RDATE")))
    return made
