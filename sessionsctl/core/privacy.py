"""A person's data on request: everything held about them (`person export`), and erasing it
(`person erase`) while their sessions, marks and ratings still count in history and reports.

Erasing replaces their name and email with an anonymous stand-in everywhere (the directory,
series templates, the audit log's records, mail to others such as a mentor's attendance
summary, archived or not), drops their free text (mark notes, feedback
comments), availability, time off and mail, and deactivates them. It is refused while sessions
to come or an open-ended series still name them, unless asked to cancel what they mentor and
take them off what they attend first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .access import Action, require, seen
from .domain.drafts import SessionQuery
from .domain.model import Person, Role, SessionStatus
from .domain.serialize import person_json, session_json
from .names import Names
from .upkeep import free_of_future, rename_in_series

if TYPE_CHECKING:
    from .context import Context
    from .schedule.sessions import Sessions
    from .storage import UnitOfWork

_TO_COME = (SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class Erased:
    person: Person  # as they are now: the anonymous stand-in
    cancelled: int  # sessions they mentored, cancelled first
    left: int  # sessions they were taken off
    audit_rewritten: int


def anonymous(person_id: int) -> tuple[str, str]:
    """The name and email an erased person is known by."""
    return f"Erased person #{person_id}", f"erased-{person_id}@erased.invalid"


class Privacy:
    def __init__(self, ctx: Context, sessions: Sessions) -> None:
        self.ctx = ctx
        self.sessions = sessions

    def _person(self, uow: UnitOfWork, ref: str, *, own: bool) -> Person:
        person = Names(uow).person(ref)
        actor = uow.actor
        if not (own and actor is not None and actor.id == person.id):
            require(actor, Action.EDIT_PERSON, role=person.role)
        return person

    def export(self, ref: str) -> dict[str, Any]:
        """Everything held about a person (staff for mentors and students, admins for anyone,
        and each person for themselves), their sessions as they would see them."""
        with self.ctx.read() as uow:
            person = self._person(uow, ref, own=True)
            mentored = [] if person.role is Role.STUDENT else uow.sessions.find(
                SessionQuery(mentor=person.email))
            attended = uow.sessions.find(SessionQuery(student=person.email))
            return {
                "person": person_json(person),
                "sessions_mentored": [session_json(seen(person, s)) for s in mentored],
                "sessions_attended": [session_json(seen(person, s)) for s in attended],
                **uow.privacy.held(person.id, person.email),
            }

    def erase(self, ref: str, *, cancel_future: bool = False) -> Erased:
        """Erase a person's personal data, keeping the history it is part of."""
        now = self.ctx.clock()
        with self.ctx.read() as uow:
            person = self._person(uow, ref, own=False)
            if not cancel_future:
                free_of_future(uow, person, now, "erased")
            to_come = SessionQuery(start=now, statuses=_TO_COME)
            hosted = uow.sessions.find(replace(to_come, mentor=person.email))
            attended = uow.sessions.find(replace(to_come, student=person.email))
        for s in hosted:  # each cancelled as `session cancel` does: its students are told
            self.sessions.cancel(s.id, "the mentor is no longer with the centre")
        with self.ctx.write() as uow:  # the rest at once, or nothing
            person = self._person(uow, person.email, own=False)
            name, email = anonymous(person.id)
            left = [s for s in attended if s.mentor != person.email]
            for s in left:  # taken off: nothing to judge, nobody else to tell
                uow.sessions.drop_student(s.id, person.email)
                uow.audit.record("edit", "session", s.id, {"students": [
                    email if e == person.email else e for e in s.students]}, {"students": [
                        e for e in s.students if e != person.email]})
            free_of_future(uow, person, now, "erased")
            rewritten = uow.privacy.erase(person.id, person.email, person.name, (name, email))
            rename_in_series(uow, {"mentor": person.email, "students": person.email}, email)
            gone = replace(person, name=name, email=email, tz=None, login=None, active=False)
            uow.people.change(gone)
            uow.audit.record("erase", "person", person.id, None, {"name": name, "email": email})
            return Erased(gone, len(hosted), len(left), rewritten)
