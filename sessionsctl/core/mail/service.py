"""Use cases of mail: notices, reminders, bulk messages, the outbox.

Booking, moving and cancelling write their notices into the outbox in the same transaction as
the change (:class:`~sessionsctl.core.mail.notify.Notifier`, called by the booking, edit and
cancel paths), so a change is never made without its notice nor a notice queued for a change
that rolled back. A sender (:class:`~sessionsctl.core.mail.sender.Sender`) drains the outbox
over a :class:`MailTransport`:

* it claims a few messages at a time under a lease, so concurrent senders never take the same
  one, and marks each sent as soon as the server took it, so a sender killed mid-batch leaves
  at most the one in flight to be sent again;
* a claim whose process has died (same host) is released at once; another host's runs out
  after :data:`~sessionsctl.core.mail.notices.LEASE`;
* a server that cannot be reached leaves every message pending with the error, unchanged;
* a message refused for good (bad address, template error, a 5xx reply) is marked failed,
  naming why, and the batch goes on; a temporary refusal (4xx) is retried with backoff, up to
  :data:`~sessionsctl.core.mail.notices.MAX_ATTEMPTS`. Whatever goes wrong while one message is
  composed (any exception a template raises, say) fails that message alone;
* a claimed message is never left ``sending`` by an error in the batch loop: if anything
  escapes it (the database gone, an interrupt), the messages not yet settled are put back to
  pending, naming why, before the error goes on up;
* a reminder is sent only while it is still due (:func:`reminder_obsolete`): one whose
  session was cancelled, has started, has moved since it was queued, or no longer includes
  the recipient is marked ``skipped`` with that reason and not sent (``SendReport.skipped``;
  not a failure of the run, and not put back by ``mail retry``).

Templates are rendered when the message is sent, from the session as it is then, so the
invitation carries the same UID and SEQUENCE as an export made at that moment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..access import Action, require, require_view
from ..domain.errors import InvalidInput, NotFound, SessionsctlError
from ..domain.model import Person, Role, Session
from ..names import Names, is_email
from .compose import template_context
from .message import Rendered, build_message
from .notices import (
    DeliveryError,
    MailTransport,
    Notice,
    NoticeKind,
    OutboxMessage,
    OutboxStatus,
    format_duration,
    valid_address,
)
from .sender import NO_SERVER, Sender, SendReport, connect
from .setup import MailSetup

if TYPE_CHECKING:
    from ..context import Context
    from ..storage import UnitOfWork

BULK_CONFIRM = 10  # `mail send` to more people than this asks first
MAX_AHEAD = timedelta(days=366)  # the longest reminder window (`reminders send --ahead`)
# A made-up payload for previewing a template: from now, the zone, the templates folder.
Sample = Callable[[datetime, ZoneInfo, str | None], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class DueReminder:
    session_id: int
    start: datetime
    recipient: str


class Mailing:
    """Reminders, bulk mail, previews and the outbox, as the acting person may."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._setup: MailSetup | None = None
        # What a preview renders a template with when the real mail carries it in its
        # payload (a mailed report): by template, made from (now, zone, templates folder).
        self.samples: dict[str, Sample] = {}

    def configure_mail(self, setup: MailSetup) -> None:
        self._setup = setup

    @property
    def setup(self) -> MailSetup:
        if self._setup is None:
            self._setup = MailSetup()
        return self._setup

    def check_server(self) -> None:
        """Refuse, before anything is queued, to queue mail meant to go now (``mail send``,
        ``reminders send``) when no SMTP server is configured: it would wait unsent while the
        command reported it, and reminders would be stale by the time one is set."""
        if self.setup.transport is None:
            raise InvalidInput(f"{NO_SERVER}; nothing was queued", field="smtp.host")

    # ------------------------------------------------------------------------ reminders
    @staticmethod
    def _check_window(ahead: timedelta) -> None:
        if ahead <= timedelta(0):
            raise InvalidInput("must be a positive duration", field="--ahead")
        if ahead > MAX_AHEAD:
            raise InvalidInput(f"must be at most {format_duration(MAX_AHEAD)}", field="--ahead")

    def due_reminders(self, ahead: timedelta, *, template: str = "reminder"
                      ) -> list[DueReminder]:
        """What :meth:`enqueue_reminders` would queue now (a dry run): each participant of
        each scheduled session starting within ``ahead``, less those already queued or sent
        for that start. A broken ``template`` is refused, as the real run refuses it."""
        self._check_window(ahead)
        self.setup.templates.check(template)
        now = self.ctx.clock()
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)  # it lists everyone's sessions and addresses
            return [DueReminder(*t) for t in uow.outbox.reminder_targets(now, now + ahead)]

    def enqueue_reminders(self, ahead: timedelta, *, template: str = "reminder") -> int:
        """Queue a reminder for each participant of each session starting within ``ahead``.

        Keyed on (session, recipient, kind, start): running this again, or at the same
        moment in another process, queues nothing twice; a session moved since gets a fresh
        one. Returns how many were queued now. An unknown or broken ``template`` queues none.
        """
        self._check_window(ahead)
        self.setup.templates.check(template)
        return self._enqueue_reminders(ahead, template)

    def _enqueue_reminders(self, ahead: timedelta, template: str) -> int:
        now = self.ctx.clock()
        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            return uow.outbox.enqueue_reminders(now, now + ahead, template, now)

    def queue_reminders(self, ahead: timedelta, *, template: str = "reminder") -> SendReport:
        """The first half of a reminder run (``reminders send``), before :meth:`send_pending`.

        A problem with the reminder template queues no reminders and is reported in the
        returned report (``not_queued``, naming the template and the error), not raised: the
        notices already waiting in the outbox are not held back by it. Pass the report on to
        :meth:`send_pending` so the run reports both halves.
        """
        self._check_window(ahead)
        report = SendReport(told_missed=self._tell_missed())
        try:
            self.setup.templates.check(template)
        except InvalidInput as exc:
            report.not_queued = exc.message
            return report
        report.queued = self._enqueue_reminders(ahead, template)
        return report

    def _tell_missed(self) -> int:
        """Those still waiting for a seat of a session that has started are told, once
        (part of the reminder run, which cron runs often)."""
        from ..schedule.registration import tell_missed

        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            return tell_missed(uow, self.ctx.clock())

    # ------------------------------------------------------------------------ bulk mail
    def recipients(self, to: str, value: str | None = None) -> list[Person]:
        """Who ``mail send --to`` means: ``mentors``, ``students``, ``course NAME`` (its
        actively enrolled students) or ``session ID`` (its mentor and students)."""
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)
            if to == "mentors":
                return uow.people.all(Role.MENTOR)
            if to == "students":
                return uow.people.all(Role.STUDENT)
            if to == "course":
                if not value:
                    raise InvalidInput("name the course: --to course NAME", field="--to")
                found = uow.courses.students(value)
                if found is None:
                    raise NotFound("course", value)
                return found
            if to == "session":
                session = self._session_for_mail(uow, value)
                people = uow.people.by_email((session.mentor, *session.students))
                return [people[e] for e in (session.mentor, *session.students) if e in people]
        raise InvalidInput(f"must be mentors, students, course NAME or session ID, not {to!r}",
                           field="--to")

    @staticmethod
    def _session_for_mail(uow: UnitOfWork, value: str | int | None) -> Session:
        try:
            session_id = int(value if value is not None else "")
        except (TypeError, ValueError):
            raise InvalidInput(f"a session id is a number, not {value!r}", field="--to") from None
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session", session_id)
        return session

    def queue_message(self, template: str, people: Sequence[Person], *,
                      session_id: int | None = None, message: str | None = None) -> int:
        """Queue ``template`` to each of ``people`` (one transaction); send with
        :meth:`send_pending`. The template is checked first: an unknown or broken one
        queues nothing."""
        self.setup.templates.check(template)
        payload: dict[str, Any] = {"sessions": [session_id] if session_id else []}
        if message:
            payload["message"] = message
        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            start = None
            if session_id is not None:
                start = self._session_for_mail(uow, session_id).start
            return uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, template, p.email, session_id, start,
                                              payload) for p in people], now=self.ctx.clock())

    def send_pending(self, transport: MailTransport | None = None, *,
                     limit: int | None = None,
                     progress: Callable[[int], None] | None = None,
                     report: SendReport | None = None) -> SendReport:
        """Send what is due in the outbox, oldest first (see the module doc for the rules);
        what happened is added to ``report`` (a new one by default) and returned."""
        return Sender(self.ctx, self.setup).send_pending(
            transport, limit=limit, progress=progress, report=report)

    # ------------------------------------------------------------- previews and tests
    def preview(self, template: str, session_id: int | None = None,
                recipient: str | None = None, tz: ZoneInfo | None = None) -> Rendered:
        """Render ``template`` for a session, as its first recipient (or ``recipient``: an
        email, or the name of someone registered) would get it, with its sample payload
        (:attr:`samples`, in ``tz``) if it has one; nothing is queued or sent."""
        with self.ctx.read() as uow:
            if recipient and not is_email(recipient):
                recipient = Names(uow).person(recipient, field="--to").email
            session = None
            if session_id is not None:
                session = uow.sessions.get(session_id)
                if session is None:
                    raise NotFound("session", session_id)
                require_view(uow, session)
            emails = {session.mentor, *session.students} if session else set()
            if recipient:
                emails.add(recipient)
            people = uow.people.by_email(emails) if emails else {}
            actor = uow.actor
        who = recipient or (session.students[0] if session and session.students
                            else session.mentor if session else None)
        person = people.get(who) if who else actor
        if person is None and who:
            person = Person(0, who, who, Role.STUDENT)
        sender = self.setup.sender or "sessionsctl@localhost"
        templates = self.setup.templates
        sample = self.samples.get(template)
        payload = sample(self.ctx.clock(), tz or ZoneInfo("UTC"), str(templates.override)
                         if templates.override else None) if sample else None
        context = template_context(None, [session] if session else [], person, people, sender,
                                   payload=payload)
        try:
            return self.setup.templates.render(template, context)
        except InvalidInput:
            # Rendered without a session, a template that shows one fails on it: say what to do.
            if session is None and self.setup.templates.uses(template, "session"):
                raise InvalidInput(f"the {template!r} template shows a session: name one with "
                                   "--session ID", field="--session") from None
            raise

    def send_test(self, address: str, transport: MailTransport | None = None) -> str:
        """Send the ``test`` template to ``address`` now (not through the outbox)."""
        if not valid_address(address):
            raise InvalidInput(f"invalid address {address!r}", field="ADDRESS")
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)
            person = uow.people.get(address)
        own = transport is None
        transport = transport or connect(self.setup)
        try:
            sender = self.setup.sender or transport.sender
            who = person or Person(0, address, address, Role.STUDENT)
            rendered = self.setup.templates.render("test", template_context(None, [], who, {},
                                                                        sender))
            transport.send(build_message(rendered, sender=sender, recipient=address,
                                         recipient_name=person.name if person else None),
                           recipient=address)
        except DeliveryError as exc:
            if exc.permanent:
                raise InvalidInput(f"the SMTP server refused it: {exc.message}",
                                   field="ADDRESS") from None
            raise SessionsctlError(f"not sent: {exc.message}") from None
        finally:
            if own:
                transport.close()
        return sender

    # --------------------------------------------------------------------- the outbox
    def outbox(self, status: OutboxStatus | None = None,
               limit: int | None = 200) -> list[OutboxMessage]:
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)
            return uow.outbox.messages(status, limit)

    def outbox_counts(self) -> dict[str, int]:
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)
            return uow.outbox.counts()

    def retry_failed(self) -> int:
        """Put failed messages back in the queue, due now, with a fresh count of attempts."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            return uow.outbox.retry(self.ctx.clock())
