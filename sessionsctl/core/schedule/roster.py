"""A session's roster, a student at a time: `enrol` puts students on a session and `unenrol`
takes them off, each judged on its own (their own clashes, the session's seats), all of them or
none, and only those added or removed told. ``session edit --student`` still replaces the
whole roster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..access import Action
from ..domain import rules
from ..domain.errors import ConflictError, InvalidInput
from ..domain.serialize import record
from ..domain.words import counted
from ..names import Names
from .booking import check_options, draft_of, retry_race
from .conflicts import Conflict, capacity, clashes
from .sessions import get_session

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.drafts import SessionDraft
    from ..domain.model import Room, Session
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork
    from .booker import Booker


@dataclass(frozen=True, slots=True)
class RosterChange:
    """The session as it is now, who was put on it or taken off, and the clashes a forced
    enrolment was made over."""

    session: Session
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    forced_over: tuple[Conflict, ...] = ()


def seats(session: Session, room: Room | None = None) -> int | None:
    """How many students the session may hold: its own limit, or its room's if lower
    (None: no limit)."""
    limits = [n for n in (session.max_participants, room.capacity if room else None)
              if n is not None]
    return min(limits) if limits else None


def _distinct(emails: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(emails))


class Roster:
    """Putting students on a session and taking them off, one or many at once."""

    def __init__(self, ctx: Context, booker: Booker, notifier: Notifier) -> None:
        self.ctx = ctx
        self.booker = booker
        self.notifier = notifier

    def enrol(self, session_id: int, students: Sequence[str], *,
              force_reason: str | None = None, notify: bool = True) -> RosterChange:
        """Put ``students`` (emails or names) on session ``session_id``: refused, with
        nothing written, if any of them is not a student, is on it already, is busy then, or
        if the session has not the seats for them all (unless forced with a reason)."""
        check_options(force_reason, False)
        if not students:
            raise InvalidInput("name at least one student", field="student")
        return retry_race(lambda: self._enrol(session_id, students, force_reason, notify))

    def _enrol(self, session_id: int, students: Sequence[str], force_reason: str | None,
               notify: bool) -> RosterChange:
        with self.ctx.write() as uow:
            uow.sessions.hold(session_id)
            before = get_session(uow, session_id, Action.EDIT_SESSION)
            rules.editable(before.status, ["students"])
            added = _distinct(Names(uow).fields({"students": tuple(students)})["students"])
            there = [e for e in added if e in before.students]
            if there:
                raise InvalidInput(f"{', '.join(there)} {'is' if len(there) == 1 else 'are'} "
                                   f"on session {session_id} already", field="student")
            found = self.judge(uow, before, added)
            if found and force_reason is None:
                raise ConflictError(found)
            # A link forced over a student's clash is left out of PostgreSQL's overlap guard.
            uow.sessions.add_students(session_id, added,
                                      forced=any(c.kind == "student" for c in found))
            return self._done(uow, "enrol", before, notify, added=added,
                              forced_over=tuple(found),
                              reason=force_reason.strip() if found and force_reason else None)

    def judge(self, uow: UnitOfWork, session: Session, added: Sequence[str]) -> list[Conflict]:
        """What putting ``added`` on ``session`` meets: each one's own clashes at its time,
        and the seats it has (the mentor's and room's clashes are the session's own, judged
        when it was booked)."""
        draft: SessionDraft = replace(draft_of(session), students=tuple(added))
        refs = self.booker.resolve(uow, [draft])
        around = uow.sessions.overlapping(session.start, session.end, people=added, rooms=(),
                                          exclude=[session.id])
        found = [c for c in clashes(draft, around, refs.people) if c.kind == "student"]
        whole = replace(draft, students=(*session.students, *added))
        room = refs.rooms.get(session.room) if session.room else None
        return found + capacity(whole, room)

    def unenrol(self, session_id: int, students: Sequence[str], *,
                notify: bool = True) -> RosterChange:
        """Take ``students`` (emails or names) off session ``session_id``: refused, with
        nothing written, if any of them is not on it."""
        if not students:
            raise InvalidInput("name at least one student", field="student")
        with self.ctx.write() as uow:
            uow.sessions.hold(session_id)
            before = get_session(uow, session_id, Action.EDIT_SESSION)
            rules.editable(before.status, ["students"])
            names = Names(uow)
            removed = _distinct([names.person(s, "student").email for s in students])
            missing = [e for e in removed if e not in before.students]
            if missing:
                raise InvalidInput(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
                                   f" not on session {session_id} (it has "
                                   f"{counted(len(before.students), 'student')})",
                                   field="student")
            for email in removed:
                uow.sessions.drop_student(session_id, email)
            change = self._done(uow, "unenrol", before, notify, removed=removed)
            from .registration import promote  # the seats freed go to those waiting

            if promote(uow, self, self.notifier, session_id, self.ctx.clock(), notify):
                after = uow.sessions.get(session_id)
                assert after is not None
                change = replace(change, session=after)
            return change

    def _done(self, uow: UnitOfWork, action: str, before: Session, notify: bool, *,
              added: tuple[str, ...] = (), removed: tuple[str, ...] = (),
              forced_over: tuple[Conflict, ...] = (), reason: str | None = None
              ) -> RosterChange:
        after = uow.sessions.get(before.id)
        assert after is not None
        written = record(after)
        if reason is not None:  # what the enrolment was forced over is recorded with it
            written["force_reason"] = reason
        uow.audit.record(action, "session", before.id, record(before), written)
        if notify:
            self.notifier.roster(uow, after, added=added, removed=removed)
        return RosterChange(after, added, removed, forced_over)
