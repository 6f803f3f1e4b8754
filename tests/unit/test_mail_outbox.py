"""Mail: notices queued with the change, reminders, and a sender that never loses or repeats
a message, proven against a real SMTP server (aiosmtpd on 127.0.0.1, a free port)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Self

import icalendar
import pytest
from aiosmtpd.controller import Controller

from sessionsctl.config import SmtpSettings
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.model import Role
from sessionsctl.core.exchange.ics import session_event
from sessionsctl.core.mail.notices import NoticeKind, OutboxStatus
from sessionsctl.core.mail.setup import MailSetup
from sessionsctl.core.mail.templating import Templates, builtin_dir
from sessionsctl.smtp import SmtpTransport, smtp_password

SENDER = "centre@example.org"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An SMTP server that keeps what it receives; ``delay`` slows each message down."""

    def __init__(self, port: int | None = None, delay: float = 0.0,
                 refuse: frozenset[str] = frozenset()) -> None:
        self.port = port or free_port()
        self.delay = delay
        self.refuse = refuse
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def recipients(self) -> list[str]:
        with self.lock:
            return [r for rcpts, _ in self.messages for r in rcpts]

    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, security="none", sender=SENDER)


def wire(centre: Centre, port: int, templates: Templates | None = None) -> Centre:
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER)
    centre.mail.configure_mail(MailSetup(templates=templates or Templates(), sender=SENDER,
                                    transport=lambda: SmtpTransport(settings, timeout=5)))
    return centre


@pytest.fixture
def sink() -> Sink:
    with Sink() as s:
        yield s


@pytest.fixture
def people(centre: Centre) -> Centre:
    centre.people.add_person("Ada Mentor", "ada@example.org", Role.MENTOR, "Europe/London")
    centre.people.add_person("Sam Student", "sam@example.org", Role.STUDENT)
    centre.people.add_person("Kim Student", "kim@example.org", Role.STUDENT, "America/New_York")
    return centre


def draft(hours: float = 3, *, mentor: str = "ada@example.org",
          students: tuple[str, ...] = ("sam@example.org",), title: str = "Algebra") -> SessionDraft:
    start = NOW + timedelta(hours=hours)
    return SessionDraft(title=title, mentor=mentor, students=students, start=start,
                        end=start + timedelta(hours=1), tz="Europe/London")


