"""The centre's two headline rates, defined once: the CLI reports, the HTML reports and the TUI
header all compute them here, from counts the store aggregates in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.model import AttendanceStatus


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide (a rate of nothing is unknown,
    not zero)."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Tally:
    """Attendance marks counted by status, plus the sessions they could have been given for."""

    present: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0
    sessions: int = 0  # student-sessions (one per student per non-cancelled session)

    @classmethod
    def of(cls, statuses: dict[AttendanceStatus, int], sessions: int = 0) -> Tally:
        return cls(statuses.get(AttendanceStatus.PRESENT, 0), statuses.get(AttendanceStatus.LATE, 0),
                   statuses.get(AttendanceStatus.ABSENT, 0),
                   statuses.get(AttendanceStatus.EXCUSED, 0), sessions)

    @property
    def marked(self) -> int:
        return self.present + self.late + self.absent + self.excused

    @property
    def unmarked(self) -> int:
        return max(0, self.sessions - self.marked)

    @property
    def attendance_rate(self) -> float | None:
        """Of the students marked present, late or absent, the share who came (present or
        late). Excused absences are left out of both sides; a student nobody marked is not
        counted."""
        return share(self.present + self.late, self.present + self.late + self.absent)

    @property
    def no_show_rate(self) -> float | None:
        """The other side of the attendance rate: of the same marks, the share absent."""
        return share(self.absent, self.present + self.late + self.absent)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.present + other.present, self.late + other.late,
                     self.absent + other.absent, self.excused + other.excused,
                     self.sessions + other.sessions)


@dataclass(frozen=True, slots=True)
class Completion:
    """Sessions counted by what became of them.

    ``due`` are the sessions that were to end by the moment the report looks from ("now");
    ``done`` are those of them completed.
    """

    total: int = 0
    completed: int = 0
    cancelled: int = 0
    due: int = 0
    done: int = 0

    @property
    def open(self) -> int:
        """Scheduled or in progress: still to happen, or happened and nobody closed them."""
        return self.total - self.completed - self.cancelled

    @property
    def completion_rate(self) -> float | None:
        """Of the sessions that were due to end by now, the share completed. A cancelled
        session counts as not completed (it was booked and did not happen), and so does one
        nobody closed yet; a session still running or to come is not counted."""
        return share(self.done, self.due)

    def __add__(self, other: Completion) -> Completion:
        return Completion(self.total + other.total, self.completed + other.completed,
                          self.cancelled + other.cancelled, self.due + other.due,
                          self.done + other.done)
