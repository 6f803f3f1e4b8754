"""`Sessions.show` reads each student's payment in one query for the whole session (as many
statements for ten students as for two), and only for those who may read payments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import PaymentStatus, Role, SessionType

START = datetime(2030, 3, 4, 16, tzinfo=UTC)


def _group(centre: Centre, students: tuple[str, ...], day: int) -> int:
    start = START + timedelta(days=day)
    return centre.sessions.book(SessionDraft(
        title="Group", mentor="ada@centre.test", start=start, end=start + timedelta(hours=1),
        tz="UTC", students=students, type=SessionType.GROUP)).session.id


def _statements(centre: Centre, session_id: int) -> tuple[int, dict[str, PaymentStatus]]:
    count = 0

    def seen(*_: object) -> None:
        nonlocal count
        count += 1

    engine = centre.ctx.store.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        payments = centre.sessions.show(session_id).payments
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return count, payments


def test_each_places_payment_in_one_query(centre: Centre) -> None:
    centre.people.add_person("Ada Lovelace", "ada@centre.test", Role.MENTOR)
    students = tuple(f"s{i}@centre.test" for i in range(10))
    for i, email in enumerate(students):
        centre.people.add_person(f"Student {i}", email, Role.STUDENT)
    two, ten = _group(centre, students[:2], 0), _group(centre, students, 1)
    for sid in (two, ten):
        centre.billing.record_payment([sid], PaymentStatus.PAID, student=students[0])
        centre.billing.record_payment([sid], PaymentStatus.WAIVED, student=students[1])
    small, paid = _statements(centre, two)
    large, paid_ten = _statements(centre, ten)
    assert small == large
    assert paid == {students[0]: PaymentStatus.PAID, students[1]: PaymentStatus.WAIVED}
    assert paid_ten == {**paid, **dict.fromkeys(students[2:], PaymentStatus.UNPAID)}
    # a mentor reads none
    mentor = Centre(centre.ctx.store, "ada@centre.test")
    assert mentor.sessions.show(ten).payments == {}