def calendar_of(msg: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


# ------------------------------------------------------------------------ what arrives
def test_booking_notice_arrives_with_both_parts_and_the_invitation(people: Centre,
                                                                   sink: Sink) -> None:
    centre = wire(people, sink.port)
    session = centre.sessions.book(draft(students=("sam@example.org", "kim@example.org"))).session
    report = centre.mail.send_pending()
    assert report.sent == 3 and report.ok
    assert sorted(sink.recipients) == ["ada@example.org", "kim@example.org", "sam@example.org"]
    by_rcpt = {rcpts[0]: msg for rcpts, msg in sink.messages}
    msg = by_rcpt["kim@example.org"]
    assert msg["Subject"].startswith("Booked: Algebra")
    assert msg["From"] == SENDER and "Kim Student" in msg["To"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Hello Kim Student" in text and "Ada Mentor" in text
    assert "<p>Hello Kim Student,</p>" in html
    # Kim reads times in her own zone; Sam (no zone) in the session's.
    assert "EST" in msg["Subject"] and "GMT" in by_rcpt["sam@example.org"]["Subject"]
    cal = calendar_of(msg)
    assert cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    exported = session_event(session)
    assert event["UID"] == exported["UID"] == session.uid
    assert event["SEQUENCE"] == exported["SEQUENCE"]
    assert event["SUMMARY"] == "Algebra"
    assert event.decoded("DTSTART") == session.start
    attachments = [p.get_filename() for p in msg.iter_attachments()]
    assert "invite.ics" in attachments


def test_moving_and_cancelling_send_request_then_cancel_with_rising_sequence(
        people: Centre, sink: Sink) -> None:
    centre = wire(people, sink.port)
    session = centre.sessions.book(draft()).session
    centre.mail.send_pending()
    moved = centre.sessions.edit(session.id, {"start": session.start + timedelta(hours=2)}).session
    centre.mail.send_pending()
    changed = [m for _, m in sink.messages[2:]]
    assert {m["Subject"].split(":")[0] for m in changed} == {"Changed"}
    assert "It was at" in changed[0].get_body(("plain",)).get_content()
    [event] = calendar_of(changed[0]).walk("VEVENT")
    assert event["SEQUENCE"] == moved.sequence > session.sequence
    centre.sessions.cancel(session.id, "mentor ill")
    centre.mail.send_pending()
    cancelled = [m for _, m in sink.messages[4:]]
    assert len(cancelled) == 2
    cal = calendar_of(cancelled[0])
    assert cal["METHOD"] == "CANCEL"
    [event] = cal.walk("VEVENT")
    assert event["UID"] == session.uid and event["STATUS"] == "CANCELLED"
    assert "mentor ill" in cancelled[0].get_body(("plain",)).get_content()


def test_a_series_is_one_notice_per_person_and_cancelling_following_one_more(
        people: Centre, sink: Sink) -> None:
    centre = wire(people, sink.port)
    result = centre.series.create(draft(24), "FREQ=WEEKLY;COUNT=6")
    centre.mail.send_pending()
    assert sorted(sink.recipients) == ["ada@example.org", "sam@example.org"]
    cal = calendar_of(sink.messages[0][1])
    master = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert master and master[0]["UID"] == result.series.uid
    centre.sessions.cancel_scoped(result.booked[3].id, scope="following")
    centre.mail.send_pending()
    assert len(sink.messages) == 4
    cal = calendar_of(sink.messages[2][1])
    assert cal["METHOD"] == "CANCEL" and len(cal.walk("VEVENT")) == 3


def test_no_notify_and_invisible_changes_queue_nothing(people: Centre) -> None:
    session = people.sessions.book(draft(), notify=False).session
    people.sessions.cancel(session.id, notify=False)
    assert people.mail.outbox() == []
    other = people.sessions.book(draft(6)).session
    queued = len(people.mail.outbox())
    people.sessions.edit(other.id, {"notes": "bring a calculator"})
    assert len(people.mail.outbox()) == queued


def test_adding_a_student_books_them_and_removing_one_cancels_theirs(people: Centre) -> None:
    session = people.sessions.book(draft()).session
    before = len(people.mail.outbox())
    people.sessions.edit(session.id, {"students": ("kim@example.org",)})
    new = [(m.kind, m.recipient) for m in people.mail.outbox()[before:]]
    assert sorted(new) == [(NoticeKind.BOOKED, "kim@example.org"),
                           (NoticeKind.CANCELLED, "sam@example.org"),
                           (NoticeKind.CHANGED, "ada@example.org")]


def test_a_student_taken_off_a_session_is_told_so_not_that_it_was_cancelled(
        people: Centre, sink: Sink) -> None:
    centre = wire(people, sink.port)
    session = centre.sessions.book(draft(students=("sam@example.org", "kim@example.org"))).session
    centre.mail.send_pending()
    centre.sessions.edit(session.id, {"students": ("kim@example.org",)})
    centre.mail.send_pending()
    by_rcpt = {rcpts[0]: msg for rcpts, msg in sink.messages[3:]}
    assert sorted(by_rcpt) == ["ada@example.org", "kim@example.org", "sam@example.org"]
    sam = by_rcpt["sam@example.org"]
    assert sam["Subject"].startswith("No longer booked: Algebra")
    text = sam.get_body(("plain",)).get_content()
    assert "You are no longer booked in this session" in text and "cancelled" not in text
    assert "You are no longer booked" in sam.get_body(("html",)).get_content()
    cal = calendar_of(sam)
    assert cal["METHOD"] == "CANCEL" and cal.walk("VEVENT")[0]["UID"] == session.uid
    # The others are told of a change, and a session cancelled for all still says so.
    assert by_rcpt["kim@example.org"]["Subject"].startswith("Changed: Algebra")
    centre.sessions.cancel(session.id, "mentor ill")
    centre.mail.send_pending()
    kim = next(m for rcpts, m in sink.messages[6:] if rcpts == ["kim@example.org"])
    assert kim["Subject"].startswith("Cancelled: Algebra")
    assert "This session has been cancelled" in kim.get_body(("plain",)).get_content()


def test_a_new_mentor_is_booked_and_the_old_one_let_go(people: Centre) -> None:
    people.people.add_person("Bob Mentor", "bob@example.org", Role.MENTOR)
    session = people.sessions.book(draft()).session
    before = len(people.mail.outbox())
    people.sessions.edit(session.id, {"mentor": "bob@example.org"})
    new = [(m.kind, m.recipient) for m in people.mail.outbox()[before:]]
    assert sorted(new) == [(NoticeKind.BOOKED, "bob@example.org"),
                           (NoticeKind.CANCELLED, "ada@example.org"),
                           (NoticeKind.CHANGED, "sam@example.org")]


def test_a_notice_rolls_back_with_its_change(people: Centre) -> None:
    people.sessions.book(draft())
    queued = len(people.mail.outbox())
    with pytest.raises(Exception):  # noqa: B017 - a conflict refuses the booking
        people.sessions.book(draft())
    assert len(people.mail.outbox()) == queued


# -------------------------------------------------------------------------- reminders
def test_reminders_are_sent_once_and_again_for_a_moved_session(people: Centre,
                                                               sink: Sink) -> None:
    centre = wire(people, sink.port)
    session = centre.sessions.book(draft(5), notify=False).session
    centre.sessions.book(draft(30, title="Later"), notify=False)  # outside the window
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 2
    assert centre.mail.send_pending().sent == 2
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 0
    assert centre.mail.send_pending().sent == 0
    assert all(m["Subject"].startswith("Reminder: Algebra") for _, m in sink.messages)
    centre.sessions.edit(session.id, {"start": session.start + timedelta(hours=1)}, notify=False)
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 2
    centre.mail.enqueue_reminders(timedelta(hours=24))
    assert centre.mail.send_pending().sent == 2


# ------------------------------------------------------------------ failures and retries
def test_server_down_loses_nothing_and_the_next_run_sends(people: Centre) -> None:
    port = free_port()
    centre = wire(people, port)
    centre.sessions.book(draft())
    report = centre.mail.send_pending()
    assert report.sent == 0 and report.unreachable and "cannot reach" in report.unreachable
    pending = centre.mail.outbox(OutboxStatus.PENDING)
    assert len(pending) == 2 and all("cannot reach" in (m.last_error or "") for m in pending)
    assert all(m.attempts == 0 for m in pending)
    with Sink(port) as sink:
        assert centre.mail.send_pending().sent == 2
        assert sorted(sink.recipients) == ["ada@example.org", "sam@example.org"]
    assert len(centre.mail.outbox(OutboxStatus.SENT)) == 2


def test_bad_messages_fail_naming_why_and_the_rest_of_the_batch_goes(
        people: Centre, tmp_path: Path) -> None:
    people.people.add_person("Lee Student", "lee@example.org", Role.STUDENT)
    (tmp_path / "broken.subject").write_text("Hi {{ recipient.name }}\n")
    (tmp_path / "broken.txt").write_text("Hello\n{{ recipient.name | nosuchfilter }}\n")
    (tmp_path / "broken.html").write_text("<p>Hello</p>\n")
    with Sink(refuse=frozenset({"kim@example.org"})) as sink:
        centre = wire(people, sink.port, Templates(tmp_path))
        everyone = centre.mail.recipients("students")
        assert [p.email for p in everyone] == ["kim@example.org", "lee@example.org",
                                               "sam@example.org"]
        with pytest.raises(InvalidInput, match="broken.txt"):
            centre.mail.queue_message("broken", everyone)  # a syntax error is refused up front
        with pytest.raises(InvalidInput, match="unknown template 'nope'"):
            centre.mail.queue_message("nope", everyone)
        (tmp_path / "broken.txt").write_text("Hello\n{{ recipient.nosuchfield }}\n")
        centre.mail.queue_message("broken", [everyone[2]])  # fails when rendered
        centre.mail.queue_message("custom", everyone, message="Closed on Friday")
        report = centre.mail.send_pending()
    assert report.sent == 2
    errors = {(m.template, m.recipient): e for m, e in report.failed}
    assert "broken.txt, line 2" in errors["broken", "sam@example.org"]
    assert "nosuchfield" in errors["broken", "sam@example.org"]
    assert "550" in errors["custom", "kim@example.org"]
    assert sorted(sink.recipients) == ["lee@example.org", "sam@example.org"]
    assert "Closed on Friday" in sink.messages[0][1].get_body(("plain",)).get_content()
    failed = centre.mail.outbox(OutboxStatus.FAILED)
    assert len(failed) == 2 and all(m.last_error for m in failed)


def test_an_invalid_recipient_address_fails_alone(people: Centre, sink: Sink) -> None:
    from sessionsctl.core.mail.notices import Notice

    centre = wire(people, sink.port)
    with centre.store.unit(write=True) as uow:
        uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, "custom", "not an address", payload={}),
                            Notice(NoticeKind.CUSTOM, "custom", "sam@example.org", payload={})])
    report = centre.mail.send_pending()
    assert report.sent == 1
    [(_msg, error)] = report.failed
    assert "invalid recipient address 'not an address'" in error
    assert sink.recipients == ["sam@example.org"]


