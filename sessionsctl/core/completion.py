"""What follows a session's completion, by whichever path it completes (`session complete`,
`session close-ended`): its unmarked students marked absent (or left unmarked, the config's
``unmarked``), the request it was scheduled for completed, and its mentor sent a summary of
the attendance, once per session, all in the transaction that completes it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from .attendance import unmarked
from .domain.errors import InvalidInput
from .domain.model import Attendance, AttendanceStatus, Session
from .domain.serialize import record
from .mail.notices import Notice, NoticeKind

if TYPE_CHECKING:
    from .storage import UnitOfWork

Unmarked = Literal["absent", "leave"]
UNMARKED: tuple[Unmarked, ...] = ("absent", "leave")
SUMMARY = "attendance_summary"  # the template of the mentor's summary


def check_unmarked(value: str, field: str = "unmarked") -> Unmarked:
    """``value`` as an :data:`Unmarked`, or refused naming ``field``."""
    if value not in UNMARKED:
        raise InvalidInput(f"must be one of {', '.join(UNMARKED)}, not {value!r}", field=field)
    return value


def completed(uow: UnitOfWork, session: Session, now: datetime, unmarked_as: Unmarked, *,
              notify: bool = True) -> list[str]:
    """Run in the transaction that just completed ``session``; returns the students it marked
    absent. A second completion (reopened, then completed again) marks only those still
    unmarked and queues no second summary; none at all unless ``notify``."""
    absent: list[str] = []
    if unmarked_as == "absent":
        for student in unmarked(session, uow.attendance.marks(session.id)):
            mark = Attendance(session.id, student, AttendanceStatus.ABSENT, None, None, None,
                              uow.actor.email if uow.actor else None, now)
            if uow.attendance.add_mark(mark):  # else marked meanwhile: kept
                uow.audit.record("attendance", "session", session.id, None, record(mark))
                absent.append(student)
    from .requests.service import session_completed  # only when one completes

    session_completed(uow, session, now)
    # The session's row was just written: a second completion racing this one waits for
    # this commit, then finds the summary queued.
    if notify and not uow.outbox.queued(SUMMARY, session.id):
        status = {m.student: m.status.value for m in uow.attendance.marks(session.id)}
        marks: dict[str, list[str]] = {s.value: [] for s in AttendanceStatus}
        marks["unmarked"] = []
        for student in session.students:  # in roster order
            marks[status.get(student, "unmarked")].append(student)
        uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, SUMMARY, session.mentor, session.id,
                                   None, {"marks": marks})], now=now)
    return absent
