"""The billing report as a report (:mod:`..reports.report`): what the faces print as a
table, CSV, JSON or HTML. Amounts are exact text (``35.50``) beside their minor units."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..domain.words import counted
from ..reports.report import COUNT, WHEN, Column, Figure, Report, Section
from ..reports.scope import filters
from . import money
from .model import Billable

if TYPE_CHECKING:
    from .service import BillingReport


def amount_columns(key: str, label: str) -> tuple[Column, ...]:
    return (Column(key, label), Column(f"{key}_minor", f"{label} (minor units)", COUNT))


def amounts(key: str, minor: int, currency: str) -> dict[str, Any]:
    return {key: str(money.from_minor(minor, currency)), f"{key}_minor": minor}


def billing_report(bill: BillingReport, tz: ZoneInfo, now: datetime) -> Report:
    """Each charged or credited place, then each student's totals."""
    cur = bill.currency
    lines = tuple({
        "session": line.facts.session_id, "start": line.facts.start,
        "title": line.facts.title, "student": line.facts.student,
        "mentor": line.facts.mentor, "course": line.facts.course or "",
        "why": line.why.value, "minutes": line.facts.minutes, "priced_by": line.source,
        **amounts("amount", line.amount, cur), "currency": cur,
        "payment": line.facts.payment,
    } for line in bill.lines)
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in bill.lines:
        totals = per[line.facts.student or ""]
        if line.why is Billable.MAKE_UP:
            totals["credits"] += 1
            continue
        totals["charged"] += 1
        totals["total"] += line.amount
        if line.facts.payment == "unpaid":
            totals["unpaid"] += line.amount
    students = tuple({"student": who, "charged": t["charged"], "credits": t["credits"],
                      **amounts("total", t["total"], cur), **amounts("unpaid", t["unpaid"], cur),
                      "currency": cur} for who, t in sorted(per.items()))
    unpriced = len(bill.unpriced)
    notes = (f"{counted(unpriced, 'charged place')} had no rate and no cost set: priced at 0 "
             "(rate set, or session edit --cost)",) if unpriced else ()
    return Report(
        "billing", "Billing", bill.filter.start, bill.filter.end, now, tz.key,
        filters(bill.filter),
        (Figure("Charged", money.show(bill.total, cur), key="total"),
         Figure("Unpaid", money.show(sum(t["unpaid"] for t in per.values()), cur),
                key="unpaid"),
         Figure("Places charged", sum(t["charged"] for t in per.values()), key="charged"),
         Figure("Make-up credits", sum(t["credits"] for t in per.values()), key="credits")),
        (Section("lines", "Sessions", (
            Column("session", "Session", COUNT), Column("start", "Start", WHEN),
            Column("title", "Title"), Column("student", "Student"), Column("mentor", "Mentor"),
            Column("course", "Course"), Column("why", "Billed as"),
            Column("minutes", "Minutes", COUNT), Column("priced_by", "Priced by"),
            *amount_columns("amount", "Amount"), Column("currency", "Currency"),
            Column("payment", "Payment")), lines),
         Section("students", "Per student", (
             Column("student", "Student"), Column("charged", "Charged", COUNT),
             Column("credits", "Make-up credits", COUNT), *amount_columns("total", "Total"),
             *amount_columns("unpaid", "Unpaid"), Column("currency", "Currency")), students)),
        notes=notes)