def test_temporary_refusals_back_off_then_fail_and_retry_requeues(people: Centre) -> None:
    clock = [NOW]
    people.clock = lambda: clock[0]

    class Flaky:
        sender = SENDER

        def send(self, message: EmailMessage, *, recipient: str) -> None:
            from sessionsctl.core.mail.notices import DeliveryError

            raise DeliveryError("451 try later")

        def close(self) -> None:
            pass

    people.sessions.book(draft())
    for attempt in range(1, 6):
        report = people.mail.send_pending(Flaky())
        if attempt < 5:
            assert len(report.retrying) == 2
            assert people.mail.send_pending(Flaky()).retrying == []  # not due yet: backing off
        clock[0] += timedelta(hours=7)
    failed = people.mail.outbox(OutboxStatus.FAILED)
    assert len(failed) == 2 and all(m.attempts == 5 and "451" in m.last_error for m in failed)
    assert people.mail.retry_failed() == 2
    assert len(people.mail.outbox(OutboxStatus.PENDING)) == 2


def _no_row_left_sending(centre: Centre) -> None:
    assert centre.mail.outbox(OutboxStatus.SENDING) == []


def test_any_exception_a_template_raises_fails_that_message_alone(people: Centre,
                                                                   sink: Sink,
                                                                   tmp_path: Path) -> None:
    """Not only Jinja2's errors: ``{{ 1 / 0 }}`` or a filter given the wrong type used to
    escape the sender, crash every run and leave the batch 'sending'."""
    people.people.add_person("Lee Student", "lee@example.org", Role.STUDENT)
    for name, body in (("divide", "Hello\n{{ 1 / 0 }}\n"),
                       ("wrongtype", "Hello\n\n{{ recipient.name | round }}\n")):
        (tmp_path / f"{name}.subject").write_text("Hi\n")
        (tmp_path / f"{name}.txt").write_text(body)
        (tmp_path / f"{name}.html").write_text("<p>Hi</p>\n")
    centre = wire(people, sink.port, Templates(tmp_path))
    sam, kim, lee = (centre.mail.recipients("students")[i] for i in (2, 0, 1))
    centre.mail.queue_message("divide", [sam])  # the syntax is fine: only rendering fails
    centre.mail.queue_message("wrongtype", [kim])
    centre.mail.queue_message("custom", [lee], message="Closed on Friday")
    report = centre.mail.send_pending()
    assert report.sent == 1 and sink.recipients == ["lee@example.org"]
    errors = {m.template: e for m, e in report.failed}
    assert "divide.txt, line 2" in errors["divide"]
    assert "ZeroDivisionError: division by zero" in errors["divide"]
    assert "template divide" in errors["divide"]
    assert "wrongtype.txt, line 3" in errors["wrongtype"] and "TypeError" in errors["wrongtype"]
    assert {m.template for m in centre.mail.outbox(OutboxStatus.FAILED)} == {"divide", "wrongtype"}
    _no_row_left_sending(centre)
    with pytest.raises(InvalidInput, match="ZeroDivisionError"):
        centre.mail.preview("divide", recipient="sam@example.org")


