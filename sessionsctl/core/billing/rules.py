"""The billing rules: which places in sessions are charged, and the rate that prices them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from .model import (
    CHARGE_ORDER,
    Billable,
    BillLine,
    CancelledBy,
    Rate,
    RateKind,
    RateTarget,
    SessionFacts,
)

RateBook = Mapping[tuple[RateKind, RateTarget, str], Rate]


def rate_book(rates: Iterable[Rate]) -> dict[tuple[RateKind, RateTarget, str], Rate]:
    """The rates keyed by what they are for (names of people in lower case)."""
    return {(r.kind, r.target, r.name.lower()): r for r in rates}


def mark_charged(mark: str | None) -> bool:
    """Whether a completed session's place with this attendance mark (None: unmarked) is
    charged: every mark but an excused absence."""
    return mark != "excused"


def why_billable(f: SessionFacts, late_cancel: timedelta) -> Billable | None:
    """Why the student's place in the session is billed, or credited (None: neither).

    Completed: billed, unless the student's absence was excused (an absence without notice
    is billed). Cancelled by or for the student less than ``late_cancel`` before its start:
    billed. Cancelled by the centre or the mentor: a make-up credit. Anything else (to come,
    under way, cancelled in good time, cancelled before who cancelled was recorded): neither.
    """
    if f.status == "completed":
        if not mark_charged(f.mark):
            return None
        return {None: Billable.COMPLETED, "absent": Billable.ABSENT}.get(
            f.mark, Billable.ATTENDED)
    if f.status != "cancelled" or f.cancelled_by is None:
        return None
    if f.cancelled_by is not CancelledBy.STUDENT:
        return Billable.MAKE_UP
    if f.cancelled_at is not None and f.start - f.cancelled_at < late_cancel:
        return Billable.LATE_CANCEL
    return None


def charge_rate(f: SessionFacts, book: RateBook) -> tuple[Rate | None, str]:
    """The charge rate that prices the student's place: theirs, their course's, the
    subject's, in that order; and which it was."""
    names = {RateTarget.STUDENT: f.student, RateTarget.COURSE: f.course,
             RateTarget.SUBJECT: f.subject}
    for target in CHARGE_ORDER:
        name = names[target]
        if name is not None and (rate := book.get((RateKind.CHARGE, target, name.lower()))):
            return rate, f"{target.value} rate"
    return None, "no rate"


def bill_line(f: SessionFacts, book: RateBook, currency: str,
              late_cancel: timedelta) -> BillLine | None:
    """The student's line for the session, or None when it is neither billed nor credited.
    A cost set on the session is its price for each student; otherwise the charge rate's."""
    why = why_billable(f, late_cancel)
    if why is None:
        return None
    if why is Billable.MAKE_UP:
        return BillLine(f, why, 0, currency, "credit")
    if f.cost is not None:
        return BillLine(f, why, f.cost, currency, "session")
    rate, source = charge_rate(f, book)
    return BillLine(f, why, rate.price(f.minutes) if rate else 0, currency, source)


def pay_for(f: SessionFacts, book: RateBook) -> tuple[int, bool]:
    """A mentor's pay for a completed session (minor units), and whether a pay rate set it."""
    rate = book.get((RateKind.PAY, RateTarget.MENTOR, f.mentor.lower()))
    return (rate.price(f.minutes), True) if rate else (0, False)
