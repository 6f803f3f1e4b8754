"""The billing use cases: rates, the billing report, recording payments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..access import Action, require
from ..domain.drafts import SessionQuery
from ..domain.errors import InvalidInput, NotFound
from ..domain.model import PaymentStatus, Session
from ..domain.serialize import record
from ..names import Names, named_in
from ..reports.scope import checked, known
from . import money
from .model import BillLine, Rate, RateKind, RateTarget, RateUnit
from .rules import bill_line, rate_book

if TYPE_CHECKING:
    from ..context import Context
    from ..reports.data import ReportFilter
    from ..storage import UnitOfWork
    from .policy import BillingPolicy

KIND_OF = {RateTarget.MENTOR: RateKind.PAY}  # every other target is charged


@dataclass(frozen=True, slots=True)
class BillingReport:
    """Every charged or credited place in the sessions a filter selects."""

    filter: ReportFilter
    lines: list[BillLine]
    currency: str

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def unpriced(self) -> list[BillLine]:
        """Charged places no rate prices (and no cost set on their session)."""
        return [line for line in self.lines if not line.priced and line.amount == 0
                and line.source != "credit"]


class Billing:
    """Rates, the billing report and payments: the centre's staff and admins only."""

    def __init__(self, ctx: Context, policy: BillingPolicy) -> None:
        self.ctx = ctx
        self.policy = policy

    # ---------------------------------------------------------------------- rates
    def set_rate(self, target: RateTarget, name: str, amount: str | int,
                 unit: RateUnit) -> Rate:
        """Set the charge rate of a student, course or subject, or a mentor's pay rate,
        replacing the one it had (audited). ``amount`` as typed (``35.00``) or minor units."""
        currency = self.policy.currency
        minor = amount if isinstance(amount, int) else money.parse_amount(
            amount, currency, field="amount")
        if minor < 0:
            raise InvalidInput("must be zero or more", field="amount")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            target_id = _target_id(uow, target, name)
            before, after = uow.billing.set_rate(KIND_OF.get(target, RateKind.CHARGE), target,
                                                 target_id, minor, currency, unit)
            uow.audit.record("rate", "rate", after.id, record(before) if before else None,
                             record(after))
            return after

    def rates(self, kind: RateKind | None = None) -> list[Rate]:
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            return uow.billing.rates(kind)

    def remove_rate(self, rate_id: int) -> Rate:
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            removed = uow.billing.remove_rate(rate_id)
            if removed is None:
                raise NotFound("rate", rate_id)
            uow.audit.record("remove", "rate", rate_id, record(removed), None)
            return removed

    # ------------------------------------------------------------------- the report
    def report(self, f: ReportFilter, *, unpaid: bool = False) -> BillingReport:
        """Each student's charged or credited place in the sessions ``f`` selects (by start),
        priced by the session's own cost or the rates; ``unpaid``: those not yet paid nor
        waived."""
        f = checked(f)
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            f = known(uow, f)
            lines = bill_lines(uow, f, self.policy)
        if unpaid:
            lines = [line for line in lines if line.facts.payment == PaymentStatus.UNPAID.value
                     and line.source != "credit"]
        return BillingReport(f, lines, self.policy.currency)

    # ------------------------------------------------------------------- payments
    def record_payment(self, session_ids: Sequence[int], status: PaymentStatus,
                       student: str | None = None) -> list[int]:
        """Mark sessions paid, waived (or unpaid again), all or none, each change audited;
        returns the ids whose status changed. Without ``student``: every place in them (a
        student's own status given before is replaced); with one (by email or name): that
        student's place alone, in each session (a group session's students each pay)."""
        ids = list(dict.fromkeys(session_ids))
        if not ids:
            raise InvalidInput("name at least one session", field="session")
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            if student is not None:
                return _record_place(uow, ids, student, status)
            return _record_whole(uow, ids, status)

    def put_back_payment(self, session_id: int, status: PaymentStatus,
                         places: Mapping[str, PaymentStatus]) -> tuple[Session, list[str]]:
        """A session's payments as a change found them (``audit revert`` of a whole-session
        ``payment record``, which replaced its students' own): every place as ``status``,
        then each student in ``places`` who still takes part as theirs, in one transaction,
        audited as a payment record is. The session now, and the students of ``places`` no
        longer in it (left out)."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            session = uow.sessions.get(session_id)
            if session is None:
                raise NotFound("session", session_id)
            kept = {e: p.value for e, p in places.items() if e in session.students}
            _record_whole(uow, [session_id], status, kept)
            now = uow.sessions.get(session_id)
            assert now is not None
            return now, sorted(set(places) - set(kept))


def _record_whole(uow: UnitOfWork, ids: list[int], status: PaymentStatus,
                  places: Mapping[str, str] | None = None) -> list[int]:
    """Every place in these sessions (their students' own status replaced); then, with
    ``places`` (student -> status), those students' own in each (an undo putting back what
    a whole-session record replaced)."""
    own = uow.billing.own_payments(ids)
    before = uow.billing.set_payment(ids, status.value)
    if missing := [i for i in ids if i not in before]:
        raise NotFound("session", missing[0])
    places = dict(sorted((places or {}).items()))
    changed = []
    for i in ids:
        for email, paid in places.items():
            uow.billing.set_place_payment(i, email, paid)
        theirs = {e: p for (sid, e), p in sorted(own.items()) if sid == i}
        if before[i] == status.value and theirs == places:
            continue
        changed.append(i)
        was: dict[str, object] = {"payment_status": before[i]}
        if theirs:
            was["payments"] = theirs
        now: dict[str, object] = {"payment_status": status.value}
        if places:
            now["payments"] = places
        uow.audit.record("payment", "session", i, was, now)
    return changed


def _record_place(uow: UnitOfWork, ids: list[int], student: str,
                  status: PaymentStatus) -> list[int]:
    """One student's own payment status in each of these sessions (each must have them); in
    a session they alone take part in, their place is the session's."""
    email = Names(uow).person(student, "student", field="student").email
    sessions = {s.id: s for s in uow.sessions.find(SessionQuery(ids=tuple(ids)))}
    if missing := [i for i in ids if i not in sessions]:
        raise NotFound("session", missing[0])
    if absent := [i for i in ids if email not in sessions[i].students]:
        raise InvalidInput(f"{email} is not a student of session {absent[0]}", field="student")
    alone = [i for i in ids if len(sessions[i].students) == 1]
    changed = set(_record_whole(uow, alone, status)) if alone else set()
    own = uow.billing.own_payments(ids)
    for i in ids:
        before = own.get((i, email), sessions[i].payment_status.value)
        if i in alone or before == status.value:
            continue
        uow.billing.set_place_payment(i, email, status.value)
        changed.add(i)
        uow.audit.record("payment", "session", i, {"student": email, "payment_status": before},
                         {"student": email, "payment_status": status.value})
    return [i for i in ids if i in changed]


def _target_id(uow: UnitOfWork, target: RateTarget, name: str) -> int:
    """The id of the student, mentor, course or subject ``name`` names."""
    names = Names(uow)
    if target is RateTarget.SUBJECT:
        return names.subject(name, field="subject").id
    if target is RateTarget.COURSE:
        return named_in("course", name, uow.courses.all(), field="course").id
    person = names.person(name, target.value, field=target.value)
    if person.role.value != target.value:
        raise InvalidInput(f"{person.label} is not a {target.value}", field=target.value)
    return person.id


def bill_lines(uow: UnitOfWork, f: ReportFilter, policy: BillingPolicy) -> list[BillLine]:
    """Each charged or credited place in the sessions ``f`` (resolved) selects."""
    book = rate_book(uow.billing.rates(RateKind.CHARGE))
    return [line for facts in uow.billing.places(f)
            if (line := bill_line(facts, book, policy.currency, policy.late_cancel))
            is not None]
