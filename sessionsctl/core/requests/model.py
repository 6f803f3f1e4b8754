"""A mentorship request as a value, its lifecycle, and reading what a user typed for one."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from ..domain.errors import InvalidInput
from ..domain.model import SessionType

SHORTEST, LONGEST = 30, 60  # minutes a requested session may last
EXPIRE_AFTER = timedelta(days=7)  # an open request nobody claimed is expired after this
RELEASE_AFTER = timedelta(hours=48)  # a claim never scheduled goes back to the queue after this
MAX_TITLE, MAX_DESCRIPTION, MAX_TAGS, MAX_PREFERENCES = 200, 2000, 10, 10


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for the most urgent: the queue's order."""
        return {"high": 0, "normal": 1, "low": 2}[self.value]


class RequestStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# Every move a request may make (a release and a lapsed claim are claimed -> open). Expired,
# cancelled and completed requests are final: nothing reopens them.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.OPEN: frozenset({RequestStatus.CLAIMED, RequestStatus.EXPIRED,
                                   RequestStatus.CANCELLED}),
    RequestStatus.CLAIMED: frozenset({RequestStatus.OPEN, RequestStatus.SCHEDULED,
                                      RequestStatus.CANCELLED}),
    RequestStatus.SCHEDULED: frozenset({RequestStatus.COMPLETED, RequestStatus.CANCELLED}),
    RequestStatus.COMPLETED: frozenset(),
    RequestStatus.EXPIRED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


def sources(target: RequestStatus) -> tuple[RequestStatus, ...]:
    """The statuses a request may move to ``target`` from."""
    return tuple(s for s, nexts in TRANSITIONS.items() if target in nexts)


@dataclass(frozen=True, slots=True)
class Preference:
    """A day the student can come, and the hours of it (wall times in the request's zone;
    none: any time the centre is open)."""

    day: date
    start: time | None = None
    end: time | None = None

    def __str__(self) -> str:
        hours = f" {self.start:%H:%M}-{self.end:%H:%M}" if self.start and self.end else ""
        return f"{self.day.isoformat()}{hours}"


@dataclass(frozen=True, slots=True)
class RequestDraft:
    """What a student asks for (validated by :func:`validate`)."""

    title: str
    student: str  # email
    minutes: int
    tz: str
    urgency: Urgency = Urgency.NORMAL
    type: SessionType = SessionType.INDIVIDUAL
    description: str | None = None
    preferences: tuple[Preference, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MentorRequest:
    """A stored request."""

    id: int
    title: str
    student: str  # email
    minutes: int
    tz: str
    urgency: Urgency
    type: SessionType
    status: RequestStatus
    created_at: datetime
    description: str | None = None
    preferences: tuple[Preference, ...] = ()
    tags: tuple[str, ...] = ()
    mentor: str | None = None  # who claimed it
    session_id: int | None = None  # the session it was scheduled as
    claimed_at: datetime | None = None
    changed_at: datetime | None = None
    created_by: str | None = None  # staff asking on a student's behalf
    feedback_asked_at: datetime | None = None

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True)
class RequestQuery:
    """A filter over requests; the parts combine with AND."""

    statuses: tuple[RequestStatus, ...] = ()
    student: str | None = None
    mentor: str | None = None
    tag: str | None = None
    urgency: Urgency | None = None
    ids: tuple[int, ...] = field(default_factory=tuple)


_PREFER = re.compile(r"^\s*(\S+)(?:\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2}))?\s*$")
_TAG = re.compile(r"^[\w][\w.+#-]{0,39}$")


def _clock(text: str, what: str) -> time:
    try:
        hours, minutes = (int(p) for p in text.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a time of day (e.g. 15:30)", field=what) from None


def preference(text: str, read_day: Callable[[str], date]) -> Preference:
    """``2027-03-02`` or ``2027-03-02 15:00-17:00`` (the day as any date people type,
    read by ``read_day``, a callable of the face's zone)."""
    match = _PREFER.match(text)
    if not match:
        raise InvalidInput(f"{text!r} is not a day with optional hours (2027-03-02 15:00-17:00)",
                           field="prefer")
    day = read_day(match.group(1))
    if match.group(2) is None:
        return Preference(day)
    start, end = _clock(match.group(2), "prefer"), _clock(match.group(3), "prefer")
    if end <= start:
        raise InvalidInput(f"{text!r}: the hours end before they start", field="prefer")
    return Preference(day, start, end)


def validate(draft: RequestDraft) -> RequestDraft:
    """``draft`` cleaned up, or :class:`InvalidInput` naming the field that is wrong."""
    title = " ".join(draft.title.split())
    if not title:
        raise InvalidInput("must not be empty", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"is longer than {MAX_TITLE} characters", field="title")
    if not SHORTEST <= draft.minutes <= LONGEST:
        raise InvalidInput(f"a requested session lasts {SHORTEST} to {LONGEST} minutes, not "
                           f"{draft.minutes}", field="duration")
    description = (draft.description or "").strip() or None
    if description and len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"is longer than {MAX_DESCRIPTION} characters", field="description")
    tags = tuple(dict.fromkeys(t.strip().lower() for t in draft.tags if t.strip()))
    for tag in tags:
        if not _TAG.match(tag):
            raise InvalidInput(f"{tag!r} is not a tag (a word of letters, digits, . + # -)",
                               field="tag")
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags", field="tag")
    if len(draft.preferences) > MAX_PREFERENCES:
        raise InvalidInput(f"at most {MAX_PREFERENCES} preferred days", field="prefer")
    preferences = tuple(sorted(set(draft.preferences),
                               key=lambda p: (p.day, p.start or time(), p.end or time())))
    return RequestDraft(title, draft.student, draft.minutes, draft.tz, draft.urgency,
                        draft.type, description, preferences, tags)


def queue_order(request: MentorRequest) -> tuple[int, datetime]:
    """The open queue's order: the most urgent first, then the oldest."""
    return (request.urgency.rank, request.created_at)
