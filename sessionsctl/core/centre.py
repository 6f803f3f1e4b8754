"""The centre as the acting person sees it: one facade that composes the use-case services
and hands each its collaborators. Faces call ``centre.<service>.<use case>``.

Each service is built, and its module imported, when it is first used: a command that lists
sessions loads neither the iCalendar exchange nor mail templating nor the reports."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .context import Clock, Context, utcnow
from .schedule.booking import Booked, BookingResult, draft_of

if TYPE_CHECKING:
    from .absences import Absences
    from .archive.service import Archive
    from .attendance import Roll
    from .audit import AuditTrail
    from .backup.service import Backups
    from .billing.invoicing import Invoicing
    from .billing.payroll import Payroll
    from .billing.policy import BillingPolicy
    from .billing.service import Billing
    from .closing import Closing
    from .completion import Unmarked
    from .courses import Courses
    from .directory import Directory
    from .exchange.caldav_sync import CalDavSync
    from .exchange.service import Exchange
    from .feedback import Feedbacks
    from .identity import Bindings
    from .invitations.service import Invitations
    from .lock import CalendarLock
    from .mail.notify import Notifier
    from .mail.service import Mailing
    from .mail.setup import MailSetup
    from .materials import Materials
    from .privacy import Privacy
    from .reports.delivery import ReportMail
    from .reports.service import Reporting
    from .requests.service import Requests
    from .schedule.booker import Booker
    from .schedule.bulk import BulkChanges
    from .schedule.calendar import CentreCalendar
    from .schedule.checkin import Checkins
    from .schedule.flags import Flags
    from .schedule.joining import Joining
    from .schedule.recordings import Recordings
    from .schedule.registration import Registration
    from .schedule.roster import Roster
    from .schedule.scopes import ScopedEdits
    from .schedule.series import SeriesBook
    from .schedule.sessions import SessionDetails, Sessions
    from .schedule.slots import FreeSlots
    from .storage import Store
    from .upkeep import Upkeep

__all__ = ["Booked", "BookingResult", "Centre", "Clock", "SessionDetails", "draft_of", "utcnow"]


def __getattr__(name: str) -> object:
    if name == "SessionDetails":  # re-exported, from the module it needs anyway
        from .schedule.sessions import SessionDetails

        return SessionDetails
    raise AttributeError(name)


class Centre:
    """Every use case, grouped by what it is about. ``mail_setup`` gives the templates and
    the SMTP transport, asked for when mail is first used."""

    def __init__(self, store: Store, actor: str | None = None, clock: Clock = utcnow, *,
                 mail_setup: Callable[[], MailSetup] | None = None,
                 billing_policy: BillingPolicy | None = None,
                 material_limit: int | None = None,
                 feedback_categories: Sequence[str] = (),
                 late_grace: timedelta | None = None, unmarked: str = "absent") -> None:
        self.ctx = Context(store, actor, clock)
        self._mail_setup = mail_setup
        self._billing_policy = billing_policy
        self._material_limit = material_limit
        self._feedback_categories = tuple(feedback_categories)
        self._late_grace = late_grace
        self._unmarked = unmarked  # config unmarked: absent | leave, when a session completes

    # ----------------------------------------------- what the services share, built once
    @cached_property
    def _notifier(self) -> Notifier:
        from .mail.notify import Notifier

        return Notifier(self.ctx)

    @cached_property
    def _booker(self) -> Booker:
        from .schedule.booker import Booker

        return Booker(self.ctx, self._notifier)

    @cached_property
    def _scoped(self) -> ScopedEdits:
        from .schedule.scopes import ScopedEdits

        return ScopedEdits(self.ctx, self._booker, self._notifier)

    # -------------------------------------------------------------------- the services
    @cached_property
    def people(self) -> Directory:
        from .directory import Directory

        return Directory(self.ctx)

    @cached_property
    def sessions(self) -> Sessions:
        from .schedule.sessions import Sessions

        def unmarked() -> Unmarked:
            from .completion import check_unmarked

            return check_unmarked(self._unmarked)

        return Sessions(self.ctx, lambda: self._booker, lambda: self._notifier,
                        lambda: self._scoped, unmarked)

    @cached_property
    def roster(self) -> Roster:
        from .schedule.roster import Roster

        return Roster(self.ctx, self._booker, self._notifier)

    @cached_property
    def flags(self) -> Flags:
        from .schedule.flags import Flags

        return Flags(self.ctx)

    @cached_property
    def registration(self) -> Registration:
        from .schedule.registration import Registration

        return Registration(self.ctx, self.roster, self._notifier)

    @cached_property
    def recordings(self) -> Recordings:
        from .schedule.recordings import Recordings

        return Recordings(self.ctx)

    @cached_property
    def checkins(self) -> Checkins:
        from .domain.policy import LATE_GRACE
        from .schedule.checkin import Checkins

        return Checkins(self.ctx, self._late_grace if self._late_grace is not None else LATE_GRACE)

    @cached_property
    def joining(self) -> Joining:
        from .domain.policy import LATE_GRACE
        from .schedule.joining import Joining

        return Joining(self.ctx, self._late_grace if self._late_grace is not None else LATE_GRACE)

    @cached_property
    def series(self) -> SeriesBook:
        from .schedule.series import SeriesBook

        return SeriesBook(self.ctx, self._booker)

    @cached_property
    def calendar(self) -> CentreCalendar:
        from .schedule.calendar import CentreCalendar

        return CentreCalendar(self.ctx)

    @cached_property
    def slots(self) -> FreeSlots:
        from .schedule.slots import FreeSlots

        return FreeSlots(self.ctx, self._booker)

    @cached_property
    def attendance(self) -> Roll:
        from .attendance import Roll

        return Roll(self.ctx)

    @cached_property
    def feedback(self) -> Feedbacks:
        from .feedback import Feedbacks

        return Feedbacks(self.ctx, self._feedback_categories)

    @cached_property
    def courses(self) -> Courses:
        from .courses import Courses

        return Courses(self.ctx)

    @cached_property
    def exchange(self) -> Exchange:
        from .exchange.service import Exchange

        return Exchange(self.ctx, self._booker)

    @cached_property
    def caldav(self) -> CalDavSync:
        from .exchange.caldav_sync import CalDavSync

        return CalDavSync(self.ctx, self.exchange.exporter)

    @cached_property
    def mail(self) -> Mailing:
        from .mail.service import Mailing

        mailing = Mailing(self.ctx)
        if self._mail_setup is not None:
            mailing.configure_mail(self._mail_setup())
        mailing.samples["report_mail"] = _report_sample  # reports.delivery.TEMPLATE
        return mailing

    @cached_property
    def reports(self) -> Reporting:
        from .reports.service import Reporting

        return Reporting(self.ctx)

    @cached_property
    def report_mail(self) -> ReportMail:
        from .reports.delivery import ReportMail

        return ReportMail(self.ctx, self.mail)

    @cached_property
    def requests(self) -> Requests:
        from .requests.service import Requests

        return Requests(self.ctx, self._booker, self.slots)

    @cached_property
    def invitations(self) -> Invitations:
        from .invitations.service import Invitations

        return Invitations(self.ctx, self._booker, self._notifier)

    @cached_property
    def upkeep(self) -> Upkeep:
        from .upkeep import Upkeep

        return Upkeep(self.ctx)

    @cached_property
    def access(self) -> Bindings:
        from .identity import Bindings

        return Bindings(self.ctx)

    @cached_property
    def privacy(self) -> Privacy:
        from .privacy import Privacy

        return Privacy(self.ctx, self.sessions)

    @cached_property
    def bulk(self) -> BulkChanges:
        from .schedule.bulk import BulkChanges

        return BulkChanges(self.ctx, self._booker, self._notifier)

    @cached_property
    def audit(self) -> AuditTrail:
        from .audit import AuditTrail

        return AuditTrail(self.ctx, self.sessions, self.attendance, self.billing)

    @cached_property
    def lock(self) -> CalendarLock:
        from .lock import CalendarLock

        return CalendarLock(self.ctx)

    @cached_property
    def billing(self) -> Billing:
        from .billing.policy import BillingPolicy
        from .billing.service import Billing

        return Billing(self.ctx, self._billing_policy or BillingPolicy())

    @cached_property
    def invoices(self) -> Invoicing:
        from .billing.invoicing import Invoicing
        from .billing.policy import BillingPolicy

        return Invoicing(self.ctx, self._billing_policy or BillingPolicy())

    @cached_property
    def materials(self) -> Materials:
        from .materials import DEFAULT_LIMIT, Materials

        return Materials(self.ctx, self._material_limit or DEFAULT_LIMIT)

    @cached_property
    def payroll(self) -> Payroll:
        from .billing.payroll import Payroll
        from .billing.policy import BillingPolicy

        return Payroll(self.ctx, self._billing_policy or BillingPolicy())

    @cached_property
    def absences(self) -> Absences:
        from .absences import Absences

        return Absences(self.ctx)

    @cached_property
    def closing(self) -> Closing:
        from .closing import Closing
        from .completion import check_unmarked

        return Closing(self.ctx, check_unmarked(self._unmarked))

    @cached_property
    def archive(self) -> Archive:
        from .archive.service import Archive

        return Archive(self.ctx)

    @cached_property
    def backups(self) -> Backups:
        from .backup.service import Backups

        return Backups(self.ctx.store.backups(), lambda: self.ctx)

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


def _report_sample(now: datetime, tz: ZoneInfo, override: str | None) -> dict[str, Any]:
    """A mailed report to preview (imported when one is previewed: reports are large)."""
    from .reports.delivery import sample_payload

    return sample_payload(now, tz, override)