def test_a_template_file_that_is_not_utf8_is_named(people: Centre, tmp_path: Path) -> None:
    (tmp_path / "reminder.txt").write_bytes(b"Caf\xe9 {{ session.title }}\n")
    with pytest.raises(InvalidInput, match=r"template reminder: reminder.txt: UnicodeDecodeError"):
        Templates(tmp_path).check("reminder")


def test_an_error_escaping_the_batch_puts_its_claims_back(people: Centre) -> None:
    """Whatever escapes the loop (an interrupt, the database, a bug), no claimed message is
    left 'sending': those not yet settled go back to pending, due at once."""

    class Interrupted:
        sender = SENDER
        calls = 0

        def send(self, message: EmailMessage, *, recipient: str) -> None:
            self.calls += 1
            if self.calls == 2:
                raise KeyboardInterrupt

        def close(self) -> None:
            pass

    people.sessions.book(draft(students=("sam@example.org", "kim@example.org")))
    with pytest.raises(KeyboardInterrupt):
        people.mail.send_pending(Interrupted())
    _no_row_left_sending(people)
    assert len(people.mail.outbox(OutboxStatus.SENT)) == 1
    pending = people.mail.outbox(OutboxStatus.PENDING)
    assert len(pending) == 2 and all("interrupted" in (m.last_error or "") for m in pending)

    def broken_progress(n: int) -> None:
        raise RuntimeError("the terminal went away")

    class Fine(Interrupted):
        def send(self, message: EmailMessage, *, recipient: str) -> None:
            pass

    with pytest.raises(RuntimeError):
        people.mail.send_pending(Fine(), progress=broken_progress)
    _no_row_left_sending(people)
    assert len(people.mail.outbox(OutboxStatus.SENT)) == 2
    [left] = people.mail.outbox(OutboxStatus.PENDING)
    assert "RuntimeError: the terminal went away" in (left.last_error or "")
    assert people.mail.send_pending(Fine()).sent == 1


