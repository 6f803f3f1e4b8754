"""What the options of `session add` and `edit` say, as the fields of a draft."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..core.domain import rules
from ..core.domain.errors import InvalidInput
from ..core.domain.model import SessionType
from ..core.domain.timeutil import parse_end, parse_instant, zone
from .context import Cli


def _cost(text: str | None) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount", field="cost") from None


def _blank_is_none(value: str | None) -> str | None:
    return value or None


def changes_of(state: Cli, *, title: str | None, mentor: str | None,
               students: list[str] | None, room: str | None, subject: str | None,
               start: str | None, end: str | None, duration: int | None, tz: str | None,
               type_: SessionType | None, base_start: Any = None,
               **optional: Any) -> dict[str, Any]:
    """The draft fields the options give: times read in the booking zone, the people, room
    and subject as stored (a person may be named by email or name, :mod:`..core.names`)."""
    if end is not None and duration is not None:
        raise InvalidInput("give --end or --duration, not both", field="duration")
    zone_name = tz or state.tz_name
    booking_zone = zone(zone_name, field="tz")
    changes: dict[str, Any] = {}
    if tz is not None:
        changes["tz"] = zone_name
    if title is not None:
        changes["title"] = title
    if mentor is not None:
        changes["mentor"] = mentor
    if students is not None:
        changes["students"] = tuple(s for s in students if s)
    for key, value in (("room", room), ("subject", subject)):
        if value is not None:
            changes[key] = _blank_is_none(value)
    if type_ is not None:
        changes["type"] = type_
    if start is not None:
        changes["start"] = parse_instant(start, booking_zone, field="start", need_time=True)
    if end is not None:  # a time alone ("--end 15:00") is on the session's day
        begins = changes.get("start", base_start)
        changes["end"] = parse_end(end, booking_zone,
                                   begins if isinstance(begins, datetime) else None)
    if duration is not None:
        changes["end"] = changes.get("start", base_start) + rules.length(duration)
    for key, value in optional.items():
        if value is not None:
            changes[key] = _cost(value) if key == "cost" else (
                value if not isinstance(value, str) else _blank_is_none(value))
    if changes.keys() & {"mentor", "students", "room", "subject"}:
        changes = state.centre.people.resolve(changes)  # names as typed -> as stored
    return changes
