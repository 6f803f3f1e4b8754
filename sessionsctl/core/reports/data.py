"""What report queries take and hand back: a filter, and counts grouped by a key (the store
aggregates them in SQL; core.reports turns them into reports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from .rates import Completion, Tally

if TYPE_CHECKING:
    from ..domain.model import AttendanceStatus, SessionStatus

V = TypeVar("V")

ATTENDANCE_GROUPS = ("student", "batch", "subject", "mentor")
COMPLETION_GROUPS = ("subject", "mentor", "batch")


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which sessions a report counts: those starting in ``[start, end)``, narrowed by the
    other parts (combined with AND). Cancelled sessions are counted where a report says so."""

    start: datetime
    end: datetime
    mentor: str | None = None
    student: str | None = None
    subject: str | None = None
    course: str | None = None  # its sessions, in any of its batches or none
    batch: str | None = None  # a batch of ``course``: its sessions only
    with_archive: bool = False  # archived sessions too (`sessionsctl archive`)


@dataclass(frozen=True, slots=True)
class Group(Generic[V]):
    """One row of an aggregate: its key (an email, a name, or None for "none") and counts."""

    key: str | None
    label: str
    value: V


@dataclass(frozen=True, slots=True)
class MentorFigures:
    email: str
    name: str
    sessions: Completion
    hours: float  # of completed sessions
    marks: Tally  # of their students, in their non-cancelled sessions
    ratings: int  # feedback given by others on their sessions
    rating_sum: int

    @property
    def average_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


@dataclass(frozen=True, slots=True)
class StudentSession:
    """One session of one student, with their mark and the rating they gave."""

    session_id: int
    start: datetime
    end: datetime
    title: str
    mentor: str
    subject: str | None
    status: SessionStatus
    attendance: AttendanceStatus | None
    rating: int | None
    mentor_name: str = ""


__all__ = ["ATTENDANCE_GROUPS", "COMPLETION_GROUPS", "Completion", "Group", "MentorFigures",
           "ReportFilter", "StudentSession", "Tally"]
