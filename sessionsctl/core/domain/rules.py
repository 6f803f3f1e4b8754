"""Domain rules: what a valid session, person or rating is, and how status may change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import policy
from .errors import InvalidInput
from .model import Session, SessionStatus
from .timeutil import within_years, zone

if TYPE_CHECKING:
    from .drafts import SessionDraft

# The longest a session may last: a residential trip or a fortnight's summer school fits, a
# nonsense end (a year on) does not. Overlap queries bound the start from below by it, which
# keeps them range scans of the start index.
MAX_SESSION_LENGTH = timedelta(days=14)
MAX_MINUTES = MAX_SESSION_LENGTH // timedelta(minutes=1)
LENGTHS = f"1 to {MAX_MINUTES} minutes ({MAX_SESSION_LENGTH.days} days)"

# The longest values the store keeps, the same on every backend (the title's is checked
# below with the other title rules). Every face and import is refused past them alike.
LIMITS = {"room": 200, "subject": 200, "location": 500, "link": 2000, "meeting_id": 200,
          "passcode": 200}
MAX_NOTE = 2000  # one note added to a session's notes

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")

# ARCHITECTURE.md, decision 4.
TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.SCHEDULED: frozenset({SessionStatus.IN_PROGRESS, SessionStatus.CANCELLED}),
    SessionStatus.IN_PROGRESS: frozenset({SessionStatus.COMPLETED, SessionStatus.CANCELLED}),
    SessionStatus.COMPLETED: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


# Undoing a status change (a mistake): back along the lifecycle, never on to a new status.
# A completed session is reopened (in progress or scheduled), a cancelled one reinstated.
REVERSALS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.SCHEDULED: frozenset(),
    SessionStatus.IN_PROGRESS: frozenset({SessionStatus.SCHEDULED}),
    SessionStatus.COMPLETED: frozenset({SessionStatus.IN_PROGRESS, SessionStatus.SCHEDULED}),
    SessionStatus.CANCELLED: frozenset({SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS}),
}


def check_reversal(current: SessionStatus, target: SessionStatus) -> None:
    """Refuse putting a session back to a status it cannot have had before ``current``."""
    if target not in REVERSALS[current]:
        raise InvalidInput(f"the session is {current.label} and cannot be put back to "
                           f"{target.label}", field="status")


def check_transition(current: SessionStatus, target: SessionStatus) -> None:
    """Refuse a status change the lifecycle does not allow."""
    if target not in TRANSITIONS[current]:
        raise InvalidInput(f"the session is {current.label} and cannot become {target.label}",
                           field="status")


def lifecycle_path(current: SessionStatus, target: SessionStatus) -> list[SessionStatus]:
    """The steps from ``current`` to ``target`` along the lifecycle, shortest first: completing
    a scheduled session passes through in progress. Refused when ``target`` cannot be reached."""
    paths: list[list[SessionStatus]] = [[current]]
    seen = {current}
    while paths:
        path = paths.pop(0)
        for step in sorted(TRANSITIONS[path[-1]]):
            if step is target:
                return path[1:] + [step]
            if step not in seen:
                seen.add(step)
                paths.append(path + [step])
    check_transition(current, target)  # raises: nothing leads there
    return [target]


# What is said about a session and what it cost: these may still change once it is over
# (notes are written after the lesson, payment comes later), for they never move it.
ANNOTATIONS = frozenset({"notes", "description", "cost", "payment_status"})


def editable(status: SessionStatus, changed: Iterable[str]) -> None:
    """A completed or cancelled session is not silently rescheduled (decision 4): of its
    fields only the annotations may change, never when, where or with whom."""
    if status not in (SessionStatus.COMPLETED, SessionStatus.CANCELLED):
        return
    fixed = sorted(set(changed) - ANNOTATIONS)
    if fixed:
        raise InvalidInput(f"the session is {status.label}: it cannot be changed ({', '.join(fixed)}); "
                           "its notes, description, cost and payment can", field="status")


def email(value: str, field: str = "email") -> str:
    """The normalised (lower-case) address, or an InvalidInput naming ``field``."""
    cleaned = value.strip().lower()
    if not _EMAIL.match(cleaned):
        raise InvalidInput(f"{value!r} is not an email address", field=field)
    return cleaned


_LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]{0,62}")


def login(value: str, field: str = "login") -> str:
    """A login as a database role or an operating-system user names it (as typed: roles
    are matched in their case)."""
    cleaned = value.strip()
    if not _LOGIN.fullmatch(cleaned):
        raise InvalidInput(f"{value!r} is not a login: letters, digits and _ . @ -, starting "
                           "with a letter or _, at most 63", field=field)
    return cleaned


def length(minutes: int, field: str = "duration") -> timedelta:
    """A session's length given in minutes, if a session may last that long (every face
    and import says the same range)."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"must be {LENGTHS}, not {minutes}", field=field)
    return timedelta(minutes=minutes)


