"""Invoices: a numbered invoice of a student's charged places in a period; listing, voiding
(audited). The rule that an invoiced session keeps what made its amount is
:mod:`.guard`'s."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain.errors import InvalidInput, NotFound
from ..domain.model import PaymentStatus
from ..domain.serialize import record
from ..domain.timeutil import day_start, iso
from ..names import Names
from ..reports.data import ReportFilter
from .model import Billable, Invoice, InvoiceLine
from .service import bill_lines

if TYPE_CHECKING:
    from ..context import Context
    from .policy import BillingPolicy


class Invoicing:
    """Invoices for students: the centre's staff and admins only."""

    def __init__(self, ctx: Context, policy: BillingPolicy) -> None:
        self.ctx = ctx
        self.policy = policy

    def make(self, student: str, first: date, last: date, tz: ZoneInfo) -> Invoice:
        """A numbered invoice of ``student``'s charged places in sessions starting from day
        ``first`` to day ``last`` (inclusive, in ``tz``) not on an issued invoice already
        (nor waived for them), each line with its payment status as recorded for them."""
        if last < first:
            raise InvalidInput("must not be before --from", field="to")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            person = Names(uow).person(student, "student", field="student")
            f = ReportFilter(day_start(first, tz), day_start(last + timedelta(days=1), tz),
                             student=person.email)
            # Each place is the student's own: its amount, and its payment (a waived one is
            # not owed, so not invoiced).
            lines = [ln for ln in bill_lines(uow, f, self.policy)
                     if ln.why is not Billable.MAKE_UP
                     and ln.facts.payment != PaymentStatus.WAIVED.value]
            taken = uow.billing.invoiced([ln.facts.session_id for ln in lines])
            lines = [ln for ln in lines if (ln.facts.session_id, person.email) not in taken]
            if not lines:
                raise InvalidInput(f"nothing to invoice for {person.label} from {first} to "
                                   f"{last} (no charged session not invoiced yet)",
                                   field="student")
            invoice = uow.billing.add_invoice(Invoice(
                0, uow.billing.next_invoice_number(), person.email, first, last,
                self.policy.currency, sum(ln.amount for ln in lines), "issued", self.ctx.clock(),
                tuple(InvoiceLine(ln.facts.session_id, ln.amount, {
                    "title": ln.facts.title, "start": iso(ln.facts.start), "tz": ln.facts.tz,
                    "minutes": ln.facts.minutes, "why": ln.why.value,
                    "priced_by": ln.source, "payment": ln.facts.payment}) for ln in lines)))
            uow.audit.record("invoice", "invoice", invoice.number, None, _summary(invoice))
            return invoice

    def listed(self, student: str | None = None) -> list[Invoice]:
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            email = Names(uow).person(student, "student", field="student").email \
                if student else None
            return uow.billing.invoices(email)

    def get(self, number: int) -> Invoice:
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            found = uow.billing.invoice(number)
            if found is None:
                raise NotFound("invoice", number)
            return found

    def void(self, number: int, reason: str) -> Invoice:
        """Void an invoice (its number is not used again; its sessions may be invoiced and
        changed again), audited with the reason."""
        if not reason.strip():
            raise InvalidInput("say why the invoice is void", field="reason")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            before = uow.billing.invoice(number, lock=True)
            if before is None:
                raise NotFound("invoice", number)
            if before.status == "void":
                raise InvalidInput(f"invoice {number} is void already", field="invoice")
            uow.billing.void_invoice(number, reason.strip())
            after = uow.billing.invoice(number)
            assert after is not None
            uow.audit.record("void", "invoice", number, _summary(before), _summary(after))
            return after


def _summary(invoice: Invoice) -> dict[str, object]:
    return {"number": invoice.number, "student": invoice.student,
            "from": record(invoice.period_from), "to": record(invoice.period_to),
            "total": invoice.total, "currency": invoice.currency, "status": invoice.status,
            "sessions": [ln.session_id for ln in invoice.lines],
            "void_reason": invoice.void_reason}
