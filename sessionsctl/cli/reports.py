"""`report` commands: attendance, completion, mentors, one student; as a table, CSV, JSON or a
self-contained HTML file."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from ..core.domain import policy
from ..core.domain.errors import InvalidInput
from ..core.reports.data import ATTENDANCE_GROUPS
from ..core.reports.output import (
    cell,
    period_text,
    report_csv,
    report_html,
    report_json,
    table_rows,
)
from ..core.reports.report import Report
from . import render
from .context import Cli, cli
from .delivery import Delivery, EveryOpt, MailTo, Pdf, deliver, delivery
from .filters import (
    BatchOpt,
    Course,
    From,
    Mentor,
    Student,
    SubjectOpt,
    To,
    WithArchive,
    session_filter,
)
from .options import JsonOption

report_app = typer.Typer(help="Attendance, completion and mentor reports.", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="table (the default), csv or json.")]
By = Annotated[str | None, typer.Option(
    "--by", help="With --format csv: which table to write (default: the first).")]
Html = Annotated[Path | None, typer.Option(
    "--html", help="Also write a self-contained HTML report with charts to this file.",
    dir_okay=False)]
Output = Annotated[str | None, typer.Option(
    "--output", "-o", help="Write the csv/json/table output to this file ('-' for stdout).")]


def _format(fmt: Format | None, json_output: bool) -> Format | None:
    """The output asked for: ``--json`` is ``--format json``, as in every command."""
    if json_output:
        if fmt not in (None, Format.JSON):
            raise InvalidInput(f"give --json or --format {fmt.value}, not both", field="--json")
        return Format.JSON
    return fmt


def _emit(state: Cli, report: Report, fmt: Format | None, by: str | None, html: Path | None,
          output: str | None, to: Delivery, options: dict[str, Any] | None = None) -> None:
    """Print (or write) the report as asked, then write and mail it where ``to`` says."""
    tz = state.tz
    if by is not None:
        report.section(by)  # an unknown table is bad input in every format
    if html is not None:
        try:
            html.write_text(report_html(report, tz, override=state.settings.templates),
                            encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot write {html}: {exc.strerror}", field="--html") from None
    if fmt is Format.JSON:
        import json

        render.write_text(json.dumps(report_json(report, tz), indent=2, ensure_ascii=False) + "\n", output)
    elif fmt is Format.CSV:
        render.write_text(report_csv(report, tz, by), output)
    elif output not in (None, "-"):
        try:
            with open(output, "w", encoding="utf-8") as handle:
                _table(report, state, render.file_console(handle))
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}",
                               field="--output") from None
    elif (html is not None or to.renders) and fmt is None:  # the report is elsewhere:
        _table(report, state, render.out, sections=False)  # its headline here
    else:
        _table(report, state, render.out)
    if html is not None:
        render.err.print(f"Wrote {html}", style="dim")
    deliver(state, report, to, by=by, options=options)



def _table(report: Report, state: Cli, console: Console, *, sections: bool = True) -> None:
    tz = state.tz
    console.print(Text.assemble((report.title, "bold"), f"  {period_text(report, tz)} ({tz.key})"))
    if report.filters:
        console.print(Text("filtered by " + ", ".join(f"{k} {v}" for k, v in
                                                      report.filters.items()), style="dim"))
    figures: list[Any] = []
    for f in report.headline:
        figures += [f"{f.label}: ", (cell(f.value, f.kind, tz), "bold"), "  "]
    console.print(Text.assemble(*figures))
    if not sections:
        return
    for section in report.sections:
        console.print(render.table(section.title, [c.label for c in section.columns],
                                   table_rows(section, tz)))
    for note in report.notes:
        console.print(Text(note, style="dim"))


def _groups(text: str) -> tuple[str, ...]:
    groups = tuple(g.strip() for g in text.split(",") if g.strip())
    for g in groups:
        if g not in ATTENDANCE_GROUPS:
            raise InvalidInput(f"{g!r} is not one of {', '.join(ATTENDANCE_GROUPS)}",
                               field="--group")
    if not groups:
        raise InvalidInput("name at least one grouping", field="--group")
    return groups


@report_app.command("attendance")
def attendance(
    ctx: typer.Context, start: From = None, end: To = None, mentor: Mentor = None,
    student: Student = None, subject: SubjectOpt = None, course: Course = None, batch: BatchOpt = None,
    group: Annotated[str, typer.Option(
        "--group", help="Tables to show, comma-separated: student, batch, subject, mentor.")]
    = "student,batch",
    fmt: FormatOpt = None, by: By = None, html: Html = None, output: Output = None,
    mail_to: MailTo = None, every: EveryOpt = None, pdf: Pdf = None,
    json_output: JsonOption = False, with_archive: WithArchive = False,
) -> None:
    """Per student and per course/batch: sessions, present, late, absent, excused, attendance
    rate (present and late over present, late and absent).

    Examples:

    - `sessionsctl report attendance --from 2026-09-01 --course "GCSE Maths"`
    - `sessionsctl report attendance --course "GCSE Maths" --batch "Autumn 2026"`
    - `sessionsctl report attendance --format csv --output attendance.csv`
    - `sessionsctl report attendance --every week --mail-to head@example.org` (cron: last
      week's, mailed once)
    """
    fmt = _format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, mentor, student, subject, course, batch, every=every,
                       with_archive=with_archive)
    groups = _groups(group)
    report = state.centre.reports.report_attendance(f, state.tz, groups,
                                                    charts=html is not None or to.renders)
    _emit(state, report, fmt, by, html, output, to, {"group": ",".join(groups)})


@report_app.command("completion")
def completion(
    ctx: typer.Context, start: From = None, end: To = None, mentor: Mentor = None,
    student: Student = None, subject: SubjectOpt = None, course: Course = None, batch: BatchOpt = None,
    fmt: FormatOpt = None, by: By = None, html: Html = None, output: Output = None,
    mail_to: MailTo = None, every: EveryOpt = None, pdf: Pdf = None,
    json_output: JsonOption = False, with_archive: WithArchive = False,
) -> None:
    """Sessions by week and by subject: scheduled, completed, cancelled, still open, and the
    completion rate of those due to end by now.

    Example:

    - `sessionsctl report completion --from 2026-09-01 --html completion.html`
    - `sessionsctl report completion --from 2026-09-01 --pdf completion.pdf`
    """
    fmt = _format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, mentor, student, subject, course, batch, every=every,
                       with_archive=with_archive)
    _emit(state, state.centre.reports.report_completion(f, state.tz), fmt, by, html, output, to)


@report_app.command("mentors")
def mentors(
    ctx: typer.Context, start: From = None, end: To = None, mentor: Mentor = None,
    student: Student = None, subject: SubjectOpt = None, course: Course = None, batch: BatchOpt = None,
    fmt: FormatOpt = None, by: By = None, html: Html = None, output: Output = None,
    mail_to: MailTo = None, every: EveryOpt = None, pdf: Pdf = None,
    json_output: JsonOption = False, with_archive: WithArchive = False,
) -> None:
    """Per mentor: sessions held, hours, average rating, no-show rate of their students,
    cancellations.

    Example:

    - `sessionsctl report mentors --from 2026-09-01 --json`
    """
    fmt = _format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, mentor, student, subject, course, batch, every=every,
                       with_archive=with_archive)
    _emit(state, state.centre.reports.report_mentors(f, state.tz), fmt, by, html, output, to)


@report_app.command("student")
def student_report(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The student's email or name.")],
    start: From = None, end: To = None, mentor: Mentor = None, subject: SubjectOpt = None,
    course: Course = None, batch: BatchOpt = None, fmt: FormatOpt = None, by: By = None, html: Html = None,
    output: Output = None, mail_to: MailTo = None, every: EveryOpt = None, pdf: Pdf = None,
    json_output: JsonOption = False, with_archive: WithArchive = False,
) -> None:
    """One student: their sessions, attendance and the ratings they gave, over time.

    Example:

    - `sessionsctl report student sam@example.org --from 2026-09-01`
    """
    fmt = _format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, mentor, None, subject, course, batch, every=every,
                       with_archive=with_archive)
    if start is None and every is None:  # one student's history reads better over a term
        f = replace(f, start=f.end - policy.STUDENT_REPORT_WINDOW)
    _emit(state, state.centre.reports.report_student(email, f, state.tz), fmt, by, html, output,
          to)



