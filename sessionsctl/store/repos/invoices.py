"""Invoices: numbered through one counter row (never reused, two writers never given the
same), written with their lines; which sessions an issued invoice charges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ...core.billing.model import Invoice, InvoiceLine
from ..schema import person_table, setting_table
from ..schema_billing import invoice_line_table, invoice_table
from . import upsert
from .lookup import CHUNK


def chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


_COUNTER = "invoice_number"


class SqlInvoices:
    """Invoices: numbered through one counter row, written with their lines."""

    def __init__(self, db: Connection, actor_id: int | None = None) -> None:
        self.db = db
        self.actor_id = actor_id

    def next_invoice_number(self) -> int:
        # The counter row is written first: on PostgreSQL a second writer waits on its row
        # lock until the first commits (then reads its number), on SQLite writers run one at
        # a time. A rolled-back transaction gives its number back; a committed one never.
        self.db.execute(upsert.insert_ignoring_duplicates(self.db, setting_table)
                        .values(key=_COUNTER, value="0"))
        current = int(self.db.execute(select(setting_table.c.value).where(
            setting_table.c.key == _COUNTER).with_for_update()).scalar_one())
        taken = max(current, self.db.execute(
            select(func.coalesce(func.max(invoice_table.c.number), 0))).scalar_one()) + 1
        self.db.execute(update(setting_table).where(setting_table.c.key == _COUNTER)
                        .values(value=str(taken)))
        return taken

    def add_invoice(self, invoice: Invoice) -> Invoice:
        student = self.db.execute(select(person_table.c.id).where(
            person_table.c.email == invoice.student)).scalar_one()
        new_id = self.db.execute(insert(invoice_table).returning(invoice_table.c.id), {
            "number": invoice.number, "student_id": student,
            "period_from": invoice.period_from, "period_to": invoice.period_to,
            "currency": invoice.currency, "total": invoice.total, "status": invoice.status,
            "issued_at": invoice.issued_at, "issued_by_id": self.actor_id}).scalar_one()
        if invoice.lines:
            self.db.execute(insert(invoice_line_table), [
                {"invoice_id": new_id, "session_id": ln.session_id, "details": ln.details,
                 "amount": ln.amount} for ln in invoice.lines])
        return replace(invoice, id=new_id)

    def _select(self) -> Any:
        return (select(*invoice_table.c, person_table.c.email.label("email"))
                .join(person_table, person_table.c.id == invoice_table.c.student_id))

    @staticmethod
    def _invoice(r: Any, lines: tuple[InvoiceLine, ...] = ()) -> Invoice:
        i = r
        return Invoice(i.id, i.number, r.email, i.period_from, i.period_to, i.currency, i.total,
                       i.status, i.issued_at, lines, i.void_reason)

    def invoices(self, student: str | None = None) -> list[Invoice]:
        stmt = self._select().order_by(invoice_table.c.number.desc())
        if student is not None:
            stmt = stmt.where(person_table.c.email == student)
        return [self._invoice(r) for r in self.db.execute(stmt)]

    def invoice(self, number: int, *, lock: bool = False) -> Invoice | None:
        stmt = self._select().where(invoice_table.c.number == number)
        if lock:
            stmt = stmt.with_for_update(of=invoice_table)
        row = self.db.execute(stmt).first()
        if row is None:
            return None
        lines = tuple(InvoiceLine(ln.session_id, ln.amount, ln.details) for ln in self.db.execute(
            select(invoice_line_table.c.session_id, invoice_line_table.c.amount, invoice_line_table.c.details)
            .where(invoice_line_table.c.invoice_id == row.id).order_by(invoice_line_table.c.id)))
        return self._invoice(row, lines)

    def void_invoice(self, number: int, reason: str) -> None:
        self.db.execute(update(invoice_table).where(invoice_table.c.number == number)
                        .values(status="void", void_reason=reason))

    def invoiced(self, session_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        found: dict[tuple[int, str], int] = {}
        for chunk in chunks(list(session_ids)):
            for session_id, email, number in self.db.execute(
                    select(invoice_line_table.c.session_id, person_table.c.email, invoice_table.c.number)
                    .join(invoice_table, invoice_table.c.id == invoice_line_table.c.invoice_id)
                    .join(person_table, person_table.c.id == invoice_table.c.student_id)
                    .where(invoice_table.c.status == "issued",
                           invoice_line_table.c.session_id.in_(chunk))):
                found[(session_id, email)] = number
        return found
