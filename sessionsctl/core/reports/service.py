"""Use cases of reports: attendance, completion, mentors, one student.

Each returns a :class:`Report`: headline figures, sections of rows (what a table, a CSV file
or JSON shows) and charts (what the HTML report draws). The counting is done by the store in
SQL (``ReportUnit``); the rates come from :mod:`core.rates`, the one place they are defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import access
from ..domain import rules
from ..domain.errors import InvalidInput, NotFound, NotPermitted
from ..domain.model import AttendanceStatus, Role, SessionStatus
from ..domain.timeutil import day_start
from ..storage import UnitOfWork
from .data import ATTENDANCE_GROUPS, ReportFilter
from .rates import Completion, Tally

# How a column's values are shown: a rate is a fraction (0.75) in JSON/CSV and "75%" for people.
TEXT, COUNT, RATE, HOURS, RATING = "text", "count", "rate", "hours", "rating"
WHEN, DAY, MONTH = "when", "day", "month"
MAX_PERIODS = 400  # weeks or months in one report: some eight years of weeks


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True, slots=True)
class Section:
    """One table of a report (``name`` is what ``--by`` picks for CSV)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """What a chart shows; the HTML report draws it (core.charts). ``kind`` is ``bar``,
    ``stacked`` (bars of the series on top of each other) or ``line``; ``unit`` is how
    values read: ``rate`` (0..1 as a percentage), ``count``, ``hours`` or ``rating`` (1..5)."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = COUNT
    note: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: Any
    kind: str = COUNT


@dataclass(frozen=True, slots=True)
class Report:
    kind: str  # attendance, completion, mentors, student
    title: str
    start: datetime
    end: datetime
    now: datetime
    tz: str
    filters: dict[str, str]
    headline: tuple[Figure, ...]
    sections: tuple[Section, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def section(self, name: str | None = None) -> Section:
        """The section called ``name`` (the first without one)."""
        if name is None:
            return self.sections[0]
        for section in self.sections:
            if section.name == name:
                return section
        known = ", ".join(s.name for s in self.sections)
        raise InvalidInput(f"this report has no {name!r} table (it has {known})", field="--by")


# ---------------------------------------------------------------------------- periods
def week_bounds(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    """UTC instants where the weeks (Monday 00:00 in ``tz``) covering ``[start, end)`` begin,
    and one more where the last ends."""
    first = start.astimezone(tz).date()
    first -= timedelta(days=first.weekday())
    return _bounds(first, end, tz, lambda d: d + timedelta(weeks=1))


def month_bounds(start: datetime, end: datetime, tz: ZoneInfo) -> list[datetime]:
    first = start.astimezone(tz).date().replace(day=1)
    return _bounds(first, end, tz, lambda d: (d + timedelta(days=32)).replace(day=1))


def _bounds(first: date, end: datetime, tz: ZoneInfo, step: Any) -> list[datetime]:
    days = [first]
    while day_start(days[-1], tz) < end:
        days.append(step(days[-1]))
        if len(days) > MAX_PERIODS + 1:
            raise InvalidInput(f"the range is too long for one report (over {MAX_PERIODS} "
                               "periods); narrow --from/--to", field="--from")
    return [day_start(d, tz) for d in days]


# ------------------------------------------------------------------------------ rows
def _tally_columns(first: Column) -> tuple[Column, ...]:
    return (first, Column("sessions", "Sessions", COUNT), Column("present", "Present", COUNT),
            Column("late", "Late", COUNT), Column("absent", "Absent", COUNT),
            Column("excused", "Excused", COUNT), Column("unmarked", "Unmarked", COUNT),
            Column("attendance_rate", "Attendance", RATE))


def _tally_row(t: Tally) -> dict[str, Any]:
    return {"sessions": t.sessions, "present": t.present, "late": t.late, "absent": t.absent,
            "excused": t.excused, "unmarked": t.unmarked, "attendance_rate": t.attendance_rate}


def _completion_columns(first: Column) -> tuple[Column, ...]:
    return (first, Column("sessions", "Sessions", COUNT), Column("completed", "Completed", COUNT),
            Column("cancelled", "Cancelled", COUNT), Column("open", "Open", COUNT),
            Column("due", "Due", COUNT), Column("completion_rate", "Completion", RATE))


def _completion_row(c: Completion) -> dict[str, Any]:
    return {"sessions": c.total, "completed": c.completed, "cancelled": c.cancelled,
            "open": c.open, "due": c.due, "completion_rate": c.completion_rate}


def _tally_figures(t: Tally) -> tuple[Figure, ...]:
    return (Figure("Sessions", t.sessions), Figure("Present", t.present), Figure("Late", t.late),
            Figure("Absent", t.absent), Figure("Excused", t.excused),
            Figure("Attendance rate", t.attendance_rate, RATE))


def _sum(values: Sequence[Any], zero: Any) -> Any:
    total = zero
    for value in values:
        total = total + value
    return total


def _period_label(bound: datetime, tz: ZoneInfo, monthly: bool = False) -> str:
    local = bound.astimezone(tz)
    return f"{local:%b %Y}" if monthly else f"{local:%d %b}"


class Reporting:
    """Mixed into :class:`sessionsctl.core.centre.Centre` (``self._read()``, ``self._write()``)."""

    clock: Any

    def _read(self) -> Any: ...  # supplied by Centre

    # --------------------------------------------------------------------------- scope
    @staticmethod
    def _scoped(uow: UnitOfWork, f: ReportFilter) -> ReportFilter:
        """Staff see the whole centre; a mentor their own sessions; a student their own."""
        actor = uow.actor
        if access.sees_everything(actor):
            return f
        assert actor is not None
        own = "mentor" if actor.role is Role.MENTOR else "student"
        if getattr(f, own) not in (None, actor.email):
            raise NotPermitted(f"{actor.email} ({actor.role.value}) may only see reports of "
                               "their own sessions")
        return replace(f, **{own: actor.email})

    @staticmethod
    def _checked(f: ReportFilter) -> ReportFilter:
        if f.end <= f.start:
            raise InvalidInput("must be after --from", field="--to")
        return f

    @staticmethod
    def _filters(f: ReportFilter) -> dict[str, str]:
        return {k: v for k, v in (("mentor", f.mentor), ("student", f.student),
                                  ("subject", f.subject), ("course", f.course)) if v}

    @staticmethod
    def _known(uow: UnitOfWork, f: ReportFilter, *, student_field: str = "--student") -> None:
        """A filter naming someone or something that does not exist, or a person in a part
        they do not play (a student as the mentor, anyone but a student as the student: the
        parts booking allows), is a mistake, not an empty report. The error names the option
        (``student_field``: what gave the student, when not ``--student``)."""
        for part, email, field in (("mentor", f.mentor, "--mentor"),
                                   ("student", f.student, student_field)):
            if email is None:
                continue
            person = uow.person(email)
            if person is None:
                raise NotFound(part, email)
            if (person.role is Role.STUDENT) != (part == "student"):
                raise InvalidInput(f"{email} is a {person.role.value}, not a {part}",
                                   field=field)
        if f.subject is not None and uow.subject(f.subject) is None:
            raise NotFound("subject", f.subject)
        if f.course is not None and all(c.name != f.course for c in uow.courses()):
            raise NotFound("course", f.course)

    # ---------------------------------------------------------------- headline figures
    def headline_rates(self, start: datetime, end: datetime,
                       now: datetime | None = None) -> tuple[Completion, Tally]:
        """Completion and attendance over the sessions starting in ``[start, end)``, as the
        acting person sees the centre: the figures of the TUI header."""
        now = now or self.clock()
        with self._read() as uow:
            f = self._scoped(uow, ReportFilter(start, end))
            completion = uow.completion_by_period(f, [start, end], now).get(0, Completion())
            marks = uow.attendance_by_period(f, [start, end]).get(0, Tally())
        return completion, marks

    # ---------------------------------------------------------------------- attendance
    def report_attendance(self, f: ReportFilter, tz: ZoneInfo,
                          by: Sequence[str] = ("student", "batch"), *,
                          charts: bool = True) -> Report:
        """Per student and per batch (or subject, mentor): the student-sessions held in the
        range up to now, the marks by status, and the attendance rate; and, for ``charts``
        (only the HTML report draws them: a table, CSV or JSON skips that query), the rate
        by week."""
        now = self.clock()
        f = self._checked(f)
        for key in by:
            if key not in ATTENDANCE_GROUPS:
                raise InvalidInput(f"{key!r} is not one of {', '.join(ATTENDANCE_GROUPS)}",
                                   field="--group")
        with self._read() as uow:
            self._known(uow, f)
            scoped = self._scoped(uow, f)
            held = replace(scoped, end=min(f.end, now)) if f.start < now else None
            if held is not None:
                groups = uow.attendance_groups(held, tuple(by))
                bounds = week_bounds(held.start, held.end, tz) if charts else []
                weekly = uow.attendance_by_period(held, bounds) if charts else {}
            else:
                groups, bounds, weekly = {key: [] for key in by}, [], {}
        sections = []
        for key in by:
            people = key in ("student", "mentor")
            rows = tuple({key: g.key if people else g.label, **({"name": g.label} if people else {}),
                          **_tally_row(g.value)} for g in groups[key])
            first = Column(key, key.capitalize())
            columns = _tally_columns(first)
            if people:
                columns = (Column("name", "Name"), *columns)
            sections.append(Section(key, f"Attendance by {key}", columns, rows))
        total = _sum([g.value for g in groups[by[0]]], Tally()) if by else Tally()
        weeks = [weekly.get(i, Tally()) for i in range(len(bounds) - 1)]
        drawn = [Chart("line", "Attendance rate by week",
                        tuple(_period_label(b, tz) for b in bounds[:-1]),
                        (Series("Attendance", tuple(w.attendance_rate for w in weeks)),), RATE),
                  Chart("stacked", "Marks by week",
                        tuple(_period_label(b, tz) for b in bounds[:-1]),
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
        return Report("attendance", "Attendance", f.start, f.end, now, tz.key, self._filters(f),
                      _tally_figures(total), tuple(sections), tuple(drawn) if charts else (),
                      (("Attendance rate: present and late over present, late and absent; "
                       "excused absences and unmarked students are left out."),))

    # ---------------------------------------------------------------------- completion
    def report_completion(self, f: ReportFilter, tz: ZoneInfo) -> Report:
        """Sessions starting in the range by week and by subject: how many, completed,
        cancelled, still open, and the completion rate of those due by now."""
        now = self.clock()
        f = self._checked(f)
        bounds = week_bounds(f.start, f.end, tz)
        with self._read() as uow:
            self._known(uow, f)
            f = self._scoped(uow, f)
            weekly = uow.completion_by_period(f, bounds, now)
            subjects = uow.completion_groups(f, "subject", now)
        weeks = [weekly.get(i, Completion()) for i in range(len(bounds) - 1)]
        week_rows = tuple({"week": bounds[i].astimezone(tz).date(), **_completion_row(c)}
                          for i, c in enumerate(weeks))
        subject_rows = tuple({"subject": g.label, **_completion_row(g.value)} for g in subjects)
        total = _sum(weeks, Completion())
        labels = tuple(_period_label(b, tz) for b in bounds[:-1])
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
            "completion", "Completion", f.start, f.end, now, tz.key, self._filters(f),
            (Figure("Sessions", total.total), Figure("Completed", total.completed),
             Figure("Cancelled", total.cancelled), Figure("Open", total.open),
             Figure("Completion rate", total.completion_rate, RATE)),
            (Section("week", "Sessions by week", _completion_columns(Column("week", "Week", DAY)),
                     week_rows),
             Section("subject", "Sessions by subject",
                     _completion_columns(Column("subject", "Subject")), subject_rows)),
            charts,
            (("Completion rate: of the sessions due to end by now, the share completed; a "
             "cancelled or unclosed session counts as not completed."),))

    # ------------------------------------------------------------------------- mentors
    def report_mentors(self, f: ReportFilter, tz: ZoneInfo) -> Report:
        """Per mentor: sessions held (completed), hours, average rating (by others than the
        mentor), the no-show rate of their students, and cancellations."""
        now = self.clock()
        f = self._checked(f)
        with self._read() as uow:
            self._known(uow, f)
            f = self._scoped(uow, f)
            figures = uow.mentor_figures(f, now)
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
        marks = _sum([m.marks for m in figures], Tally())
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
            "mentors", "Mentors", f.start, f.end, now, tz.key, self._filters(f),
            (Figure("Mentors", len(figures)),
             Figure("Sessions held", sum(m.sessions.completed for m in figures)),
             Figure("Hours", round(sum(m.hours for m in figures), 2), HOURS),
             Figure("Cancelled", sum(m.sessions.cancelled for m in figures)),
             Figure("Average rating", rating_sum / ratings if ratings else None, RATING),
             Figure("No-show rate", marks.no_show_rate, RATE)),
            (Section("mentor", "Mentors", columns, rows),), charts,
            (("Held: completed sessions; hours are theirs. Average rating: feedback from "
             "others than the mentor. No-show rate: absent over present, late and absent."),))

    # ------------------------------------------------------------------------- student
    def report_student(self, email: str, f: ReportFilter, tz: ZoneInfo) -> Report:
        """One student's sessions in the range: status, their mark, the rating they gave;
        their attendance and ratings over time."""
        now = self.clock()
        email = rules.email(email, field="student")
        f = self._checked(replace(f, student=email))
        with self._read() as uow:
            self._known(uow, f, student_field="student")
            person = uow.person(email)
            assert person is not None
            f = self._scoped(uow, f)
            sessions = uow.student_sessions(f)
        rows = tuple({"id": s.session_id, "start": s.start, "title": s.title,
                      "mentor": s.mentor, "subject": s.subject, "status": s.status.value,
                      "attendance": s.attendance.value if s.attendance else None,
                      "rating": s.rating} for s in sessions)
        columns = (Column("id", "ID", COUNT), Column("start", "When", WHEN),
                   Column("title", "Title"), Column("mentor", "Mentor"),
                   Column("subject", "Subject"), Column("status", "Status"),
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
        month_rows = tuple({"month": bounds[i].astimezone(tz).date(), **_tally_row(t)}
                           for i, t in enumerate(month_tallies))
        rated = [s for s in sessions if s.rating is not None]
        labels = tuple(_period_label(b, tz, monthly=True) for b in bounds[:-1])
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
            "student", f"Student: {person.name} <{email}>", f.start, f.end, now, tz.key,
            self._filters(f),
            (*_tally_figures(total), Figure("Average rating given", average, RATING)),
            (Section("session", "Sessions", columns, rows),
             Section("month", "Attendance by month",
                     _tally_columns(Column("month", "Month", MONTH)), month_rows)),
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