def test_an_unexpected_transport_error_fails_that_message_alone(people: Centre) -> None:
    class Picky:
        sender = SENDER
        got: list[str] = []

        def send(self, message: EmailMessage, *, recipient: str) -> None:
            if recipient == "kim@example.org":
                raise UnicodeEncodeError("ascii", "kim", 0, 1, "cannot encode")
            self.got.append(recipient)

        def close(self) -> None:
            pass

    people.sessions.book(draft(students=("sam@example.org", "kim@example.org")))
    report = people.mail.send_pending(Picky())
    assert report.sent == 2 and sorted(Picky.got) == ["ada@example.org", "sam@example.org"]
    [(msg, error)] = report.failed
    assert msg.recipient == "kim@example.org" and "cannot send: UnicodeEncodeError" in error
    _no_row_left_sending(people)


def test_a_reminder_no_longer_due_is_not_sent(people: Centre, sink: Sink) -> None:
    """Cancelled, moved, started, or the recipient taken off since it was queued: the reminder
    is marked skipped with the reason and not sent; a cancellation notice still goes."""
    clock = [NOW]
    people.clock = lambda: clock[0]
    centre = wire(people, sink.port)
    cancelled = centre.sessions.book(draft(5, title="Cancelled"), notify=False).session
    moved = centre.sessions.book(draft(7, title="Moved"), notify=False).session
    started = centre.sessions.book(draft(1, title="Started", students=("kim@example.org",)),
                                   notify=False).session
    kept = centre.sessions.book(draft(9, title="Kept", students=("sam@example.org",
                                                                 "kim@example.org")),
                                notify=False).session
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 9
    centre.sessions.cancel(cancelled.id, "mentor ill")  # queues the cancellation notices
    centre.sessions.edit(moved.id, {"start": moved.start + timedelta(hours=1)}, notify=False)
    centre.sessions.edit(kept.id, {"students": ("sam@example.org",)}, notify=False)
    clock[0] = NOW + timedelta(hours=1, minutes=30)  # 'Started' began half an hour ago
    report = centre.mail.send_pending()
    assert report.ok
    reasons = {(m.session_id, m.recipient): why for m, why in report.skipped}
    assert reasons == {
        (cancelled.id, "ada@example.org"): "session cancelled",
        (cancelled.id, "sam@example.org"): "session cancelled",
        (moved.id, "ada@example.org"): reasons[moved.id, "ada@example.org"],
        (moved.id, "sam@example.org"): reasons[moved.id, "sam@example.org"],
        (started.id, "ada@example.org"): "session already started",
        (started.id, "kim@example.org"): "session already started",
        (kept.id, "kim@example.org"): "kim@example.org no longer takes part in the session",
    }
    assert reasons[moved.id, "sam@example.org"].startswith("session moved to ")
    subjects = sorted(m["Subject"].split(",")[0] for _, m in sink.messages)
    assert subjects == ["Cancelled: Cancelled", "Cancelled: Cancelled",
                        "Reminder: Kept", "Reminder: Kept"]
    skipped = centre.mail.outbox(OutboxStatus.SKIPPED)
    assert sorted(m.last_error for m in skipped) == sorted(reasons.values())
    assert all(m.attempts == 0 for m in skipped) and not centre.mail.outbox(OutboxStatus.FAILED)
    assert centre.mail.retry_failed() == 0  # nothing failed: skipped reminders are not retried
    # The moved session gets one reminder, for its new start, and only one.
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 2
    report = centre.mail.send_pending()
    assert report.sent == 2 and not report.skipped
    assert [m["Subject"].split(",")[0] for _, m in sink.messages[4:]] == ["Reminder: Moved"] * 2
    assert centre.mail.enqueue_reminders(timedelta(hours=24)) == 0
    _no_row_left_sending(centre)


