"""Use cases of reports: attendance, completion, mentors, one student.

Each returns a :class:`Report`: headline figures, sections of rows (what a table, a CSV file
or JSON shows) and charts (what the HTML report draws). The counting is done by the store in
SQL (``uow.reports``, a ``ReportRepo``); the rates come from :mod:`.rates`, the one place
they are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..access import visible
from ..domain.drafts import SessionQuery
from ..domain.errors import InvalidInput
from ..domain.model import AttendanceStatus, Feedback, SessionStatus
from ..domain.timeutil import day_start
from .data import ATTENDANCE_GROUPS, ReportFilter
from .rates import Completion, Tally
from .report import (
    COUNT,
    DAY,
    HOURS,
    MONTH,
    RATE,
    RATING,
    WHEN,
    Chart,
    Column,
    Figure,
    Report,
    Section,
    Series,
    completion_columns,
    completion_row,
    month_bounds,
    period_label,
    summed,
    tally_columns,
    tally_figures,
    tally_row,
    week_bounds,
)
from .scope import checked, filters, known, scoped
from .stats import WINDOW, Dashboard

if TYPE_CHECKING:
    from ..context import Context


class Reporting:
    """The reports, as the acting person may see them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---------------------------------------------------------------- headline figures
    def dashboard(self, now: datetime, tz: ZoneInfo) -> Dashboard:
        """The figures for the acting person's view of the centre (a mentor sees their own).

        The rates cover the sessions that started in the last 30 days (``report completion``
        and ``report attendance`` with ``--from`` 30 days ago give the same numbers); the
        counts come from one session query over today and the rest of this week.
        """
        today = now.astimezone(tz).date()
        today_start = day_start(today, tz)
        tomorrow = day_start(today + timedelta(days=1), tz)
        week_end = day_start(today + timedelta(days=7 - today.weekday()), tz)
        with self.ctx.read() as uow:
            sessions = uow.sessions.find(visible(uow.actor, SessionQuery(
                start=today_start, end=max(week_end, tomorrow))))
        live = [s for s in sessions if s.status is not SessionStatus.CANCELLED]
        completion, marks = self.headline_rates(now - WINDOW, now, now)
        return Dashboard(
            today=sum(today_start <= s.start < tomorrow for s in live),
            upcoming_week=sum(now <= s.start < week_end for s in live),
            completion_rate=completion.completion_rate,
            attendance_rate=marks.attendance_rate,
        )

    def data_version(self) -> tuple[tuple[str, int], ...]:
        """A marker that changes whenever anything is written (every change adds an audit
        row, ARCHITECTURE.md decision 6): a few COUNT queries, cheap enough to poll every few
        seconds."""
        with self.ctx.read() as uow:
            return tuple(sorted(uow.audit.table_counts().items()))

    def headline_rates(self, start: datetime, end: datetime,
                       now: datetime | None = None) -> tuple[Completion, Tally]:
        """Completion and attendance over the sessions starting in ``[start, end)``, as the
        acting person sees the centre: the figures of the TUI header."""
        now = now or self.ctx.clock()
        with self.ctx.read() as uow:
            f = scoped(uow, ReportFilter(start, end))
            completion = uow.reports.completion_by_period(f, [start, end], now).get(0, Completion())
            marks = uow.reports.attendance_by_period(f, [start, end]).get(0, Tally())
        return completion, marks

    # ---------------------------------------------------------------------- attendance
    def report_attendance(self, f: ReportFilter, tz: ZoneInfo,
                          by: Sequence[str] = ("student", "batch"), *,
                          charts: bool = True) -> Report:
        """Per student and per batch (or subject, mentor): the student-sessions held in the
        range up to now, the marks by status, and the attendance rate; and, for ``charts``
        (only the HTML report draws them: a table, CSV or JSON skips that query), the rate
        by week."""
        now = self.ctx.clock()
        f = checked(f)
        for key in by:
            if key not in ATTENDANCE_GROUPS:
                raise InvalidInput(f"{key!r} is not one of {', '.join(ATTENDANCE_GROUPS)}",
                                   field="--group")
        with self.ctx.read() as uow:
            f = known(uow, f)
            mine = scoped(uow, f)
            held = replace(mine, end=min(f.end, now)) if f.start < now else None
            if held is not None:
                groups = uow.reports.attendance_groups(held, tuple(by))
                bounds = week_bounds(held.start, held.end, tz) if charts else []
                weekly = uow.reports.attendance_by_period(held, bounds) if charts else {}
            else:
                groups, bounds, weekly = {key: [] for key in by}, [], {}
        sections = []
        for key in by:
            people = key in ("student", "mentor")
            rows = tuple({key: g.key if people else g.label, **({"name": g.label} if people else {}),
                          **tally_row(g.value)} for g in groups[key])
            first = Column(key, key.capitalize())
            columns = tally_columns(first)
            if people:
                columns = (Column("name", "Name"), *columns)
            sections.append(Section(key, f"Attendance by {key}", columns, rows))
        total = summed([g.value for g in groups[by[0]]], Tally()) if by else Tally()
        weeks = [weekly.get(i, Tally()) for i in range(len(bounds) - 1)]
        drawn = [Chart("line", "Attendance rate by week",
                        tuple(period_label(b, tz) for b in bounds[:-1]),
                        (Series("Attendance", tuple(w.attendance_rate for w in weeks)),), RATE),
                  Chart("stacked", "Marks by week",
                        tuple(period_label(b, tz) for b in bounds[:-1]),
                        tuple(Series(s.value.capitalize(), tuple(float(getattr(w, s.value))
                                                                 for w in weeks))
                              for s in AttendanceStatus), COUNT)]
        if "student" in groups and charts:
            lowest = sorted((g for g in groups["student"] if g.value.attendance_rate is not None),
                            key=lambda g: (g.value.attendance_rate, g.label))[:15]
            drawn.append(Chart("hbar", "Lowest attendance by student",
                                tuple(g.label for g in lowest),
                                (Series("Attendance", tuple(g.value.attendance_rate
                                                            for g in lowest)),), RATE))
        return Report("attendance", "Attendance", f.start, f.end, now, tz.key, filters(f),
                      tally_figures(total), tuple(sections), tuple(drawn) if charts else (),
                      (("Attendance rate: present and late over present, late and absent; "
                       "excused absences and unmarked students are left out."),))

    # ---------------------------------------------------------------------- completion
    def report_completion(self, f: ReportFilter, tz: ZoneInfo) -> Report:
        """Sessions starting in the range by week and by subject: how many, completed,
        cancelled, still open, and the completion rate of those due by now."""
        now = self.ctx.clock()
        f = checked(f)
        bounds = week_bounds(f.start, f.end, tz)
        with self.ctx.read() as uow:
            f = known(uow, f)
            f = scoped(uow, f)
            weekly = uow.reports.completion_by_period(f, bounds, now)
            subjects = uow.reports.completion_groups(f, "subject", now)
        weeks = [weekly.get(i, Completion()) for i in range(len(bounds) - 1)]
        week_rows = tuple({"week": bounds[i].astimezone(tz).date(), **completion_row(c)}
                          for i, c in enumerate(weeks))
        subject_rows = tuple({"subject": g.label, **completion_row(g.value)} for g in subjects)
        total = summed(weeks, Completion())
        labels = tuple(period_label(b, tz) for b in bounds[:-1])
        charts = (
            Chart("stacked", "Sessions by week", labels,
                  (Series("Completed", tuple(float(c.completed) for c in weeks)),
                   Series("Open", tuple(float(c.open) for c in weeks)),
                   Series("Cancelled", tuple(float(c.cancelled) for c in weeks))), COUNT),
            Chart("line", "Completion rate by week", labels,
                  (Series("Completion", tuple(c.completion_rate for c in weeks)),), RATE),
            Chart("hbar", "Completion rate by subject",
                  tuple(g.label for g in subjects),
                  (Series("Completion", tuple(g.value.completion_rate for g in subjects)),), RATE),
        )
        return Report(
            "completion", "Completion", f.start, f.end, now, tz.key, filters(f),
            (Figure("Sessions", total.total), Figure("Completed", total.completed),
             Figure("Cancelled", total.cancelled), Figure("Open", total.open),
             Figure("Completion rate", total.completion_rate, RATE)),
            (Section("week", "Sessions by week", completion_columns(Column("week", "Week", DAY)),
                     week_rows),
             Section("subject", "Sessions by subject",
                     completion_columns(Column("subject", "Subject")), subject_rows)),
            charts,
            (("Completion rate: of the sessions due to end by now, the share completed; a "
             "cancelled or unclosed session counts as not completed."),))

    # ------------------------------------------------------------------------- mentors
    def report_mentors(self, f: ReportFilter, tz: ZoneInfo) -> Report:
        """Per mentor: sessions held (completed), hours, average rating (by others than the
        mentor), the no-show rate of their students, and cancellations."""
        now = self.ctx.clock()
        f = checked(f)
        with self.ctx.read() as uow:
            f = known(uow, f)
            f = scoped(uow, f)
            figures = uow.reports.mentor_figures(f, now)
            said = uow.attendance.feedback_in(f)
        rows = tuple({
            "mentor": m.email, "name": m.name, "sessions": m.sessions.total,
            "held": m.sessions.completed, "hours": m.hours, "cancelled": m.sessions.cancelled,
            "completion_rate": m.sessions.completion_rate, "ratings": m.ratings,
            "average_rating": m.average_rating, "no_show_rate": m.marks.no_show_rate,
        } for m in figures)
        columns = (Column("name", "Name"), Column("mentor", "Mentor"),
                   Column("sessions", "Sessions", COUNT), Column("held", "Held", COUNT),
                   Column("hours", "Hours", HOURS), Column("cancelled", "Cancelled", COUNT),
                   Column("completion_rate", "Completion", RATE),
                   Column("ratings", "Ratings", COUNT),
                   Column("average_rating", "Avg rating", RATING),
                   Column("no_show_rate", "No-shows", RATE))
        marks = summed([m.marks for m in figures], Tally())
        ratings = sum(m.ratings for m in figures)
        rating_sum = sum(m.rating_sum for m in figures)
        busiest = sorted(figures, key=lambda m: (-m.sessions.completed, m.name))[:20]
        rated = sorted((m for m in figures if m.ratings),
                       key=lambda m: (-(m.average_rating or 0), m.name))[:20]
        charts = (
            Chart("hbar", "Sessions held by mentor", tuple(m.name for m in busiest),
                  (Series("Held", tuple(float(m.sessions.completed) for m in busiest)),), COUNT),
            Chart("hbar", "Average rating by mentor", tuple(m.name for m in rated),
                  (Series("Rating", tuple(m.average_rating for m in rated)),), RATING),
        )
        return Report(
            "mentors", "Mentors", f.start, f.end, now, tz.key, filters(f),
            (Figure("Mentors", len(figures)),
             Figure("Sessions held", sum(m.sessions.completed for m in figures)),
             Figure("Hours", round(sum(m.hours for m in figures), 2), HOURS),
             Figure("Cancelled", sum(m.sessions.cancelled for m in figures)),
             Figure("Average rating", rating_sum / ratings if ratings else None, RATING),
             Figure("No-show rate", marks.no_show_rate, RATE)),
            (Section("mentor", "Mentors", columns, rows), category_section(said)), charts,
            (("Held: completed sessions; hours are theirs. Average rating: feedback from "
             "others than the mentor. No-show rate: absent over present, late and absent."),))

    # ------------------------------------------------------------------------- student
    def report_student(self, who: str, f: ReportFilter, tz: ZoneInfo) -> Report:
        """One student's (``who``: an email or a name) sessions in the range: status, their
        mark, the rating they gave; their attendance and ratings over time."""
        now = self.ctx.clock()
        f = checked(replace(f, student=who))
        with self.ctx.read() as uow:
            f = known(uow, f, student_field="student")
            assert f.student is not None
            person = uow.people.get(f.student)
            assert person is not None
            f = scoped(uow, f)
            sessions = uow.reports.student_sessions(f)
        rows = tuple({"id": s.session_id, "start": s.start, "title": s.title,
                      "mentor_name": s.mentor_name, "mentor": s.mentor,
                      "subject": s.subject, "status": s.status.value,
                      "attendance": s.attendance.value if s.attendance else None,
                      "rating": s.rating} for s in sessions)
        columns = (Column("id", "ID", COUNT), Column("start", "When", WHEN),
                   Column("title", "Title"), Column("mentor_name", "Mentor"),
                   Column("mentor", "Mentor's email"), Column("subject", "Subject"),
                   Column("status", "Status"),
                   Column("attendance", "Attendance"), Column("rating", "Rating", COUNT))
        counted = [s for s in sessions if s.status is not SessionStatus.CANCELLED]
        held = [s for s in counted if s.start < now]
        total = Tally.of(_count(s.attendance for s in held), sessions=len(held))
        bounds = month_bounds(f.start, f.end, tz)
        months: list[list[Any]] = [[] for _ in range(len(bounds) - 1)]
        for s in held:
            months[_index(bounds, s.start)].append(s)
        month_tallies = [Tally.of(_count(s.attendance for s in m), sessions=len(m))
                         for m in months]
        month_rows = tuple({"month": bounds[i].astimezone(tz).date(), **tally_row(t)}
                           for i, t in enumerate(month_tallies))
        rated = [s for s in sessions if s.rating is not None]
        labels = tuple(period_label(b, tz, monthly=True) for b in bounds[:-1])
        charts = (
            Chart("line", "Ratings given over time",
                  tuple(f"{s.start.astimezone(tz):%d %b}" for s in rated),
                  (Series("Rating", tuple(float(s.rating) for s in rated if s.rating)),), RATING),
            Chart("stacked", "Attendance by month", labels,
                  tuple(Series(st.value.capitalize(),
                               tuple(float(getattr(t, st.value)) for t in month_tallies))
                        for st in AttendanceStatus), COUNT),
        )
        average = sum(s.rating for s in rated if s.rating) / len(rated) if rated else None
        return Report(
            "student", f"Student: {person.label}", f.start, f.end, now, tz.key,
            filters(f),
            (*tally_figures(total, one_student=True),
             Figure("Average rating given", average, RATING)),
            (Section("session", "Sessions", columns, rows),
             Section("month", "Attendance by month",
                     tally_columns(Column("month", "Month", MONTH)), month_rows)),
            charts,
            (("Cancelled sessions are listed but not counted; sessions to come are not "
             "counted either."),))


def _count(statuses: Any) -> dict[AttendanceStatus, int]:
    found: dict[AttendanceStatus, int] = {}
    for status in statuses:
        if status is not None:
            found[status] = found.get(status, 0) + 1
    return found


def _index(bounds: Sequence[datetime], instant: datetime) -> int:
    for i, b in enumerate(bounds[1:]):
        if instant < b:
            return i
    return len(bounds) - 2


def category_section(said: Sequence[tuple[int, datetime, str, Feedback]]) -> Section:
    """Each mentor's average rating in each feedback category (from others than them)."""
    sums: dict[tuple[str, str], list[int]] = {}
    for _session, _start, mentor, feedback in said:
        if feedback.author == mentor:
            continue
        for category, value in feedback.categories.items():
            sums.setdefault((mentor, category), []).append(int(value))
    rows = tuple({"mentor": mentor, "category": category, "ratings": len(values),
                  "average": sum(values) / len(values)}
                 for (mentor, category), values in sorted(sums.items()))
    return Section("categories", "Ratings by category", (
        Column("mentor", "Mentor"), Column("category", "Category"),
        Column("ratings", "Ratings", COUNT), Column("average", "Average", RATING)), rows)
