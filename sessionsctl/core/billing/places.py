"""Each student's place in a session and what it is paid as: their own payment status (a
group session's students each pay, ``payment record --student``), else their session's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..access import Action, may
from ..domain.model import PaymentStatus, Person, Session

if TYPE_CHECKING:
    from ..storage import UnitOfWork


def places_paid(uow: UnitOfWork, actor: Person | None,
                session: Session) -> dict[str, PaymentStatus]:
    """Each student of ``session`` (as ``actor`` sees it) -> what their place is paid as, read
    in one query for the whole session; empty for a session without students and for an
    ``actor`` who may not read payments (their students' own statuses are the billing
    staff's)."""
    if not session.students or not may(actor, Action.MANAGE_BILLING):
        return {}
    own = uow.billing.own_payments([session.id])
    return {email: PaymentStatus(own.get((session.id, email), session.payment_status.value))
            for email in session.students}
