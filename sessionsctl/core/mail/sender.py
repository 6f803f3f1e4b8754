"""Draining the outbox over SMTP (see :mod:`sessionsctl.core.mail.service` for the rules a
send follows: leases, settling each message as it goes, backoff, reminders no longer due)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain.drafts import SessionQuery
from ..domain.errors import InvalidInput, SessionsctlError
from ..domain.model import Series, Session, SessionStatus
from .compose import Loaded, compose, session_ids
from .notices import (
    LEASE,
    MAX_ATTEMPTS,
    UNTIL_SENT,
    DeliveryError,
    MailTransport,
    NoticeKind,
    OutboxMessage,
    OutboxStatus,
    backoff,
    claimer_gone,
    claimer_id,
)

if TYPE_CHECKING:
    from ..context import Context
    from .setup import MailSetup

CHUNK = 50  # messages claimed per short write transaction


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
    told_missed: int = 0  # students told a session they waited for started without them

    @property
    def ok(self) -> bool:
        return self.unreachable is None and not self.failed and self.not_queued is None


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


class Sender:
    """One run of the sender, with the mail setup it sends under."""

    def __init__(self, ctx: Context, setup: MailSetup) -> None:
        self.ctx = ctx
        self.setup = setup

    def send_pending(self, transport: MailTransport | None = None, *,
                     limit: int | None = None,
                     progress: Callable[[int], None] | None = None,
                     report: SendReport | None = None) -> SendReport:
        """Send what is due in the outbox, oldest first (see the module doc for the rules);
        what happened is added to ``report`` (a new one by default) and returned."""
        report = report if report is not None else SendReport()
        claimer = claimer_id()
        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            gone = [c for c in uow.outbox.claimers() if claimer_gone(c)]
            report.released = uow.outbox.release(
                gone, "the sender stopped before it could record this message as sent")
        own = transport is None
        attempted = 0
        try:
            while limit is None or attempted < limit:
                now = self.ctx.clock()
                size = CHUNK if limit is None else min(CHUNK, limit - attempted)
                with self.ctx.write() as uow:
                    batch = uow.outbox.claim(claimer, now, now + LEASE, size)
                if not batch:
                    break
                if transport is None:
                    try:
                        transport = connect(self.setup)
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
            sender = self.setup.sender or transport.sender
            now = self.ctx.clock()
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

    def _send_one(self, msg: OutboxMessage, loaded: Loaded, sender: str, now: datetime,
                  transport: MailTransport, claimer: str, report: SendReport) -> bool:
        """Send and settle one claimed message; False if the server could not be reached
        (the message is left claimed, for the caller to release with the rest)."""
        if msg.kind is NoticeKind.REMINDER:
            why = reminder_obsolete(msg, loaded.sessions.get(msg.session_id)
                                    if msg.session_id is not None else None, now)
            if why is not None:
                with self.ctx.write() as uow:
                    uow.outbox.settle(msg.id, claimer, OutboxStatus.SKIPPED, now=self.ctx.clock(),
                                      error=why, attempts=msg.attempts)
                report.skipped.append((msg, why))
                return True
        try:
            email = compose(self.setup.templates, msg, loaded, sender)
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
        with self.ctx.write() as uow:
            uow.outbox.settle(msg.id, claimer, OutboxStatus.SENT, now=self.ctx.clock())
            if any(k in msg.payload for k in UNTIL_SENT):  # a token, a report's files
                uow.outbox.scrub(msg.id, {k: v for k, v in msg.payload.items()
                                          if k not in UNTIL_SENT})
        report.sent += 1
        return True

    def _release(self, messages: Sequence[OutboxMessage], claimer: str, error: str) -> None:
        """Put claimed messages back to pending, due at once, noting ``error``. Best effort:
        if even this fails (the database is gone), their lease runs out, or the next run on
        this host releases them as the claims of a dead process."""
        if not messages:
            return
        try:
            with self.ctx.write() as uow:
                uow.outbox.unclaim([m.id for m in messages], claimer, error)
        except Exception:  # noqa: BLE001 - the original error is the one to report
            pass

    def _settle_failed(self, msg: OutboxMessage, claimer: str, error: str, report: SendReport,
                       *, permanent: bool) -> None:
        attempts = msg.attempts + 1
        now = self.ctx.clock()
        with self.ctx.write() as uow:
            if permanent or attempts >= MAX_ATTEMPTS:
                uow.outbox.settle(msg.id, claimer, OutboxStatus.FAILED, now=now, error=error,
                                  attempts=attempts)
                if "secret" in msg.payload:  # never sent, never to be: resend makes a new one
                    uow.outbox.scrub(msg.id, {k: v for k, v in msg.payload.items()
                                              if k != "secret"})
                report.failed.append((msg, error))
            else:
                uow.outbox.settle(msg.id, claimer, OutboxStatus.PENDING, now=now, error=error,
                                  attempts=attempts, next_attempt_at=now + backoff(attempts))
                report.retrying.append((msg, error))

    # ------------------------------------------------------------------- composing mail
    def _load_for(self, batch: Sequence[OutboxMessage]) -> Loaded:
        """Everything a batch's messages are rendered from, in one read transaction."""
        ids = {i for m in batch for i in session_ids(m)}
        with self.ctx.read() as uow:
            sessions = {s.id: s for s in uow.sessions.find(SessionQuery(ids=tuple(sorted(ids))))} \
                if ids else {}
            series_ids = {s.series_id for m in batch if m.kind in (NoticeKind.BOOKED,
                                                                   NoticeKind.CHANGED)
                          for i in session_ids(m) if (s := sessions.get(i))
                          and s.series_id is not None}
            series: dict[int, tuple[Series, list[Session]]] = {}
            for sid in series_ids:
                found = uow.series.get(sid)
                if found is not None:
                    series[sid] = (found, uow.sessions.find(SessionQuery(series_id=sid)))
            emails = {m.recipient for m in batch}
            emails |= {e for s in sessions.values() for e in (s.mentor, *s.students)}
            emails |= {e for _, members in series.values() for s in members
                       for e in (s.mentor, *s.students)}
            people = uow.people.by_email(emails)
        return Loaded(sessions, series, people)


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


NO_SERVER = "no SMTP server is configured: set [smtp] host in the config file or " \
    "SESSIONSCTL_SMTP_HOST"


def connect(setup: MailSetup) -> MailTransport:
    """A connection to the configured SMTP server, or an error saying how to configure one."""
    if setup.transport is None:
        raise InvalidInput(NO_SERVER, field="smtp.host")
    return setup.transport()
