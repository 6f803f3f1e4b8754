"""The attendance screen's writes, free of Textual: a queue written in the order given, and
for each write made, the changes that undo it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ...core.attendance import MarkChange, Roll
from ...core.domain.errors import SessionsctlError
from ...core.domain.model import AttendanceStatus

REST = "rest"  # the job that marks every unmarked student present
UNDO = "undo"  # the job that undoes the last write


@dataclass(frozen=True, slots=True)
class Job:
    """A write waiting in the queue: a student's mark (and note), REST or UNDO."""

    student: str
    status: AttendanceStatus | None = None
    note: str | None = None


class Writes:
    """The writes of one roster. The screen puts jobs in; one worker at a time takes them out
    and writes them, so an undo always follows the writes queued before it."""

    def __init__(self, roll: Roll, session_id: int) -> None:
        self.roll = roll
        self.session_id = session_id
        self.queue: deque[Job] = deque()
        self.done: list[list[MarkChange]] = []  # the writes made, latest last

    def write(self, job: Job, *, force: bool = False) -> list[MarkChange]:
        """Write ``job``; the changes it made (for an undo, those that undo the undo)."""
        if job.student == UNDO:
            if not self.done:
                raise SessionsctlError("nothing to undo: no mark was made here")
            # Taken off first: an undo refused (the mark changed since) is not tried again.
            return self.roll.restore(self.session_id, self.done.pop())
        if job.student == REST:
            changes = [MarkChange(None, m)
                       for m in self.roll.mark_rest(self.session_id, force=force)]
        else:
            assert job.status is not None
            changes = [self.roll.change(self.session_id, job.student, job.status,
                                        note=job.note, force=force)]
        if changes:
            self.done.append(changes)
        return changes