def test_reminder_obsolete_is_one_rule_about_reminders_only(people: Centre) -> None:
    from sessionsctl.core.mail.notices import OutboxMessage
    from sessionsctl.core.mail.sender import reminder_obsolete

    session = people.sessions.book(draft(5)).session
    cancelled = people.sessions.cancel(session.id)

    def message(kind: NoticeKind, start: datetime | None = session.start) -> OutboxMessage:
        return OutboxMessage(1, kind, kind.value, "sam@example.org", session.id, start, {},
                             OutboxStatus.SENDING, 0, NOW, None, NOW)

    assert reminder_obsolete(message(NoticeKind.CANCELLED), cancelled, NOW) is None
    assert reminder_obsolete(message(NoticeKind.REMINDER), cancelled, NOW) == "session cancelled"
    assert reminder_obsolete(message(NoticeKind.REMINDER), session, NOW) is None
    assert reminder_obsolete(message(NoticeKind.REMINDER), session,
                             session.end) == "session already ended"
    assert reminder_obsolete(message(NoticeKind.REMINDER), None, NOW) \
        == f"session {session.id} no longer exists"


def test_a_broken_reminder_template_does_not_hold_back_the_other_mail(
        people: Centre, sink: Sink, tmp_path: Path) -> None:
    (tmp_path / "reminder.txt").write_text("{% if %}\n")
    centre = wire(people, sink.port, Templates(tmp_path))
    centre.sessions.book(draft(5))  # its booking notices are pending
    with pytest.raises(InvalidInput, match="reminder.txt"):
        centre.mail.enqueue_reminders(timedelta(hours=24))
    report = centre.mail.queue_reminders(timedelta(hours=24))
    assert report.queued == 0 and "template reminder" in (report.not_queued or "")
    assert "reminder.txt, line 1" in (report.not_queued or "")
    centre.mail.send_pending(report=report)
    assert report.sent == 2 and not report.ok
    assert sorted(sink.recipients) == ["ada@example.org", "sam@example.org"]
    assert all(m.kind is NoticeKind.BOOKED for m in centre.mail.outbox())


