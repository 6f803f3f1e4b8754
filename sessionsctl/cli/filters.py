"""The options that choose which sessions a command covers, defined once so every command
offers them alike, and the filters they make: a report's or an attendance export's
(:func:`session_filter`), and a list's or a bulk change's (:func:`session_query`)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from ..core.domain import policy
from ..core.domain.drafts import SessionQuery
from ..core.domain.errors import InvalidInput
from ..core.domain.model import SessionStatus, SessionType
from ..core.domain.timeutil import parse_bound
from .context import Cli

if TYPE_CHECKING:  # a report's filter is made by the commands that report alone
    from ..core.reports.data import ReportFilter
    from ..core.reports.report import Every

DEFAULT_DAYS = policy.REPORT_WINDOW.days  # the TUI header's window: a report with no --from shows its figures

From = Annotated[str | None, typer.Option(
    "--from", help="Sessions starting from this day or time (default: 30 days before --to).")]
To = Annotated[str | None, typer.Option(
    "--to", help="...up to this day (inclusive) or time (default: now).")]
Mentor = Annotated[str | None, typer.Option(
    "--mentor", help="Only this mentor's sessions (email or name).")]
Student = Annotated[str | None, typer.Option(
    "--student", help="Only sessions of this student (email or name).")]
SubjectOpt = Annotated[str | None, typer.Option("--subject", help="Only sessions of this subject.")]
Course = Annotated[str | None, typer.Option(
    "--course", help="Only sessions of this course (in any of its batches or none).")]
BatchOpt = Annotated[str | None, typer.Option(
    "--batch", help="Only sessions of this batch of the --course.")]
WithArchive = Annotated[bool, typer.Option(
    "--with-archive", help="Count archived sessions too (sessionsctl archive).")]


def session_filter(state: Cli, start: str | None, end: str | None, mentor: str | None,
                   student: str | None, subject: str | None,
                   course: str | None, batch: str | None = None, *,
                   every: Every | None = None, with_archive: bool = False) -> ReportFilter:
    """The filter the options above make (core refuses an empty range); ``every`` (a report's
    ``--every``) is the last complete day, week or month instead of ``--from``/``--to``."""
    from ..core.reports.data import ReportFilter
    from ..core.reports.report import last_period

    tz = state.tz
    now = state.centre.clock()
    if every is not None:
        if start or end:
            raise InvalidInput("give --every or --from/--to, not both: --every reports the "
                               f"last complete {every.value}", field="--every")
        begin, stop = last_period(every, now, tz)
    else:
        stop = parse_bound(end, tz, field="--to", end=True, now=now) if end else now
        begin = (parse_bound(start, tz, field="--from", now=now) if start
                 else stop - timedelta(days=DEFAULT_DAYS))
    return ReportFilter(begin, stop, mentor=mentor, student=student, subject=subject,
                        course=course, batch=batch, with_archive=with_archive)


# ------------------------------------------------------------------ a list's filters
ListFrom = Annotated[str | None, typer.Option("--from", help="From this day or time.")]
ListTo = Annotated[str | None, typer.Option(
    "--to", help="Up to this day (inclusive) or time.")]
RoomOpt = Annotated[str | None, typer.Option(
    "--room", help="Only sessions in this room (in any case).")]
Statuses = Annotated[list[SessionStatus] | None,
                     typer.Option("--status", help="Only these statuses.")]
Types = Annotated[list[SessionType] | None, typer.Option("--type", help="Only these types.")]
Search = Annotated[str | None,
                   typer.Option("--search", help="Text in title, notes, people, room.")]


def session_query(state: Cli, *, start: str | None, end: str | None, mentor: str | None,
                  student: str | None, room: str | None, subject: str | None,
                  statuses: list[SessionStatus] | None, types: list[SessionType] | None,
                  search: str | None) -> SessionQuery:
    """The query the list filters above make, with people, rooms and subjects as stored (a
    name nobody has is refused with the nearest there are). No bounds given: none set."""
    tz = state.tz
    begin = parse_bound(start, tz, field="from") if start else None
    stop = parse_bound(end, tz, field="to", end=True) if end else None
    if begin and stop and stop <= begin:
        raise InvalidInput("must be after --from", field="to")
    query = SessionQuery(start=begin, end=stop, mentor=mentor, student=student, room=room,
                         subject=subject, statuses=tuple(statuses or ()),
                         types=tuple(types or ()), search=search)
    if mentor or student or room or subject:
        query = state.centre.people.resolve_query(query)  # names as typed -> as stored
    return query
