"""The centre as the acting person sees it: one facade that composes the use-case services
and hands each its collaborators. Faces call ``centre.<service>.<use case>``."""

from __future__ import annotations

from .attendance import Roll
from .audit import AuditTrail
from .context import Clock, Context, utcnow
from .courses import Courses
from .directory import Directory
from .exchange.service import Exchange
from .feedback import Feedbacks
from .identity import Bindings
from .lock import CalendarLock
from .mail.notify import Notifier
from .mail.service import Mailing
from .privacy import Privacy
from .reports.service import Reporting
from .schedule.booker import Booker
from .schedule.booking import Booked, BookingResult, draft_of
from .schedule.bulk import BulkChanges
from .schedule.calendar import CentreCalendar
from .schedule.scopes import ScopedEdits
from .schedule.series import SeriesBook
from .schedule.sessions import SessionDetails, Sessions
from .schedule.slots import FreeSlots
from .storage import Store
from .upkeep import Upkeep

__all__ = ["Booked", "BookingResult", "Centre", "Clock", "SessionDetails", "draft_of", "utcnow"]


class Centre:
    """Every use case, grouped by what it is about."""

    def __init__(self, store: Store, actor: str | None = None, clock: Clock = utcnow) -> None:
        self.ctx = ctx = Context(store, actor, clock)
        notifier = Notifier(ctx)
        booker = Booker(ctx, notifier)
        scoped = ScopedEdits(ctx, booker, notifier)
        self.people = Directory(ctx)
        self.upkeep = Upkeep(ctx)
        self.access = Bindings(ctx)
        self.sessions = Sessions(ctx, booker, notifier, scoped)
        self.privacy = Privacy(ctx, self.sessions)
        self.bulk = BulkChanges(ctx, booker, notifier)
        self.series = SeriesBook(ctx, booker)
        self.calendar = CentreCalendar(ctx)
        self.slots = FreeSlots(ctx, booker)
        self.attendance = Roll(ctx)
        self.feedback = Feedbacks(ctx)
        self.courses = Courses(ctx)
        self.exchange = Exchange(ctx, booker)
        self.mail = Mailing(ctx)
        self.reports = Reporting(ctx)
        self.audit = AuditTrail(ctx, self.sessions, self.attendance)
        self.lock = CalendarLock(ctx)

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def actor(self) -> str | None:
        return self.ctx.actor

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.ctx.clock = clock  # every service shares the context
