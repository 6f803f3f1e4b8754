"""Reading the booking form: what was typed, as a draft and a problem per field (no Textual here).

The face only reads text (times, numbers, the repeat choice); whether the result is a valid
session is core's to say (`core.drafts.problems`), and whether it clashes, core's `check`.
Also here: where a new booking starts, the zone names the zone field completes from, and
which field a refusal from core belongs beside.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ....core.domain import policy, rules
from ....core.domain.drafts import SessionDraft
from ....core.domain.errors import Ambiguous, InvalidInput, NotFound, SessionsctlError
from ....core.domain.model import PaymentStatus, Session, SessionType
from ....core.domain.problems import problems
from ....core.domain.timeutil import localize, parse_day, parse_end, parse_instant, zone
from ....core.domain.typed import clock_time
from ....core.names import Resolver, is_email
from ....core.schedule.booking import draft_of

if TYPE_CHECKING:
    from ...context import TuiContext

_MINUTES = re.compile(r"^\+\s*(\d+)\s*(m|min)?$")
_TIMES = re.compile(r"^([+-]?\d+)\s*(x|times?)?$")
_UNTIL = re.compile(r"^(until|till|til|to|up to|through|ending)\s+")
DEFAULT_TIMES = 10  # a repeating booking left without an end

REPEATS = {
    "none": "Does not repeat",
    "weekly": "Every week",
    "fortnightly": "Every 2 weeks",
    "weekdays": "Every weekday",
    "daily": "Every day",
    "custom": "Custom rule (RFC 5545)",
}
_RULES = {"weekly": "FREQ=WEEKLY", "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
          "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "daily": "FREQ=DAILY"}

# Where core's field names are shown in the form.
FIELD_OF = {"student": "students", "max_participants": "max", "payment_status": "payment",
            "draft": "title", "session": "title", "repeat": "repeat", "person": "students",
            "edit": "title", "status": "title", "scope": "title", "reason": "force",
            "force": "force"}


# The field of the form an unknown reference belongs beside.
KIND_FIELD = {"mentor": "mentor", "student": "students", "person": "students", "room": "room",
              "subject": "subject", "term": "count"}



def form_field(core_field: str | None) -> str:
    return FIELD_OF.get(core_field or "draft", core_field or "title")


def field_of(error: SessionsctlError, default: str | None = None) -> str | None:
    """The field a refusal from core is shown beside: an unknown mentor, student, room... or
    a value core found wrong (``default`` for any other unknown reference)."""
    if isinstance(error, NotFound):
        return KIND_FIELD.get(error.kind, default)
    if isinstance(error, InvalidInput):
        return form_field(error.field)
    return None


def default_start(ctx: TuiContext, day: date) -> datetime:
    """The next full hour when ``day`` is today and that is within the working day, else
    16:00 (after school) on ``day``."""
    now = ctx.now().astimezone(ctx.tz)
    wall = datetime.combine(day, time(16))
    if day == now.date():
        soon = now.replace(minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(hours=1)
        opening, closing = policy.OPENING_HOURS  # a sensible default start lies within
        if opening <= soon.time() <= closing:
            wall = soon
    return localize(wall, ctx.tz)


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """Every IANA zone name, for the zone field's completion (read once: it walks tzdata)."""
    from zoneinfo import available_timezones

    return sorted(available_timezones())


