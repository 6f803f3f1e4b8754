"""One transaction over the tables, holding a repository per aggregate (never ORM objects)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ..core.domain.errors import Ambiguous, NotFound
from ..core.domain.model import Person
from ..core.identity import Acting, acting
from .repos.access import SqlAccess
from .repos.archive import SqlArchive
from .repos.attendance import SqlAttendance
from .repos.audit import SqlAudit
from .repos.billing import SqlBilling
from .repos.caldav_state import SqlCalDavState
from .repos.calendar import SqlCalendar
from .repos.courses import SqlCourses
from .repos.invitations import SqlInvitations
from .repos.lookup import Lookup
from .repos.materials import SqlMaterials
from .repos.outbox import SqlOutbox
from .repos.people import SqlPeople
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
    the repositories, all on one connection and sharing one :class:`Lookup` of ids."""

    def __init__(self, db: Connection, asked: str | None, login: str, *,
                 private: bool = False) -> None:
        self.db = db
        lookup = Lookup(db)
        self.people = SqlPeople(db, lookup)
        self.acting = self._acting(asked, login)
        self.actor: Person | None = self.acting.person
        self.rooms = SqlRooms(db, lookup)
        self.subjects = SqlSubjects(db, lookup)
        self.sessions = SqlSessions(db, self.actor, lookup, private=private)
        self.series = SqlSeries(db, self.actor)
        self.calendar = SqlCalendar(db, lookup)
        self.attendance = SqlAttendance(db, self.actor, lookup)
        self.courses = SqlCourses(db)
        self.outbox = SqlOutbox(db)
        self.audit = SqlAudit(db, self.actor, self.acting.by.email if self.acting.by else None)
        self.reports = SqlReports(db)
        self.access = SqlAccess(db)
        self.privacy = SqlPrivacy(db)
        self.caldav = SqlCalDavState(db)
        self.billing = SqlBilling(db, self.actor.id if self.actor else None)
        self.materials = SqlMaterials(db, lookup)
        self.requests = SqlRequests(db, self.actor, lookup)
        self.invitations = SqlInvitations(db, self.actor, lookup)
        self.registrations = SqlRegistrations(db, self.actor, lookup, private=private)
        self.recordings = SqlRecordings(db, lookup)
        self.checkins = SqlCheckins(db, lookup, private=private)
        self.archive = SqlArchive(db)

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
