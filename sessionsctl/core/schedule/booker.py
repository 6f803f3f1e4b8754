"""The one path every booking takes: resolve who and what a request names, judge each row
(against the store and the rows before it), write all rows or none, and queue the notices.
Sessions, series and imports all book through a :class:`Booker`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from ..access import Action, require
from ..domain.errors import InvalidInput
from ..domain.model import Role, Room, Subject
from ..domain.serialize import record
from ..mail.notices import NoticeKind
from ..names import Names
from ..upkeep import check_bookable
from .booking import BookingResult
from .conflicts import Clashes, Conflict, refused, shown
from .judge import Busy, Refs, judge, together

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import Row, SessionDraft
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork


class Booker:
    """Judges and writes bookings inside a caller's unit of work."""

    def __init__(self, ctx: Context, notifier: Notifier) -> None:
        self.ctx = ctx
        self.notifier = notifier

    def resolve(self, uow: UnitOfWork, drafts: Sequence[SessionDraft]) -> Refs:
        """Check that everyone and everything the drafts name exists, in the right role,
        and load what their conflicts are judged against: one look-up per kind per batch.
        A draft holds emails and rooms' and subjects' stored names (a face turns what a user
        typed into them first, :mod:`..names`); anything else is refused as not found, with
        the nearest there are."""
        names = Names(uow)
        people = uow.people.by_email({e for d in drafts for e in (d.mentor, *d.students)})
        rooms: dict[str, Room] = {}
        subjects: dict[str, Subject] = {}
        now = self.ctx.clock()
        for draft in drafts:
            mentor = people.get(draft.mentor)
            if mentor is None:
                raise names.unknown(draft.mentor, "mentor")
            if not mentor.role.teaches:
                raise InvalidInput(f"{mentor.label} is {mentor.role.a}, not a mentor",
                                   field="mentor")
            for email in draft.students:
                if email not in people:
                    raise names.unknown(email, "student")
                if people[email].role is not Role.STUDENT:
                    raise InvalidInput(f"{people[email].label} is {people[email].role.a}, "
                                       "not a student", field="student")
            if draft.room is not None and draft.room not in rooms:
                room = uow.rooms.get(draft.room)
                if room is None:
                    raise names.missing("room", draft.room)
                rooms[draft.room] = room
            if draft.subject is not None and draft.subject not in subjects:
                subject = uow.subjects.get(draft.subject)
                if subject is None:
                    raise names.missing("subject", draft.subject)
                subjects[draft.subject] = subject
            check_bookable(draft, people, rooms.get(draft.room or ""),
                           subjects.get(draft.subject or ""), now)
        if not drafts:
            return Refs(rooms, {}, {}, [], people)
        mentors = {d.mentor for d in drafts}
        first = min(d.start for d in drafts)
        last = max(d.end for d in drafts)
        days = (first.date() - timedelta(days=1), last.date() + timedelta(days=1))
        return Refs(
            rooms, uow.calendar.availability(mentors), uow.calendar.time_off(mentors, first, last),
            uow.calendar.closures(*days), people, uow.calendar.dated(mentors, *days))

    def against_stored(self, uow: UnitOfWork, drafts: Sequence[SessionDraft], refs: Refs,
                       exclude: Sequence[int] = ()) -> list[list[Conflict]]:
        """Every reason each draft cannot be booked as it stands (against the database only).

        One range query covers the whole batch (its span, its people and rooms); each draft
        is then judged in memory against the sessions around it.
        """
        if not drafts:
            return []
        busy = Busy(uow.sessions.overlapping(
            min(d.start for d in drafts), max(d.end for d in drafts),
            people={p for d in drafts for p in (d.mentor, *d.students)},
            rooms={d.room for d in drafts if d.room}, exclude=exclude,
            within=sorted((d.start, d.end) for d in drafts)))
        return [judge(d, busy.around(d.start, d.end), refs) for d in drafts]

    def judge_together(self, uow: UnitOfWork, rows: Sequence[Row], exclude: Sequence[int] = (),
                       *, skip_conflicts: bool = False) -> list[Clashes]:
        """Each row's conflicts, against the database and against the rows before it in the
        same request (with ``skip_conflicts`` a row that clashes is not booked, so it holds
        nothing for the rows after it). What a bulk booking refuses on, and what a series
        check reports before one."""
        refs = self.resolve(uow, [r.draft for r in rows])
        return together(rows, self.against_stored(uow, [r.draft for r in rows], refs, exclude),
                        skip_conflicts=skip_conflicts, people=refs.people)

    def book(self, uow: UnitOfWork, rows: Sequence[Row], *, force_reason: str | None = None,
             skip_conflicts: bool = False, exclude: Sequence[int] = (),
             notify: bool = True) -> BookingResult:
        """Check every row, then write all of them or none, inside the caller's transaction.

        Each row is checked against the database and against the rows before it. With no
        conflicts everything is booked; otherwise, by default, nothing is written and every
        conflict is raised at once; ``skip_conflicts`` books the rows that are free; a
        ``force_reason`` books all rows and records the reason on those that clashed.
        ``notify`` queues the booking notices.
        """
        for mentor in sorted({r.draft.mentor for r in rows}):
            require(uow.actor, Action.BOOK, mentor=mentor)
        accepted: list[Row] = []
        skipped: list[Row] = []
        judged = self.judge_together(uow, rows, exclude, skip_conflicts=skip_conflicts)
        for row, clashing in zip(rows, judged, strict=True):
            if clashing and skip_conflicts:
                skipped.append(row)
                continue
            if clashing and force_reason is not None:
                row = replace(row, force_reason=force_reason.strip())
            accepted.append(row)
        if any(judged) and force_reason is None and not skip_conflicts:
            raise refused(judged)
        booked = uow.sessions.insert(accepted)
        for session in booked:
            uow.audit.record("book", "session", session.id, None, record(session))
        if notify:
            self.notifier.notify(uow, NoticeKind.BOOKED, booked)
        return BookingResult(booked, shown(judged), [r.draft for r in skipped], skipped,
                             more=sum(c.more for c in judged))