def test_the_dry_run_lists_only_what_a_run_would_queue(people: Centre) -> None:
    session = people.sessions.book(draft(5), notify=False).session
    ahead = timedelta(hours=24)
    assert len(people.mail.due_reminders(ahead)) == 2
    assert people.mail.enqueue_reminders(ahead) == 2
    assert people.mail.due_reminders(ahead) == []
    people.sessions.edit(session.id, {"start": session.start + timedelta(hours=1)},
                         notify=False)
    due = people.mail.due_reminders(ahead)
    assert [d.start for d in due] == [session.start + timedelta(hours=1)] * 2
    assert people.mail.enqueue_reminders(ahead) == len(due)


@pytest.mark.parametrize("ahead", [timedelta(days=9_999_999), timedelta(days=367),
                                   timedelta(0)])
def test_a_reminder_window_out_of_range_is_refused(people: Centre, ahead: timedelta) -> None:
    for call in (people.mail.enqueue_reminders, people.mail.due_reminders,
                 people.mail.queue_reminders):
        with pytest.raises(InvalidInput, match="--ahead"):
            call(ahead)


@pytest.mark.parametrize("text", ["99999999999d", "9999999d", "367d", "0h", "soon"])
def test_parse_duration_refuses_what_cannot_be_a_window(text: str) -> None:
    from sessionsctl.core.mail.notices import parse_duration
    from sessionsctl.core.mail.service import MAX_AHEAD

    with pytest.raises(InvalidInput, match="--ahead"):
        parse_duration(text, field="--ahead", maximum=MAX_AHEAD)
    assert parse_duration("366d", field="--ahead", maximum=MAX_AHEAD) == MAX_AHEAD


def test_preview_of_a_session_template_without_a_session_says_so(people: Centre) -> None:
    with pytest.raises(InvalidInput, match="--session") as caught:
        people.mail.preview("reminder")
    assert "reminder" in caught.value.message
    assert people.mail.preview("custom").subject == "A message from your tutoring centre"


# ------------------------------------------------------------------ real processes
def _cli(db_url: str, port: int, *args: str) -> list[str]:
    return [sys.executable, "-c", "from sessionsctl.cli.main import main; main()",
            "--db", db_url, *args]


