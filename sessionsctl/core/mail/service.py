"""Use cases of mail: notices, reminders, bulk messages, the outbox.

Booking, moving and cancelling write their notices into the outbox in the same transaction as
the change (:meth:`Mailing._notify`, called by the core booking, edit and cancel paths), so a
change is never made without its notice nor a notice queued for a change that rolled back.
A sender (:meth:`Mailing.send_pending`) drains the outbox over a :class:`MailTransport`:

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

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

from .. import access
from ..access import Action
from ..domain.drafts import SessionQuery
from ..domain.errors import InvalidInput, NotFound, SessionsctlError
from ..domain.model import Person, Role, Series, Session, SessionStatus
from ..storage import UnitOfWork
from .notices import (
    ICS_METHOD,
    LEASE,
    MAX_ATTEMPTS,
    DeliveryError,
    MailTransport,
    Notice,
    NoticeKind,
    OutboxMessage,
    OutboxStatus,
    Rendered,
    backoff,
    build_message,
    claimer_gone,
    claimer_id,
    format_duration,
    valid_address,
)
from .templating import Templates

_NOTIFY: ContextVar[bool] = ContextVar("sessionsctl_notify", default=True)

# What participants see: a change to anything else (notes, cost...) sends no notice.
_VISIBLE = ("title", "start", "end", "tz", "mentor", "room", "location", "link", "meeting_id",
            "passcode", "type", "subject", "status")
CHUNK = 50  # messages claimed per short write transaction
BULK_CONFIRM = 10  # `mail send` to more people than this asks first
MAX_AHEAD = timedelta(days=366)  # the longest reminder window (`reminders send --ahead`)


@dataclass
class MailSetup:
    """How this centre sends mail: set by the composition root (``sessionsctl.wiring``)."""

    templates: Templates = field(default_factory=Templates)
    sender: str | None = None
    transport: Callable[[], MailTransport] | None = None


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: list[tuple[OutboxMessage, str]] = field(default_factory=list)
    retrying: list[tuple[OutboxMessage, str]] = field(default_factory=list)
    # Reminders no longer due (session cancelled, started, moved...): marked skipped with the
    # reason, not sent; expected, so not a failure of the run.
    skipped: list[tuple[OutboxMessage, str]] = field(default_factory=list)
    unreachable: str | None = None  # the server could not be reached: the rest wait
    released: int = 0  # claims of dead senders put back
    queued: int = 0  # reminders queued by this run (:meth:`Mailing.queue_reminders`)
    not_queued: str | None = None  # why this run's reminders could not be queued

    @property
    def ok(self) -> bool:
        return self.unreachable is None and not self.failed and self.not_queued is None


@dataclass(frozen=True, slots=True)
class DueReminder:
    session_id: int
    start: datetime
    recipient: str


def reminder_obsolete(msg: OutboxMessage, session: Session | None,
                      now: datetime) -> str | None:
    """Why a queued reminder must no longer be sent, or None while it is still due.

    The one rule, checked by the sender just before each reminder goes (it may have waited in
    the outbox for hours): the session must still exist and be scheduled, must not have
    started, must still start when it did when the reminder was queued (the key of a
    reminder holds its start; a moved session gets a fresh reminder under its new start, and
    the old one is obsolete), and the recipient must still take part in it. Notices (booked,
    changed, cancelled) and custom messages are not reminders: this never applies to them.
    """
    if msg.kind is not NoticeKind.REMINDER:
        return None
    if session is None:
        return f"session {msg.session_id} no longer exists"
    if session.status is SessionStatus.CANCELLED:
        return "session cancelled"
    if msg.recipient not in (session.mentor, *session.students):
        return f"{msg.recipient} no longer takes part in the session"
    if msg.start is not None and msg.start != session.start:
        moved = session.start.astimezone(ZoneInfo(session.tz))
        return f"session moved to {moved:%Y-%m-%d %H:%M %Z}; the new time gets its own reminder"
    if session.status is SessionStatus.COMPLETED or session.end <= now:
        return "session already ended"
    if session.status is SessionStatus.IN_PROGRESS or session.start <= now:
        return "session already started"
    return None


class Mailing:
    """Mixed into :class:`sessionsctl.core.centre.Centre` (``self._read()``, ``self._write()``)."""

    _mail: MailSetup | None = None
    clock: Callable[[], datetime]

    def configure_mail(self, setup: MailSetup) -> None:
        self._mail = setup

    @property
    def mail(self) -> MailSetup:
        if self._mail is None:
            self._mail = MailSetup()
        return self._mail

    # ----------------------------------------------------------------- the outbox hook
    @contextmanager
    def notifying(self, enabled: bool = True) -> Iterator[None]:
        """Within this block, changes queue notices (``enabled``) or not (``--no-notify``)."""
        token = _NOTIFY.set(enabled)
        try:
            yield
        finally:
            _NOTIFY.reset(token)

    def _notify(self, uow: UnitOfWork, kind: NoticeKind, sessions: Sequence[Session], *,
                before: Sequence[Session] = ()) -> None:
        """Queue the notices of a change, in its transaction, in one insert.

        Sessions of one series changed together make one notice per person (not one per
        occurrence). On a change, students added get a booking notice and students removed a
        cancellation that says they were taken off it (the session itself still goes ahead);
        a change nobody sees (notes, cost) queues nothing.
        """
        if not sessions or not _NOTIFY.get():
            return
        old = {s.id: s for s in before}
        # (uid, kind) -> recipient -> sessions
        groups: dict[tuple[str, NoticeKind], dict[str, list[Session]]] = defaultdict(
            lambda: defaultdict(list))
        removed: set[tuple[str, str]] = set()  # (uid, person) taken off a session
        for s in sessions:
            people = (s.mentor, *s.students)
            was = old.get(s.id)
            if kind is NoticeKind.CHANGED and was is not None:
                if all(getattr(was, f) == getattr(s, f) for f in _VISIBLE) \
                        and was.students == s.students:
                    continue
                gone = set(was.students) - set(s.students)
                added = set(s.students) - set(was.students)
                if was.mentor != s.mentor:  # the old mentor is let go, the new one booked
                    gone.add(was.mentor)
                    added.add(s.mentor)
                for person in sorted(gone):
                    groups[s.uid, NoticeKind.CANCELLED][person].append(was)
                    removed.add((s.uid, person))
                for person in sorted(added):
                    groups[s.uid, NoticeKind.BOOKED][person].append(s)
                people = tuple(p for p in people if p not in added)
            for person in people:
                groups[s.uid, kind][person].append(s)
        notices = []
        for (uid, k), by_person in groups.items():
            for person, items in by_person.items():
                items = sorted({s.id: s for s in items}.values(), key=lambda s: s.start)
                first = items[0]
                payload: dict[str, Any] = {"sessions": [s.id for s in items]}
                if first.id in old and k is NoticeKind.CHANGED:
                    payload["previous"] = {"start": old[first.id].start.isoformat(),
                                           "end": old[first.id].end.isoformat()}
                if k is NoticeKind.CANCELLED and first.cancel_reason:
                    payload["reason"] = first.cancel_reason
                if k is NoticeKind.CANCELLED and (uid, person) in removed:
                    payload["removed"] = True
                notices.append(Notice(k, k.value, person, first.id, first.start, payload))
        uow.enqueue(notices, now=self.clock())

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
        self.mail.templates.check(template)
        now = self.clock()
        with self._read() as uow:  # type: ignore[attr-defined]
            return [DueReminder(*t) for t in uow.reminder_targets(now, now + ahead)]

    def enqueue_reminders(self, ahead: timedelta, *, template: str = "reminder") -> int:
        """Queue a reminder for each participant of each session starting within ``ahead``.

        Keyed on (session, recipient, kind, start): running this again, or at the same
        moment in another process, queues nothing twice; a session moved since gets a fresh
        one. Returns how many were queued now. An unknown or broken ``template`` queues none.
        """
        self._check_window(ahead)
        self.mail.templates.check(template)
        return self._enqueue_reminders(ahead, template)

    def _enqueue_reminders(self, ahead: timedelta, template: str) -> int:
        now = self.clock()
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            return uow.enqueue_reminders(now, now + ahead, template, now)

    def queue_reminders(self, ahead: timedelta, *, template: str = "reminder") -> SendReport:
        """The first half of a reminder run (``reminders send``), before :meth:`send_pending`.

        A problem with the reminder template queues no reminders and is reported in the
        returned report (``not_queued``, naming the template and the error), not raised: the
        notices already waiting in the outbox are not held back by it. Pass the report on to
        :meth:`send_pending` so the run reports both halves.
        """
        self._check_window(ahead)
        report = SendReport()
        try:
            self.mail.templates.check(template)
        except InvalidInput as exc:
            report.not_queued = exc.message
            return report
        report.queued = self._enqueue_reminders(ahead, template)
        return report

    # ------------------------------------------------------------------------ bulk mail
    def recipients(self, to: str, value: str | None = None) -> list[Person]:
        """Who ``mail send --to`` means: ``mentors``, ``students``, ``course NAME`` (its
        actively enrolled students) or ``session ID`` (its mentor and students)."""
        with self._read() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            if to == "mentors":
                return uow.list_people(Role.MENTOR)
            if to == "students":
                return uow.list_people(Role.STUDENT)
            if to == "course":
                if not value:
                    raise InvalidInput("name the course: --to course NAME", field="--to")
                found = uow.course_students(value)
                if found is None:
                    raise NotFound("course", value)
                return found
            if to == "session":
                session = self._session_for_mail(uow, value)
                people = uow.people_by_email((session.mentor, *session.students))
                return [people[e] for e in (session.mentor, *session.students) if e in people]
        raise InvalidInput(f"must be mentors, students, course NAME or session ID, not {to!r}",
                           field="--to")

    @staticmethod
    def _session_for_mail(uow: UnitOfWork, value: str | int | None) -> Session:
        try:
            session_id = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidInput(f"a session id is a number, not {value!r}", field="--to") from None
        session = uow.session(session_id)
        if session is None:
            raise NotFound("session", session_id)
        return session

    def queue_message(self, template: str, people: Sequence[Person], *,
                      session_id: int | None = None, message: str | None = None) -> int:
        """Queue ``template`` to each of ``people`` (one transaction); send with
        :meth:`send_pending`. The template is checked first: an unknown or broken one
        queues nothing."""
        self.mail.templates.check(template)
        payload: dict[str, Any] = {"sessions": [session_id] if session_id else []}
        if message:
            payload["message"] = message
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            start = None
            if session_id is not None:
                start = self._session_for_mail(uow, session_id).start
            return uow.enqueue([Notice(NoticeKind.CUSTOM, template, p.email, session_id, start,
                                       payload) for p in people], now=self.clock())

    # ----------------------------------------------------------------------- the sender
    def _transport(self) -> MailTransport:
        if self.mail.transport is None:
            raise InvalidInput("no SMTP server is configured: set [smtp] host in the config "
                               "file or SESSIONSCTL_SMTP_HOST", field="smtp.host")
        return self.mail.transport()

    def send_pending(self, transport: MailTransport | None = None, *,
                     limit: int | None = None,
                     progress: Callable[[int], None] | None = None,
                     report: SendReport | None = None) -> SendReport:
        """Send what is due in the outbox, oldest first (see the module doc for the rules);
        what happened is added to ``report`` (a new one by default) and returned."""
        report = report if report is not None else SendReport()
        claimer = claimer_id()
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            gone = [c for c in uow.outbox_claimers() if claimer_gone(c)]
            report.released = uow.release_outbox(
                gone, "the sender stopped before it could record this message as sent")
        own = transport is None
        attempted = 0
        try:
            while limit is None or attempted < limit:
                now = self.clock()
                size = CHUNK if limit is None else min(CHUNK, limit - attempted)
                with self._write() as uow:  # type: ignore[attr-defined]
                    batch = uow.claim_outbox(claimer, now, now + LEASE, size)
                if not batch:
                    break
                if transport is None:
                    try:
                        transport = self._transport()
                    except BaseException as exc:  # bad SMTP settings: the batch waits
                        self._release(batch, claimer, _why(exc))
                        raise
                attempted += len(batch)
                if not self._send_batch(batch, transport, claimer, report, progress):
                    break
        finally:
            if own and transport is not None:
                transport.close()
        return report

    def _send_batch(self, batch: list[OutboxMessage], transport: MailTransport, claimer: str,
                    report: SendReport, progress: Callable[[int], None] | None) -> bool:
        """Send one claimed batch; False if the server is unreachable (the rest wait).

        Each message is recorded as sent before the next one is handed to the server, so a
        crash repeats at most the one in flight. Anything raised while one message is
        composed or handed over fails that message alone; anything else that escapes the
        loop first puts the messages not yet settled back to pending.
        """
        settled = 0
        try:
            loaded = self._load_for(batch)
            sender = self.mail.sender or transport.sender
            now = self.clock()
            for msg in batch:
                if not self._send_one(msg, loaded, sender, now, transport, claimer, report):
                    self._release(batch[settled:], claimer, report.unreachable or "")
                    return False
                settled += 1
                if progress is not None:
                    progress(1)
        except BaseException as exc:
            self._release(batch[settled:], claimer, _why(exc))
            raise
        return True

    def _send_one(self, msg: OutboxMessage, loaded: _Loaded, sender: str, now: datetime,
                  transport: MailTransport, claimer: str, report: SendReport) -> bool:
        """Send and settle one claimed message; False if the server could not be reached
        (the message is left claimed, for the caller to release with the rest)."""
        if msg.kind is NoticeKind.REMINDER:
            why = reminder_obsolete(msg, loaded.sessions.get(msg.session_id)
                                    if msg.session_id is not None else None, now)
            if why is not None:
                with self._write() as uow:  # type: ignore[attr-defined]
                    uow.settle_outbox(msg.id, claimer, OutboxStatus.SKIPPED, now=self.clock(),
                                      error=why, attempts=msg.attempts)
                report.skipped.append((msg, why))
                return True
        try:
            email = self._compose(msg, loaded, sender)
        except SessionsctlError as exc:
            self._settle_failed(msg, claimer, exc.message, report, permanent=True)
            return True
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
            self._settle_failed(msg, claimer, f"template {msg.template}: cannot compose the "
                                f"message: {_describe(exc)}", report, permanent=True)
            return True
        try:
            transport.send(email, recipient=msg.recipient)
        except DeliveryError as exc:
            if exc.unreachable:
                report.unreachable = exc.message
                return False
            self._settle_failed(msg, claimer, exc.message, report, permanent=exc.permanent)
            return True
        except SessionsctlError as exc:
            self._settle_failed(msg, claimer, exc.message, report, permanent=True)
            return True
        except Exception as exc:  # noqa: BLE001 - e.g. an address the transport cannot encode
            self._settle_failed(msg, claimer, f"cannot send: {_describe(exc)}", report,
                                permanent=True)
            return True
        with self._write() as uow:  # type: ignore[attr-defined]
            uow.settle_outbox(msg.id, claimer, OutboxStatus.SENT, now=self.clock())
        report.sent += 1
        return True

    def _release(self, messages: Sequence[OutboxMessage], claimer: str, error: str) -> None:
        """Put claimed messages back to pending, due at once, noting ``error``. Best effort:
        if even this fails (the database is gone), their lease runs out, or the next run on
        this host releases them as the claims of a dead process."""
        if not messages:
            return
        try:
            with self._write() as uow:  # type: ignore[attr-defined]
                uow.unclaim_outbox([m.id for m in messages], claimer, error)
        except Exception:  # noqa: BLE001 - the original error is the one to report
            pass

    def _settle_failed(self, msg: OutboxMessage, claimer: str, error: str, report: SendReport,
                       *, permanent: bool) -> None:
        attempts = msg.attempts + 1
        now = self.clock()
        with self._write() as uow:  # type: ignore[attr-defined]
            if permanent or attempts >= MAX_ATTEMPTS:
                uow.settle_outbox(msg.id, claimer, OutboxStatus.FAILED, now=now, error=error,
                                  attempts=attempts)
                report.failed.append((msg, error))
            else:
                uow.settle_outbox(msg.id, claimer, OutboxStatus.PENDING, now=now, error=error,
                                  attempts=attempts, next_attempt_at=now + backoff(attempts))
                report.retrying.append((msg, error))

    # ------------------------------------------------------------------- composing mail
    def _load_for(self, batch: Sequence[OutboxMessage]) -> _Loaded:
        """Everything a batch's messages are rendered from, in one read transaction."""
        ids = {i for m in batch for i in _session_ids(m)}
        with self._read() as uow:  # type: ignore[attr-defined]
            sessions = {s.id: s for s in uow.sessions(SessionQuery(ids=tuple(sorted(ids))))} \
                if ids else {}
            series_ids = {s.series_id for m in batch if m.kind in (NoticeKind.BOOKED,
                                                                   NoticeKind.CHANGED)
                          for i in _session_ids(m) if (s := sessions.get(i))
                          and s.series_id is not None}
            series: dict[int, tuple[Series, list[Session]]] = {}
            for sid in series_ids:
                found = uow.series(sid)
                if found is not None:
                    series[sid] = (found, uow.sessions(SessionQuery(series_id=sid)))
            emails = {m.recipient for m in batch}
            emails |= {e for s in sessions.values() for e in (s.mentor, *s.students)}
            emails |= {e for _, members in series.values() for s in members
                       for e in (s.mentor, *s.students)}
            people = uow.people_by_email(emails)
        return _Loaded(sessions, series, people)

    def _compose(self, msg: OutboxMessage, loaded: _Loaded, sender: str) -> Message:
        if not valid_address(msg.recipient):
            raise InvalidInput(f"invalid recipient address {msg.recipient!r}", field="recipient")
        wanted = _session_ids(msg)
        sessions = [loaded.sessions[i] for i in wanted if i in loaded.sessions]
        if wanted and not sessions:
            raise NotFound("session", wanted[0])
        person = loaded.people.get(msg.recipient)
        rendered = self.mail.templates.render(
            msg.template, self._context(msg, sessions, person, loaded.people, sender))
        ics = method = None
        if msg.kind in ICS_METHOD and sessions:
            method = ICS_METHOD[msg.kind]
            ics = self._invitation(msg.kind, sessions, loaded, method)
        return build_message(rendered, sender=sender, recipient=msg.recipient,
                             recipient_name=person.name if person else None,
                             ics=ics, ics_method=method,
                             message_id=f"<outbox-{msg.id}.{msg.created_at:%Y%m%d%H%M%S}"
                                        f"@{sender.rpartition('@')[2] or 'localhost'}>")

    def _invitation(self, kind: NoticeKind, sessions: list[Session], loaded: _Loaded,
                    method: str) -> bytes:
        """The .ics of a notice: the same UID and SEQUENCE as ``export ics`` gives."""
        from ..exchange.ics import calendar, series_events, session_event, to_bytes

        names = {e: p.name for e, p in loaded.people.items()}
        first = sessions[0]
        if kind is not NoticeKind.CANCELLED and first.series_id in loaded.series:
            found, members = loaded.series[first.series_id]  # type: ignore[index]
            if found.uid == first.uid:
                events = series_events(found, members, names=names, passcodes=True)
                return to_bytes(calendar(events, method=method))
        events = [session_event(s, names=names, passcodes=True) for s in sessions]
        return to_bytes(calendar(events, method=method))

    def _context(self, msg: OutboxMessage | None, sessions: Sequence[Session],
                 person: Person | None, people: dict[str, Person],
                 sender: str) -> dict[str, Any]:
        """The values templates see; times are in the recipient's zone (else the session's)."""
        payload = msg.payload if msg else {}
        recipient = msg.recipient if msg else (person.email if person else "")
        first = sessions[0] if sessions else None
        tz = ZoneInfo(person.tz if person and person.tz else first.tz if first else "UTC")

        def name(email: str) -> str:
            return people[email].name if email in people else email

        session = None
        if first is not None:
            session = {
                "id": first.id, "title": first.title, "start": first.start.astimezone(tz),
                "end": first.end.astimezone(tz), "tz": str(tz), "status": first.status.value,
                "mentor": name(first.mentor), "mentor_email": first.mentor,
                "students": [name(s) for s in first.students], "room": first.room,
                "subject": first.subject, "type": first.type.value,
                "location": first.location, "link": first.link,
                "meeting_id": first.meeting_id, "passcode": first.passcode,
                "description": first.description,
                "cancelled": first.status is SessionStatus.CANCELLED,
            }
        previous = None
        if "previous" in payload:
            previous = {k: datetime.fromisoformat(v).astimezone(tz)
                        for k, v in payload["previous"].items()}
        return {
            "recipient": {"name": person.name if person else recipient, "email": recipient},
            "kind": msg.kind.value if msg else "preview",
            "session": session, "occurrences": len(sessions), "previous": previous,
            "reason": payload.get("reason") or (first.cancel_reason if first else None),
            "message": payload.get("message"), "series_rule": None, "sender": sender,
            "removed": bool(payload.get("removed")),
        }

    # ------------------------------------------------------------- previews and tests
    def preview(self, template: str, session_id: int | None = None,
                recipient: str | None = None) -> Rendered:
        """Render ``template`` for a session, as its first recipient (or ``recipient``) would
        get it; nothing is queued or sent."""
        with self._read() as uow:  # type: ignore[attr-defined]
            session = None
            if session_id is not None:
                session = uow.session(session_id)
                if session is None:
                    raise NotFound("session", session_id)
                access.require(uow.actor, Action.VIEW_SESSION, session=session)
            emails = {session.mentor, *session.students} if session else set()
            if recipient:
                emails.add(recipient)
            people = uow.people_by_email(emails) if emails else {}
            actor = uow.actor
        who = recipient or (session.students[0] if session and session.students
                            else session.mentor if session else None)
        person = people.get(who) if who else actor
        if person is None and who:
            person = Person(0, who, who, Role.STUDENT)
        sender = self.mail.sender or "sessionsctl@localhost"
        context = self._context(None, [session] if session else [], person, people, sender)
        try:
            return self.mail.templates.render(template, context)
        except InvalidInput:
            # Rendered without a session, a template that shows one fails on it: say what to do.
            if session is None and self.mail.templates.uses(template, "session"):
                raise InvalidInput(f"the {template!r} template shows a session: name one with "
                                   "--session ID", field="--session") from None
            raise

    def send_test(self, address: str, transport: MailTransport | None = None) -> str:
        """Send the ``test`` template to ``address`` now (not through the outbox)."""
        if not valid_address(address):
            raise InvalidInput(f"invalid address {address!r}", field="ADDRESS")
        with self._read() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            person = uow.person(address)
        own = transport is None
        transport = transport or self._transport()
        try:
            sender = self.mail.sender or transport.sender
            who = person or Person(0, address, address, Role.STUDENT)
            rendered = self.mail.templates.render("test", self._context(None, [], who, {},
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
        with self._read() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            return uow.outbox(status, limit)

    def outbox_counts(self) -> dict[str, int]:
        with self._read() as uow:  # type: ignore[attr-defined]
            return uow.outbox_counts()

    def retry_failed(self) -> int:
        """Put failed messages back in the queue, due now, with a fresh count of attempts."""
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.SEND_MAIL)
            return uow.retry_outbox(self.clock())


def _why(exc: BaseException) -> str:
    """An exception as a line for the outbox's error column."""
    if isinstance(exc, SessionsctlError):
        return exc.message
    if isinstance(exc, KeyboardInterrupt):
        return "the sender was interrupted before it could send this message"
    return f"the sender stopped: {_describe(exc)}"


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _session_ids(msg: OutboxMessage) -> list[int]:
    """The sessions a message is about: listed in its payload, or else its own session."""
    if "sessions" in msg.payload:
        return list(msg.payload["sessions"])
    return [msg.session_id] if msg.session_id is not None else []


@dataclass(frozen=True, slots=True)
class _Loaded:
    sessions: dict[int, Session]
    series: dict[int, tuple[Series, list[Session]]]
    people: dict[str, Person]
