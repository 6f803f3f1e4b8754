"""The values of billing: rates, who cancelled, the facts of a session a bill reads, and
the lines a bill is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


class RateKind(StrEnum):
    CHARGE = "charge"  # what a student is charged
    PAY = "pay"  # what a mentor is paid


class RateUnit(StrEnum):
    HOUR = "hour"
    SESSION = "session"


class RateTarget(StrEnum):
    """What a rate is for: charge rates are a student's, a course's or a subject's (the
    student's wins, then the course's, then the subject's); pay rates are a mentor's."""

    STUDENT = "student"
    COURSE = "course"
    SUBJECT = "subject"
    MENTOR = "mentor"


CHARGE_ORDER = (RateTarget.STUDENT, RateTarget.COURSE, RateTarget.SUBJECT)


class CancelledBy(StrEnum):
    """Who cancelled a session (or for whom: a student's cancellation phoned in to the desk is
    the student's)."""

    STUDENT = "student"
    CENTRE = "centre"
    MENTOR = "mentor"


class Billable(StrEnum):
    """Why a student's place in a session is charged, or credited."""

    ATTENDED = "attended"  # completed, and there (or late)
    COMPLETED = "completed"  # completed, no mark
    ABSENT = "absent"  # completed, absent without notice
    LATE_CANCEL = "late cancellation"  # cancelled by or for the student inside the notice
    MAKE_UP = "make-up credit"  # cancelled by the centre or the mentor: a session owed


@dataclass(frozen=True, slots=True)
class Rate:
    id: int
    kind: RateKind
    target: RateTarget
    name: str  # the student's or mentor's email, the course's or subject's name
    amount: int  # minor units
    currency: str
    unit: RateUnit

    def price(self, minutes: int) -> int:
        """The amount for a session of ``minutes``, in minor units (per hour: pro rata,
        rounded half up to a whole minor unit)."""
        if self.unit is RateUnit.SESSION:
            return self.amount
        return (self.amount * minutes * 2 + 60) // 120


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What a bill reads of one student's place in one session (or of the session alone,
    ``student`` None, for a mentor's pay)."""

    session_id: int
    title: str
    start: datetime
    end: datetime
    tz: str
    status: str  # a SessionStatus value
    mentor: str
    student: str | None
    course: str | None
    subject: str | None
    cost: int | None  # set on the session (minor units), overriding the rates
    payment: str  # a PaymentStatus value
    cancelled_by: CancelledBy | None
    cancelled_at: datetime | None
    mark: str | None  # the student's attendance mark, if any
    invoice: int | None = None  # the number of the invoice it is on, if any

    @property
    def minutes(self) -> int:
        return int((self.end - self.start) // timedelta(minutes=1))


@dataclass(frozen=True, slots=True)
class BillLine:
    """One student's charge (or make-up credit) for one session."""

    facts: SessionFacts
    why: Billable
    amount: int  # minor units; 0 for a make-up credit
    currency: str
    source: str  # where the amount came from: "session", "student rate", ... or "no rate"

    @property
    def priced(self) -> bool:
        return self.source != "no rate"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    session_id: int
    amount: int  # minor units
    details: dict[str, Any]  # title, start (ISO), minutes, why, priced_by


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int
    number: int
    student: str  # email
    period_from: date
    period_to: date  # inclusive
    currency: str
    total: int  # minor units
    status: str  # issued | void
    issued_at: datetime
    lines: tuple[InvoiceLine, ...] = ()
    void_reason: str | None = None