def _env(port: int, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")}
    env.update(SESSIONSCTL_CONFIG=str(tmp_path / "none.toml"), SESSIONSCTL_SMTP_HOST="127.0.0.1",
               SESSIONSCTL_SMTP_PORT=str(port), SESSIONSCTL_SMTP_SECURITY="none",
               SESSIONSCTL_SMTP_FROM=SENDER, NO_COLOR="1")
    return env


def _mentors_with_sessions(centre: Centre, n: int) -> None:
    """``n`` mentors, each with one session in the next hours: ``n`` distinct reminders."""
    with centre.store.unit(write=True) as uow:  # one transaction: this is only setup
        for i in range(n):
            uow.people.add(f"Mentor {i}", f"m{i}@example.org", Role.MENTOR, None)
    centre.sessions.book_many([draft(2 + i / n, mentor=f"m{i}@example.org", students=())
                               for i in range(n)], notify=False)


@pytest.mark.slow
def test_two_reminder_processes_at_once_send_each_reminder_once(
        centre: Centre, db_url: str, tmp_path: Path) -> None:
    _mentors_with_sessions(centre, 60)
    with Sink(delay=0.002) as sink:
        env = _env(sink.port, tmp_path)
        procs = [subprocess.Popen(_cli(db_url, sink.port, "reminders", "send", "--json"),
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
    counts = Counter(sink.recipients)
    assert len(counts) == 60 and set(counts.values()) == {1}, counts.most_common(3)


@pytest.mark.slow
def test_killed_mid_batch_the_next_run_sends_the_rest_at_most_one_twice(
        centre: Centre, db_url: str, tmp_path: Path) -> None:
    _mentors_with_sessions(centre, 200)
    with Sink(delay=0.01) as sink:
        env = _env(sink.port, tmp_path)
        proc = subprocess.Popen(_cli(db_url, sink.port, "reminders", "send"), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(sink.recipients) < 60 and time.monotonic() < deadline \
                and proc.poll() is None:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        first_run = len(sink.recipients)
        assert 60 <= first_run < 200, "the kill must land in the middle of the batch"
        again = subprocess.run(_cli(db_url, sink.port, "reminders", "send", "--json"), env=env,
                               capture_output=True, text=True, timeout=120, check=False)
        assert again.returncode == 0, again.stderr
    counts = Counter(sink.recipients)
    assert set(counts) == {f"m{i}@example.org" for i in range(200)}
    assert sum(counts.values()) - 200 <= 1, counts.most_common(3)
    assert centre.mail.outbox_counts()["sent"] == 200


# ------------------------------------------------------------------ settings and templates
def test_password_file_must_be_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SESSIONSCTL_SMTP_PASSWORD", raising=False)
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    secret.chmod(0o644)
    settings = SmtpSettings(host="h", user="u", sender=SENDER, password_file=str(secret))
    with pytest.raises(InvalidInput, match="chmod 600") as caught:
        smtp_password(settings)
    assert "s3cret" not in str(caught.value)
    secret.chmod(0o600)
    assert smtp_password(settings) == "s3cret"
    monkeypatch.setenv("SESSIONSCTL_SMTP_PASSWORD", "from-env")
    assert smtp_password(settings) == "from-env"


def test_override_folder_replaces_one_file_and_html_is_escaped(people: Centre,
                                                               tmp_path: Path) -> None:
    (tmp_path / "reminder.html").write_text("<b>{{ session.title }}</b>\n")
    session = people.sessions.book(draft(title="<script>x</script> & more")).session
    people.mail.configure_mail(MailSetup(templates=Templates(tmp_path)))
    rendered = people.mail.preview("reminder", session.id)
    assert rendered.html == "<b>&lt;script&gt;x&lt;/script&gt; &amp; more</b>\n"
    assert "<script>x</script> & more" in rendered.text  # ours, and plain text is not escaped
    assert "reminder" in Templates(tmp_path).names()
    assert set(Templates().names()) >= {"booked", "changed", "cancelled", "reminder", "custom"}
    assert (builtin_dir() / "booked.txt").is_file()


def test_templates_are_sandboxed(people: Centre, tmp_path: Path) -> None:
    (tmp_path / "evil.subject").write_text("x\n")
    (tmp_path / "evil.txt").write_text("{{ recipient.__class__.__mro__ }}\n")
    (tmp_path / "evil.html").write_text("x\n")
    people.mail.configure_mail(MailSetup(templates=Templates(tmp_path)))
    with pytest.raises(InvalidInput, match="evil.txt"):
        people.mail.preview("evil", recipient="sam@example.org")


def test_only_a_web_address_is_written_as_a_link_in_the_html(people: Centre,
                                                             db_url: str) -> None:
    """A link stored before links were checked (javascript:...) is shown as text, never as
    <a href>; a web address is a link."""
    from sqlalchemy import create_engine, text

    web = people.sessions.book(replace(draft(), link="https://meet.example.org/a")).session
    old = people.sessions.book(draft(hours=6)).session
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET meeting_link = 'javascript:alert(3)' "
                          "WHERE id = :id"), {"id": old.id})
    engine.dispose()
    shown = people.mail.preview("reminder", web.id).html
    assert '<a href="https://meet.example.org/a">' in shown
    html = people.mail.preview("reminder", old.id).html
    assert "javascript:alert(3)" in html and "<a " not in html
