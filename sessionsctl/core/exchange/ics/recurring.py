"""A recurring event's RRULE/EXDATE/RDATE: as our rule text, or expanded in a file's own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

from icalendar import vRecur

from ...domain.errors import InvalidInput
from ...domain.timeutil import zone
from ..problems import bounded
from .properties import stamps
from .zones import FileZones

MAX_OWN = 5000  # occurrences of one event expanded in a file's own zone


def _rules(event: Any) -> list[Any]:
    rules_ = event.get("RRULE")
    return rules_ if isinstance(rules_, list) else [rules_]


def rule_text(event: Any, tz: str, zones: FileZones) -> str | None:
    """The event's RRULE, EXDATEs and RDATEs as lines in wall times of ``tz``."""
    if event.get("RRULE") is None:
        return None
    lines = []
    for item in _rules(event):
        value = item.to_ical() if hasattr(item, "to_ical") else item
        lines.append("RRULE:" + (value.decode() if isinstance(value, bytes) else str(value)))
    zone_ = zone(tz)
    for name in ("EXDATE", "RDATE"):
        for value, params in stamps(event, name):
            if isinstance(value, datetime):
                instant, _ = zones.instant(value, params, name)
                lines.append(f"{name}:{instant.astimezone(zone_):%Y%m%dT%H%M%S}")
            elif isinstance(value, date):
                lines.append(f"{name};VALUE=DATE:{value:%Y%m%d}")
            else:
                raise InvalidInput(f"cannot read {value!r}", field=name)
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


def own_occurrences(event: Any, start: datetime, own: tzinfo, zones: FileZones,
                    until: datetime) -> list[datetime]:
    """The starts (UTC) of a recurring event expanded in a file's own zone (a VTIMEZONE no
    IANA zone matches), wall time by wall time as the calendar that wrote it does; up to
    ``until``, and at most :data:`MAX_OWN` of them."""
    from dateutil.rrule import rrule, rruleset, rrulestr

    first = start.astimezone(own)
    found = rruleset()
    for rule in _rules(event):
        rule = _own_rule(rule, first, own)
        try:
            found.rrule(cast(rrule, rrulestr(cast(Any, rule).to_ical().decode(), dtstart=first)))
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"cannot be expanded: {exc}", field="RRULE") from None
    for name, add in (("EXDATE", found.exdate), ("RDATE", found.rdate)):
        for value, params in stamps(event, name):
            add(_own_stamp(value, params, first, own, zones, name))
    starts: list[datetime] = []
    for occurrence in found:
        if occurrence.astimezone(UTC) > until or len(starts) >= MAX_OWN:
            break
        starts.append(bounded(occurrence.astimezone(UTC), "RRULE"))
    return starts
