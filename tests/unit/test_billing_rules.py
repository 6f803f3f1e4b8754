"""The billing rules without a database: pricing by the hour or session, which places are
billed (completed, absent, excused, late cancellations, make-ups), the order rates apply in,
and amounts read and shown exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from sessionsctl.core.billing import money
from sessionsctl.core.billing.model import (
    Billable,
    CancelledBy,
    Rate,
    RateKind,
    RateTarget,
    RateUnit,
    SessionFacts,
)
from sessionsctl.core.billing.rules import bill_line, charge_rate, pay_for, rate_book, why_billable
from sessionsctl.core.domain.errors import InvalidInput

START = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def facts(**changes: object) -> SessionFacts:
    base = SessionFacts(session_id=1, title="Algebra", start=START,
                        end=START + timedelta(minutes=90), tz="Europe/London",
                        status="completed", mentor="ada@example.org", student="sam@example.org",
                        course="GCSE Maths", subject="Mathematics", cost=None, payment="unpaid",
                        cancelled_by=None, cancelled_at=None, mark=None)
    return replace(base, **changes)  # type: ignore[arg-type]


def rate(target: RateTarget, name: str, amount: int, unit: RateUnit = RateUnit.HOUR,
         kind: RateKind = RateKind.CHARGE) -> Rate:
    return Rate(1, kind, target, name, amount, "GBP", unit)


@pytest.mark.parametrize(("amount", "minutes", "expected"), [
    (3500, 60, 3500), (3500, 90, 5250), (3500, 45, 2625),
    (3333, 45, 2500),  # 2499.75 rounds half up to a whole penny
    (1001, 30, 501),  # 500.5 -> 501
    (1000, 1, 17),  # 16.67 -> 17
])
def test_an_hourly_rate_is_pro_rata_in_whole_minor_units(amount: int, minutes: int,
                                                         expected: int) -> None:
    assert rate(RateTarget.STUDENT, "x", amount).price(minutes) == expected


def test_a_session_rate_ignores_the_length() -> None:
    assert rate(RateTarget.SUBJECT, "x", 3000, RateUnit.SESSION).price(200) == 3000


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, Billable.COMPLETED),
    ({"mark": "present"}, Billable.ATTENDED),
    ({"mark": "late"}, Billable.ATTENDED),
    ({"mark": "absent"}, Billable.ABSENT),  # an absence without notice is billed
    ({"mark": "excused"}, None),
    ({"status": "scheduled"}, None),
    ({"status": "in_progress"}, None),
    ({"status": "cancelled"}, None),  # who cancelled not recorded: neither billed nor owed
    ({"status": "cancelled", "cancelled_by": CancelledBy.STUDENT,
      "cancelled_at": START - DAY + timedelta(minutes=1)}, Billable.LATE_CANCEL),
    ({"status": "cancelled", "cancelled_by": CancelledBy.STUDENT,
      "cancelled_at": START - DAY}, None),  # exactly the notice asked for: in time
    ({"status": "cancelled", "cancelled_by": CancelledBy.STUDENT,
      "cancelled_at": START + timedelta(minutes=5)}, Billable.LATE_CANCEL),
    ({"status": "cancelled", "cancelled_by": CancelledBy.CENTRE,
      "cancelled_at": START - timedelta(hours=1)}, Billable.MAKE_UP),
    ({"status": "cancelled", "cancelled_by": CancelledBy.MENTOR,
      "cancelled_at": START - 10 * DAY}, Billable.MAKE_UP),
])
def test_which_places_are_billed(changes: dict[str, object], expected: Billable | None) -> None:
    assert why_billable(facts(**changes), DAY) is expected


def test_the_notice_window_is_the_policys() -> None:
    cancelled = facts(status="cancelled", cancelled_by=CancelledBy.STUDENT,
                      cancelled_at=START - timedelta(hours=30))
    assert why_billable(cancelled, DAY) is None
    assert why_billable(cancelled, timedelta(hours=48)) is Billable.LATE_CANCEL


def test_the_student_rate_wins_then_the_course_then_the_subject() -> None:
    book = rate_book([rate(RateTarget.SUBJECT, "Mathematics", 1000),
                      rate(RateTarget.COURSE, "GCSE Maths", 2000),
                      rate(RateTarget.STUDENT, "Sam@Example.org", 3000)])
    assert charge_rate(facts(), book)[0].amount == 3000  # type: ignore[union-attr]
    assert charge_rate(facts(student="kim@example.org"), book)[1] == "course rate"
    assert charge_rate(facts(student="kim@example.org", course=None), book)[1] == "subject rate"
    assert charge_rate(facts(student="kim@example.org", course=None, subject=None),
                       book) == (None, "no rate")


def test_a_cost_set_on_the_session_overrides_every_rate() -> None:
    book = rate_book([rate(RateTarget.STUDENT, "sam@example.org", 9999)])
    line = bill_line(facts(cost=2500), book, "GBP", DAY)
    assert line is not None and (line.amount, line.source) == (2500, "session")
    line = bill_line(facts(), book, "GBP", DAY)
    assert line is not None and (line.amount, line.source) == (14999, "student rate")  # 1.5 h
    credit = bill_line(facts(status="cancelled", cancelled_by=CancelledBy.CENTRE,
                             cancelled_at=START), book, "GBP", DAY)
    assert credit is not None and (credit.why, credit.amount) == (Billable.MAKE_UP, 0)
    assert bill_line(facts(mark="excused"), book, "GBP", DAY) is None


def test_pay_comes_from_the_mentors_pay_rate_only() -> None:
    book = rate_book([rate(RateTarget.MENTOR, "ada@example.org", 2000, kind=RateKind.PAY),
                      rate(RateTarget.STUDENT, "sam@example.org", 5000)])
    assert pay_for(facts(), book) == (3000, True)
    assert pay_for(facts(mentor="bob@example.org"), book) == (0, False)


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("35", "GBP", 3500), ("35.5", "GBP", 3550), ("0.01", "EUR", 1), ("GBP 12.00", "GBP", 1200),
    ("500", "JPY", 500), ("1.234", "KWD", 1234),
])
def test_amounts_are_read_exactly(text: str, currency: str, minor: int) -> None:
    assert money.parse_amount(text, currency) == minor
    assert money.parse_amount(money.show(minor, currency).split()[0], currency) == minor


@pytest.mark.parametrize(("text", "currency"), [
    ("35.001", "GBP"), ("5.5", "JPY"), ("-1", "GBP"), ("lots", "GBP"), ("NaN", "GBP"),
    ("Infinity", "GBP"),
])
def test_malformed_amounts_are_refused(text: str, currency: str) -> None:
    with pytest.raises(InvalidInput):
        money.parse_amount(text, currency)
