"""One transaction over the tables, holding a repository per aggregate (never ORM objects)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from ..core.domain.errors import Ambiguous, NotFound
from ..core.identity import Acting, acting
from .repos.audit import SqlAudit
from .repos.lookup import Lookup
from .repos.people import SqlPeople

if TYPE_CHECKING:
    from ..core.domain.model import Person
    from .repos.access import SqlAccess
    from .repos.archive import SqlArchive
    from .repos.attendance import SqlAttendance
    from .repos.billing import SqlBilling
    from .repos.caldav_state import SqlCalDavState
    from .repos.calendar import SqlCalendar
    from .repos.courses import SqlCourses
    from .repos.invitations import SqlInvitations
    from .repos.materials import SqlMaterials
    from .repos.outbox import SqlOutbox
    from .repos.privacy import SqlPrivacy
    from .repos.recordings import SqlCheckins, SqlRecordings
    from .repos.registrations import SqlRegistrations
    from .repos.reports import SqlReports
    from .repos.requests import SqlRequests
    from .repos.rooms import SqlRooms
    from .repos.series import SqlSeries
    from .repos.sessions import SqlSessions
    from .repos.subjects import SqlSubjects


class SqlUnit:
    """The core UnitOfWork protocol inside one SQLAlchemy transaction: the acting person and
    the repositories, all on one connection and sharing one :class:`Lookup` of ids.

    Who acts and the audit log are read and kept from the start; every other repository is
    built, and its module imported, the first time the unit is asked for it: a command uses
    a few of them, and importing all of them was a tenth of starting one.
    """

    def __init__(self, db: Connection, asked: str | None, login: str, *,
                 private: bool = False) -> None:
        self.db = db
        self.private = private
        self.lookup = Lookup(db)
        self.people = SqlPeople(db, self.lookup)
        self.acting = self._acting(asked, login)
        self.actor: Person | None = self.acting.person
        self.audit = SqlAudit(db, self.actor, self.acting.by.email if self.acting.by else None)

    @cached_property
    def rooms(self) -> SqlRooms:
        from .repos.rooms import SqlRooms
        return SqlRooms(self.db, self.lookup)

    @cached_property
    def subjects(self) -> SqlSubjects:
        from .repos.subjects import SqlSubjects
        return SqlSubjects(self.db, self.lookup)

    @cached_property
    def sessions(self) -> SqlSessions:
        from .repos.sessions import SqlSessions
        return SqlSessions(self.db, self.actor, self.lookup, private=self.private)

    @cached_property
    def series(self) -> SqlSeries:
        from .repos.series import SqlSeries
        return SqlSeries(self.db, self.actor)

    @cached_property
    def calendar(self) -> SqlCalendar:
        from .repos.calendar import SqlCalendar
        return SqlCalendar(self.db, self.lookup)

    @cached_property
    def attendance(self) -> SqlAttendance:
        from .repos.attendance import SqlAttendance
        return SqlAttendance(self.db, self.actor, self.lookup)

    @cached_property
    def courses(self) -> SqlCourses:
        from .repos.courses import SqlCourses
        return SqlCourses(self.db)

    @cached_property
    def outbox(self) -> SqlOutbox:
        from .repos.outbox import SqlOutbox
        return SqlOutbox(self.db)

    @cached_property
    def reports(self) -> SqlReports:
        from .repos.reports import SqlReports
        return SqlReports(self.db)

    @cached_property
    def access(self) -> SqlAccess:
        from .repos.access import SqlAccess
        return SqlAccess(self.db)

    @cached_property
    def privacy(self) -> SqlPrivacy:
        from .repos.privacy import SqlPrivacy
        return SqlPrivacy(self.db)

    @cached_property
    def caldav(self) -> SqlCalDavState:
        from .repos.caldav_state import SqlCalDavState
        return SqlCalDavState(self.db)

    @cached_property
    def billing(self) -> SqlBilling:
        from .repos.billing import SqlBilling
        return SqlBilling(self.db, self.actor.id if self.actor else None)

    @cached_property
    def materials(self) -> SqlMaterials:
        from .repos.materials import SqlMaterials
        return SqlMaterials(self.db, self.lookup)

    @cached_property
    def requests(self) -> SqlRequests:
        from .repos.requests import SqlRequests
        return SqlRequests(self.db, self.actor, self.lookup)

    @cached_property
    def invitations(self) -> SqlInvitations:
        from .repos.invitations import SqlInvitations
        return SqlInvitations(self.db, self.actor, self.lookup)

    @cached_property
    def registrations(self) -> SqlRegistrations:
        from .repos.registrations import SqlRegistrations
        return SqlRegistrations(self.db, self.actor, self.lookup, private=self.private)

    @cached_property
    def recordings(self) -> SqlRecordings:
        from .repos.recordings import SqlRecordings
        return SqlRecordings(self.db, self.lookup)

    @cached_property
    def checkins(self) -> SqlCheckins:
        from .repos.recordings import SqlCheckins
        return SqlCheckins(self.db, self.lookup, private=self.private)

    @cached_property
    def archive(self) -> SqlArchive:
        from .repos.archive import SqlArchive
        return SqlArchive(self.db)

    def _acting(self, asked: str | None, login: str) -> Acting:
        """Who acts (:mod:`...core.identity`): ``login``'s person, or whom ``asked`` names."""
        person = None
        if asked:  # an email, or a name only one person has
            found = [p for p in [self.people.get(asked)] if p] if "@" in asked \
                else self.people.named(asked)
            if len(found) != 1:
                raise (NotFound("person", asked) if not found else Ambiguous(
                    asked, [p.label for p in found], field="as"))
            person = found[0]
        bound, admin_bound = self.people.by_login(login)
        return acting(login, bound, person, admin_bound=admin_bound)

    def flush(self) -> None:
        """Write what is pending (the audit records) before the transaction commits."""
        self.audit.flush()
