"""Mentors' pay: hours and pay per mentor from their completed sessions and pay rates, as a
report (:mod:`..reports.report`)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..reports.report import COUNT, HOURS, WHEN, Column, Figure, Report, Section
from ..reports.scope import checked, filters, known
from . import money
from .model import RateKind
from .reporting import amount_columns, amounts
from .rules import pay_for, rate_book

if TYPE_CHECKING:
    from ..context import Context
    from ..reports.data import ReportFilter
    from .policy import BillingPolicy


class Payroll:
    def __init__(self, ctx: Context, policy: BillingPolicy) -> None:
        self.ctx = ctx
        self.policy = policy

    def report(self, f: ReportFilter, tz: ZoneInfo) -> Report:
        """Each completed session with its mentor's pay, then each mentor's sessions, hours
        and pay (a mentor with no pay rate is listed with pay 0, and said so)."""
        f = checked(f)
        now = self.ctx.clock()
        with self.ctx.read() as uow:
            require(uow.actor, Action.MANAGE_BILLING)
            f = known(uow, f)
            book = rate_book(uow.billing.rates(RateKind.PAY))
            taught = uow.billing.taught(f)
        cur = self.policy.currency
        sessions, unrated = [], set()
        per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for facts in taught:
            pay, rated = pay_for(facts, book)
            if not rated:
                unrated.add(facts.mentor)
            totals = per[facts.mentor]
            totals["sessions"] += 1
            totals["minutes"] += facts.minutes
            totals["pay"] += pay
            sessions.append({"session": facts.session_id, "start": facts.start,
                             "title": facts.title, "mentor": facts.mentor,
                             "minutes": facts.minutes, **amounts("pay", pay, cur),
                             "currency": cur})
        mentors = tuple({"mentor": m, "sessions": t["sessions"],
                         "hours": round(t["minutes"] / 60, 2), **amounts("pay", t["pay"], cur),
                         "currency": cur} for m, t in sorted(per.items()))
        total = sum(t["pay"] for t in per.values())
        notes = (f"No pay rate for {', '.join(sorted(unrated))}: paid 0 (rate set --mentor)",) \
            if unrated else ()
        return Report(
            "payroll", "Payroll", f.start, f.end, now, tz.key, filters(f),
            (Figure("Pay", money.show(total, cur), key="pay"),
             Figure("Sessions", len(sessions), key="sessions"),
             Figure("Hours", round(sum(t["minutes"] for t in per.values()) / 60, 2), HOURS,
                    key="hours")),
            (Section("mentors", "Per mentor", (
                Column("mentor", "Mentor"), Column("sessions", "Sessions", COUNT),
                Column("hours", "Hours", HOURS), *amount_columns("pay", "Pay"),
                Column("currency", "Currency")), mentors),
             Section("sessions", "Sessions", (
                 Column("session", "Session", COUNT), Column("start", "Start", WHEN),
                 Column("title", "Title"), Column("mentor", "Mentor"),
                 Column("minutes", "Minutes", COUNT), *amount_columns("pay", "Pay"),
                 Column("currency", "Currency")), tuple(sessions))),
            notes=notes)