def _minutes(span: timedelta) -> str:
    return f"{span / timedelta(minutes=1):,g}"


def name(value: str, field: str = "name") -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput("must not be empty", field=field)
    if len(cleaned) > 200:
        raise InvalidInput("is longer than 200 characters", field=field)
    return cleaned


def is_web_address(value: str) -> bool:
    """Whether ``value`` is an absolute address of one of :data:`policy.LINK_SCHEMES` with a
    host, and no space or control character in it (what mail shows as a link)."""
    if _SPACE_OR_CONTROL.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme.lower() in policy.LINK_SCHEMES and bool(parts.hostname)


def link(value: str | None, field: str = "link") -> str | None:
    """A session's link without surrounding spaces (None when empty), or an InvalidInput
    naming ``field`` when it is not a web address."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if not is_web_address(cleaned):
        schemes = " or ".join(f"{s}://" for s in sorted(policy.LINK_SCHEMES))
        raise InvalidInput(f"{value!r} is not a web address (it must begin with {schemes} "
                           "and name a host)", field=field)
    return cleaned


def rating(value: int, field: str = "rating") -> int:
    if not 1 <= value <= 5:
        raise InvalidInput(f"must be from 1 to 5, not {value}", field=field)
    return value


def positive(value: int | None, field: str) -> int | None:
    if value is not None and value < 1:
        raise InvalidInput(f"must be at least 1, not {value}", field=field)
    return value


def validate_session(draft: SessionDraft) -> SessionDraft:
    """Check every field of a session draft; return it with normalised values."""
    title = draft.title.strip()
    if not title:
        raise InvalidInput("must not be empty", field="title")
    if len(title) > 300:
        raise InvalidInput("is longer than 300 characters", field="title")
    zone(draft.tz, field="tz")
    if draft.start.tzinfo is None or draft.end.tzinfo is None:
        raise InvalidInput("must carry a time zone", field="start")
    within_years(draft.start, "start")
    within_years(draft.end, "end")
    if draft.end <= draft.start:
        raise InvalidInput("must be after the start", field="end")
    if draft.end - draft.start > MAX_SESSION_LENGTH:
        raise InvalidInput(f"is {_minutes(draft.end - draft.start)} minutes after the start, "
                           f"but a session lasts {LENGTHS}", field="end")
    mentor = email(draft.mentor, field="mentor")
    students = tuple(sorted({email(s, field="student") for s in draft.students}))
    if mentor in students:
        raise InvalidInput(f"{mentor} is the mentor and cannot also be a student",
                           field="student")
    for field_name, most in LIMITS.items():
        value = getattr(draft, field_name)
        if value is not None and len(value) > most:
            raise InvalidInput(f"is longer than {most} characters", field=field_name)
    checked_link = link(draft.link)
    positive(draft.max_participants, "max_participants")
    if draft.cost is not None:
        if not draft.cost.is_finite() or draft.cost < Decimal(0):
            raise InvalidInput(f"must be a positive amount, not {draft.cost}", field="cost")
        if draft.cost != draft.cost.quantize(Decimal("0.01")) or draft.cost >= Decimal(10) ** 8:
            raise InvalidInput(f"{draft.cost} is not an amount in cents below 100,000,000",
                               field="cost")
    cost = draft.cost.quantize(Decimal("0.01")) if draft.cost is not None else None
    kind = draft.type if draft.type is not None else policy.default_type(len(students))
    if (title, mentor, students, checked_link, cost, kind) == (
            draft.title, draft.mentor, draft.students, draft.link, draft.cost, draft.type):
        return draft  # already normal: the draft keeps its own (perhaps shared) values
    return replace(draft, title=title, mentor=mentor, students=students, link=checked_link,
                   cost=cost, type=kind)


def is_live(session: Session, now: datetime) -> bool:
    """Whether the session is on now: not completed or cancelled, its start passed and its
    end not (status follows the clock with no job to move it; a start marked by hand,
    in progress, is live too while its time lasts)."""
    return session.status in (SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS) \
        and session.start <= now < session.end


def check_started(session: Session, target: SessionStatus, now: datetime, force: bool) -> None:
    """Starting or completing a session before its start is refused unless ``force`` says
    it is meant (a typo'd id would otherwise close next week's lesson silently)."""
    if force or now >= session.start or target is SessionStatus.CANCELLED:
        return
    from zoneinfo import ZoneInfo

    verb = "completed" if target is SessionStatus.COMPLETED else "started"
    at = session.start.astimezone(ZoneInfo(session.tz))
    raise InvalidInput(f"session {session.id} starts {at:%a %d %b %Y %H:%M %Z}: it is not "
                       f"{verb} before then unless forced (--force)", field="force")
