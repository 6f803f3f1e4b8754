"""The options that choose which sessions a report or an attendance export covers, defined
once so every command offers them alike, and the filter they make."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from ..core.domain import policy
from ..core.domain.timeutil import parse_bound
from ..core.reports.data import ReportFilter
from .context import Cli

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
Course = Annotated[str | None, typer.Option("--course",
                                            help="Only sessions of this course's batches.")]


def session_filter(state: Cli, start: str | None, end: str | None, mentor: str | None,
                   student: str | None, subject: str | None,
                   course: str | None) -> ReportFilter:
    """The filter the options above make (core refuses an empty range)."""
    tz = state.tz
    now = state.centre.clock()
    stop = parse_bound(end, tz, field="--to", end=True, now=now) if end else now
    begin = (parse_bound(start, tz, field="--from", now=now) if start
             else stop - timedelta(days=DEFAULT_DAYS))
    return ReportFilter(begin, stop, mentor=mentor, student=student, subject=subject,
                        course=course)
