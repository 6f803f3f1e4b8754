"""The invoice lock: a session on an issued invoice keeps what made its amount until the
invoice is void.

Applied where every session write passes: the sessions repository of a writing unit of work
(:func:`..lock.guarded` holds every unit to it, whoever its actor), so a plain edit, scoped and
bulk changes, status changes (cancel, complete, reinstate), the roster (enrol, unenrol) and an
import by id are refused alike. What has no bearing on the amount (title, notes, description,
room, link, a student added beside those invoiced) stays free to change. The attendance
marks repository of the same unit asks it too (:meth:`InvoiceLock.mark`): an invoiced place's
mark may not change whether it is charged (an absence excused, or an excused one not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ..domain.drafts import Row, SessionQuery
from ..domain.errors import InvalidInput
from .rules import mark_charged

if TYPE_CHECKING:  # the protocols, for the types alone
    from ..domain.model import Session, SessionStatus
    from ..storage import AttendanceRepo, SessionRepo
    from .ports import BillingRepo

# What a session's charge is made of (the students: those invoiced staying on it).
PRICED = ("cost", "start", "end", "subject", "course_id", "batch_id")

Places = dict[str, int]  # student email -> the number of the issued invoice charging them


class InvoiceLock:
    """Refuses writes that would change an invoiced session's amount."""

    def __init__(self, billing: Callable[[], BillingRepo]) -> None:
        """``billing`` gives the unit's billing repository when a write needs it (booking new
        sessions never does, so it never loads billing's queries)."""
        self._billing = billing

    def places(self, session_ids: Sequence[int]) -> dict[int, Places]:
        """The invoiced places of these sessions, by session (sessions not invoiced absent)."""
        found: dict[int, Places] = {}
        for (session_id, student), number in self._billing().invoiced(session_ids).items():
            found.setdefault(session_id, {})[student] = number
        return found

    @staticmethod
    def refuse(session_id: int, places: Places, touched: Iterable[str]) -> None:
        what = list(dict.fromkeys(touched))
        if not what:
            return
        numbers = ", ".join(str(n) for n in sorted(set(places.values())))
        change = "be deleted" if what == ["session"] else f"change its {', '.join(what)}"
        raise InvalidInput(f"session {session_id} is on invoice {numbers}: it cannot {change} "
                           "unless the invoice is void (invoice void)", field=what[0])

    def update(self, sessions: SessionRepo, session_id: int, row: Row) -> None:
        places = self.places([session_id]).get(session_id)
        if not places:
            return
        before = sessions.get(session_id)
        if before is None:
            return
        touched = [f for f in PRICED if getattr(row.draft, f) != getattr(before, f)]
        if row.status != before.status:
            touched.append("status")
        if set(places) - set(row.draft.students):
            touched.append("students")
        self.refuse(session_id, places, touched)

    def set_status(self, sessions: SessionRepo, session_id: int,
                   status: SessionStatus) -> None:
        places = self.places([session_id]).get(session_id)
        if places:
            before = sessions.get(session_id)
            if before is not None and before.status != status:
                self.refuse(session_id, places, ["status"])

    def drop_student(self, session_id: int, student: str) -> None:
        places = self.places([session_id]).get(session_id, {})
        if student.lower() in {s.lower() for s in places}:
            self.refuse(session_id, places, ["students"])

    def set_course(self, sessions: SessionRepo, session_ids: Sequence[int],
                   course_id: int | None, batch_id: int | None) -> None:
        invoiced = self.places(session_ids)
        if not invoiced:
            return
        stored: list[Session] = sessions.find(SessionQuery(ids=tuple(invoiced)))
        for s in stored:
            touched = [f for f, v in (("course_id", course_id), ("batch_id", batch_id))
                       if getattr(s, f) != v]
            self.refuse(s.id, invoiced[s.id], touched)

    def delete(self, session_ids: Sequence[int]) -> None:
        for session_id, places in sorted(self.places(session_ids).items()):
            self.refuse(session_id, places, ["session"])

    def mark(self, marks: AttendanceRepo, session_id: int, student: str,
             status: str | None, *, adding: bool = False) -> None:
        """Refuse giving an invoiced place the mark ``status`` (None: taking its mark away)
        when that changes whether the place is charged; ``adding``: only if it has none (a
        mark there already is kept)."""
        places = self.places([session_id]).get(session_id, {})
        number = next((n for s, n in places.items() if s.lower() == student.lower()), None)
        if number is None:
            return
        before = next((m.status.value for m in marks.marks(session_id)
                       if m.student.lower() == student.lower()), None)
        if (adding and before is not None) or mark_charged(before) == mark_charged(status):
            return
        raise InvalidInput(
            f"session {session_id} is on invoice {number}: {student}'s mark cannot change "
            f"from {before or 'unmarked'} to {status or 'unmarked'}, which changes what the "
            "invoice charges, unless the invoice is void (invoice void)", field="status")
