"""What billing needs from storage (a protocol the store implements, held by the unit of
work as ``uow.billing``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..reports.data import ReportFilter
    from .model import Invoice, Rate, RateKind, RateTarget, RateUnit, SessionFacts


class BillingRepo(Protocol):
    """Rates, the facts bills are made from, and payment status."""

    def rates(self, kind: RateKind | None = None) -> list[Rate]: ...
    def set_rate(self, kind: RateKind, target: RateTarget, target_id: int, amount: int,
                 currency: str, unit: RateUnit) -> tuple[Rate | None, Rate]:
        """Write the one rate of ``kind`` for that target (made, or changed): the rate it
        replaced (or None) and the rate now."""
        ...
    def remove_rate(self, rate_id: int) -> Rate | None:
        """Remove a rate; the rate removed, or None when there was none."""
        ...
    def places(self, f: ReportFilter) -> list[SessionFacts]:
        """Each student's place in each session ``f`` selects (the student filter: theirs
        only), every status, in start order."""
        ...
    def taught(self, f: ReportFilter) -> list[SessionFacts]:
        """The completed sessions ``f`` selects, one each (no student), in start order."""
        ...
    def set_payment(self, session_ids: Sequence[int], status: str) -> dict[int, str]:
        """Set the payment status of these sessions, for every place in them (a student's
        own status taken away); their status before, by id (ids not found are absent)."""
        ...
    def own_payments(self, session_ids: Sequence[int]) -> dict[tuple[int, str], str]:
        """(session id, student email) -> the payment status of that student's place, for
        the places that have their own (the others have their session's)."""
        ...
    def set_place_payment(self, session_id: int, student: str, status: str) -> None:
        """Set one student's own payment status for their place in the session."""
        ...
    def set_cancelled_by(self, session_id: int, who: str) -> None:
        """Record who cancelled the (just cancelled) session."""
        ...
    def next_invoice_number(self) -> int:
        """The next invoice number, taken in this transaction: two writers never take the
        same one, and a number taken is never handed out again once committed."""
        ...
    def add_invoice(self, invoice: Invoice) -> Invoice:
        """Write an invoice and its lines (its id is the one given back)."""
        ...
    def invoices(self, student: str | None = None) -> list[Invoice]:
        """Invoices (lines not read), newest number first."""
        ...
    def invoice(self, number: int, *, lock: bool = False) -> Invoice | None: ...
    def void_invoice(self, number: int, reason: str) -> None: ...
    def invoiced(self, session_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """(session id, student email) -> the number of the issued invoice charging it."""
        ...
