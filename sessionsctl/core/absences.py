"""Absence warnings: the students whose attendance rate over a recent window falls below a
threshold (`attendance warnings`), by the attendance report's own rate; with ``--mail`` each
is told once per crossing (a flag per student kept while they stay under, cleared when they
recover, so a second fall is told again)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .access import Action, require
from .domain.errors import InvalidInput
from .mail.notices import Notice, NoticeKind, format_duration
from .reports.data import ReportFilter

if TYPE_CHECKING:
    from .context import Context

WARNING = "absence_warning"  # the template of the mail to a student under the threshold


@dataclass(frozen=True)
class Below:
    """A student under the threshold: their rate (0 to 1) and the marks it comes from."""

    student: str
    name: str
    rate: float
    sessions: int
    present: int
    late: int
    absent: int


class Absences:
    """Who attends too little, as the attendance report counts it (excused absences and
    unmarked students left out), over what the acting person may see."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def below(self, threshold: float, window: timedelta, tz: ZoneInfo) -> list[Below]:
        """The students whose rate over the ``window`` up to now is under ``threshold`` (a
        share, 0 to 1), lowest first."""
        return [b for b in self._rates(threshold, window, tz) if b.rate < threshold]

    def _rates(self, threshold: float, window: timedelta, tz: ZoneInfo) -> list[Below]:
        """Every student with a rate over the window, lowest first."""
        if not 0 < threshold <= 1:
            raise InvalidInput(f"must be above 0% and at most 100%, not {threshold:.0%}",
                               field="--threshold")
        from .reports.service import Reporting

        now = self.ctx.clock()
        report = Reporting(self.ctx).report_attendance(ReportFilter(now - window, now), tz,
                                                       ("student",), charts=False)
        [section] = report.sections
        found = [Below(r["student"], r.get("name") or r["student"], r["attendance_rate"],
                       r["sessions"], r["present"], r["late"], r["absent"])
                 for r in section.rows if r["attendance_rate"] is not None]
        return sorted(found, key=lambda b: (b.rate, b.student))

    def warn(self, threshold: float, window: timedelta, tz: ZoneInfo) -> list[Below]:
        """:meth:`below`, and a mail queued to each student who fell under the threshold
        since the last run (one transaction): not again while they stay under; again once
        they were back at or above it on a run and then fell under once more. Returns the
        students mailed now. Staff only (it addresses every student)."""
        with self.ctx.read() as uow:
            require(uow.actor, Action.SEND_MAIL)
        rates = self._rates(threshold, window, tz)
        now = self.ctx.clock()
        told = []
        with self.ctx.write() as uow:
            for b in rates:
                key = "absence_warned:" + hashlib.sha256(b.student.encode()).hexdigest()[:40]
                if b.rate >= threshold:
                    uow.outbox.flag(key, None)  # recovered: a new fall is a new crossing
                elif uow.outbox.flag(key, now.date().isoformat()):
                    told.append(b)
            uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, WARNING, b.student, None, None, {
                "absence": {"rate": f"{b.rate:.0%}", "threshold": f"{threshold:.0%}",
                            "window": format_duration(window), "sessions": b.sessions,
                            "present": b.present, "late": b.late, "absent": b.absent}})
                for b in told], now=now)
        return told