@dataclass(frozen=True, slots=True)
class FormValues:
    """The form as typed: every value a string (or a choice)."""

    title: str = ""
    mentor: str = ""
    students: tuple[str, ...] = ()
    start: str = ""
    end: str = ""
    tz: str = ""
    type: SessionType | None = None  # None: by the number of students
    room: str = ""
    subject: str = ""
    repeat: str = "none"
    count: str = ""
    rule: str = ""
    max: str = ""
    location: str = ""
    link: str = ""
    meeting_id: str = ""
    passcode: str = ""
    cost: str = ""
    payment: PaymentStatus = PaymentStatus.UNPAID
    description: str = ""
    notes: str = ""
    force: str = ""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the form says: a draft when every field reads, the problems by field otherwise."""

    draft: SessionDraft | None
    errors: dict[str, str]
    rule: str | None = None  # the RRULE a new series is booked with
    term: str | None = None  # the term it runs within (core bounds the rule by it)

    @property
    def ok(self) -> bool:
        return self.draft is not None and not self.errors


def read_end(text: str, start: datetime | None, tz: ZoneInfo) -> datetime:
    """An end as typed: ``17:00`` or ``5pm`` (the start's day), ``+45`` (minutes), or a day
    and time (as any time is typed)."""
    raw = text.strip()
    if not raw:
        raise InvalidInput("give an end time (17:00) or a length in minutes (+60)", field="end")
    if minutes := _MINUTES.match(raw):
        if start is None:
            raise InvalidInput("a length needs a start", field="end")
        return start + timedelta(minutes=int(minutes.group(1)))
    return parse_end(raw, tz, start)


def _number(text: str, field: str, errors: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        errors[field] = f"{text.strip()!r} is not a whole number"
        return None


def repeat_end(text: str, tz: ZoneInfo, now: datetime,
               terms: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """How a repeating booking ends, as typed (what `session add --repeat` takes with COUNT
    or UNTIL, or `--term`): a number of times (``10``, ``10 times``), a last day as people
    type it (``until 28 Jan``, ``2027-01-28``, ``next friday``), or the name of a term.
    As (the rule's COUNT or UNTIL part, the term); empty: ten times."""
    raw = " ".join(text.split())
    if not raw:
        return f"COUNT={DEFAULT_TIMES}", None
    if times := _TIMES.match(raw.lower()):
        count = int(times.group(1))
        if count < 1:
            raise InvalidInput("must be at least 1", field="count")
        return f"COUNT={count}", None
    term = next((t for t in terms if t.lower() == raw.lower()), None)
    if term is not None:
        return None, term
    try:
        last = parse_day(_UNTIL.sub("", raw.lower()), tz, field="count", now=now)
    except InvalidInput:
        known = f"; terms: {', '.join(terms)}" if terms else ""
        raise InvalidInput(f"{raw!r} is not a number of times, a last day (until 28 Jan) "
                           f"or a term{known}", field="count") from None
    return f"UNTIL={last:%Y%m%d}", None  # a day's UNTIL takes in the whole day


def repeat_rule(values: FormValues, errors: dict[str, str], tz: ZoneInfo, now: datetime,
                terms: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """The rule a new series is booked with, and the term it runs within."""
    if values.repeat == "none":
        return None, None
    if values.repeat == "custom":
        if not values.rule.strip():
            errors["rule"] = "give a rule, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10"
            return None, None
        return values.rule.strip(), None
    try:
        end, term = repeat_end(values.count, tz, now, terms)
    except InvalidInput as exc:
        errors["count"] = exc.detail
        return None, None
    return ";".join(p for p in (_RULES[values.repeat], end) if p), term


def read_form(values: FormValues, viewer_tz: ZoneInfo, now: datetime,
              known: Resolver | None = None, terms: Sequence[str] = ()) -> Reading:
    """The form as a draft, or its problems by field (in the order of the fields, so the
    first is the one to go to). With ``known`` (the people, rooms and subjects the pickers
    offer) a person may be typed by name and a room or subject in any case; ``terms`` are
    the names a repeating booking may run within."""
    errors: dict[str, str] = {}
    if known is not None:
        values = _named(values, known, errors)
    tz_name = values.tz.strip() or viewer_tz.key
    tz = _zone(tz_name, viewer_tz, errors)
    start = _start(values.start, tz, now, errors)
    end = _end(values.end, start, tz, errors)
    if not values.mentor.strip():
        errors["mentor"] = "is required"
    max_ = _number(values.max, "max", errors)
    cost = _cost(values.cost, errors)
    rule, term = repeat_rule(values, errors, tz, now, terms)
    draft = _draft(values, tz_name, start or now, end, max_, cost)
    for field, text in problems(draft).items():
        errors.setdefault(form_field(field), text)
    if errors:
        return Reading(None, errors, rule, term)
    # As core will book it: normalised, and with the policy's defaults (the session type).
    return Reading(rules.validate_session(draft), {}, rule, term)


def _named(values: FormValues, known: Resolver, errors: dict[str, str]) -> FormValues:
    """The people, room and subject typed, as core's draft holds them (:mod:`core.names`).
    A name several share is a problem of its field, and so is a person's name nobody in the
    pickers has; an email, room or subject they lack is left for core's check, which knows
    what was added since they were read."""

    def one(field: str, text: str, resolve: Callable[[str], str]) -> str:
        if not text.strip():
            return text
        try:
            return resolve(text)
        except Ambiguous as exc:
            errors.setdefault(field, exc.detail)
        except NotFound as exc:
            if field in ("mentor", "students") and not is_email(text):
                errors.setdefault(field, exc.message)
        return text

    return replace(
        values,
        mentor=one("mentor", values.mentor, lambda t: known.person(t, "mentor").email),
        students=tuple(one("students", s, lambda t: known.person(t, "student").email)
                       for s in values.students),
        room=one("room", values.room, lambda t: known.room(t).name),
        subject=one("subject", values.subject, lambda t: known.subject(t).name))


def _zone(name: str, viewer_tz: ZoneInfo, errors: dict[str, str]) -> ZoneInfo:
    """The booking's zone; the viewer's while the one typed is unknown."""
    try:
        return zone(name, field="tz")
    except InvalidInput as exc:
        errors["tz"] = exc.detail
        return viewer_tz


def _start(text: str, tz: ZoneInfo, now: datetime, errors: dict[str, str]) -> datetime | None:
    if not text.strip():
        errors["start"] = "is required (e.g. 2026-12-01 16:00)"
        return None
    try:
        return parse_instant(text, tz, field="start", now=now, need_time=True)
    except InvalidInput as exc:
        errors["start"] = exc.detail
        return None


def _end(text: str, start: datetime | None, tz: ZoneInfo,
         errors: dict[str, str]) -> datetime | None:
    """The end; an end relative to a start that does not read is not a problem of its own."""
    try:
        return read_end(text, start, tz)
    except InvalidInput as exc:
        relative = clock_time(text) is not None or _MINUTES.match(text.strip())
        if start is not None or not relative:
            errors["end"] = exc.detail
        return None


def _cost(text: str, errors: dict[str, str]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        errors["cost"] = f"{text.strip()!r} is not an amount"
        return None


def _draft(values: FormValues, tz_name: str, start: datetime, end: datetime | None,
           max_: int | None, cost: Decimal | None) -> SessionDraft:
    """The draft core judges (``start`` stands in for an end that does not read)."""
    students = tuple(s for s in values.students if s)
    return SessionDraft(
        title=values.title, mentor=values.mentor.strip() or "mentor@example.org",
        start=start, end=end or start + timedelta(hours=1), tz=tz_name,
        students=students, room=values.room.strip() or None,
        # No type chosen: core gives the policy's default (domain/policy.py), as for every face.
        subject=values.subject.strip() or None, type=values.type,
        description=values.description.strip() or None,
        location=values.location.strip() or None, link=values.link.strip() or None,
        meeting_id=values.meeting_id.strip() or None, passcode=values.passcode.strip() or None,
        max_participants=max_, notes=values.notes.strip() or None, cost=cost,
        payment_status=values.payment)


def opening_values(ctx: TuiContext, session: Session | None,
                   start: datetime | None) -> FormValues:
    """The form as it opens: filled in from ``session``, or a new hour-long booking from
    ``start`` (else the next sensible start today)."""
    if session is not None:
        return values_of(session)
    begin = start or default_start(ctx, ctx.today())
    return FormValues(start=f"{begin.astimezone(ctx.tz):%Y-%m-%d %H:%M}", end="+60",
                      tz=ctx.tz_name)


def values_of(session: Session) -> FormValues:
    """The form filled in from a stored session (times in the zone it was booked in)."""
    tz = zone(session.tz)
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return FormValues(
        title=session.title, mentor=session.mentor, students=session.students,
        start=f"{start:%Y-%m-%d %H:%M}", end=end_text, tz=session.tz, type=session.type,
        room=session.room or "", subject=session.subject or "",
        max=str(session.max_participants or ""), location=session.location or "",
        link=session.link or "", meeting_id=session.meeting_id or "",
        passcode=session.passcode or "", cost=str(session.cost) if session.cost is not None else "",
        payment=session.payment_status, description=session.description or "",
        notes=session.notes or "")


def changes_between(before: Session, draft: SessionDraft) -> dict[str, Any]:
    """The fields of ``draft`` that differ from the stored session (what `edit` is given)."""
    old = draft_of(before)
    found: dict[str, Any] = {}
    for f in fields(SessionDraft):
        new_value, old_value = getattr(draft, f.name), getattr(old, f.name)
        if f.name == "students":
            new_value, old_value = tuple(sorted(new_value)), tuple(sorted(old_value))
        if f.name == "title":
            new_value = new_value.strip()
        if new_value != old_value:
            found[f.name] = getattr(draft, f.name)
    return found


def with_slot(values: FormValues, start: datetime, end: datetime, tz: ZoneInfo) -> FormValues:
    """The form moved to a free slot (times written in the booking zone)."""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    end_text = (f"{local_end:%H:%M}" if local_end.date() == local_start.date()
                else f"{local_end:%Y-%m-%d %H:%M}")
    return replace(values, start=f"{local_start:%Y-%m-%d %H:%M}", end=end_text)


def keep_length(values: FormValues, length: timedelta, viewer_tz: ZoneInfo,
                now: datetime) -> FormValues | None:
    """``values`` with the end ``length`` after the start as typed, so moving a session's
    start moves its end too (as ``session edit --start`` does); None while the start or the
    zone cannot be read."""
    try:
        tz = zone(values.tz.strip() or viewer_tz.key, field="tz")
        start = parse_instant(values.start, tz, field="start", now=now, need_time=True)
    except InvalidInput:
        return None
    return with_slot(values, start, start + length, tz)
