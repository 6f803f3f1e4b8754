"""Absence warnings: the students whose attendance rate over a recent window falls below a
threshold (`attendance warnings`), by the attendance report's own rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from .context import Context
from .domain.errors import InvalidInput
from .reports.data import ReportFilter


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
                 for r in section.rows
                 if r["attendance_rate"] is not None and r["attendance_rate"] < threshold]
        return sorted(found, key=lambda b: (b.rate, b.student))
