"""Rates, the facts bills are made of, payment status and who cancelled (implements core's
``BillingRepo``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, select, update

from ...core.billing.model import (
    CancelledBy,
    Rate,
    RateKind,
    RateTarget,
    RateUnit,
    SessionFacts,
)
from .. import clock
from ..schema import (
    attendance_table,
    course_table,
    person_table,
    session_student_table,
    session_table,
    subject_table,
)
from ..schema_billing import rate_table, session_payment_table
from ..types import read_instant
from . import report_filter, upsert
from .invoices import SqlInvoices, chunks

if TYPE_CHECKING:
    from ...core.reports.data import ReportFilter

_MENTOR = person_table.alias("mentor")
_STUDENT = person_table.alias("student")
_TABLES: dict[RateTarget, Any] = {RateTarget.STUDENT: person_table, RateTarget.MENTOR: person_table,
                                  RateTarget.COURSE: course_table, RateTarget.SUBJECT: subject_table}


def _facts_select(with_student: bool) -> Any:
    # A student's place is paid as their own payment row says, else as their session is.
    payment = func.coalesce(session_payment_table.c.status, session_table.c.payment_status) \
        if with_student else session_table.c.payment_status
    columns = [session_table.c.id, session_table.c.title, session_table.c.start_at, session_table.c.end_at,
               session_table.c.tz, session_table.c.status, _MENTOR.c.email.label("mentor"),
               course_table.c.name.label("course"), subject_table.c.name.label("subject"),
               session_table.c.cost_hundredths, payment.label("payment_status"),
               session_table.c.cancelled_by, session_table.c.cancelled_at]
    if with_student:
        columns += [_STUDENT.c.email.label("student"), attendance_table.c.status.label("mark")]
    stmt = (select(*columns).join(_MENTOR, _MENTOR.c.id == session_table.c.mentor_id)
            .outerjoin(course_table, course_table.c.id == session_table.c.course_id)
            .outerjoin(subject_table, subject_table.c.id == session_table.c.subject_id))
    if with_student:
        stmt = (stmt.join(session_student_table, session_student_table.c.session_id == session_table.c.id)
                .join(_STUDENT, _STUDENT.c.id == session_student_table.c.student_id)
                .outerjoin(attendance_table, and_(
                    attendance_table.c.session_id == session_table.c.id,
                    attendance_table.c.student_id == session_student_table.c.student_id))
                .outerjoin(session_payment_table, and_(
                    session_payment_table.c.session_id == session_table.c.id,
                    session_payment_table.c.student_id == session_student_table.c.student_id)))
    return stmt


def _facts(r: Any, with_student: bool) -> SessionFacts:
    return SessionFacts(
        session_id=r.id, title=r.title, start=read_instant(r.start_at),
        end=read_instant(r.end_at), tz=r.tz, status=r.status, mentor=r.mentor,
        student=r.student if with_student else None, course=r.course, subject=r.subject,
        cost=r.cost_hundredths, payment=r.payment_status,
        cancelled_by=CancelledBy(r.cancelled_by) if r.cancelled_by else None,
        cancelled_at=read_instant(r.cancelled_at) if r.cancelled_at is not None else None,
        mark=r.mark if with_student else None)


class SqlBilling(SqlInvoices):
    """Rates, the facts of bills, payments and who cancelled; invoices (:class:`SqlInvoices`)."""

    # ---------------------------------------------------------------------- rates
    def rates(self, kind: RateKind | None = None) -> list[Rate]:
        stmt = select(rate_table).order_by(rate_table.c.kind, rate_table.c.target, rate_table.c.id)
        if kind is not None:
            stmt = stmt.where(rate_table.c.kind == kind.value)
        rows = self.db.execute(stmt).all()
        names: dict[tuple[str, int], str] = {}
        for target, table in _TABLES.items():
            ids = {r.target_id for r in rows if r.target == target.value}
            column = table.c.email if table is person_table else table.c.name
            for chunk in chunks(sorted(ids)):
                for row_id, name in self.db.execute(
                        select(table.c.id, column).where(table.c.id.in_(chunk))):
                    names[(target.value, row_id)] = name
        return sorted((self._rate(r, names.get((r.target, r.target_id), f"#{r.target_id}"))
                       for r in rows), key=lambda r: (r.kind, r.target, r.name.lower()))

    @staticmethod
    def _rate(r: Any, name: str) -> Rate:
        return Rate(r.id, RateKind(r.kind), RateTarget(r.target), name, r.amount, r.currency,
                    RateUnit(r.unit))

    def _one(self, rate_id: int) -> Rate | None:
        return next((r for r in self.rates() if r.id == rate_id), None)

    def set_rate(self, kind: RateKind, target: RateTarget, target_id: int, amount: int,
                 currency: str, unit: RateUnit) -> tuple[Rate | None, Rate]:
        table = rate_table
        key = {"kind": kind.value, "target": target.value, "target_id": target_id}
        old = upsert.put(self.db, table, key, {"amount": amount, "currency": currency,
                                               "unit": unit.value, "changed_at": clock.now()})
        rate_id = self.db.execute(select(rate_table.c.id).where(
            *(rate_table.c[k] == v for k, v in key.items()))).scalar_one()
        after = self._one(rate_id)
        assert after is not None
        before = None if old is None else self._rate(old, after.name)
        return before, after

    def remove_rate(self, rate_id: int) -> Rate | None:
        found = self._one(rate_id)
        if found is not None:
            self.db.execute(delete(rate_table).where(rate_table.c.id == rate_id))
        return found

    # ---------------------------------------------------------------------- facts
    def places(self, f: ReportFilter) -> list[SessionFacts]:
        stmt = _facts_select(True).where(*report_filter.session_filter(self.db, f))
        student = report_filter.student_id(self.db, f)
        if student is not None:
            stmt = stmt.where(session_student_table.c.student_id == student)
        stmt = stmt.order_by(session_table.c.start_at, session_table.c.id, _STUDENT.c.email)
        return [_facts(r, True) for r in self.db.execute(stmt)]

    def taught(self, f: ReportFilter) -> list[SessionFacts]:
        stmt = (_facts_select(False).where(*report_filter.session_filter(self.db, f),
                                           session_table.c.status == "completed")
                .order_by(session_table.c.start_at, session_table.c.id))
        return [_facts(r, False) for r in self.db.execute(stmt)]

    # ------------------------------------------------------------------- payments
    def set_payment(self, session_ids: Sequence[int], status: str) -> dict[int, str]:
        before: dict[int, str] = {}
        for chunk in chunks(list(session_ids)):
            before.update((r.id, r.payment_status) for r in self.db.execute(
                select(session_table.c.id, session_table.c.payment_status)
                .where(session_table.c.id.in_(chunk)).with_for_update()))
            self.db.execute(update(session_table).where(session_table.c.id.in_(chunk))
                            .values(payment_status=status))
            self.db.execute(delete(session_payment_table)
                            .where(session_payment_table.c.session_id.in_(chunk)))
        return before

    def own_payments(self, session_ids: Sequence[int]) -> dict[tuple[int, str], str]:
        found: dict[tuple[int, str], str] = {}
        for chunk in chunks(list(session_ids)):
            for session_id, email, status in self.db.execute(
                    select(session_payment_table.c.session_id, person_table.c.email,
                           session_payment_table.c.status)
                    .join(person_table, person_table.c.id == session_payment_table.c.student_id)
                    .where(session_payment_table.c.session_id.in_(chunk))):
                found[(session_id, email)] = status
        return found

    def set_place_payment(self, session_id: int, student: str, status: str) -> None:
        # The session's row is locked first, as set_payment locks it: writers of one
        # session's payments wait for each other.
        self.db.execute(select(session_table.c.id).where(session_table.c.id == session_id)
                        .with_for_update()).first()
        student_id = self.db.execute(select(person_table.c.id).where(
            person_table.c.email == student)).scalar_one()
        key = {"session_id": session_id, "student_id": student_id}
        values = {"status": status, "changed_at": clock.now()}
        table = session_payment_table
        self.db.execute(upsert.insert_ignoring_duplicates(self.db, table)
                        .values(**key, **values))
        self.db.execute(update(session_payment_table).where(
            session_payment_table.c.session_id == session_id,
            session_payment_table.c.student_id == student_id).values(**values))

    def set_cancelled_by(self, session_id: int, who: str) -> None:
        self.db.execute(update(session_table).where(session_table.c.id == session_id)
                        .values(cancelled_by=who))

